-- A probe's id is computed when read, not stored.
--
-- The id has always been a function of the probe's natural key (préfecture, site,
-- procedure, instant): the first 20 hex digits of the MD5 of
-- `probe␟prefecture␟site␟procedure␟µs since the epoch` (toolkit/ingest/crawl.py,
-- `probe_id`). Computing it for every row of a 10-million-row crawl took a third of the
-- ingest time, and storing it 20 bytes a row. The rows now live in `probe_rows`; `probes` is
-- a view that adds the id, with the same columns in the same order as before, so every
-- query that reads `probes` (joins on `id`, the bundle's probes.parquet) is unchanged, and
-- DuckDB computes the id only for the queries that ask for it. Writers insert into
-- `probe_rows` and deduplicate on the natural key. (A VIRTUAL generated column was tried:
-- DuckDB evaluates it on every insert, which is the cost we set out to remove.)

CREATE TABLE probe_rows (
    prefecture    VARCHAR NOT NULL,
    site          VARCHAR,
    procedure     VARCHAR,
    observed_at   TIMESTAMPTZ NOT NULL,
    outcome       VARCHAR NOT NULL,
    slots         INTEGER,
    first_slot    DATE,
    second_slot   DATE,
    http_status   INTEGER,
    system        VARCHAR,
    url           VARCHAR,
    source_id     VARCHAR,
    file_sha256   VARCHAR
);

INSERT INTO probe_rows
SELECT prefecture, site, procedure, observed_at, outcome, slots, first_slot, second_slot,
       http_status, system, url, source_id, file_sha256
FROM probes;

DROP TABLE probes;

-- `||` rather than concat_ws: the id is NULL on the NULL side of an outer join.
CREATE VIEW probes AS
SELECT left(md5('probe' || chr(31) || prefecture || chr(31) || coalesce(site, '') || chr(31)
                || coalesce(procedure, '') || chr(31) || CAST(epoch_us(observed_at) AS VARCHAR)),
            20) AS id,
       *
FROM probe_rows;
