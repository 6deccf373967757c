"""Options shared by several commands, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.render import Format

FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output: table (people), csv or json (machines).")
]
ApplicantArg = Annotated[str, typer.Argument(help="Applicant id (pseudonymous), e.g. demo-001.")]
ApplicantOpt = Annotated[
    str, typer.Option("--applicant", "-a", help="Applicant id the evidence belongs to.")
]
PathsArg = Annotated[
    list[Path],
    typer.Argument(help="Files, folders (recursive) or .zip archives.", show_default=False),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Record nothing unless every file is valid.")
]
OutFileOpt = Annotated[Path, typer.Option("--out", "-o", help="File to write.")]
OutDirOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")]
# Robot crawls and préfecture indicators.
CrawlPathsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Crawl exports (CSV, TSV, JSON, JSON Lines, Parquet, XLSX) or folders of them.",
        show_default=False,
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
