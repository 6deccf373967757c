"""Word files that come out byte for byte the same from the same inputs.

python-docx stamps the time into the core properties and the zip entries; we pin both
(core properties to a date derived from the evidence, zip entries to 1980-01-01) and
keep the entries in the order python-docx wrote them. Templates are Word files holding
Jinja tags, rendered by docxtpl in a sandbox (``sandbox.py``: a template prints, tests and
loops, and runs nothing) with every variable required: a tag naming an unknown variable is
an error, never a ``{{ … }}`` left in a letter.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, TemplateRefused
from toolkit.zips import normalize_zip

AUTHOR = "guichets"
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def pin_properties(document: Any, *, when: datetime, title: str = "") -> None:
    """Author, dates and revision of a python-docx Document set to fixed values."""
    naive = when.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    cp = document.core_properties
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.created = naive
    cp.modified = naive
    cp.last_printed = naive
    cp.revision = 1
    cp.title = title
    cp.comments = ""
    cp.keywords = ""
    cp.subject = ""
    cp.category = ""
    cp.identifier = ""
    cp.version = ""


def docx_bytes(document: Any, *, when: datetime, title: str = "") -> bytes:
    """A python-docx Document as bytes, the same for the same content."""
    pin_properties(document, when=when, title=title)
    buf = io.BytesIO()
    document.save(buf)
    return normalize_zip(buf.getvalue())


def save_docx(document: Any, path: Path, *, when: datetime, title: str = "") -> None:
    """Save a python-docx Document deterministically."""
    path.write_bytes(docx_bytes(document, when=when, title=title))


def template_variables(template: Path) -> set[str]:
    """The variables a template uses (as docxtpl sees them)."""
    from docxtpl import DocxTemplate

    return set(DocxTemplate(str(template)).get_undeclared_template_variables())


def docx_text(data: bytes) -> list[str]:
    """The text of every paragraph (body, tables, headers, footers) of a .docx."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    out: list[str] = []

    def paragraphs(container: Any) -> Iterable[Any]:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from paragraphs(cell)

    for p in paragraphs(doc):
        out.append(p.text)
    for section in doc.sections:
        for part in (section.header, section.footer):
            out.extend(p.text for p in paragraphs(part))
    return out


MAX_TEMPLATE_BYTES = 50_000_000  # a letter template unzipped: Word files of a few pages


def _check_size(template: Path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(template) as z:
            size = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(f"{template}: not a Word (.docx) file ({e}); save it as .docx") from None
    if size > MAX_TEMPLATE_BYTES:
        raise InputError(
            f"{template}: {size // 1_000_000} MB once unzipped is too large for a letter "
            "template; start again from a copy of guichets' templates/ folder"
        )


def render_template(
    template: Path, context: dict[str, Any], *, when: datetime, title: str = ""
) -> bytes:
    """Render a docxtpl template with ``context`` in the letter sandbox
    (``toolkit.documents.sandbox``); return the .docx bytes (deterministic)."""
    import jinja2
    from docxtpl import DocxTemplate

    from toolkit.documents.sandbox import LetterEnvironment, Refused

    if not template.is_file():
        raise InputError(f"{template}: template not found")
    _check_size(template)
    env = LetterEnvironment()
    try:
        tpl = DocxTemplate(str(template))
        tpl.render(context, jinja_env=env, autoescape=True)
    except Refused as e:
        tag = e.tag or env.tag_of(e)
        where = f"tag {tag}: " if tag else ""
        raise TemplateRefused(
            f"{template}: {where}{e.reason}; a template may only print the variables of "
            "templates/README.md, test them and loop over lists (nothing was written)"
        ) from None
    except jinja2.UndefinedError as e:
        raise InputError(
            f"{template}: {e}; use only the variables listed in templates/README.md"
        ) from None
    except jinja2.TemplateSyntaxError as e:
        raise InputError(f"{template}: Jinja syntax error ({e.message}, line {e.lineno})") from None
    except (jinja2.TemplateError, ArithmeticError, ValueError, TypeError, LookupError) as e:
        raise InputError(
            f"{template}: the template failed ({type(e).__name__}: {e}); fix that tag or start "
            "again from a copy of guichets' templates/ folder"
        ) from None
    buf = io.BytesIO()
    pin_properties(tpl.docx, when=when, title=title)
    tpl.save(buf)
    data = normalize_zip(buf.getvalue())
    left = TAG.findall("\n".join(docx_text(data)))
    if left:
        raise InputError(f"{template}: tag(s) left unrendered: {', '.join(left[:3])}")
    return data
