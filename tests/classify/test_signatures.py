"""The signature table against fixture pages: one case per row, plus the safety rules."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from toolkit.classify import (
    Signature,
    classify_html,
    classify_text,
    signatures,
    system_rules,
)
from toolkit.classify.signatures import _parse
from toolkit.model import Classification, Outcome, System

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
EZ_URL = "https://www.seine-saint-denis.gouv.fr/booking/create/9829/3"
RDVPREF_URL = (
    "https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/3720/creneau/"
)


@dataclass
class Case:
    fixture: str
    system: str
    outcome: str
    rule: str | None
    slots: int | None = None
    first_slot: date | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        return f"{self.fixture}[{extra}]" if extra else self.fixture


def run(case: Case) -> Classification:
    path = PAGES / case.fixture
    if path.suffix == ".txt":
        return classify_text(path.read_text("utf-8"), **case.kwargs)
    return classify_html(path.read_bytes(), **case.kwargs)


EZ, RDVPREF, EAPP = "ezbooking", "rdv-prefecture", "eappointment"
RDVSP, ANEF, UNKNOWN = "rdv-service-public", "anef", "unknown"

CASES = [
    # service-wide states
    Case("service-surcharge.html", UNKNOWN, "error", "http.5xx", kwargs={"http_status": 503}),
    Case("empty-body.html", EZ, "error", "http.5xx", kwargs={"http_status": 502}),
    Case("captcha-captchetat.html", EZ, "captcha", "captcha.captchetat"),
    Case("recaptcha.html", EZ, "captcha", "captcha.recaptcha"),
    Case("captcha-invalid.html", EZ, "captcha", "captcha.invalid"),
    Case("ocr-captcha-phone.txt", EZ, "captcha", "captcha.text"),
    Case("session-invalid.html", EZ, "error", "session.invalid"),
    Case("unrelated-page.html", UNKNOWN, "error", "http.throttled", kwargs={"http_status": 429}),
    Case("empty-body.html", EZ, "blocked", "http.forbidden", kwargs={"http_status": 403}),
    Case("service-surcharge.html", UNKNOWN, "error", "service.overloaded"),
    Case("ocr-service-surcharge.txt", RDVPREF, "error", "service.overloaded"),
    Case("gateway-timeout.html", UNKNOWN, "error", "http.gateway_page"),
    Case("ocr-gateway-timeout.txt", EZ, "error", "http.gateway_page"),
    # captchas of every kind, in markup and on screenshots
    Case("captcha-math.html", RDVPREF, "captcha", "captcha.math"),
    Case("ocr-captcha-math.txt", RDVPREF, "captcha", "captcha.math"),
    Case("ocr-captcha-recaptcha.txt", RDVSP, "captcha", "captcha.recaptcha"),
    Case("ocr-captcha-captchetat.txt", EZ, "captcha", "captcha.text"),
    Case("captcha-field.html", EZ, "captcha", "captcha.field"),
    Case("captcha-widget.html", EZ, "captcha", "captcha.widget"),
    # Cloudflare and WAF pages: the page never reached the service
    Case("cloudflare-blocked.html", UNKNOWN, "blocked", "waf.cloudflare_block"),
    Case("ocr-cloudflare-blocked.txt", RDVPREF, "blocked", "waf.cloudflare_block"),
    Case("cloudflare-1020.html", UNKNOWN, "blocked", "waf.cloudflare_markup"),
    Case("cloudflare-challenge.html", UNKNOWN, "blocked", "waf.challenge"),
    Case("ocr-cloudflare-challenge.txt", RDVPREF, "blocked", "waf.challenge"),
    Case("cloudflare-challenge-de.html", UNKNOWN, "blocked", "waf.challenge_markup"),
    Case("waf-forbidden.html", UNKNOWN, "blocked", "waf.forbidden"),
    Case("waf-url-rejected.html", UNKNOWN, "blocked", "waf.forbidden"),
    Case("ocr-http-403.txt", RDVPREF, "blocked", "waf.forbidden"),
    # ezbooking
    Case(
        "ezbooking-slots-3-free.html",
        EZ,
        "slots_available",
        "ezbooking.slots",
        3,
        date(2025, 5, 13),
    ),
    Case("ezbooking-no-slot.html", EZ, "no_slot", "ezbooking.no_slot"),
    Case("ezbooking-no-slot-cp1252.html", EZ, "no_slot", "ezbooking.no_slot"),
    Case("entities-encoded.html", EZ, "no_slot", "ezbooking.no_slot"),
    Case("ocr-ezbooking-no-slot.txt", EZ, "no_slot", "ezbooking.no_slot"),
    Case("ocr-ezbooking-confusions.txt", EZ, "no_slot", "ezbooking.no_slot"),
    Case("ocr-ezbooking-slots.txt", EZ, "slots_available", "ezbooking.slots"),
    Case(
        "ezbooking-slot-links.html",
        EZ,
        "slots_available",
        "ezbooking.slot_links",
        None,
        date(2025, 5, 13),
    ),
    Case("ezbooking-no-slot-reworded.html", EZ, "no_slot", "ezbooking.no_slot_reworded"),
    Case("ocr-ezbooking-no-slot-reworded.txt", EZ, "no_slot", "ezbooking.no_slot_reworded"),
    Case("ezbooking-guichet-step.html", EZ, "unknown", "ezbooking.guichet_step"),
    Case("ocr-ezbooking-guichet-step.txt", EZ, "unknown", "ezbooking.guichet_step"),
    Case("ezbooking-guichet-radios.html", EZ, "unknown", "ezbooking.guichet_step_markup"),
    Case("ezbooking-conditions.html", EZ, "unknown", "ezbooking.conditions_step"),
    Case("ocr-ezbooking-conditions-step.txt", EZ, "unknown", "ezbooking.conditions_step"),
    Case("ezbooking-missing-anchor.html", EZ, "blocked", "page.missing_anchor"),
    Case("empty-body.html", EZ, "blocked", "page.missing_anchor"),
    # RDV Préfecture
    Case("rdvpref-slots.html", RDVPREF, "slots_available", "rdvpref.slots", 5, date(2025, 5, 13)),
    Case(
        "rdvpref-next-availability.html",
        RDVPREF,
        "slots_available",
        "rdvpref.next_availability",
        None,
        date(2025, 6, 16),
    ),
    Case("rdvpref-no-slot-week.html", RDVPREF, "no_slot", "rdvpref.no_slot_week"),
    Case("ocr-rdvpref-no-slot-week.txt", RDVPREF, "no_slot", "rdvpref.no_slot_week"),
    Case("rdvpref-no-slot.html", RDVPREF, "no_slot", "rdvpref.no_slot"),
    Case("ocr-rdvpref-slots.txt", RDVPREF, "slots_available", "rdvpref.slot_times"),
    Case(
        "rdvpref-json-first-dispo.html",
        RDVPREF,
        "slots_available",
        "rdvpref.json_first_dispo",
        None,
        date(2025, 6, 2),
    ),
    Case("rdvpref-json-critere.html", RDVPREF, "no_slot", "rdvpref.no_slot_json"),
    Case("rdvpref-publication-notice.html", RDVPREF, "unknown", "rdvpref.publication_notice"),
    # eAppointment
    Case(
        "eappointment-slots.html",
        EAPP,
        "slots_available",
        "eappointment.slots",
        None,
        date(2025, 5, 20),
    ),
    Case("eappointment-no-slot.html", EAPP, "no_slot", "eappointment.no_slot"),
    Case("pdf-eappointment-no-slot.txt", EAPP, "no_slot", "eappointment.no_slot"),
    Case("eappointment-time-list.html", EAPP, "slots_available", "eappointment.time_list"),
    Case("ocr-eappointment-time-list.txt", EAPP, "slots_available", "eappointment.time_list"),
    Case("ocr-eappointment-calendar.txt", EAPP, "slots_available", "eappointment.calendar"),
    Case("eappointment-step.html", EAPP, "unknown", "eappointment.step"),
    Case("ocr-eappointment-step.txt", EAPP, "unknown", "eappointment.step"),
    # RDV Service Public
    Case("rdvsp-slots.html", RDVSP, "slots_available", "rdvsp.slots", 4, date(2025, 5, 14)),
    Case("rdvsp-no-slot.html", RDVSP, "no_slot", "rdvsp.no_slot"),
    Case("ocr-rdvsp-no-slot.txt", RDVSP, "no_slot", "rdvsp.no_slot"),
    Case("ocr-rdvsp-slots.txt", RDVSP, "slots_available", "rdvsp.slot_times"),
    # maintenance and portal errors
    Case("anef-maintenance.html", ANEF, "maintenance", "anef.maintenance"),
    Case("anef-technical-error.html", ANEF, "error", "anef.technical_error"),
    Case("ocr-anef-error.txt", ANEF, "error", "anef.technical_error"),
    # ANEF portal: account, error loop and statuses (issue 18; read by the timeline)
    Case("anef-account-blocked.html", ANEF, "blocked", "anef.account_blocked"),
    Case("ocr-anef-error-loop.txt", ANEF, "error", "anef.error_loop"),
    Case("anef-status-instruction.html", ANEF, "unknown", "anef.status.instruction"),
    Case("anef-status-deposee.html", ANEF, "unknown", "anef.status.deposee"),
    Case("ocr-anef-status-favorable.txt", ANEF, "unknown", "anef.status.favorable"),
    Case("maintenance-generic.html", UNKNOWN, "maintenance", "page.maintenance"),
    # nothing to say
    Case("unrelated-page.html", UNKNOWN, "unknown", None),
    Case("ocr-unrelated.txt", UNKNOWN, "unknown", None),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    got = run(case)
    assert (got.system, got.outcome, got.rule) == (case.system, case.outcome, case.rule)
    assert got.slots == case.slots
    assert got.first_slot == case.first_slot
    assert 0.0 <= got.confidence <= 1.0


def test_every_signature_is_exercised_by_a_fixture() -> None:
    exercised = {run(case).rule for case in CASES}
    assert {sig.id for sig in signatures()} <= exercised


def test_every_fixture_file_is_used() -> None:
    used = {case.fixture for case in CASES}
    on_disk = {p.name for p in PAGES.iterdir() if p.suffix in (".html", ".txt")}
    assert on_disk - used == set()


# --- what a wrong "no_slot" would cost ---------------------------------------------------------


def test_known_page_without_its_message_is_blocked_never_no_slot() -> None:
    got = classify_html((PAGES / "ezbooking-missing-anchor.html").read_bytes())
    assert got.outcome == Outcome.BLOCKED
    assert got.system == System.EZBOOKING
    assert got.confidence == 0.6


def test_empty_page_of_known_url_is_blocked_and_bare_empty_page_unknown() -> None:
    assert classify_html(b"", url=EZ_URL).outcome == Outcome.BLOCKED
    bare = classify_html(b"")
    assert (bare.system, bare.outcome, bare.rule, bare.confidence) == (
        "unknown",
        "unknown",
        None,
        0.0,
    )


def test_given_url_outranks_the_saved_from_url() -> None:
    page = (PAGES / "ezbooking-no-slot.html").read_bytes()
    got = classify_html(page, url=RDVPREF_URL)
    assert (got.system, got.outcome, got.url) == (RDVPREF, "blocked", RDVPREF_URL)


def test_portal_page_without_a_known_message_is_unknown_not_blocked() -> None:
    page = "<html><body><h1>Mon espace</h1><p>Bienvenue.</p></body></html>"
    got = classify_html(page, url="https://administration-etrangers-en-france.interieur.gouv.fr/")
    assert (got.system, got.outcome, got.rule) == (ANEF, "unknown", None)


def test_message_inside_script_or_comment_is_not_read() -> None:
    page = (
        "<html><body><h2>Vérification de disponibilité</h2>"
        "<script>var msg = \"Il n'existe plus de plage horaire libre pour votre demande "
        'de rendez-vous.";</script>'
        "<!-- Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. -->"
        "</body></html>"
    )
    got = classify_html(page, url=EZ_URL)
    assert got.outcome == Outcome.BLOCKED


def test_message_of_another_system_does_not_count() -> None:
    page = (
        "<html><body><h2>Vérification de disponibilité</h2><p>Il n'existe plus de plage "
        "horaire libre pour votre demande de rendez-vous.</p></body></html>"
    )
    got = classify_html(page, url=RDVPREF_URL)
    assert (got.system, got.outcome, got.rule) == (RDVPREF, "blocked", "page.missing_anchor")


def test_message_without_url_or_markup_is_text_only_match() -> None:
    page = (
        "<p>Vérification de disponibilité</p><p>Il n’existe plus de plage horaire libre "
        "pour votre demande de rendez-vous.</p>"
    )
    got = classify_html(page)
    assert (got.system, got.outcome, got.confidence) == (EZ, "no_slot", 0.9)


def test_http_5xx_wins_over_a_no_slot_message() -> None:
    got = classify_html((PAGES / "ezbooking-no-slot.html").read_bytes(), http_status=503)
    assert (got.outcome, got.rule, got.system) == ("error", "http.5xx", EZ)
    ok = classify_html((PAGES / "ezbooking-no-slot.html").read_bytes(), http_status=200)
    assert ok.outcome == "no_slot"


def test_captcha_outcome_even_when_system_known() -> None:
    got = classify_html((PAGES / "captcha-captchetat.html").read_bytes())
    assert (got.system, got.outcome) == (EZ, "captcha")


def test_invisible_recaptcha_script_alone_is_not_a_captcha_page() -> None:
    raw = (PAGES / "ezbooking-no-slot.html").read_text("utf-8")
    page = raw.replace(
        "</head>",
        '<script src="https://www.google.com/recaptcha/api.js?render=6Lc"></script></head>',
    )
    assert classify_html(page).outcome == "no_slot"


def test_slots_markup_beats_a_stray_no_slot_phrase() -> None:
    raw = (PAGES / "rdvpref-slots.html").read_text("utf-8")
    page = raw.replace("</form>", "<p>Aucun créneau disponible sur cette semaine</p></form>")
    got = classify_html(page)
    assert (got.outcome, got.slots) == ("slots_available", 5)


# --- confidence and plain text -----------------------------------------------------------------


def test_ocr_noisy_text_is_no_slot_with_lower_confidence() -> None:
    exact = classify_text((PAGES / "ocr-ezbooking-no-slot.txt").read_text("utf-8"))
    noisy = classify_text((PAGES / "ocr-ezbooking-confusions.txt").read_text("utf-8"))
    html = classify_html((PAGES / "ezbooking-no-slot.html").read_bytes())
    assert (exact.outcome, noisy.outcome, html.outcome) == ("no_slot", "no_slot", "no_slot")
    assert html.confidence == 1.0
    assert exact.confidence == 0.8
    assert noisy.confidence == 0.7


def test_known_system_in_plain_text_without_message_stays_unknown() -> None:
    text = "seine-saint-denis.gouv.fr/booking/create/9829/3\nChargement...\n10:06"
    got = classify_text(text)
    assert (got.system, got.outcome, got.rule, got.confidence) == (EZ, "unknown", None, 0.0)


def test_captcha_error_read_from_address_bar() -> None:
    text = "https://www.seine-saint-denis.gouv.fr/booking/create/9829/2?error=invalidCaptcha\n14:02"
    got = classify_text(text)
    assert (got.system, got.outcome, got.rule, got.confidence) == (
        EZ,
        "captcha",
        "captcha.invalid",
        0.8,
    )
    assert (
        got.url
        == "https://www.seine-saint-denis.gouv.fr/booking/create/9829/2?error=invalidCaptcha"
    )


def test_ezbooking_slots_in_plain_text_have_no_count() -> None:
    text = "Choix d'une plage horaire\nlundi 12/05  mardi 13/05\n09h00 complet libre\n"
    got = classify_text(text)
    assert (got.system, got.outcome, got.rule, got.slots) == (
        EZ,
        "slots_available",
        "ezbooking.slots",
        None,
    )
    assert got.confidence == 0.8


def test_next_availability_in_plain_text() -> None:
    text = (
        "rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/3720/creneau/\n"
        "Aucun créneau disponible sur cette semaine\nProchaine disponibilité le 16/06/2025"
    )
    got = classify_text(text)
    assert (got.outcome, got.first_slot) == ("slots_available", date(2025, 6, 16))


# --- extracted values ----------------------------------------------------------------------------


def test_publication_times() -> None:
    for name in ("rdvpref-no-slot-week.html", "rdvpref-publication-notice.html"):
        got = classify_html((PAGES / name).read_bytes())
        assert got.last_publication == datetime(2025, 5, 5, 10, 0)
        assert got.next_publication == datetime(2025, 5, 12, 10, 0)
    ocr = classify_text((PAGES / "ocr-rdvpref-no-slot-week.txt").read_text("utf-8"))
    assert (ocr.last_publication, ocr.next_publication) == (
        datetime(2025, 5, 5, 10, 0),
        datetime(2025, 5, 12, 10, 0),
    )
    assert classify_html((PAGES / "rdvpref-slots.html").read_bytes()).last_publication is None


def test_urls_given_found_in_page_or_printed_in_text() -> None:
    saved = classify_html((PAGES / "ezbooking-no-slot.html").read_bytes())
    assert saved.url == EZ_URL
    given = classify_html((PAGES / "ezbooking-no-slot.html").read_bytes(), url="https://x.test/a")
    assert given.url == "https://x.test/a"
    canonical = classify_html((PAGES / "empty-body.html").read_bytes())
    assert canonical.url == "https://www.seine-saint-denis.gouv.fr/booking/create/9829/1"
    base = classify_html(b'<head><base href="https://rdv.anct.gouv.fr/"></head><body></body>')
    assert (base.url, base.system, base.outcome) == ("https://rdv.anct.gouv.fr/", RDVSP, "blocked")
    printed = classify_text((PAGES / "pdf-eappointment-no-slot.txt").read_text("utf-8"))
    assert printed.url is not None
    assert printed.url.endswith("/eAppointmentpref94/element/jsp/specific/pagesRdv.jsp")
    assert classify_text((PAGES / "ocr-ezbooking-no-slot.txt").read_text("utf-8")).url is None


def test_ezbooking_first_slot_is_the_day_in_france() -> None:
    # 2025-05-12 22:30 UTC is already 13 May in Paris.
    page = (
        "<h2>Choix d'une plage horaire</h2><table><tr>"
        '<td class="free status-1"><a href="/booking/create/1/5/1747089000">libre</a></td>'
        "<td class='status-1 free'><a href='/booking/create/1/5/1747296000'>libre</a></td>"
        "<!-- <td class='status-1 free'><a href='/booking/create/1/5/1746000000'>libre</a></td> -->"
        '<td class="status-0 full">complet</td></tr></table>'
    )
    got = classify_html(page, url="https://www.exemple.gouv.fr/booking/create/1/4")
    assert (got.outcome, got.slots, got.first_slot) == ("slots_available", 2, date(2025, 5, 13))


def test_slots_are_counted_from_markup_only() -> None:
    page = (
        "<h2>Choisissez votre créneau</h2>"
        "<input name=trhId type=radio value=1><input type='radio' name='trhId' value=2>"
        '<input type="hidden" name="trhId" value="3">'
        "<script>document.querySelector('input[type=radio][name=trhId]');"
        'var modele = \'<input type="radio" name="trhId" value="0">\';</script>'
        '<!-- <input type="radio" name="trhId" value="9"> -->'
    )
    got = classify_html(page, url=RDVPREF_URL)
    assert (got.outcome, got.slots) == ("slots_available", 2)


# --- the table itself ---------------------------------------------------------------------------


def test_table_shape() -> None:
    rows = signatures()
    assert all(isinstance(row, Signature) for row in rows)
    assert rows[0].id == "http.5xx"
    assert rows[-1].fallback and rows[-1].outcome == "blocked"
    assert all(row.source for row in rows)
    assert {rule.id for rule in system_rules()} == {s.value for s in System} - {"unknown"}
    no_slot_rows = [row for row in rows if row.outcome == "no_slot"]
    assert all(row.system != "*" for row in no_slot_rows)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"id": "a", "system": "*", "outcome": "error", "source": "s", "phrase": ["x"]},
            "unknown field",
        ),
        ({"id": "a", "system": "*", "outcome": "nope", "source": "s"}, "outcome 'nope'"),
        ({"id": "a", "system": "x", "outcome": "error", "source": "s"}, "system 'x'"),
        (
            {
                "id": "a",
                "system": "*",
                "outcome": "error",
                "source": "s",
                "markers": ["td.x"],
                "count": "td.y",
            },
            "count 'td.y'",
        ),
    ],
)
def test_bad_rows_are_refused(row: dict[str, Any], message: str) -> None:
    fallback = {"id": "f", "system": "*", "outcome": "blocked", "source": "s", "fallback": True}
    with pytest.raises(ValueError, match=message):
        _parse({"signature": [row, fallback]})


def test_duplicate_ids_and_missing_fallback_are_refused() -> None:
    row = {"id": "a", "system": "*", "outcome": "error", "source": "s", "phrases": ["x"]}
    with pytest.raises(ValueError, match="duplicate id"):
        _parse({"signature": [row, row]})
    with pytest.raises(ValueError, match="fallback"):
        _parse({"signature": [row]})


def test_import_loads_neither_lxml_nor_the_table() -> None:
    code = (
        "import sys, toolkit.classify;"
        "s = sys.modules['toolkit.classify.signatures'];"
        "print('lxml' in sys.modules, s._table.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "0"]


@pytest.mark.parametrize(
    ("sentence", "outcome"),
    [
        ("Il n'y a plus aucune plage horaire disponible.", "no_slot"),
        ("Il n'existe pas de plage horaire libre actuellement.", "no_slot"),
        ("Aucune plage horaire n'est disponible.", "no_slot"),
        ("Il ne reste plus de plages horaires libres.", "no_slot"),
        # « plus de » without a negation means « more »: never a no-slot page
        ("Il y a plus de plages horaires disponibles ce mois-ci.", "unknown"),
        ("Des plages horaires sont disponibles.", "unknown"),
    ],
)
def test_a_reworded_no_slot_sentence_needs_a_negation(sentence: str, outcome: str) -> None:
    text = f"www.x.gouv.fr/booking/create/9829/3\nVérification de disponibilité\n{sentence}"
    assert classify_text(text).outcome == outcome


def test_a_stray_captcha_class_does_not_hide_a_no_slot_message() -> None:
    page = (
        (PAGES / "ezbooking-no-slot.html")
        .read_text("utf-8")
        .replace("</body>", '<div class="footer-captcha-help">Aide</div></body>')
    )
    got = classify_html(page)
    assert (got.outcome, got.rule) == ("no_slot", "ezbooking.no_slot")


def test_every_signature_a_screenshot_can_show_has_an_ocr_form() -> None:
    """Rows about markup only (HTTP statuses, embedded JSON, element names, slot links) are
    what a screenshot cannot show; every other row can match plain text."""
    markup_only = {
        "http.5xx", "http.throttled", "http.forbidden", "captcha.captchetat", "captcha.field",
        "captcha.widget", "waf.cloudflare_markup", "waf.challenge_markup", "captcha.invalid",
        "session.invalid", "ezbooking.slot_links", "ezbooking.guichet_step_markup",
        "rdvpref.slots", "rdvpref.json_first_dispo", "rdvpref.no_slot_json", "eappointment.slots",
        "rdvsp.slots", "page.missing_anchor",
    }  # fmt: skip
    for sig in signatures():
        assert sig.plain_text_ok or sig.id in markup_only, sig.id
    # each markup-only row that a person would see has a plain-text sibling
    shown = {
        "captcha.captchetat": "captcha.text", "captcha.field": "captcha.text",
        "waf.cloudflare_markup": "waf.cloudflare_block", "waf.challenge_markup": "waf.challenge",
        "http.forbidden": "waf.forbidden", "ezbooking.guichet_step_markup": "ezbooking.guichet_step",
        "rdvpref.slots": "rdvpref.slot_times", "eappointment.slots": "eappointment.calendar",
        "rdvsp.slots": "rdvsp.slot_times", "ezbooking.slot_links": "ezbooking.slots",
    }  # fmt: skip
    by_id = {sig.id: sig for sig in signatures()}
    for row, sibling in shown.items():
        assert by_id[sibling].plain_text_ok and by_id[sibling].outcome == by_id[row].outcome
