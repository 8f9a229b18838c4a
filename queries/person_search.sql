-- access: person
-- The people of the scope among a search's hits (queries/person_search.py): $persons, best first, with what
-- each matched ($matched) and a detail ($details: a flight's time and place); who belongs to the scope:
-- queries/in_scope.sql (a hotel's district finds its guest). `stage` is where the person is at the end of $as_of from the whole record, whatever
-- community holds which row: abroad (left, not back), in_quarantine, released, arrived, entered, measures; NULL:
-- none of them. The first $limit rows; `found` counts them all. Person fields through the runner's masks.
WITH
found AS (
    SELECT unnest($persons) AS person_id, unnest($matched) AS matched, unnest($details) AS detail,
           generate_subscripts($persons, 1) AS rank),
candidates AS (SELECT person_id FROM found),
{include:in_scope},
mine AS (
    SELECT f.*, p.name, p.phone, p.address, p.community_code, p.township_code, p.district_code
    FROM found f JOIN persons p USING (person_id) WHERE f.person_id IN (SELECT person_id FROM belongs)),
shown AS (SELECT *, count(*) OVER () AS found FROM mine ORDER BY rank, person_id LIMIT $limit),
last_exit AS (
    SELECT person_id, max(exit_date) AS exit_date, arg_max(doc_type, exit_date) AS doc_type,
           arg_max(country, exit_date) AS country
    FROM abroad WHERE person_id IN (SELECT person_id FROM shown) AND exit_date < CAST($as_of AS DATE) + 1
    GROUP BY person_id),
last_entry AS (
    SELECT person_id, max(entry_date) AS entry_date, arg_max(from_country, entry_date) AS from_country
    FROM border_entries WHERE person_id IN (SELECT person_id FROM shown) AND entry_date < CAST($as_of AS DATE) + 1
    GROUP BY person_id),
last_arrival AS (
    SELECT person_id, max(arrived_at) AS arrived_at FROM arrivals
    WHERE person_id IN (SELECT person_id FROM shown) AND arrived_at < CAST($as_of AS DATE) + 1 GROUP BY person_id),
last_quarantine AS (
    SELECT person_id, arg_max(site_id, start_at) AS site_id,
           bool_or(released_at IS NULL OR released_at >= CAST($as_of AS DATE) + 1) AS inside
    FROM quarantines WHERE person_id IN (SELECT person_id FROM shown) AND start_at < CAST($as_of AS DATE) + 1
    GROUP BY person_id),
measured AS (
    SELECT DISTINCT person_id FROM service_measures
    WHERE person_id IN (SELECT person_id FROM shown) AND started_at < CAST($as_of AS DATE) + 1),
first_document AS (
    SELECT person_id, min(doc_number) FILTER (WHERE doc_type = 'resident_id') AS resident_id,
           arg_min(doc_type, CASE doc_type WHEN 'passport' THEN 1 WHEN 'hk_macau_permit' THEN 2
                                           WHEN 'home_return_permit' THEN 3 ELSE 4 END) AS doc_type
    FROM documents WHERE person_id IN (SELECT person_id FROM shown) GROUP BY person_id)
SELECT x.person_id,
       {mask_name:x.name:x} AS name, {mask_id:d.resident_id:x} AS resident_id, {mask_phone:x.phone:x} AS phone,
       {mask_address:x.address:x} AS address,
       CASE WHEN l.exit_date IS NOT NULL AND (e.entry_date IS NULL OR e.entry_date < l.exit_date) THEN 'abroad'
            WHEN q.inside THEN 'in_quarantine' WHEN q.person_id IS NOT NULL THEN 'released'
            WHEN r.arrived_at IS NOT NULL THEN 'arrived' WHEN e.entry_date IS NOT NULL THEN 'entered'
            WHEN m.person_id IS NOT NULL THEN 'measures' END AS stage,
       coalesce(l.doc_type, d.doc_type) AS doc_type, coalesce(e.from_country, l.country) AS country,
       x.community_code, c.name AS community, tn.name AS township, dn.name AS district,
       s.name AS quarantine_site, x.matched, x.detail, x.found
FROM shown x
LEFT JOIN communities c ON c.code = x.community_code
LEFT JOIN townships tn ON tn.code = x.township_code
LEFT JOIN districts dn ON dn.code = x.district_code
LEFT JOIN last_exit l USING (person_id)
LEFT JOIN last_entry e USING (person_id)
LEFT JOIN last_arrival r USING (person_id)
LEFT JOIN last_quarantine q USING (person_id)
LEFT JOIN quarantine_sites s ON s.site_id = q.site_id
LEFT JOIN measured m USING (person_id)
LEFT JOIN first_document d USING (person_id)
ORDER BY x.rank, x.person_id
