-- Included ({include:loop_members}) as the first CTEs of the loop's people queries (loop_people, loop_people_page,
-- loop_people_count): each person in the closed loop within the scope as of the date, with their stage, community
-- and populations, restricted to the population asked for (see loop_people.sql).
latest_exit AS (
    SELECT person_id, max(exit_date) AS exit_date, arg_max(doc_type, exit_date) AS doc_type,
           arg_max(country, exit_date) AS country, arg_max(community_code, exit_date) AS community_code
    FROM abroad a
    WHERE exit_date < CAST($as_of AS DATE) + 1 AND {scope:a}
      AND ($community IS NULL OR a.community_code = $community)
    GROUP BY person_id),
members AS (
    SELECT person_id, 'abroad' AS population, 6 AS rank, community_code FROM latest_exit l
    WHERE NOT EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = l.person_id
                      AND b.entry_date >= l.exit_date AND b.entry_date < CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT b.person_id, 'entered', 2, arg_max(b.community_code, b.entry_date)
    FROM border_entries b JOIN persons p USING (person_id)
    WHERE p.is_registered_resident AND b.entry_date >= CAST($since AS DATE)
      AND b.entry_date < CAST($as_of AS DATE) + 1 AND {scope:b}
      AND ($community IS NULL OR b.community_code = $community)
    GROUP BY b.person_id
    UNION ALL
    SELECT a.person_id, 'arrived', 3, arg_max(a.community_code, a.arrived_at)
    FROM arrivals a
    WHERE a.arrived_at >= CAST($since AS DATE) AND a.arrived_at < CAST($as_of AS DATE) + 1 AND {scope:a}
      AND ($community IS NULL OR a.community_code = $community)
      AND EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id
                  AND b.entry_date BETWEEN CAST(a.arrived_at AS DATE) - 30 AND CAST(a.arrived_at AS DATE))
    GROUP BY a.person_id
    UNION ALL
    SELECT m.person_id, 'measures', 1, arg_max(m.community_code, m.started_at)
    FROM service_measures m
    WHERE m.started_at < CAST($as_of AS DATE) + 1 AND {scope:m}
      AND ($community IS NULL OR m.community_code = $community)
    GROUP BY m.person_id
    UNION ALL
    SELECT q.person_id, 'in_quarantine', 5, arg_max(q.community_code, q.start_at)
    FROM quarantines q
    WHERE q.start_at < CAST($as_of AS DATE) + 1
      AND (q.released_at IS NULL OR q.released_at >= CAST($as_of AS DATE) + 1) AND {scope:q}
      AND ($community IS NULL OR q.community_code = $community)
    GROUP BY q.person_id
    UNION ALL
    SELECT q.person_id, 'released', 4, arg_max(q.community_code, q.released_at)
    FROM quarantines q
    WHERE q.released_at >= CAST($since AS DATE) AND q.released_at < CAST($as_of AS DATE) + 1 AND {scope:q}
      AND ($community IS NULL OR q.community_code = $community)
    GROUP BY q.person_id),
people AS (
    SELECT person_id, arg_max(population, rank) AS stage, arg_max(community_code, rank) AS community_code,
           concat_ws(', ', max(population) FILTER (WHERE rank = 6), max(population) FILTER (WHERE rank = 5),
                     max(population) FILTER (WHERE rank = 4), max(population) FILTER (WHERE rank = 3),
                     max(population) FILTER (WHERE rank = 2), max(population) FILTER (WHERE rank = 1)) AS populations
    FROM members GROUP BY person_id
    HAVING $population IS NULL OR bool_or(population = $population))
