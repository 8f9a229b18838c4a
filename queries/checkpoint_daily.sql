-- Vehicles and persons checked per checkpoint in the scope per day from $start to $end.
WITH
vehicles AS (SELECT checkpoint_id, CAST(checked_at AS DATE) AS day, count(*) AS n FROM checkpoint_vehicle_checks
             WHERE checked_at >= CAST($start AS DATE) AND checked_at < CAST($end AS DATE) + 1 GROUP BY ALL),
persons AS (SELECT checkpoint_id, CAST(checked_at AS DATE) AS day, count(*) AS n FROM checkpoint_person_checks
            WHERE checked_at >= CAST($start AS DATE) AND checked_at < CAST($end AS DATE) + 1 GROUP BY ALL)
SELECT checkpoint_id, c.name, day, coalesce(v.n, 0) AS vehicles, coalesce(p.n, 0) AS persons
FROM vehicles v FULL JOIN persons p USING (checkpoint_id, day)
JOIN checkpoints c USING (checkpoint_id)
WHERE {scope:c}
ORDER BY checkpoint_id, day
