-- The corrections log: per correcting batch and set of changed columns, how many stored records a re-sent file
-- changed and which earlier batches had sent them. Column names only: never a record's key or values (people's
-- fields), so every role may read it. Newest first.
WITH changed AS (
    SELECT c.batch_id, c.feed, c.before_batch_id, c.corrected_at,
           array_to_string(list_sort(list_distinct(json_extract_string(c.changed, '$[*].column'))), ', ') AS columns
    FROM corrections c)
SELECT x.batch_id, b.channel, x.feed, b.file_name, b.committed_at, x.columns, count(*) AS records,
       max(x.corrected_at) AS corrected_at,
       array_to_string(list_sort(list_distinct(list(x.before_batch_id))), ', ') AS before_batches,
       array_to_string(list_sort(list_distinct(list(p.file_name))), ', ') AS before_files
FROM changed x JOIN batches b ON b.batch_id = x.batch_id LEFT JOIN batches p ON p.batch_id = x.before_batch_id
GROUP BY x.batch_id, b.channel, x.feed, b.file_name, b.committed_at, x.columns
ORDER BY b.committed_at DESC, x.batch_id DESC, x.columns
