-- access: person
-- One block of loop_people.sql's rows when they are neither filtered by document, country or channel nor sorted
-- by a column (then its order is the person's): the rows $page_start .. $page_start + $page_rows - 1, computed
-- for those people only, so a grid's block does not pay for the whole list. Same parameters otherwise.
WITH
{include:loop_members},
chosen AS (SELECT * FROM people ORDER BY person_id LIMIT $page_rows OFFSET $page_start),
{include:loop_rows}