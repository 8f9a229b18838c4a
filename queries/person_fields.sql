-- access: person
-- One person's name, resident ID and phone through the runner's masks (in clear only for a police scope that
-- carries this person's audited unmask), if the person belongs to the scope: resident there, or with a
-- departure, entry or quarantine recorded there.
WITH p AS (
    SELECT person_id, name, phone, district_code, township_code,
           (SELECT min(doc_number) FROM documents d
            WHERE d.person_id = persons.person_id AND d.doc_type = 'resident_id') AS resident_id
    FROM persons WHERE person_id = $person)
SELECT p.person_id, {mask_name:p.name:p} AS name, {mask_id:p.resident_id:p} AS resident_id,
       {mask_phone:p.phone:p} AS phone
FROM p
WHERE {scope:p}
   OR EXISTS (SELECT 1 FROM abroad a WHERE a.person_id = p.person_id AND {scope:a})
   OR EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = p.person_id AND {scope:b})
   OR EXISTS (SELECT 1 FROM quarantines q WHERE q.person_id = p.person_id AND {scope:q})
