"""End to end in a real browser: `guichets serve` as a user starts it, Debian's Chromium
driven by Playwright (never a downloaded browser). Every page visited is photographed into
``$GUICHETS_SCREENSHOTS`` (default: a temporary folder) so that a person can look at it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import SAMPLE, SHOTS, THREE
from toolkit.custody import entries as custody_entries
from toolkit.workspace import init_workspace, open_workspace

pytestmark = pytest.mark.xdist_group("browser")

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LIMIT_MB = 5


class Server:
    def __init__(self, root: Path) -> None:
        cli = Path(sys.executable).parent / "guichets"
        self.proc = subprocess.Popen(
            [str(cli), "--workspace", str(root), "serve", "--port", "0",
             "--max-upload-mb", str(LIMIT_MB)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.proc.stderr.read()  # type: ignore[union-attr]
        self.base, self.token = self.url.split("/?token=")
        self.port = int(self.base.rsplit(":", 1)[1])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with dossier 2025-001, so that each test stands alone (xdist may run
    another module's tests between two of these, and then starts this module's fixtures
    again)."""
    from toolkit.applicants import add_applicant

    folder = tmp_path_factory.mktemp("browser") / "ws"
    with init_workspace(folder) as ws:
        add_applicant(ws, "2025-001", prefecture="38", procedure="premiere-demande")
    return folder


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[Server]:
    s = Server(root)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("GUICHETS_SCREENSHOTS")
    folder = Path(given) if given else tmp_path_factory.mktemp("screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def page(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("profile")  # a fresh --user-data-dir
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            locale="fr-FR", accept_downloads=True, viewport={"width": 1280, "height": 900},
        )  # fmt: skip
        context.set_default_timeout(90_000)
        tab = context.new_page()
        yield tab
        context.close()


def snap(page: Any, shots: Path, name: str) -> None:
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # load lazy thumbnails
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def finish_job(page: Any) -> str:
    """Wait on a job's page until it ends; return its message."""
    page.wait_for_url("**/taches/*")
    page.wait_for_selector(".message", timeout=120_000)
    return str(page.inner_text("main"))


def test_without_the_token_every_page_is_refused(page: Any, server: Server, shots: Path) -> None:
    page.context.clear_cookies()
    answer = page.goto(server.base + "/")
    assert answer.status == 403
    assert "Il manque le jeton secret" in page.inner_text("main")
    snap(page, shots, "00-sans-jeton")
    assert page.goto(server.base + "/?token=faux").status == 403


def test_a_lawyer_goes_from_screenshots_to_a_zip_of_pieces(
    page: Any, server: Server, shots: Path, root: Path, tmp_path: Path
) -> None:
    from toolkit.verify import verify_folder

    page.goto(server.url)
    assert page.url == server.base + "/"  # the token left the address bar
    snap(page, shots, "01-accueil")
    page.click("text=Créer un dossier")
    page.fill("#id", "2025-017")
    page.select_option("#prefecture", "76")
    page.select_option("#procedure", "renouvellement")
    page.fill("#permit_expiry", "2025-04-15")
    page.fill("#full_name", "Nadia Exemple")
    snap(page, shots, "02-nouveau-dossier")
    page.click("text=Créer le dossier")
    page.wait_for_selector("text=Dossier créé")
    snap(page, shots, "03-dossier-vide")

    journal = tmp_path / "journal.csv"  # the applicant's journal: 30 minutes off one name
    journal.write_text(f"fichier;date;heure;résultat\n{THREE[0]};24/02/2025;07:45;pas de créneau\n",
                       encoding="utf-8")  # fmt: skip
    page.set_input_files("#preuves-fichiers", [*(str(SHOTS / n) for n in THREE), str(journal)])
    assert page.inner_text("[data-chosen]") == "4 fichiers prêts à envoyer."
    page.uncheck("#ocr")
    page.click("text=Envoyer les fichiers")
    text = finish_job(page)
    assert "Captures d'écran : 3 tentative(s) ou contact(s) enregistré(s)" in text
    snap(page, shots, "04-tache-ajout")
    page.click("text=Retour au dossier 2025-017")
    assert "3 tentative(s) et contact(s)" in page.inner_text("main")
    # without OCR nothing read the two others' outcome: they wait for a person too
    assert "3 tentative(s) à vérifier" in page.inner_text("main")

    page.click("a:has-text('Vérifier')")  # resolve the time conflict as a person
    conflict = page.locator("section.review", has_text=THREE[0])
    assert "heures de sources différentes en désaccord" in conflict.inner_text()
    snap(page, shots, "05a-a-verifier")
    conflict.locator("input[name=time]").fill("2025-02-24 07:15")
    conflict.locator("input[name=note]").fill("heure du téléphone visible sur la capture")
    conflict.locator("button").click()
    page.wait_for_selector("text=Vérification enregistrée")
    assert "heures de sources différentes en désaccord" not in page.inner_text("main")
    assert page.locator("section.review").count() == 2
    page.click("text=Retour au dossier")
    assert "2 tentative(s) à vérifier" in page.inner_text("main")
    assert page.locator("img.thumb").count() == 3
    snap(page, shots, "05-dossier-trois-captures")  # scrolled: the lazy thumbnails load
    loaded = page.evaluate(
        "Array.from(document.querySelectorAll('img.thumb, img.chart')).every(i => i.naturalWidth > 0)"
    )
    assert loaded, "a thumbnail or the chart did not load"

    page.click("text=Générer les pièces")
    text = finish_job(page)
    assert "pièce(s)" in text
    snap(page, shots, "06-tache-pieces")
    with page.expect_download() as got:
        page.click("text=Télécharger les pièces (zip)")
    archive = tmp_path / "pieces.zip"
    got.value.save_as(archive)
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path)
    result = verify_folder(tmp_path / "pieces-2025-017")
    assert result.ok and result.checked >= 3, result.lines()
    with open_workspace(root, read_only=True) as ws:
        assert ws.scalar("SELECT count(*) FROM attempts WHERE applicant_id = '2025-017'") == 3
        actions = [e["action"] for e in custody_entries(ws.con, applicant="2025-017")]
    assert {"applicant.add", "ingest.screenshots", "review", "exhibits.build"} <= set(actions)
    page.goto(server.base + "/dossiers/2025-017/tracabilite")
    snap(page, shots, "07-tracabilite")

    page.goto(server.base + "/dossiers/2025-017#tentatives")  # a capture of someone else
    page.click("a:has-text('Retirer la ligne du 10/03/2025')")
    assert THREE[2] in page.inner_text("main")
    page.click("text=Retirer du dossier")  # no reason: the browser asks for one
    assert "/retirer/tentative/" in page.url and page.locator("#reason:invalid").count() == 1
    page.fill("#reason", "capture d'une autre personne")
    snap(page, shots, "07a-retirer")
    page.click("text=Retirer du dossier")
    page.wait_for_selector("text=Ligne retirée du dossier")
    assert "2 tentative(s) et contact(s)" in page.inner_text("main")


def test_an_association_uploads_a_crawl_and_sees_its_prefecture(
    page: Any, server: Server, shots: Path
) -> None:
    page.goto(server.url)
    page.goto(server.base + "/associations")
    snap(page, shots, "08-associations-vide")
    page.set_input_files("#releves-fichiers", str(SAMPLE / "crawl" / "robot-canonical.csv"))
    assert page.is_checked("#r-preview")  # read first, by default
    page.click("text=Enregistrer les relevés")
    assert "Rien n'a encore été enregistré" in finish_job(page)
    page.click("text=Voir l'aperçu, puis enregistrer")
    assert "robot-canonical.csv" in page.inner_text("h2#f1")
    snap(page, shots, "08a-associations-apercu")
    page.click("text=Enregistrer ces relevés")
    text = finish_job(page)
    assert "Relevés de robots : 13" in text
    page.click("text=Voir le tableau des préfectures")
    table = page.inner_text("table")
    assert "Préfecture de la Seine-Maritime (76)" in table
    snap(page, shots, "09-associations-tableau")
    page.click("text=Préfecture de la Seine-Maritime (76)")
    page.wait_for_load_state("networkidle")  # the chart is drawn on first request
    assert page.evaluate("document.querySelector('img.chart').naturalWidth") > 0
    snap(page, shots, "10-prefecture-76")


def test_security_refusals_in_the_browser(page: Any, server: Server, shots: Path) -> None:
    page.goto(server.url)
    page.goto(server.base + "/dossiers/2025-001")
    no_csrf = page.evaluate(
        """async () => (await fetch('/dossiers', {method: 'POST',
             body: new URLSearchParams({id: 'x-1', prefecture: '76', procedure: 'autre'})})).status"""
    )
    assert no_csrf == 403
    token = page.get_attribute("input[name=csrf]", "value")
    traversal = page.evaluate(
        """async (token) => {
             const form = new FormData();
             form.append('csrf', token);
             form.append('files', new Blob(['\\x89PNG']), '../../evil.png');
             const r = await fetch('/dossiers/2025-001/preuves',
                                   {method: 'POST', body: form, headers: {Accept: 'application/json'}});
             return [r.status, (await r.json()).error];
           }""",
        token,
    )
    assert traversal[0] == 400 and traversal[1].startswith("Nom de fichier refusé")
    oversize = page.evaluate(
        """async ([token, n]) => {
             const form = new FormData();
             form.append('csrf', token);
             form.append('files', new Blob([new Uint8Array(n)]), 'grand.png');
             const r = await fetch('/dossiers/2025-001/preuves',
                                   {method: 'POST', body: form, headers: {Accept: 'application/json'}});
             return [r.status, (await r.json()).error];
           }""",
        [token, (LIMIT_MB + 1) * 1_000_000],
    )
    assert oversize[0] == 413 and "Rien n'a été enregistré" in oversize[1]


def test_the_page_warns_before_sending_too_much(
    page: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    big = tmp_path / "enorme.png"
    with open(big, "wb") as f:
        f.truncate((LIMIT_MB + 1) * 1_000_000)
    page.goto(server.url)
    page.goto(server.base + "/dossiers/2025-001")
    page.set_input_files("#preuves-fichiers", str(big))
    page.click("text=Envoyer les fichiers")
    alert = page.locator("[data-error]:not([hidden])")
    alert.wait_for()
    assert "Rien n'a été envoyé" in alert.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error')")
    snap(page, shots, "11-envoi-trop-gros")


def test_a_file_dropped_on_the_page_is_recorded_with_its_date(
    page: Any, server: Server, shots: Path, root: Path
) -> None:
    page.goto(server.url)
    page.goto(server.base + "/dossiers/2025-001")
    dateless = Path(__file__).resolve().parents[1] / "fixtures" / "screenshots" / "dateless"
    data = list((dateless / "IMG_0001.PNG").read_bytes())
    page.evaluate(
        """([bytes, name]) => {
             const file = new File([new Uint8Array(bytes)], name, {lastModified: 1741161660000});
             const drop = new DataTransfer();
             drop.items.add(file);
             const zone = document.querySelector('[data-dropzone]');
             zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: drop, bubbles: true}));
             zone.dispatchEvent(new DragEvent('drop', {dataTransfer: drop, bubbles: true}));
           }""",
        [data, "IMG_0001.PNG"],
    )
    page.wait_for_function("() => document.querySelector('[data-chosen]').textContent !== ''")
    assert page.inner_text("[data-chosen]") == "1 fichier prêt à envoyer."
    page.uncheck("#ocr")
    page.click("text=Envoyer les fichiers")
    assert "1 tentative(s) ou contact(s) enregistré(s)" in finish_job(page)
    with open_workspace(root, read_only=True) as ws:
        rows = ws.rows(
            "SELECT original_name, time_source, observed_at FROM attempts "
            "WHERE applicant_id = '2025-001'"
        )
    # an image with no date of its own is dated by the file's date the browser read
    assert [(r["original_name"], r["time_source"]) for r in rows] == [("IMG_0001.PNG", "mtime")]
    assert rows[0]["observed_at"] == datetime(2025, 3, 5, 8, 1, tzinfo=UTC)


def test_forms_are_labelled_and_usable_with_the_keyboard(page: Any, server: Server) -> None:
    page.goto(server.url)
    for path in ("/", "/dossiers/nouveau", "/dossiers/2025-001", "/associations"):
        page.goto(server.base + path)
        unlabelled = page.evaluate(
            """Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
                 .filter(e => !e.labels || e.labels.length === 0).map(e => e.name || e.id)"""
        )
        assert unlabelled == [], (path, unlabelled)
        assert page.evaluate("document.documentElement.lang") == "fr"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.goto(server.base + "/dossiers/nouveau")
    page.focus("#id")
    page.keyboard.type("clavier-1")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # the préfecture list answers to the keyboard
    assert page.evaluate("document.activeElement.id") == "prefecture"


def _addresses() -> set[str]:
    """This machine's other IPv4 addresses, and another loopback one (127.0.1.1)."""
    found = {"127.0.1.1"}
    with contextlib.suppress(OSError):
        found.update(
            i[4][0] for i in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        )
    try:
        out = subprocess.run(["ip", "-o", "-4", "addr", "show"], capture_output=True, text=True,
                             timeout=10, check=False).stdout  # fmt: skip
        found.update(line.split()[3].split("/")[0] for line in out.splitlines())
    except OSError:
        pass
    return {str(a) for a in found} - {"127.0.0.1"}


def test_the_server_listens_on_127_0_0_1_only(server: Server) -> None:
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, port = local.rsplit(":", 1)
                if int(port, 16) == server.port and state == "0A":  # LISTEN
                    listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, and no IPv6 socket at all
    for address in _addresses():
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((address, server.port)) != 0, address
    with socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass
