-- One row per crawl file ingested: what it held and what became of each row.
--
-- `probe_batches` (schema 004) says which file and source a probe row comes from; this says
-- how the file was read (its mapping and defaults, the reader's path) and accounts for every
-- row: rows = recorded + repeated + stored + refused + skipped (the conservation checked by
-- `ingest_crawl`). `batch` is the file's first probe batch number: `guichets sources` lists
-- these rows and `guichets sources remove BATCH` removes one file's probes (the vault keeps
-- the original). « Already ingested » means the same bytes under the same `settings_sha256`
-- (a hash of the mapping and defaults), nothing else. Workspaces from before this schema
-- have their crawl files listed from `probe_batches` with the counts left NULL (unknown).

CREATE TABLE crawl_files (
    batch            INTEGER NOT NULL,  -- the file's first probe_batches.batch
    source_id        VARCHAR NOT NULL,
    file_sha256      VARCHAR NOT NULL,
    name             VARCHAR,           -- the file as the user gave it
    format           VARCHAR,
    read_by          VARCHAR,           -- typed, general or typed+general
    mapping          VARCHAR,           -- the mapping file, or "header names"
    settings         JSON,              -- the mapping's content and the defaults
    settings_sha256  VARCHAR,
    rows             BIGINT,            -- data rows in the file (header and blank lines apart)
    recorded         BIGINT,
    repeated         BIGINT,            -- later copies of a probe within the file
    stored           BIGINT,            -- probes the store already held
    refused          BIGINT,            -- rows with a problem
    skipped          BIGINT,            -- repeated headers
    ingested_at      TIMESTAMPTZ
);

INSERT INTO crawl_files (batch, source_id, file_sha256, name, mapping, ingested_at)
SELECT min(b.batch), b.source_id, b.file_sha256, min(f.original_name),
       min(json_extract_string(s.options, '$.mapping')), min(s.started_at)
FROM probe_batches b
JOIN sources s ON s.id = b.source_id AND s.kind = 'crawl'
LEFT JOIN files f ON f.sha256 = b.file_sha256
GROUP BY b.source_id, b.file_sha256;
