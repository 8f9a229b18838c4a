-- Each joint checkpoint in the scope with the vehicles and persons checked there up to the end of $as_of
-- (the headline's checkpoint figures, per checkpoint).
WITH
vehicles AS (SELECT checkpoint_id, count(*) AS n FROM checkpoint_vehicle_checks
             WHERE checked_at < CAST($as_of AS DATE) + 1 GROUP BY checkpoint_id),
persons AS (SELECT checkpoint_id, count(*) AS n FROM checkpoint_person_checks
            WHERE checked_at < CAST($as_of AS DATE) + 1 GROUP BY checkpoint_id)
SELECT c.checkpoint_id, c.name, c.road, c.lon, c.lat, c.district_code, c.township_code, d.name AS district,
       coalesce(v.n, 0) AS vehicles, coalesce(p.n, 0) AS persons
FROM checkpoints c
LEFT JOIN vehicles v USING (checkpoint_id) LEFT JOIN persons p USING (checkpoint_id)
LEFT JOIN districts d ON d.code = c.district_code
WHERE {scope:c}
ORDER BY c.checkpoint_id
