-- Included (`{include:person_visible}`) after `{include:person_home}` in a query about one person ($person):
-- `visible` holds the person when the scope may see them — their home is in it, or a quarantine of theirs up to
-- the end of $as_of was at a site in it (a guest) — and is empty otherwise; with the person's home (`homes`'
-- columns). Everything else about the person is then read from their whole record, wherever it happened.
-- Read `homes` through `visible` only: a CTE read twice is computed whole (every person of the store).
visible AS (
    SELECT h.* FROM homes h
    WHERE h.person_id = $person
      AND ({scope:h} OR EXISTS (SELECT 1 FROM quarantines q WHERE q.person_id = $person
                                AND q.start_at < CAST($as_of AS DATE) + 1 AND {scope:q}))),
