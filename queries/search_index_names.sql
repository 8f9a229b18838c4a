-- access: person
-- Every distinct name of the store (in upper case: a passport name is found whatever the case typed) with the
-- people bearing it, for the search's index (queries/search_index.py); never shown.
SELECT upper(name) AS text, list(person_id ORDER BY person_id) AS people FROM persons
WHERE name IS NOT NULL AND length(name) > 0 GROUP BY ALL
