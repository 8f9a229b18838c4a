-- access: person
-- Search hits by community (queries/person_search.py): residents of a community whose name contains $text.
-- Person ids only, for the whole store: person_search.sql applies the scope and the masks.
SELECT person_id, 'community' AS matched, NULL AS detail FROM persons
WHERE community_code IN (SELECT code FROM communities WHERE contains(name, $text))
