-- Procedural events of an applicant's demand: filing, completeness, attestations de
-- prolongation d'instruction (API), récépissés, convocations, decisions, OQTF, requests.
--
-- One row per event, dated by the day it happened (`event_date`, local to the préfecture);
-- `valid_until` is the last day of validity of an API or a récépissé, or the deadline a
-- request for documents gave. `origin` says how the tool knows it: `declared` (typed by
-- a person, `guichets event add`) or `read` (read from a document by the ANEF signature
-- `rule`). An event read from a file, or declared with one, keeps it (`file_sha256`, and
-- `document_id` when the file is also one of the applicant's documents).
-- Ids come from content, so recording the same event twice is a no-op. A wrong event is
-- never deleted: it is withdrawn (`withdrawn_at`, `withdrawn_reason`), with custody.

CREATE TABLE events (
    id                VARCHAR PRIMARY KEY,
    applicant_id      VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,
    event_date        DATE NOT NULL,
    valid_until       DATE,
    reference         VARCHAR,     -- numéro de demande ANEF, LRAR number, decision reference
    note              VARCHAR,
    origin            VARCHAR NOT NULL,   -- declared, read
    rule              VARCHAR,     -- the ANEF signature that read it (origin = read)
    file_sha256       VARCHAR,
    document_id       VARCHAR,
    source_id         VARCHAR,
    recorded_at       TIMESTAMPTZ NOT NULL,
    withdrawn_at      TIMESTAMPTZ,
    withdrawn_reason  VARCHAR
);
