-- Tables derived whole from others, rebuilt by every write just before it commits (store/db.py: Store.writer), so
-- each published version carries them consistent with its rows, whatever the write changed (a batch, a merge or
-- split of two people, a correction). Queries read them like any table.

-- unhoused_homes: for each person with no known residence, the community (and its township and district) of their
-- latest report placed in the city, the police's own reports aside: where such a person belongs
-- (queries/person_home.sql). At the scale of a province about a million people: computed once per version
-- instead of by every list of people (0.4 s each at scale 100).
CREATE OR REPLACE TABLE unhoused_homes AS
SELECT s.person_id, arg_max(s.community_code, s.seen_at) AS community_code,
       arg_max(s.township_code, s.seen_at) AS township_code, arg_max(s.district_code, s.seen_at) AS district_code
FROM sightings s
WHERE s.community_code IS NOT NULL AND s.channel <> 'police'
  AND s.person_id IN (SELECT person_id FROM persons WHERE community_code IS NULL)
GROUP BY s.person_id
ORDER BY s.person_id;
