"""The « Preuve d'horodatage » pièce: every RFC 3161 token of an applicant's file, with its
time, its authority and what it covers, and how to check it; the manifests, tokens, roots
and chains are attached to the PDF.
"""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from toolkit.documents.capture_facts import TokenFact, token_facts, token_file_names
from toolkit.documents.flow import NOTE, Block
from toolkit.documents.layout import SMALL, Column
from toolkit.documents.pv_text import CELL, MONO, qualified_fr
from toolkit.frenchdates import date_fr, plural_fr, utc_offset
from toolkit.workspace import Workspace

TITLE = "Preuve d'horodatage"


def applicant_tokens(ws: Workspace, applicant_id: str) -> list[TokenFact]:
    """Tokens and pending requests over the applicant's manifests (its captures, its files)."""
    return token_facts(
        ws,
        "r.scope = ? OR r.scope IN (SELECT 'capture:' || attempt_id FROM captures "
        "WHERE applicant_id = ?)",
        [f"applicant:{applicant_id}", applicant_id],
    )


def _scope_fr(t: TokenFact, captures: dict[str, str]) -> str:
    if t.scope.startswith("capture:"):
        return f"capture automatisée {captures.get(t.scope[8:], t.scope[8:])}"
    if t.scope.startswith("applicant:"):
        return "ensemble des fichiers du dossier à la date de la demande"
    return t.scope


def proof_blocks(tokens: list[TokenFact], zone: ZoneInfo, captures: dict[str, str]) -> list[Block]:
    """``captures``: attempt id → how the pièce names it (local time)."""
    granted = [t for t in tokens if t.gen_time is not None]
    pending = [t for t in tokens if t.gen_time is None]
    rows, digests = [], []
    for i, t in enumerate(granted, start=1):
        assert t.gen_time is not None
        local = t.gen_time.astimezone(zone)
        acc = f"\nprécision annoncée ± {t.accuracy_ms / 1000:g} s" if t.accuracy_ms else ""
        rows.append(
            [
                str(i),
                f"{t.tsa_name}\n{t.tsa_url}\n{qualified_fr(t)}",
                f"{date_fr(local)} à {local:%H:%M:%S} ({utc_offset(local)})\n"
                f"{t.gen_time.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC{acc}\nn° {t.serial}",
                f"{_scope_fr(t, captures)} — {_files_fr(t.manifest_files)}\n{t.manifest_name}\n"
                f"certificat signataire : {t.tsa_subject or 'inconnu'}",
            ]
        )
        digests += [
            [str(i), f"manifeste {t.manifest_name}", t.manifest_sha256],
            [str(i), f"racine : {t.root_subject or 'inconnue'}", t.root_sha256 or ""],
        ]
    blocks = [
        Block("title", TITLE),
        Block(
            "p",
            "Un jeton d'horodatage (RFC 3161) est délivré par une autorité d'horodatage sur "
            "l'empreinte SHA-256 d'un manifeste, qui liste lui-même les empreintes des fichiers. "
            "Il prouve que ces fichiers existaient, tels quels, au plus tard à l'heure du jeton ; "
            "il ne dit pas quand ils ont été produits. Un horodatage électronique ne peut être "
            "privé d'effet juridique au seul motif de sa forme électronique, et un horodatage "
            "qualifié bénéficie d'une présomption d'exactitude de la date, de l'heure et de "
            "l'intégrité des données (règlement (UE) n° 910/2014 « eIDAS », art. 41) [à vérifier : "
            "portée de l'art. 41 ; statut qualifié de chaque autorité sur la liste de confiance "
            "de l'Union européenne, que guichets n'a pas consultée].",
        ),
        Block("h", f"Jetons obtenus ({len(granted)})"),
    ]
    if rows:
        blocks.append(
            Block(
                "table",
                columns=(
                    Column("N°", 8, CELL),
                    Column("Autorité", 56, CELL),
                    Column("Heure du jeton", 42, CELL),
                    Column("Ce qu'il couvre", 72, CELL),
                ),
                rows=rows,
            )
        )
        blocks.append(Block("h", "Empreintes SHA-256"))
        blocks.append(
            Block(
                "table",
                columns=(
                    Column("N°", 8, CELL),
                    Column("Fichier", 74, CELL),
                    Column("SHA-256", 96, MONO),
                ),
                rows=digests,
            )
        )
    else:
        blocks.append(Block("p", "Aucun jeton n'a encore été obtenu."))
    if pending:
        blocks.append(Block("h", f"Demandes en attente ({len(pending)})"))
        for t in pending:
            blocks.append(
                Block(
                    "p",
                    f"– {t.tsa_name} ({t.tsa_url}), demandé le "
                    f"{date_fr(t.requested_at.astimezone(zone))} pour : {_scope_fr(t, captures)} ; "
                    f"autorité injoignable ({t.last_error}). Aucune date certaine n'est encore "
                    "attachée à ces fichiers par cette autorité.",
                    style=SMALL,
                )
            )
    blocks += [Block("h", "Comment vérifier")]
    blocks.append(
        Block(
            "p",
            "Chaque manifeste et, pour chaque jeton, le jeton (.tsr), la racine et la chaîne de "
            "certificats de l'autorité sont joints à ce PDF. Après extraction (par exemple "
            "« pdfdetach -saveall »), chaque jeton se vérifie ainsi (réponse attendue : "
            "« Verification: OK ») :",
            style=SMALL,
        )
    )
    for t in granted:
        stem = t.manifest_name.rsplit(".", 1)[0]
        n = token_file_names(stem, t)
        blocks.append(
            Block(
                "code",
                lines=[
                    f"openssl ts -verify -in {n['token']} -data {t.manifest_name} "
                    f"-CAfile {n['root']} -untrusted {n['chain']}"
                ],
            )
        )
    blocks.append(
        Block(
            "p",
            "Les fichiers d'une capture automatisée sont joints à la pièce qui la présente, avec "
            "son manifeste : « sha256sum -c » les contrôle. Le manifeste de l'ensemble du dossier "
            "désigne les fichiers par leur empreinte dans le coffre du dossier guichets, où "
            "« guichets verify » les contrôle tous ; les fichiers d'origine peuvent être produits "
            "sur demande. L'empreinte de la racine se compare à celle que publie l'autorité ou la "
            "liste de confiance de l'Union européenne ; guichets ne l'a pas fait : « Verification: "
            "OK » montre que le jeton est intact et cohérent avec la racine jointe, non que cette "
            "racine est celle de l'autorité nommée.",
            style=NOTE,
        )
    )
    return blocks


def _files_fr(count: int) -> str:
    return plural_fr(count, "fichier", "fichiers")
