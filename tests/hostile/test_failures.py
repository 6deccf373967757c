"""No command of the hostile corpus ends in a generic failure.

``find_failures`` runs every command over the malformed inputs of ``corpus`` (in-process,
ingest commands batched) and flags any output holding ``unexpected failure``, a traceback, or
a batch's last-resort line for a reader or a write nobody foresaw. Each of those must be a
specific line naming the file and the fix. The few left belong to code other issues rebuild;
they are listed in ``ELSEWHERE`` with their owner and run as expected failures, so that the
day they are fixed the list says so (XPASS).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.find_failures import Outcome, Prepared, prepare, run_all

CHUNKS = 4
# One worker runs the chunks (`make test` distributes by group): the corpus is built once.
pytestmark = pytest.mark.xdist_group("hostile-corpus")

#: Invocation labels (prefixes) whose generic failure lies in code another issue owns.
ELSEWHERE: dict[str, str] = {}


def _elsewhere(o: Outcome) -> bool:
    return any(o.invocation.label.startswith(label) for label in ELSEWHERE)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prepared]:
    yield prepare(tmp_path_factory.mktemp("hostile-corpus"))


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_no_generic_failure(corpus: Prepared, chunk: int) -> None:
    outcomes = run_all(corpus, chunk=(chunk, CHUNKS), batched=True)
    assert outcomes
    generic = [o.line() for o in outcomes if o.generic and not _elsewhere(o)]
    assert generic == []
    # every refusal says why in a line of its own (`check` exits 1 on its verdict, by contract)
    silent = [
        o.invocation.label
        for o in outcomes
        if o.exit_code == 1
        and not any(
            ln.startswith(("Error:", "Rejected:", "Verdict: insufficient"))
            for ln in o.output.splitlines()
        )
    ]
    assert silent == []


def test_generic_failures_owned_elsewhere(corpus: Prepared) -> None:
    """Each entry of ``ELSEWHERE`` still names invocations; those still failing generically
    are expected failures (empty today: nothing is left to another issue)."""
    failing = []
    for label in sorted(ELSEWHERE):
        outcomes = [
            o
            for o in run_all(corpus, only=label, batched=True)
            if o.invocation.label.startswith(label)
        ]
        assert outcomes, f"no invocation labelled {label!r} any more: update ELSEWHERE"
        failing += [ELSEWHERE[label]] if any(o.generic for o in outcomes) else []
    if failing:
        pytest.xfail("; ".join(failing))


def test_the_corpus_is_what_it_says(tmp_path: Path) -> None:
    """The finder flags what it must: a generic failure is seen, a specific line is not."""
    from tests.hostile.corpus import Invocation

    inv = Invocation("x", ())
    assert Outcome(inv, [], 1, "Error: unexpected failure (KeyError: 'x'); run again", None).generic
    assert Outcome(inv, [], 1, "Rejected: a.har: the reader failed (TypeError: x)", None).generic
    assert not Outcome(
        inv, [], 1, "Rejected: a.har: not valid JSON (…); export it again", None
    ).generic
