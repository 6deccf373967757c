"""Values written into SQL text, for the statements DuckDB cannot take parameters in
(a reader's path and options, a view, an ENUM, a constant in a generated query)."""

from __future__ import annotations

import os


def lit(value: str | os.PathLike[str]) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + str(name).replace('"', '""') + '"'
