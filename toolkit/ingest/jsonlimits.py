"""JSON read within bounds of size, depth and count (HAR exports, bundle manifests).

``json.loads`` has no limit of its own: a file of ``[[[[…`` exhausts the recursion limit
(RecursionError), a megabyte of ``{},{},…`` becomes hundreds of megabytes of dictionaries, and
an integer of 5,000 digits raises ValueError. Here the text is refused above ``max_bytes``
before it is parsed (so a string, true, false or null costs at least a byte of it); every object,
object member and number is counted while it is parsed and the parse stops past ``max_items``;
nesting deeper than Python's recursion limit, over-long numbers and the non-standard
``NaN``/``Infinity`` are refused. Each refusal is one ``LimitExceeded`` (or ``InputError``)
message naming the limit; the caller puts the file's name in front.
"""

from __future__ import annotations

import json
from typing import Any

from toolkit.errors import InputError, LimitExceeded

MB = 1 << 20


class _TooMany(Exception):
    pass


def load_json(data: bytes | str, *, what: str, max_bytes: int, max_items: int, fix: str) -> Any:
    """Parse ``data``; ``what`` names it in messages ("HAR export"), ``fix`` says what to do.

    Raises ``LimitExceeded`` past a bound and ``InputError`` for a value JSON cannot hold;
    malformed JSON raises ``json.JSONDecodeError`` and bytes that are not UTF-8
    ``UnicodeDecodeError``, for the caller to phrase (where it stops says whether the file was
    cut short). Never RecursionError or MemoryError.
    """
    if len(data) > max_bytes:
        raise LimitExceeded(
            f"{what} of {len(data) / MB:.0f} MB is larger than the {max_bytes // MB} MB limit; {fix}"
        )
    count = 0

    def counted(n: int) -> None:
        nonlocal count
        count += n
        if count > max_items:
            raise _TooMany

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        counted(len(items) + 1)
        return dict(items)

    def integer(text: str) -> int:
        counted(1)
        if len(text) > 100:
            raise InputError(f"{what} holds a number of {len(text)} digits; {fix}")
        return int(text)

    def real(text: str) -> float:
        counted(1)
        if len(text) > 400:
            raise InputError(f"{what} holds a number of {len(text)} characters; {fix}")
        return float(text)

    def constant(name: str) -> Any:
        raise InputError(f"{what} holds {name}, which is not JSON; {fix}")

    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return json.loads(
            text,
            object_pairs_hook=pairs,
            parse_int=integer,
            parse_float=real,
            parse_constant=constant,
        )
    except _TooMany:
        raise LimitExceeded(
            f"{what} holds more than {max_items:,} JSON values (the limit); {fix}"
        ) from None
    except RecursionError:
        raise LimitExceeded(
            f"{what} is nested too deeply (JSON arrays or objects); {fix}"
        ) from None
    except MemoryError:
        raise LimitExceeded(f"{what} does not fit in memory; {fix}") from None
