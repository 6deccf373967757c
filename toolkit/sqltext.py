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


def map_sql(pairs: dict[str, str]) -> str:
    """A constant MAP of text to text (``map[key]`` is NULL for a key it lacks)."""
    if not pairs:
        return "MAP {'': NULL}"
    return "MAP {" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in sorted(pairs.items())) + "}"


def enum_sql(values: dict[str, str] | list[str]) -> str:
    """An inline ENUM of the values: casting to it is a hash look-up (a MAP is a list scan)."""
    return "ENUM(" + ", ".join(lit(v) for v in sorted(values)) + ")"
