-- The custody log becomes a hash chain (toolkit/custody.py).
--
-- `seq` numbers the entries 1, 2, 3… with no gap; `prev_sha256` is the hash of the entry
-- before (64 zeros for the first); `sha256` is the SHA-256 of the canonical JSON of
-- [seq, at, action, actor, tool_version, detail, prev_sha256]. The entries already there are
-- numbered and linked in time order by the migration step that follows this file
-- (toolkit/workspace.py, AFTER_MIGRATION), inside the same transaction. From then on the
-- workspace's one custody-logging function (Workspace.log_custody) writes every entry, and
-- `guichets verify` names an entry deleted, edited or inserted.

ALTER TABLE custody ADD COLUMN seq BIGINT;
ALTER TABLE custody ADD COLUMN prev_sha256 VARCHAR;
ALTER TABLE custody ADD COLUMN sha256 VARCHAR;
