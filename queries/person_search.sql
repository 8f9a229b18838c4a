-- access: person
-- The people found by a search, as the search page lists them (queries/person_search.py): $persons (the hits of
-- queries/search_in_scope.sql, best first, a page of them), with what each matched ($matched), a detail ($details:
-- a flight's time and place) and how many the scope sees in all ($total); only those the scope may see
-- (queries/in_scope.sql: a hotel's district finds its guest). `stage` is where the person is at the end of $as_of
-- from the whole record, whatever community holds which row: abroad (left, not back), in_quarantine, released,
-- arrived, entered, measures; NULL: none of them. Person fields through the runner's masks.
WITH
found AS (
    SELECT unnest($persons) AS person_id, unnest($matched) AS matched, unnest($details) AS detail,
           generate_subscripts($persons, 1) AS rank),
candidates AS (SELECT person_id FROM found),
{include:in_scope},
shown AS (SELECT *, $total AS found FROM found WHERE person_id IN (SELECT person_id FROM belongs)),
events AS (   -- what the stage is read from, up to the end of $as_of: (person, kind, when, a code, a place)
    SELECT person_id, 'exit' AS kind, CAST(exit_date AS TIMESTAMP) AS happened, doc_type AS code, country AS place
    FROM abroad WHERE person_id IN (SELECT person_id FROM shown)
    UNION ALL SELECT person_id, 'entry', CAST(entry_date AS TIMESTAMP), NULL, from_country FROM border_entries
    WHERE person_id IN (SELECT person_id FROM shown)
    UNION ALL SELECT person_id, 'arrival', arrived_at, NULL, NULL FROM arrivals
    WHERE person_id IN (SELECT person_id FROM shown)
    UNION ALL SELECT person_id, CASE WHEN released_at < CAST($as_of AS DATE) + 1 THEN 'released' ELSE 'inside' END,
                     start_at, site_id, NULL FROM quarantines WHERE person_id IN (SELECT person_id FROM shown)
    UNION ALL SELECT person_id, 'measure', started_at, NULL, NULL FROM service_measures
    WHERE person_id IN (SELECT person_id FROM shown)),
facts AS (
    SELECT person_id, max(happened) FILTER (WHERE kind = 'exit') AS exit_at,
           arg_max(code, happened) FILTER (WHERE kind = 'exit') AS exit_doc,
           arg_max(place, happened) FILTER (WHERE kind = 'exit') AS exit_country,
           max(happened) FILTER (WHERE kind = 'entry') AS entry_at,
           arg_max(place, happened) FILTER (WHERE kind = 'entry') AS from_country,
           arg_max(code, happened) FILTER (WHERE kind IN ('inside', 'released')) AS site_id,
           list(DISTINCT kind) AS kinds
    FROM events WHERE happened < CAST($as_of AS DATE) + 1 GROUP BY person_id),
first_document AS (
    SELECT person_id, min(doc_number) FILTER (WHERE doc_type = 'resident_id') AS resident_id,
           arg_min(doc_type, CASE doc_type WHEN 'passport' THEN 1 WHEN 'hk_macau_permit' THEN 2
                                           WHEN 'home_return_permit' THEN 3 ELSE 4 END) AS doc_type
    FROM documents WHERE person_id IN (SELECT person_id FROM shown) GROUP BY person_id)
SELECT x.person_id,
       {mask_name:p.name:x} AS name, {mask_id:d.resident_id:x} AS resident_id, {mask_phone:p.phone:x} AS phone,
       {mask_address:p.address:x} AS address,
       CASE WHEN f.exit_at IS NOT NULL AND (f.entry_at IS NULL OR f.entry_at < f.exit_at) THEN 'abroad'
            WHEN list_contains(f.kinds, 'inside') THEN 'in_quarantine'
            WHEN list_contains(f.kinds, 'released') THEN 'released'
            WHEN list_contains(f.kinds, 'arrival') THEN 'arrived' WHEN f.entry_at IS NOT NULL THEN 'entered'
            WHEN list_contains(f.kinds, 'measure') THEN 'measures' END AS stage,
       coalesce(f.exit_doc, d.doc_type) AS doc_type, coalesce(f.from_country, f.exit_country) AS country,
       p.community_code, c.name AS community, tn.name AS township, dn.name AS district,
       s.name AS quarantine_site, x.matched, x.detail, x.found
FROM shown x
JOIN persons p USING (person_id)
LEFT JOIN communities c ON c.code = p.community_code
LEFT JOIN townships tn ON tn.code = p.township_code
LEFT JOIN districts dn ON dn.code = p.district_code
LEFT JOIN facts f USING (person_id)
LEFT JOIN quarantine_sites s ON s.site_id = f.site_id
LEFT JOIN first_document d USING (person_id)
ORDER BY x.rank, x.person_id
