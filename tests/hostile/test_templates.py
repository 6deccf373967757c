"""Letter templates and rules files are data: a hostile one runs nothing, writes nothing, and
gets one line naming the file and the tag.

Each payload is put in a Word file passed with ``--templates``. The ones that would act
(write a file, read ``/etc/hostname``) are proven not to have: the canary file does not
exist, and no letter holding the host name was written.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from tests.hostile.limits import MEMORY_LIMIT_MB, run_cli

CANARY = "PWNED-by-template"


def _template(folder: Path, text: str, *, title: str = "") -> Path:
    from docx import Document

    folder.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph("Madame, Monsieur,")
    doc.add_paragraph(text)
    doc.core_properties.title = title
    path = folder / "ddd.docx"
    doc.save(str(path))
    return path


def _rce(canary: Path) -> dict[str, str]:
    """Payloads that, in a plain Jinja environment, run a command or read a file."""
    touch = f"touch {canary}"
    return {
        "globals-os": "{{ cycler.__init__.__globals__.os.popen('" + touch + "').read() }}",
        "lipsum": "{{ lipsum.__globals__['os'].system('" + touch + "') }}",
        "mro": "{{ nom.__class__.__mro__[1].__subclasses__() }}",
        "self": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('"
        + touch
        + "') }}",
        "read-hostname": "{{ ''.__class__.__mro__[1].__subclasses__()[0]('/etc/hostname').read() }}",
        "dynamic-key": "{{ nom['__cl' ~ 'ass__'] }}",
        "attr-filter": "{{ nom|attr('__class__') }}",
        "set": "{% set x = nom %}{{ x }}",
        "include": "{% include '/etc/hostname' %}",
        "import": "{% import 'os' as os %}",
        "macro": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "call-method": "{{ nom.upper() }}",
        "namespace": "{{ namespace(x=1) }}",
        "format-bomb": "{{ '%999999999s' % nom }}",
        "center-bomb": "{{ nom|center(999999999) }}",
        "repeat-bomb": "{{ nom * 999999999 }}",
        "power": "{{ 9 ** 9 ** 9 }}",
    }


REFUSED = {  # payload -> what the error line says
    "globals-os": "calling a function or method is not allowed",
    "lipsum": "calling a function or method is not allowed",
    "mro": "calling a function or method is not allowed",
    "self": "calling a function or method is not allowed",
    "read-hostname": "calling a function or method is not allowed",
    "dynamic-key": "only a constant can pick an item",
    "attr-filter": "the filter 'attr' is not allowed",
    "set": "`set` is not allowed",
    "include": "`include` is not allowed",
    "import": "`import` is not allowed",
    "macro": "`macro` is not allowed",
    "call-method": "calling a function or method is not allowed",
    "namespace": "calling a function or method is not allowed",
    "format-bomb": "`%` formatting is not allowed",
    "center-bomb": "the filter 'center' is not allowed",
    "repeat-bomb": "repeating text more than 1000 times is not allowed",
    "power": "`**` is not allowed",
}


@pytest.fixture(scope="module")
def letter_ws(ingested_template: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One open copy of the ingested workspace for the library-level cases."""
    import shutil

    from toolkit.workspace import open_workspace

    root = tmp_path_factory.mktemp("letters") / "ws"
    shutil.copytree(ingested_template, root)
    with open_workspace(root) as ws:
        yield ws


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_hostile_tag_runs_nothing_and_is_named(letter_ws, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    from toolkit.documents import build_letter
    from toolkit.errors import TemplateRefused

    canary = tmp_path / CANARY
    template = _template(tmp_path / "tpl", _rce(canary)[case])
    out = tmp_path / "letter.docx"
    before = letter_ws.scalar("SELECT count(*) FROM generated")
    with pytest.raises(TemplateRefused) as e:
        build_letter(letter_ws, "c-76", "ddd", out, templates=template.parent, draft=True)
    message = str(e.value)
    assert message.startswith(f"{template}: tag {{")
    assert REFUSED[case] in message and "templates/README.md" in message
    assert "\n" not in message
    assert not canary.exists() and not out.exists()
    assert letter_ws.scalar("SELECT count(*) FROM generated") == before
    assert not list(tmp_path.glob(".letter.docx.*"))


@pytest.mark.parametrize("case", ["globals-os", "set", "format-bomb"])
def test_the_cli_says_it_in_one_line(ingested, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    canary = tmp_path / CANARY
    template = _template(tmp_path / "tpl", _rce(canary)[case])
    out = tmp_path / "letter.docx"
    r = ingested(
        "letter", "ddd", "c-76", "--out", str(out), "--templates", str(template.parent), "--draft"
    )
    assert r.exit_code == 1, r.output
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and r.stderr.count("Error:") == 1, r.stderr
    assert errors[0].startswith(f"Error: {template}: tag {{") and REFUSED[case] in errors[0]
    assert not canary.exists() and not out.exists()


def test_the_tag_is_quoted_as_typed(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    template = _template(tmp_path / "tpl", "Bonjour {{ nom }}, {{ nom.__class__ }} !")
    r = ingested("letter", "ddd", "c-76", "--out", str(tmp_path / "l.docx"),
                 "--templates", str(template.parent), "--draft")  # fmt: skip
    assert r.exit_code == 1
    assert (
        f"Error: {template}: tag {{{{ nom.__class__ }}}}: the attribute '__class__' is private"
        in r.stderr
    )


def test_a_payload_in_the_document_properties_is_refused(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    canary = tmp_path / CANARY
    template = _template(tmp_path / "tpl", "{{ nom }}", title=_rce(canary)["globals-os"])
    r = ingested("letter", "ddd", "c-76", "--out", str(tmp_path / "l.docx"),
                 "--templates", str(template.parent), "--draft")  # fmt: skip
    assert r.exit_code == 1 and "calling a function or method is not allowed" in r.stderr
    assert not canary.exists() and not (tmp_path / "l.docx").exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            "{% for a in [0,1,2,3,4,5,6,7,8,9] %}{% for b in [0,1,2,3,4,5,6,7,8,9] %}"
            "{% for c in [0,1,2,3,4,5,6,7,8,9] %}{% for d in [0,1,2,3,4,5,6,7,8,9] %}"
            "{% for e in [0,1,2,3,4,5,6,7,8,9] %}x{% endfor %}{% endfor %}{% endfor %}"
            "{% endfor %}{% endfor %}",
            "the loops of this letter would turn more than 50000 times",
        ),
        ("{{ 1 / 0 }}", "the template failed (ZeroDivisionError"),
    ],
    ids=["loops", "division"],
)
def test_bombs_and_failures_are_one_line(
    letter_ws, tmp_path: Path, payload: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    from toolkit.documents import build_letter
    from toolkit.errors import InputError

    template = _template(tmp_path / "tpl", payload)
    with pytest.raises(InputError, match=re.escape(message)) as e:
        build_letter(letter_ws, "c-76", "ddd", tmp_path / "l.docx", templates=template.parent,
                     draft=True)  # fmt: skip
    assert str(e.value).startswith(f"{template}: ") and "\n" not in str(e.value)
    assert not (tmp_path / "l.docx").exists()


def test_an_output_bomb_stays_small_in_its_own_process(tmp_path: Path, ingested) -> None:  # type: ignore[no-untyped-def]
    payload = (
        "{% for a in [0,1,2,3,4,5,6,7,8,9] %}{% for b in [0,1,2,3,4,5,6,7,8,9] %}"
        "{% for c in [0,1,2,3,4,5,6,7,8,9] %}{% for d in [0,1,2,3,4,5,6,7,8,9] %}"
        + "x" * 2000
        + "{{ nom }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"
    )
    template = _template(tmp_path / "tpl", payload)
    out = tmp_path / "l.docx"
    run = run_cli(ingested.workspace, "letter", "ddd", "c-76", "--out", str(out),
                  "--templates", str(template.parent), "--draft", timeout=60)  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert run.error_lines == [line for line in run.stderr.splitlines() if line.strip()]
    assert len(run.error_lines) == 1
    assert "the letter would exceed 10 million characters" in run.error_lines[0]
    assert run.peak_mb < MEMORY_LIMIT_MB
    assert not out.exists()


@pytest.mark.parametrize(
    "payload",
    ['{{ (("x" * 1000) * 1000) * 1000 }}', "{{ (([0] * 1000) * 1000) * 1000 }}"],
    ids=["text", "list"],
)
def test_nested_repeats_are_refused_before_they_are_built(
    tmp_path: Path, ingested, payload: str
) -> None:  # type: ignore[no-untyped-def]
    """Each repeat is under the bound, their product is a gigabyte: refused before it exists
    (was 2 GB of memory for the text, « unexpected failure (MemoryError) » for the list)."""
    template = _template(tmp_path / "tpl", payload)
    out = tmp_path / "l.docx"
    run = run_cli(ingested.workspace, "letter", "ddd", "c-76", "--out", str(out),
                  "--templates", str(template.parent), "--draft", timeout=60)  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert len(run.error_lines) == 1, run.stderr
    assert run.error_lines[0].startswith(f"Error: {template}: tag {payload}: the letter would "
                                         "exceed 10 million characters")  # fmt: skip
    assert run.peak_mb < MEMORY_LIMIT_MB
    assert not out.exists()


def test_a_real_run_of_the_exploit_leaves_no_trace(tmp_path: Path, ingested) -> None:  # type: ignore[no-untyped-def]
    """The issue's exploit, end to end in its own process: no file written, no host name read."""
    canary = tmp_path / CANARY
    text = _rce(canary)["globals-os"] + " " + _rce(canary)["read-hostname"]
    template = _template(tmp_path / "tpl", text)
    run = run_cli(ingested.workspace, "letter", "ddd", "c-76", "--out", str(tmp_path / "l.docx"),
                  "--templates", str(template.parent), "--draft", timeout=60)  # fmt: skip
    assert run.returncode == 1 and len(run.error_lines) == 1
    assert not canary.exists()
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    assert (hostname or socket.gethostname()) not in run.stdout + run.stderr
    assert not (tmp_path / "l.docx").exists()


def test_the_bundled_templates_still_render(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from toolkit.documents.docx import docx_text

    # two screenshots are not a file a court would accept: a draft, at the guichet
    assert ingested("applicant", "update", "c-76", "--route", "guichet").exit_code == 0
    r = ingested("letter", "requete", "c-76", "--out", str(tmp_path / "r.docx"), "--draft")
    assert r.exit_code == 0, r.output
    text = "\n".join(docx_text((tmp_path / "r.docx").read_bytes()))
    assert "Inès Fictive" in text and "{{" not in text


# --- rules files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "named"),
    [
        ("{attempts:>999999999}", "format {attempts:>999999999} is not allowed"),
        ("{attempts!r}", "conversion !r is not allowed"),
        ("{applicant.__class__}", "placeholder {applicant.__class__} must be a plain name"),
        ("{attempts:{attempts}}", "format {attempts:{attempts}} is not allowed"),
    ],
)
def test_rules_messages_cannot_format_a_bomb(tmp_path: Path, message: str, named: str) -> None:
    from toolkit.errors import InputError
    from toolkit.indicators.readiness_rules import load_rules

    rules = tmp_path / "rules.toml"
    rules.write_text(f"[rules.attempts.messages]\nmessage = '''{message}'''\nok = 'ok'\n")
    with pytest.raises(InputError) as e:
        load_rules(rules)
    assert str(e.value).startswith(f"{rules}: [rules.attempts].messages: `message`: ")
    assert named in str(e.value)


def test_rules_keep_plain_formats(tmp_path: Path) -> None:
    from toolkit.indicators.readiness_rules import load_rules

    rules = tmp_path / "rules.toml"
    rules.write_text(
        "[rules.attempts.messages]\nmessage = '{attempts:>4} ({span_days:.1f})'\nok = 'ok'\n"
    )
    assert (
        load_rules(rules).rules["attempts"].messages["message"] == "{attempts:>4} ({span_days:.1f})"
    )
