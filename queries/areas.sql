-- The map's areas at one level ($level: districts | townships | communities) within the scope,
-- with their parent, whether the boundary is generated (not official), and the geometry (WKB).
WITH areas AS (
    SELECT 'districts' AS level, code, name, CAST(NULL AS VARCHAR) AS parent_code, code AS district_code,
           CAST(NULL AS VARCHAR) AS township_code, generated, wkb FROM districts
    UNION ALL
    SELECT 'townships', code, name, district_code, district_code, code, generated, wkb FROM townships
    UNION ALL
    SELECT 'communities', code, name, township_code, district_code, township_code, generated, wkb FROM communities)
SELECT code, name, parent_code, generated, wkb
FROM areas x
WHERE level = $level AND {scope:x}
ORDER BY code
