"""Data releases (kantong.releases, `python -m etl release`): staging, publish, rollback,
discard, delete, on the small hand-counted fixture (tests/fixtures.py).

Two releases are built once into staging ("2023-08" and "2023-09", reference dates 22 August
and 22 September 2023); every test works on its own copy of that folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from etl import config
from etl.release_cli import main
from kantong import families
from kantong.audit import AuditLog
from kantong.data import SnapshotNotFound, SnapshotStore
from kantong.plans import Plan, PlanStore
from kantong.releases import DELETED, DISCARDED, PUBLISHED, STAGING, ReleaseError, ReleaseStore
from tests import fixtures

AUGUST, SEPTEMBER = "2023-08", "2023-09"


@dataclass
class Work:
    base: Path

    @property
    def root(self) -> Path:
        return self.base / "snapshots"

    @property
    def keluarga(self) -> Path:  # config.family_dir: beside the snapshot root
        return self.base / "keluarga"

    @property
    def audit(self) -> AuditLog:
        return AuditLog(self.base / "audit.sqlite")

    @property
    def plans_db(self) -> Path:
        return self.base / "rencana.sqlite"

    @property
    def store(self) -> ReleaseStore:
        return ReleaseStore(self.root, self.audit, self.plans_db)

    def shown(self) -> str:
        return SnapshotStore(self.root).latest().path.name

    def actions(self) -> list[tuple[str, str | None, str]]:
        return [(e.aksi, e.rincian.get("snapshot"), e.akun) for e in self.audit.entries()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("rilis")
    work = Work(base)
    inputs = fixtures.build_inputs(base / "masukan", base / "tidak-dipakai")
    work.store.build(AUGUST, inputs, "penyusun")
    work.store.build(SEPTEMBER, replace(inputs, reference_date=fixtures.REFERENCE_DATE.replace(month=9)), "penyusun")
    return base


@pytest.fixture
def work(built, tmp_path) -> Work:
    shutil.copytree(built, tmp_path / "w")  # file times are kept: the copy behaves as the original
    return Work(tmp_path / "w")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_build_goes_to_staging_and_records_its_sources(work):
    releases = {r.nama: r for r in work.store.list()}
    assert list(releases) == [AUGUST, SEPTEMBER]
    august = releases[AUGUST]
    assert (august.status, august.tanggal_referensi, august.dibangun_oleh) == (STAGING, "2023-08-22", "penyusun")
    assert releases[SEPTEMBER].tanggal_referensi == "2023-09-22"
    assert not august.tampil and august.diterbitkan_pada is None
    files = {f["berkas"]: f for f in august.berkas}
    assert list(files) == ["keluarga.csv", "individu.xlsx", "dtks_a.csv", "dtks_b.txt"]
    # Row counts as counted by hand in tests/fixtures.py (and tests/test_etl_build.py).
    assert [(f["jenis"], f["baris_dibaca"], f["dimuat"], f["ditolak"]) for f in files.values()][:2] == [
        ("keluarga", 11, 6, 5),
        ("individu", 13, 11, 2),
    ]
    assert (files["dtks_a.csv"]["dimuat"], files["dtks_b.txt"]["ditolak"]) == (6, 2)
    for name, entry in files.items():
        assert entry["sha256"] == _sha256(work.base / "masukan" / name)
    assert (august.kk_total, august.kk_desil_1, august.kk_d1_non_dtks) == (6, 5, 2)
    assert august.baris["ditolak"] == 9
    # The snapshot and its family store sit in hidden staging folders.
    assert (work.root / ".staging" / AUGUST / "summary.json").is_file()
    assert (work.keluarga / ".staging" / AUGUST / "keluarga.parquet").is_file()
    assert not (work.root / AUGUST).exists() and not (work.keluarga / AUGUST).exists()
    registry = json.loads((work.root / "rilis.json").read_text(encoding="utf-8"))
    assert registry["tampil"] is None and [r["nama"] for r in registry["rilis"]] == [AUGUST, SEPTEMBER]
    assert [a for a in work.actions()] == [
        ("rilis_bangun", AUGUST, "penyusun"),
        ("rilis_bangun", SEPTEMBER, "penyusun"),
    ]


def test_staging_is_invisible_to_the_app(work):
    with pytest.raises(SnapshotNotFound):
        SnapshotStore(work.root).latest()
    # Beside a snapshot published the old way, that one stays what the app shows.
    shutil.copytree(work.root / ".staging" / AUGUST, work.root / "awal")
    assert work.shown() == "awal"
    listed = {r.nama: r for r in work.store.list()}
    assert listed["awal"].status == PUBLISHED and listed["awal"].langsung and listed["awal"].tampil
    assert not listed[AUGUST].tampil


def test_publish_moves_the_release_into_place_and_makes_it_current(work):
    shutil.copytree(work.root / ".staging" / AUGUST, work.root / "awal")
    release = work.store.publish(AUGUST, "pimpinan-data")
    assert release.status == PUBLISHED and release.tampil and release.diterbitkan_oleh == "pimpinan-data"
    assert not (work.root / ".staging" / AUGUST).exists() and not (work.keluarga / ".staging" / AUGUST).exists()
    snapshot = SnapshotStore(work.root).latest()
    assert snapshot.path == work.root / AUGUST and snapshot.tanggal_referensi == "2023-08-22"
    store = families.families_for(snapshot)  # its family store came along and still matches
    assert store is not None and store.folder == work.keluarga / AUGUST
    assert len(store.codes()) == 6
    assert [r.nama for r in work.store.list() if r.tampil] == [AUGUST]
    entry = work.audit.entries(aksi="publikasi")[-1]
    assert (entry.akun, entry.alamat) == ("pimpinan-data", "baris perintah")
    assert entry.rincian == {
        "snapshot": AUGUST,
        "tanggal_referensi": "2023-08-22",
        "dimuat": 25,
        "ditolak": 9,
        "sebelumnya": "awal",
    }


def test_a_second_release_then_rollback_to_the_first(work):
    work.store.publish(AUGUST, "admin")
    work.store.publish(SEPTEMBER, "admin")
    assert work.shown() == SEPTEMBER
    back = work.store.rollback(AUGUST, "admin")
    assert back.tampil and work.shown() == AUGUST
    assert {r.nama: r.tampil for r in work.store.list()} == {AUGUST: True, SEPTEMBER: False}
    with pytest.raises(ReleaseError, match="sudah menjadi rilis yang tampil"):
        work.store.rollback(AUGUST, "admin")
    work.store.rollback(SEPTEMBER, "admin")  # and forward again
    assert work.shown() == SEPTEMBER
    assert work.actions()[2:] == [
        ("publikasi", AUGUST, "admin"),
        ("publikasi", SEPTEMBER, "admin"),
        ("rilis_kembali", AUGUST, "admin"),
        ("rilis_kembali", SEPTEMBER, "admin"),
    ]
    assert work.audit.entries(aksi="rilis_kembali")[0].rincian["sebelumnya"] == SEPTEMBER


def test_discard_deletes_the_staging_files(work):
    release = work.store.discard(SEPTEMBER, "admin")
    assert release.status == DISCARDED and release.dibuang_oleh == "admin"
    assert not (work.root / ".staging" / SEPTEMBER).exists()
    assert not (work.keluarga / ".staging" / SEPTEMBER).exists()
    assert (work.root / ".staging" / AUGUST).is_dir()  # the other one is untouched
    assert {r.nama: r.status for r in work.store.list()} == {AUGUST: STAGING, SEPTEMBER: DISCARDED}
    with pytest.raises(ReleaseError, match="sudah dibuang dan tidak dapat diterbitkan"):
        work.store.publish(SEPTEMBER, "admin")
    with pytest.raises(ReleaseError, match="sudah dibuang"):
        work.store.discard(SEPTEMBER, "admin")
    assert work.actions()[-1] == ("rilis_buang", SEPTEMBER, "admin")
    # A published release is deleted, not discarded.
    work.store.publish(AUGUST, "admin")
    with pytest.raises(ReleaseError, match="release delete 2023-08"):
        work.store.discard(AUGUST, "admin")


def _plan_on(work: Work, snapshot_nama: str) -> Plan:
    return PlanStore(work.plans_db).save(
        Plan(None, "Prioritas Agam 2024", "perencana", f"{snapshot_nama}-1", snapshot_nama, {}, {"aturan": "uji"})
    )


def test_delete_is_refused_for_the_current_release_and_one_a_plan_uses(work):
    work.store.publish(AUGUST, "admin")
    work.store.publish(SEPTEMBER, "admin")
    with pytest.raises(ReleaseError, match="sedang tampil di dasbor"):
        work.store.delete(SEPTEMBER, "admin")
    plan = _plan_on(work, AUGUST)
    with pytest.raises(ReleaseError, match=rf"dipakai oleh rencana 'Prioritas Agam 2024' \(nomor {plan.id}\)"):
        work.store.delete(AUGUST, "admin")
    assert (work.root / AUGUST).is_dir()
    PlanStore(work.plans_db).delete(plan.id)  # a deleted plan no longer holds it
    release = work.store.delete(AUGUST, "admin")
    assert release.status == DELETED and release.dihapus_oleh == "admin"
    assert not (work.root / AUGUST).exists() and not (work.keluarga / AUGUST).exists()
    assert work.shown() == SEPTEMBER
    assert {r.nama: r.status for r in work.store.list()} == {AUGUST: DELETED, SEPTEMBER: PUBLISHED}
    assert work.actions()[-1] == ("rilis_hapus", AUGUST, "admin")
    with pytest.raises(ReleaseError, match="sudah dihapus"):
        work.store.rollback(AUGUST, "admin")


def test_delete_is_refused_for_a_staging_release(work):
    with pytest.raises(ReleaseError, match="belum terbit"):
        work.store.delete(AUGUST, "admin")


def test_a_snapshot_written_directly_after_a_publish_is_shown_until_a_rollback(work):
    """`python -m etl build --out` publishes at once, as before releases: the latest act wins."""
    work.store.publish(AUGUST, "admin")
    shutil.copytree(work.root / AUGUST, work.root / "langsung")  # an older build: file times kept
    assert work.shown() == AUGUST
    since = json.loads((work.root / "rilis.json").read_text(encoding="utf-8"))["tampil_sejak_ns"]
    os.utime(work.root / "langsung" / "summary.json", ns=(since + 1_000, since + 1_000))  # written just after
    assert work.shown() == "langsung"
    assert [r.nama for r in work.store.list() if r.tampil] == ["langsung"]
    work.store.rollback(AUGUST, "admin")
    assert work.shown() == AUGUST
    work.store.delete("langsung", "admin")  # a direct one can be deleted like any other
    assert not (work.root / "langsung").exists()


def test_without_a_release_list_the_newest_folder_is_shown(work):
    for name, seconds in (("lama", 1_000), ("baru", 2_000)):
        shutil.copytree(work.root / ".staging" / AUGUST, work.root / name)
        os.utime(work.root / name / "summary.json", (seconds, seconds))
    (work.root / "rilis.json").unlink()
    assert work.shown() == "baru"
    (work.root / "rilis.json").write_text("{bukan json", encoding="utf-8")  # unreadable: as if none
    assert work.shown() == "baru"
    with pytest.raises(ReleaseError, match="rusak"):
        work.store.list()
    (work.root / "rilis.json").write_text('{"rilis": [{"status": "published"}]}', encoding="utf-8")
    with pytest.raises(ReleaseError, match="rusak \\(entri tidak lengkap: 'nama'\\)"):
        work.store.list()


def test_names_are_checked_and_not_reused_while_in_use(work):
    inputs = fixtures.build_inputs(work.base / "masukan2", work.base / "x")
    with pytest.raises(ReleaseError, match="tidak sah"):
        work.store.build(".tersembunyi", inputs, "admin")
    with pytest.raises(ReleaseError, match="sudah dipakai"):
        work.store.build(AUGUST, inputs, "admin")
    with work.store._building("2023-10"), pytest.raises(ReleaseError, match="sedang dibangun"):
        work.store.build("2023-10", inputs, "admin")
    with pytest.raises(ReleaseError, match="tidak dikenal.*Rilis yang ada: 2023-08, 2023-09"):
        work.store.publish("2023-10", "admin")


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli(work, monkeypatch) -> Work:
    monkeypatch.setattr(config, "AUDIT_DB", work.base / "audit.sqlite")
    monkeypatch.setattr(config, "PLANS_DB", work.plans_db)
    monkeypatch.setattr("getpass.getuser", lambda: "petugas-data")
    return work


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_list_publish_rollback(cli, capsys):
    root = str(cli.root)
    code, out, _ = _run(capsys, "list", "--snapshots", root)
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split()[:4] == ["2023-08", "staging", "(belum", "terbit)"]
    assert "22 Agustus 2023" in lines[1] and "penyusun" in lines[1]
    assert _run(capsys, "publish", AUGUST, "--snapshots", root)[:2] == (
        0,
        "Rilis '2023-08' terbit dan kini tampil di dasbor.\n",
    )
    assert _run(capsys, "publish", SEPTEMBER, "--snapshots", root)[0] == 0
    assert _run(capsys, "rollback", AUGUST, "--snapshots", root)[:2] == (
        0,
        "Rilis '2023-08' kembali tampil di dasbor.\n",
    )
    code, out, _ = _run(capsys, "list", "--snapshots", root)
    assert out.splitlines()[1].startswith("▶ 2023-08") and "terbit, TAMPIL" in out.splitlines()[1]
    listed = json.loads(_run(capsys, "list", "--json", "--snapshots", root)[1])
    assert [(r["nama"], r["status"], r["tampil"], r["diterbitkan_oleh"]) for r in listed] == [
        (AUGUST, PUBLISHED, True, "petugas-data"),
        (SEPTEMBER, PUBLISHED, False, "petugas-data"),
    ]
    assert listed[0]["berkas"][0]["sha256"] == _sha256(cli.base / "masukan" / "keluarga.csv")
    assert cli.actions()[-1] == ("rilis_kembali", AUGUST, "petugas-data")


def test_cli_refusals_exit_2_with_the_reason(cli, capsys):
    root = str(cli.root)
    code, out, err = _run(capsys, "publish", "2099-01", "--snapshots", root)
    assert (code, out) == (2, "")
    assert err == f"Gagal: Rilis '2099-01' tidak dikenal di {root}. Rilis yang ada: 2023-08, 2023-09.\n"
    assert _run(capsys, "discard", SEPTEMBER, "--snapshots", root)[0] == 0
    code, _, err = _run(capsys, "publish", SEPTEMBER, "--snapshots", root)
    assert code == 2 and "sudah dibuang dan tidak dapat diterbitkan" in err
    _run(capsys, "publish", AUGUST, "--snapshots", root)
    code, _, err = _run(capsys, "delete", AUGUST, "--snapshots", root)
    assert code == 2 and "sedang tampil di dasbor dan tidak dapat dihapus" in err
    shutil.copytree(cli.root / AUGUST, cli.root / "lama")  # an older snapshot published directly
    _plan_on(cli, "lama")
    code, _, err = _run(capsys, "delete", "lama", "--snapshots", root)
    assert code == 2 and "dipakai oleh rencana 'Prioritas Agam 2024' (nomor 1)" in err
    code, _, err = _run(capsys, "rollback", "tidak/sah", "--snapshots", root)
    assert code == 2 and "tidak dikenal" in err and "Traceback" not in err
    assert _run(capsys, "hapus", AUGUST)[0] == 2  # not a subcommand: argparse's usage message


def test_cli_build_to_staging_prints_the_quality_summary(cli, capsys):
    paths = fixtures.write_all(cli.base / "masukan3")
    args = [
        "build",
        "--snapshots",
        str(cli.root),
        "--nama",
        "2023-10",
        "--keluarga",
        *map(str, paths["keluarga"]),
        "--individu",
        *map(str, paths["individu"]),
        "--dtks",
        *map(str, paths["dtks"]),
        "--boundaries",
        str(paths["boundaries"]),
        "--reference-date",
        "2023-10-22",
        "--tanpa-cache",
    ]
    code, out, err = _run(capsys, *args)
    assert code == 0, err
    # The quality summary of `python -m etl build`, counted by hand in tests/fixtures.py.
    assert "Baris per berkas" in err and "KK P3KE: 6  KK desil 1: 5  belum di DTKS: 2 (40,0%)" in err
    assert "Baris dibaca 34, dimuat 25, ditolak 9" in err
    assert out.startswith("Rilis '2023-10' dibangun di staging; dasbor belum berubah.")
    assert cli.store.get("2023-10").status == STAGING and cli.store.get("2023-10").dibangun_oleh == "petugas-data"
    with pytest.raises(SnapshotNotFound):
        SnapshotStore(cli.root).latest()
    # The same name again, and a broken input file: refused, nothing left behind.
    assert "sudah dipakai" in _run(capsys, *args)[2]
    broken = cli.base / "masukan3" / "individu_rusak.xlsx"
    broken.write_bytes(b"bukan berkas excel")
    bad = [a if a != "2023-10" else "2023-11" for a in args]
    bad[bad.index(str(paths["individu"][0]))] = str(broken)
    code, _, err = _run(capsys, *bad)
    assert code == 2 and "individu_rusak.xlsx" in err and "Traceback" not in err
    assert not (cli.root / ".staging" / "2023-11").exists()
    assert [r.nama for r in cli.store.list()] == [AUGUST, SEPTEMBER, "2023-10"]


def test_python_m_etl_release_is_the_same_command_line(cli, capsys):
    from etl.__main__ import main as etl_main

    code = etl_main(["release", "publish", AUGUST, "--snapshots", str(cli.root)])
    assert (code, capsys.readouterr().out) == (0, "Rilis '2023-08' terbit dan kini tampil di dasbor.\n")
