-- The latest day any batch has data for (the read API's default date).
SELECT CAST(max(data_to) AS DATE) AS day FROM batches
