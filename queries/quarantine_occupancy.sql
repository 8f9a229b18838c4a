-- Occupancy of each designated quarantine site at the end of every day from $start to $end, within the scope:
-- people whose quarantine at the site has started and not been released (the same rule as quarantine_sites),
-- against the site's capacity (rooms); over_capacity marks a day above it.
WITH
days AS (SELECT CAST(d AS DATE) AS day FROM range(CAST($start AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) t(d)),
counts AS (
    SELECT q.site_id, d.day, count(DISTINCT q.person_id) AS occupants
    FROM quarantines q JOIN days d ON q.start_at < d.day + 1 AND (q.released_at IS NULL OR q.released_at >= d.day + 1)
    WHERE q.site_id IS NOT NULL
    GROUP BY ALL)
SELECT s.site_id, s.name, s.capacity, d.day, coalesce(c.occupants, 0) AS occupants,
       coalesce(c.occupants, 0) > s.capacity AS over_capacity, s.district_code, s.township_code
FROM quarantine_sites s CROSS JOIN days d LEFT JOIN counts c ON c.site_id = s.site_id AND c.day = d.day
WHERE {scope:s}
ORDER BY s.site_id, d.day
