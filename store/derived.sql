-- Tables derived from others, brought up to date by every write just before it commits (store/db.py:
-- Store.writer), so each published version carries them consistent with its rows, whatever the write changed (a
-- batch, a merge or split of two people, a correction). Queries read them like any table. The write names the
-- people it changed in the temp table `changed_persons` (every person when it cannot say); only their rows are
-- recomputed, and only the rows that differ are written, so a small batch rewrites a few rows, not the table.

-- person_homes (store/schema.sql): where each person belongs before any transfer (queries/person_home.sql adds
-- those): the residence, and for a person with no known residence the community (and its township and district)
-- of their latest report placed in the city, the police's own reports aside; each code on its own (a resident ID
-- may give the district of a person with no residence).
CREATE OR REPLACE TEMP TABLE homes_now AS
WITH changed AS (SELECT DISTINCT person_id FROM changed_persons WHERE person_id IS NOT NULL),
unhoused AS (
    SELECT s.person_id, arg_max(s.community_code, s.seen_at) AS community_code,
           arg_max(s.township_code, s.seen_at) AS township_code, arg_max(s.district_code, s.seen_at) AS district_code
    FROM sightings s
    WHERE s.community_code IS NOT NULL AND s.channel <> 'police'
      AND s.person_id IN (SELECT person_id FROM persons WHERE community_code IS NULL
                          AND person_id IN (SELECT person_id FROM changed))
    GROUP BY s.person_id)
SELECT p.person_id, coalesce(p.community_code, u.community_code) AS community_code,
       coalesce(p.township_code, u.township_code) AS township_code,
       coalesce(p.district_code, u.district_code) AS district_code, true AS present
FROM persons p LEFT JOIN unhoused u USING (person_id)
WHERE p.person_id IN (SELECT person_id FROM changed)
UNION ALL   -- a changed person no longer in `persons` (merged away): their row goes (NOT EXISTS looks the few changed
            -- people up; NOT IN hashed every person: 50-100 ms of a 10-row ingest at scale 100, against 10-16 ms)
SELECT person_id, NULL, NULL, NULL, false FROM changed c
WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.person_id = c.person_id);

CREATE OR REPLACE TEMP TABLE homes_changed AS
SELECT n.* FROM homes_now n LEFT JOIN person_homes h USING (person_id)
WHERE NOT n.present OR h.person_id IS NULL OR h.community_code IS DISTINCT FROM n.community_code
   OR h.township_code IS DISTINCT FROM n.township_code OR h.district_code IS DISTINCT FROM n.district_code;

DELETE FROM person_homes WHERE person_id IN (SELECT person_id FROM homes_changed);
INSERT INTO person_homes SELECT person_id, community_code, township_code, district_code
FROM homes_changed WHERE present ORDER BY person_id;

-- loop_spans (store/schema.sql): each changed person's spans in the loop's populations, with the definitions and
-- dates of their headline figures. abroad: from each departure until the first entry on or after it; entered: a
-- registered resident's entry; arrived: an arrival in the city with an entry in the 30 days before it; measures:
-- from the first service measure; in_quarantine: from a quarantine's start day until its release day; released:
-- a release day. A span that cannot hold any day (released on its start day) is left out.
CREATE OR REPLACE TEMP TABLE spans_now AS
WITH changed AS (SELECT DISTINCT person_id FROM changed_persons WHERE person_id IS NOT NULL)
SELECT DISTINCT * FROM (
    SELECT a.person_id, 'abroad' AS population, CAST(6 AS TINYINT) AS rank, a.exit_date AS from_day,
           (SELECT min(b.entry_date) FROM border_entries b
            WHERE b.person_id = a.person_id AND b.entry_date >= a.exit_date) AS until_day, false AS since_bound
    FROM abroad a WHERE a.person_id IN (SELECT person_id FROM changed)
    UNION ALL
    SELECT b.person_id, 'entered', 2, b.entry_date, NULL, true
    FROM border_entries b JOIN persons p USING (person_id)
    WHERE p.is_registered_resident AND b.person_id IN (SELECT person_id FROM changed)
    UNION ALL
    SELECT a.person_id, 'arrived', 3, CAST(a.arrived_at AS DATE), NULL, true
    FROM arrivals a
    WHERE a.person_id IN (SELECT person_id FROM changed)
      AND EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id
                  AND b.entry_date BETWEEN CAST(a.arrived_at AS DATE) - 30 AND CAST(a.arrived_at AS DATE))
    UNION ALL
    SELECT person_id, 'measures', 1, CAST(min(started_at) AS DATE), NULL, false
    FROM service_measures WHERE person_id IN (SELECT person_id FROM changed) GROUP BY person_id
    UNION ALL
    SELECT person_id, 'in_quarantine', 5, CAST(start_at AS DATE), CAST(released_at AS DATE), false
    FROM quarantines
    WHERE person_id IN (SELECT person_id FROM changed)
      AND (released_at IS NULL OR CAST(released_at AS DATE) > CAST(start_at AS DATE))
    UNION ALL
    SELECT person_id, 'released', 4, CAST(released_at AS DATE), NULL, true
    FROM quarantines WHERE released_at IS NOT NULL AND person_id IN (SELECT person_id FROM changed));

CREATE OR REPLACE TEMP TABLE spans_changed AS   -- the changed people whose spans differ from those stored
WITH stored AS (SELECT * FROM loop_spans
                WHERE person_id IN (SELECT person_id FROM changed_persons WHERE person_id IS NOT NULL))
SELECT DISTINCT person_id FROM ((SELECT * FROM spans_now EXCEPT SELECT * FROM stored)
                                UNION ALL (SELECT * FROM stored EXCEPT SELECT * FROM spans_now));

DELETE FROM loop_spans WHERE person_id IN (SELECT person_id FROM spans_changed);
INSERT INTO loop_spans SELECT * FROM spans_now WHERE person_id IN (SELECT person_id FROM spans_changed)
ORDER BY person_id, rank DESC, from_day;
