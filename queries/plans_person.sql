-- access: person
-- One plan per person (一人一方案) as of the end of $as_of, when the scope may see the person
-- (queries/person_visible.sql), from the person's whole record: the latest entry, the arrival and its
-- batch, the transfer (team = responsible unit, vehicle, destination), the quarantine and its day-14 release,
-- and the next step with its deadline ($arrive_hours, $quarantine_hours, $quarantine_days + $grace_days).
-- Person-level fields through the runner's masks.
WITH
{include:person_home}
{include:person_visible}
p AS (SELECT * FROM persons WHERE person_id = $person),
entry AS (
    SELECT max(entry_date) AS entry_date, arg_max(port, entry_date) AS port, arg_max(from_country, entry_date) AS country
    FROM border_entries b WHERE b.person_id = $person AND b.entry_date < (CAST($as_of AS DATE) + 1)),
arrival AS (
    SELECT min(arrived_at) AS arrived_at, arg_min(place, arrived_at) AS place, arg_min(carrier_no, arrived_at) AS carrier_no
    FROM arrivals a WHERE a.person_id = $person AND a.arrived_at < (CAST($as_of AS DATE) + 1)
      AND a.arrived_at >= coalesce((SELECT entry_date FROM entry), DATE '1900-01-01')),
transfer AS (
    SELECT max(transfer_at) AS transfer_at, arg_max(from_place, transfer_at) AS from_place, arg_max(team, transfer_at) AS team,
           arg_max(vehicle, transfer_at) AS vehicle, arg_max(to_kind, transfer_at) AS to_kind,
           arg_max(to_site_id, transfer_at) AS to_site_id
    FROM transfers t WHERE t.person_id = $person AND t.transfer_at < (CAST($as_of AS DATE) + 1)),
quarantine AS (
    SELECT max(start_at) AS start_at, arg_max(kind, start_at) AS kind, arg_max(site_id, start_at) AS site_id,
           arg_max(CASE WHEN released_at < (CAST($as_of AS DATE) + 1) THEN released_at END, start_at) AS released_at
    FROM quarantines q WHERE q.person_id = $person AND q.start_at < (CAST($as_of AS DATE) + 1))
SELECT p.person_id,
       {mask_name:p.name:p} AS name,
       c.name AS community, hd.name AS home_district, ht.name AS home_township, h.moved,
       n.site AS current_place, nc.name AS current_community, nd.name AS current_district, e.entry_date, e.port, e.country, r.arrived_at, r.place AS arrival_place, r.carrier_no,
       CASE WHEN r.carrier_no IS NOT NULL
            THEN 'batch:' || r.carrier_no || ':' || strftime(CAST(r.arrived_at AS DATE), '%Y-%m-%d') END AS batch_id,
       t.transfer_at, t.from_place AS transfer_from, t.team, t.vehicle, coalesce(s.name, t.to_kind) AS destination,
       q.kind AS quarantine_kind, qs.name AS quarantine_site, q.start_at AS quarantine_start,
       CAST(q.start_at AS DATE) + CAST($quarantine_days AS INTEGER) AS release_due, q.released_at,
       CASE WHEN q.released_at IS NOT NULL THEN 'done'
            WHEN q.start_at IS NOT NULL THEN 'release'
            WHEN r.arrived_at IS NOT NULL THEN 'quarantine'
            WHEN e.entry_date IS NOT NULL THEN 'arrive'
            ELSE 'none' END AS next_step,
       CASE WHEN q.released_at IS NOT NULL THEN NULL
            WHEN q.start_at IS NOT NULL THEN CAST(CAST(q.start_at AS DATE) + CAST($quarantine_days AS INTEGER)
                                                  + CAST($grace_days AS INTEGER) + 1 AS TIMESTAMP)
            WHEN r.arrived_at IS NOT NULL THEN r.arrived_at + to_hours(CAST($quarantine_hours AS BIGINT))
            WHEN e.entry_date IS NOT NULL THEN CAST(e.entry_date + 1 AS TIMESTAMP) + to_hours(CAST($arrive_hours AS BIGINT))
       END AS next_due
FROM p CROSS JOIN entry e CROSS JOIN arrival r CROSS JOIN transfer t CROSS JOIN quarantine q
JOIN visible h ON h.person_id = p.person_id
LEFT JOIN communities c ON c.code = h.community_code
LEFT JOIN townships ht ON ht.code = h.township_code
LEFT JOIN districts hd ON hd.code = h.district_code
LEFT JOIN here n ON n.person_id = p.person_id
LEFT JOIN communities nc ON nc.code = n.community_code
LEFT JOIN districts nd ON nd.code = n.district_code
LEFT JOIN quarantine_sites s ON s.site_id = t.to_site_id
LEFT JOIN quarantine_sites qs ON qs.site_id = q.site_id
