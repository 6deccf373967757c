"""Options shared by several commands, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from toolkit.cli.render import Format

FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output: table (people), csv or json (machines).")
]
ApplicantArg = Annotated[str, typer.Argument(help="Applicant id (pseudonymous), e.g. demo-001.")]
ApplicantOpt = Annotated[
    str, typer.Option("--applicant", "-a", help="Applicant id the evidence belongs to.")
]


def checked_paths(value: Any) -> Any:
    """Callback of every path option: a path the system cannot even look up (too long) is
    refused in one line naming it, before any command runs."""
    from toolkit.paths import check_path

    for p in value if isinstance(value, list | tuple) else [value]:
        if p is not None:
            check_path(p)
    return value


PathsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Files, folders (recursive) or .zip archives.",
        show_default=False,
        callback=checked_paths,
    ),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Record nothing unless every file is valid.")
]
ReasonOpt = Annotated[
    str, typer.Option("--reason", help="Why it is removed (kept in the custody log).")
]
ReviewerOpt = Annotated[
    str | None,
    typer.Option("--reviewer", help="Who decided the removal [default: the OS user]."),
]
OutFileOpt = Annotated[
    Path, typer.Option("--out", "-o", help="File to write.", callback=checked_paths)
]
OutDirOpt = Annotated[
    Path, typer.Option("--out", "-o", help="Folder to write.", callback=checked_paths)
]
# Robot crawls and préfecture indicators.
CrawlPathsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Crawl exports (CSV, TSV, JSON, JSON Lines, Parquet, XLSX) or folders of them.",
        show_default=False,
        callback=checked_paths,
    ),
]
PrefectureFilterOpt = Annotated[
    str | None, typer.Option("--prefecture", "-p", help="Préfecture code or name, e.g. 76.")
]
ProcedureFilterOpt = Annotated[
    str | None, typer.Option("--procedure", help="Procedure slug, e.g. renouvellement.")
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="First local date included (YYYY-MM-DD).")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Last local date included (YYYY-MM-DD).")
]
# Time-stamping authorities (RFC 3161).
TsaOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tsa",
        help="A time-stamping authority's URL (repeat for several); default: those of "
        "toolkit/capture/tsa.toml.",
        show_default=False,
    ),
]
