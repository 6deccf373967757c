"""One outcome and procedure vocabulary (``vocabulary.toml``) for logs, crawls and bundles."""

from __future__ import annotations

import duckdb
import pytest

from toolkit.ingest.vocabulary import outcome_from_text
from toolkit.model import Outcome, Procedure
from toolkit.reference import get_procedure
from toolkit.reference.vocabulary import outcome_sql, outcome_words, read_outcome

WRITTEN = {  # what logs and robots write -> the slug
    "pas de créneau disponible": "no_slot",
    "Aucun créneau": "no_slot",
    "rien": "no_slot",
    "KO": "no_slot",
    "non disponible": "no_slot",
    "indisponible": "no_slot",
    "timeout": "error",
    "Erreur 503": "error",
    "captcha à recopier": "captcha",
    "Bloqué (403)": "blocked",
    "Créneaux disponibles": "slots_available",
    "ok": "slots_available",
    "site en maintenance": "maintenance",
    "no_slot": "no_slot",
    "SLOTS_AVAILABLE": "slots_available",
    "pas ok": None,  # « ok » is read only as a whole value
    "peut-être": None,
    "": None,
}


@pytest.mark.parametrize(("text", "slug"), list(WRITTEN.items()))
def test_logs_and_crawls_read_the_same_words(text: str, slug: str | None) -> None:
    assert read_outcome(text) == slug
    con = duckdb.connect()
    sql = f"SELECT {outcome_sql('t')} FROM (SELECT CAST(? AS VARCHAR) AS t)"
    assert con.execute(sql, [text]).fetchone() == (slug,)


def test_the_log_reads_the_shared_vocabulary() -> None:
    """Words once only in crawls (ko, timeout) and only in logs (rien, « pas de créneau
    disponible ») are read by both; an empty cell is unknown in a log."""
    assert [outcome_from_text(t) for t in ("ko", "timeout", "rien", "?", "")] == [
        "no_slot", "error", "no_slot", "unknown", "unknown",
    ]  # fmt: skip


def test_every_outcome_and_procedure_of_the_file_is_a_slug() -> None:
    from toolkit.reference.vocabulary import procedure_words, slugs

    assert set(procedure_words().values()) <= slugs("procedure")
    assert "no_slot" in slugs("outcome") and "pas de creneau" not in slugs("outcome")
    words = outcome_words()
    assert set(words.whole.values()) == {o.value for o in Outcome}
    assert get_procedure("AES") == Procedure.REGULARISATION.value
    assert get_procedure("1ère demande") == Procedure.PREMIERE_DEMANDE.value
    assert get_procedure("Renouvellement de titre de séjour") == "renouvellement"


def test_a_crawl_reads_a_phrase_inside_a_longer_outcome(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from toolkit.ingest.crawl import ingest_crawl
    from toolkit.workspace import init_workspace

    path = tmp_path / "asso.csv"
    path.write_text(
        "observed_at,prefecture,procedure,outcome\n"
        "2025-03-12 09:00,76,asile,Pas de créneau disponible ce jour\n"
        "2025-03-12 10:00,76,asile,ko\n"
        "2025-03-12 11:00,76,asile,Erreur 502 Bad Gateway\n",
        encoding="utf-8",
    )
    ws = init_workspace(tmp_path / "ws")
    report = ingest_crawl(ws, [path])
    got = [r[0] for r in ws.sql("SELECT outcome FROM probes ORDER BY observed_at").fetchall()]
    ws.close()
    assert report.ok and got == ["no_slot", "no_slot", "error"]
