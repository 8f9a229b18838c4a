-- Included (`{include:running_count}`) after a `spans (code, since, until)` CTE whose spans never overlap within
-- a code (until NULL: still open): `running (code, day, value)`, how many spans cover each day of `days` from
-- $start to $end, as a running sum of +1 where a span starts and -1 where it ends — rows + areas x days of work,
-- not spans x days.
bounded AS (
    SELECT code, greatest(since, CAST($start AS DATE)) AS since, until FROM spans
    WHERE since <= CAST($end AS DATE) AND (until IS NULL OR until > greatest(since, CAST($start AS DATE)))),
changes AS (
    SELECT code, day, sum(delta) AS delta FROM (
        SELECT code, since AS day, 1 AS delta FROM bounded
        UNION ALL
        SELECT code, until, -1 FROM bounded WHERE until <= CAST($end AS DATE))
    GROUP BY ALL),
running AS (
    SELECT c.code, d.day, sum(coalesce(x.delta, 0)) OVER (PARTITION BY c.code ORDER BY d.day) AS value
    FROM (SELECT DISTINCT code FROM changes) c CROSS JOIN days d
    LEFT JOIN changes x ON x.code = c.code AND x.day = d.day)
