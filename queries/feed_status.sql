-- Per channel: batches, the last file, rows accepted and rejected, and whether it has gone quiet:
-- the time from its last batch's data end to $now (NULL: the newest data of any channel) exceeds twice
-- its median gap between batches.
WITH
now AS (SELECT coalesce(CAST($now AS TIMESTAMP), (SELECT max(data_to) FROM batches)) AS t),
gaps AS (
    SELECT channel, data_to,
           data_to - lag(data_to) OVER (PARTITION BY channel ORDER BY data_to) AS gap
    FROM batches WHERE data_to IS NOT NULL),
rhythm AS (
    SELECT channel, median(epoch(gap)) / 3600.0 AS median_gap_hours FROM gaps WHERE gap IS NOT NULL GROUP BY channel)
SELECT b.channel, count(*) AS batches, arg_max(b.file_name, b.committed_at) AS last_file,
       max(b.committed_at) AS last_committed_at, max(b.data_to) AS last_data_to,
       CAST(sum(b.rows_read) AS BIGINT) AS rows_read, CAST(sum(b.rows_accepted) AS BIGINT) AS rows_accepted,
       CAST(sum(b.rows_rejected) AS BIGINT) AS rows_rejected,
       r.median_gap_hours,
       epoch((SELECT t FROM now) - max(b.data_to)) / 3600.0 AS quiet_hours,
       coalesce(epoch((SELECT t FROM now) - max(b.data_to)) / 3600.0 > 2 * r.median_gap_hours, false) AS quiet
FROM batches b LEFT JOIN rhythm r USING (channel)
GROUP BY b.channel, r.median_gap_hours
ORDER BY b.channel
