-- access: person
-- Search hits by name (queries/person_search.py): people whose name contains $name_part (in upper case when it
-- has Latin letters, $cased: passport names; Chinese text skips the upper-casing of every name, 3x cheaper) or is
-- one of $spelled (names whose pinyin starts with the letters typed).
-- Person ids only, for the whole store: person_search.sql applies the scope and the masks.
SELECT person_id, 'name' AS matched, NULL AS detail FROM persons
WHERE ($cased AND contains(upper(name), $name_part)) OR (NOT $cased AND contains(name, $name_part))
   OR name IN (SELECT unnest($spelled))
