-- Registered residents with a border entry from $since up to the end of each day from $start to $end (with
-- $window_days: only entries in the last $window_days days), per area of $level ('all' | districts | townships |
-- communities). Every (area, day) equals the headline's `entered` for that area, day and start date.
WITH
days AS (SELECT CAST(d AS DATE) AS day FROM range(CAST($start AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) t(d)),
entries AS (
    SELECT DISTINCT CASE $level WHEN 'all' THEN 'all' WHEN 'districts' THEN b.district_code
                                WHEN 'townships' THEN b.township_code ELSE b.community_code END AS code,
           b.person_id, b.entry_date
    FROM border_entries b JOIN persons p USING (person_id)
    WHERE p.is_registered_resident AND b.entry_date >= CAST($since AS DATE) AND {scope:b})
SELECT e.code, d.day, count(DISTINCT e.person_id) AS value
FROM entries e JOIN days d ON e.entry_date <= d.day
     AND ($window_days IS NULL OR e.entry_date > d.day - CAST($window_days AS INTEGER))
WHERE e.code IS NOT NULL
GROUP BY ALL
