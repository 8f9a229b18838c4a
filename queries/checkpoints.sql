-- The joint checkpoints in the scope: where they are, on which road, in which district. Their checks are
-- counted per day for the whole city once per snapshot (checkpoint_daily) and added up per checkpoint from
-- there (pages/context.AppContext.checkpoint_totals).
SELECT c.checkpoint_id, c.name, c.road, c.lon, c.lat, c.district_code, c.township_code, c.community_code,
       d.name AS district
FROM checkpoints c
LEFT JOIN districts d ON d.code = c.district_code
WHERE {scope:c}
ORDER BY c.checkpoint_id
