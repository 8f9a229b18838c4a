-- People in quarantine (hotel or home) at the end of each day from $start to $end, per area of $level
-- ('all' | districts | townships | communities). Every (area, day) equals the headline's `in_quarantine`.
WITH
days AS (SELECT CAST(d AS DATE) AS day FROM range(CAST($start AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) t(d))
SELECT CASE $level WHEN 'all' THEN 'all' WHEN 'districts' THEN q.district_code WHEN 'townships' THEN q.township_code
            ELSE q.community_code END AS code,
       d.day, count(DISTINCT q.person_id) AS value
FROM quarantines q
JOIN days d ON q.start_at < d.day + 1 AND (q.released_at IS NULL OR q.released_at >= d.day + 1)
WHERE {scope:q}
GROUP BY ALL
HAVING code IS NOT NULL
