-- access: person
-- Merges confirmed on review and not split: the kept person (masked) and who merged when. A merge belongs to the
-- scope when the kept person does (resident there, or with a departure, entry or quarantine recorded there).
SELECT m.merge_id, m.kept_person_id, m.merged_person_id, {mask_name:p.name:p} AS name, m.merged_at, m.merged_by
FROM person_merges m JOIN persons p ON p.person_id = m.kept_person_id
WHERE m.split_at IS NULL
  AND ({scope:p}
       OR EXISTS (SELECT 1 FROM abroad x WHERE x.person_id = p.person_id AND {scope:x})
       OR EXISTS (SELECT 1 FROM border_entries x WHERE x.person_id = p.person_id AND {scope:x})
       OR EXISTS (SELECT 1 FROM quarantines x WHERE x.person_id = p.person_id AND {scope:x}))
ORDER BY m.merge_id DESC
