"""The releases page's build job (kantong/release_job.py), run as the page runs it: its own
process, its state on disk. On tests/fixtures.py's exports it builds the release into staging
and the quality report reads the hand-counted facts; bad input ends it with the file, row and
column and leaves nothing in staging; a stopped or killed job leaves nothing either; the form
refuses what cannot be built before any process starts; the page's steps on releases say what
happened or the store's reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import signal
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import ids
from callbacks.rilis import build_inputs
from etl import config
from kantong import release_job, release_upload
from kantong.audit import AuditLog
from kantong.releases import STAGING, ReleaseStore, snapshot_folders
from layouts.rilis import _reasons, files_report, headline_table, nik_report
from tests import fixtures

NAMA = "2024-03"


def wait(work: Path, job_id: str, until=lambda s: s["status"] in release_job.FINAL, timeout: float = 180) -> dict:
    """The job's state once `until` holds (asked as the page's polling asks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = release_job.status(work, job_id)
        if until(state):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not get there: {release_job.status(work, job_id)}")


def session_with(folder: Path, files: list[Path]) -> Path:
    """An upload session's folder holding copies of `files`, as the page leaves them."""
    target = folder / "berkas"
    target.mkdir(parents=True)
    for path in files:
        shutil.copy(path, target / path.name)
    return folder


def job_inputs(tmp: Path, paths: dict, **extra) -> release_job.JobInputs:
    fields = dict(
        nama=NAMA,
        tanggal_referensi=fixtures.REFERENCE_DATE.isoformat(),
        akun="admin.uji",
        alamat="127.0.0.1",
        root=str(tmp / "snapshots"),
        audit_db=str(tmp / "audit.sqlite"),
        plans_db=str(tmp / "rencana.sqlite"),
        keluarga=[str(p) for p in paths["keluarga"]],
        individu=[str(p) for p in paths["individu"]],
        dtks=[str(p) for p in paths["dtks"]],
        cache_dir=str(tmp / "cache"),
    )
    return release_job.JobInputs(**{**fields, **extra})


def text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def nothing_in_staging(store: ReleaseStore, nama: str) -> bool:
    places = [store.staging_dir(nama), store.staging_family_dir(nama)]
    leftovers = [p for folder in places if folder.parent.is_dir() for p in folder.parent.glob(f".{nama}.tmp-*")]
    return not any(p.exists() for p in places) and not leftovers and not snapshot_folders(store.root)


def test_a_job_builds_into_staging_and_the_quality_report_shows_the_hand_counted_facts(tmp_path):
    paths = fixtures.write_all(tmp_path / "masukan")
    boundary = paths["boundaries"] / "desa_big.geojson"
    sources = [*paths["keluarga"], *paths["individu"], *paths["dtks"]]
    sesi = session_with(tmp_path / "unggah" / "sesi", [*sources, boundary])
    files = sesi / "berkas"
    inputs = job_inputs(
        tmp_path,
        {k: [files / p.name for p in paths[k]] for k in ("keluarga", "individu", "dtks")},
        batas=[str(files / boundary.name)],
        sesi=str(sesi),
    )
    work = tmp_path / "app"
    job_id = release_job.start(work, inputs)
    state = wait(work, job_id)
    assert state["status"] == release_job.DONE, state
    # One step per file (1 + 1 + 2), seven build steps and the finish.
    assert state["total_langkah"] == state["langkah_selesai"] == 12
    assert state["pesan"] == [f"Rilis '{NAMA}' dibangun di staging: 25 baris dimuat, 9 ditolak. Dasbor belum berubah."]
    store = ReleaseStore(tmp_path / "snapshots")
    (release,) = store.list()
    assert (release.nama, release.status, release.dibangun_oleh) == (NAMA, STAGING, "admin.uji")
    assert {f["berkas"]: f["sha256"] for f in release.berkas} == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sources
    }
    assert not snapshot_folders(store.root)  # nothing the dashboard reads yet
    assert not sesi.exists()  # the uploads are used up; the release keeps their SHA-256
    audit = AuditLog(tmp_path / "audit.sqlite").entries(aksi="rilis_bangun")
    assert audit[-1].akun == "admin.uji" and audit[-1].alamat == "127.0.0.1" and audit[-1].rincian["snapshot"] == NAMA

    # The quality report, from the staging summary: tests/fixtures.py's story.
    folder = store.staging_dir(NAMA)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    reasons = _reasons(folder)
    assert reasons["keluarga.csv"] == {
        "jumlah kolom tidak sesuai judul kolom (kolom kurang)": 1,  # line 13
        "desil tidak valid (harus 1 sampai 4)": 1,  # F8
        "ID keluarga kosong": 1,  # F9
        "kode wilayah tidak dikenal ('1201012001'); kabupaten/kota 'KAB. NIAS' tidak ditemukan": 1,  # F7
        "ID keluarga duplikat (sudah ada di keluarga.csv baris 4)": 1,  # F1'
    }
    assert sum(reasons["dtks_b.txt"].values()) == 2 and "dtks_a.csv" not in reasons
    head = text(headline_table(summary, None, NAMA, None))
    assert '"KK desil 1"' in head and '"5"' in head  # F1, F2, F5, F6, F10
    assert '"KK desil 1 belum di DTKS (exclusion error)"' in head and '"40,0%"' in head  # F5, F10 of 5
    assert '"60,0%"' in head  # desil-1 families matched in DTKS: F1, F2, F6
    rows = text(files_report(summary, reasons))
    assert '"keluarga.csv"' in rows and '"11"' in rows and '"6"' in rows  # read, loaded
    nik = text(nik_report(summary))
    assert '"66,7%"' in nik and '"72,7%"' in nik and '"80,0%"' in nik  # 4 of 6, 8 of 11, 8 of 10 valid


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        ("keluarga", "berkas keluarga_rusak.csv, kolom 'Desil Kesejahteraan': kolom wajib"),
        ("padanan", "berkas padanan.csv, baris 3, kolom 'kode_baru': kode nagari/desa tidak valid: 'abc'"),
    ],
)
def test_bad_input_ends_the_job_naming_the_file_row_and_column_and_nothing_stays(tmp_path, broken, where):
    paths = fixtures.write_all(tmp_path / "masukan")
    extra = {"batas": [str(paths["boundaries"] / "desa_big.geojson")]}
    if broken == "keluarga":
        bad = tmp_path / "masukan" / "keluarga_rusak.csv"
        bad.write_text("ID Keluarga P3KE;Kode Kemdagri\nF1;1301012001\n", encoding="utf-8")
        paths["keluarga"] = [bad]
    else:
        padanan = tmp_path / "masukan" / "padanan.csv"
        padanan.write_text("kode_lama,kode_baru\n13.01.01.2001,13.01.01.2001\n13.01.01.2002,abc\n", encoding="utf-8")
        extra["padanan"] = str(padanan)
    sesi = session_with(tmp_path / "unggah" / "sesi", [])
    work = tmp_path / "app"
    state = wait(work, release_job.start(work, job_inputs(tmp_path, paths, sesi=str(sesi), **extra)))
    assert state["status"] == release_job.FAILED
    assert state["galat"].startswith(where), state["galat"]
    assert "Traceback" not in state["galat"]
    store = ReleaseStore(tmp_path / "snapshots")
    assert nothing_in_staging(store, NAMA) and store.list() == []
    assert sesi.exists()  # kept: the officer corrects one file and builds again
    (row,) = AuditLog(tmp_path / "audit.sqlite").entries(aksi="rilis_bangun_gagal")
    expected = {"keluarga": {"berkas": "keluarga_rusak.csv", "kolom": "Desil Kesejahteraan"}}
    expected["padanan"] = {"berkas": "padanan.csv", "baris": 3, "kolom": "kode_baru"}
    assert row.rincian == {"snapshot": NAMA, **expected[broken]} and row.akun == "admin.uji"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo exports at a twentieth of the province: a build of a few seconds."""
    from etl.demo import generate

    files = generate(tmp_path_factory.mktemp("demo"), scale=0.05, seed=2023)
    return {"keluarga": files.keluarga, "individu": files.individu, "dtks": files.dtks}


def demo_inputs(tmp: Path, demo: dict, **extra) -> release_job.JobInputs:
    return job_inputs(
        tmp,
        demo,
        tanggal_referensi=config.DEMO_REFERENCE_DATE,
        kode_wilayah=str(config.KODE_WILAYAH),
        cache_dir=str(config.CACHE_DIR / "batas"),
        **extra,
    )


def test_a_stopped_build_ends_stopped_and_leaves_nothing_in_staging(tmp_path, demo):
    work = tmp_path / "app"
    sesi = session_with(tmp_path / "unggah" / "sesi", [])
    job_id = release_job.start(work, demo_inputs(tmp_path, demo, sesi=str(sesi)))
    reading = wait(work, job_id, lambda s: s["status"] != release_job.RUNNING or s["langkah_selesai"] >= 3)
    assert reading["status"] == release_job.RUNNING and reading["langkah"].startswith("Membaca")
    pid = reading["pid"]
    release_job.cancel(work, job_id)
    state = wait(work, job_id)
    assert state["status"] == release_job.CANCELLED
    assert state["pesan"] == ["Build dihentikan; berkas staging-nya dihapus."]
    folder = release_job.jobs_root(work) / job_id
    wait(work, job_id, lambda s: not release_job._alive(pid, folder), timeout=30)  # the process ends too
    store = ReleaseStore(tmp_path / "snapshots")
    assert nothing_in_staging(store, NAMA) and store.list() == []
    assert sesi.exists() and not (release_job.jobs_root(work) / job_id / release_job.BOUNDARY_DIR).exists()


def test_a_build_whose_process_died_is_failed_and_its_leftovers_removed(tmp_path, demo):
    work = tmp_path / "app"
    job_id = release_job.start(work, demo_inputs(tmp_path, demo))
    state = wait(work, job_id, lambda s: s["status"] != release_job.RUNNING or s["langkah_selesai"] >= 3)
    assert state["status"] == release_job.RUNNING
    store = ReleaseStore(tmp_path / "snapshots")
    # What a build killed while writing leaves: a half-written folder beside its place.
    half = store.staging_dir(NAMA).parent / f".{NAMA}.tmp-0123abcd"
    half.mkdir(parents=True)
    os.killpg(state["pid"], signal.SIGKILL)
    ended = wait(work, job_id)
    assert ended["status"] == release_job.FAILED and "berhenti tanpa menyelesaikan" in ended["galat"]
    assert not half.exists() and nothing_in_staging(store, NAMA)


def test_the_form_refuses_what_cannot_be_built_and_a_second_build_while_one_runs(tmp_path, demo):
    work = tmp_path / "app"
    store = ReleaseStore(tmp_path / "snapshots", AuditLog(tmp_path / "audit.sqlite"), tmp_path / "rencana.sqlite")
    services = SimpleNamespace(work=work, releases=store)
    session = release_upload.open_session(work, "admin.uji")
    files = [*demo["keluarga"][:1], *demo["individu"][:1], *demo["dtks"][:1]]
    for path in files:
        data = path.read_bytes()
        session.write_chunk(path.name, 0, len(data), len(data), io.BytesIO(data))
    kinds = {f.nama: f.jenis for f in session.files()}
    assert sorted(kinds.values()) == ["dtks", "individu", "keluarga"]

    def refused(nama="2024-03", tanggal="2024-03-01", chosen=None) -> str:
        with pytest.raises(ValueError) as err:
            build_inputs(services, "admin.uji", "127.0.0.1", nama, tanggal, kinds if chosen is None else chosen)
        return str(err.value)

    assert "format YYYY-MM-DD" in refused(tanggal="1/3/2024")
    assert "tidak ada di kalender" in refused(tanggal="2024-02-30")
    assert "tidak sah" in refused(nama="../rilis")
    no_dtks = {n: ("abaikan" if k == "dtks" else k) for n, k in kinds.items()}
    assert "Belum ada berkas DTKS/DTSEN" in refused(chosen=no_dtks)
    assert "Pilih jenis berkas" in refused(chosen={})
    made = build_inputs(services, "admin.uji", "127.0.0.1", "", "2024-03-01", kinds)
    assert made.nama == "2024-03" and made.tanggal_referensi == "2024-03-01"  # the name from the date
    assert made.kode_wilayah == str(config.KODE_WILAYAH) and made.sesi == str(session.path.resolve())
    assert [Path(p).name for p in made.keluarga] == [demo["keluarga"][0].name]

    job_id = release_job.start(work, demo_inputs(tmp_path, demo))
    try:
        wait(work, job_id, lambda s: s["status"] != release_job.RUNNING or s["pid"] is not None)
        assert "sedang berjalan; satu build pada satu waktu" in refused(nama="2024-04")
        # An upload into files a running build uses is refused too.
        marker = {"tugas": job_id, "work": str(work.resolve())}
        (session.path / "tugas.json").write_text(json.dumps(marker), encoding="utf-8")
        with pytest.raises(release_upload.UploadError) as busy:
            session.write_chunk("lagi.csv", 0, 1, 1, io.BytesIO(b"x"))
        assert busy.value.status == 409
    finally:
        release_job.cancel(work, job_id)
        wait(work, job_id)
    # Once built, the name is taken.
    built = wait(work, release_job.start(work, demo_inputs(tmp_path, demo, nama="2023-08")))
    assert built["status"] == release_job.DONE
    assert "sudah dipakai" in refused(nama="2023-08")
    assert dt.date.fromisoformat(store.get("2023-08").tanggal_referensi) == dt.date(2023, 8, 22)


def test_the_page_s_steps_on_releases_say_what_happened_or_the_store_s_reason(tmp_path):
    """Publish, delete and show again through the page's confirmation callback, as the
    browser posts it (tests/fixtures.py: the snapshot "a" was published directly)."""
    from kantong.plans import Plan, PlanStore
    from tests.auth import login, post

    root = fixtures.built_root(tmp_path)
    app = fixtures.fixture_app(root)
    store = ReleaseStore(root / "snapshots", AuditLog(root / "audit.sqlite"), root / "rencana.sqlite")
    store.build(NAMA, fixtures.build_inputs(tmp_path / "lagi", tmp_path / "tidak-dipakai"), "admin.uji")
    PlanStore(root / "rencana.sqlite").save(Plan(None, "Rencana 2023", "admin.uji", "x", "a", {}, {}, []))
    client = app.server.test_client()
    login(client, app, "admin.uji")

    def step(aksi: str, nama: str) -> str:
        answer = post(
            client,
            app,
            f"{ids.RILIS_PESAN}.children",
            {f"{ids.RILIS_KONFIRMASI_AKSI}.data": {"aksi": aksi, "nama": nama}},
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        return json.dumps(answer.json["response"][ids.RILIS_PESAN]["children"], ensure_ascii=False)

    published = step("terbitkan", NAMA)
    assert f"Rilis '{NAMA}' terbit dan kini tampil di dasbor." in published
    assert f'"href": "/perbandingan?a=a&b={NAMA}"' in published  # compared with the release shown before
    assert next(r for r in store.list() if r.tampil).nama == NAMA
    refused = step("hapus", "a")
    assert "tidak dapat dihapus: dipakai oleh rencana 'Rencana 2023'" in refused
    assert "Rilis 'a' kembali tampil di dasbor." in step("kembalikan", "a")
    assert f"Rilis '{NAMA}' sudah terbit." in step("terbitkan", NAMA)
    audit = [
        (e.aksi, e.akun, e.rincian.get("snapshot"))
        for e in app.kantong_audit.entries()
        if e.aksi.startswith(("publikasi", "rilis_"))
    ]
    assert audit[-2:] == [("publikasi", "admin.uji", NAMA), ("rilis_kembali", "admin.uji", "a")]
    # Another role cannot fire these callbacks at all.
    guest = app.server.test_client()
    login(guest, app, "kadis.uji", "pimpinan")
    body = {f"{ids.RILIS_KONFIRMASI_AKSI}.data": {"aksi": "kembalikan", "nama": NAMA}}
    assert post(guest, app, f"{ids.RILIS_PESAN}.children", body).status_code == 403
