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
{include:person_home}
listed AS (
    SELECT h.person_id, 'home' AS relation FROM homes h
    WHERE {scope:h} AND ($community IS NULL OR h.community_code = $community)
    UNION ALL
    SELECT x.person_id, 'guest' FROM here x JOIN homes h USING (person_id)
    WHERE {scope:x} AND NOT coalesce({scope:h}, false) AND ($community IS NULL OR x.community_code = $community)
    UNION ALL          -- a community's guest from another community of the same jurisdiction
    SELECT x.person_id, 'guest' FROM here x JOIN homes h USING (person_id)
    WHERE $community IS NOT NULL AND x.community_code = $community AND h.community_code <> $community
      AND {scope:h}),
latest_exit AS (
    SELECT person_id, max(exit_date) AS exit_date, arg_max(doc_type, exit_date) AS doc_type,
           arg_max(country, exit_date) AS country
    FROM abroad a
    WHERE exit_date < CAST($as_of AS DATE) + 1 AND person_id IN (SELECT person_id FROM listed)
    GROUP BY person_id),
members AS (
    SELECT person_id, 'abroad' AS population, 6 AS rank FROM latest_exit l
    WHERE NOT EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = l.person_id
                      AND b.entry_date >= l.exit_date AND b.entry_date < CAST($as_of AS DATE) + 1)
    UNION ALL
    SELECT b.person_id, 'entered', 2
    FROM border_entries b JOIN persons p USING (person_id)
    WHERE p.is_registered_resident AND b.entry_date >= CAST($since AS DATE)
      AND b.entry_date < CAST($as_of AS DATE) + 1 AND b.person_id IN (SELECT person_id FROM listed)
    GROUP BY b.person_id
    UNION ALL
    SELECT a.person_id, 'arrived', 3
    FROM arrivals a
    WHERE a.arrived_at >= CAST($since AS DATE) AND a.arrived_at < CAST($as_of AS DATE) + 1 AND a.person_id IN (SELECT person_id FROM listed)
      AND EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id
                  AND b.entry_date BETWEEN CAST(a.arrived_at AS DATE) - 30 AND CAST(a.arrived_at AS DATE))
    GROUP BY a.person_id
    UNION ALL
    SELECT m.person_id, 'measures', 1
    FROM service_measures m
    WHERE m.started_at < CAST($as_of AS DATE) + 1 AND m.person_id IN (SELECT person_id FROM listed)
    GROUP BY m.person_id
    UNION ALL
    SELECT q.person_id, 'in_quarantine', 5
    FROM quarantines q
    WHERE q.start_at < CAST($as_of AS DATE) + 1
      AND (q.released_at IS NULL OR q.released_at >= CAST($as_of AS DATE) + 1) AND q.person_id IN (SELECT person_id FROM listed)
    GROUP BY q.person_id
    UNION ALL
    SELECT q.person_id, 'released', 4
    FROM quarantines q
    WHERE q.released_at >= CAST($since AS DATE) AND q.released_at < CAST($as_of AS DATE) + 1 AND q.person_id IN (SELECT person_id FROM listed)
    GROUP BY q.person_id),
people AS (
    SELECT person_id, arg_max(population, rank) AS stage,
           concat_ws(', ', max(population) FILTER (WHERE rank = 6), max(population) FILTER (WHERE rank = 5),
                     max(population) FILTER (WHERE rank = 4), max(population) FILTER (WHERE rank = 3),
                     max(population) FILTER (WHERE rank = 2), max(population) FILTER (WHERE rank = 1)) AS populations
    FROM members GROUP BY person_id
    HAVING $population IS NULL OR bool_or(population = $population)),
last_entry AS (
    SELECT person_id, max(entry_date) AS entry_date, arg_max(from_country, entry_date) AS from_country
    FROM border_entries WHERE entry_date < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM people) GROUP BY person_id),
last_quarantine AS (
    SELECT person_id, arg_max(kind, start_at) AS kind, arg_max(site_id, start_at) AS site_id,
           max(start_at) AS start_at,
           arg_max(CASE WHEN released_at < CAST($as_of AS DATE) + 1 THEN released_at END, start_at) AS released_at
    FROM quarantines WHERE start_at < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM people) GROUP BY person_id),
last_check AS (
    SELECT person_id, arg_max(temperature, checked_at) AS temperature, max(checked_at) AS checked_at
    FROM health_checks WHERE checked_at < CAST($as_of AS DATE) + 1
      AND person_id IN (SELECT person_id FROM people) GROUP BY person_id),
reports AS (   -- which channels reported the person, up to the date
    SELECT person_id, channel FROM sightings WHERE seen_at < CAST($as_of AS DATE) + 1
    UNION ALL SELECT person_id, channel FROM border_entries WHERE entry_date < CAST($as_of AS DATE) + 1
    UNION ALL SELECT person_id, channel FROM arrivals WHERE arrived_at < CAST($as_of AS DATE) + 1
    UNION ALL SELECT person_id, channel FROM health_checks WHERE checked_at < CAST($as_of AS DATE) + 1
    UNION ALL SELECT person_id, channel FROM service_measures WHERE started_at < CAST($as_of AS DATE) + 1
    UNION ALL SELECT person_id, 'exit_entry' FROM abroad WHERE exit_date < CAST($as_of AS DATE) + 1),
channels AS (
    SELECT person_id, list_sort(list(DISTINCT channel)) AS channel_list
    FROM reports WHERE person_id IN (SELECT person_id FROM people) GROUP BY person_id),
documents_of AS (
    SELECT person_id,
           arg_min(doc_number, 0) FILTER (WHERE doc_type = 'resident_id') AS resident_id,
           arg_min(doc_type, CASE doc_type WHEN 'passport' THEN 1 WHEN 'hk_macau_permit' THEN 2
                                           WHEN 'home_return_permit' THEN 3 ELSE 4 END) AS doc_type
    FROM documents WHERE person_id IN (SELECT person_id FROM people) GROUP BY person_id),
rows AS (
    SELECT x.person_id,
           {mask_name:p.name:x} AS name,
           {mask_id:d.resident_id:x} AS resident_id,
           {mask_phone:p.phone:x} AS phone,
           x.stage, x.populations, w.relation,
           coalesce(l.doc_type, d.doc_type) AS doc_type,
           coalesce(e.from_country, l.country) AS country,
           h.district_code, dn.name AS district, h.township_code, tn.name AS township,
           h.community_code, c.name AS community,
           n.site AS current_place, n.community_code AS current_community_code, nc.name AS current_community,
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
    FROM people x
    JOIN persons p USING (person_id)
    JOIN listed w USING (person_id)
    JOIN homes h USING (person_id)
    LEFT JOIN communities c ON c.code = h.community_code
    LEFT JOIN townships tn ON tn.code = h.township_code
    LEFT JOIN districts dn ON dn.code = h.district_code
    LEFT JOIN here n USING (person_id)
    LEFT JOIN communities nc ON nc.code = n.community_code
    LEFT JOIN districts nd ON nd.code = n.district_code
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
