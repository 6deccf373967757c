-- Robot crawls at scale.
--
-- 1. `probes` is rebuilt without its PRIMARY KEY index. A crawl holds millions of rows and
--    DuckDB's ART index makes a bulk insert of 10 million keys many times slower than the
--    read itself. The id stays a content hash (see toolkit/ingest/crawl.py) and
--    `ingest_crawl` deduplicates on it (anti-join with the table, then within the batch), so
--    re-ingesting adds nothing. Same columns, same names, same types.
-- 2. `probes_local`: each probe in its préfecture's local time, with its lead time and its
--    La Cimade bucket. Definitions are in toolkit/indicators/prefecture.py.

CREATE TABLE probes_002 (
    id            VARCHAR NOT NULL,
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

INSERT INTO probes_002 SELECT * FROM probes;

DROP TABLE probes;
ALTER TABLE probes_002 RENAME TO probes;

CREATE VIEW probes_local AS
SELECT l.*,
       l.first_slot - l.local_date AS lead_days,
       l.outcome IN ('no_slot', 'slots_available') AS usable,
       CASE
           WHEN l.outcome = 'no_slot' THEN 'none'
           WHEN l.outcome <> 'slots_available' OR l.first_slot IS NULL THEN NULL
           WHEN l.first_slot - l.local_date <= 30
                AND l.second_slot - l.local_date <= 30 THEN 'two_within_30d'
           WHEN l.first_slot - l.local_date <= 30 THEN 'one_within_30d'
           WHEN l.first_slot - l.local_date <= 60 THEN 'first_30_60d'
           ELSE 'first_after_60d'
       END AS bucket
FROM (
    SELECT p.*,
           r.tz,
           timezone(r.tz, p.observed_at)                     AS local_time,
           CAST(timezone(r.tz, p.observed_at) AS DATE)       AS local_date,
           hour(timezone(r.tz, p.observed_at))               AS local_hour,
           isodow(timezone(r.tz, p.observed_at))             AS local_weekday,  -- 1 = Monday
           strftime(timezone(r.tz, p.observed_at), '%G-W%V') AS iso_week
    FROM probes p
    JOIN prefectures r ON r.code = p.prefecture
) l;
