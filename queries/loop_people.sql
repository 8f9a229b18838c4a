-- access: person
-- People in the loop as of the end of $as_of for the scope, one row per person, person-level fields through the
-- runner's masks (queries/runner.py). A person is listed by the jurisdiction of their home (`relation` 'home':
-- the residence, or where an accepted transfer moved them; queries/person_home.sql) and, while in quarantine at a
-- site of another jurisdiction, by the site's as a guest ('guest'). Everything else about the person is computed
-- from their whole record, whichever area asks: `stage` is where the person is now
-- (abroad > in_quarantine > released > arrived > entered > measures), `current_place` the quarantine they are in.
-- Each $population selects the people who belong to it with the same definitions and dates ($since .. $as_of)
-- as its headline figure (which counts events where they happen: a hotel's guests in the hotel's area);
-- NULL = anyone in any of them. $community: people whose home or current place is that community.
-- Optional filters (NULL = any): $doc_type, $country, $channel. Sorted by $sort_col ($sort_desc), then person.
WITH
{include:loop_members},
chosen AS (SELECT * FROM people),
{include:loop_rows}