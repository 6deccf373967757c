"""Uploads streamed to disk: a multipart body is parsed as it arrives, each file written
to a staging folder, with limits on sizes and names checked before anything is kept.

A file's name is the user's (the base name is what dates a screenshot), so it is kept
byte for byte in its own numbered sub-folder; a name that climbs out of the folder
(``../``), is absolute or holds control characters refuses the whole upload. The CSRF
token must come before any file (the page's form puts it first; scripts send it in a
header), so nothing from a forged request is ever written.
"""

from __future__ import annotations

import hmac
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.requests import Request

MAX_FIELD_BYTES = 64 * 1024
MAX_FILES = 5000
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CSRF_MESSAGE = (
    "Formulaire expiré ou falsifié (jeton CSRF absent) : rechargez la page et recommencez."
)


class UploadRefused(Exception):
    """The upload is refused as a whole; ``message`` is shown to the user (French)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class UploadedFile:
    name: str  # as the user named it (a relative path for a dropped folder)
    path: Path  # where it was staged
    field: str = "files"  # the form field it came in
    size: int = 0


@dataclass
class Upload:
    folder: Path
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)

    def field(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[-1] if values else default

    def in_field(self, name: str) -> list[UploadedFile]:
        return [f for f in self.files if f.field == name]

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def mb(n: int) -> str:
    return f"{n / 1_000_000:.0f} Mo" if n >= 1_000_000 else f"{n / 1000:.0f} ko"


def safe_name(raw: str) -> str:
    """The user's file name as a relative path of plain parts, or UploadRefused."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    bad = (
        _CONTROL.search(name)
        or name.startswith("/")
        or _DRIVE.match(name)
        or ".." in parts
        or not parts
        or len(parts[-1].encode("utf-8")) > 255
    )
    if bad:
        shown = _CONTROL.sub("?", raw)[:200]
        raise UploadRefused(
            400,
            f"Nom de fichier refusé : « {shown} » (chemin qui sort du dossier envoyé, "
            "chemin absolu ou caractère de contrôle). Rien n'a été enregistré : "
            "renommez le fichier et envoyez-le de nouveau.",
        )
    return "/".join(parts)


class _Receiver:
    """python-multipart callbacks writing file parts to the staging folder."""

    def __init__(
        self, folder: Path, csrf: str, csrf_ok: bool, max_bytes: int, max_file_bytes: int
    ) -> None:
        self.folder = folder
        self.csrf = csrf
        self.csrf_ok = csrf_ok
        self.max_bytes = max_bytes
        self.max_file_bytes = max_file_bytes
        self.upload = Upload(folder)
        self.total = 0
        self.error: UploadRefused | None = None
        self._headers: dict[str, str] = {}
        self._hname = b""
        self._hvalue = b""
        self._field: str | None = None
        self._value = bytearray()
        self._file: UploadedFile | None = None
        self._out: IO[bytes] | None = None

    # header callbacks -----------------------------------------------------
    def on_part_begin(self) -> None:
        self._headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._hname += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._hvalue += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._hname.decode("latin-1").lower()] = self._hvalue.decode(
            "utf-8", "replace"
        )
        self._hname, self._hvalue = b"", b""

    def on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, params = parse_options_header(self._headers.get("content-disposition", ""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        self._field, self._file, self._value = None, None, bytearray()
        if filename is None:
            self._field = name
            return
        raw = filename.decode("utf-8", "replace")
        if raw == "":  # a file input left empty
            return
        if not self.csrf_ok:
            raise UploadRefused(403, CSRF_MESSAGE)
        if len(self.upload.files) >= MAX_FILES:
            raise UploadRefused(413, f"Trop de fichiers en un envoi (plus de {MAX_FILES}) : "
                                     "envoyez-les en plusieurs fois.")  # fmt: skip
        display = safe_name(raw)
        target = self.folder / f"{len(self.upload.files):05d}" / display.rsplit("/", 1)[-1]
        target.parent.mkdir(parents=True)
        self._file = UploadedFile(display, target, field=name)
        self.upload.files.append(self._file)
        self._out = open(target, "wb")  # noqa: SIM115 (closed in on_part_end or on failure)

    # data callbacks -------------------------------------------------------
    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        n = end - start
        self.total += n
        if self.total > self.max_bytes:
            raise UploadRefused(
                413,
                f"Envoi trop volumineux : plus de {mb(self.max_bytes)} en une fois. Rien n'a été "
                "enregistré : envoyez les fichiers en plusieurs fois.",
            )
        if self._file is not None and self._out is not None:
            self._file.size += n
            if self._file.size > self.max_file_bytes:
                raise UploadRefused(
                    413,
                    f"Fichier trop volumineux : « {self._file.name} » dépasse "
                    f"{mb(self.max_file_bytes)}. Rien n'a été enregistré.",
                )
            self._out.write(data[start:end])
        elif self._field is not None:
            self._value += data[start:end]
            if len(self._value) > MAX_FIELD_BYTES:
                raise UploadRefused(413, "Champ de formulaire trop long : rien n'a été enregistré.")

    def on_part_end(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        elif self._field is not None:
            value = self._value.decode("utf-8", "replace")
            self.upload.fields.setdefault(self._field, []).append(value)
            if self._field == "csrf" and hmac.compare_digest(value, self.csrf):
                self.csrf_ok = True
        self._field, self._file = None, None

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def receive(
    request: Request,
    folder: Path,
    *,
    csrf: str,
    max_bytes: int,
    max_file_bytes: int,
) -> Upload:
    """Stream the multipart body of ``request`` into ``folder`` (created, and removed again
    when the upload is refused); UploadRefused says why in French."""
    from python_multipart import MultipartParser
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import parse_options_header

    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    header_token = request.headers.get("x-csrf-token", "")
    header_ok = hmac.compare_digest(header_token, csrf)
    if ctype != b"multipart/form-data" or not boundary:
        if not header_ok:
            raise UploadRefused(403, CSRF_MESSAGE)
        raise UploadRefused(400, "Envoi illisible : utilisez le formulaire de la page.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise UploadRefused(
            413,
            f"Envoi trop volumineux : {mb(int(declared))} pour une limite de {mb(max_bytes)}. "
            "Rien n'a été enregistré : envoyez les fichiers en plusieurs fois.",
        )
    folder.mkdir(parents=True)
    receiver = _Receiver(folder, csrf, header_ok, max_bytes, max_file_bytes)
    callbacks = {
        name: getattr(receiver, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            if chunk:
                parser.write(chunk)
        parser.finalize()
        if not receiver.csrf_ok:
            raise UploadRefused(403, CSRF_MESSAGE)
    except UploadRefused:
        receiver.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    except MultipartParseError:
        receiver.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadRefused(400, "Envoi interrompu ou illisible : recommencez.") from None
    except BaseException:
        receiver.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return receiver.upload
