-- Return alerts (回梧即触发预警) raised at ingest up to the end of $as_of within the scope: someone on the abroad
-- list reported in the city by any channel. The scope sees the alerts raised in it and those of its
-- residents (wherever they were reported); the alert stays placed where it was raised. One row per alert, with where and by which channel it was raised,
-- and the departure it closes. `raised_at` is when the first report was made (which channel's file came first),
-- `event_at` when the return happened: the person's first arrival in the city after the departure when that came
-- no later than the report, else the report. Person-level fields through the runner's masks. $persons: the alerts
-- of these people only (a list of ids; NULL = everyone's), for a server that brings its alerts up to date with a
-- batch (pages/loop_map.period_alerts): each alert depends on its own person's rows only.
SELECT a.alert_id, a.kind, a.person_id, a.raised_at, a.channel, a.feed, a.place,
       least(a.raised_at, (SELECT min(r.arrived_at) FROM arrivals r WHERE r.person_id = a.person_id
                           AND r.arrived_at >= CAST(split_part(a.alert_id, ':', 3) AS DATE))) AS event_at,
       coalesce(a.lon, {mask_lon:p:c}) AS lon, coalesce(a.lat, {mask_lat:p:c}) AS lat,
       a.community_code, a.township_code, a.district_code, c.name AS community,
       {mask_name:p.name:p} AS name,
       (SELECT arg_max(x.country, x.exit_date) FROM abroad x WHERE x.person_id = a.person_id
            AND x.exit_date <= CAST(a.raised_at AS DATE)) AS country,
       a.batch_id, a.line
FROM alerts a JOIN persons p USING (person_id) LEFT JOIN communities c ON c.code = a.community_code
WHERE a.kind = 'return' AND a.raised_at < CAST($as_of AS DATE) + 1 AND ({scope:a} OR {scope:p})
  AND ($persons IS NULL OR list_contains($persons, a.person_id))
ORDER BY a.raised_at, a.alert_id
