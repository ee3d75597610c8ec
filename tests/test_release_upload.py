"""Uploading a release's files over plain HTTP, as the page's script (assets/kantong/unggah.js)
or someone with curl sends them: chunks written at their offset, the checks on offsets, sizes,
names, accounts, roles and headers, cancelling, and the kind each file is taken for
(tests/fixtures.py's exports: keluarga.csv, individu.xlsx, dtks_a.csv, dtks_b.txt)."""

from __future__ import annotations

import os
import time

import pytest

from kantong import release_upload
from tests import fixtures
from tests.auth import login

H = {release_upload.HEADER: "1"}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return fixtures.built_root(tmp_path_factory.mktemp("unggah"))


@pytest.fixture(scope="module")
def app(root):
    return fixtures.fixture_app(root)


@pytest.fixture
def admin(app):
    client = app.server.test_client()
    login(client, app, "admin.uji")
    return client


def work(app):
    """The app's work folder (tests.fixtures.fixture_app: beside the snapshots)."""
    return app.kantong_root.parent / "app"


def open_session(client) -> str:
    answer = client.post("/rilis/unggah", headers=H)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json["sesi"]


def put(client, sesi: str, name: str, data: bytes, offset: int, total: int, headers=H):
    return client.put(
        f"/rilis/unggah/{sesi}/{name}?offset={offset}&total={total}",
        data=data,
        headers=headers,
        content_type="application/octet-stream",
    )


def test_a_file_sent_in_chunks_is_written_whole_and_recorded_without_its_contents(app, admin, root):
    data = (root / "input" / "keluarga.csv").read_bytes()
    sesi = open_session(admin)
    first = put(admin, sesi, "keluarga.csv", data[:1000], 0, len(data))
    assert first.status_code == 200 and first.json["ukuran"] == 1000 and first.json["selesai"] is False
    second = put(admin, sesi, "keluarga.csv", data[1000:2000], 1000, len(data))
    last = put(admin, sesi, "keluarga.csv", data[2000:], 2000, len(data))
    assert second.json["ukuran"] == 2000
    assert last.status_code == 200 and last.json["selesai"] is True and last.json["ukuran"] == len(data)
    assert last.json["jenis"] == "keluarga"  # its header row under two title rows
    stored = work(app) / "unggah" / sesi / "berkas" / "keluarga.csv"
    assert stored.read_bytes() == data
    rows = app.kantong_audit.entries(akun="admin.uji", aksi="rilis_unggah")
    assert rows[-1].rincian == {"berkas": "keluarga.csv", "ukuran": len(data), "sesi": sesi}
    # Only the completed file is recorded, once; no content (a NIK of the file) in the log.
    assert sum(1 for r in rows if r.rincian.get("sesi") == sesi) == 1
    assert fixtures.A not in str([r.rincian for r in app.kantong_audit.entries()])
    # The same session comes back to the same account, with the file in it.
    again = admin.post("/rilis/unggah", headers=H).json
    assert again["sesi"] == sesi and [b["nama"] for b in again["berkas"]] == ["keluarga.csv"]
    admin.delete(f"/rilis/unggah/{sesi}", headers=H)


def test_a_chunk_that_does_not_start_where_the_file_ends_is_refused_with_the_size_held(app, admin):
    sesi = open_session(admin)
    assert put(admin, sesi, "dtks.csv", b"NIK,PKH\n", 0, 20).status_code == 200
    gap = put(admin, sesi, "dtks.csv", b"123", 10, 20)
    assert gap.status_code == 409 and gap.json["ukuran"] == 8
    assert "bita 10" in gap.json["pesan"] and "8 bita" in gap.json["pesan"]
    overlap = put(admin, sesi, "dtks.csv", b"xyz", 5, 20)
    assert overlap.status_code == 409 and overlap.json["ukuran"] == 8
    # Resumed from the size the server gave, the file completes.
    done = put(admin, sesi, "dtks.csv", b"1301010101900005,1\n"[:12], 8, 20)
    assert done.status_code == 200 and done.json["selesai"] is True
    path = work(app) / "unggah" / sesi / "berkas" / "dtks.csv"
    assert path.read_bytes() == b"NIK,PKH\n130101010190"
    # A chunk past the declared size is refused and nothing is written.
    assert put(admin, sesi, "lain.csv", b"x" * 11, 0, 10).status_code == 400
    admin.delete(f"/rilis/unggah/{sesi}", headers=H)


def test_a_session_holds_at_most_the_limit_and_a_chunk_at_most_its_size(app, admin, monkeypatch):
    monkeypatch.setattr(release_upload, "MAX_SESSION_BYTES", 100)
    sesi = open_session(admin)
    too_big = put(admin, sesi, "besar.csv", b"x" * 10, 0, 101)
    assert too_big.status_code == 413 and "melampaui batas unggahan" in too_big.json["pesan"]
    assert put(admin, sesi, "a.csv", b"x" * 60, 0, 60).status_code == 200
    second = put(admin, sesi, "b.csv", b"x" * 10, 0, 41)  # 60 + 41 > 100
    assert second.status_code == 413
    assert put(admin, sesi, "b.csv", b"x" * 40, 0, 40).status_code == 200  # 60 + 40 = 100
    monkeypatch.setattr(release_upload, "MAX_CHUNK_BYTES", 16)
    assert put(admin, sesi, "c.csv", b"x" * 17, 0, 17).status_code == 413
    files = {p.name for p in (work(app) / "unggah" / sesi / "berkas").iterdir()}
    assert files == {"a.csv", "b.csv"}
    admin.delete(f"/rilis/unggah/{sesi}", headers=H)


def test_names_are_reduced_to_a_plain_file_name_with_an_allowed_extension(app, admin):
    sesi = open_session(admin)
    folder = work(app) / "unggah" / sesi
    escaped = put(admin, sesi, "..%5C..%5Crahasia.csv", b"a", 0, 1)
    assert escaped.status_code == 200 and escaped.json["nama"] == "rahasia.csv"
    assert (folder / "berkas" / "rahasia.csv").is_file() and not (folder.parent / "rahasia.csv").exists()
    spaced = put(admin, sesi, "Data%20Keluarga%20(Agam)%20%C3%BC.CSV", b"a", 0, 1)
    assert spaced.json["nama"] == "Data_Keluarga_Agam_u.CSV"
    # A slash is no part of a name: no upload route matches, the gate refuses, nothing is written.
    assert put(admin, sesi, "..%2F..%2Fx.csv", b"a", 0, 1).status_code == 403
    for name, status in (("program.exe", 415), ("tanpa_ekstensi", 415), (".csv", 415), ("...", 400)):
        answer = put(admin, sesi, name, b"a", 0, 1)
        assert answer.status_code == status, name
    assert sorted(p.name for p in (folder / "berkas").iterdir()) == ["Data_Keluarga_Agam_u.CSV", "rahasia.csv"]
    assert not list(folder.parent.parent.glob("*.csv")) and not list(folder.parent.glob("*.csv"))
    admin.delete(f"/rilis/unggah/{sesi}", headers=H)


def test_another_account_does_not_find_the_session(app, admin):
    sesi = open_session(admin)
    assert put(admin, sesi, "a.csv", b"abc", 0, 6).status_code == 200
    other = app.server.test_client()
    login(other, app, "admin.dua", "admin")
    assert put(other, sesi, "a.csv", b"def", 3, 6).status_code == 404
    assert put(other, sesi, "b.csv", b"x", 0, 1).status_code == 404
    assert other.delete(f"/rilis/unggah/{sesi}", headers=H).status_code == 404
    assert other.post("/rilis/unggah", headers=H).json["sesi"] != sesi  # a session of their own
    assert put(admin, sesi, "a.csv", b"def", 3, 6).json["selesai"] is True
    assert (work(app) / "unggah" / sesi / "berkas" / "a.csv").read_bytes() == b"abcdef"
    assert put(admin, "bukan-sesi", "a.csv", b"x", 0, 1).status_code == 404
    admin.delete(f"/rilis/unggah/{sesi}", headers=H)


@pytest.mark.parametrize(
    ("nama", "peran", "wilayah"),
    [("op.agam", "operator", "13.06"), ("kadis.uji", "pimpinan", None), ("tamu.uji", "tamu", None)],
)
def test_roles_other_than_admin_are_refused(app, admin, nama, peran, wilayah):
    sesi = open_session(admin)
    client = app.server.test_client()
    login(client, app, nama, peran, wilayah)
    assert client.post("/rilis/unggah", headers=H).status_code == 403
    assert put(client, sesi, "a.csv", b"x", 0, 1).status_code == 403
    assert client.delete(f"/rilis/unggah/{sesi}", headers=H).status_code == 403
    assert client.get("/rilis/laporan/a").status_code == 403
    refused = app.kantong_audit.entries(akun=nama, aksi="ditolak")
    assert refused[-1].rincian["alasan"] == "publikasi"
    admin.delete(f"/rilis/unggah/{sesi}", headers=H)


def test_without_a_session_the_routes_answer_401(app):
    anonymous = app.server.test_client()
    assert anonymous.post("/rilis/unggah", headers=H).status_code == 401
    assert anonymous.put("/rilis/unggah/x/a.csv?offset=0&total=1", data=b"x", headers=H).status_code == 401
    assert anonymous.delete("/rilis/unggah/x", headers=H).status_code == 401


def test_without_the_page_header_or_the_csrf_token_nothing_is_accepted(app, admin):
    sesi = open_session(admin)
    no_header = put(admin, sesi, "a.csv", b"x", 0, 1, headers={})
    assert no_header.status_code == 403 and release_upload.HEADER in no_header.json["pesan"]
    assert admin.post("/rilis/unggah", headers={}).status_code == 403
    assert admin.delete(f"/rilis/unggah/{sesi}", headers={}).status_code == 403
    token = admin.environ_base.pop("HTTP_X_CSRFTOKEN")
    assert put(admin, sesi, "a.csv", b"x", 0, 1).status_code == 403
    assert admin.delete(f"/rilis/unggah/{sesi}", headers=H).status_code == 403
    admin.environ_base["HTTP_X_CSRFTOKEN"] = token
    assert not (work(app) / "unggah" / sesi / "berkas").exists()
    admin.delete(f"/rilis/unggah/{sesi}", headers=H)


def test_cancel_deletes_what_arrived_and_is_recorded(app, admin):
    sesi = open_session(admin)
    put(admin, sesi, "a.csv", b"x" * 10, 0, 10)
    put(admin, sesi, "b.csv", b"y" * 4, 0, 8)  # half-way
    answer = admin.delete(f"/rilis/unggah/{sesi}", headers=H)
    assert answer.status_code == 200 and answer.json == {"dihapus": 2}
    assert not (work(app) / "unggah" / sesi).exists()
    row = app.kantong_audit.entries(akun="admin.uji", aksi="rilis_unggah_batal")[-1]
    assert row.rincian == {
        "sesi": sesi,
        "berkas": [{"berkas": "a.csv", "ukuran": 10}, {"berkas": "b.csv", "ukuran": 4}],
    }
    assert put(admin, sesi, "a.csv", b"x", 0, 1).status_code == 404  # it is gone


def test_sessions_abandoned_for_a_day_are_removed_when_one_is_opened(app, admin):
    sesi = open_session(admin)
    put(admin, sesi, "a.csv", b"x", 0, 1)
    folder = work(app) / "unggah" / sesi
    old = time.time() - release_upload.STALE_S - 60
    for path in (folder / "sesi.json", folder / "berkas" / "a.csv"):
        os.utime(path, (old, old))
    other = app.server.test_client()
    login(other, app, "admin.tiga", "admin")
    assert other.post("/rilis/unggah", headers=H).status_code == 200
    assert not folder.exists()
    fresh = open_session(admin)
    assert fresh != sesi


def test_each_file_is_taken_for_its_kind_by_its_header_row_whatever_its_name(tmp_path):
    inputs = fixtures.write_all(tmp_path / "masukan")
    neutral = tmp_path / "netral"
    neutral.mkdir()
    sources = {
        "berkas1.csv": inputs["keluarga"][0],  # ;-separated, UTF-8 with BOM, title rows
        "berkas2.xlsx": inputs["individu"][0],  # a cover sheet, then the data
        "berkas3.csv": inputs["dtks"][0],  # |-separated
        "berkas4.txt": inputs["dtks"][1],  # UTF-16 with tabs
    }
    for name, source in sources.items():
        (neutral / name).write_bytes(source.read_bytes())
    (neutral / "berkas5.csv").write_text("Kode Lama;Kode Baru\n13.01.01.2001;13.01.01.2003\n", encoding="utf-8")
    (neutral / "berkas6.csv").write_text("Catatan\ntidak ada tabel di sini\n", encoding="utf-8")
    (neutral / "batas.geojson").write_text("{}", encoding="utf-8")
    guessed = {p.name: release_upload.guess_kind(p) for p in sorted(neutral.iterdir())}
    assert guessed == {
        "batas.geojson": "batas",
        "berkas1.csv": "keluarga",
        "berkas2.xlsx": "individu",
        "berkas3.csv": "dtks",
        "berkas4.txt": "dtks",
        "berkas5.csv": "padanan",
        "berkas6.csv": None,
    }
    # Without a header that tells, the name does.
    (neutral / "anggota_kab_agam.csv").write_text("tidak terbaca\n", encoding="utf-8")
    assert release_upload.guess_kind(neutral / "anggota_kab_agam.csv") == "individu"
