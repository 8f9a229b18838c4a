-- access: person
-- People in the closed loop as of the end of $as_of within the scope, one row per person, person-level
-- fields through the runner's masks (queries/runner.py).
-- Each $population selects exactly the people one headline figure counts, with the same definitions, dates
-- ($since .. $as_of) and scope, so a grid or export of a population agrees with its card:
--   abroad | entered | arrived | measures | in_quarantine | released ; NULL = anyone in any of them.
-- `stage` is where the person is now: abroad > in_quarantine > released > arrived > entered > measures.
-- Optional filters (NULL = any): $community, $doc_type, $country, $channel. Sorted by $sort_col ($sort_desc),
-- then person.
WITH
{include:loop_members},
listed AS (SELECT * FROM people),
{include:loop_rows}