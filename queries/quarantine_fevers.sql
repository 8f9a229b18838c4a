-- Fevers up to the end of $as_of within the scope: a temperature check at or above $fever (°C), one row per
-- person and day (the day's highest reading), id 'fever:<person_id>:<date>'. Names through the runner's masks.
-- $persons: the fevers of these people only (a list of ids; NULL = everyone's).
WITH fevers AS (
    SELECT h.person_id, CAST(h.checked_at AS DATE) AS day, min(h.checked_at) AS checked_at,
           max(h.temperature) AS temperature, arg_max(h.symptoms, h.temperature) AS symptoms,
           arg_min(h.community_code, h.checked_at) AS community_code,
           arg_min(h.township_code, h.checked_at) AS township_code,
           arg_min(h.district_code, h.checked_at) AS district_code
    FROM health_checks h
    WHERE h.temperature >= $fever AND h.checked_at < CAST($as_of AS DATE) + 1 AND {scope:h}
      AND ($persons IS NULL OR list_contains($persons, h.person_id))
    GROUP BY h.person_id, CAST(h.checked_at AS DATE))
SELECT 'fever:' || f.person_id || ':' || strftime(f.day, '%Y-%m-%d') AS alert_id, f.person_id, f.day, f.checked_at,
       f.temperature, f.symptoms,
       (SELECT arg_max(q.kind, q.start_at) FROM quarantines q WHERE q.person_id = f.person_id
            AND q.start_at <= f.checked_at) AS quarantine_kind,
       {mask_name:p.name:p} AS name,
       f.community_code, f.township_code, f.district_code, c.name AS community,
       {mask_lon:p:c} AS lon, {mask_lat:p:c} AS lat
FROM fevers f JOIN persons p USING (person_id) LEFT JOIN communities c ON c.code = f.community_code
ORDER BY f.checked_at, alert_id
