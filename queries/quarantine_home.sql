-- People in home quarantine at the end of $as_of within the scope (居家隔离, an approved exception): day of the
-- quarantine, the day-$quarantine_days release, the last temperature, and the days so far (after the start day,
-- up to $as_of) with no report and with a fever (>= $fever). Names through the runner's masks.
WITH
home AS (
    SELECT q.person_id, q.start_at, CAST(q.start_at AS DATE) AS start_day, q.community_code, q.township_code,
           q.district_code
    FROM quarantines q
    WHERE q.kind = 'home' AND q.start_at < CAST($as_of AS DATE) + 1
      AND (q.released_at IS NULL OR q.released_at >= CAST($as_of AS DATE) + 1) AND {scope:q}),
days AS (
    SELECT h.person_id, CAST(unnest(generate_series(CAST(h.start_day + 1 AS TIMESTAMP), CAST($as_of AS TIMESTAMP),
                                                    INTERVAL 1 DAY)) AS DATE) AS day
    FROM home h WHERE h.start_day < CAST($as_of AS DATE)),
checks AS (
    SELECT h.person_id, CAST(c.checked_at AS DATE) AS day, max(c.temperature) AS temperature
    FROM home h JOIN health_checks c ON c.person_id = h.person_id AND c.checked_at >= h.start_at
         AND c.checked_at < CAST($as_of AS DATE) + 1
    GROUP BY ALL),
last AS (
    SELECT h.person_id, arg_max(c.temperature, c.checked_at) AS temperature, max(c.checked_at) AS checked_at
    FROM home h JOIN health_checks c ON c.person_id = h.person_id AND c.checked_at < CAST($as_of AS DATE) + 1
    GROUP BY h.person_id)
SELECT h.person_id,
       {mask_name:p.name:p} AS name,
       c.name AS community, h.community_code, h.township_code, h.district_code, h.start_at,
       date_diff('day', h.start_day, CAST($as_of AS DATE)) AS quarantine_day,
       h.start_day + CAST($quarantine_days AS INTEGER) AS release_due,
       l.temperature AS last_temperature, l.checked_at AS last_checked_at,
       (SELECT count(*) FROM days d WHERE d.person_id = h.person_id
            AND NOT EXISTS (SELECT 1 FROM checks k WHERE k.person_id = d.person_id AND k.day = d.day)) AS missed_days,
       (SELECT count(*) FROM checks k WHERE k.person_id = h.person_id AND k.temperature >= $fever) AS fever_days
FROM home h JOIN persons p USING (person_id) LEFT JOIN communities c ON c.code = h.community_code
LEFT JOIN last l USING (person_id)
ORDER BY missed_days DESC, fever_days DESC, h.start_at
