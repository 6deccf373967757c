"""Long work (OCR of hundreds of screenshots, an exhibit build) runs in a thread of the server
while pages stay usable; its state is a small JSON file under ``out/web/jobs/``.

A page reload reads the state back, so the progress survives it; asking again for work
that is already under way (the same ``key``: one dossier's exhibits, one upload) gives the
running job instead of a second one. Jobs that write the workspace run one at a time,
in order (:class:`~toolkit.web.store.Store` holds the write lock); a job of a server that
was stopped is shown as interrupted.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RUNNING = ("waiting", "running")
SAVE_EVERY = 0.5  # seconds between progress writes
KEEP = 200  # state files kept; older ended jobs are forgotten


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Outcome:
    """What a finished job shows: a sentence, links to what it made, problems by file."""

    message: str
    links: list[Link] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # what was made, one line each
    ok: bool = True


@dataclass
class Job:
    id: str
    kind: str
    key: str
    title: str  # French, for people
    applicant: str | None
    instance: str
    status: str = "waiting"  # waiting, running, done, failed, interrupted
    done: int = 0
    total: int = 0
    label: str = ""
    started_at: str = ""
    finished_at: str = ""
    message: str = ""
    links: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def percent(self) -> int | None:
        return int(100 * self.done / self.total) if self.total else None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "running": self.running, "percent": self.percent}


Work = Callable[[Callable[[int, int, str], None]], Outcome]


class JobRunner:
    def __init__(
        self,
        folder: Path,
        instance: str,
        describe_error: Callable[[BaseException], str],
        advise: Callable[[BaseException], str] | None = None,
    ):
        """``describe_error(e)``: a failure's line (its detail); ``advise(e)``: what the
        person can do about it, shown first."""
        self.folder = folder
        self.instance = instance
        self.describe_error = describe_error
        self.advise = advise
        self._lock = threading.Lock()
        self._live: dict[str, Job] = {}  # id -> job of this server
        self._by_key: dict[str, str] = {}  # key -> id of a running job

    # state files ------------------------------------------------------------
    def _path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"

    def _save(self, job: Job) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".job-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(asdict(job), f, ensure_ascii=False)
            os.replace(tmp, self._path(job.id))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _load(self, path: Path) -> Job | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            job = Job(**data)
        except (OSError, ValueError, TypeError):
            return None
        if job.running and job.instance != self.instance:
            job.status = "interrupted"  # its server stopped before it ended
        return job

    # public -----------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        if not job_id.isalnum():
            return None
        with self._lock:
            live = self._live.get(job_id)
        return live if live is not None else self._load(self._path(job_id))

    def recent(self, *, applicant: str | None = None, limit: int = 10) -> list[Job]:
        """Jobs newest first (of this dossier, or of the associations' pages when
        ``applicant`` is ``""``)."""
        jobs = []
        for path in self.folder.glob("*.json") if self.folder.is_dir() else []:
            job = self.get(path.stem)
            if job is None:
                continue
            if applicant is not None and (job.applicant or "") != applicant:
                continue
            jobs.append(job)
        jobs.sort(key=lambda j: (j.started_at, j.id), reverse=True)
        return jobs[:limit]

    def start(
        self, kind: str, key: str, title: str, work: Work, *, applicant: str | None = None
    ) -> tuple[Job, bool]:
        """Start ``work`` in a thread, or return the job already running for ``key``;
        the flag says whether a new job was started."""
        with self._lock:
            running = self._by_key.get(key)
            if running is not None and self._live[running].running:
                return self._live[running], False
            job = Job(
                id=uuid.uuid4().hex[:16],
                kind=kind,
                key=key,
                title=title,
                applicant=applicant,
                instance=self.instance,
                started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            self._live[job.id] = job
            self._by_key[key] = job.id
            self._save(job)
        self._prune()
        thread = threading.Thread(target=self._run, args=(job, work), daemon=True)
        thread.name = f"guichets-job-{job.id}"
        thread.start()
        return job, True

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for path in files[: max(0, len(files) - KEEP)]:
            job = self._load(path)
            if job is None or not job.running or job.instance != self.instance:
                path.unlink(missing_ok=True)

    def wait_all(self, timeout: float = 120.0) -> None:
        """Block until every job of this server has ended (tests, shutdown)."""
        with self._lock:
            ids = list(self._live)
        for job_id in ids:
            self.wait(job_id, timeout)

    def wait(self, job_id: str, timeout: float = 60.0) -> Job | None:
        """Block until the job ends (tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(job_id)
            if job is None or not job.running:
                return job
            time.sleep(0.02)
        return self.get(job_id)

    def _run(self, job: Job, work: Work) -> None:
        last = [0.0]

        def progress(done: int, total: int, label: str) -> None:
            job.status = "running"
            job.done, job.total, job.label = done, total, label[:80]
            now = time.monotonic()
            if now - last[0] >= SAVE_EVERY:
                last[0] = now
                self._save(job)

        try:
            outcome = work(progress)
        except BaseException as e:  # every failure is shown on the job's page
            job.status = "failed"
            job.error = self.describe_error(e)
            job.message = self.advise(e) if self.advise else ""
        else:
            job.status = "done" if outcome.ok else "failed"
            job.message = outcome.message
            job.links = [asdict(link) for link in outcome.links]
            job.problems = outcome.problems
            job.notes = outcome.notes
            job.items = outcome.items
            if job.total:
                job.done = job.total
        job.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._save(job)
            if self._by_key.get(job.key) == job.id:
                del self._by_key[job.key]
