-- access: person
-- Search hits by flight or train (queries/person_search.py): arrivals in the city and border entries with carrier
-- $carrier, on $day when given (NULL: any day); the detail says when and where.
-- Person ids only, for the whole store: person_search.sql applies the scope and the masks.
SELECT person_id, 'carrier' AS matched, strftime(arrived_at, '%Y-%m-%d %H:%M') || ' ' || place AS detail
FROM arrivals
WHERE upper(carrier_no) = $carrier AND ($day IS NULL OR CAST(arrived_at AS DATE) = CAST($day AS DATE))
UNION ALL
SELECT person_id, 'carrier', strftime(entry_date, '%Y-%m-%d') || ' ' || port FROM border_entries
WHERE upper(carrier_no) = $carrier AND ($day IS NULL OR entry_date = CAST($day AS DATE))
