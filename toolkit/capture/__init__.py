"""Observe a booking page as a commissaire de justice would, and seal evidence in time.

- :func:`capture_page` (``guichets capture``): a headless Chromium in a fresh context loads
  the page (from an official start page when given), keeps a full-page PNG, the HAR, an
  MHTML snapshot and a record of the path, the environment and the clocks, and records an
  attempt with time source ``capture``. It observes only: no form is submitted, no captcha
  solved, no retry.
- :func:`timestamp_files` (``guichets timestamp``) and :func:`complete_pending`: RFC 3161
  tokens over a manifest of files' SHA-256, one request per TSA.
- :func:`verify_tokens`: every token checked offline (called by ``guichets verify``).

Names resolve lazily: Playwright and pyHanko load only when used.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "capture_page": "toolkit.capture.record",
    "CaptureResult": "toolkit.capture.record",
    "timestamp_files": "toolkit.capture.timestamps",
    "complete_pending": "toolkit.capture.timestamps",
    "TimestampReport": "toolkit.capture.timestamps",
    "verify_tokens": "toolkit.capture.verify_tokens",
    "default_tsas": "toolkit.capture.tsa",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit.capture' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
