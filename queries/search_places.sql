-- access: person
-- Search hits by place (queries/person_search.py): a residence address containing $text, or a residence in a
-- community whose name contains it.
-- Person ids only, for the whole store: person_search.sql applies the scope and the masks.
SELECT person_id, 'address' AS matched, NULL AS detail FROM persons WHERE contains(address, $text)
UNION ALL
SELECT person_id, 'community', NULL FROM persons
WHERE community_code IN (SELECT code FROM communities WHERE contains(name, $text))
