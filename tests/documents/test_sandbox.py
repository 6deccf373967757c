"""The letter sandbox: what a template may do renders; the rest is refused with its tag."""

from __future__ import annotations

import pytest

from toolkit.documents.sandbox import MAX_ITERATIONS, LetterEnvironment, Refused


def render(source: str, **context: object) -> str:
    return LetterEnvironment().from_string(source).render(**context)


def test_what_a_letter_needs_renders() -> None:
    pieces = [{"numero": 1, "intitule": "Titre"}, {"numero": 2, "intitule": "Captures"}]
    text = render(
        "{% for p in pieces %}{{ p.numero }}. {{ p.intitule|upper }}"
        "{% if not loop.last %}, {% endif %}{% endfor %} — {{ n + 1 }} {{ '-' * 3 }} "
        "{{ titres|join(' ; ') }} {{ pieces[0]['intitule'] }} {{ absent|default('—') }}"
        "{% if n is even %} pair{% elif n > 3 %} grand{% else %} impair{% endif %}",
        pieces=pieces, n=3, titres=["a", "b"], absent=None,
    )  # fmt: skip
    assert text == "1. TITRE, 2. CAPTURES — 4 --- a ; b Titre None impair"


@pytest.mark.parametrize(
    ("source", "context", "reason"),
    [
        ("{{ nom * n }}", {"nom": "a", "n": 10**6}, "repeating text more than 1000 times"),
        ("{{ fmt % nom }}", {"fmt": "%9s", "nom": "a"}, "`%` formatting is not allowed"),
        ("{{ s|join(',') }}", {"s": "abc"}, "`join` takes a list"),
        ("{% for x in xs %}{% endfor %}", {"xs": range(MAX_ITERATIONS + 1)}, "more than 50000"),
    ],
)
def test_run_time_refusals(source: str, context: dict, reason: str) -> None:
    env = LetterEnvironment()
    with pytest.raises(Refused, match=reason) as e:
        env.from_string(source).render(**context)
    assert env.tag_of(e.value) == source if "for" not in source else True


def test_the_sandbox_holds_even_past_the_checks() -> None:
    env = LetterEnvironment()
    assert not env.is_safe_attribute("x", "_private", None)
    assert not env.is_safe_attribute("x", "__class__", None)
    with pytest.raises(Refused, match="calling a function"):
        env.call(None, str.upper, "x")  # type: ignore[arg-type]
    assert env.globals == {}
