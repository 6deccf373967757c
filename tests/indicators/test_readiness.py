"""The readiness check against the case law: CE 435594 facts, a three-week file, the rules file."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from toolkit.applicants import add_applicant
from toolkit.contacts import add_contact
from toolkit.errors import InputError
from toolkit.indicators.readiness import CHECKS, check_readiness, message_context
from toolkit.indicators.readiness_rules import CONTEXT_KEYS, RULE_SPECS, load_rules
from toolkit.ingest.documents import ingest_documents
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.workspace import open_workspace

CE_435594 = "CE, 10 juin 2020, n° 435594"
LRAR_EML = (
    "From: demandeur@example.org\r\nTo: pref-etrangers@example.gouv.fr\r\n"
    "Subject: Demande de rendez-vous\r\nDate: Wed, 18 Sep 2019 09:12:00 +0200\r\n\r\n"
    "Je sollicite un rendez-vous.\r\n"
)


def pdf(path: Path, created: str | None = None) -> Path:
    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.add_metadata({"/Title": path.stem, **({"/CreationDate": created} if created else {})})
    buf = io.BytesIO()
    w.write(buf)
    path.write_bytes(buf.getvalue())
    return path


def screenshots(folder: Path, stamps: list[str]) -> Path:
    """One PNG per YYYYmmdd-HHMMSS stamp, named as an Android phone names them."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, stamp in enumerate(stamps):
        Image.new("RGB", (60, 40), (250, 250, 250 - i)).save(folder / f"Screenshot_{stamp}.png")
    return folder


def build_ce_435594(ws, tmp_path: Path, stamps: list[str] | None = None) -> str:
    """The facts of CE 10 juin 2020 n° 435594: 4 screenshots, 1 LRAR and 1 e-mail, 13–18 Sept 2019."""
    add_applicant(ws, "ce-435594", prefecture="93", procedure="premiere-demande")
    stamps = stamps or ["20190913-101500", "20190916-140200", "20190917-094000", "20190918-183000"]
    shots = screenshots(tmp_path / "captures", stamps)
    ingest_screenshots(ws, [shots], "ce-435594", outcome="no_slot", ocr=False)
    ingest_documents(ws, [pdf(tmp_path / "lrar.pdf", "D:20190916110000+02'00'")], "ce-435594",
                     kind="letter")  # fmt: skip
    eml = tmp_path / "courriel.eml"
    eml.write_text(LRAR_EML, encoding="utf-8")
    ingest_documents(ws, [eml], "ce-435594", kind="email")
    return "ce-435594"


def build_three_weeks(ws, tmp_path: Path) -> str:
    """a-76 (renouvellement, permit ending 15 April 2025): 8 attempts over 3 weeks + an e-mail."""
    stamps = ["20250224-071500", "20250226-192000", "20250228-124000", "20250303-140100",
              "20250306-065500", "20250311-210500", "20250314-103000", "20250317-130000"]  # fmt: skip
    ingest_screenshots(ws, [screenshots(tmp_path / "shots", stamps)], "a-76", outcome="no_slot",
                       ocr=False)  # fmt: skip
    add_contact(ws, "a-76", channel="email", at="2025-03-05 08:30", direction="sent")
    return "a-76"


def levels(result: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f["level"]) for f in result["findings"]]


def test_ce_435594_facts_are_insufficient(ws, tmp_path: Path) -> None:
    who = build_ce_435594(ws, tmp_path)
    result = check_readiness(ws, who, today=date(2019, 10, 1))
    assert result["verdict"] == "insufficient" and result["verdict_fr"] == "insuffisant"
    assert levels(result) == [
        ("attempts", "ok"), ("iso_weeks", "ok"), ("span", "fail"), ("distinct_days", "warn"),
        ("hour_bands", "ok"), ("weak_times", "ok"), ("outcomes", "ok"),
        ("written_request", "ok"), ("urgency", "warn"),
    ]  # fmt: skip
    [fail] = [f for f in result["findings"] if f["level"] == "fail"]
    assert CE_435594 in fail["source"]
    assert fail["message"] == (
        "Les tentatives ne couvrent que 5 jour(s), du 13 septembre 2019 au 18 septembre 2019. "
        "Les demandes accueillies s'appuyaient sur au moins trois semaines d'essais : continuez "
        "au moins jusqu'au 4 octobre 2019, à des jours et des heures variés."
    )
    written = next(f for f in result["findings"] if f["rule"] == "written_request")
    assert written["message"] == "2 demande(s) écrite(s) à la préfecture (courriel ou courrier)."
    assert result["counts"] == {"fail": 1, "warn": 2, "ok": 6}


def test_attempts_in_one_iso_week_fail_on_weeks_and_span(ws, tmp_path: Path) -> None:
    who = build_ce_435594(ws, tmp_path, ["20190916-140200", "20190917-094000", "20190918-183000"])
    result = check_readiness(ws, who, today=date(2019, 10, 1))
    fails = {f["rule"]: f for f in result["findings"] if f["level"] == "fail"}
    assert sorted(fails) == ["iso_weeks", "span"]
    assert fails["iso_weeks"]["source"] == CE_435594
    assert fails["iso_weeks"]["message"] == (
        "Toutes les tentatives en ligne tombent dans la même semaine (du 16 septembre 2019 au "
        "18 septembre 2019) : le Conseil d'État a rejeté une demande ainsi étayée. Poursuivez les "
        "tentatives sur plusieurs semaines et ajoutez les nouvelles captures."
    )


def test_three_weeks_with_an_email_is_weak_then_ready(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    result = check_readiness(ws, who, today=date(2025, 3, 20))
    assert result["verdict"] == "weak"
    assert levels(result) == [
        ("attempts", "ok"), ("iso_weeks", "ok"), ("span", "ok"), ("distinct_days", "ok"),
        ("hour_bands", "ok"), ("weak_times", "ok"), ("outcomes", "ok"),
        ("written_request", "ok"), ("permit_expiry", "ok"), ("permit_copy", "warn"),
        ("urgency", "ok"), ("ccc_attestation", "warn"),
    ]  # fmt: skip
    msg = {f["rule"]: f["message"] for f in result["findings"]}
    assert msg["permit_expiry"] == (
        "Titre de séjour : fin de validité le 15 avril 2025 (expire dans 26 jours)."
    )
    assert msg["urgency"] == (
        "Le titre de séjour expire le 15 avril 2025, dans 26 jour(s) : l'urgence est "
        "caractérisée. Joignez la copie du titre."
    )
    assert "Appelez le CCC (0806 001 620)" in msg["ccc_attestation"]
    assert "« renouvellement de titre de séjour »" in msg["ccc_attestation"]
    ingest_documents(ws, [pdf(tmp_path / "titre.pdf")], who, kind="permit", dated="2024-04-16")
    ingest_documents(ws, [pdf(tmp_path / "ccc.pdf")], who, kind="ccc_attestation",
                     dated="2025-03-10")  # fmt: skip
    ready = check_readiness(ws, who, today=date(2025, 3, 20))
    assert ready["verdict"] == "ready" and ready["counts"] == {"fail": 0, "warn": 0, "ok": 12}
    # once expired, the urgency is noted with the days since
    later = check_readiness(ws, who, today=date(2025, 5, 2))
    urgency = next(f for f in later["findings"] if f["rule"] == "urgency")
    assert urgency["message"].startswith(
        "Le titre de séjour a expiré le 15 avril 2025, il y a 17 jour(s) :"
    )


def test_weak_times_hours_and_outcomes(ws, applicant: str, tmp_path: Path) -> None:
    import os

    folder = screenshots(tmp_path / "matin", ["20250224-081500", "20250303-090000",
                                               "20250310-100000", "20250317-110000"])  # fmt: skip
    odd = folder / "rdv prefecture.png"
    Image.new("RGB", (60, 40), "gray").save(odd)
    os.utime(odd, (1742198400, 1742198400))  # 2025-03-17 09:00 Paris, from the file only
    ingest_screenshots(ws, [folder], applicant, ocr=False)
    result = check_readiness(ws, applicant, today=date(2025, 3, 20))
    msg = {f["rule"]: (f["level"], f["message"]) for f in result["findings"]}
    assert msg["hour_bands"] == (
        "warn",
        "100 % des tentatives ont lieu le matin (6 h – 12 h) : essayez aussi à d'autres moments "
        "(tôt le matin, à l'heure du déjeuner, le soir) pour montrer que l'absence de créneau "
        "ne tient pas à l'horaire.",
    )
    assert msg["weak_times"][0] == "warn"
    assert msg["weak_times"][1].startswith(
        "1 capture(s) ne sont datées que par la date du fichier, qui change à chaque copie : "
        "rdv prefecture.png."
    )
    assert msg["outcomes"][0] == "warn" and msg["outcomes"][1].startswith(
        "5 tentative(s) au résultat indéterminé et 0 montrant des créneaux libres."
    )
    assert msg["written_request"][0] == "warn"


def test_urgency_for_a_first_request(ws, tmp_path: Path) -> None:
    add_applicant(ws, "p-69", prefecture="69", procedure="premiere-demande")
    before = {f["rule"]: f for f in check_readiness(ws, "p-69")["findings"]}
    assert before["urgency"]["level"] == "warn"
    assert before["urgency"]["source"] == "CE, 9 juin 2022, n° 453391"
    assert "ccc_attestation" not in before and "permit_copy" not in before
    assert before["attempts"]["level"] == "fail"
    ingest_documents(ws, [pdf(tmp_path / "promesse-embauche.pdf")], "p-69", kind="urgency")
    after = {f["rule"]: f for f in check_readiness(ws, "p-69")["findings"]}
    assert after["urgency"] == {
        "rule": "urgency",
        "level": "ok",
        "message": "1 justificatif(s) d'urgence joint(s).",
        "source": "CE, 9 juin 2022, n° 453391",
    }


def test_renewal_urgency_is_presumed(ws) -> None:
    add_applicant(ws, "r-974", prefecture="974", procedure="renouvellement")
    found = {f["rule"]: f for f in check_readiness(ws, "r-974")["findings"]}
    assert found["urgency"]["level"] == "ok"
    assert found["urgency"]["message"].startswith("Urgence présumée pour un renouvellement.")
    assert found["permit_expiry"]["level"] == "warn"


def test_corroboration_finding(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    assert "corroboration" not in {f["rule"] for f in check_readiness(ws, who)["findings"]}
    ws.sql(
        "INSERT INTO probe_rows (prefecture, procedure, observed_at, outcome, slots) VALUES "
        "('76', 'renouvellement', TIMESTAMPTZ '2025-02-24 06:30:00+00', 'no_slot', 0), "
        "('76', 'renouvellement', TIMESTAMPTZ '2025-03-03 13:30:00+00', 'slots_available', 4)"
    )
    found = {f["rule"]: f for f in check_readiness(ws, who)["findings"]}
    assert found["corroboration"]["level"] == "warn"
    assert found["corroboration"]["message"].startswith(
        "Pour 1 tentative(s), un robot a vu des créneaux libres à moins de 60 minutes"
    )
    rules = tmp_path / "rules.toml"
    rules.write_text("[rules.corroboration]\nwindow_minutes = 20\n", encoding="utf-8")
    narrow = {f["rule"]: f for f in check_readiness(ws, who, rules=rules)["findings"]}
    # the slots probe is 29 minutes away, the no-slot one 15
    assert (narrow["corroboration"]["level"], narrow["corroboration"]["message"]) == (
        "ok",
        "1 tentative(s) sur 1 confirmée(s) par les relevés d'un robot à ± 20 minutes.",
    )


def test_user_rules_are_laid_over_the_bundled_ones(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    rules = tmp_path / "association.toml"
    rules.write_text(
        "# plus exigeant\n[rules.span]\nfail_below = 28\n"
        '[rules.span.messages]\nmessage = "Seulement {span_days} jours (minimum {fail_below})."\n'
        "[rules.ccc_attestation]\nenabled = false\n",
        encoding="utf-8",
    )
    result = check_readiness(ws, who, rules=rules, today=date(2025, 3, 20))
    assert result["rules"] == str(rules)
    assert result["verdict"] == "insufficient"
    span = next(f for f in result["findings"] if f["rule"] == "span")
    assert (span["level"], span["message"]) == ("fail", "Seulement 21 jours (minimum 28).")
    assert "ccc_attestation" not in {f["rule"] for f in result["findings"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[rules.span\nfail_below = 3\n", "not valid TOML ("),
        ("[rules.spam]\nfail_below = 3\n", "unknown rule 'spam'; known rules: " + ", ".join(RULE_SPECS)),
        ("[rules.span]\nfail_below = \"sept\"\n", "[rules.span]: `fail_below` must be a number, not 'sept'"),
        ("[rules.span]\nfail_belov = 3\n", "[rules.span]: unknown key(s) fail_belov; allowed: enabled, fail_above, fail_below, messages, source, title, warn_above, warn_below"),
        ("[rules.span.messages]\nok = \"{span_dayz} jours\"\n", "[rules.span].messages: `ok`: unknown placeholder {span_dayz}; use one of: "),
        ("[rules.span.messages]\nok = \"{span_days.real} jours\"\n", "[rules.span].messages: `ok`: placeholder {span_days.real} must be a plain name"),
        ("[rules.span]\nsource = \"\"\n", "[rules.span]: `source` must name the decision or text the rule rests on"),
        ("[rules.urgency]\npresumed_for = [\"renouvelement\"]\n", "[rules.urgency]: `presumed_for`: unknown procedure 'renouvelement'; use one of: "),
        ("[rules.corroboration]\nwindow_minutes = 0\n", "[rules.corroboration]: `window_minutes` must be a whole number from 1 to 1440, not 0"),
        ("verbose = true\n", "unknown top-level key(s) verbose; write rules as [rules.NAME] tables"),
    ],
    ids=["syntax", "unknown-rule", "threshold-type", "unknown-key", "placeholder", "attribute",
         "no-source", "procedure", "window", "top-level"],
)  # fmt: skip
def test_malformed_rules_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "regles.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_rules(path)
    assert str(e.value).startswith(f"{path}: {message}")


def test_rules_file_is_complete_and_messages_fill(ws, applicant: str, tmp_path: Path) -> None:
    rules = load_rules()
    assert list(rules.rules) == list(RULE_SPECS) == list(CHECKS)
    assert all(r.source for r in rules.rules.values())
    from toolkit.indicators.applicant import applicant_indicators

    ctx = message_context(applicant_indicators(ws, applicant), rules)
    assert set(ctx) == CONTEXT_KEYS
    with pytest.raises(InputError, match="no such rules file"):
        load_rules(tmp_path / "absent.toml")


# CLI --------------------------------------------------------------------------------


def test_cli_check_exit_codes_and_json(cli, tmp_path: Path) -> None:
    with open_workspace(cli.workspace) as ws:
        who = build_ce_435594(ws, tmp_path)
    r = cli("check", who)
    assert r.exit_code == 1, r.output
    assert "Verdict: insufficient: 1 failure(s), 2 warning(s), 6 ok" in r.stderr
    assert "FAIL" in r.stdout and "435594" in r.stdout
    r = cli("check", who, "--format", "json")
    assert r.exit_code == 1
    with open_workspace(cli.workspace, read_only=True) as ws:
        assert json.loads(r.stdout) == check_readiness(ws, who)


def test_cli_check_weak_exits_0(cli, cli_applicant: str, tmp_path: Path) -> None:
    with open_workspace(cli.workspace) as ws:
        stamps = ["20250224-071500", "20250303-140100", "20250311-210500", "20250317-130000",
                  "20250320-090000"]  # fmt: skip
        ingest_screenshots(ws, [screenshots(tmp_path / "s", stamps)], cli_applicant,
                           outcome="no_slot", ocr=False)  # fmt: skip
    r = cli("contact", "add", cli_applicant, "--channel", "email", "--at", "2025-03-05 08:30")
    assert r.exit_code == 0, r.output
    data = json.loads(cli("check", cli_applicant, "--format", "json").stdout)
    assert data["verdict"] == "weak"
    r = cli("check", cli_applicant)
    assert r.exit_code == 0, r.output
    assert "Verdict: weak: " in r.stderr


def test_cli_check_bad_rules_file(cli, cli_applicant: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[rules.span]\nwarn_below = 'trois semaines'\n", encoding="utf-8")
    r = cli("check", cli_applicant, "--rules", str(bad))
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        f"Error: {bad}: [rules.span]: `warn_below` must be a number, not 'trois semaines'"
    )


def test_only_file_dated_attempts_are_insufficient(ws, applicant: str, tmp_path: Path) -> None:
    import os

    folder = tmp_path / "copies"
    folder.mkdir()
    for i, stamp in enumerate((1740384000, 1741593600, 1742803200)):  # 24 Feb, 10 and 24 Mar 2025
        p = folder / f"rdv-{i}.png"
        Image.new("RGB", (60, 40), (i, 0, 0)).save(p)
        os.utime(p, (stamp, stamp))
    ingest_screenshots(ws, [folder], applicant, outcome="no_slot", ocr=False)
    result = check_readiness(ws, applicant, today=date(2025, 3, 25))
    found = {f["rule"]: f for f in result["findings"]}
    assert result["verdict"] == "insufficient"
    assert found["attempts"]["level"] == "fail"
    assert found["attempts"]["message"].startswith(
        "Aucune tentative de prise de rendez-vous en ligne datée de façon fiable"
    )
    assert found["weak_times"]["message"].startswith(
        "3 capture(s) ne sont datées que par la date du fichier, qui change à chaque copie : "
        "rdv-0.png, rdv-1.png, rdv-2.png."
    )
    assert not {"iso_weeks", "span", "distinct_days", "hour_bands"} & set(found)
