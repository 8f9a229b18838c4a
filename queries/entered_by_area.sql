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
    WHERE p.is_registered_resident AND b.entry_date >= CAST($since AS DATE) AND {scope:b}),
marked AS (   -- an entry starts a new span unless it falls inside the window of the person's previous one
    SELECT code, person_id, entry_date,
           CASE WHEN lag(entry_date) OVER w IS NULL THEN 1
                WHEN $window_days IS NOT NULL
                     AND entry_date - lag(entry_date) OVER w >= CAST($window_days AS INTEGER) THEN 1 ELSE 0 END AS starts
    FROM entries WHERE code IS NOT NULL
    WINDOW w AS (PARTITION BY code, person_id ORDER BY entry_date)),
spans AS (    -- counted from the first entry of a span to $window_days days after its last one (or for good)
    SELECT code, min(entry_date) AS since,
           CASE WHEN $window_days IS NOT NULL THEN max(entry_date) + CAST($window_days AS INTEGER) END AS until
    FROM (SELECT *, sum(starts) OVER (PARTITION BY code, person_id ORDER BY entry_date) AS span FROM marked)
    GROUP BY code, person_id, span),
{include:running_count}
SELECT code, day, value FROM running WHERE value > 0
