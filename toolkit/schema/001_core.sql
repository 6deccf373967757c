-- Core evidence store. Table and column names are a contract for notebooks and SQL users:
-- extend in later migrations, never rename.

CREATE TABLE prefectures (
    code      VARCHAR PRIMARY KEY,   -- INSEE département code, 2A/2B, 971..978, 75-PP
    name      VARCHAR NOT NULL,
    town      VARCHAR NOT NULL,
    tz        VARCHAR NOT NULL,      -- IANA zone: naive times are read here
    tribunal  VARCHAR NOT NULL,      -- competent tribunal administratif (R.221-3 CJA)
    region    VARCHAR
);

CREATE TABLE applicants (
    id             VARCHAR PRIMARY KEY,  -- pseudonymous, chosen by the user (e.g. a file number)
    prefecture     VARCHAR NOT NULL,
    procedure      VARCHAR NOT NULL,
    permit_expiry  DATE,
    created_at     TIMESTAMPTZ NOT NULL
);

-- Personal data, kept apart from facts; never exported.
CREATE TABLE identities (
    applicant_id  VARCHAR PRIMARY KEY,
    full_name     VARCHAR,
    birth_date    DATE,
    nationality   VARCHAR,
    agdref        VARCHAR,
    address       VARCHAR,
    email         VARCHAR,
    phone         VARCHAR
);

CREATE TABLE files (
    sha256             VARCHAR PRIMARY KEY,
    size               BIGINT NOT NULL,
    media_type         VARCHAR,
    original_name      VARCHAR,
    first_ingested_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE sources (
    id            VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,   -- screenshots, captures, crawl, documents, cases, contact, bundle
    path          VARCHAR,
    options       JSON,
    tool_version  VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    rows          BIGINT DEFAULT 0
);

CREATE TABLE attempts (
    id                VARCHAR PRIMARY KEY,  -- derived from content: re-ingesting is a no-op
    applicant_id      VARCHAR NOT NULL,
    prefecture        VARCHAR NOT NULL,
    procedure         VARCHAR NOT NULL,
    channel           VARCHAR NOT NULL,     -- online, email, letter, phone, counter, other
    observed_at       TIMESTAMPTZ NOT NULL,
    time_source       VARCHAR NOT NULL,
    time_detail       VARCHAR,              -- e.g. filename:macos-fr, exif:DateTimeOriginal
    outcome           VARCHAR NOT NULL DEFAULT 'unknown',
    system            VARCHAR NOT NULL DEFAULT 'unknown',
    url               VARCHAR,
    slots             INTEGER,
    first_slot        DATE,
    file_sha256       VARCHAR,
    part              INTEGER NOT NULL DEFAULT 0,  -- index inside a file holding several attempts
    original_name     VARCHAR,
    source_id         VARCHAR,
    extraction        VARCHAR,              -- how the outcome was obtained: log, option, rule, ocr, manual
    rule              VARCHAR,              -- classifier signature that matched
    confidence        DOUBLE,
    direction         VARCHAR,              -- for contacts: sent, received
    subject           VARCHAR,
    note              VARCHAR,
    last_publication  TIMESTAMP,            -- RDV Préfecture « Dernière mise en ligne » (local)
    next_publication  TIMESTAMP,            -- « Prochaine mise en ligne » (local)
    ingested_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE probes (
    id            VARCHAR PRIMARY KEY,
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

CREATE TABLE documents (
    id            VARCHAR PRIMARY KEY,
    applicant_id  VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    title         VARCHAR,
    dated         DATE,
    file_sha256   VARCHAR,
    source_id     VARCHAR,
    ingested_at   TIMESTAMPTZ NOT NULL
);

-- Text read from an original (OCR of a screenshot, text layer of a PDF, body of a page).
CREATE TABLE texts (
    file_sha256  VARCHAR NOT NULL,
    part         INTEGER NOT NULL DEFAULT 0,
    method       VARCHAR NOT NULL,  -- ocr, html, pdf, email
    text         VARCHAR,
    PRIMARY KEY (file_sha256, part, method)
);

CREATE TABLE custody (
    "at"          TIMESTAMPTZ NOT NULL,
    action        VARCHAR NOT NULL,
    actor         VARCHAR,
    tool_version  VARCHAR NOT NULL,
    detail        JSON
);

CREATE TABLE generated (
    path           VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    applicant_id   VARCHAR,
    inputs_digest  VARCHAR,
    "at"           TIMESTAMPTZ NOT NULL
);

-- Attempts with the préfecture's local time, for indicators and notebooks.
CREATE VIEW attempts_local AS
SELECT a.*,
       p.tz,
       timezone(p.tz, a.observed_at)                 AS local_time,
       CAST(timezone(p.tz, a.observed_at) AS DATE)   AS local_date,
       hour(timezone(p.tz, a.observed_at))           AS local_hour,
       strftime(timezone(p.tz, a.observed_at), '%G-W%V') AS iso_week
FROM attempts a
JOIN prefectures p ON p.code = a.prefecture;
