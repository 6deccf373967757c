"""RFC 3161 tokens: the request, the checks on an answer, and the offline verification.

Built on pyHanko and asn1crypto (requests, status and nonce handling, CMS signature and
certificate path validation with pyhanko-certvalidator); nothing here encodes ASN.1 by
hand. A token is kept whole, as the TSA's ``TimeStampResp`` (DER, what ``openssl ts
-verify -in`` reads), with the TSA's certificate chain (PEM, signer first, root last).
When the token does not carry its issuers, they are fetched once, at request time, from
the addresses its certificates name (AIA ``caIssuers``); verification is then offline.

The root of the chain is the one the TSA presents: verifying against it proves that the
token is intact and consistently signed; whether that root is a trusted (e.g. qualified)
authority is a separate check, against the EU trusted lists, which the fingerprint printed
with every token makes possible.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from toolkit.errors import TimestampError

if TYPE_CHECKING:
    from asn1crypto import cms, x509

HASH = "sha256"
MAX_ISSUERS = 4  # AIA hops from the signer to a root
T = TypeVar("T")


@dataclass
class TokenFacts:
    """What a token says, read from it."""

    gen_time: datetime
    serial: str
    policy: str | None
    accuracy_ms: int | None
    hash_algorithm: str
    imprint: bytes
    nonce: int | None
    tsa_subject: str
    root_subject: str
    root_sha256: str


@dataclass
class Token:
    """A granted token, checked, with its chain."""

    response: bytes  # TimeStampResp, DER
    chain_pem: bytes
    facts: TokenFacts


@dataclass
class TokenCheck:
    """The offline verification of one stored token."""

    ok: bool
    facts: TokenFacts | None = None
    problems: list[str] = field(default_factory=list)


def new_request(message: bytes) -> tuple[int | None, bytes]:
    """(nonce, DER query) asking for a token over sha256(``message``), with the TSA's
    certificates."""
    from pyhanko.sign.timestamps.api import TimeStamper

    nonce, req = TimeStamper().request_cms(hashlib.sha256(message).digest(), HASH)
    return nonce, req.dump()


def accept(
    answer: bytes,
    *,
    who: str,
    nonce: int | None,
    message: bytes,
    fetch: Callable[[str], bytes],
) -> Token:
    """Check a TSA's answer to our query and complete its chain; TimestampError otherwise."""
    _quiet()
    try:
        response = _response_class().load(answer)
        status = response["status"]["status"].native
    except Exception:  # asn1crypto raises ValueError, TypeError…: all mean "not a response"
        raise TimestampError(
            f"{who}: answered {len(answer)} byte(s) that are not an RFC 3161 time-stamp "
            f"response ({_head(answer)}); nothing was recorded; try another --tsa"
        ) from None
    if status not in ("granted", "granted_with_mods"):
        text = response["status"]["status_string"].native or []
        raise TimestampError(
            f"{who}: refused the request ({status}{': ' + ' '.join(text) if text else ''}); "
            "nothing was recorded"
        )
    try:
        info = _tst_info(response["time_stamp_token"])
    except ValueError as e:
        raise TimestampError(f"{who}: {e}; nothing was recorded") from None
    expected = hashlib.sha256(message).digest()
    if (
        info["message_imprint"]["hashed_message"].native != expected
        or info["message_imprint"]["hash_algorithm"]["algorithm"].native != HASH
    ):
        raise TimestampError(
            f"{who}: the token is for other data (its message imprint is not the sha256 of "
            "our manifest); nothing was recorded; try another --tsa"
        )
    if nonce is not None and info["nonce"].native != nonce:
        raise TimestampError(
            f"{who}: the token's nonce is not the one guichets sent (a replayed or foreign "
            "answer); nothing was recorded; try another --tsa"
        )
    signed = response["time_stamp_token"]["content"]
    chain = _complete_chain(signed, who, fetch)
    from asn1crypto import pem

    chain_pem = b"".join(pem.armor("CERTIFICATE", c.dump()) for c in chain)
    check = verify_token(answer, chain_pem, message)
    if not check.ok or check.facts is None:
        raise TimestampError(
            f"{who}: the token does not verify ({'; '.join(check.problems)}); "
            "nothing was recorded; try another --tsa"
        )
    return Token(answer, chain_pem, check.facts)


def verify_token(response_der: bytes, chain_pem: bytes, message: bytes) -> TokenCheck:
    """Verify a stored token offline: readable, imprint = sha256(``message``), CMS signature,
    signer certificate for time-stamping, path to the chain's root valid at the token's time."""
    from asn1crypto import pem, tsp, x509
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    _quiet()
    try:
        token = tsp.TimeStampResp.load(response_der)["time_stamp_token"]
        info = _tst_info(token)
        certs = [x509.Certificate.load(der) for _, _, der in pem.unarmor(chain_pem, multiple=True)]
    except Exception as e:  # damaged bytes: asn1crypto raises several kinds
        return TokenCheck(False, problems=[f"token or chain unreadable ({type(e).__name__})"])
    if not certs:
        return TokenCheck(False, problems=["no certificate chain stored with the token"])
    facts = _facts(info, certs)
    problems = []
    if (
        info["message_imprint"]["hashed_message"].native
        != hashlib.new(
            info["message_imprint"]["hash_algorithm"]["algorithm"].native, message
        ).digest()
    ):
        problems.append("message imprint differs from the manifest (a token for other data)")
    root = certs[-1]
    context = ValidationContext(
        trust_roots=[root],
        other_certs=certs[:-1],
        allow_fetching=False,
        moment=facts.gen_time,
        revocation_mode="soft-fail",
    )
    try:
        status = run_coroutine(
            validate_tst_signed_data(
                token["content"], context, lambda algo: hashlib.new(algo, message).digest()
            )
        )
    except Exception as e:  # pyhanko raises its own errors for a broken signature
        problems.append(f"signature does not verify ({_first_line(e)})")
        return TokenCheck(False, facts, problems)
    if not status.get("intact") and not problems:
        problems.append("message imprint differs from the manifest (a token for other data)")
    if not status.get("valid"):
        problems.append("the signature does not match the token's content")
    if status.get("trust_problem_indic") is not None:
        problems.append(
            f"certificate path to the root not valid at the token's time "
            f"({status['trust_problem_indic']})"
        )
    return TokenCheck(not problems, facts, problems)


# --- internals ------------------------------------------------------------------------------


@cache
def _response_class() -> Any:
    """RFC 3161's ``TimeStampResp``, whose token is OPTIONAL (absent when the TSA refuses);
    asn1crypto's class requires it, so a refusal would read as « not a response »."""
    from asn1crypto import cms, core, tsp

    class TimeStampResp(core.Sequence):
        _fields: ClassVar[list[tuple[Any, ...]]] = [
            ("status", tsp.PKIStatusInfo),
            ("time_stamp_token", cms.ContentInfo, {"optional": True}),
        ]

    return TimeStampResp


def _tst_info(token: cms.ContentInfo) -> Any:
    from asn1crypto import core, tsp

    try:
        content = token["content"]["encap_content_info"]["content"]
        info = content.parsed if isinstance(content, core.ParsableOctetString) else None
    except Exception:
        info = None
    if not isinstance(info, tsp.TSTInfo):
        raise ValueError("the answer carries no time-stamp token (TSTInfo)")
    return info


def _facts(info: Any, certs: list[x509.Certificate]) -> TokenFacts:
    accuracy = info["accuracy"].native if info["accuracy"] else None
    accuracy_ms = None
    if accuracy:
        accuracy_ms = (
            (accuracy.get("seconds") or 0) * 1000
            + (accuracy.get("millis") or 0)
            + (accuracy.get("micros") or 0) // 1000
        )
    root = certs[-1]
    policy = info["policy"].native
    return TokenFacts(
        gen_time=info["gen_time"].native,
        serial=str(info["serial_number"].native),
        policy=str(policy) if policy else None,
        accuracy_ms=accuracy_ms,
        hash_algorithm=str(info["message_imprint"]["hash_algorithm"]["algorithm"].native),
        imprint=info["message_imprint"]["hashed_message"].native,
        nonce=info["nonce"].native if info["nonce"] else None,
        tsa_subject=certs[0].subject.human_friendly,
        root_subject=root.subject.human_friendly,
        root_sha256=hashlib.sha256(root.dump()).hexdigest(),
    )


def _complete_chain(
    signed: cms.SignedData, who: str, fetch: Callable[[str], bytes]
) -> list[x509.Certificate]:
    """Signer first, then each issuer up to a self-signed root; issuers missing from the
    token are fetched from the AIA addresses of the certificate they issued."""
    pool = [c.chosen for c in (signed["certificates"] or []) if c.name == "certificate"]
    sid = signed["signer_infos"][0]["sid"]
    signer = None
    if sid.name == "issuer_and_serial_number":
        wanted = sid.chosen
        signer = next(
            (
                c
                for c in pool
                if c.issuer == wanted["issuer"]
                and c.serial_number == wanted["serial_number"].native
            ),
            None,
        )
    else:
        key_id = sid.chosen.native
        signer = next((c for c in pool if c.key_identifier == key_id), None)
    if signer is None:
        raise TimestampError(
            f"{who}: the token does not carry the TSA's certificate although guichets asked "
            "for it; nothing was recorded; try another --tsa"
        )
    chain = [signer]
    while not _self_signed(chain[-1]):
        if len(chain) > MAX_ISSUERS:
            raise TimestampError(f"{who}: certificate chain longer than {MAX_ISSUERS}")
        current = chain[-1]
        issuer = next((c for c in pool if c.subject == current.issuer and c != current), None)
        if issuer is None:
            issuer = _fetch_issuer(current, fetch)
        if issuer is None:
            raise TimestampError(
                f"{who}: the certificate chain is incomplete (issuer "
                f"« {current.issuer.human_friendly} » neither in the token nor at an address "
                "its certificate names), so the token could not be verified offline; nothing "
                "was recorded; try another --tsa"
            )
        chain.append(issuer)
    return chain


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer and cert.self_signed in ("maybe", "yes")


def _fetch_issuer(cert: x509.Certificate, fetch: Callable[[str], bytes]) -> x509.Certificate | None:
    from asn1crypto import cms, pem, x509

    from toolkit.capture.tsa import Unreachable

    urls = []
    aia = cert.authority_information_access_value
    for desc in aia or []:
        location = desc["access_location"]
        if (
            desc["access_method"].native == "ca_issuers"
            and location.name == "uniform_resource_identifier"
        ):
            urls.append(location.native)
    for url in urls:
        try:
            data = fetch(url)
        except (Unreachable, TimestampError):
            continue
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        found: list[x509.Certificate] = []
        try:
            found = [x509.Certificate.load(data)]
            found[0].native  # noqa: B018 - parse now, fail here
        except Exception:
            try:  # a certs-only PKCS#7 (.p7c)
                signed = cms.ContentInfo.load(data)["content"]
                found = [c.chosen for c in signed["certificates"] if c.name == "certificate"]
            except Exception:
                found = []
        for candidate in found:
            if candidate.subject == cert.issuer:
                return candidate
    return None


def run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's coroutine, also from inside a running loop (a notebook, or Playwright's
    sync API, which keeps a loop running in the thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as e:  # handed back to the caller's thread
            box["error"] = e

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _quiet() -> None:
    """pyHanko logs warnings (e.g. an imprint mismatch) that guichets reports itself."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _head(data: bytes) -> str:
    shown = data[:24]
    if shown and all(32 <= b < 127 for b in shown):
        return f"starts with « {shown.decode('ascii')} »"
    return f"starts with {shown[:8].hex(' ')}" if shown else "empty"


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:200] if text else type(e).__name__
