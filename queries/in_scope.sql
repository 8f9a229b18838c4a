belongs AS (   -- the people of `candidates` the scope may see: resident there, or with a departure, border entry,
               -- arrival or quarantine recorded there (a hotel's district sees its guest); taken in by {include:in_scope}
    SELECT c.person_id FROM candidates c JOIN persons p USING (person_id)
    WHERE {scope:p}
       OR EXISTS (SELECT 1 FROM abroad a WHERE a.person_id = c.person_id AND {scope:a})
       OR EXISTS (SELECT 1 FROM border_entries b WHERE b.person_id = c.person_id AND {scope:b})
       OR EXISTS (SELECT 1 FROM arrivals r WHERE r.person_id = c.person_id AND {scope:r})
       OR EXISTS (SELECT 1 FROM quarantines q WHERE q.person_id = c.person_id AND {scope:q}))
