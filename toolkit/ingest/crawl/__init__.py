"""Robot crawl exports become probes: one row per observation of a booking page.

The public surface: :func:`ingest_crawl` (record the files), :func:`explain_crawl` (say how
a file would be read, writing nothing), :func:`probe_id` (a probe's id), the mapping
(:class:`Mapping`, :class:`ReaderOptions`, :func:`load_mapping`) and :data:`RULES` (the row
rules and their stable codes). How the package reads as a story is in ``ingest.py``; why it
is shaped for speed, in ``docs/crawl-design.md``; how to write a mapping, in
``docs/crawl-mapping.md``.

Probe id: the first 20 hex digits of the MD5 of ``probe␟prefecture␟site␟procedure␟µs``
(``␟`` = U+001F, blank site or procedure as empty text, µs = microseconds since the epoch,
UTC). Re-ingesting a file adds nothing, and two robots' identical observations merge only
when they name the same site. Rows of one file that share an id keep the first (by line)
and count the rest as repeats.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from toolkit.ingest.crawl.counts import Counts
from toolkit.ingest.crawl.explain import Explanation, explain_crawl
from toolkit.ingest.crawl.ingest import crawl_inputs, ingest_crawl
from toolkit.ingest.crawl.mapping import Mapping, ReaderOptions
from toolkit.ingest.crawl.mapping_file import load_mapping
from toolkit.ingest.crawl.sql.rules import RULE_CODES as RULES

__all__ = [
    "RULES",
    "Counts",
    "Explanation",
    "Mapping",
    "ReaderOptions",
    "crawl_inputs",
    "explain_crawl",
    "ingest_crawl",
    "load_mapping",
    "probe_id",
]


def probe_id(
    prefecture: str, site: str | None, procedure: str | None, observed_at: datetime
) -> str:
    """The id ``ingest_crawl`` gives a probe (``observed_at`` must be timezone-aware)."""
    if observed_at.tzinfo is None:
        raise ValueError("observed_at must be timezone-aware")
    delta = observed_at.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    text = "\x1f".join(["probe", prefecture, site or "", procedure or "", str(micros)])
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:20]
