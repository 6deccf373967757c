"""The procès-verbal's word on tokens obtained later, over another manifest that lists some of
the capture's files (``guichets timestamp ID`` after a capture whose own request was pending):
their time and authority, how much of the capture they cover, what they prove (existence at
their own time, not at the capture's), and their files, attached under names of their own."""

from __future__ import annotations

from datetime import UTC

from toolkit.documents.capture_facts import (
    CaptureFacts,
    LaterToken,
    token_file_names,
    verification_files,
)
from toolkit.documents.flow import Block
from toolkit.documents.layout import SMALL
from toolkit.documents.pv_text import duration_fr, local_fr, qualified_fr
from toolkit.frenchdates import plural_fr
from toolkit.workspace import Workspace


def later_stem(facts: CaptureFacts, i: int) -> str:
    """The attachment stem of the i-th later token's manifest (1-based)."""
    return f"{facts.stem}-horodatage-ulterieur-{i}"


def later_blocks(facts: CaptureFacts) -> list[Block]:
    """One paragraph and one table of facts per later token; nothing when there is none."""
    if not facts.later:
        return []
    end = facts.row["finished_at"]
    out = [
        Block(
            "p",
            plural_fr(len(facts.later), "jeton obtenu", "jetons obtenus")
            + " ultérieurement, sur un autre manifeste qui liste des éléments de cette capture. "
            "Un tel jeton prouve que ces éléments existaient, tels quels, au plus tard à sa "
            "propre heure, postérieure à la capture ; il ne prouve pas l'heure de la capture.",
        )
    ]
    for i, later in enumerate(facts.later, start=1):
        t = later.token
        assert t.gen_time is not None
        stem = later_stem(facts, i)
        names = token_file_names(stem, t)
        after = duration_fr((t.gen_time - end).total_seconds())
        out.append(
            Block(
                "kv",
                pairs=[
                    (
                        "Jeton obtenu ultérieurement",
                        local_fr(t.gen_time, facts, ms=False)
                        + f" ; {t.gen_time.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC ({after} "
                        "après la fin de la capture, lue à l'horloge de l'appareil)",
                    ),
                    ("Autorité d'horodatage", f"{t.tsa_name} — {t.tsa_url} — {qualified_fr(t)}"),
                    (
                        "Manifeste couvert",
                        f"{t.manifest_name} ({plural_fr(t.manifest_files, 'fichier', 'fichiers')}) "
                        f"— SHA-256 {t.manifest_sha256}",
                    ),
                    ("Éléments de cette capture qu'il liste", _covered(later)),
                    ("Numéro de série", t.serial or ""),
                    (
                        "Fichiers joints",
                        f"{stem}.sha256, {names['token']}, {names['root']}, {names['chain']}",
                    ),
                ],
            )
        )
        out.append(
            Block(
                "p",
                "Vérification : « openssl ts -verify -in "
                f"{names['token']} -data {stem}.sha256 -CAfile {names['root']} -untrusted "
                f"{names['chain']} » ; chaque empreinte de la section 6 figure dans ce manifeste.",
                style=SMALL,
            )
        )
    return out


def _covered(later: LaterToken) -> str:
    if later.covered == later.of:
        return f"tous ({later.of})"
    return f"{later.covered} sur {later.of}"


def later_attachments(ws: Workspace, facts: CaptureFacts) -> list[tuple[str, bytes]]:
    """Each later token's manifest, token, root and chain, under names of their own."""
    out: list[tuple[str, bytes]] = []
    for i, later in enumerate(facts.later, start=1):
        t = later.token
        out += verification_files(ws, t.manifest_sha256, f"{later_stem(facts, i)}.sha256", [t])
    return out
