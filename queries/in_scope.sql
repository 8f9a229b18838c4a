belongs AS (   -- the people of `candidates` the scope may see: resident there, or with a departure, border entry,
               -- arrival or quarantine recorded there (a hotel's district sees its guest); taken in by {include:in_scope}
    SELECT DISTINCT person_id FROM (
        SELECT person_id, district_code, township_code FROM persons
        WHERE person_id IN (SELECT person_id FROM candidates)
        UNION ALL SELECT person_id, district_code, township_code FROM abroad
        WHERE person_id IN (SELECT person_id FROM candidates)
        UNION ALL SELECT person_id, district_code, township_code FROM border_entries
        WHERE person_id IN (SELECT person_id FROM candidates)
        UNION ALL SELECT person_id, district_code, township_code FROM arrivals
        WHERE person_id IN (SELECT person_id FROM candidates)
        UNION ALL SELECT person_id, district_code, township_code FROM quarantines
        WHERE person_id IN (SELECT person_id FROM candidates)) x
    WHERE {scope:x})
