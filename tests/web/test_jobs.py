"""Jobs: one per key while it runs, their state in a file that outlives the page."""

from __future__ import annotations

import threading
from pathlib import Path

from toolkit.errors import InputError
from toolkit.web.jobs import JobRunner, Link, Outcome


def _runner(folder: Path, instance: str = "one") -> JobRunner:
    return JobRunner(folder, instance, lambda e: f"failed: {e}")


def test_asking_twice_gives_the_running_job(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    gate = threading.Event()
    calls = []

    def work(progress):  # type: ignore[no-untyped-def]
        calls.append(1)
        progress(1, 4, "a.png")
        gate.wait(10)
        return Outcome("ok", links=[Link("zip", "/telechargements/x.zip")])

    first, new = runner.start("exhibits", "exhibits:a", "Pièces", work, applicant="a")
    second, again = runner.start("exhibits", "exhibits:a", "Pièces", work, applicant="a")
    assert new and not again and first.id == second.id
    gate.set()
    done = runner.wait(first.id)
    assert done is not None and done.status == "done" and done.done == 4
    assert done.links == [{"label": "zip", "url": "/telechargements/x.zip"}]
    assert calls == [1]
    third, fresh = runner.start("exhibits", "exhibits:a", "Pièces", work, applicant="a")
    assert fresh and third.id != first.id  # once ended, the same work can start again
    runner.wait(third.id)


def test_state_survives_in_a_file_and_a_stopped_servers_job_is_interrupted(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    gate = threading.Event()

    def work(progress):  # type: ignore[no-untyped-def]
        progress(2, 10, "b.png")
        gate.wait(10)
        return Outcome("ok")

    job, _ = runner.start("ingest", "k", "Ajout", work, applicant="a")
    while runner.get(job.id).done != 2:  # type: ignore[union-attr]
        pass
    runner._save(runner.get(job.id))  # type: ignore[arg-type]  # as the throttle would
    after_restart = _runner(tmp_path, instance="two").get(job.id)
    assert after_restart is not None and after_restart.status == "interrupted"
    assert after_restart.done == 2 and after_restart.title == "Ajout"
    gate.set()
    runner.wait(job.id)
    assert _runner(tmp_path, instance="two").get(job.id).status == "done"  # type: ignore[union-attr]
    assert [j.id for j in runner.recent(applicant="a")] == [job.id]
    assert runner.recent(applicant="b") == []


def test_a_failure_is_kept_with_its_message(tmp_path: Path) -> None:
    runner = _runner(tmp_path)

    def work(progress):  # type: ignore[no-untyped-def]
        raise InputError("no files found")

    job, _ = runner.start("ingest", "k", "Ajout", work)
    ended = runner.wait(job.id)
    assert ended is not None and ended.status == "failed"
    assert ended.error == "failed: no files found"
    assert runner.get("../../etc/passwd") is None
