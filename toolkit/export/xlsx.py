"""An Excel workbook for people who live in Excel (associations, journalists).

Sheets, all with French column titles, frozen headers, filters and number formats:

- « Préfectures »: robot-probe indicators per préfecture and procedure over the whole period;
- « Série mensuelle »: the same per month;
- « Créneaux (La Cimade) »: share of probes in each of La Cimade's buckets;
- « Demandeurs »: applicant-level aggregates per préfecture and procedure, and per préfecture
  for all procedures, with small cells suppressed (see below);
- « Sources et méthode »: where the numbers come from, definitions, suppression rule.

Small cells (secret statistique, ``min_cell`` = 5 by default) are suppressed as
``smallcells`` explains; robot probes concern no person and are not suppressed. No identity, file name, URL, note or
ingest path is ever written; applicant ids do not appear.

Cells never hold a formula: text that a spreadsheet would run (``=``, ``+``, ``-``, ``@``…) is
written as text (``safecell``). The same workspace gives the same bytes: document properties
are pinned to the last observation time and zip entries carry a fixed time.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit._version import __version__
from toolkit.errors import InputError
from toolkit.export.safecell import write_cell
from toolkit.export.smallcells import SMALL, applicant_facts, applicant_rows
from toolkit.workspace import Workspace, schema_version
from toolkit.zips import normalize_zip

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

ALL_PROCEDURES = "Toutes procédures"
PINNED_EPOCH = datetime(2000, 1, 1)

PCT, INT, DAYS, WHEN = "0.0%", "#,##0", "0.0", "dd/mm/yyyy hh:mm"

# La Cimade's buckets, as ``toolkit.indicators.prefecture`` names them (``bucket_*`` columns)
BUCKET_LABELS_FR: dict[str, str] = {
    "two_within_30d": "Au moins deux dates sous 30 jours",
    "one_within_30d": "Une date sous 30 jours",
    "first_30_60d": "Première date entre 31 et 60 jours",
    "first_after_60d": "Première date au-delà de 60 jours",
    "none": "Aucun créneau",
}


@dataclass(frozen=True)
class Col:
    key: str
    title: str
    fmt: str | None = None
    width: int = 14


_ID_COLS = (
    Col("prefecture", "Code", None, 8),
    Col("prefecture_name", "Préfecture", None, 24),
    Col("procedure_label", "Procédure", None, 24),
)
_PROBE_COLS = (
    Col("probes", "Sondages", INT, 11),
    Col("first_probe", "Premier sondage (heure locale)", WHEN, 18),
    Col("last_probe", "Dernier sondage (heure locale)", WHEN, 18),
    Col("no_slot_rate", "Part sans créneau", PCT, 12),
    Col("slots_rate", "Part avec créneaux", PCT, 12),
    Col("error_rate", "Part en erreur, captcha ou bloquée", PCT, 13),
    Col("unknown_rate", "Part indéterminée", PCT, 12),
    Col("lead_probes", "Sondages ayant vu une date", INT, 13),
    Col("median_lead_days", "Délai médian jusqu'au 1er créneau (jours)", DAYS, 16),
    Col("p90_lead_days", "Délai du 9e décile (jours)", DAYS, 14),
    Col("longest_no_slot_hours", "Plus longue période sans créneau (heures)", DAYS, 16),
    Col("longest_no_slot_from", "… depuis (heure locale)", WHEN, 18),
    Col("longest_no_slot_to", "… jusqu'à (heure locale)", WHEN, 18),
)
_BUCKET_COLS = (
    Col("probes", "Sondages", INT, 11),
    Col("bucket_probes", "Sondages classés", INT, 12),
    *(Col(f"bucket_{k}", label, PCT, 16) for k, label in BUCKET_LABELS_FR.items()),
)
_TIMES = ("first_probe", "last_probe", "longest_no_slot_from", "longest_no_slot_to")
_APPLICANT_COLS = (
    Col("applicants", "Demandeurs", INT, 12),
    Col("attempts", "Tentatives en ligne", INT, 12),
    Col("attempts_median", "Tentatives par demandeur (médiane)", DAYS, 15),
    Col("days_median", "Jours distincts de tentative (médiane)", DAYS, 15),
    Col("weeks_median", "Semaines ISO distinctes (médiane)", DAYS, 15),
    Col("span_median", "Durée des démarches en jours (médiane)", DAYS, 15),
    Col("three_weeks", "Demandeurs ayant tenté sur 3 semaines ou plus", INT, 16),
    Col("wrote", "Demandeurs ayant écrit à la préfecture", INT, 16),
    Col("expired", "Titre expiré pendant les démarches", INT, 16),
)


# -- data ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """pandas/numpy scalars → Python; NaN/NaT → None."""
    if value is None:
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    elif hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    return value


def _local_naive(value: Any, tz: str) -> datetime | None:
    """An aware time as the préfecture's wall-clock time (Excel has no time zones)."""
    from zoneinfo import ZoneInfo

    if not isinstance(value, datetime):
        return None
    if value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(tz))
    return value.replace(tzinfo=None, microsecond=0)


def _labels(row: dict[str, Any], names: dict[str, str]) -> None:
    from toolkit.reference import PROCEDURE_LABELS_FR

    code = row.get("prefecture")
    proc = row.get("procedure")
    row["prefecture_name"] = names.get(str(code), code)
    row["procedure_label"] = (
        ALL_PROCEDURES if proc is None else PROCEDURE_LABELS_FR.get(str(proc), proc)
    )


def _probe_rows(
    ws: Workspace, prefecture: str | None, *, by: str | None = None, split: bool = True
) -> list[dict[str, Any]]:
    """``prefecture_indicators`` rows; ``split=False``: all procedures of a préfecture together
    (the same SQL, ``prefecture_indicators_table(split := false)``)."""
    from toolkit.indicators.prefecture import install_prefecture_sql, prefecture_indicators

    if split:
        records = [
            {str(k): _plain(v) for k, v in rec.items()}
            for rec in prefecture_indicators(ws, prefecture=prefecture, by=by).to_dict("records")
        ]
    else:
        install_prefecture_sql(ws)
        cur = ws.con.execute(
            "FROM prefecture_indicators_table(pref := ?, by_period := ?, split := false)",
            [prefecture, by],
        )
        names = [d[0] for d in cur.description]
        records = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    _, pref_names = _reference()
    for row in records:
        for key in _TIMES:
            row[key] = _local_naive(row.get(key), str(row["tz"]))
        _labels(row, pref_names)
    return records


def _reference() -> tuple[dict[str, str], dict[str, str]]:
    from toolkit.reference import prefectures

    refs = prefectures()
    return {p.code: p.tz for p in refs}, {p.code: p.name for p in refs}


# -- workbook -----------------------------------------------------------------------------


def _sheet(
    wb: Workbook, title: str, cols: tuple[Col, ...], rows: list[dict[str, Any]], freeze: str
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sh: Worksheet = wb.create_sheet(title)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    for j, c in enumerate(cols, start=1):
        cell = sh.cell(row=1, column=j)
        write_cell(cell, c.title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sh.column_dimensions[get_column_letter(j)].width = c.width
    for i, r in enumerate(rows, start=2):
        for j, c in enumerate(cols, start=1):
            cell = sh.cell(row=i, column=j)
            write_cell(cell, r.get(c.key))
            if c.fmt and not isinstance(cell.value, str):
                cell.number_format = c.fmt
            elif isinstance(cell.value, str) and c.fmt:
                cell.alignment = Alignment(horizontal="right")
    sh.row_dimensions[1].height = 45
    sh.freeze_panes = freeze
    sh.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(1, len(rows) + 1)}"


def _method_rows(ws: Workspace, prefecture: str | None, min_cell: int) -> list[tuple[str, str]]:
    counts = ws.rows(
        "SELECT count(*) AS n, min(local_date) AS first, max(local_date) AS last FROM probes_local"
        + (" WHERE prefecture = ?" if prefecture else ""),
        [prefecture] if prefecture else [],
    )[0]
    span = (
        f"{counts['n']} sondages, du {counts['first']:%d/%m/%Y} au {counts['last']:%d/%m/%Y} "
        "(dates locales de chaque préfecture)"
        if counts["n"]
        else "aucun sondage"
    )
    kinds = ws.rows(
        "SELECT kind, count(*) AS n, coalesce(sum(rows), 0) AS rows FROM sources GROUP BY 1 ORDER BY 1"
    )
    bundles = ws.rows(
        "SELECT detail->>'sha256' AS sha, detail->>'key_fingerprint' AS key FROM custody "
        "WHERE action = 'aggregate.bundle' GROUP BY ALL ORDER BY 1"
    )
    lines: list[tuple[str, str]] = [
        ("Classeur", f"guichets {__version__}, schéma de données {schema_version()}"),
        ("Périmètre", f"préfecture {prefecture}" if prefecture else "toutes les préfectures"),
        ("Sondages robots", span),
        (
            "Lots de données",
            "; ".join(f"{k['kind']} : {k['n']} lot(s), {k['rows']} ligne(s)" for k in kinds)
            or "aucun",
        ),
    ]
    if bundles:
        lines.append(
            (
                "Lots pseudonymisés agrégés",
                "; ".join(f"sha256 {b['sha'][:12]}… (clé {b['key']})" for b in bundles),
            )
        )
    lines += [
        ("Feuilles", "« Préfectures » : toutes procédures réunies ; « Procédures » : par préfecture et procédure ; « Série mensuelle » : par mois (heure locale) ; « Créneaux (La Cimade) » : catégories de délai ; « Demandeurs » : personnes suivies."),
        ("Sondage", "Une observation d'un robot sur la page de prise de rendez-vous d'une préfecture."),
        ("Parts", "Part sans créneau, avec créneaux, en erreur (erreur, captcha, page bloquée, maintenance) et indéterminée : parts de tous les sondages de la ligne ; leur somme fait 100 %."),
        ("Délai jusqu'au 1er créneau", "Jours entre la date locale du sondage et la première date proposée, pour les sondages ayant vu une date : médiane et 9e décile."),
        ("Plus longue période sans créneau", "Plus longue suite de sondages consécutifs ayant tous vu le message « aucun créneau », du premier au dernier, en heures ; une erreur ou un captcha interrompt la suite (le chiffre peut sous-estimer, jamais surestimer)."),
        ("Catégories de La Cimade", "Chaque sondage exploitable (aucun créneau, ou créneaux avec une date) est classé : au moins deux dates sous 30 jours ; une date sous 30 jours ; première date entre 31 et 60 jours ; première date au-delà de 60 jours ; aucun créneau (méthode de l'observatoire « À guichets fermés »). Parts des sondages classés ; vide quand le robot ne lit pas les dates."),
        ("Demandeurs", "Personnes suivies (pseudonymes). Tentatives et jours comptés en heure locale de la préfecture, sur les seules tentatives en ligne ; « écrit » : courriel ou courrier envoyé ; « titre expiré » : titre expiré avant la dernière tentative."),
        ("Secret statistique", f"Une ligne portant sur moins de {min_cell} demandeurs affiche « < {min_cell} » et « {SMALL} ». Dans une ligne affichée, un effectif inférieur à {min_cell} affiche « < {min_cell} », un effectif dont le complément est inférieur à {min_cell} affiche « {SMALL} ». Quand une seule procédure d'une préfecture est masquée, la plus petite suivante l'est aussi (secret secondaire). Les sondages robots ne concernent personne et ne sont pas masqués."),
        ("Données personnelles", "Aucune identité, aucun nom de fichier, aucune adresse web, aucune note ni aucun identifiant de dossier ne figure dans ce classeur. Des données pseudonymisées restent des données personnelles (CNIL)."),
        ("Heures", "Heure locale de chaque préfecture (Europe/Paris, America/Cayenne, Indian/Reunion…)."),
        ("Formules", "Le classeur ne contient aucune formule ; un texte commençant par =, +, - ou @ est écrit comme du texte."),
    ]  # fmt: skip
    return lines


def _method_sheet(wb: Workbook, lines: list[tuple[str, str]]) -> None:
    from openpyxl.styles import Alignment, Font

    sh: Worksheet = wb.create_sheet("Sources et méthode")
    write_cell(sh.cell(row=1, column=1), "Rubrique")
    write_cell(sh.cell(row=1, column=2), "Sources et méthode")
    for j in (1, 2):
        sh.cell(row=1, column=j).font = Font(bold=True)
    for i, (k, v) in enumerate(lines, start=2):
        write_cell(sh.cell(row=i, column=1), k)
        write_cell(sh.cell(row=i, column=2), v)
        sh.cell(row=i, column=1).font = Font(bold=True)
        sh.cell(row=i, column=1).alignment = Alignment(vertical="top", wrap_text=True)
        sh.cell(row=i, column=2).alignment = Alignment(vertical="top", wrap_text=True)
    sh.column_dimensions["A"].width = 30
    sh.column_dimensions["B"].width = 110
    sh.freeze_panes = "A2"


def _pinned_time(ws: Workspace) -> datetime:
    last = ws.scalar(
        "SELECT max(t) FROM (SELECT max(observed_at) AS t FROM probes "
        "UNION ALL SELECT max(observed_at) FROM attempts)"
    )
    if last is None:
        return PINNED_EPOCH
    return last.astimezone(UTC).replace(tzinfo=None, microsecond=0)


# -- writing ------------------------------------------------------------------------------


def _locked(out: Path) -> InputError:
    return InputError(f"{out}: is open in another program (Excel?); close it and run again")


def _write(ws: Workspace, wb: Workbook, out: Path, prefecture: str | None, min_cell: int) -> None:
    """Deterministic bytes (openpyxl's zip rewritten with fixed entry times), written and
    recorded as every output is (``toolkit.outputs``)."""
    from openpyxl.writer.excel import ExcelWriter

    from toolkit.outputs import write_output

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    fixed = normalize_zip(buf.getvalue())
    if out.with_name("~$" + out.name).exists():
        raise _locked(out)
    detail = {"prefecture": prefecture, "min_cell": min_cell}
    try:
        write_output(ws, out, fixed, kind="xlsx", action="export.xlsx", detail=detail)
    except InputError as e:
        cause = e.__cause__
        if isinstance(cause, PermissionError) or getattr(cause, "winerror", None) in (32, 33):
            raise _locked(out) from None  # Excel holds the file (sharing / lock violation)
        raise


def _guard(ws: Workspace, wb: Workbook) -> None:
    """Every cell of every sheet is checked for identity before anything is written."""
    from toolkit.export.identity_guard import identity_guard
    from toolkit.export.pseudonym import public_words

    cells = {
        f"sheet « {sheet.title} »": [
            cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None
        ]
        for sheet in wb.worksheets
    }
    identity_guard(ws.con, public_words()).check_values(ws.con, cells, "the workbook")


def export_xlsx(
    ws: Workspace,
    out: str | os.PathLike[str],
    *,
    prefecture: str | None = None,
    min_cell: int = 5,
) -> Path:
    """Write the workbook to ``out`` (.xlsx) and return its path."""
    from toolkit.outputs import check_target

    out = check_target(ws, out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: give an .xlsx file name")
    if min_cell < 1:
        raise InputError(f"--min-cell {min_cell}: give a number of applicants of 1 or more")
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: no such folder; create it first")
    if out.with_name("~$" + out.name).exists():
        raise _locked(out)
    code = None
    if prefecture is not None:
        from toolkit.reference import get_prefecture

        code = get_prefecture(prefecture).code
    from openpyxl import Workbook

    totals = _probe_rows(ws, code, split=False)
    probes = _probe_rows(ws, code)
    monthly = _probe_rows(ws, code, by="month")
    applicants = applicant_rows(applicant_facts(ws, code), min_cell)
    _, names = _reference()
    for row in applicants:
        _labels(row, names)
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    _sheet(wb, "Préfectures", _ID_COLS[:2] + _PROBE_COLS, totals, "C2")
    _sheet(wb, "Procédures", _ID_COLS + _PROBE_COLS, probes, "D2")
    month = (Col("period", "Mois", None, 10),)
    _sheet(wb, "Série mensuelle", _ID_COLS + month + _PROBE_COLS, monthly, "E2")
    _sheet(wb, "Créneaux (La Cimade)", _ID_COLS + _BUCKET_COLS, probes, "D2")
    _sheet(wb, "Demandeurs", _ID_COLS + _APPLICANT_COLS, applicants, "D2")
    _method_sheet(wb, _method_rows(ws, code, min_cell))
    pinned = _pinned_time(ws)
    wb.properties.created = wb.properties.modified = pinned
    wb.properties.creator = f"guichets {__version__}"
    wb.properties.title = "Saturation des rendez-vous en préfecture"
    _guard(ws, wb)
    _write(ws, wb, out, code, min_cell)
    return out
