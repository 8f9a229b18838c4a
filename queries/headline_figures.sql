-- The headline figures of the situation, as of the end of $as_of, counted since $since, within the scope.
-- Definitions (the same as the report's):
--   abroad_*      registered residents on the exit-entry list whose latest departure is not followed by an entry
--   entered       registered residents with a border entry
--   arrived       people (residents or not) who arrived in the city within 30 days after a border entry
--   measures      people with a service-management measure in place
--   in_quarantine people whose quarantine has started and not been released
--   rumours       online rumour cases handled, with the people educated, detained and fined over them
WITH
latest_exit AS (
    SELECT person_id, arg_max(doc_type, exit_date) AS doc_type, max(exit_date) AS exit_date
    FROM abroad a WHERE exit_date < (CAST($as_of AS DATE) + 1) AND {scope:a}
    GROUP BY person_id),
abroad_now AS (
    SELECT l.doc_type FROM latest_exit l
    WHERE NOT EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = l.person_id
                      AND b.entry_date >= l.exit_date AND b.entry_date < (CAST($as_of AS DATE) + 1))),
entered AS (
    SELECT count(DISTINCT b.person_id) AS n FROM border_entries b JOIN persons p USING (person_id)
    WHERE p.is_registered_resident AND b.entry_date >= CAST($since AS DATE)
      AND b.entry_date < (CAST($as_of AS DATE) + 1) AND {scope:b}),
arrived AS (
    SELECT count(DISTINCT a.person_id) AS n FROM arrivals a
    WHERE a.arrived_at >= CAST($since AS DATE) AND a.arrived_at < (CAST($as_of AS DATE) + 1) AND {scope:a}
      AND EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id
                  AND b.entry_date BETWEEN CAST(a.arrived_at AS DATE) - 30 AND CAST(a.arrived_at AS DATE))),
measures AS (
    SELECT count(DISTINCT person_id) AS n FROM service_measures m
    WHERE started_at < (CAST($as_of AS DATE) + 1) AND {scope:m}),
quarantine AS (
    SELECT count(DISTINCT person_id) FILTER (WHERE kind = 'hotel') AS hotel,
           count(DISTINCT person_id) FILTER (WHERE kind = 'home') AS home
    FROM quarantines q
    WHERE start_at < (CAST($as_of AS DATE) + 1) AND (released_at IS NULL OR released_at >= (CAST($as_of AS DATE) + 1))
      AND {scope:q}),
released AS (
    SELECT count(DISTINCT person_id) AS n FROM quarantines q
    WHERE released_at >= CAST($since AS DATE) AND released_at < (CAST($as_of AS DATE) + 1) AND {scope:q}),
checks AS (   -- NULL unless $checks (the dashboard adds them up from cached daily counts instead)
    SELECT (SELECT count(*) FROM checkpoint_vehicle_checks v JOIN checkpoints c USING (checkpoint_id)
            WHERE v.checked_at < (CAST($as_of AS DATE) + 1) AND {scope:c}) AS vehicles,
           (SELECT count(*) FROM checkpoint_person_checks pc JOIN checkpoints c USING (checkpoint_id)
            WHERE pc.checked_at < (CAST($as_of AS DATE) + 1) AND {scope:c}) AS persons
    WHERE $checks),
enforcement AS (
    SELECT count(*) AS rumours, coalesce(sum(educated), 0) AS educated,
           coalesce(sum(detained), 0) AS detained, coalesce(sum(fined), 0) AS fined
    FROM enforcement_cases e
    WHERE kind = 'online_rumour' AND handled_on < (CAST($as_of AS DATE) + 1) AND {scope_district:e}),
confirmed AS (
    SELECT count(*) FILTER (WHERE kind = 'imported') AS imported, count(*) FILTER (WHERE kind = 'local') AS local
    FROM cases k WHERE confirmed_on < (CAST($as_of AS DATE) + 1) AND {scope:k})
SELECT
    (SELECT count(*) FROM abroad_now) AS abroad,
    (SELECT count(*) FROM abroad_now WHERE doc_type = 'passport') AS abroad_passport,
    (SELECT count(*) FROM abroad_now WHERE doc_type = 'hk_macau_permit') AS abroad_permit,
    (SELECT n FROM entered) AS entered,
    (SELECT n FROM arrived) AS arrived,
    (SELECT n FROM measures) AS measures,
    (SELECT hotel + home FROM quarantine) AS in_quarantine,
    (SELECT hotel FROM quarantine) AS in_quarantine_hotel,
    (SELECT home FROM quarantine) AS in_quarantine_home,
    (SELECT n FROM released) AS released,
    (SELECT vehicles FROM checks) AS checkpoint_vehicles,
    (SELECT persons FROM checks) AS checkpoint_persons,
    (SELECT rumours FROM enforcement) AS rumours,
    (SELECT educated FROM enforcement) AS educated,
    (SELECT detained FROM enforcement) AS detained,
    (SELECT fined FROM enforcement) AS fined,
    (SELECT imported FROM confirmed) AS imported_cases,
    (SELECT local FROM confirmed) AS local_cases
