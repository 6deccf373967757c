"""The readiness check against the case law: CE 435594 facts, a three-week file, the facts
the law turns on (route, OQTF, earlier demands, renewal period), recency, the rules file."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from case_law import CE_435594, build_ce_435594, build_three_weeks, pdf, screenshots
from PIL import Image

from toolkit.applicants import add_applicant, get_applicant, update_applicant
from toolkit.demands import add_demand
from toolkit.errors import InputError
from toolkit.indicators.readiness import CHECKS, _situation, check_readiness, message_context
from toolkit.indicators.readiness_law import legal_facts
from toolkit.indicators.readiness_rules import CONTEXT_KEYS, RULE_SPECS, load_rules
from toolkit.ingest.documents import ingest_documents
from toolkit.ingest.records import content_id, insert_attempt
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.model import Attempt
from toolkit.workspace import open_workspace

MARCH_20 = date(2025, 3, 20)


def levels(result: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f["level"]) for f in result["findings"]]


def found(result: dict) -> dict[str, dict]:
    return {f["rule"]: f for f in result["findings"]}


def test_ce_435594_facts_are_insufficient(ws, tmp_path: Path) -> None:
    who = build_ce_435594(ws, tmp_path)
    result = check_readiness(ws, who, today=date(2019, 10, 1))
    assert result["verdict"] == "insufficient" and result["verdict_fr"] == "insuffisant"
    # two ISO weeks, yet five days: the span decides, and it fails
    assert levels(result) == [
        ("route", "ok"), ("oqtf", "ok"), ("earlier_demand", "ok"), ("attempts", "ok"),
        ("span", "fail"), ("distinct_days", "warn"), ("recency", "ok"), ("hour_bands", "ok"),
        ("weak_times", "ok"), ("declared_times", "ok"), ("outcomes", "ok"),
        ("applicant_link", "warn"), ("review", "ok"), ("written_request", "ok"),
        ("urgency", "ok"),
    ]  # fmt: skip
    [fail] = [f for f in result["findings"] if f["level"] == "fail"]
    assert CE_435594 in fail["source"] and fail["mark"] == "V" and not fail["to_verify"]
    assert fail["message"] == (
        "Les tentatives ne couvrent que 5 jour(s), du 13 septembre 2019 au 18 septembre 2019. "
        "Le Conseil d'État a jugé insuffisantes des tentatives faites sur un temps court de "
        "quelques jours (du 13 au 18 septembre 2019) : continuez au moins jusqu'au "
        "4 octobre 2019, à des jours et des heures variés."
    )
    assert found(result)["written_request"]["message"] == (
        "2 demande(s) écrite(s) à la préfecture (courriel ou courrier)."
    )
    assert result["counts"] == {"fail": 1, "warn": 2, "ok": 12}
    assert "TA " not in json.dumps(result, ensure_ascii=False)  # unpublished TA never cited


def test_three_weeks_with_an_email_is_weak_then_ready(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    result = check_readiness(ws, who, today=MARCH_20)
    assert result["verdict"] == "weak"
    assert levels(result) == [
        ("route", "ok"), ("oqtf", "ok"), ("earlier_demand", "ok"), ("attempts", "ok"),
        ("span", "ok"), ("distinct_days", "ok"), ("recency", "ok"), ("hour_bands", "ok"),
        ("weak_times", "ok"), ("declared_times", "ok"), ("outcomes", "ok"),
        ("applicant_link", "warn"), ("review", "ok"), ("written_request", "ok"),
        ("permit_expiry", "ok"),
        ("permit_copy", "warn"), ("renewal_window", "ok"), ("permit_expired", "ok"),
        ("urgency", "ok"),
    ]  # fmt: skip
    msg = {f["rule"]: f["message"] for f in result["findings"]}
    assert msg["permit_expiry"] == (
        "Titre de séjour : fin de validité le 15 avril 2025 (en cours de validité au 20 mars 2025)."
    )
    assert msg["renewal_window"] == (
        "Première démarche le 24 février 2025, dans la période de renouvellement (autres "
        "titres : dans les deux mois précédant l'expiration, soit du 15 février 2025 au "
        "15 avril 2025)."
    )
    urgency = found(result)["urgency"]
    assert urgency["message"].startswith("Renouvellement : l'urgence est en principe constatée")
    assert "présumée" not in urgency["message"] and urgency["to_verify"] is True
    ingest_documents(ws, [pdf(tmp_path / "titre.pdf")], who, kind="permit", dated="2024-04-16")
    ingest_documents(ws, [pdf(tmp_path / "attestation.pdf")], who, kind="sworn_statement",
                     dated="2025-03-18")  # fmt: skip
    ready = check_readiness(ws, who, today=MARCH_20)
    assert ready["verdict"] == "ready" and ready["counts"] == {"fail": 0, "warn": 0, "ok": 19}


def test_anef_renewal_is_not_a_booking_case(ws, applicant: str, tmp_path: Path) -> None:
    """A renewal left at its default route (ANEF): the booking référé is not the remedy, and
    the first attempt 50 days before expiry is after the ANEF renewal period closed."""
    who = build_three_weeks(ws, tmp_path)
    update_applicant(ws, who, route="default")
    result = check_readiness(ws, who, today=MARCH_20)
    f = found(result)
    assert result["verdict"] == "insufficient"
    assert f["route"]["level"] == "fail"
    assert "téléservice ANEF (voie habituelle de cette démarche)" in f["route"]["message"]
    assert "solution de substitution (article R. 431-2 du CESEDA)" in f["route"]["message"]
    assert "attestation de prolongation d'instruction" in f["route"]["message"]
    assert f["renewal_window"]["level"] == "warn"
    assert f["renewal_window"]["message"].startswith(
        "La première démarche enregistrée date du 24 février 2025, après la fin de la période "
        "de renouvellement (titre demandé sur le téléservice : entre le 120e et le 60e jour "
        "avant l'expiration, soit du 16 décembre 2024 au 14 février 2025)."
    )
    assert f["ccc_attestation"]["level"] == "warn"
    assert "n'ouvre pas à elle seule la solution de substitution" in f["ccc_attestation"]["message"]
    assert "elle ouvre la solution de substitution" not in f["ccc_attestation"]["message"]


def test_unexecuted_oqtf_fails(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    update_applicant(ws, who, oqtf="notified", oqtf_date="2024-12-02")
    f = found(check_readiness(ws, who, today=MARCH_20))
    assert f["oqtf"]["level"] == "fail" and f["oqtf"]["to_verify"] is True
    assert f["oqtf"]["message"].startswith(
        "Une obligation de quitter le territoire français a été notifiée le 2 décembre 2024 "
        "et n'est pas exécutée"
    )
    update_applicant(ws, who, oqtf="executed")
    assert found(check_readiness(ws, who, today=MARCH_20))["oqtf"]["level"] == "ok"
    update_applicant(ws, who, oqtf="unknown")
    assert found(check_readiness(ws, who, today=MARCH_20))["oqtf"]["level"] == "warn"


def test_earlier_complete_demand_five_months_old_fails(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    add_demand(ws, who, filed_on="2024-10-20", route="anef", complete=True)
    result = check_readiness(ws, who, today=MARCH_20)
    f = found(result)["earlier_demand"]
    assert (result["verdict"], f["level"]) == ("insufficient", "fail")
    assert f["message"] == (
        "La demande complète déposée le 20 octobre 2024 (téléservice ANEF (administration "
        "numérique pour les étrangers en France)) est restée sans réponse : une décision "
        "implicite de rejet est née le 20 février 2025. Le référé « mesures utiles » ne peut "
        "faire obstacle à cette décision et n'est pas la voie. Recours : demande de "
        "communication des motifs (article L. 232-4 du CRPA), recours pour excès de pouvoir "
        "contre la décision implicite, assorti d'un référé-suspension (article L. 521-1 du "
        "CJA), dans le délai d'un an (CE, avis, 2 oct. 2025, n° 504677)."
    )
    assert f["mark"] == "V2" and f["to_verify"] is True


@pytest.mark.parametrize(
    ("demand", "level", "start"),
    [
        ({"filed_on": "2025-01-10", "complete": True}, "warn",
         "La demande complète déposée le 10 janvier 2025 (téléservice ANEF"),
        ({"filed_on": "2024-09-10"}, "warn",
         "La demande déposée le 10 septembre 2024 (téléservice ANEF (administration numérique "
         "pour les étrangers en France)) est restée sans réponse et sa complétude n'est pas "
         "renseignée"),
        ({"filed_on": "2024-09-10", "complete": False}, "ok",
         "La demande du 10 septembre 2024 est déclarée incomplète"),
        ({"filed_on": "2024-09-10", "decision": "refusal", "decided_on": "2024-12-01"}, "warn",
         "La demande du 10 septembre 2024 a été refusée le 1er décembre 2024"),
    ],
    ids=["pending", "completeness-unknown", "incomplete", "refusal"],
)  # fmt: skip
def test_earlier_demand_variants(
    ws, applicant: str, tmp_path: Path, demand: dict, level: str, start: str
) -> None:
    who = build_three_weeks(ws, tmp_path)  # booking attempts: the booking situation's rules
    add_demand(ws, who, **{"route": "anef", **demand})
    f = found(check_readiness(ws, who, today=MARCH_20))["earlier_demand"]
    assert f["level"] == level and f["message"].startswith(start)


def test_attempts_two_years_old_fail_on_recency(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    f = found(check_readiness(ws, who, today=date(2027, 3, 20)))
    assert f["recency"]["level"] == "fail"
    assert f["recency"]["message"] == (
        "La dernière tentative datée est du 17 mars 2025, 733 jours avant la date du contrôle "
        "(20 mars 2027). Reprenez des tentatives dans les jours qui précèdent le dépôt et "
        "ajoutez les nouvelles captures."
    )
    # the permit expired in 2025: the first step is before expiry, so no « long ago » failure
    assert found(check_readiness(ws, who, today=date(2025, 4, 10)))["recency"]["level"] == "warn"


def test_permit_expired_long_ago(ws, tmp_path: Path) -> None:
    add_applicant(ws, "old", prefecture="76", procedure="renouvellement", route="guichet",
                  oqtf="none", permit_expiry="2023-06-30")  # fmt: skip
    ingest_screenshots(ws, [screenshots(tmp_path / "s", ["20250224-071500", "20250317-130000"])],
                       "old", outcome="no_slot", ocr=False)  # fmt: skip
    f = found(check_readiness(ws, "old", today=MARCH_20))
    assert f["permit_expired"]["level"] == "fail" and f["permit_expired"]["mark"] == "R"
    assert f["permit_expired"]["message"].startswith(
        "Le titre de séjour a expiré le 30 juin 2023 et la première démarche enregistrée date "
        "du 24 février 2025, 605 jours plus tard"
    )


def test_urgency_for_a_first_request(ws, tmp_path: Path) -> None:
    add_applicant(ws, "p-69", prefecture="69", procedure="premiere-demande")
    before = found(check_readiness(ws, "p-69"))
    assert before["urgency"]["level"] == "fail"
    assert before["urgency"]["message"].startswith(
        "Démarche « première demande de titre de séjour » : hors renouvellement, l'urgence "
        "n'est pas en principe constatée et doit être établie par des circonstances particulières"
    )
    assert "ccc_attestation" not in before and "permit_copy" not in before
    assert before["route"]["level"] == "warn"  # no default route for a first demand
    assert before["attempts"]["level"] == "fail"
    ingest_documents(ws, [pdf(tmp_path / "promesse-embauche.pdf")], "p-69", kind="urgency")
    after = found(check_readiness(ws, "p-69"))
    assert after["urgency"] == {
        "rule": "urgency",
        "level": "ok",
        "message": "1 justificatif(s) d'urgence joint(s).",
        "source": "CE, 9 juin 2022, n° 453391",
        "mark": "V2",
        "to_verify": True,
    }


def _online(ws, who: str, name: str, when: str, url: str, **extra) -> str:
    a = get_applicant(ws, who)
    attempt = Attempt(
        applicant_id=who, channel="online", observed_at=datetime.fromisoformat(when),
        time_source="filename", outcome="no_slot", url=url, file_sha256=content_id("f", name),
        original_name=name, **extra,
    )  # fmt: skip
    return insert_attempt(ws, attempt, a, ws.new_source("test", None, {}))


RDVPREF = "https://rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/3456/creneau/"


def test_publication_times_and_booking_target(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    _online(ws, who, "annonce.mhtml", "2025-03-10T09:00:00+01:00", RDVPREF,
            next_publication=datetime(2025, 3, 17, 14, 0))  # fmt: skip
    f = found(check_readiness(ws, who, today=MARCH_20))
    assert f["publication_times"]["level"] == "warn"
    assert f["publication_times"]["message"].startswith(
        "Les pages du service annoncent 1 mise(s) en ligne de créneaux (dernière annoncée : "
        "17 mars 2025 à 14:00) et aucune tentative n'a été faite dans les 30 minutes"
    )
    _online(ws, who, "a-14h05.png", "2025-03-17T14:05:00+01:00", RDVPREF)
    _online(ws, who, "eure.png", "2025-03-18T10:00:00+01:00",
            "https://www.eure.gouv.fr/booking/create/1234/1")  # fmt: skip
    f = found(check_readiness(ws, who, today=MARCH_20))
    assert f["publication_times"]["level"] == "ok"
    assert f["booking_target"]["level"] == "warn"
    assert f["booking_target"]["message"].startswith(
        "1 capture(s) montrent le site d'une autre préfecture et 0 un autre motif que "
        "« renouvellement de titre de séjour » : eure.png."
    )


def test_declared_times_are_called_a_declaration(ws, applicant: str, tmp_path: Path) -> None:
    update_applicant(ws, applicant, route="guichet", oqtf="none")
    folder = screenshots(tmp_path / "j", ["20250224-071500"])
    (folder / "Screenshot_20250224-071500.png").rename(folder / "sans-date.png")
    log = tmp_path / "journal.csv"
    log.write_text("Fichier;Date;Heure;Résultat\nsans-date.png;24/02/2025;07:15;pas de créneau\n",
                   encoding="utf-8")  # fmt: skip
    ingest_screenshots(ws, [folder], applicant, log=log, ocr=False)
    f = found(check_readiness(ws, applicant, today=MARCH_20))["declared_times"]
    assert f["level"] == "warn"
    assert f["message"].startswith(
        "1 tentative(s) ne sont datées que par le journal tenu par le demandeur (sans-date.png) : "
        "c'est sa déclaration"
    )


def test_corroboration_finding(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    assert "corroboration" not in found(check_readiness(ws, who))
    ws.sql(
        "INSERT INTO probe_rows (prefecture, procedure, observed_at, outcome, slots) VALUES "
        "('76', 'renouvellement', TIMESTAMPTZ '2025-02-24 06:05:00+00', 'no_slot', 0), "
        "('76', 'renouvellement', TIMESTAMPTZ '2025-03-03 12:50:00+00', 'slots_available', 4)"
    )
    f = found(check_readiness(ws, who))["corroboration"]
    assert f["level"] == "warn"
    assert f["message"].startswith(
        "Pour 1 tentative(s), le relevé du même service le plus proche avant la tentative "
        "(± 60 minutes) a vu des créneaux libres"
    )
    rules = tmp_path / "rules.toml"
    rules.write_text("[rules.corroboration]\nwindow_minutes = 10\n", encoding="utf-8")
    narrow = found(check_readiness(ws, who, rules=rules))["corroboration"]
    # the slots probe is 11 minutes before 14:01; the no-slot one 10 minutes before 07:15
    assert (narrow["level"], narrow["message"]) == (
        "ok",
        "Relevés d'un robot du même service à ± 10 minutes : 1 tentative(s) précédée(s) d'un "
        "relevé sans créneau, 0 suivie(s) de créneaux vus après elle, aucune précédée d'un "
        "relevé avec créneaux. Ces relevés n'entrent dans les pièces qu'avec leur auteur "
        "(guichets exhibits --with-robot-evidence).",
    )


def test_user_rules_are_laid_over_the_bundled_ones(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    rules = tmp_path / "association.toml"
    rules.write_text(
        "# plus exigeant\n[rules.span]\nfail_below = 28\n"
        '[rules.span.messages]\nmessage = "Seulement {span_days} jours (minimum {fail_below})."\n'
        "[rules.applicant_link]\nenabled = false\n"
        "[rules.recency]\nwarn_above = 1\n",
        encoding="utf-8",
    )
    result = check_readiness(ws, who, rules=rules, today=MARCH_20)
    assert result["rules"] == str(rules)
    assert result["verdict"] == "insufficient"
    span = found(result)["span"]
    assert (span["level"], span["message"]) == ("fail", "Seulement 21 jours (minimum 28).")
    assert "applicant_link" not in found(result)
    assert found(result)["recency"]["level"] == "warn"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[rules.span\nfail_below = 3\n", "not valid TOML ("),
        ("[rules.spam]\nfail_below = 3\n", "unknown rule 'spam'; known rules: " + ", ".join(RULE_SPECS)),
        ("[rules.iso_weeks]\nfail_below = 3\n", "rule 'iso_weeks' was removed: the facts of CE 435594, held insufficient, span two ISO weeks"),
        ("[rules.span]\nfail_below = \"sept\"\n", "[rules.span]: `fail_below` must be a number, not 'sept'"),
        ("[rules.span]\nfail_belov = 3\n", "[rules.span]: unknown key(s) fail_belov; allowed: enabled, fail_above, fail_below, mark, messages, source, title, warn_above, warn_below"),
        ("[rules.span]\nmark = \"sûr\"\n", "[rules.span]: `mark` must be one of V, V2, R, practice (how sure the source is), not 'sûr'"),
        ("[rules.span.messages]\nok = \"{span_dayz} jours\"\n", "[rules.span].messages: `ok`: unknown placeholder {span_dayz}; use one of: "),
        ("[rules.span.messages]\nok = \"{span_days.real} jours\"\n", "[rules.span].messages: `ok`: placeholder {span_days.real} must be a plain name"),
        ("[rules.span]\nsource = \"\"\n", "[rules.span]: `source` must name the decision or text the rule rests on"),
        ("[rules.urgency]\npresumed_for = [\"renouvelement\"]\n", "[rules.urgency]: `presumed_for`: unknown procedure 'renouvelement'; use one of: "),
        ("[rules.corroboration]\nwindow_minutes = 0\n", "[rules.corroboration]: `window_minutes` must be a whole number from 1 to 1440, not 0"),
        ("verbose = true\n", "unknown top-level key(s) verbose; write rules as [rules.NAME] tables"),
    ],
    ids=["syntax", "unknown-rule", "removed-rule", "threshold-type", "unknown-key", "mark",
         "placeholder", "attribute", "no-source", "procedure", "window", "top-level"],
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
    assert all(r.source and r.mark for r in rules.rules.values())
    assert not any("TA " in r.source for r in rules.rules.values())
    from toolkit.indicators.applicant import applicant_indicators

    ind = applicant_indicators(ws, applicant)
    ind.update(legal_facts(ws, applicant))
    _situation(ws, applicant, ind)  # the procedure's placeholders (issue 18)
    ctx = message_context(ind, rules)
    assert set(ctx) == CONTEXT_KEYS
    with pytest.raises(InputError, match="no such rules file"):
        load_rules(tmp_path / "absent.toml")


def test_messages_use_absolute_dates_only() -> None:
    """« dans 11 jours » goes stale the day after: every message gives dates."""
    bundled = json.dumps([r.messages for r in load_rules().rules.values()], ensure_ascii=False)
    for relative in ("dans {", "il y a", "depuis {", "aujourd'hui"):
        assert relative not in bundled


# CLI --------------------------------------------------------------------------------


def test_cli_check_exit_codes_and_json(cli, tmp_path: Path) -> None:
    with open_workspace(cli.workspace) as ws:
        who = build_ce_435594(ws, tmp_path)
    r = cli("check", who, "--today", "2019-10-01")
    assert r.exit_code == 1, r.output
    assert "Verdict: insufficient: 1 failure(s), 2 warning(s), 12 ok" in r.stderr
    assert "FAIL" in r.stdout and "435594" in r.stdout
    assert "[à vérifier]" in r.stdout  # CE 448178 (applicant_link) is a secondary source
    r = cli("check", who, "--format", "json", "--today", "2019-10-01")
    assert r.exit_code == 1
    with open_workspace(cli.workspace, read_only=True) as ws:
        assert json.loads(r.stdout) == check_readiness(ws, who, today=date(2019, 10, 1))
    # seven years later the same file also fails on recency
    later = json.loads(cli("check", who, "--format", "json", "--today", "2026-10-01").stdout)
    assert [f["rule"] for f in later["findings"] if f["level"] == "fail"] == ["span", "recency"]


def test_cli_check_weak_exits_0(cli, cli_applicant: str, tmp_path: Path) -> None:
    with open_workspace(cli.workspace) as ws:
        build_three_weeks(ws, tmp_path, cli_applicant)
    data = json.loads(
        cli("check", cli_applicant, "--format", "json", "--today", "2025-03-20").stdout
    )
    assert data["verdict"] == "weak"
    r = cli("check", cli_applicant, "--today", "2025-03-20")
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
    f = found(result)
    assert result["verdict"] == "insufficient"
    assert f["attempts"]["level"] == "fail"
    assert f["attempts"]["message"].startswith(
        "Aucune tentative de prise de rendez-vous en ligne datée de façon fiable"
    )
    assert f["weak_times"]["message"].startswith(
        "3 capture(s) ne sont datées que par la date du fichier, qui change à chaque copie : "
        "rdv-0.png, rdv-1.png, rdv-2.png."
    )
    assert not {"span", "distinct_days", "hour_bands", "recency"} & set(f)
