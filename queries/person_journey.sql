-- access: person
-- One person's journey through the loop up to the end of $as_of, oldest first, when the scope may see the person
-- (queries/person_visible.sql): every step wherever it happened (a hotel in another district too):
-- departure -> border entry -> arrival in the city -> transfer -> quarantine -> release, plus health checks
-- and service measures; each step with its place, detail and source (channel, file, line).
WITH
{include:person_home}
{include:person_visible}
steps AS (
    SELECT 'abroad' AS step, CAST(a.exit_date AS TIMESTAMP) AS at, a.country || coalesce(' ' || a.city, '') AS place,
           concat_ws(' ', a.doc_type, a.verification_status) AS detail, 'exit_entry' AS channel,
           a.batch_id, a.line
    FROM abroad a WHERE a.person_id = $person AND a.exit_date < (CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT 'entered', CAST(b.entry_date AS TIMESTAMP), b.port,
           concat_ws(' ', b.transport, b.carrier_no, b.from_country), b.channel, b.batch_id, b.line
    FROM border_entries b WHERE b.person_id = $person AND b.entry_date < (CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT 'arrived', r.arrived_at, r.place, concat_ws(' ', r.carrier_no, r.from_place), r.channel, r.batch_id, r.line
    FROM arrivals r WHERE r.person_id = $person AND r.arrived_at < (CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT 'transfer', t.transfer_at, t.from_place, concat_ws(' ', t.team, t.vehicle, t.to_kind), 'quarantine',
           t.batch_id, t.line
    FROM transfers t WHERE t.person_id = $person AND t.transfer_at < (CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT 'quarantine', q.start_at, coalesce(s.name, q.kind), q.kind || ' → ' || CAST(q.planned_end AS VARCHAR),
           'quarantine', q.batch_id, q.line
    FROM quarantines q LEFT JOIN quarantine_sites s USING (site_id)
    WHERE q.person_id = $person AND q.start_at < (CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT 'released', q.released_at, coalesce(s.name, q.kind), NULL, 'quarantine', q.batch_id, q.line
    FROM quarantines q LEFT JOIN quarantine_sites s USING (site_id)
    WHERE q.person_id = $person AND q.released_at < (CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT 'measure', m.started_at, NULL, m.measure, m.channel, m.batch_id, m.line
    FROM service_measures m WHERE m.person_id = $person AND m.started_at < (CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT 'health_check', h.checked_at, NULL, CAST(h.temperature AS VARCHAR) || ' °C' || coalesce(' ' || h.symptoms, ''),
           h.channel, h.batch_id, h.line
    FROM health_checks h WHERE h.person_id = $person AND h.checked_at < (CAST($as_of AS DATE) + 1))
SELECT s.step, s.at, s.place, s.detail, s.channel, b.file_name, s.line
FROM steps s LEFT JOIN batches b USING (batch_id)
WHERE EXISTS (SELECT 1 FROM visible)
ORDER BY s.at, s.step
