"""The build's wiring: DuckDB registrations, step timings and progress, the read step and
the summary's small parts. The numbers themselves are checked in test_etl_build.py."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from etl import summary
from etl.duck import registered, temp_table
from etl.errors import InputError
from etl.files import read_all
from etl.pipeline import STEP_LABELS, BuildInputs, total_steps
from etl.read import part_index
from etl.timing import Timings


def _views(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}


def test_registered_tables_are_released_also_on_error():
    con = duckdb.connect()
    with registered(con, a=pa.table({"x": [1, 2]}), b=pa.table({"y": [3]})):
        assert con.sql("SELECT sum(x) FROM a").fetchall() == [(3,)]
        assert {"a", "b"} <= _views(con)
    assert not {"a", "b"} & _views(con)
    with pytest.raises(ValueError), registered(con, a=pa.table({"x": [1]})):
        raise ValueError("a step failed")
    assert "a" not in _views(con)


def test_temp_table_is_dropped_also_on_error():
    con = duckdb.connect()
    with pytest.raises(ValueError), temp_table(con, "tmp_t", "SELECT 1 AS x"):
        assert con.sql("SELECT x FROM tmp_t").fetchall() == [(1,)]
        raise ValueError("a step failed")
    assert con.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'tmp_t'").fetchall() == [(0,)]


def test_timings_announce_labels_and_record_only_finished_steps():
    heard: list[str] = []
    timings = Timings(heard.append, {"keluarga": "Menormalkan data keluarga"})
    with timings.step("baca"):
        timings.progress("Membaca P3KE keluarga: a.csv")
    with timings.step("keluarga"):
        pass
    with pytest.raises(RuntimeError), timings.step("individu"):
        raise RuntimeError("failed")
    assert heard == ["Membaca P3KE keluarga: a.csv", "Menormalkan data keluarga"]
    durasi = timings.durasi_detik()
    assert list(durasi) == ["baca", "keluarga", "total"]
    assert all(isinstance(v, float) and v >= 0 for v in durasi.values())


def test_total_steps_counts_files_and_labelled_steps(tmp_path):
    inputs = BuildInputs(
        keluarga=[tmp_path / "k1.csv", tmp_path / "k2.csv"],
        individu=[tmp_path / "i.csv"],
        dtks=[tmp_path / "d.csv"],
        boundaries=tmp_path,
        reference_date=dt.date(2023, 8, 22),
        out=tmp_path / "out",
    )
    assert total_steps(inputs) == 4 + 8
    assert list(STEP_LABELS) == ["batas_tunggu", "keluarga", "individu", "dtks", "padan", "agregasi", "tulis"]


def test_read_step_wants_unique_file_names(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    paths = {"keluarga": [tmp_path / "a" / "data.csv"], "individu": [], "dtks": [tmp_path / "b" / "data.csv"]}
    with pytest.raises(InputError, match="nama berkas masukan harus unik"):
        read_all(duckdb.connect(), paths, dt.date(2023, 8, 22), on_read=lambda label: None)


def test_nik_counts_are_summed_per_file_over_its_parts():
    con = duckdb.connect()
    keluarga = pa.table(
        {
            "_berkas_ke": [part_index(0), part_index(0), part_index(1, 2)],
            "status_nik_kepala": ["valid", "kosong", "valid"],
        }
    )
    individu = pa.table({"_berkas_ke": [part_index(2, 0), part_index(2, 1)], "status_nik": ["valid", "valid"]})
    dtks = pa.table({"_berkas_ke": [part_index(3)], "status_nik": ["angka"], "n": [4]})
    nik = summary.nik_counts(con, keluarga, individu, dtks)
    assert nik == {
        "keluarga": {0: {"valid": 1, "kosong": 1}, 1: {"valid": 1}},
        "individu": {2: {"valid": 2}},
        "dtks": {3: {"angka": 4}},
    }


def test_row_and_nik_totals_per_kind():
    files = [
        {"jenis": "keluarga", "baris_dibaca": 5, "dimuat": 4, "ditolak": 1, "nik": {"valid": 3, "kosong": 1}},
        {"jenis": "keluarga", "baris_dibaca": 2, "dimuat": 2, "ditolak": 0, "nik": {"valid": 2}},
        {"jenis": "dtks", "baris_dibaca": 3, "dimuat": 1, "ditolak": 2, "nik": {}},
    ]
    rejects = pa.table({"baris": [1, 2, 3]})
    totals = summary.row_totals(files, rejects)
    assert (totals["dibaca"], totals["dimuat"], totals["ditolak"]) == (10, 7, 3)
    assert (totals["keluarga_dimuat"], totals["individu_baris_dibaca"], totals["dtks_ditolak"]) == (6, 0, 2)
    assert summary.nik_totals(files) == {"keluarga": {"valid": 5, "kosong": 1}}


def test_matching_rates_are_none_without_a_denominator():
    desa = pd.DataFrame({"kk_desil_1": [0, 0], "kk_d1_dtks": [0, 0]})
    stats = {"nik_p3ke_padan": 0, "nik_p3ke_valid_unik": 0}
    out = summary.matching(stats, desa)
    assert out["pct_kk_d1_padan_dtks"] is None and out["pct_nik_p3ke_padan"] is None
    desa = pd.DataFrame({"kk_desil_1": [2, 1], "kk_d1_dtks": [1, 1]})
    out = summary.matching({"nik_p3ke_padan": 1, "nik_p3ke_valid_unik": 3}, desa)
    assert (out["kk_desil_1"], out["kk_d1_padan_dtks"], out["pct_kk_d1_padan_dtks"]) == (3, 2, 66.67)
    assert out["pct_nik_p3ke_padan"] == 33.33
