-- access: person
-- Every distinct residence address of the store with the people living there, for the search's index
-- (queries/search_index.py); never shown.
SELECT address AS text, list(person_id ORDER BY person_id) AS people FROM persons
WHERE address IS NOT NULL AND length(address) > 0 GROUP BY ALL
