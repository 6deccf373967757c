-- How each attempt's outcome and time were decided (toolkit/provenance.py holds the rules).
--
-- `attempts.outcome` is the *effective* outcome: what a classifier rule read, else what the
-- log, --outcome or a contact declared, else what a person decided in `guichets review`;
-- `unknown` when a reading and a declaration disagree (flag `outcome_conflict`). Both sides
-- are kept: `read_outcome` (with `rule`), `declared_outcome`. `outcome_source` says which
-- decided: read, declared, reviewed (NULL when nothing did).
-- `flags`: outcome_conflict, time_conflict, edited, reencoded, weak_time; `flag_detail`
-- says why (which editor, which messenger…). `time_precision`: second, minute or day, the
-- precision of the source that dated the attempt.
-- `attempt_times`: every time found for an attempt (log, file name, EXIF, PNG/XMP, the clock
-- or a page date read by OCR, HAR, mail headers, PDF header and metadata, the file's date),
-- with its source, precision, whether it is weak, whether it dates the attempt (`chosen`),
-- and for a time that cannot (out of range, unreadable) the reason and the value as found.

ALTER TABLE attempts ADD COLUMN outcome_source VARCHAR;
ALTER TABLE attempts ADD COLUMN read_outcome VARCHAR;
ALTER TABLE attempts ADD COLUMN declared_outcome VARCHAR;
ALTER TABLE attempts ADD COLUMN flags VARCHAR[] DEFAULT [];
ALTER TABLE attempts ADD COLUMN flag_detail JSON;
ALTER TABLE attempts ADD COLUMN time_precision VARCHAR DEFAULT 'second';

CREATE TABLE attempt_times (
    attempt_id   VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,       -- order in which the candidates were found
    source       VARCHAR NOT NULL,       -- time_source vocabulary
    detail       VARCHAR,                -- reader and field, e.g. filename:android, exif:DateTimeOriginal
    "value"      TIMESTAMPTZ,            -- NULL for a rejected candidate
    precision    VARCHAR NOT NULL,       -- second, minute, day
    weak         BOOLEAN NOT NULL DEFAULT false,
    chosen       BOOLEAN NOT NULL DEFAULT false,
    rejected     VARCHAR,                -- why it cannot date the attempt
    raw          VARCHAR,                -- the value as found, for a rejected candidate
    recorded_at  TIMESTAMPTZ NOT NULL
);

-- Attempts recorded before this version: what `extraction` said becomes the provenance.
UPDATE attempts SET
    read_outcome = CASE WHEN extraction IN ('rule', 'ocr') AND rule IS NOT NULL THEN outcome END,
    declared_outcome = CASE WHEN extraction IN ('log', 'option') AND outcome <> 'unknown'
                            THEN outcome END,
    flags = CASE WHEN time_source = 'mtime' THEN ['weak_time'] ELSE [] END,
    time_precision = CASE
        WHEN time_detail LIKE '%:date' THEN 'day'
        WHEN time_source IN ('log', 'ocr', 'declared', 'pdf_header')
             AND second(observed_at) = 0 AND microsecond(observed_at) = 0 THEN 'minute'
        ELSE 'second'
    END;

UPDATE attempts SET outcome_source = CASE
    WHEN read_outcome IS NOT NULL THEN 'read'
    WHEN declared_outcome IS NOT NULL THEN 'declared'
END;

-- A time recorded before the range check that no reader can use (year 1, year 9999: DuckDB
-- hands it back as text) is kept as a rejected candidate, its value as text; the attempt is
-- dated by when it was ingested, weak, until a person reviews it.
CREATE TEMPORARY TABLE poisoned AS
SELECT id, time_source, time_detail, CAST(observed_at AS VARCHAR) AS raw, ingested_at
FROM attempts
WHERE observed_at < TIMESTAMPTZ '2000-01-01 00:00:00+00'
   OR observed_at > TIMESTAMPTZ '2100-01-01 00:00:00+00';

INSERT INTO attempt_times
SELECT id, 1, time_source, time_detail, NULL, 'second', false, false,
       'out of range: recorded before the range check', raw, ingested_at
FROM poisoned;

UPDATE attempts SET observed_at = ingested_at, time_source = 'mtime',
       time_detail = 'ingested_at (its recorded time was out of range)', time_precision = 'second',
       flags = ['weak_time']
WHERE id IN (SELECT id FROM poisoned);

DROP TABLE poisoned;

INSERT INTO attempt_times
SELECT id, 0, time_source, time_detail, observed_at, time_precision, time_source = 'mtime', true,
       NULL, NULL, ingested_at
FROM attempts;
