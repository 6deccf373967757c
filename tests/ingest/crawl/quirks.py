"""Crawl files with the quirks real robots and volunteers produce, each named after its quirk.

Kept as bytes here (carriage returns, NUL bytes and byte-order marks survive any editor and
git setting) and written to a temporary folder by :func:`write_quirks`. Every file is ingested
with ``--prefecture 76 --procedure renouvellement`` as defaults (``DEFAULTS``), unless it
names its own; ``tests/ingest/crawl/test_crawl_conservation.py`` checks that each one's rows
all add up, and the tests of each quirk check the values.
"""

from __future__ import annotations

from pathlib import Path

DEFAULTS = {"prefecture": "76", "procedure": "renouvellement"}
HEADER = b"observed_at,prefecture,site,procedure,outcome,slots\r\n"


def _rows(hours: range, ending: bytes = b"\n", site: str = "r") -> bytes:
    return b"".join(
        f"2025-03-12 {h:02d}:00:00,76,{site},renouvellement,no_slot,0".encode() + ending
        for h in hours
    )


QUIRKS: dict[str, bytes] = {
    # the README advised adding a header to a headerless `yy-mm-dd HH:MM,count` export
    "two-digit-year-header-added.csv": (
        b"observed_at,slots\n22-03-12 10:06,3\n22-03-12 10:36,0\n22-03-12 11:06,0\n"
    ),
    # a real export: CRLF, but the last lines, appended by another tool, end in LF
    "mixed-crlf-lf.csv": HEADER + _rows(range(8, 12), b"\r\n") + _rows(range(12, 14)),
    "missing-final-newline.csv": HEADER + _rows(range(8, 11), b"\r\n") + _rows(range(11, 12), b""),
    "trailing-blank-lines.csv": HEADER.replace(b"\r", b"") + _rows(range(8, 11)) + b"\n\n\n",
    "blank-lines-mid-file.csv": (
        HEADER.replace(b"\r", b"") + _rows(range(8, 10)) + b"\n" + _rows(range(10, 12))
    ),
    # two exports joined with `cat`: the second's header (and BOM) in the middle
    "concatenated-repeated-header.csv": (
        HEADER.replace(b"\r", b"")
        + _rows(range(8, 10))
        + HEADER.replace(b"\r", b"")
        + _rows(range(10, 12))
    ),
    "concatenated-bom-mid-file.csv": (
        b"\xef\xbb\xbf"
        + HEADER.replace(b"\r", b"")
        + _rows(range(8, 10))
        + b"\xef\xbb\xbf"
        + HEADER.replace(b"\r", b"")
        + _rows(range(10, 12))
    ),
    "cr-only-lines.csv": HEADER.replace(b"\r\n", b"\r") + _rows(range(8, 12), b"\r"),
    "stray-cr.csv": (
        HEADER.replace(b"\r", b"")
        + _rows(range(8, 10))
        + b"2025-03-12 10:00:00,76,r\r,renouvellement,no_slot,0\n"
        + _rows(range(11, 12))
    ),
    # a NUL byte inside a value: that row is refused, the others recorded
    "nul-bytes.csv": (
        HEADER.replace(b"\r", b"")
        + _rows(range(8, 10))
        + b"2025-03-12 10:00:00,7\x006,r,renouvellement,no_slot,0\n"
        + _rows(range(11, 12))
    ),
    "quoted-newline.csv": (
        HEADER.replace(b"\r", b"")
        + b'2025-03-12 09:00:00,76,"two\nlines",renouvellement,no_slot,0\n'
        + b"2025-03-12 10:00:00,76,r\n"  # too few fields
        + _rows(range(11, 13))
    ),
    "exact-duplicates.csv": (
        b"observed_at,prefecture,site,procedure,outcome,slots,first_slot\n"
        b"2025-03-12 09:00:00,76,r,renouvellement,no_slot,0,\n"
        b"2025-03-12 09:00:00,76,r,renouvellement,no_slot,0,\n"
        b"2025-03-12 10:00:00,13,r,renouvellement,slots_available,2,2025-04-02\n"
    ),
    "miquelon-autumn.csv": (
        b"observed_at,prefecture,site,outcome\n"
        b"2024-11-03 00:30:00,975,r,no_slot\n"
        b"2024-11-03 01:30:00,975,r,no_slot\n"  # first pass through the repeated hour
        b"2024-11-03 01:30:00,975,r,slots_available\n"  # second pass: recorded once
        b"2024-11-03 02:30:00,975,r,no_slot\n"
        b"2024-11-03 01:30:00,976,r,no_slot\n"  # Mayotte has no clock change
    ),
    "checks-fail.csv": (
        b"observed_at,prefecture,site,outcome,slots,first_slot,second_slot,http_status\n"
        b"2025-03-12 09:00:00,76,r,no_slot,0,,,200\n"
        b"2025-03-12 10:00:00,76,r,no_slot,-1,,,200\n"  # negative count
        b"2025-03-30 02:30:00,76,r,no_slot,0,,,200\n"  # spring gap in Paris
        b"2025-03-12 11:00:00,76,r,slots_available,2,2025-03-01,,200\n"  # first slot before
        b"2025-03-12 12:00:00,76,r,slots_available,2,2025-04-01,2025-03-20,200\n"
        b"1999-03-12 12:00:00,76,r,no_slot,0,,,200\n"  # before 2000
        b"2025-03-12 13:00:00,76,r,no_slot,0,,,700\n"  # not an HTTP status
        b"2025-03-12 14:00:00,76,r,no_slot,3,,,200\n"  # outcome contradicts the count
    ),
    "blank-values.csv": (  # empty and quoted-empty text, padded and blank sites
        b"observed_at,prefecture,site,procedure,url,outcome\n"
        b'2025-03-12 09:00:00,76,"",renouvellement,"",no_slot\n'
        b"2025-03-12 10:00:00,76, rouen ,renouvellement,,no_slot\n"
        b'2025-03-12 11:00:00,76,"   ",,"https://rdv.example/1",no_slot\n'
        b"2025-03-12 12:00:00,76,rouen,renouvellement,https://rdv.example/2,no_slot\n"
    ),
    "offsets.csv": (  # times with their UTC offset: the typed reader gives UTC
        b"observed_at,prefecture,site,outcome,slots,first_slot\n"
        b"2024-10-27T02:30:00+02:00,75-PP,r,no_slot,0,\n"  # the same wall time twice in
        b"2024-10-27T02:30:00+01:00,75-PP,r,no_slot,0,\n"  # the autumn: two instants
        b"2025-03-12T02:00:00+04:00,974,r,slots_available,1,2025-03-12\n"  # local day 12
        b"2025-03-12T02:00:00+04:00,974,s,slots_available,1,2025-03-11\n"  # before it
        b"2025-03-12T22:00:00-03:00,975,r,slots_available,2,2025-03-12\n"  # UTC day 13
        b"2025-03-12T09:00:00-0300,973,r,no_slot,0,\n"
        b"2025-03-30T02:30:00+01:00,76,r,no_slot,-1,\n"  # negative count
        b"2025-03-30T02:30:00+01:00,76,r,no_slot,0,\n"  # 02:30 does not exist, 01:30Z does
        b"2025-03-12T09:00:00+01:00,76,r,no_slot,0,\n"  # the same line twice
        b"2025-03-12T09:00:00+01:00,76,r,no_slot,0,\n"
    ),
    "offsets-then-z.csv": (  # the sample has offsets; a later « Z » goes to the general plan
        b"observed_at,prefecture,outcome\n"
        b"2025-03-12T09:00:00+01:00,76,no_slot\n"
        b"2025-03-12T10:00:00+01:00,76,no_slot\n"
        b"2025-03-12T10:00:00Z,76,no_slot\n"
        b"2025-03-12T12:00:00,76,no_slot\n"
    ),
    "offsets-odd.csv": (  # forms the typed reader takes after a clean sample
        b"observed_at,prefecture,outcome,slots,first_slot\n"
        b"2025-03-12T08:00:00+01:00,76,no_slot,0,\n"
        b"2025-03-12T08:30:00+01:00,76,no_slot,0,\n"
        b"2025-03-12T09:00:00-03:00:00,975,no_slot,0,\n"  # an offset with seconds
        b'"2025-03-12T09:00:00+00:00\t",76,no_slot,0,\n'  # a tab after
        b'"\t2025-03-12T10:00:00+01:00",76,no_slot,0,\n'  # a tab before
        b'"2025-03-12T11:00:00+01:00\r",76,no_slot,0,\n'  # a carriage return
        b'2025-03-12T12:00:00+0100,76,slots_available," 3","\t2025-04-02"\n'
    ),
    "naive-odd.csv": (
        b"observed_at,prefecture,outcome,slots,first_slot\n"
        b"2025-03-12 08:00:00,76,no_slot,0,\n"
        b"2025-03-12 08:30:00,76,no_slot,0,\n"
        b'"\t2025-03-12 09:00:00",76,no_slot,0,\n'
        b'"2025-03-12 10:00:00\t",76,slots_available,2,"2025-04-02 "\n'
        b'"2025-03-12 11:00:00\r",76,no_slot,"0\t",\n'
    ),
    "mixed-forms.csv": (  # the sample looks typed; later lines are not
        b"observed_at,prefecture,procedure,outcome,slots\n"
        b"2025-03-12 09:00:00,76,renouvellement,no_slot,0\n"
        b"2025-03-12 10:00:00,Seine-Maritime,Renouvellement,no_slot,0\n"
        b"2025-03-12 11:00:00+01:00,76,renouvellement,slots_available,1\n"
        b"25-03-12 12:00:00,76,renouvellement,no_slot,0\n"  # a two-digit year
    ),
    "json-lines-with-a-bad-line.jsonl": (
        b'{"observed_at": "2025-03-12T09:00:00+01:00", "prefecture": "76", "outcome": "no_slot"}\n'
        b"\n"
        b'{"observed_at": "2025-03-12T10:00:00+01:00", "prefecture": "76", "outcome": \n'
        b'{"observed_at": "2025-03-12T11:00:00+01:00", "prefecture": "76", "outcome": "no_slot"}\n'
    ),
}


def write_quirks(folder: Path) -> list[Path]:
    """Write every quirk file into ``folder``; return their paths, in name order."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data in sorted(QUIRKS.items()):
        path = folder / name
        path.write_bytes(data)
        out.append(path)
    return out
