-- One plan per batch (一批一方案): people arriving together on the same flight or train on the same day,
-- up to the end of $as_of within the scope. For each batch: where and when it arrived, how many came, the
-- transfer vehicles, destinations (sites or home) and responsible transfer teams, and how many are quarantined
-- (quarantine_started: the day each of them started, so the plans as of an earlier day are a cut of these rows).
WITH
members AS (
    SELECT a.carrier_no, CAST(a.arrived_at AS DATE) AS day, a.person_id, min(a.arrived_at) AS arrived_at,
           arg_min(a.place, a.arrived_at) AS place, arg_min(a.from_place, a.arrived_at) AS from_place
    FROM arrivals a
    WHERE a.carrier_no IS NOT NULL AND a.arrived_at < CAST($as_of AS DATE) + 1 AND {scope:a}
      AND EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id
                  AND b.entry_date BETWEEN CAST(a.arrived_at AS DATE) - 30 AND CAST(a.arrived_at AS DATE))
    GROUP BY a.carrier_no, CAST(a.arrived_at AS DATE), a.person_id),
moved AS (
    SELECT m.carrier_no, m.day, m.person_id, t.vehicle, t.team, t.to_kind, t.to_site_id
    FROM members m JOIN transfers t ON t.person_id = m.person_id AND t.transfer_at >= m.arrived_at - INTERVAL 1 HOUR
         AND t.transfer_at < m.arrived_at + INTERVAL 2 DAY),
quarantined AS (
    SELECT m.carrier_no, m.day, m.person_id, CAST(min(q.start_at) AS DATE) AS started
    FROM members m JOIN quarantines q ON q.person_id = m.person_id AND q.start_at >= m.arrived_at - INTERVAL 1 HOUR
         AND q.start_at < CAST($as_of AS DATE) + 1
    GROUP BY m.carrier_no, m.day, m.person_id)
SELECT 'batch:' || m.carrier_no || ':' || strftime(m.day, '%Y-%m-%d') AS batch_id, m.carrier_no, m.day,
       min(m.arrived_at) AS first_arrival, any_value(m.place) AS place, any_value(m.from_place) AS from_place,
       count(DISTINCT m.person_id) AS people,
       (SELECT count(DISTINCT x.person_id) FROM quarantined x WHERE x.carrier_no = m.carrier_no AND x.day = m.day)
           AS quarantined,
       (SELECT string_agg(DISTINCT x.vehicle, ', ' ORDER BY x.vehicle) FROM moved x
            WHERE x.carrier_no = m.carrier_no AND x.day = m.day) AS vehicles,
       (SELECT string_agg(DISTINCT coalesce(s.name, x.to_kind), ', ' ORDER BY coalesce(s.name, x.to_kind))
            FROM moved x LEFT JOIN quarantine_sites s ON s.site_id = x.to_site_id
            WHERE x.carrier_no = m.carrier_no AND x.day = m.day) AS destinations,
       (SELECT string_agg(DISTINCT x.team, ', ' ORDER BY x.team) FROM moved x
            WHERE x.carrier_no = m.carrier_no AND x.day = m.day) AS teams,
       coalesce((SELECT list_sort(list(x.started)) FROM quarantined x WHERE x.carrier_no = m.carrier_no
                 AND x.day = m.day), []) AS quarantine_started
FROM members m
GROUP BY m.carrier_no, m.day
ORDER BY m.day DESC, m.carrier_no
