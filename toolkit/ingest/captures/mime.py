"""MIME files (e-mails, MHTML pages) parsed within bounds of time, memory and depth.

The standard library's modern e-mail policy (``email.policy.default``) parses structured
headers in time and memory quadratic in their length: a 1.7 MB message whose Subject is a run
of RFC 2047 encoded-words took more than 10 GiB. Here messages are split with the legacy
``compat32`` policy, which keeps header values as raw text, and only the headers guichets
needs are decoded, by :func:`decode_words`, a single left-to-right pass.

Bounds, each refused with one line naming it (:class:`~toolkit.errors.LimitExceeded`):

- ``MAX_BYTES`` and ``MAX_LINES`` before parsing: the parser keeps one string per line of a
  part, so a file of short lines costs about 60 bytes a line;
- ``MAX_PARTS`` parts (nested messages included) and ``MAX_DEPTH`` levels of nesting, counted
  while parsing; a nesting deeper than Python's recursion limit is refused, never raised;
- ``MAX_HEADERS`` header fields in the whole file;
- a decoded header is at most ``MAX_HEADER_CHARS`` characters of raw text and
  ``MAX_ENCODED_WORDS`` encoded-words.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Iterator
from email.message import Message
from email.policy import Compat32

from toolkit.errors import LimitExceeded

MB = 1 << 20
MAX_BYTES = 48 * MB  # a 25 MB attachment is 34 MB once base64-encoded
MAX_LINES = 2_000_000
MAX_PARTS = 2_000
MAX_DEPTH = 32
MAX_HEADERS = 10_000
MAX_HEADER_CHARS = 100_000
MAX_ENCODED_WORDS = 1_000

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([QqBb])\?([^?\s]*)\?=")
_QP_HEX = re.compile(r"=([0-9A-Fa-f]{2})")


class _Counter:
    """Counts the parts and header fields the parser creates; stops it past a bound."""

    def __init__(self, what: str, fix: str) -> None:
        self.parts = -1  # the parser makes one probe call to the factory
        self.headers = 0
        self.what = what
        self.fix = fix

    def message(self, policy: Compat32 | None = None) -> Message:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise LimitExceeded(
                f"{self.what} has more than {MAX_PARTS:,} MIME parts (the limit); {self.fix}"
            )
        return Message(policy) if policy is not None else Message()

    def header(self) -> None:
        self.headers += 1
        if self.headers > MAX_HEADERS:
            raise LimitExceeded(
                f"{self.what} has more than {MAX_HEADERS:,} header fields (the limit); {self.fix}"
            )


def _policy(counter: _Counter) -> Compat32:
    class Counting(Compat32):
        def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
            counter.header()
            return super().header_source_parse(sourcelines)

    return Counting()


def parse(data: bytes, *, what: str, fix: str, headers_only: bool = False) -> Message:
    """The message in ``data``; ``what`` names it in messages ("e-mail"), ``fix`` says what to
    do. Raises LimitExceeded past a bound."""
    from email.parser import BytesParser

    if len(data) > MAX_BYTES:
        raise LimitExceeded(
            f"{what} of {len(data) / MB:.0f} MB is larger than the {MAX_BYTES // MB} MB limit; {fix}"
        )
    lines = data.count(b"\n")
    if lines > MAX_LINES:
        raise LimitExceeded(
            f"{what} has {lines:,} lines, more than the limit of {MAX_LINES:,}; {fix}"
        )
    counter = _Counter(what, fix)
    parser = BytesParser(_class=counter.message, policy=_policy(counter))
    try:
        msg = parser.parsebytes(data, headersonly=headers_only)
    except RecursionError:
        raise LimitExceeded(f"{what} nests its MIME parts too deeply; {fix}") from None
    depth = max((d for _, d in walk(msg)), default=0)
    if depth > MAX_DEPTH:
        raise LimitExceeded(
            f"{what} nests its MIME parts {depth} levels deep, more than the limit of "
            f"{MAX_DEPTH}; {fix}"
        )
    return msg


def walk(msg: Message) -> Iterator[tuple[Message, int]]:
    """Every part, depth first, with its depth (the message itself is 0); no recursion."""
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        yield part, depth
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            stack.extend((p, depth + 1) for p in reversed(payload) if isinstance(p, Message))


def header(msg: Message, name: str, what: str, fix: str) -> str | None:
    """The header's value, RFC 2047 decoded, on one line; None when absent or blank."""
    text = raw_header(msg, name, what, fix)
    if text is None:
        return None
    value = " ".join(decode_words(text, name, what, fix).split())
    return value or None


def raw_header(msg: Message, name: str, what: str, fix: str) -> str | None:
    """The header's text as sent (encoded-words left as they are), bounded like
    :func:`header`. Raw 8-bit text (RFC 6532) is read as UTF-8, else Windows-1252."""
    wanted = name.lower()
    text = next((v for k, v in msg.raw_items() if k.lower() == wanted), None)
    if text is None:
        return None
    if len(text) > MAX_HEADER_CHARS:
        raise LimitExceeded(
            f"{what}: the {name} header is {len(text):,} characters long, more than the limit "
            f"of {MAX_HEADER_CHARS:,}; {fix}"
        )
    if not text.isascii():  # the parser keeps 8-bit bytes as surrogates
        data = text.encode("utf-8", "surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", "replace")
    return text


def decode_words(text: str, name: str = "header", what: str = "message", fix: str = "") -> str:
    """Decode RFC 2047 encoded-words in one pass.

    Adjacent encoded-words are joined without the blanks between them (RFC 2047 §6.2), and
    their bytes are decoded together when they share a charset, so a character split across
    two words survives. An unknown charset or damaged Base64 is decoded as well as it can be
    (U+FFFD for what cannot), never refused.
    """
    out: list[str] = []
    pending: list[bytes] = []  # bytes of adjacent encoded-words in one charset
    pending_charset = ""
    position = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            out.append(_decode(b"".join(pending), pending_charset))
        pending, pending_charset = [], ""

    for count, match in enumerate(_ENCODED_WORD.finditer(text), start=1):
        if count > MAX_ENCODED_WORDS:
            raise LimitExceeded(
                f"{what}: the {name} header holds more than {MAX_ENCODED_WORDS:,} encoded words "
                f"(the limit); {fix}"
            )
        between = text[position : match.start()]
        if between.strip() or not pending:
            flush()
            out.append(between)
        charset = match.group(1).split("*", 1)[0].lower()
        if pending and charset != pending_charset:
            flush()
        pending.append(_word_bytes(match.group(2), match.group(3)))
        pending_charset = charset
        position = match.end()
    flush()
    out.append(text[position:])
    return "".join(out)


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "Bb":
        raw = payload.encode("ascii", "replace")
        try:
            return base64.b64decode(raw + b"=" * (-len(raw) % 4))
        except (binascii.Error, ValueError):
            return "\ufffd".encode()
    text = payload.replace("_", " ")
    return _QP_HEX.sub(lambda m: chr(int(m.group(1), 16)), text).encode("latin-1", "replace")


def _decode(data: bytes, charset: str) -> str:
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        codec = "utf-8"
    try:
        return data.decode(codec, "replace")
    except (LookupError, UnicodeError):  # a codec that is not a text encoding
        return data.decode("utf-8", "replace")
