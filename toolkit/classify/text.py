"""Decoding, visible text and normalisation for the classifier.

Pages are read with a regex path rather than a DOM: the classifier needs the visible
text, a handful of markup markers and a few links, and a full parse costs several
times more than all the matching. Everything here is pure ``str``/``bytes`` work.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from toolkit.model import System

# --- decoding -------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)"""
    rb"""|<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_:.+-]+)""",
    re.IGNORECASE,
)
# WHATWG: these labels mean windows-1252 in a browser, so that is what the page showed.
_AS_CP1252 = {"ascii", "latin-1", "iso8859-1"}
_WIDE = ("utf-16", "utf-32")


def _codec(label: str | None, *, from_meta: bool) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    if name in _AS_CP1252:
        return "cp1252"
    if from_meta and name.startswith(_WIDE):
        return "utf-8"  # a byte-sniffed <meta> cannot truly say UTF-16 (WHATWG)
    return name


def _utf8_or_none(data: bytes) -> str | None:
    """Strict UTF-8, or UTF-8 with replacement when only the last character is cut off."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(data) - 3:
            return data.decode("utf-8", errors="replace")
        return None


def _try(data: bytes, codec: str) -> str | None:
    if codec == "utf-8":
        return _utf8_or_none(data)
    if codec.startswith(_WIDE) and b"\x00" not in data:
        return None  # markup in UTF-16/32 always has zero bytes; this label is wrong
    if not codec.startswith(_WIDE) and not data.isascii():
        # A legacy label on bytes that are valid, non-ASCII UTF-8 is a mislabelled
        # page: such byte sequences almost never occur in real Latin-1 text.
        as_utf8 = _utf8_or_none(data)
        if as_utf8 is not None:
            return as_utf8
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Bytes of a saved page to text: BOM > declared charset > <meta> > UTF-8 > cp1252.

    ``declared`` is the charset from an HTTP header or an MHTML part. A wrong or unknown
    declared charset falls through to the next clue; the result never raises on bad bytes.
    """
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, errors="replace")
    meta = _META_CHARSET.search(data, 0, 4096)
    meta_label = None
    if meta:
        meta_label = (meta.group(1) or meta.group(2)).decode("ascii")
    for codec in (_codec(declared, from_meta=False), _codec(meta_label, from_meta=True)):
        if codec:
            text = _try(data, codec)
            if text is not None:
                return text
    text = _utf8_or_none(data)
    if text is not None:
        return text
    return data.decode("cp1252", errors="replace")


# --- visible text -----------------------------------------------------------------------

# Blocks a reader never sees. The lookahead rejects most tags on their first letter,
# which is what keeps this pass cheap on pages with hundreds of menu links.
_INVISIBLE = re.compile(
    r"<(?=[sStTnN!])(?:(script|style|template|noscript|svg)\b[^<]*(?:<(?!/\1)[^<]*)*</\1\s*>"
    r"|!--.*?-->)",
    re.DOTALL | re.IGNORECASE,
)
_SEGMENT = re.compile(r">\s*([^<\s][^<]*)")  # text after a tag, not just whitespace


def strip_invisible(markup: str) -> str:
    """The markup without scripts, styles, templates, SVG and comments."""
    return _INVISIBLE.sub(" ", markup)


def visible_text(markup: str, *, stripped: bool = False) -> str:
    """The text a reader sees: scripts, styles and comments dropped, entities decoded.

    ``stripped`` says :func:`strip_invisible` was already applied. Text segments are
    joined with a space, so block boundaries never glue words together.
    """
    text = " ".join(_SEGMENT.findall(">" + (markup if stripped else strip_invisible(markup))))
    return html.unescape(text) if "&" in text else text


# --- normalisation ----------------------------------------------------------------------

_SPACES = "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u2028\u2029\u0085"
_BEFORE_NFKD: dict[str, str] = {
    **dict.fromkeys("\u2019\u2018\u02bc\u00b4\u2032", "'"),  # ’ ‘ ʼ ´ ′
    **dict.fromkeys("\u00ab\u00bb\u201c\u201d\u201e", '"'),  # « » “ ” „
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
    **dict.fromkeys(_SPACES, " "),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
    "\u2026": "...",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u00e6": "ae",
    "\u00c6": "AE",
    "\u00df": "ss",
    "\u20ac": "EUR",
}


def _ascii_fold(ch: str) -> str:
    return unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii").lower()


def _latin1_table() -> tuple[bytes, bytes, tuple[tuple[bytes, bytes], ...]]:
    """bytes.translate table doing the whole normalisation of Latin-1 text in one pass.

    Returns (table, bytes to delete, Latin-1 characters that become several letters).
    """
    table = bytearray(range(256))
    delete = bytearray()
    several: list[tuple[bytes, bytes]] = []
    for byte in range(256):
        ch = chr(byte)
        folded = _BEFORE_NFKD[ch].lower() if ch in _BEFORE_NFKD else _ascii_fold(ch)
        if len(folded) == 1:
            table[byte] = ord(folded)
        elif not folded:
            delete.append(byte)
        else:  # ß æ ¼ ...
            several.append((bytes([byte]), folded.encode("ascii")))
            _BEFORE_NFKD.setdefault(ch, folded)
    return bytes(table), bytes(delete), tuple(several)


_LATIN1_TABLE, _LATIN1_DELETE, _LATIN1_SEVERAL = _latin1_table()
_BEFORE_NFKD_RE = re.compile("[" + "".join(_BEFORE_NFKD) + "]")


def _premap(text: str) -> str:
    return _BEFORE_NFKD_RE.sub(lambda m: _BEFORE_NFKD[m.group()], text)


def normalise(text: str) -> str:
    """Accent-, case-, whitespace- and apostrophe-insensitive form used for all matching.

    NFKD then ASCII: accents and compatibility forms (U+00A0, U+202F, ligatures) reduce
    to their base letters; a few meaningful signs are mapped first (’ to ', « » to ",
    dashes to -) and any other non-ASCII character is dropped. Latin-1 text, the usual
    case, takes an equivalent table-driven path.
    """
    if text.isascii():
        return " ".join(text.lower().split())
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        text = _premap(text)
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:
            folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
            return " ".join(folded.decode("ascii").lower().split())
    for byte, letters in _LATIN1_SEVERAL:
        if byte in data:
            data = data.replace(byte, letters)
    return " ".join(data.translate(_LATIN1_TABLE, _LATIN1_DELETE).decode("ascii").split())


_SOFT_WRAP = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n\s*(?=[^\W\d_])")


def unwrap_lines(text: str) -> str:
    """Join words that OCR or a PDF text layer hyphenated across a line break."""
    return _SOFT_WRAP.sub("", text)


# --- OCR-tolerant key fragments ---------------------------------------------------------

# Confusions that OCR engines commonly make on screen fonts.
_OCR_CLASSES = {
    "l": "[l1i|!]",
    "i": "[il1|!]",
    "1": "[1il|]",
    "o": "[o0]",
    "0": "[0o]",
    "e": "[ec]",
    "c": "[ce]",
    "s": "[s5]",
    "u": "[uv]",
    "m": "(?:m|rn|nn)",
    "'": "[',]?",
    "-": "-?",
}


def ocr_pattern(key: str) -> re.Pattern[str]:
    """Regex for a normalised key fragment that tolerates OCR confusions and spacing.

    Words may be merged or split by one stray space; each character may be one of its
    usual look-alikes.
    """
    parts: list[str] = []
    for word in normalise(key).split(" "):
        chars = [_OCR_CLASSES.get(ch, re.escape(ch)) for ch in word]
        parts.append(" ?".join(chars))
    return re.compile(r"\s*".join(parts))


# --- URLs ---------------------------------------------------------------------------------

_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(https?://[^\s>]+?)\s*-->", re.I)
_HEAD_LINK = re.compile(
    r"<(?:link|meta)\b[^>]*?(?:rel\s*=\s*[\"']?(?P<canonical>canonical)|property\s*=\s*[\"']?"
    r"(?P<og>og:url))[^>]*>|<base\b[^>]*>",
    re.IGNORECASE,
)
_BODY = re.compile(r"<body\b", re.IGNORECASE)
_ATTR = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_TEXT_URL = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)
_BARE_HOST = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.gouv\.fr(?:/[^\s<>\"'«»]*)?", re.IGNORECASE)


def attributes(tag: str) -> dict[str, str]:
    """Attributes of one start tag, names lower-cased, values entity-decoded."""
    found: dict[str, str] = {}
    for name, quoted in _ATTR.findall(tag):
        value = quoted[1:-1] if quoted[:1] in "\"'" else quoted
        found.setdefault(name.lower(), html.unescape(value).strip())
    return found


def markup_urls(markup: str, stripped: str | None = None) -> list[str]:
    """Where a saved page came from: « saved from url » comment, canonical, og:url, <base>.

    ``stripped`` is the markup after :func:`strip_invisible`, shorter to search, if known.
    """
    urls: list[str] = []
    saved = _SAVED_FROM.search(markup, 0, 4096)
    if saved:
        urls.append(saved.group(1))
    ranked: list[tuple[int, str]] = []
    head = markup if stripped is None else stripped
    body = _BODY.search(head)
    for match in _HEAD_LINK.finditer(head, 0, body.start() if body else len(head)):
        attrs = attributes(match.group())
        url = attrs.get("href") or attrs.get("content") or ""
        if url.lower().startswith(("http://", "https://")):
            rank = 0 if match.group("canonical") else 1 if match.group("og") else 2
            ranked.append((rank, url))
    for _, url in sorted(ranked, key=lambda r: r[0]):
        if url not in urls:
            urls.append(url)
    return urls


def text_urls(text: str) -> tuple[list[str], list[str]]:
    """URLs printed in plain text: (full http(s) URLs, bare ``*.gouv.fr/…`` as in a URL bar)."""
    full = [u.rstrip(".,;:)]»") for u in _TEXT_URL.findall(text)]
    bare = [u.rstrip(".,;:)]»") for u in _BARE_HOST.findall(text)]
    return full, bare


# --- dates shown on a page ----------------------------------------------------------------

_EZ_SLOT_LINK = re.compile(r"booking/create/\d+/5/(\d{9,13})(?!\d)")
_NEXT_DISPO = re.compile(r"prochaine disponibilite le (\d{1,2})/(\d{1,2})/(\d{4})")
_JSON_DISPO = re.compile(r'"datePremiereDispo"\s*:\s*"(\d{4})-(\d{2})-(\d{2})')
_STARTS_AT = re.compile(r"starts_at=(\d{4})-(\d{2})-(\d{2})")
_SELECTABLE_DAY = re.compile(
    r"<td\b([^>]*\bdata-handler\s*=\s*[\"']?selectDay\b[^>]*)>\s*<a\b[^>]*>\s*(\d{1,2})\s*</a>",
    re.IGNORECASE,
)
_PUBLICATION = re.compile(
    r"(derniere|prochaine) mise en ligne de (?:nouveaux )?rendez-vous\s*:?\s*le\s*"
    r"(\d{1,2})/(\d{1,2})/(\d{4})\s*a\s*(\d{1,2})\s*[h:]\s*(\d{2})"
)


def _day(year: int | str, month: int | str, day: int | str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _local_day(timestamp: str) -> date | None:
    seconds = int(timestamp) / 1000 if len(timestamp) == 13 else int(timestamp)
    try:
        # ezbooking's timestamps are instants; the slot's day is the day in France.
        return datetime.fromtimestamp(seconds, ZoneInfo("Europe/Paris")).date()
    except (OverflowError, OSError, ValueError):
        return None


def first_slot(system: str, text: str, markup: str, source: str | None = None) -> date | None:
    """The earliest free day a page shows, from the clues its system is known to give.

    ``text`` is the normalised visible text, ``markup`` the tags (after
    :func:`strip_invisible`) and ``source`` the whole page, for embedded JSON; both are
    empty for plain text.
    """
    source = markup if source is None else source
    days: list[date | None] = []
    if system == System.EZBOOKING:
        days = [_local_day(ts) for ts in _EZ_SLOT_LINK.findall(markup)]
    elif system == System.RDV_PREFECTURE:
        shown = _NEXT_DISPO.search(text)
        embedded = _JSON_DISPO.search(source)
        if shown:
            days = [_day(shown.group(3), shown.group(2), shown.group(1))]
        elif embedded:
            days = [_day(*embedded.groups())]
    elif system == System.EAPPOINTMENT:
        for cell, number in _SELECTABLE_DAY.findall(markup):
            attrs = attributes(cell)
            month = attrs.get("data-month", "")
            if month.isdigit() and attrs.get("data-year", "").isdigit():
                # jQuery-UI numbers months from 0.
                days.append(_day(attrs["data-year"], int(month) + 1, number))
    elif system == System.RDV_SERVICE_PUBLIC:
        days = [_day(*found) for found in _STARTS_AT.findall(markup)]
    found = [d for d in days if d is not None]
    return min(found) if found else None


def publications(text: str) -> tuple[datetime | None, datetime | None]:
    """RDV Préfecture's (last, next) publication of new slots, as naive local times."""
    last: datetime | None = None
    upcoming: datetime | None = None
    if "mise en ligne" not in text:
        return last, upcoming
    for which, day, month, year, hour, minute in _PUBLICATION.findall(text):
        try:
            when = datetime(int(year), int(month), int(day), int(hour), int(minute))
        except ValueError:
            continue
        if which == "derniere" and last is None:
            last = when
        elif which == "prochaine" and upcoming is None:
            upcoming = when
    return last, upcoming
