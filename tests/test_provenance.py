"""The precedence rules: effective outcome, time candidates, the chosen time and the flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from toolkit.model import Attempt, TimeCandidate
from toolkit.provenance import (
    TimeRange,
    agree,
    candidate,
    choose_time,
    decide_outcome,
    effective_outcome,
    precision_of,
    settle,
)

PARIS = "Europe/Paris"
NOW = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(PARIS))


def cand(source: str, value: datetime, precision: str = "second", **kw) -> TimeCandidate:
    return candidate(value, source, f"{source}:test", PARIS, precision=precision, now=NOW, **kw)


# --- outcome ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("read", "declared", "reviewed", "expected"),
    [
        # a declaration fills only what no rule could read
        (None, "no_slot", None, ("no_slot", "declared", False)),
        (None, None, None, ("unknown", None, False)),
        (None, "unknown", None, ("unknown", None, False)),
        # a reading wins; a declaration that agrees changes nothing
        ("no_slot", None, None, ("no_slot", "read", False)),
        ("no_slot", "no_slot", None, ("no_slot", "read", False)),
        # a reading and a declaration that disagree: unknown until a person decides
        ("slots_available", "no_slot", None, ("unknown", None, True)),
        ("captcha", "no_slot", None, ("unknown", None, True)),
        ("unknown", "no_slot", None, ("unknown", None, True)),  # a booking step, read
        ("no_slot", "slots_available", None, ("unknown", None, True)),  # the reverse
        # a person's review settles it
        ("slots_available", "no_slot", "slots_available", ("slots_available", "reviewed", False)),
    ],
)
def test_decide_outcome(read, declared, reviewed, expected) -> None:
    d = decide_outcome(read, declared, reviewed)
    assert (d.outcome, d.source, d.conflict) == expected


def test_effective_outcome_of_a_conflict_is_unknown() -> None:
    assert effective_outcome("no_slot", ["outcome_conflict"]) == "unknown"
    assert effective_outcome("no_slot", ["time_conflict"]) == "no_slot"
    assert effective_outcome("no_slot", None) == "no_slot"


# --- candidates and the range check --------------------------------------------------------------


def test_naive_candidates_are_placed_in_the_zone() -> None:
    c = candidate(datetime(2025, 3, 30, 2, 30), "log", "log:line 2", PARIS, now=NOW)
    assert c.usable and c.value == at(2025, 3, 30, 3, 30)  # the spring gap, moved forward


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (datetime(1, 1, 1, 0, 0), "out of range: cannot be placed in time"),
        (datetime(1, 1, 1, 0, 30, tzinfo=UTC), "out of range: before 2000-01-01"),
        (datetime(9999, 12, 31, 23, 59), "out of range: after 2025-04-03 (in the future)"),
        (
            datetime(1, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
            "out of range: cannot be converted to UTC",
        ),
        (
            datetime(9999, 12, 31, 12, 0, tzinfo=UTC),
            "out of range: after 2025-04-03 (in the future)",
        ),
        (datetime(1999, 12, 31, 23, 0, tzinfo=UTC), "out of range: before 2000-01-01"),
        (NOW + timedelta(days=2), "out of range: after 2025-04-03 (in the future)"),
    ],
)
def test_out_of_range_times_are_kept_rejected(value: datetime, reason: str) -> None:
    c = candidate(value, "exif", "exif:DateTimeOriginal", PARIS, now=NOW)
    assert not c.usable
    assert c.value is None and c.rejected == reason
    assert c.raw and c.raw.startswith(("0001", "9999", "1999", "2025"))


def test_range_is_configurable() -> None:
    old = datetime(1998, 5, 1, 10, 0, tzinfo=UTC)
    wide = TimeRange(earliest=datetime(1990, 1, 1, tzinfo=UTC))
    assert candidate(old, "exif", "x", PARIS, time_range=wide, now=NOW).usable
    assert not candidate(old, "exif", "x", PARIS, now=NOW).usable
    soon = NOW + timedelta(hours=20)
    assert candidate(soon, "exif", "x", PARIS, now=NOW).usable  # today + 1 day allowed


def test_unreadable_time_is_recorded_with_its_text() -> None:
    c = candidate(None, "har", "har:startedDateTime", PARIS, raw="not-a-date")
    assert (c.usable, c.rejected, c.raw) == (False, "unreadable", "not-a-date")


@pytest.mark.parametrize(
    ("text", "precision"),
    [("07:15", "minute"), ("7h15", "minute"), ("07:15:12", "second"), ("24/02/2025", "day")],
)
def test_precision_of_written_times(text: str, precision: str) -> None:
    assert precision_of(text) == precision


# --- the choice ---------------------------------------------------------------------------------


def test_the_image_outranks_the_journal_and_a_finer_agreeing_source_gives_its_second() -> None:
    journal = cand("log", at(2025, 2, 24, 7, 15), "minute")
    named = cand("filename", at(2025, 2, 24, 7, 15, 12))
    clock = cand("ocr", at(2025, 2, 24, 7, 15), "minute")
    choice = choose_time([journal, named, clock], PARIS)
    assert choice.chosen == named and not choice.conflict and not choice.weak
    # alone, the journal dates it at the minute
    assert choose_time([journal], PARIS).chosen == journal


def test_a_file_name_two_hours_from_the_visible_clock_is_a_conflict() -> None:
    named = cand("filename", at(2025, 3, 12, 12, 6, 32))
    clock = cand("ocr", at(2025, 3, 12, 10, 6), "minute")
    choice = choose_time([named, clock], PARIS)
    assert choice.chosen == clock  # what the image shows
    assert choice.conflict and choice.flags == ["time_conflict"]
    assert choice.conflicting == ((clock, named),)


def test_tolerance_and_days() -> None:
    a = cand("ocr", at(2025, 3, 12, 10, 6), "minute")
    assert agree(a, cand("filename", at(2025, 3, 12, 10, 8, 59)), PARIS)  # 2 min at the minute
    assert not agree(a, cand("filename", at(2025, 3, 12, 10, 9, 0)), PARIS)
    late = cand("log", at(2025, 3, 12, 23, 59), "minute")
    assert not agree(late, cand("filename", at(2025, 3, 13, 0, 0, 30)), PARIS)  # another day
    day = cand("ocr", at(2025, 3, 12, 0, 0), "day")
    assert agree(day, late, PARIS)
    assert not agree(day, cand("log", at(2025, 3, 11, 9, 0), "minute"), PARIS)


def test_a_page_date_on_another_day_than_the_journal() -> None:
    page = cand("ocr", at(2025, 2, 25, 0, 0), "day")
    journal = cand("log", at(2025, 2, 24, 7, 15), "minute")
    choice = choose_time([journal, page], PARIS)
    assert choice.chosen == page and choice.conflict


def test_weak_candidates_date_only_when_nothing_else_does() -> None:
    mtime = cand("mtime", at(2025, 4, 1, 9, 0), weak=True)
    named = cand("filename", at(2025, 3, 12, 10, 6, 32))
    choice = choose_time([mtime, named], PARIS)
    assert choice.chosen == named and not choice.conflict and not choice.weak
    alone = choose_time([mtime], PARIS)
    assert alone.chosen == mtime and alone.flags == ["weak_time"]


def test_rejected_candidates_are_never_chosen() -> None:
    bad = candidate(datetime(9999, 1, 1), "exif", "exif:DateTimeOriginal", PARIS, now=NOW)
    assert choose_time([bad], PARIS).chosen is None
    mtime = cand("mtime", at(2025, 3, 1, 9, 0), weak=True)
    assert choose_time([bad, mtime], PARIS).chosen == mtime


def test_a_review_settles_the_time() -> None:
    named = cand("filename", at(2025, 3, 12, 12, 6, 32))
    clock = cand("ocr", at(2025, 3, 12, 10, 6), "minute")
    person = cand("reviewed", at(2025, 3, 12, 10, 6), "minute")
    choice = choose_time([named, clock, person], PARIS)
    assert choice.chosen == person and not choice.conflict


def test_settle_fills_outcome_time_and_flags() -> None:
    a = Attempt("a-76", "online", at(2000, 1, 1), "mtime")
    a.read_outcome, a.declared_outcome = "slots_available", "no_slot"
    a.flags = ["edited"]
    a.times = [
        cand("log", at(2025, 3, 12, 10, 6), "minute"),
        cand("filename", at(2025, 3, 12, 12, 6, 32)),
        cand("ocr", at(2025, 3, 12, 10, 6), "minute"),
    ]
    assert settle(a, PARIS)
    assert (a.outcome, a.outcome_source) == ("unknown", None)
    assert a.flags == ["outcome_conflict", "time_conflict", "edited"]
    assert (a.time_source, a.time_precision) == ("ocr", "minute")
    assert a.observed_at == at(2025, 3, 12, 10, 6)
    empty = Attempt("a-76", "online", at(2000, 1, 1), "mtime")
    assert not settle(empty, PARIS)


def test_a_finer_time_refines_only_inside_the_coarser_one() -> None:
    printed = cand("pdf_header", at(2025, 3, 12, 14, 30), "minute")
    inside = cand("pdf_meta", at(2025, 3, 12, 14, 30, 41))
    later = cand("pdf_meta", at(2025, 3, 12, 14, 31, 7))  # agrees (1 min), another minute
    assert choose_time([printed, inside], PARIS).chosen == inside
    choice = choose_time([printed, later], PARIS)
    assert choice.chosen == printed and not choice.conflict


# --- the store ----------------------------------------------------------------------------------


def test_schema_7_gives_older_attempts_their_provenance(tmp_path, monkeypatch) -> None:
    import toolkit.workspace as wsmod
    from toolkit.applicants import add_applicant

    real = wsmod.migrations()
    monkeypatch.setattr(wsmod, "migrations", lambda: [m for m in real if m[0] < 7])
    ws = wsmod.init_workspace(tmp_path / "ws")
    add_applicant(ws, "a-76", prefecture="76", procedure="renouvellement")
    old = [
        ("a", "online", "2025-03-12 09:06:00+00", "log", "log:line 2", "no_slot", "log", None),
        ("b", "online", "2025-03-12 09:06:32+00", "filename", "filename:android", "captcha",
         "ocr", "captcha.text"),
        ("c", "online", "2025-03-12 09:06:32+00", "mtime", "mtime", "unknown", None, None),
        ("d", "phone", "2025-03-11 23:00:00+00", "declared", "declared:date", "unknown",
         "manual", None),
        # recorded before the range check: a time no reader can use poisoned every command
        ("e", "online", "9999-12-31 23:59:59+00", "exif", "exif:DateTimeOriginal", "no_slot",
         "log", None),
    ]  # fmt: skip
    for row in old:
        ws.sql(
            "INSERT INTO attempts (id, applicant_id, prefecture, procedure, channel, observed_at, "
            "time_source, time_detail, outcome, extraction, rule, ingested_at) "
            "VALUES (?, 'a-76', '76', 'renouvellement', ?, ?, ?, ?, ?, ?, ?, now())",
            list(row),
        )
    ws.close()
    monkeypatch.setattr(wsmod, "migrations", lambda: real)
    ws = wsmod.open_workspace(tmp_path / "ws")
    got = {
        r["id"]: r
        for r in ws.rows(
            "SELECT id, outcome_source, read_outcome, declared_outcome, flags, time_precision "
            "FROM attempts"
        )
    }
    assert got["a"] | {"id": None} == {
        "id": None, "outcome_source": "declared", "read_outcome": None,
        "declared_outcome": "no_slot", "flags": [], "time_precision": "minute",
    }  # fmt: skip
    assert (got["b"]["outcome_source"], got["b"]["read_outcome"], got["b"]["time_precision"]) == (
        "read", "captcha", "second",
    )  # fmt: skip
    assert (got["c"]["outcome_source"], got["c"]["flags"]) == (None, ["weak_time"])
    assert got["d"]["time_precision"] == "day"
    times = ws.rows("SELECT attempt_id, source, precision, weak, chosen FROM attempt_times")
    assert sorted((t["attempt_id"], t["source"], t["weak"], t["chosen"]) for t in times) == [
        ("a", "log", False, True), ("b", "filename", False, True),
        ("c", "mtime", True, True), ("d", "declared", False, True),
        ("e", "exif", False, False), ("e", "mtime", True, True),
    ]  # fmt: skip
    from toolkit.attempts import attempt_records

    [cured] = [r for r in attempt_records(ws, "a-76") if r["id"] == "e"]
    assert (cured["flags"], cured["time_detail"]) == (
        ["weak_time"], "ingested_at (its recorded time was out of range)",
    )  # fmt: skip
    [kept] = [t for t in cured["times"] if t["rejected"]]
    assert kept["raw"].startswith("9999-12-31 23:59:59")
    ws.close()


def test_time_labels_name_what_ocr_read() -> None:
    from toolkit.model import time_label_fr

    assert time_label_fr("ocr", "ocr:page-date") == "date affichée dans la page"
    assert time_label_fr("ocr", "ocr:clock") == "horloge lue sur l'image"
    assert time_label_fr("filename", "filename:android") == "nom du fichier"
    assert time_label_fr("log") == "journal de captures (déclaration)"
