-- The first and the latest day with an event in the store (NULLs when it has none): what the dashboard spans.
-- Events are what happened in the period (entries, arrivals, sightings, checks, quarantines, reports, cases),
-- not states dated long before it (an exit abroad, a birth).
SELECT min(first) AS first_day, max(last) AS last_day FROM (
    SELECT min(entry_date) AS first, max(entry_date) AS last FROM border_entries
    UNION ALL SELECT CAST(min(arrived_at) AS DATE), CAST(max(arrived_at) AS DATE) FROM arrivals
    UNION ALL SELECT CAST(min(seen_at) AS DATE), CAST(max(seen_at) AS DATE) FROM sightings
    UNION ALL SELECT CAST(min(start_at) AS DATE), CAST(max(coalesce(released_at, start_at)) AS DATE) FROM quarantines
    UNION ALL SELECT CAST(min(checked_at) AS DATE), CAST(max(checked_at) AS DATE) FROM health_checks
    UNION ALL SELECT CAST(min(checked_at) AS DATE), CAST(max(checked_at) AS DATE) FROM checkpoint_vehicle_checks
    UNION ALL SELECT CAST(min(checked_at) AS DATE), CAST(max(checked_at) AS DATE) FROM checkpoint_person_checks
    UNION ALL SELECT min(handled_on), max(handled_on) FROM enforcement_cases
    UNION ALL SELECT min(confirmed_on), max(confirmed_on) FROM cases)
