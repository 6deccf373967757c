-- The facts the law turns on, per applicant, and who ran each robot.
--
-- 1. `applicants` gains the filing route and the OQTF:
--    route         anef, guichet, postal, demarches-simplifiees, unknown
--    route_source  'procedure' (the default for the procedure, see
--                  toolkit/reference/procedures.py:default_route), 'declared' (given by the
--                  user) or 'unknown' (a row written without it, e.g. merged from a bundle)
--    oqtf          none, notified, executed, unknown (obligation de quitter le territoire)
--    oqtf_date     the date the OQTF was notified
--    Existing applicants get the default route of their procedure (the same table as
--    default_route; a test checks that both agree) and an unknown OQTF.
-- 2. `demands`: the applicant's earlier demands (date, route, complete or not) and the
--    explicit decision taken on each. A silence is not recorded: it is computed from the
--    date of a complete demand (décision implicite de rejet).
-- 3. `source_descriptions`: who runs a robot and how, for the robot pièce of the exhibits;
--    `name` is a crawl source's name (`ingest crawl --source`) or its file name.
-- 4. `attempts.url_source`: where an attempt's URL came from: 'read' (on the image, in the
--    saved page) or 'declared' (the applicant's log); `attempts.http_status`: the status of
--    the server's answer, for an attempt read from a HAR. NULL for rows recorded before.

ALTER TABLE applicants ADD COLUMN route VARCHAR DEFAULT 'unknown';
ALTER TABLE applicants ADD COLUMN route_source VARCHAR DEFAULT 'unknown';
ALTER TABLE applicants ADD COLUMN oqtf VARCHAR DEFAULT 'unknown';
ALTER TABLE applicants ADD COLUMN oqtf_date DATE;

UPDATE applicants SET route = CASE
    WHEN procedure IN ('renouvellement', 'changement-statut', 'duplicata', 'dcem',
                       'titre-voyage', 'naturalisation') THEN 'anef'
    WHEN procedure IN ('changement-situation', 'regularisation', 'retrait-titre', 'recepisse',
                       'asile') THEN 'guichet'
    ELSE 'unknown'
END, route_source = 'procedure', oqtf = 'unknown';

CREATE TABLE demands (
    applicant_id  VARCHAR NOT NULL,
    number        INTEGER NOT NULL,          -- 1, 2, … per applicant, in the order recorded
    filed_on      DATE NOT NULL,
    route         VARCHAR NOT NULL,          -- as applicants.route
    procedure     VARCHAR NOT NULL,
    complete      BOOLEAN,                   -- NULL: not known
    decision      VARCHAR NOT NULL DEFAULT 'none',  -- none (no explicit decision), favorable, refusal
    decided_on    DATE,
    reference     VARCHAR,                   -- e.g. the ANEF file number
    note          VARCHAR,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (applicant_id, number)
);

CREATE TABLE source_descriptions (
    name          VARCHAR PRIMARY KEY,
    operator      VARCHAR NOT NULL,          -- who runs the robot (an association, a person)
    method        VARCHAR,                   -- how it reads the pages
    frequency     VARCHAR,                   -- how often it probes
    described_at  TIMESTAMPTZ NOT NULL
);

ALTER TABLE attempts ADD COLUMN url_source VARCHAR;
ALTER TABLE attempts ADD COLUMN http_status INTEGER;
