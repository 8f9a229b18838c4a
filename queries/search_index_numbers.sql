-- access: person
-- Every document number and phone of the store, reversed (a number's last digits are the start of its reverse,
-- queries/search_index.py), with its person; never shown.
SELECT reverse(upper(doc_number)) AS text, person_id FROM documents WHERE doc_number IS NOT NULL
UNION ALL
SELECT reverse(upper(phone)), person_id FROM persons WHERE phone IS NOT NULL
