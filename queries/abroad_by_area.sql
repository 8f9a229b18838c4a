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
spans AS (   -- abroad from a departure until the first entry on/after it, or the next departure listed here
             -- (so one person's spans in one area never overlap)
    SELECT code, person_id, exit_date AS since,
           least(lead(exit_date) OVER (PARTITION BY code, person_id ORDER BY exit_date),
                 (SELECT min(b.entry_date) FROM border_entries b
                  WHERE b.person_id = e.person_id AND b.entry_date >= e.exit_date)) AS until
    FROM exits e WHERE code IS NOT NULL),
{include:running_count}
SELECT code, day, value FROM running WHERE value > 0
