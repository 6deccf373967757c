"""Tesseract, loaded once per worker thread.

Running the ``tesseract`` program once per image costs a process start and the loading of
the language models every time (0.07 s of CPU for ``fra``, 0.14 s for ``fra+eng``, before
any text is read), then a PNG written and read back. Through the library's C API
(``libtesseract``, installed with the program) each worker thread keeps one engine loaded
and hands it the pixels directly; the threads of :func:`toolkit.classify.pool.map_ordered`
are reused across images, so the models load once per thread. ctypes releases the GIL
during the call, so the threads read in parallel.

Pages are read with ``fra`` alone: the booking pages are French, and the French model
reads the English of a Cloudflare or WAF page well enough for the signatures (see
``tests/classify/test_ocr.py``). Where the library cannot be loaded (another platform, a
tesseract without its C library), the ``tesseract`` program is run through pytesseract.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import threading
from functools import cache
from typing import TYPE_CHECKING

from toolkit.errors import InputError

if TYPE_CHECKING:
    from PIL import Image

LANGUAGE = "fra"
SOURCE_DPI = 150  # screen text: what tesseract estimates for a desktop screenshot
TIMEOUT_SECONDS = 180  # one call of the program; a 20-megapixel page takes well under a minute
_LIBRARY_NAMES = ("libtesseract.so.5", "libtesseract.so.4", "libtesseract.5.dylib")
_LEPTONICA_NAMES = ("liblept.so.5", "libleptonica.so.6", "liblept.5.dylib", "libleptonica.6.dylib")
L_SEVERITY_NONE = 6  # leptonica: print none of its messages on stderr


def _silence_leptonica() -> None:
    """Leptonica (tesseract's image library) prints « Error in boxClipToRectangle… » on
    stderr for harmless cases (an empty region); the ingest report says what matters."""
    names = [*_LEPTONICA_NAMES]
    found = ctypes.util.find_library("lept") or ctypes.util.find_library("leptonica")
    if found:
        names.append(found)
    for name in names:
        try:
            lib = ctypes.CDLL(name)
            lib.setMsgSeverity.argtypes = [ctypes.c_int]
            lib.setMsgSeverity(L_SEVERITY_NONE)
            return
        except (OSError, AttributeError):
            continue


def _bind(lib: ctypes.CDLL) -> ctypes.CDLL:
    c_void_p, c_char_p, c_int = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    lib.TessVersion.restype = c_char_p
    lib.TessBaseAPICreate.restype = c_void_p
    lib.TessBaseAPIInit3.argtypes = [c_void_p, c_char_p, c_char_p]
    lib.TessBaseAPIInit3.restype = c_int
    lib.TessBaseAPISetPageSegMode.argtypes = [c_void_p, c_int]
    lib.TessBaseAPISetVariable.argtypes = [c_void_p, c_char_p, c_char_p]
    lib.TessBaseAPISetImage.argtypes = [c_void_p, c_char_p, c_int, c_int, c_int, c_int]
    lib.TessBaseAPISetSourceResolution.argtypes = [c_void_p, c_int]
    lib.TessBaseAPIGetUTF8Text.argtypes = [c_void_p]
    lib.TessBaseAPIGetUTF8Text.restype = c_void_p
    lib.TessDeleteText.argtypes = [c_void_p]
    lib.TessBaseAPIClear.argtypes = [c_void_p]
    lib.TessBaseAPIEnd.argtypes = [c_void_p]
    lib.TessBaseAPIDelete.argtypes = [c_void_p]
    return lib


@cache
def library() -> ctypes.CDLL | None:
    """libtesseract through ctypes, or None when it cannot be loaded.

    ``OMP_THREAD_LIMIT=1`` is set before the library loads: OpenMP reads it once, when it
    starts, and one thread per engine is what lets N workers use N cores (more threads per
    engine spin and burn CPU for nothing).
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    names = [*_LIBRARY_NAMES]
    found = ctypes.util.find_library("tesseract")
    if found:
        names.append(found)
    for name in names:
        try:
            lib = _bind(ctypes.CDLL(name))
        except (OSError, AttributeError):
            continue
        _silence_leptonica()
        return lib
    return None


class _Api:
    """One loaded engine, used by one thread at a time."""

    def __init__(self, lib: ctypes.CDLL, handle: int) -> None:
        self.lib, self.handle = lib, handle

    def read(self, grey: Image.Image, psm: int) -> str:
        lib = self.lib
        data = grey.tobytes()
        lib.TessBaseAPISetPageSegMode(self.handle, psm)
        lib.TessBaseAPISetImage(self.handle, data, grey.width, grey.height, 1, grey.width)
        lib.TessBaseAPISetSourceResolution(self.handle, SOURCE_DPI)
        pointer = lib.TessBaseAPIGetUTF8Text(self.handle)
        try:
            if not pointer:
                raise InputError("OCR failed on this image (tesseract returned nothing)")
            return ctypes.string_at(pointer).decode("utf-8", "replace")
        finally:
            if pointer:
                lib.TessDeleteText(pointer)
            lib.TessBaseAPIClear(self.handle)


_local = threading.local()
_all: list[_Api] = []
_all_lock = threading.Lock()


def _new_api() -> _Api | None:
    lib = library()
    if lib is None:
        return None
    handle = lib.TessBaseAPICreate()
    if not handle or lib.TessBaseAPIInit3(handle, None, LANGUAGE.encode()) != 0:
        if handle:
            lib.TessBaseAPIDelete(handle)
        return None
    lib.TessBaseAPISetVariable(handle, b"debug_file", os.devnull.encode())
    api = _Api(lib, handle)
    with _all_lock:
        _all.append(api)
    return api


def _api() -> _Api | None:
    if not hasattr(_local, "api"):
        _local.api = _new_api()
    api: _Api | None = _local.api
    return api


@cache
def capi_version() -> str | None:
    """``"5.3.0"`` when the C library loads with the French model, else None."""
    lib = library()
    if lib is None or _api() is None:
        return None
    return str(lib.TessVersion().decode("ascii", "replace"))


def read(grey: Image.Image, psm: int) -> str:
    """The text tesseract reads on a greyscale (mode ``L``) image with page mode ``psm``."""
    api = _api()
    if api is not None:
        return api.read(grey, psm)
    return _read_program(grey, psm)


def engine_name() -> str:
    version = capi_version()
    return f"libtesseract {version} ({LANGUAGE})" if version else f"tesseract ({LANGUAGE})"


def _read_program(grey: Image.Image, psm: int) -> str:
    import pytesseract

    try:
        return str(
            pytesseract.image_to_string(
                grey, lang=LANGUAGE, config=f"--psm {psm}", timeout=TIMEOUT_SECONDS
            )
        )
    except pytesseract.TesseractError as e:
        raise InputError(f"OCR failed on this image ({e.message or e.status})") from None
    except RuntimeError as e:  # pytesseract's timeout
        raise InputError(f"OCR failed on this image ({e})") from None


@atexit.register
def _release() -> None:
    """Free every engine at exit (tesseract otherwise reports its caches as leaks)."""
    with _all_lock:
        for api in _all:
            api.lib.TessBaseAPIEnd(api.handle)
            api.lib.TessBaseAPIDelete(api.handle)
        _all.clear()
