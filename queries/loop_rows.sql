-- Included ({include:loop_rows}) after the loop_members CTEs and a `chosen` CTE (the people to show, a subset of
-- `people`): their rows with person-level fields through the runner's masks, filtered and sorted (see
-- loop_people.sql).
latest_exit AS (
    SELECT person_id, max(exit_date) AS exit_date, arg_max(doc_type, exit_date) AS doc_type,
           arg_max(country, exit_date) AS country
    FROM abroad WHERE exit_date < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen) GROUP BY person_id),
last_entry AS (
    SELECT person_id, max(entry_date) AS entry_date, arg_max(from_country, entry_date) AS from_country
    FROM border_entries WHERE entry_date < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen) GROUP BY person_id),
last_quarantine AS (
    SELECT person_id, arg_max(kind, start_at) AS kind, arg_max(site_id, start_at) AS site_id,
           max(start_at) AS start_at,
           arg_max(CASE WHEN released_at < CAST($as_of AS DATE) + 1 THEN released_at END, start_at) AS released_at
    FROM quarantines WHERE start_at < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen) GROUP BY person_id),
last_check AS (
    SELECT person_id, arg_max(temperature, checked_at) AS temperature, max(checked_at) AS checked_at
    FROM health_checks WHERE checked_at < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen) GROUP BY person_id),
reports AS (   -- which channels reported each chosen person, up to the date
    SELECT person_id, channel FROM sightings WHERE seen_at < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen)
    UNION ALL SELECT person_id, channel FROM border_entries WHERE entry_date < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen)
    UNION ALL SELECT person_id, channel FROM arrivals WHERE arrived_at < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen)
    UNION ALL SELECT person_id, channel FROM health_checks WHERE checked_at < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen)
    UNION ALL SELECT person_id, channel FROM service_measures WHERE started_at < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen)
    UNION ALL SELECT person_id, 'exit_entry' FROM abroad WHERE exit_date < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM chosen)),
channels AS (
    SELECT person_id, list_sort(list(DISTINCT channel)) AS channel_list
    FROM reports GROUP BY person_id),
documents_of AS (
    SELECT person_id,
           min(doc_number) FILTER (WHERE doc_type = 'resident_id') AS resident_id,    -- of several: always one
           arg_min(doc_type, CASE doc_type WHEN 'passport' THEN 1 WHEN 'hk_macau_permit' THEN 2
                                           WHEN 'home_return_permit' THEN 3 ELSE 4 END) AS doc_type
    FROM documents WHERE person_id IN (SELECT person_id FROM chosen) GROUP BY person_id),
rows AS (
    SELECT x.person_id,
           {mask_name:p.name:x} AS name,
           {mask_id:d.resident_id:x} AS resident_id,
           {mask_phone:p.phone:x} AS phone,
           ['measures', 'entered', 'arrived', 'released', 'in_quarantine', 'abroad'][x.top] AS stage,
           concat_ws(', ', CASE WHEN x.held & 64 <> 0 THEN 'abroad' END,
                     CASE WHEN x.held & 32 <> 0 THEN 'in_quarantine' END, CASE WHEN x.held & 16 <> 0 THEN 'released' END,
                     CASE WHEN x.held & 8 <> 0 THEN 'arrived' END, CASE WHEN x.held & 4 <> 0 THEN 'entered' END,
                     CASE WHEN x.held & 2 <> 0 THEN 'measures' END) AS populations,
           x.relation,
           coalesce(l.doc_type, d.doc_type) AS doc_type,
           coalesce(e.from_country, l.country) AS country,
           x.district_code, dn.name AS district, x.township_code, tn.name AS township,
           x.community_code, c.name AS community,
           x.site AS current_place, x.here_community_code AS current_community_code, nc.name AS current_community,
           nd.name AS current_district,
           {mask_lon:p:c} AS lon, {mask_lat:p:c} AS lat,
           l.exit_date, e.entry_date,
           q.kind AS quarantine_kind, s.name AS quarantine_site, CAST(q.start_at AS DATE) AS quarantine_start,
           CAST(q.released_at AS DATE) AS released_on,
           CASE WHEN q.start_at IS NOT NULL THEN
                date_diff('day', CAST(q.start_at AS DATE), coalesce(CAST(q.released_at AS DATE), CAST($as_of AS DATE)))
           END AS days_in_quarantine,
           k.temperature AS last_temperature, k.checked_at AS last_checked_at,
           array_to_string(ch.channel_list, ', ') AS channels, ch.channel_list
    FROM chosen x
    JOIN persons p USING (person_id)
    LEFT JOIN communities c ON c.code = x.community_code
    LEFT JOIN townships tn ON tn.code = x.township_code
    LEFT JOIN districts dn ON dn.code = x.district_code
    LEFT JOIN communities nc ON nc.code = x.here_community_code
    LEFT JOIN districts nd ON nd.code = x.here_district_code
    LEFT JOIN latest_exit l USING (person_id)
    LEFT JOIN last_entry e USING (person_id)
    LEFT JOIN last_quarantine q USING (person_id)
    LEFT JOIN quarantine_sites s ON s.site_id = q.site_id
    LEFT JOIN last_check k USING (person_id)
    LEFT JOIN channels ch USING (person_id)
    LEFT JOIN documents_of d USING (person_id)),
filtered AS (
    SELECT * EXCLUDE (channel_list) FROM rows
    WHERE ($doc_type IS NULL OR doc_type = $doc_type) AND ($country IS NULL OR country = $country)
      AND ($channel IS NULL OR list_contains(channel_list, $channel)))
SELECT * FROM filtered
ORDER BY
    CASE WHEN NOT $sort_desc THEN CASE $sort_col WHEN 'stage' THEN stage WHEN 'name' THEN name
        WHEN 'doc_type' THEN doc_type WHEN 'country' THEN country WHEN 'district' THEN district
        WHEN 'township' THEN township WHEN 'community' THEN community WHEN 'channels' THEN channels
        WHEN 'quarantine_start' THEN CAST(quarantine_start AS VARCHAR) WHEN 'exit_date' THEN CAST(exit_date AS VARCHAR)
        WHEN 'entry_date' THEN CAST(entry_date AS VARCHAR) END END ASC NULLS LAST,
    CASE WHEN $sort_desc THEN CASE $sort_col WHEN 'stage' THEN stage WHEN 'name' THEN name
        WHEN 'doc_type' THEN doc_type WHEN 'country' THEN country WHEN 'district' THEN district
        WHEN 'township' THEN township WHEN 'community' THEN community WHEN 'channels' THEN channels
        WHEN 'quarantine_start' THEN CAST(quarantine_start AS VARCHAR) WHEN 'exit_date' THEN CAST(exit_date AS VARCHAR)
        WHEN 'entry_date' THEN CAST(entry_date AS VARCHAR) END END DESC NULLS LAST,
    CASE WHEN NOT $sort_desc THEN CASE $sort_col WHEN 'days_in_quarantine' THEN days_in_quarantine
        WHEN 'last_temperature' THEN last_temperature END END ASC NULLS LAST,
    CASE WHEN $sort_desc THEN CASE $sort_col WHEN 'days_in_quarantine' THEN days_in_quarantine
        WHEN 'last_temperature' THEN last_temperature END END DESC NULLS LAST,
    person_id
