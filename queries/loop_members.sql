-- Included ({include:loop_members}) as the first CTEs of the loop's people queries (loop_people, loop_people_page,
-- loop_people_count): `listed`, each person the scope lists with their relation to it ('home' or 'guest'), their
-- home and the quarantine they are in, and `people`, those in the closed loop as of the date with their stage and
-- populations, restricted to the population asked for (see loop_people.sql).
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
        FROM homes h LEFT JOIN here x USING (person_id))
    WHERE relation IS NOT NULL),
latest_exit AS (
    SELECT person_id, max(exit_date) AS exit_date, arg_max(doc_type, exit_date) AS doc_type,
           arg_max(country, exit_date) AS country
    FROM abroad a
    WHERE exit_date < CAST($as_of AS DATE) + 1 AND person_id IN (SELECT person_id FROM listed)
    GROUP BY person_id),
members AS (
    SELECT person_id, 'abroad' AS population, 6 AS rank FROM latest_exit l
    WHERE NOT EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = l.person_id
                      AND b.entry_date >= l.exit_date AND b.entry_date < CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT b.person_id, 'entered', 2
    FROM border_entries b JOIN persons p USING (person_id)
    WHERE p.is_registered_resident AND b.entry_date >= CAST($since AS DATE)
      AND b.entry_date < CAST($as_of AS DATE) + 1 AND b.person_id IN (SELECT person_id FROM listed)
    GROUP BY b.person_id
    UNION ALL
    SELECT a.person_id, 'arrived', 3
    FROM arrivals a
    WHERE a.arrived_at >= CAST($since AS DATE) AND a.arrived_at < CAST($as_of AS DATE) + 1 AND a.person_id IN (SELECT person_id FROM listed)
      AND EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id
                  AND b.entry_date BETWEEN CAST(a.arrived_at AS DATE) - 30 AND CAST(a.arrived_at AS DATE))
    GROUP BY a.person_id
    UNION ALL
    SELECT m.person_id, 'measures', 1
    FROM service_measures m
    WHERE m.started_at < CAST($as_of AS DATE) + 1 AND m.person_id IN (SELECT person_id FROM listed)
    GROUP BY m.person_id
    UNION ALL
    SELECT q.person_id, 'in_quarantine', 5
    FROM quarantines q
    WHERE q.start_at < CAST($as_of AS DATE) + 1
      AND (q.released_at IS NULL OR q.released_at >= CAST($as_of AS DATE) + 1) AND q.person_id IN (SELECT person_id FROM listed)
    GROUP BY q.person_id
    UNION ALL
    SELECT q.person_id, 'released', 4
    FROM quarantines q
    WHERE q.released_at >= CAST($since AS DATE) AND q.released_at < CAST($as_of AS DATE) + 1 AND q.person_id IN (SELECT person_id FROM listed)
    GROUP BY q.person_id),
people AS (
    SELECT person_id, arg_max(population, rank) AS stage,
           concat_ws(', ', max(population) FILTER (WHERE rank = 6), max(population) FILTER (WHERE rank = 5),
                     max(population) FILTER (WHERE rank = 4), max(population) FILTER (WHERE rank = 3),
                     max(population) FILTER (WHERE rank = 2), max(population) FILTER (WHERE rank = 1)) AS populations
    FROM members GROUP BY person_id
    HAVING $population IS NULL OR bool_or(population = $population))
