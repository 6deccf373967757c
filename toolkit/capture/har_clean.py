"""Remove secrets from a capture's HAR before it is hashed, and say so inside it.

The values of the ``Cookie``, ``Set-Cookie``, ``Authorization`` and ``Proxy-Authorization``
headers, and of every cookie listed in the entries, are replaced by a mark; their names stay,
so a reader sees that a cookie was set and by whom. Everything else (addresses, status codes,
``Date`` headers, bodies, timings) is kept as the browser recorded it. The HAR's
``log.comment`` says what was removed; the capture record counts it.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from toolkit.errors import CaptureError

SECRET_HEADERS = ("cookie", "set-cookie", "authorization", "proxy-authorization")
MARK = "[valeur supprimée par guichets]"


def clean_har(data: bytes) -> tuple[bytes, dict[str, int], dict[str, int]]:
    """The HAR without secret values, how many values of each kind were removed, and how
    many requests the browser sent by HTTP method (a reader sees at once whether anything
    but GET left the browser)."""
    try:
        har = json.loads(data.decode("utf-8"))
        entries = har["log"]["entries"]
    except (ValueError, KeyError, TypeError) as e:
        raise CaptureError(
            f"the browser wrote an unreadable HAR ({e}); nothing was recorded"
        ) from None
    removed: Counter[str] = Counter()
    methods: Counter[str] = Counter()
    for entry in entries:
        methods[str((entry.get("request") or {}).get("method", "?")).upper()] += 1
        for side in ("request", "response"):
            part: dict[str, Any] = entry.get(side) or {}
            for header in part.get("headers") or []:
                name = str(header.get("name", ""))
                if name.lower() in SECRET_HEADERS and header.get("value"):
                    header["value"] = MARK
                    removed[_canonical(name)] += 1
            for cookie in part.get("cookies") or []:
                if cookie.get("value"):
                    cookie["value"] = MARK
                    removed["cookies"] += 1
    counts = {k: removed[k] for k in sorted(removed)}
    kinds = "Cookie, Set-Cookie, Authorization and Proxy-Authorization headers and of cookies"
    har["log"]["comment"] = (
        f"guichets: values of {kinds} removed before hashing ({sum(counts.values())} value(s): "
        + (", ".join(f"{k} {v}" for k, v in counts.items()) or "none found")
        + "); everything else as recorded by the browser."
    )
    cleaned = json.dumps(har, ensure_ascii=False, indent=1).encode("utf-8")
    return cleaned, counts, {k: methods[k] for k in sorted(methods)}


def _canonical(name: str) -> str:
    return "-".join(p.capitalize() for p in name.lower().split("-"))
