-- access: person
-- Search hits by name (queries/person_search.py): people whose name contains $name_part (compared in upper case:
-- passport names are Latin letters) or is one of $spelled (names whose pinyin starts with the letters typed).
-- Person ids only, for the whole store: person_search.sql applies the scope and the masks.
SELECT person_id, 'name' AS matched, NULL AS detail FROM persons
WHERE contains(upper(name), $name_part) OR name IN (SELECT unnest($spelled))
