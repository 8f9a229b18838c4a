-- The values the analyst filters offer within the scope: countries of departure, document types, channels.
SELECT DISTINCT 'country' AS kind, country AS value FROM abroad a WHERE country IS NOT NULL AND {scope:a}
UNION SELECT DISTINCT 'country', from_country FROM border_entries b WHERE from_country IS NOT NULL AND {scope:b}
UNION SELECT DISTINCT 'doc_type', doc_type FROM documents
UNION SELECT DISTINCT 'channel', channel FROM batches
UNION SELECT 'channel', 'exit_entry'
ORDER BY kind, value
