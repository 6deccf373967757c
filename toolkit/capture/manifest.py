"""Manifests: what a token covers, one line per file, in ``sha256sum`` format.

``<sha256>  <name>`` per line, LF, UTF-8. A manifest is plain text anyone can read and
check with ``sha256sum -c`` in the folder holding the files, and its bytes are what the
TSA's token imprints. Names: a capture's artefacts by their names in its procès-verbal;
vault files by their path in the vault (``ab/abcd…``); a folder's files by their path in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.errors import InputError

_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


@dataclass(frozen=True)
class Line:
    sha256: str
    name: str


def manifest_bytes(lines: list[Line]) -> bytes:
    """The manifest, in the given order (callers sort or keep a meaningful order)."""
    for line in lines:
        if "\n" in line.name or "\r" in line.name:
            raise InputError(f"{line.name!r}: a file name with a line break cannot be listed")
    return "".join(f"{line.sha256}  {line.name}\n" for line in lines).encode("utf-8")


def parse_manifest(data: bytes) -> list[Line]:
    """The lines of a manifest; ValueError naming the first bad line."""
    out = []
    for n, raw in enumerate(data.decode("utf-8").splitlines(), start=1):
        m = _LINE.match(raw)
        if not m:
            raise ValueError(f"line {n} is not « <sha256>  <name> »")
        out.append(Line(m.group(1), m.group(2)))
    return out


def vault_name(sha256: str) -> str:
    """A vault file's path relative to the vault folder."""
    return f"{sha256[:2]}/{sha256}"
