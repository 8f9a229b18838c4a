-- Designated quarantine sites in the scope with their capacity and occupants at the end of $as_of.
SELECT s.site_id, s.name, s.kind, s.capacity, s.lon, s.lat, s.district_code, s.township_code,
       count(DISTINCT q.person_id) AS occupants
FROM quarantine_sites s
LEFT JOIN quarantines q ON q.site_id = s.site_id AND q.start_at < CAST($as_of AS DATE) + 1
     AND (q.released_at IS NULL OR q.released_at >= CAST($as_of AS DATE) + 1)
WHERE {scope:s}
GROUP BY ALL
ORDER BY s.site_id
