"""Screenshot ingest end to end: times, zones, outcomes, duplicates, bad input."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from toolkit.applicants import add_applicant
from toolkit.attempts import attempt_records
from toolkit.errors import NotFound, ProblemsFound
from toolkit.ingest.screenshots import ingest_screenshots

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "screenshots"


def png(path: Path, color: str = "white", text: dict[str, str] | None = None) -> Path:
    info = PngInfo()
    for k, v in (text or {}).items():
        info.add_text(k, v)
    Image.new("RGB", (80, 50), color).save(path, pnginfo=info)
    return path


def jpeg_with_exif(path: Path, when: str, offset: str | None) -> Path:
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    sub[36867] = when
    if offset:
        sub[36881] = offset
    Image.new("RGB", (80, 50), "gray").save(path, exif=exif.tobytes())
    return path


def ingest(ws, paths, applicant, **kw):
    kw.setdefault("ocr", False)
    return ingest_screenshots(ws, paths, applicant, **kw)


def by_file(ws, applicant: str) -> dict[str, dict]:
    return {r["file"]: r for r in attempt_records(ws, applicant)}


def test_time_sources_in_order_of_trust(ws, applicant: str, tmp_path: Path) -> None:
    d = tmp_path / "shots"
    d.mkdir()
    png(d / "Screenshot_20250312-100632.png", "white")
    png(d / "Capture d’écran 2025-03-05 à 12.31.07.png", "red")
    png(d / "capture-meta.png", "blue", {"Creation Time": "2025-03-18T08:15:30+01:00"})
    jpeg_with_exif(d / "IMG_4821.JPG", "2025:03:20 19:02:11", "+01:00")
    png(d / "rdv prefecture.png", "green")
    os.utime(d / "rdv prefecture.png", (1741600000, 1741600000))  # 2025-03-10 09:46:40 UTC
    # the name the device wrote outranks the log (what a person typed): they disagree
    png(d / "Screenshot_20250101-000000.png", "yellow")
    log = tmp_path / "journal.csv"
    log.write_text(
        "fichier;date;heure;résultat\nScreenshot_20250101-000000.png;21/03/2025;07:10;complet\n"
    )
    report = ingest(ws, [d], applicant, log=log)
    assert report.rows == 6 and report.problems == []
    rows = by_file(ws, applicant)
    got = {name: (r["observed_at"], r["time_source"]) for name, r in rows.items()}
    assert got == {
        "Screenshot_20250312-100632.png": ("2025-03-12T10:06:32+01:00", "filename"),
        "Capture d’écran 2025-03-05 à 12.31.07.png": ("2025-03-05T12:31:07+01:00", "filename"),
        "capture-meta.png": ("2025-03-18T08:15:30+01:00", "png_meta"),
        "IMG_4821.JPG": ("2025-03-20T19:02:11+01:00", "exif"),
        "rdv prefecture.png": ("2025-03-10T10:46:40+01:00", "mtime"),
        "Screenshot_20250101-000000.png": ("2025-01-01T00:00:00+01:00", "filename"),
    }
    assert rows["rdv prefecture.png"]["weak_time"] is True
    assert rows["rdv prefecture.png"]["flags"] == ["weak_time"]
    conflict = rows["Screenshot_20250101-000000.png"]
    assert conflict["flags"] == ["time_conflict"]
    assert [(t["source"], t["local_time"], t["chosen"]) for t in conflict["times"][:2]] == [
        ("filename", "2025-01-01 00:00:00", True),
        ("log", "2025-03-21 07:10", False),  # the journal at its own precision
    ]
    assert [(t["source"], t["weak"]) for t in conflict["times"][2:]] == [("mtime", True)]
    assert any(
        "times disagree (filename:android 2025-01-01 00:00:00 vs log:line 2 2025-03-21 07:10)" in w
        for w in report.warnings
    )
    assert rows["Screenshot_20250101-000000.png"]["outcome"] == "no_slot"
    assert rows["Screenshot_20250312-100632.png"]["outcome"] == "unknown"
    assert any(
        "rdv prefecture.png: time taken from the file date (weak)" in w for w in report.warnings
    )
    # every original is in the vault, byte for byte
    for r in rows.values():
        assert ws.vault.path_for(r["sha256"]).read_bytes() == (d / r["file"]).read_bytes()


def test_dst_and_overseas_zones(ws, tmp_path: Path) -> None:
    add_applicant(ws, "g-973", prefecture="973", procedure="premiere-demande")
    add_applicant(ws, "r-974", prefecture="974", procedure="renouvellement")
    add_applicant(ws, "p-76", prefecture="76", procedure="renouvellement")
    shot = png(tmp_path / "Screenshot_20250330-023000.png")
    for a in ("g-973", "r-974", "p-76"):
        ingest(ws, [shot], a)
    at = {a: attempt_records(ws, a)[0]["observed_at"] for a in ("g-973", "r-974", "p-76")}
    assert at["g-973"] == "2025-03-30T02:30:00-03:00"
    assert at["r-974"] == "2025-03-30T02:30:00+04:00"
    # 02:30 does not exist in Paris that night: moved forward past the gap
    assert at["p-76"] == "2025-03-30T03:30:00+02:00"
    autumn = png(tmp_path / "Screenshot_20251026-100000.png", "navy")
    ingest(ws, [autumn], "p-76")
    assert attempt_records(ws, "p-76")[1]["observed_at"] == "2025-10-26T10:00:00+01:00"


def test_outcome_option_and_log(ws, applicant: str) -> None:
    report = ingest(
        ws,
        [FIX / "dateless"],
        applicant,
        log=FIX / "journal-cp1252-semicolon.csv",
        outcome="no_slot",
    )
    assert report.rows == 3
    rows = by_file(ws, applicant)
    assert rows["IMG_0002.PNG"]["outcome"] == "captcha"  # the log wins over --outcome
    assert rows["IMG_0001.PNG"]["url"].endswith("/booking/create/12345/1")
    assert (
        ws.scalar("SELECT url_source FROM attempts WHERE original_name = 'IMG_0001.PNG'")
        == "declared"  # from the applicant's log, not read on the image
    )
    assert rows["IMG_0003.PNG"]["observed_at"] == "2025-03-30T03:30:00+02:00"
    assert (
        ws.scalar("SELECT extraction FROM attempts WHERE original_name = 'IMG_0002.PNG'") == "log"
    )


def test_reingest_is_reported_not_duplicated(ws, applicant: str, tmp_path: Path) -> None:
    shot = png(tmp_path / "Screenshot_20250312-100632.png")
    assert ingest(ws, [shot], applicant).rows == 1
    again = ingest(ws, [shot], applicant)
    assert again.rows == 0 and again.duplicates == [str(shot)]
    assert ws.scalar("SELECT count(*) FROM attempts") == 1
    # the same bytes twice in one batch (a copy in a zip) count once
    z = tmp_path / "copy.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(shot, "a/Screenshot_20250312-100632.png")
        zf.write(shot, "b/Screenshot_20250312-100632.png")
    assert ingest(ws, [z], applicant).rows == 0


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("truncated.png", "truncated PNG image"),
        ("pdf-named.png", "file is a PDF; use `guichets ingest captures`"),
        ("decompression-bomb.png", "more than 60 million pixels (decompression bomb?)"),
    ],
)
def test_bad_images_are_rejected_by_name(ws, applicant: str, fixture: str, message: str) -> None:
    report = ingest(ws, [FIX / fixture], applicant)
    assert report.rows == 0
    assert len(report.problems) == 1
    assert str(report.problems[0]).startswith(str(FIX / fixture) + ": ")
    assert message in report.problems[0].message


def test_strict_records_nothing_when_one_file_is_bad(ws, applicant: str, tmp_path: Path) -> None:
    good = png(tmp_path / "Screenshot_20250312-100632.png")
    shutil.copy(FIX / "truncated.png", tmp_path / "truncated.png")
    with pytest.raises(ProblemsFound, match="nothing was recorded"):
        ingest(ws, [tmp_path], applicant, strict=True)
    assert ws.scalar("SELECT count(*) FROM attempts") == 0
    assert ws.scalar("SELECT count(*) FROM files") == 0
    assert list(ws.vault.iter_files()) == []
    # without --strict the good file is recorded and the bad one reported
    report = ingest(ws, [tmp_path], applicant)
    assert report.rows == 1 and len(report.problems) == 1
    assert by_file(ws, applicant)[good.name]["sha256"]


def test_zip_with_slip_and_junk(ws, applicant: str) -> None:
    report = ingest(ws, [FIX / "zip-slip.zip", FIX / "with-junk.zip"], applicant)
    assert report.rows == 2
    assert [p.message for p in report.problems] == [
        "zip entry would be written outside the archive; refused"
    ]


def test_unknown_applicant(ws) -> None:
    with pytest.raises(NotFound, match="unknown applicant 'ghost'"):
        ingest(ws, [FIX / "dateless"], "ghost")


def test_webp_and_heic_sniffing(ws, applicant: str, tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, format="WEBP")
    (tmp_path / "Screenshot_20250312-100632.webp").write_bytes(buf.getvalue())
    report = ingest(ws, [tmp_path], applicant)
    assert report.rows == 1
    assert ws.scalar("SELECT media_type FROM files") == "image/webp"


def test_custody_and_source_recorded(ws, applicant: str, tmp_path: Path) -> None:
    shot = png(tmp_path / "Screenshot_20250312-100632.png")
    report = ingest(ws, [shot], applicant)
    src = ws.rows("SELECT kind, rows FROM sources WHERE id = ?", [report.source_id])[0]
    assert src == {"kind": "screenshots", "rows": 1}
    detail = ws.scalar("SELECT detail FROM custody WHERE action = 'ingest.screenshots'")
    assert '"recorded": 1' in detail


# --- CLI ---------------------------------------------------------------------------


def test_cli_ingest_and_attempts_json(cli, cli_applicant: str, tmp_path: Path) -> None:
    png(tmp_path / "Screenshot_20250312-100632.png")
    shutil.copy(FIX / "truncated.png", tmp_path / "truncated.png")
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    r = cli(
        "ingest",
        "screenshots",
        str(tmp_path),
        "--applicant",
        cli_applicant,
        "--no-ocr",
        "--outcome",
        "no_slot",
    )
    assert r.exit_code == 1, r.output
    assert f"Rejected: {tmp_path / 'truncated.png'}: truncated PNG image" in r.stderr
    assert "screenshots: 1 attempt(s) recorded, 1 rejected" in r.stderr
    assert ".DS_Store" not in r.stderr
    data = cli.json("attempts", cli_applicant)
    assert len(data) == 1
    row = data[0]
    for key in (
        "id",
        "applicant",
        "observed_at",
        "local_time",
        "time_source",
        "outcome",
        "channel",
        "system",
        "url",
        "slots",
        "first_slot",
        "file",
        "sha256",
    ):
        assert key in row
    assert row["observed_at"] == "2025-03-12T10:06:32+01:00"
    assert row["local_time"] == "2025-03-12 10:06:32"
    assert (row["outcome"], row["channel"], row["time_source"]) == ("no_slot", "online", "filename")
    from toolkit.attempts import attempt_records
    from toolkit.workspace import open_workspace

    with open_workspace(cli.workspace, read_only=True) as w:
        assert attempt_records(w, cli_applicant) == data
    r = cli("attempts", cli_applicant, "--format", "csv")
    assert r.stdout.splitlines()[0].startswith("id,applicant,channel,observed_at,local_time")


def test_cli_strict_and_bad_outcome(cli, cli_applicant: str) -> None:
    r = cli(
        "ingest",
        "screenshots",
        str(FIX / "zip-slip.zip"),
        "-a",
        cli_applicant,
        "--strict",
        "--no-ocr",
    )
    assert r.exit_code == 1
    assert "1 problem(s) with --strict; nothing was recorded" in r.stderr
    r = cli(
        "ingest", "screenshots", str(FIX / "dateless"), "-a", cli_applicant, "--outcome", "full"
    )
    assert r.exit_code == 1
    assert "Error: --outcome 'full': use one of no_slot, slots_available" in r.stderr


def test_cli_log_row_problems_have_line_numbers(cli, cli_applicant: str) -> None:
    r = cli(
        "ingest",
        "screenshots",
        str(FIX / "dateless"),
        "-a",
        cli_applicant,
        "--no-ocr",
        "--log",
        str(FIX / "journal-bad-rows.csv"),
    )
    assert r.exit_code == 1
    assert (
        f"{FIX / 'journal-bad-rows.csv'}:3 [Date]: cannot read date/time '31/02/2025'" in r.stderr
    )


def test_heic_from_an_iphone(ws, applicant: str, tmp_path: Path) -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    Image.new("RGB", (64, 48), "white").save(tmp_path / "IMG_2001.HEIC", format="HEIF")
    log = tmp_path / "journal.csv"
    log.write_text("Fichier,Date,Heure\nIMG_2001.HEIC,14/03/2025,08:02\n", encoding="utf-8")
    report = ingest(ws, [tmp_path / "IMG_2001.HEIC"], applicant, log=log)
    assert report.rows == 1, report.problems
    assert ws.scalar("SELECT media_type FROM files") == "image/heic"
    assert attempt_records(ws, applicant)[0]["observed_at"] == "2025-03-14T08:02:00+01:00"
