"""Zips with the same bytes every time."""

from __future__ import annotations

import io
import zipfile

from toolkit.zips import ZIP_TIME, fixed_entry, normalize_zip


def _zip(when: tuple[int, ...], mode: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, text in (("word/document.xml", "<w:document/>"), ("[Content_Types].xml", "x")):
            info = zipfile.ZipInfo(name, date_time=when)
            info.external_attr = mode << 16
            z.writestr(info, text * 50)
    return buf.getvalue()


def test_normalize_zip_forgets_time_and_mode_and_keeps_order() -> None:
    a = normalize_zip(_zip((2025, 3, 12, 9, 0, 0), 0o600))
    b = normalize_zip(_zip((2026, 11, 22, 10, 0, 0), 0o755))
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert [i.filename for i in z.infolist()] == ["word/document.xml", "[Content_Types].xml"]
        assert {i.date_time for i in z.infolist()} == {ZIP_TIME}
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
        assert z.read("[Content_Types].xml") == b"x" * 50


def test_fixed_entry_can_be_stored() -> None:
    info = fixed_entry("files/ab12", stored=True)
    assert info.compress_type == zipfile.ZIP_STORED
    assert info.external_attr >> 16 == 0o644 and info.date_time == ZIP_TIME


def test_write_zip_is_atomic_and_the_same_twice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from toolkit.errors import InputError
    from toolkit.zips import write_zip

    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG" + bytes(range(256)) * 40)
    members = [("manifest.json", b"{}"), ("files/ab", shot)]
    a = write_zip(tmp_path / "a.zip", members)
    b = write_zip(tmp_path / "b.zip", members)
    assert a == b and (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        assert z.getinfo("files/ab").compress_type == zipfile.ZIP_STORED
        assert z.read("files/ab") == shot.read_bytes()
    assert not list(tmp_path.glob("*.part"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match=r"file/c\.zip: cannot write the bundle here"):
        write_zip(tmp_path / "file" / "c.zip", members, "the bundle")


def test_zip_folder_gives_the_folder_back_byte_for_byte(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from toolkit.errors import InputError
    from toolkit.zips import zip_folder

    folder = tmp_path / "pieces"
    (folder / "sub").mkdir(parents=True)
    (folder / "01_Inventaire.pdf").write_bytes(b"%PDF-1.7 a")
    (folder / "sub" / "b.txt").write_text("b")
    first = zip_folder(folder, tmp_path / "a.zip", root="pieces-x")
    assert zip_folder(folder, tmp_path / "b.zip", root="pieces-x") == first
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        assert z.namelist() == ["pieces-x/01_Inventaire.pdf", "pieces-x/sub/b.txt"]
        assert z.read("pieces-x/01_Inventaire.pdf") == b"%PDF-1.7 a"
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="folder is empty"):
        zip_folder(tmp_path / "empty", tmp_path / "c.zip")
