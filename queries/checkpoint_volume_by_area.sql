-- Vehicles plus persons checked at the joint checkpoints up to the end of each day from $start to $end, per
-- area of $level ('all' | districts | townships | communities; the checkpoint's area). Every (area, day)
-- equals the headline's checkpoint_vehicles + checkpoint_persons for that area and day.
WITH
days AS (SELECT CAST(d AS DATE) AS day FROM range(CAST($start AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) t(d)),
checks AS (
    SELECT checkpoint_id, CAST(checked_at AS DATE) AS day, count(*) AS n FROM checkpoint_vehicle_checks
    WHERE checked_at < CAST($end AS DATE) + 1 GROUP BY ALL
    UNION ALL
    SELECT checkpoint_id, CAST(checked_at AS DATE), count(*) FROM checkpoint_person_checks
    WHERE checked_at < CAST($end AS DATE) + 1 GROUP BY ALL),
by_area AS (
    SELECT CASE $level WHEN 'all' THEN 'all' WHEN 'districts' THEN c.district_code
                       WHEN 'townships' THEN c.township_code ELSE c.community_code END AS code,
           k.day, sum(k.n) AS n
    FROM checks k JOIN checkpoints c USING (checkpoint_id)
    WHERE {scope:c}
    GROUP BY ALL)
SELECT a.code, d.day, CAST(sum(a.n) AS BIGINT) AS value
FROM by_area a JOIN days d ON a.day <= d.day
WHERE a.code IS NOT NULL
GROUP BY ALL
