-- Confirmed cases up to the end of $as_of within the scope, as points (the person's residence, else the
-- community's representative point), imported and local apart.
SELECT k.case_id, k.kind, k.confirmed_on, k.community_code, k.township_code, k.district_code, c.name AS community,
       {mask_lon:p:c} AS lon, {mask_lat:p:c} AS lat
FROM cases k LEFT JOIN persons p USING (person_id) LEFT JOIN communities c ON c.code = k.community_code
WHERE k.confirmed_on < CAST($as_of AS DATE) + 1 AND {scope:k}
ORDER BY k.confirmed_on, k.case_id
