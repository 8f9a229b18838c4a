-- Tables derived whole from others, rebuilt by every write just before it commits (store/db.py: Store.writer), so
-- each published version carries them consistent with its rows, whatever the write changed (a batch, a merge or
-- split of two people, a correction). Queries read them like any table.

-- person_homes: where each person belongs before any transfer (queries/person_home.sql adds those): the residence,
-- and for a person with no known residence the community (and its township and district) of their latest report
-- placed in the city, the police's own reports aside; each code on its own (a resident ID may give the district
-- of a person with no residence). Every list of people started from this: at scale 100 it grouped 3.1 M reports
-- of 941,000 people and joined 1.7 M people per query (0.5 s); computed once per version instead.
CREATE OR REPLACE TABLE person_homes AS
WITH unhoused AS (
    SELECT s.person_id, arg_max(s.community_code, s.seen_at) AS community_code,
           arg_max(s.township_code, s.seen_at) AS township_code, arg_max(s.district_code, s.seen_at) AS district_code
    FROM sightings s
    WHERE s.community_code IS NOT NULL AND s.channel <> 'police'
      AND s.person_id IN (SELECT person_id FROM persons WHERE community_code IS NULL)
    GROUP BY s.person_id)
SELECT p.person_id, coalesce(p.community_code, u.community_code) AS community_code,
       coalesce(p.township_code, u.township_code) AS township_code,
       coalesce(p.district_code, u.district_code) AS district_code
FROM persons p LEFT JOIN unhoused u USING (person_id)
ORDER BY p.person_id;
