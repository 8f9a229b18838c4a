-- access: person
-- How many rows loop_people.sql lists for these parameters when it is not filtered by document, country or
-- channel: its people, without their rows' fields.
WITH
{include:loop_members}
SELECT count(*) AS people FROM people
