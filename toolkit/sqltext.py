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
    """A constant MAP of text to text (``map[key]`` is NULL for a key it lacks). A look-up
    scans the keys, but costs about 1 µs whether the key is there or not, where a failed
    ``TRY_CAST`` to an ENUM costs 20 to 70 µs (it builds an error message first)."""
    if not pairs:
        return "MAP {'': NULL}"
    return "MAP {" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in sorted(pairs.items())) + "}"


def enum_sql(values: dict[str, str] | list[str]) -> str:
    """An inline ENUM of the values: for a typed reader's column, or a cast that cannot fail
    (see :func:`map_sql` for a look-up that may)."""
    return "ENUM(" + ", ".join(lit(v) for v in sorted(values)) + ")"
