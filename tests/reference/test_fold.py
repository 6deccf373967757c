"""One fold for every look-up: Python and DuckDB give the same key for every character."""

from __future__ import annotations

import unicodedata

import duckdb
import pytest

from toolkit.reference.fold import fold, fold_sql, strip_accents


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ŒUVRE", "oeuvre"),
        ("Côtes-d’Armor", "cotes d armor"),
        ("  Première demande ", "premiere demande"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("PAS_DE_CRÉNEAU", "pas de creneau"),
        ("İstanbul", "istanbul"),
        ("75 PP", "75 pp"),
        ("Date\u00a0et\u202fheure", "date et heure"),
    ],
)
def test_fold_gives_one_key(text: str, key: str) -> None:
    assert fold(text) == key


def test_the_sql_twin_equals_the_python_fold_on_every_assigned_character() -> None:
    """Every character Python's Unicode database knows (the planes in use), between two
    letters, and a few words: DuckDB's ``fold_sql`` gives exactly ``fold``."""
    import pandas as pd

    chars = [
        chr(c) for c in range(0x20, 0x30000)
        if unicodedata.category(chr(c)) not in ("Cn", "Cs", "Co")
    ]  # fmt: skip
    words = ["ŒUVRE", "Œuvre", "œuvre", "Côtes-d’Armor", "Straße", "İstanbul", "x\u0301y"]
    frame = pd.DataFrame({"t": [f"a{c}b" for c in chars] + words})
    con = duckdb.connect()
    con.register("frame", frame)
    got = con.execute(f"SELECT t, {fold_sql('t')} FROM frame").fetchall()
    different = [(t, sql) for t, sql in got if sql != fold(t)]
    assert different == [] and len(got) > 100_000


def test_strip_accents_keeps_case_and_spells_ligatures() -> None:
    assert strip_accents("Pièce ŒUVRE Œuvre ß") == "Piece OEUVRE OEuvre ss"


def test_every_lookup_gives_one_key_for_oeuvre() -> None:
    """The look-ups that once folded apart (headers, préfectures, procedures, log columns,
    crawl values, Télérecours names) now read one key."""
    from toolkit.documents.naming import ascii_fold
    from toolkit.ingest.crawl.mapping import Mapping, resolve_columns

    assert ascii_fold("ŒUVRE").lower() == fold("ŒUVRE") == "oeuvre"
    found = resolve_columns(
        Mapping(), ["HORODATAGE", "Département", "DÉMARCHE", "Résultat"], "f.csv"
    )
    assert found == {"observed_at": "HORODATAGE", "prefecture": "Département",
                     "procedure": "DÉMARCHE", "outcome": "Résultat"}  # fmt: skip
