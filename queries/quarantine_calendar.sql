-- The release calendar from $start to $end within the scope: per day and quarantine kind, how many quarantines
-- reach day $quarantine_days (due: start day + $quarantine_days) and how many were actually released that day;
-- due_open counts those due that day and not released before the end of $as_of.
WITH q AS (
    SELECT q.person_id, q.kind, CAST(q.start_at AS DATE) + CAST($quarantine_days AS INTEGER) AS due_day,
           CASE WHEN q.released_at < CAST($as_of AS DATE) + 1 THEN CAST(q.released_at AS DATE) END AS released_day
    FROM quarantines q
    WHERE q.start_at < CAST($as_of AS DATE) + 1 AND {scope:q}),
due AS (
    SELECT due_day AS day, kind, count(*) AS due, count(*) FILTER (WHERE released_day IS NULL) AS due_open
    FROM q GROUP BY ALL),
released AS (SELECT released_day AS day, kind, count(*) AS released FROM q WHERE released_day IS NOT NULL GROUP BY ALL)
SELECT coalesce(d.day, r.day) AS day, coalesce(d.kind, r.kind) AS kind, coalesce(d.due, 0) AS due,
       coalesce(d.due_open, 0) AS due_open, coalesce(r.released, 0) AS released
FROM due d FULL JOIN released r ON r.day = d.day AND r.kind = d.kind
WHERE coalesce(d.day, r.day) BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
ORDER BY day, kind
