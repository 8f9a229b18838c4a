-- Included ({include:loop_members}) as the first CTEs of the loop's people queries (loop_people, loop_people_page,
-- loop_people_count): `listed`, each person the scope lists with their relation to it ('home' or 'guest'), their
-- home and the quarantine they are in, and `people`, those in the closed loop as of the date with the populations
-- they are in, restricted to the population asked for (see loop_people.sql; loop_rows.sql names them).
{include:person_home}
listed AS (   -- one row per person: the home (homes' columns) and the quarantine the person is in (`here`'s, here_*);
              -- homes is read here only (a CTE read twice is computed whole: every person of the store's home)
    SELECT * FROM (
        SELECT h.person_id, h.district_code, h.township_code, h.community_code, x.site,
               x.community_code AS here_community_code, x.district_code AS here_district_code,
               CASE WHEN {scope:h} AND ($community IS NULL OR h.community_code = $community) THEN 'home'
                    WHEN x.person_id IS NOT NULL AND {scope:x} AND NOT coalesce({scope:h}, false)
                         AND ($community IS NULL OR x.community_code = $community) THEN 'guest'
                    WHEN x.person_id IS NOT NULL AND $community IS NOT NULL AND x.community_code = $community
                         AND h.community_code <> $community AND {scope:h}
                    THEN 'guest' END AS relation    -- a community's guest from another community of the jurisdiction
        FROM (SELECT * FROM homes h   -- who can be listed at all: a district or community skips everyone else's
              WHERE ({scope:h} AND ($community IS NULL OR h.community_code = $community))
                 OR h.person_id IN (SELECT x.person_id FROM here x WHERE CASE WHEN $community IS NULL THEN {scope:x}
                                                                          ELSE x.community_code = $community END)) h
             LEFT JOIN here x USING (person_id))
    WHERE relation IS NOT NULL),
held AS (   -- the populations each person is in at the end of $as_of (store/schema.sql: loop_spans), as bits of
            -- their ranks (1 measures .. 6 abroad), the highest, and whether $population is among them
    SELECT person_id, max(rank) AS top, bit_or(1 << rank) AS held, bool_or(population = $population) AS asked
    FROM loop_spans
    WHERE from_day <= CAST($as_of AS DATE) AND (until_day IS NULL OR until_day > CAST($as_of AS DATE))
      AND (NOT since_bound OR from_day >= CAST($since AS DATE))
    GROUP BY person_id),
people AS (   -- the listed people in the loop (listed's columns) and the populations they are in (`top`, `held`)
    SELECT * EXCLUDE (asked) FROM listed JOIN held USING (person_id) WHERE $population IS NULL OR asked)
