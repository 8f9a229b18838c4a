-- access: person
-- Search hits by number (queries/person_search.py): people with a document number or a phone ending in $digits.
-- Person ids only, for the whole store: person_search.sql applies the scope and the masks.
SELECT person_id, 'number' AS matched, NULL AS detail FROM documents WHERE ends_with(doc_number, $digits)
UNION ALL
SELECT person_id, 'number', NULL FROM persons WHERE ends_with(phone, $digits)
