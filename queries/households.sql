-- access: person
-- The residence and household of each of $persons the scope may see (queries/in_scope.sql): the address through
-- the runner's mask (road kept, numbers hidden), and, when the address names a dwelling (a house number, 号),
-- its household: a key (the same for everyone at that address) and one row per member, the scope's people at
-- exactly that address, each with the masked name. No household: one row with NULL members. $neighbours: everyone
-- sharing an address with one of $persons (queries/search_index.py; more is harmless, fewer loses members), or
-- NULL: then every address of the store is compared (a scan).
WITH
candidates AS (SELECT DISTINCT unnest($persons) AS person_id),
{include:in_scope},
listed AS (
    SELECT person_id, address, contains(address, '号') AS dwelling
    FROM persons WHERE person_id IN (SELECT person_id FROM belongs)),
near AS MATERIALIZED (   -- apart from `members`: only so is the scan of persons cut to these ids (4x faster)
    SELECT person_id, name, address, district_code, township_code FROM persons
    WHERE person_id IN (SELECT unnest($neighbours))
    UNION ALL
    SELECT person_id, name, address, district_code, township_code FROM persons
    WHERE $neighbours IS NULL AND address IN (SELECT address FROM listed WHERE dwelling)),
members AS (
    SELECT o.person_id, o.name, o.address FROM near o
    WHERE o.address IN (SELECT address FROM listed WHERE dwelling) AND {scope:o})
SELECT l.person_id, {mask_address:l.address:l} AS address,
       CASE WHEN l.dwelling THEN left(md5(l.address), 8) END AS household,
       m.person_id AS member_id, {mask_name:m.name:m} AS member_name
FROM listed l LEFT JOIN members m ON l.dwelling AND m.address = l.address
ORDER BY l.person_id, m.person_id
