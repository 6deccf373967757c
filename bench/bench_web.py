"""Benchmark: the web app's dossier page and its screenshot upload, side by side with the
library and the CLI.

    .venv/bin/python bench/bench_web.py [--attempts 1000] [--screenshots 100] [--repeat 3]
    .venv/bin/python bench/bench_web.py --smoke      # tiny sizes, one round, never fails

Targets (issue 21):
- the dossier page of an applicant with 1,000 attempts renders in under 300 ms of server
  time (timed through Starlette's test client, in process; the baseline beside it is the
  bare library calls the page makes);
- uploading 100 screenshots without OCR through a running `guichets serve`, until its task
  has recorded them, takes at most 1.3× `guichets ingest screenshots --no-ocr` of the same
  files (both as a user runs them: a fresh process for the CLI, the server already started;
  rounds alternate which goes first, each on a fresh workspace).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.applicants import add_applicant, get_applicant
from toolkit.ingest.records import insert_attempt
from toolkit.model import Attempt
from toolkit.workspace import init_workspace

PAGE_LIMIT_MS = 300
UPLOAD_LIMIT = 1.3
BIN = Path(sys.executable).parent
TOKEN = "bench-token"


def phone_screenshot(i: int, rnd: random.Random, size: tuple[int, int] = (1080, 2340)) -> bytes:
    """A phone-sized page: header, lines of text, a coloured block (a few hundred kB)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (246, 246, 246))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, size[0], 140], fill=(0, 0, 145))
    d.text((40, 60), "Préfecture - Prise de rendez-vous", fill=(255, 255, 255))
    for k in range(40):
        d.text((40 + rnd.randint(0, 60), 200 + 48 * k),
               f"Il n'existe plus de plage horaire libre pour votre demande ({i}.{k})",
               fill=(30, 30, 30))  # fmt: skip
    d.rectangle([100, 2100, 980, 2300], fill=tuple(rnd.randint(0, 255) for _ in range(3)))
    noise = Image.effect_noise((size[0], 300), 40).convert("RGB")
    img.paste(noise, (0, 1600))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


# the dossier page --------------------------------------------------------------------
def dossier_workspace(root: Path, n: int) -> None:
    rnd = random.Random(21)
    zone = ZoneInfo("Europe/Paris")
    start = datetime(2025, 1, 6, 7, 0, tzinfo=zone)
    with init_workspace(root) as ws:
        add_applicant(ws, "bench", prefecture="76", procedure="renouvellement",
                      permit_expiry="2025-06-30", full_name="Personne Fictive")  # fmt: skip
        a = get_applicant(ws, "bench")
        with ws.transaction():
            src = ws.new_source("bench", None, {})
            for i in range(n):
                data = f"page {i} {rnd.random()}".encode()  # the page never opens originals
                name = f"Screenshot_{(start + timedelta(hours=2.1 * i)):%Y%m%d-%H%M%S}.png"
                sha = ws.store_file(data, name, "image/png")
                when = start + timedelta(hours=2.1 * i + rnd.random())
                outcome = "no_slot" if rnd.random() < 0.9 else "error"
                att = Attempt("bench", "online", when, "filename", outcome=outcome,
                              file_sha256=sha, original_name=name, system="ezbooking",
                              url="https://www.seine-maritime.gouv.fr/booking/create/28617/1")  # fmt: skip
                insert_attempt(ws, att, a, src)


def bench_page(tmp: Path, attempts: int, repeat: int) -> tuple[float, float]:
    """Median ms of GET /dossiers/bench, and of the library calls it makes."""
    from starlette.testclient import TestClient

    from toolkit.applicants import show_applicant
    from toolkit.attempts import attempt_records, document_records
    from toolkit.indicators.readiness import check_readiness
    from toolkit.timeline.gather import procedural_timeline
    from toolkit.web.app import create_app
    from toolkit.workspace import open_workspace

    root = tmp / "page"
    dossier_workspace(root, attempts)
    client = TestClient(create_app(root, token=TOKEN, allowed_hosts=("testserver",)))
    client.get(f"/?token={TOKEN}")
    assert "Dossier bench" in client.get("/dossiers/bench").text  # warm: templates, imports
    page, bare = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with open_workspace(root) as ws:
            show_applicant(ws, "bench")
            check_readiness(ws, "bench")
            attempt_records(ws, "bench")
            document_records(ws, "bench")
            procedural_timeline(ws, "bench")
        bare.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        r = client.get("/dossiers/bench")
        page.append(time.perf_counter() - t0)
        assert r.status_code == 200 and f"{attempts} tentative(s)" in r.text
    return statistics.median(page) * 1000, statistics.median(bare) * 1000


# the upload --------------------------------------------------------------------------
def multipart(files: list[Path], csrf: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'.encode()
    ]
    stamps = json.dumps([int(f.stat().st_mtime * 1000) for f in files])
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="last_modified"\r\n\r\n'
                 f"{stamps}\r\n".encode())  # fmt: skip
    for f in files:
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{f.name}"\r\nContent-Type: image/png\r\n\r\n')  # fmt: skip
        parts += [head.encode(), f.read_bytes(), b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), boundary


def new_workspace(root: Path) -> None:
    with init_workspace(root) as ws:
        add_applicant(ws, "bench", prefecture="76", procedure="renouvellement")


def time_cli(root: Path, folder: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "guichets"), "--workspace", str(root), "--quiet", "ingest", "screenshots",
         str(folder), "--applicant", "bench", "--no-ocr"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"CLI ingest failed: {done.stderr}")
    return elapsed


class Server:
    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen(
            [str(BIN / "guichets"), "--workspace", str(root), "--quiet", "serve", "--port", "0"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        url = self.proc.stdout.readline().strip()
        self.base, token = url.split("/?token=")
        self.auth = {"Authorization": f"token {token}"}
        page = self.get("/dossiers/bench").decode()
        self.csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(
            urllib.request.Request(self.base + path, headers=self.auth)
        ) as r:
            return bytes(r.read())

    def upload(self, files: list[Path]) -> float:
        body, boundary = multipart(files, self.csrf)
        headers = {**self.auth, "Accept": "application/json", "Origin": self.base,
                   "Content-Type": f"multipart/form-data; boundary={boundary}"}  # fmt: skip
        t0 = time.perf_counter()
        req = urllib.request.Request(self.base + "/dossiers/bench/preuves", body, headers)
        with urllib.request.urlopen(req) as r:
            job = json.loads(r.read())["job"]
        self.sent = time.perf_counter() - t0  # the upload streamed to the staging folder
        while True:
            state = json.loads(self.get(f"/taches/{job}.json"))
            if not state["running"]:
                break
            time.sleep(0.02)
        elapsed = time.perf_counter() - t0
        if state["status"] != "done" or f"{len(files)} tentative(s)" not in state["message"]:
            raise SystemExit(f"web upload failed: {state}")
        return elapsed

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def bench_upload(tmp: Path, n: int, repeat: int) -> tuple[float, float, list[float]]:
    rnd = random.Random(2025)
    folder = tmp / "shots"
    folder.mkdir()
    start = datetime(2025, 2, 24, 7, 15, 12)
    for i in range(n):
        name = f"Screenshot_{(start + timedelta(hours=7 * i)):%Y%m%d-%H%M%S}.png"
        (folder / name).write_bytes(phone_screenshot(i, rnd))
    files = sorted(folder.iterdir())
    size = sum(f.stat().st_size for f in files)
    print(f"upload: {n} screenshots, {size / 1e6:.0f} MB")
    cli, web, ratios = [], [], []
    for round_ in range(repeat):
        a, b = tmp / f"cli-{round_}", tmp / f"web-{round_}"
        new_workspace(a)
        new_workspace(b)
        server = Server(b)
        try:
            if round_ % 2 == 0:
                c, w = time_cli(a, folder), server.upload(files)
            else:
                w, c = server.upload(files), time_cli(a, folder)
        finally:
            server.stop()
        cli.append(c)
        web.append(w)
        ratios.append(w / c)
        print(f"  round {round_ + 1}: CLI {c:.2f} s, web {w:.2f} s (upload {server.sent:.2f} s), "
              f"ratio {w / c:.2f}")  # fmt: skip
    return statistics.median(cli), statistics.median(web), ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--screenshots", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one round, no verdict")
    args = parser.parse_args()
    if args.smoke:
        args.attempts, args.screenshots, args.repeat = 20, 4, 1
    tmp = Path(tempfile.mkdtemp(prefix="guichets-bench-web-"))
    try:
        page_ms, bare_ms = bench_page(tmp, args.attempts, max(args.repeat, 5))
        print(f"dossier page, {args.attempts} attempts: {page_ms:.0f} ms (limit {PAGE_LIMIT_MS} "
              f"ms); the library calls alone {bare_ms:.0f} ms, ratio {page_ms / bare_ms:.2f}")  # fmt: skip
        cli, web, ratios = bench_upload(tmp, args.screenshots, args.repeat)
        ratio = statistics.median(ratios)
        print(f"upload of {args.screenshots} screenshots: web {web:.2f} s, CLI {cli:.2f} s, "
              f"median ratio {ratio:.2f} (limit {UPLOAD_LIMIT})")  # fmt: skip
        if args.smoke:
            print("smoke run: sizes too small for a verdict")
            return 0
        ok = page_ms < PAGE_LIMIT_MS and ratio <= UPLOAD_LIMIT
        print("OK" if ok else "OVER THE LIMIT")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
