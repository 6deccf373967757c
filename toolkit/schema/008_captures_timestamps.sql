-- Captures made by guichets itself, and RFC 3161 timestamp tokens (toolkit/capture/).
--
-- A capture is one attempt (time_source 'capture') whose artefacts were kept at once in the
-- vault: the full-page PNG (the attempt's file), the HAR, the MHTML snapshot and a JSON
-- record of the path, the environment and the clocks. A manifest (sha256sum format, one line
-- per file) lists them; each TSA is asked once per manifest. A request the TSA did not answer
-- stays `pending` (nothing is lost); `guichets timestamp --pending` completes it later. Tokens
-- are kept whole (the TimeStampResp, DER) with the TSA's certificate chain (PEM), both in the
-- vault, so that every token can be checked offline.

CREATE TABLE captures (
    attempt_id         VARCHAR PRIMARY KEY,
    applicant_id       VARCHAR NOT NULL,
    requested_url      VARCHAR NOT NULL,   -- the address asked for
    start_url          VARCHAR,            -- the official page the path started from
    final_url          VARCHAR,            -- where the browser ended (after redirects)
    http_status        INTEGER,            -- of the final page
    started_at         TIMESTAMPTZ NOT NULL,  -- device clock, before the first request
    loaded_at          TIMESTAMPTZ NOT NULL,  -- device clock, when the final page answered
    finished_at        TIMESTAMPTZ NOT NULL,  -- device clock, after the last artefact
    server_date        TIMESTAMPTZ,        -- the final page's HTTP Date header (to the second)
    clock_offset_ms    BIGINT,             -- servers' Date minus device clock (median), or NULL
    screenshot_sha256  VARCHAR NOT NULL,
    har_sha256         VARCHAR NOT NULL,
    mhtml_sha256       VARCHAR,
    record_sha256      VARCHAR NOT NULL,   -- JSON: path of URLs, environment, clocks
    manifest_sha256    VARCHAR NOT NULL
);

CREATE TABLE timestamp_requests (
    id               VARCHAR PRIMARY KEY,  -- content id of (manifest, TSA URL)
    manifest_sha256  VARCHAR NOT NULL,     -- the manifest, a file in the vault
    scope            VARCHAR NOT NULL,     -- capture:<attempt>, applicant:<id>, folder:<path>
    tsa_url          VARCHAR NOT NULL,
    tsa_name         VARCHAR,
    created_at       TIMESTAMPTZ NOT NULL,
    status           VARCHAR NOT NULL,     -- pending, granted
    tries            INTEGER NOT NULL,
    last_try_at      TIMESTAMPTZ,
    last_error       VARCHAR               -- why the TSA could not be reached, while pending
);

CREATE TABLE timestamp_tokens (
    request_id       VARCHAR PRIMARY KEY,
    manifest_sha256  VARCHAR NOT NULL,
    tsa_url          VARCHAR NOT NULL,
    response_sha256  VARCHAR NOT NULL,     -- the TimeStampResp (DER, .tsr) in the vault
    chain_sha256     VARCHAR NOT NULL,     -- the TSA's certificates, signer first (PEM)
    gen_time         TIMESTAMPTZ NOT NULL, -- the TSA's time (genTime)
    accuracy_ms      BIGINT,
    serial           VARCHAR NOT NULL,
    policy           VARCHAR,
    hash_algorithm   VARCHAR NOT NULL,
    tsa_subject      VARCHAR,              -- the signing certificate's subject
    root_subject     VARCHAR,
    root_sha256      VARCHAR,              -- fingerprint of the chain's root certificate
    received_at      TIMESTAMPTZ NOT NULL
);
