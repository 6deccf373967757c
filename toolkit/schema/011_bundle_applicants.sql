-- Applicants that came from bundles, and the key that made their pseudonyms.
--
-- `guichets aggregate` adds a bundle's facts to applicants it already holds only when they
-- came from a bundle made with the same key (toolkit/export/bundle_rows.py): a crafted bundle
-- naming one of the workspace's own clients is refused instead of adding attempts to them.
-- Each applicant a bundle creates gets a row here (toolkit/export/aggregate.py).
--
-- Workspaces aggregated before this table existed: an applicant is taken as a bundle's when it
-- has no identity, all its attempts and documents come from bundle sources, and those sources
-- name one key. Others (one aggregated without any row, say) count as the workspace's own,
-- and a new bundle naming them is refused; re-create such a workspace by aggregating again.

CREATE TABLE bundle_applicants (
    applicant_id     VARCHAR PRIMARY KEY,
    key_fingerprint  VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL   -- the first bundle that brought it
);

INSERT INTO bundle_applicants
SELECT r.applicant_id, any_value(json_extract_string(s.options, '$.key_fingerprint')), min(s.id)
FROM (SELECT applicant_id, source_id FROM attempts
      UNION ALL SELECT applicant_id, source_id FROM documents) r
LEFT JOIN sources s ON s.id = r.source_id
WHERE r.applicant_id NOT IN (SELECT applicant_id FROM identities)
  AND r.applicant_id IN (SELECT id FROM applicants)
GROUP BY r.applicant_id
HAVING bool_and(s.kind IS NOT DISTINCT FROM 'bundle')
   AND count(DISTINCT json_extract_string(s.options, '$.key_fingerprint')) = 1
   AND count(json_extract_string(s.options, '$.key_fingerprint')) = count(*);
