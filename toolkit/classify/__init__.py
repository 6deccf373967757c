"""Classify a booking page: which system, which outcome, and the signature that decided.

The signature table is read from ``signatures.toml`` on first use, not at import.
"""

from toolkit.classify.signatures import (
    Signature,
    SystemRule,
    classify_html,
    classify_text,
    signatures,
    system_rules,
)
from toolkit.classify.text import decode_html, normalise

__all__ = [
    "Signature",
    "SystemRule",
    "classify_html",
    "classify_text",
    "decode_html",
    "normalise",
    "signatures",
    "system_rules",
]
