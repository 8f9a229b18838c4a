-- access: person
-- Every distinct name of the store, for the pinyin index of the search (queries/pinyin_names.py); never shown.
SELECT DISTINCT name FROM persons WHERE name IS NOT NULL
