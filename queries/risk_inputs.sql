-- The inputs of each community's risk score as of the end of $as_of within the scope, as long rows
-- (community_code, factor, key, value):
--   arrivals         people who arrived in the $days days up to $as_of within 30 days after a border entry,
--                    key = the country they came from
--   home_quarantine  people in home quarantine at the end of $as_of
--   fevers           people with a temperature >= $fever in the $days days up to $as_of
-- Leaks and open alerts come from their own queries (loop/risk.py adds them).
WITH
cut AS (SELECT CAST($as_of AS DATE) + 1 AS next_day, CAST($as_of AS DATE) + 1 - CAST($days AS INTEGER) AS since),
arrived AS (
    SELECT a.person_id, arg_max(a.community_code, a.arrived_at) AS community_code,
           (SELECT arg_max(b.from_country, b.entry_date) FROM border_entries b WHERE b.person_id = a.person_id
                AND b.entry_date <= CAST(max(a.arrived_at) AS DATE)) AS country
    FROM arrivals a
    WHERE a.arrived_at >= (SELECT since FROM cut) AND a.arrived_at < (SELECT next_day FROM cut) AND {scope:a}
      AND EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = a.person_id
                  AND b.entry_date BETWEEN CAST(a.arrived_at AS DATE) - 30 AND CAST(a.arrived_at AS DATE))
    GROUP BY a.person_id)
SELECT community_code, 'arrivals' AS factor, coalesce(country, '') AS key, count(*) AS value
FROM arrived WHERE community_code IS NOT NULL GROUP BY ALL
UNION ALL
SELECT q.community_code, 'home_quarantine', '', count(DISTINCT q.person_id)
FROM quarantines q
WHERE q.kind = 'home' AND q.start_at < (SELECT next_day FROM cut)
  AND (q.released_at IS NULL OR q.released_at >= (SELECT next_day FROM cut)) AND q.community_code IS NOT NULL
  AND {scope:q}
GROUP BY ALL
UNION ALL
SELECT h.community_code, 'fevers', '', count(DISTINCT h.person_id)
FROM health_checks h
WHERE h.temperature >= $fever AND h.checked_at >= (SELECT since FROM cut) AND h.checked_at < (SELECT next_day FROM cut)
  AND h.community_code IS NOT NULL AND {scope:h}
GROUP BY ALL
ORDER BY 1, 2, 3
