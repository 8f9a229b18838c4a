-- Rejected rows per channel and reason (the reason's field and rule, without the offending value).
SELECT channel, regexp_replace(reason, ' ''.*''', '') AS reason, count(*) AS rows
FROM rejects
GROUP BY ALL
ORDER BY channel, rows DESC
