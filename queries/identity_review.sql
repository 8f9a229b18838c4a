-- access: person
-- The identity review's candidate pairs still to decide (open or deferred): the person a batch row became (a)
-- beside the known person it may be (b), each with the fields the model compared, through the runner's masks
-- (the birth date shows its year only, as the masked resident ID hides it; other documents their last 4 characters), the model's match probability and
-- each field's match weight (JSON). A pair belongs to the scope when either person does: resident there, or with
-- a departure, entry or quarantine recorded there. Highest probability first.
WITH pairs AS (
    SELECT batch_id, line, channel, person_id, candidate_person_id, score, reasons, weights, status
    FROM identity_review WHERE status IN ('open', 'deferred')),
side AS (
    SELECT p.person_id, p.name, p.sex, p.birth_date, p.phone, p.district_code, p.township_code, p.community_code,
           p.first_channel,
           (SELECT min(doc_number) FROM documents d WHERE d.person_id = p.person_id AND d.doc_type = 'resident_id')
               AS resident_id,
           (SELECT string_agg(d.doc_type || ' ' || CASE WHEN p.person_id = $reveal_person THEN d.doc_number
                                                          ELSE '****' || right(d.doc_number, 4) END,
                              ', ' ORDER BY d.doc_type, d.doc_number) FROM documents d
            WHERE d.person_id = p.person_id AND d.doc_type <> 'resident_id') AS other_docs,
           ({scope:p}
            OR EXISTS (SELECT 1 FROM abroad x WHERE x.person_id = p.person_id AND {scope:x})
            OR EXISTS (SELECT 1 FROM border_entries x WHERE x.person_id = p.person_id AND {scope:x})
            OR EXISTS (SELECT 1 FROM quarantines x WHERE x.person_id = p.person_id AND {scope:x})) AS in_scope
    FROM persons p
    WHERE p.person_id IN (SELECT person_id FROM pairs UNION SELECT candidate_person_id FROM pairs))
SELECT q.batch_id, q.line, q.channel, q.status, q.score, q.reasons, q.weights,
       a.person_id AS person_a, {mask_name:a.name:a} AS name_a, a.sex AS sex_a,
       CASE WHEN a.person_id = $reveal_person THEN strftime(a.birth_date, '%Y-%m-%d')
            ELSE strftime(a.birth_date, '%Y') || '-**-**' END AS birth_a,
       {mask_id:a.resident_id:a} AS resident_id_a, a.other_docs AS docs_a,
       {mask_phone:a.phone:a} AS phone_a, ca.name AS community_a, a.first_channel AS channel_a,
       b.person_id AS person_b, {mask_name:b.name:b} AS name_b, b.sex AS sex_b,
       CASE WHEN b.person_id = $reveal_person THEN strftime(b.birth_date, '%Y-%m-%d')
            ELSE strftime(b.birth_date, '%Y') || '-**-**' END AS birth_b,
       {mask_id:b.resident_id:b} AS resident_id_b, b.other_docs AS docs_b,
       {mask_phone:b.phone:b} AS phone_b, cb.name AS community_b, b.first_channel AS channel_b
FROM pairs q JOIN side a ON a.person_id = q.person_id JOIN side b ON b.person_id = q.candidate_person_id
LEFT JOIN communities ca ON ca.code = a.community_code LEFT JOIN communities cb ON cb.code = b.community_code
WHERE a.in_scope OR b.in_scope
ORDER BY q.score DESC, q.batch_id, q.line, q.candidate_person_id
