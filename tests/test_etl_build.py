"""End-to-end build on the hand-counted messy fixture (tests/fixtures.py)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pyarrow.parquet as pq
import pytest

from etl.__main__ import main
from etl.errors import InputError
from etl.pipeline import build
from tests import fixtures


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("messy")
    out = folder / "snapshot"
    summary = build(fixtures.build_inputs(folder, out))
    return out, summary


def _row(out, level, kode):
    frame = pd.read_parquet(out / f"{level}.parquet")
    return frame.set_index("kode").loc[kode]


def test_province_numbers_equal_the_hand_count(snapshot):
    out, summary = snapshot
    prov = pd.read_parquet(out / "provinsi.parquet")
    assert len(prov) == 1
    row = prov.iloc[0]
    for col, expected in fixtures.EXPECTED_PROVINSI.items():
        assert row[col] == pytest.approx(expected), col
    assert summary["provinsi"]["kk_d1_non_dtks"] == 2


def test_desa_kecamatan_kabkota_values(snapshot):
    out, _ = snapshot
    alpha = _row(out, "desa", "13.01.01.2001")
    assert (alpha.kk_total, alpha.kk_desil_1, alpha.kk_d1_dtks, alpha.kk_d1_dtks_tanpa_bansos) == (2, 2, 2, 1)
    assert alpha.nama_kabkota == "Contoh" and alpha.nama_kecamatan == "Satu"
    beta = _row(out, "desa", "13.01.01.2002")
    assert beta.kk_desil_2 == 1 and beta.kk_desil_1 == 0 and math.isnan(beta.pct_d1_non_dtks)
    gamma = _row(out, "desa", "13.01.02.2001")  # reached by name only
    assert gamma.kk_d1_non_dtks == 1 and gamma.jiwa_d1_lansia == 1
    epsilon = _row(out, "desa", "13.01.02.2002")  # no polygon, kept with the data's name
    assert epsilon.nama == "Nagari Epsilon" and not epsilon.punya_poligon and epsilon.kk_d1_pbi == 1
    assert epsilon.kk_d1_pkh == 0  # the child's PKH record is NONAKTIF
    dua = _row(out, "kecamatan", "13.01.02")
    assert (dua.kk_desil_1, dua.jumlah_desa, dua.desa_tanpa_poligon) == (2, 2, 1)
    assert dua.pct_d1_non_dtks == pytest.approx(50.0)
    kab = _row(out, "kabkota", "13.01")
    assert (kab.kk_total, kab.kk_desil_1, kab.jiwa_total) == (5, 4, 8)
    kota = _row(out, "kabkota", "13.71")
    assert (kota.kk_desil_1, kota.kk_d1_non_dtks, kota.kk_d1_bansos, kota.kk_d1_sembako) == (1, 1, 1, 1)


def test_every_row_is_loaded_or_rejected_with_a_reason(snapshot):
    out, summary = snapshot
    files = {f["berkas"]: f for f in summary["berkas"]}
    assert (
        files["keluarga.csv"]["baris_dibaca"],
        files["keluarga.csv"]["dimuat"],
        files["keluarga.csv"]["ditolak"],
    ) == (11, 6, 5)
    assert (
        files["individu.xlsx"]["baris_dibaca"],
        files["individu.xlsx"]["dimuat"],
        files["individu.xlsx"]["ditolak"],
    ) == (13, 11, 2)
    assert files["dtks_a.csv"]["dimuat"] == 6 and files["dtks_b.txt"]["ditolak"] == 2
    assert files["keluarga.csv"]["baris_judul_kolom"] == 3 and files["keluarga.csv"]["pemisah"] == ";"
    assert files["keluarga.csv"]["kolom_tidak_dikenal"] == ["Catatan Petugas"]
    for f in summary["berkas"]:
        assert f["baris_dibaca"] == f["dimuat"] + f["ditolak"]
    rejects = pq.read_table(out / "ditolak.parquet").to_pandas()
    kel = rejects[rejects["berkas"] == "keluarga.csv"].set_index("baris")
    assert sorted(kel.index) == [7, 10, 11, 12, 13]
    assert kel.loc[7, "alasan"] == "ID keluarga duplikat (sudah ada di keluarga.csv baris 4)"
    assert (
        kel.loc[10, "kolom"] == "Kode Kemdagri"
        and "kabupaten/kota 'KAB. NIAS' tidak ditemukan" in kel.loc[10, "alasan"]
    )
    assert kel.loc[11, "alasan"].startswith("desil tidak valid") and kel.loc[11, "nilai"] == "Desil 5"
    assert kel.loc[12, "alasan"] == "ID keluarga kosong"
    assert kel.loc[13, "alasan"].startswith("jumlah kolom tidak sesuai")
    assert kel["lembar"].isna().all()
    ind = rejects[rejects["berkas"] == "individu.xlsx"].set_index("baris")
    assert list(ind["lembar"]) == ["Data 2", "Data 2"]  # rows 4 and 5 of the second data sheet
    assert ind.loc[4, "alasan"] == "ID keluarga tidak ada di berkas keluarga"
    assert ind.loc[5, "alasan"].startswith("keluarganya ditolak: kode wilayah tidak dikenal")
    dtks = rejects[rejects["berkas"] == "dtks_b.txt"].set_index("baris")
    assert dtks.loc[3, "alasan"] == "NIK tidak valid: tersimpan sebagai angka (digit terakhir hilang)"
    assert dtks.loc[5, "alasan"] == "NIK tidak valid: kosong"
    assert summary["baris"]["ditolak"] == len(rejects) == 9


def test_encodings_and_sheets_are_reported_per_file(snapshot):
    out, summary = snapshot
    files = {f["berkas"]: f for f in summary["berkas"]}
    assert files["keluarga.csv"]["pengodean"] == "UTF-8 dengan BOM"
    assert files["dtks_a.csv"]["pengodean"] == "UTF-8"
    assert (files["dtks_b.txt"]["pengodean"], files["dtks_b.txt"]["pemisah"]) == ("UTF-16 LE dengan BOM", "\t")
    ind = files["individu.xlsx"]
    assert ind["pengodean"] is None and ind["format"] == "xlsx"
    assert ind["lembar"] == [
        {"lembar": "Data 1", "baris_judul_kolom": 2, "baris_dibaca": 9, "dimuat": 9, "ditolak": 0},
        {"lembar": "Data 2", "baris_judul_kolom": 1, "baris_dibaca": 4, "dimuat": 2, "ditolak": 2},
    ]
    assert ind["lembar_dilewati"] == [{"lembar": "Sampul", "alasan": "tidak ada baris judul kolom yang dikenali"}]
    report = pd.read_excel(out / "laporan_kualitas.xlsx", sheet_name=None, engine="calamine")
    per_sheet = report["Per lembar"]
    assert list(per_sheet["Lembar"]) == ["Data 1", "Data 2", "Sampul"]
    assert list(per_sheet["Status"]) == ["dibaca", "dibaca", "dilewati"]
    assert list(per_sheet["Ditolak"].fillna(-1)) == [0, 2, -1]
    rejected = report["Baris ditolak"]
    assert sorted(rejected.loc[rejected["Berkas"] == "individu.xlsx", "Lembar"]) == ["Data 2", "Data 2"]
    per_file = report["Per berkas"].set_index("Berkas")
    assert per_file.loc["dtks_b.txt", "Pengodean teks"] == "UTF-16 LE dengan BOM"
    assert per_file.loc["individu.xlsx", "Lembar dilewati"] == "Sampul"


def test_disability_counts_only_active_dtks_records_of_desil_1_members(snapshot):
    out, summary = snapshot
    alpha = _row(out, "desa", "13.01.01.2001")  # F1 (A's record notes a disability) and F2 ("TIDAK ADA")
    assert (alpha.jiwa_d1_disabilitas, alpha.kk_d1_disabilitas) == (1, 1)
    assert alpha.pct_kk_d1_disabilitas == pytest.approx(50.0) and alpha.pct_jiwa_d1_disabilitas == pytest.approx(20.0)
    assert _row(out, "desa", "13.01.01.2002").jiwa_d1_disabilitas == 0  # E: desil 2
    assert _row(out, "desa", "13.01.02.2002").jiwa_d1_disabilitas == 0  # K: NONAKTIF
    assert _row(out, "desa", "13.71.01.1001").jiwa_d1_disabilitas == 0  # I: deceased
    gamma = _row(out, "desa", "13.01.02.2001")  # F5: G's NIK unusable; one member, aged 70
    assert (gamma.jiwa_d1_disabilitas, gamma.kk_d1_lansia_tunggal) == (0, 1)
    # Active DTKS NIKs with a note: A, E, G (G's record is fine; only the P3KE side is not).
    assert summary["pencocokan"]["dtks_nik_aktif_disabilitas"] == 3


def test_nik_validity_is_counted_and_reported(snapshot):
    _, summary = snapshot
    assert summary["nik"]["keluarga"] == {"angka": 1, "kosong": 1, "valid": 4}
    assert summary["nik"]["individu"] == {"angka": 1, "kosong": 1, "panjang_salah": 1, "valid": 8}
    assert summary["nik"]["dtks"] == {"angka": 1, "kosong": 1, "valid": 8}
    assert summary["pencocokan"]["dtks_tidak_aktif"] == 3  # NONAKTIF, deceased, is_nonaktif


def test_regions_by_name_and_without_polygon_are_reported(snapshot):
    _, summary = snapshot
    by_name = summary["wilayah"]["dicocokkan_nama"]
    assert [(r["kode_asli"], r["kode_desa"], r["kk"]) for r in by_name] == [("13010299", "13.01.02.2001", 1)]
    assert [r["kode"] for r in summary["wilayah"]["tanpa_poligon"]] == ["13.01.02.2002"]
    assert summary["sumber"]["batas_wilayah"]["desa"]["kolom_kode"] == "KDEPUM"
    assert summary["sumber"]["batas_wilayah"]["kecamatan"]["digabung_dari_desa"] is True


def test_snapshot_files_and_geometry(snapshot):
    out, summary = snapshot
    for name in (
        "summary.json",
        "desa.parquet",
        "kecamatan.parquet",
        "kabkota.parquet",
        "provinsi.parquet",
        "desa.geojson",
        "kecamatan.geojson",
        "kabkota.geojson",
        "ditolak.parquet",
        "laporan_kualitas.xlsx",
    ):
        assert (out / name).is_file(), name
    desa = pd.read_parquet(out / "desa.parquet")
    assert sorted(desa["kode"]) == ["13.01.01.2001", "13.01.01.2002", "13.01.02.2001", "13.01.02.2002", "13.71.01.1001"]
    geo = json.loads((out / "desa.geojson").read_text())
    assert sorted(f["properties"]["kode"] for f in geo["features"]) == sorted(set(desa["kode"]) - {"13.01.02.2002"})
    assert summary["geometri"]["kabkota"]["fitur"] == 2
    # No personal data in what the app reads.
    for name in ("desa.parquet", "kecamatan.parquet", "kabkota.parquet", "provinsi.parquet"):
        cols = pd.read_parquet(out / name).columns
        assert not any("nik" in c or c == "nama_kepala" for c in cols)
    report = pd.read_excel(out / "laporan_kualitas.xlsx", sheet_name=None, engine="calamine")
    assert {"Ringkasan", "Per berkas", "Baris ditolak", "Dicocokkan lewat nama", "Desa tanpa poligon"} <= set(report)
    assert len(report["Baris ditolak"]) == 9


def test_missing_required_column_stops_with_file_and_column(tmp_path, capsys):
    paths = fixtures.write_all(tmp_path)
    bad = tmp_path / "keluarga_rusak.csv"
    text = paths["keluarga"][0].read_text().replace("Desil Kesejahteraan", "Kesejahteraan")
    bad.write_text(text)
    out = tmp_path / "snap"
    code = main(
        [
            "build",
            "--keluarga",
            str(bad),
            "--individu",
            *map(str, paths["individu"]),
            "--dtks",
            *map(str, paths["dtks"]),
            "--boundaries",
            str(paths["boundaries"]),
            "--reference-date",
            "2023-08-22",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "keluarga_rusak.csv" in err and "Desil Kesejahteraan" in err
    assert not out.exists()  # nothing half-written


def test_failed_rebuild_keeps_the_previous_snapshot(tmp_path, snapshot):
    out = tmp_path / "snap"
    inputs = fixtures.build_inputs(tmp_path, out)
    build(inputs)
    before = (out / "summary.json").read_text()
    inputs.dtks = [tmp_path / "tidak_ada.csv"]
    with pytest.raises(InputError, match="tidak_ada.csv"):
        build(inputs)
    assert (out / "summary.json").read_text() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".snap")] == []


def test_unreadable_workbook_stops_with_exit_code_2_and_the_file_named(tmp_path, capsys):
    paths = fixtures.write_all(tmp_path)
    broken = tmp_path / "individu_rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 bukan buku kerja")
    code = main(
        [
            "build",
            "--keluarga",
            *map(str, paths["keluarga"]),
            "--individu",
            str(broken),
            "--dtks",
            *map(str, paths["dtks"]),
            "--boundaries",
            str(paths["boundaries"]),
            "--reference-date",
            "2023-08-22",
            "--out",
            str(tmp_path / "snap"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "individu_rusak.xlsx" in err and "tidak dapat dibaca" in err
    assert "Traceback" not in err


def test_an_old_snapshot_without_the_newer_indicators_still_loads(tmp_path, snapshot):
    import shutil

    from kantong.data import SnapshotStore

    out, _ = snapshot
    old = tmp_path / "snapshots" / "lama"
    shutil.copytree(out, old)
    for level in ("desa", "kecamatan", "kabkota", "provinsi"):
        frame = pd.read_parquet(old / f"{level}.parquet")
        frame.drop(columns=["jiwa_d1_disabilitas", "kk_d1_lansia_tunggal"]).to_parquet(old / f"{level}.parquet")
    prov = SnapshotStore(tmp_path / "snapshots").latest().provinsi
    assert math.isnan(prov["jiwa_d1_disabilitas"]) and prov["kk_desil_1"] == 5


def test_boundaries_without_crs_need_crs_on_the_command_line(tmp_path, capsys):
    import geopandas as gpd

    paths = fixtures.write_all(tmp_path)
    shp = tmp_path / "batas_shp"
    shp.mkdir()
    gpd.read_file(paths["boundaries"] / "desa_big.geojson").to_crs(32747).to_file(shp / "desa.shp")
    (shp / "desa.prj").unlink()  # as Shapefiles often arrive
    args = [
        "build",
        "--keluarga",
        *map(str, paths["keluarga"]),
        "--individu",
        *map(str, paths["individu"]),
        "--dtks",
        *map(str, paths["dtks"]),
        "--boundaries",
        str(shp),
        "--reference-date",
        "2023-08-22",
        "--out",
        str(tmp_path / "snap"),
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "desa.shp" in err and "--crs" in err and "Traceback" not in err
    assert main(args + ["--crs", "EPSG:32747"]) == 0
    summary = json.loads((tmp_path / "snap" / "summary.json").read_text())
    assert summary["sumber"]["batas_wilayah"]["desa"]["perbaikan"]["crs_sumber"] == "EPSG:32747"
    assert _row(tmp_path / "snap", "provinsi", "13").kk_desil_1 == fixtures.EXPECTED_PROVINSI["kk_desil_1"]
