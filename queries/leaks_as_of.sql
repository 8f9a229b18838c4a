-- Leaks of the closed loop as of the end of $as_of within the scope: each stage deadline missed, one row per
-- person and occasion, with a deterministic id 'leak:<stage>:<person_id>:<date>' (loop/deadlines.py):
--   arrival      a border entry ($since ..) not followed by an arrival, an in-city report or a quarantine
--                within $arrive_hours hours of the end of the entry day (entries carry a date, not a time)
--   quarantine   the first arrival after an entry (within $window_days days of it, from $quarantine_from on) not
--                followed by a quarantine start within $quarantine_hours hours
--   release      a quarantine not released by the end of day $quarantine_days + $grace_days after its start day
--   temperature  a day of home quarantine (after the start day, before the release day) without a temperature
--                report in the $report_days days up to it
-- A deadline met late is still a leak (resolved_at tells when it was made good). Person-level fields are
-- written through the runner's masks. $persons: the leaks of these people only (a list of ids; NULL = everyone's):
-- every deadline is the person's own, so a person's leaks depend on their rows only.
WITH
entries AS (
    SELECT b.person_id, b.entry_date, b.port, b.from_country, b.community_code, b.township_code, b.district_code,
           CAST(b.entry_date + 1 AS TIMESTAMP) + to_hours(CAST($arrive_hours AS BIGINT)) AS due_at
    FROM border_entries b
    WHERE b.entry_date >= CAST($since AS DATE) AND {scope:b}
      AND ($persons IS NULL OR list_contains($persons, b.person_id))),
arrival_leaks AS (
    SELECT 'arrival' AS stage, e.person_id, e.entry_date AS day, e.due_at,
           (SELECT min(a.arrived_at) FROM arrivals a WHERE a.person_id = e.person_id AND a.arrived_at > e.due_at
                AND a.arrived_at < (CAST($as_of AS DATE) + 1)) AS resolved_at,
           concat_ws(' · ', e.port, e.from_country) AS detail, e.community_code, e.township_code, e.district_code
    FROM entries e
    WHERE e.due_at < (CAST($as_of AS DATE) + 1)
      AND NOT EXISTS (SELECT 1 FROM arrivals a WHERE a.person_id = e.person_id
                      AND a.arrived_at >= e.entry_date AND a.arrived_at <= e.due_at)
      AND NOT EXISTS (SELECT 1 FROM sightings s WHERE s.person_id = e.person_id AND s.community_code IS NOT NULL
                      AND s.channel <> 'police'     -- the police platform reports entries, not people in the city
                      AND s.seen_at >= e.entry_date AND s.seen_at <= e.due_at)
      AND NOT EXISTS (SELECT 1 FROM quarantines q WHERE q.person_id = e.person_id
                      AND q.start_at >= e.entry_date AND q.start_at <= e.due_at)),
first_arrivals AS (   -- placed at the person's residence (community control answers for it), else the arrival
    SELECT a.person_id, b.entry_date, min(a.arrived_at) AS arrived_at, arg_min(a.place, a.arrived_at) AS place,
           coalesce(any_value(p.community_code), arg_min(a.community_code, a.arrived_at)) AS community_code,
           coalesce(any_value(p.township_code), arg_min(a.township_code, a.arrived_at)) AS township_code,
           coalesce(any_value(p.district_code), arg_min(a.district_code, a.arrived_at)) AS district_code
    FROM arrivals a JOIN border_entries b ON b.person_id = a.person_id AND a.arrived_at >= b.entry_date
         AND CAST(a.arrived_at AS DATE) <= b.entry_date + CAST($window_days AS INTEGER)
         JOIN persons p ON p.person_id = a.person_id
    WHERE b.entry_date >= CAST($since AS DATE) AND a.arrived_at < (CAST($as_of AS DATE) + 1)
      AND ($persons IS NULL OR list_contains($persons, a.person_id))
      AND (CASE WHEN p.community_code IS NOT NULL THEN {scope:p} ELSE {scope:a} END)
    GROUP BY a.person_id, b.entry_date),
quarantine_leaks AS (
    SELECT 'quarantine' AS stage, f.person_id, CAST(f.arrived_at AS DATE) AS day,
           f.arrived_at + to_hours(CAST($quarantine_hours AS BIGINT)) AS due_at,
           (SELECT min(q.start_at) FROM quarantines q WHERE q.person_id = f.person_id
                AND q.start_at > f.arrived_at + to_hours(CAST($quarantine_hours AS BIGINT))
                AND q.start_at < (CAST($as_of AS DATE) + 1)) AS resolved_at,
           f.place AS detail, f.community_code, f.township_code, f.district_code
    FROM first_arrivals f
    WHERE f.arrived_at >= CAST($quarantine_from AS TIMESTAMP)
      AND f.arrived_at + to_hours(CAST($quarantine_hours AS BIGINT)) < (CAST($as_of AS DATE) + 1)
      AND NOT EXISTS (SELECT 1 FROM quarantines q WHERE q.person_id = f.person_id
                      AND q.start_at >= f.entry_date
                      AND q.start_at <= f.arrived_at + to_hours(CAST($quarantine_hours AS BIGINT)))),
started AS (
    SELECT q.person_id, q.kind, q.site_id, q.start_at, CAST(q.start_at AS DATE) AS start_day,
           CASE WHEN q.released_at < (CAST($as_of AS DATE) + 1) THEN q.released_at END AS released_at,
           CAST(CAST(q.start_at AS DATE) + CAST($quarantine_days AS INTEGER) + CAST($grace_days AS INTEGER) + 1
                AS TIMESTAMP) AS due_at,
           q.community_code, q.township_code, q.district_code
    FROM quarantines q
    WHERE q.start_at < (CAST($as_of AS DATE) + 1) AND {scope:q}
      AND ($persons IS NULL OR list_contains($persons, q.person_id))),
release_leaks AS (
    SELECT 'release' AS stage, s.person_id, s.start_day AS day, s.due_at,
           CASE WHEN s.released_at >= s.due_at THEN s.released_at END AS resolved_at,
           s.kind || coalesce(' · ' || s.site_id, '') AS detail, s.community_code, s.township_code, s.district_code
    FROM started s
    WHERE s.due_at <= (CAST($as_of AS DATE) + 1) AND (s.released_at IS NULL OR s.released_at >= s.due_at)),
home_days AS (
    SELECT s.person_id, s.community_code, s.township_code, s.district_code,
           CAST(unnest(generate_series(CAST(s.start_day + 1 AS TIMESTAMP),
                CAST(least(CAST($as_of AS DATE), s.start_day + CAST($quarantine_days AS INTEGER),
                           coalesce(CAST(s.released_at AS DATE) - 1, CAST($as_of AS DATE))) AS TIMESTAMP),
                INTERVAL 1 DAY)) AS DATE) AS day
    FROM started s WHERE s.kind = 'home'),
temperature_leaks AS (
    SELECT 'temperature' AS stage, d.person_id, d.day, CAST(d.day + 1 AS TIMESTAMP) AS due_at,
           CAST(NULL AS TIMESTAMP) AS resolved_at, NULL AS detail, d.community_code, d.township_code, d.district_code
    FROM home_days d
    WHERE NOT EXISTS (SELECT 1 FROM health_checks h WHERE h.person_id = d.person_id
                      AND h.checked_at >= CAST(d.day - (CAST($report_days AS INTEGER) - 1) AS TIMESTAMP)
                      AND h.checked_at < CAST(d.day + 1 AS TIMESTAMP))),
leaks AS (
    SELECT * FROM arrival_leaks UNION ALL SELECT * FROM quarantine_leaks
    UNION ALL SELECT * FROM release_leaks UNION ALL SELECT * FROM temperature_leaks)
SELECT DISTINCT ON (leak_id)
       'leak:' || l.stage || ':' || l.person_id || ':' || strftime(l.day, '%Y-%m-%d') AS leak_id,
       l.stage, l.person_id, l.day, l.due_at, l.resolved_at, l.detail,
       {mask_name:p.name:p} AS name,
       l.community_code, l.township_code, l.district_code, c.name AS community,
       {mask_lon:p:c} AS lon, {mask_lat:p:c} AS lat
FROM leaks l JOIN persons p USING (person_id) LEFT JOIN communities c ON c.code = l.community_code
ORDER BY leak_id
