"""The guard: the launch token on every request, the host, CSRF on every form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.web.conftest import TOKEN, csrf, make_client


def test_no_token_is_refused_everywhere(webws: Path) -> None:
    from toolkit.web.app import create_app

    bare = TestClient(create_app(webws, token=TOKEN, allowed_hosts=("testserver",)))
    for path in ("/", "/dossiers/w-76", "/static/style.css", "/associations", "/taches/x.json"):
        r = bare.get(path, follow_redirects=False)
        assert r.status_code == 403, path
        assert "Il manque le jeton secret" in r.text
    assert bare.get("/?token=wrong").status_code == 403
    assert bare.get("/", headers={"authorization": f"token {TOKEN}"}).status_code == 200


def test_the_token_in_the_address_becomes_a_cookie_and_leaves_the_address(webws: Path) -> None:
    from toolkit.web.app import create_app

    c = TestClient(create_app(webws, token=TOKEN, port=8765, allowed_hosts=("testserver",)))
    r = c.get(f"/dossiers/w-76?token={TOKEN}&x=1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/dossiers/w-76?x=1"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"guichets_8765={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = c.get("/dossiers/w-76")
    assert page.status_code == 200 and "Dossier w-76" in page.text


def test_another_host_name_is_refused(client: TestClient) -> None:
    r = client.get("/", headers={"host": "attacker.example"})
    assert r.status_code == 403 and "127.0.0.1" in r.text


def test_pages_forbid_remote_assets_and_framing(client: TestClient) -> None:
    r = client.get("/")
    policy = r.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "http" not in "".join(line for line in r.text.splitlines() if "src=" in line)


def _post_routes(client: TestClient) -> list[str]:
    paths = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and "POST" in (route.methods or set()):
            path = route.path.replace("{applicant}", "w-76").replace("{number:int}", "1")
            paths.append(re.sub(r"\{[^}]+\}", "abcdef0123456789", path))
    return paths


def test_every_form_refuses_a_post_without_the_csrf_token(client: TestClient) -> None:
    paths = _post_routes(client)
    assert len(paths) >= 8
    for path in paths:
        plain = client.post(path, data={"kind": "ddd", "id": "x"})
        assert plain.status_code == 403, path
        multipart = client.post(path, files=[("files", ("a.png", b"x"))])
        assert multipart.status_code == 403, path
    assert "rechargez la page" in plain.text.lower() or "Rechargez" in plain.text


def test_a_post_from_another_origin_is_refused(client: TestClient) -> None:
    r = client.post(
        "/dossiers",
        data={"csrf": csrf(client), "id": "x-1", "prefecture": "76", "procedure": "autre"},
        headers={"origin": "http://attacker.example"},
    )
    assert r.status_code == 403
    assert "x-1" not in client.get("/").text


@pytest.mark.parametrize(
    "name", ["../../evil.png", "/etc/evil.png", "a\\..\\..\\b.png", "a/../../b.png"]
)
def test_a_file_name_that_leaves_the_folder_is_refused_and_nothing_is_kept(
    client: TestClient, webws: Path, name: str
) -> None:
    r = client.post(
        "/dossiers/w-76/preuves",
        data={"csrf": csrf(client)},
        files=[
            ("files", ("ok.png", b"\x89PNG\r\n\x1a\n")),
            ("files", (name, b"\x89PNG\r\n\x1a\n")),
        ],
        headers={"accept": "application/json"},
    )
    assert r.status_code == 400
    assert r.json()["error"].startswith("Nom de fichier refusé")
    staged = webws / "out" / "web" / "uploads"
    assert not staged.exists() or not any(staged.iterdir())
    assert not (webws / "evil.png").exists() and not Path("/etc/evil.png").exists()


def test_an_upload_over_the_limit_is_refused_with_a_message(webws: Path) -> None:
    with make_client(webws, max_upload_mb=0.01) as c:  # 10 kB
        big = c.post(
            "/dossiers/w-76/preuves",
            data={"csrf": csrf(c)},
            files=[("files", ("big.png", b"\x89PNG" + b"0" * 200_000))],
            headers={"accept": "application/json"},
        )
        assert big.status_code == 413
        assert "Envoi trop volumineux" in big.json()["error"]
        assert "Rien n'a été enregistré" in big.json()["error"]
        page = c.post(  # without the script: the same words, on a page
            "/dossiers/w-76/preuves",
            data={"csrf": csrf(c)},
            files=[("files", ("big.png", b"0" * 200_000))],
        )
        assert page.status_code == 413 and "Envoi refusé" in page.text
    staged = webws / "out" / "web" / "uploads"
    assert not staged.exists() or not any(staged.iterdir())


def test_control_characters_and_empty_names_are_refused() -> None:
    from toolkit.web.uploads import UploadRefused, safe_name

    assert safe_name("dossier/Capture d’écran 2025-02-24 à 12.40.33.png") == (
        "dossier/Capture d’écran 2025-02-24 à 12.40.33.png"
    )
    for bad in ("bad\x01.png", "", "/", "..", "x/..", "a\x00b"):
        with pytest.raises(UploadRefused):
            safe_name(bad)


def test_a_file_before_the_csrf_token_is_never_written(client: TestClient, webws: Path) -> None:
    body = (
        b'--B\r\nContent-Disposition: form-data; name="files"; filename="a.png"\r\n\r\n'
        b'\x89PNG\r\n--B\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
        + csrf(client).encode()
        + b"\r\n--B--\r\n"
    )
    r = client.post("/dossiers/w-76/preuves", content=body,
                    headers={"content-type": "multipart/form-data; boundary=B"})  # fmt: skip
    assert r.status_code == 403
    staged = webws / "out" / "web" / "uploads"
    assert not staged.exists() or not any(staged.iterdir())
