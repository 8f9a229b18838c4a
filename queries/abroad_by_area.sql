-- Registered residents abroad at the end of each day from $start to $end, per area of $level
-- ('all': the whole scope as one area; districts | townships | communities).
-- The headline's definition applied within each area: the person's latest departure listed in the area is not
-- followed by a border entry; so every (area, day) equals the headline for that area and day.
WITH
days AS (SELECT CAST(d AS DATE) AS day FROM range(CAST($start AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) t(d)),
exits AS (
    SELECT DISTINCT CASE $level WHEN 'all' THEN 'all' WHEN 'districts' THEN a.district_code
                                WHEN 'townships' THEN a.township_code ELSE a.community_code END AS code,
           person_id, exit_date
    FROM abroad a WHERE {scope:a}),
spells AS (   -- abroad from a departure until the first entry on/after it, or the next departure listed here
    SELECT code, person_id, exit_date AS since,
           least(lead(exit_date) OVER (PARTITION BY code, person_id ORDER BY exit_date),
                 (SELECT min(b.entry_date) FROM border_entries b
                  WHERE b.person_id = e.person_id AND b.entry_date >= e.exit_date)) AS until
    FROM exits e WHERE code IS NOT NULL),
-- A person's spells in one area never overlap, so the people abroad on a day are a running sum of +1 where a
-- spell starts (from $start on) and -1 where it ends: rows + areas x days, not spells x days.
bounded AS (
    SELECT code, greatest(since, CAST($start AS DATE)) AS since, until FROM spells
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
SELECT code, day, value FROM running WHERE value > 0
