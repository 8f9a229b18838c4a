-- access: person
-- A search's hits the scope may see (queries/in_scope.sql): of $persons (best first), the first $limit the scope
-- sees, in that order, and how many it sees in all (`found`). Person ids only: person_search.sql shows them.
WITH
candidates AS (SELECT unnest($persons) AS person_id, generate_subscripts($persons, 1) AS rank),
{include:in_scope}
SELECT person_id, rank, count(*) OVER () AS found FROM candidates
WHERE person_id IN (SELECT person_id FROM belongs)
ORDER BY rank LIMIT $limit
