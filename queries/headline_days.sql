-- Every headline figure of queries/headline_figures.sql for the whole scope, each district, township and community,
-- every day, as changes: (code, figure, day, delta). A figure at the end of a day is the sum of its deltas up
-- to that day, so a new date or area is a lookup, not a query. Counted from $since like the headline; without
-- the checkpoint totals (kept from the daily counts). An area's code: 'all' for the whole scope, the district's
-- code, the district's and township's codes together (as the scope matches a township), or the community's
-- code. Every row counts in its four areas (unnest). Rumour cases are recorded per district: a township and a
-- community carry their district's.
WITH
departures AS (   -- the person's departures listed in each area, one document per day
    SELECT code, person_id, exit_date, max(doc_type) AS doc_type
    FROM (SELECT unnest(['all', a.district_code, a.district_code || a.township_code, a.community_code]) AS code, a.person_id,
                 a.exit_date, a.doc_type
          FROM abroad a WHERE {scope:a})
    WHERE code IS NOT NULL
    GROUP BY ALL),
returns AS (      -- the first border entry on or after each departure
    SELECT d.person_id, d.exit_date, min(b.entry_date) AS entry_date
    FROM (SELECT DISTINCT person_id, exit_date FROM departures) d
    JOIN border_entries b ON b.person_id = d.person_id AND b.entry_date >= d.exit_date
    GROUP BY ALL),
abroad_spans AS (   -- abroad from a departure until that entry, or the person's next departure in the area
    SELECT d.code, d.doc_type, d.exit_date AS since,
           least(lead(d.exit_date) OVER (PARTITION BY d.code, d.person_id ORDER BY d.exit_date), r.entry_date)
               AS until
    FROM departures d LEFT JOIN returns r USING (person_id, exit_date)),
abroad_changes AS (
    SELECT code, doc_type, since AS day, 1 AS delta FROM abroad_spans
    UNION ALL
    SELECT code, doc_type, until, -1 FROM abroad_spans WHERE until IS NOT NULL),
firsts AS (       -- (figure, district, township, person, day): a person counts from their first such day
    SELECT 'entered' AS figure, b.district_code, b.township_code, b.community_code, b.person_id, b.entry_date AS day
    FROM border_entries b JOIN persons p USING (person_id)
    WHERE p.is_registered_resident AND b.entry_date >= CAST($since AS DATE) AND {scope:b}
    UNION ALL
    SELECT 'arrived', a.district_code, a.township_code, a.community_code, a.person_id, CAST(a.arrived_at AS DATE)
    FROM arrivals a
    WHERE a.arrived_at >= CAST($since AS DATE) AND {scope:a}
      AND EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id
                  AND b.entry_date BETWEEN CAST(a.arrived_at AS DATE) - 30 AND CAST(a.arrived_at AS DATE))
    UNION ALL
    SELECT 'measures', m.district_code, m.township_code, m.community_code, m.person_id, CAST(m.started_at AS DATE)
    FROM service_measures m WHERE {scope:m}
    UNION ALL
    SELECT 'released', q.district_code, q.township_code, q.community_code, q.person_id, CAST(q.released_at AS DATE)
    FROM quarantines q WHERE q.released_at >= CAST($since AS DATE) AND {scope:q}),
first_days AS (
    SELECT code, figure, min(day) AS day
    FROM (SELECT unnest(['all', district_code, district_code || township_code, community_code]) AS code, figure, person_id, day
          FROM firsts)
    WHERE code IS NOT NULL
    GROUP BY code, figure, person_id),
stays AS (        -- in quarantine from the day it starts to the day before release: [since, until)
    SELECT unnest(['all', q.district_code, q.district_code || q.township_code, q.community_code]) AS code, q.person_id,
           'in_quarantine_' || q.kind AS figure, CAST(q.start_at AS DATE) AS since,
           CAST(q.released_at AS DATE) AS until
    FROM quarantines q
    WHERE q.kind IN ('hotel', 'home') AND {scope:q}
      AND (q.released_at IS NULL OR CAST(q.released_at AS DATE) > CAST(q.start_at AS DATE))),
stay_islands AS (   -- a person's overlapping stays of one kind in one area merged, so each is counted once
    SELECT *, sum(starts) OVER (PARTITION BY code, person_id, figure ORDER BY since, until) AS island
    FROM (SELECT *, coalesce(since > max(coalesce(until, DATE '9999-12-31')) OVER (
                     PARTITION BY code, person_id, figure ORDER BY since, until
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true)::INTEGER AS starts
          FROM stays WHERE code IS NOT NULL)),
stay_spans AS (
    SELECT code, figure, min(since) AS since,
           CASE WHEN bool_or(until IS NULL) THEN NULL ELSE max(until) END AS until
    FROM stay_islands GROUP BY code, person_id, figure, island),
stay_changes AS (
    SELECT code, figure, since AS day, 1 AS delta FROM stay_spans
    UNION ALL
    SELECT code, figure, until, -1 FROM stay_spans WHERE until IS NOT NULL),
rumours AS (
    SELECT unnest(['all', e.district_code]) AS code, e.handled_on AS day, e.educated, e.detained, e.fined
    FROM enforcement_cases e WHERE e.kind = 'online_rumour' AND {scope_district:e}
    UNION ALL
    SELECT t.district_code || t.code, e.handled_on, e.educated, e.detained, e.fined
    FROM enforcement_cases e JOIN townships t USING (district_code)
    WHERE e.kind = 'online_rumour' AND {scope_district:e}
    UNION ALL
    SELECT c.code, e.handled_on, e.educated, e.detained, e.fined
    FROM enforcement_cases e JOIN communities c USING (district_code)
    WHERE e.kind = 'online_rumour' AND {scope_district:e}),
changes AS (
    SELECT code, 'abroad' AS figure, day, delta FROM abroad_changes
    UNION ALL
    SELECT code, CASE doc_type WHEN 'passport' THEN 'abroad_passport' ELSE 'abroad_permit' END, day, delta
    FROM abroad_changes WHERE doc_type IN ('passport', 'hk_macau_permit')
    UNION ALL
    SELECT code, figure, day, 1 FROM first_days
    UNION ALL
    SELECT code, figure, day, delta FROM stay_changes
    UNION ALL
    SELECT code, 'in_quarantine', day, delta FROM stay_changes
    UNION ALL
    SELECT code, 'rumours', day, 1 FROM rumours
    UNION ALL
    SELECT code, 'educated', day, educated FROM rumours
    UNION ALL
    SELECT code, 'detained', day, detained FROM rumours
    UNION ALL
    SELECT code, 'fined', day, fined FROM rumours
    UNION ALL
    SELECT unnest(['all', k.district_code, k.district_code || k.township_code, k.community_code]), k.kind || '_cases',
           k.confirmed_on, 1
    FROM cases k WHERE k.kind IN ('imported', 'local') AND {scope:k})
SELECT code, figure, day, sum(delta) AS delta
FROM changes WHERE code IS NOT NULL
GROUP BY ALL
ORDER BY code, figure, day
