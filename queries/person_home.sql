-- Included (`{include:person_home}`) as the first CTEs of a query about people: where each person belongs and
-- where they are, from the person's whole record (never from the rows one area happens to hold).
--   moved  (person_id, district_code, township_code): jurisdiction transfers accepted (loop/transfers.py), the
--          parameter $moved as JSON, the latest per person
--   homes  (person_id, community_code, township_code, district_code, moved): the home jurisdiction — where an
--          accepted transfer moved the person, else the residence, else (no known residence) the community of
--          the person's latest report placed in the city (person_homes, store/derived.sql)
--   here   (person_id, site_id, site, kind, community_code, township_code, district_code): the quarantine the
--          person is in at the end of $as_of (started, not yet released) and where it is
moved AS (
    SELECT DISTINCT ON (person_id) person_id, district_code, township_code
    FROM (SELECT unnest(from_json(CAST($moved AS VARCHAR), '[{"person_id":"BIGINT","district_code":"VARCHAR",
                                                             "township_code":"VARCHAR","seq":"BIGINT"}]'),
                        recursive := true))
    ORDER BY person_id, seq DESC),
homes AS (
    SELECT b.person_id,
           CASE WHEN m.person_id IS NULL OR m.township_code = b.township_code THEN b.community_code
                END AS community_code,
           CASE WHEN m.person_id IS NULL THEN b.township_code ELSE m.township_code END AS township_code,
           coalesce(m.district_code, b.district_code) AS district_code,
           m.person_id IS NOT NULL AS moved
    FROM person_homes b LEFT JOIN moved m USING (person_id)),
here AS (
    SELECT DISTINCT ON (q.person_id) q.person_id, q.site_id, coalesce(s.name, q.address) AS site, q.kind,
           q.community_code, q.township_code, q.district_code
    FROM quarantines q LEFT JOIN quarantine_sites s USING (site_id)
    WHERE q.start_at < CAST($as_of AS DATE) + 1
      AND (q.released_at IS NULL OR q.released_at >= CAST($as_of AS DATE) + 1)
    ORDER BY q.person_id, q.start_at DESC),
