"""The family store (BNBA) on the hand-checkable fixture (tests/fixtures.py): which families
and members it holds, with the names, NIKs, sex and relationships of the fixture files;
kept apart from the snapshot; limited to an operator's kab/kota; tied to its build."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from etl import config
from etl.normalise import connect
from etl.pipeline import build
from kantong.access import Principal
from kantong.data import SnapshotStore
from kantong.families import families_for, family_dir
from tests import fixtures
from tests.fixtures import A, B, C, D, E, H, I, J, K

DESA = ["13.01.01.2001", "13.01.01.2002", "13.01.02.2001", "13.01.02.2002", "13.71.01.1001"]
IDS = ["F1", "F2", "F3", "F5", "F6", "F10"]

KELUARGA_HEAD = ["id_keluarga", "kode_desa", "alamat", "nama_kepala", "nik_kepala", "jenis_kelamin_kepala", "desil"]
KELUARGA_FLAGS = [
    "di_dtks",
    "bansos",
    "pkh",
    "sembako",
    "pbi",
    "rumah_tidak_layak",
    "air_tidak_layak",
    "tanpa_jamban",
    "risiko_stunting",
    "lantai_tanah",
]
KELUARGA_COUNTS = ["jiwa", "balita", "anak", "lansia", "disabilitas"]
T, F = True, False
# Each family's story is in tests/fixtures.py; the flags and counts are those it tells.
KELUARGA = [
    # F2's head NIK was a number in the export; F5's head has none and no address.
    ("F1", "13.01.01.2001", "Jorong Koto Tangah, RT 001", "Warga Satu", A, "P", 1)
    + (T, T, T, F, F, T, T, T, T, T)
    + (2, 1, 1, 0, 1),
    ("F2", "13.01.01.2001", "JORONG PASAR", "Warga Tiga", None, "L", 1)
    + (T, F, F, F, F, T, T, F, F, F)
    + (3, 0, 1, 2, 0),
    ("F3", "13.01.01.2002", "Jorong Balai Baru", "Warga Enam", E, "L", 2)
    + (T, T, T, F, F, F, F, F, F, F)
    + (1, 0, 0, 0, 1),
    ("F5", "13.01.02.2001", None, "Warga Tujuh", None, "L", 1) + (F, F, F, F, F, F, F, F, F, F) + (1, 0, 0, 1, 0),
    ("F6", "13.01.02.2002", "Jorong Ateh", "Warga Kepala", H, "P", 1)
    + (T, T, F, F, T, F, T, T, F, F)
    + (1, 1, 1, 0, 0),
    ("F10", "13.71.01.1001", "Jl. Delta No. 5", "Warga Sembilan", I, "L", 1)
    + (F, T, F, T, F, F, F, F, F, F)
    + (3, 0, 1, 1, 0),
]
ANGGOTA_COLUMNS = ["id_keluarga", "id_individu", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "umur", "hubungan"]
ANGGOTA = {
    "F1": [
        ("F1", "F1-1", A, "Warga Satu", "P", dt.date(1985, 1, 1), 38, "KEPALA KELUARGA"),
        ("F1", "F1-2", B, "Warga Dua", "L", dt.date(2020, 9, 1), 2, "ANAK"),
    ],
    "F10": [
        ("F10", "F10-1", I, "Warga Sembilan", "L", dt.date(1950, 1, 1), 73, "KEPALA KELUARGA"),
        ("F10", "F10-2", None, "Warga Sepuluh", None, dt.date(2010, 1, 1), 13, "CUCU"),  # empty NIK, sex "X"
        ("F10", "F10-3", None, "Warga Sebelas", None, dt.date(2005, 8, 21), 18, None),  # a 15-digit NIK
    ],
    "F2": [
        ("F2", "F2-1", C, "Warga Tiga", "L", dt.date(1960, 8, 22), 63, "KEPALA KELUARGA"),
        ("F2", "F2-2", D, "Warga Empat", "P", dt.date(1962, 8, 23), 60, "ISTRI"),  # sex typed as the number 2
        ("F2", "F2-3", J, "Warga Lima", "L", dt.date(2010, 6, 15), 13, "Anak"),  # "Pria"
    ],
    "F3": [("F3", "F3-1", E, "Warga Enam", "L", dt.date(1990, 1, 1), 33, "KEPALA KELUARGA")],
    # G's NIK was a number in the workbook; no birth date, the age from "Usia 2023".
    "F5": [("F5", "F5-1", None, "Warga Tujuh", "L", None, 70, "KEPALA KELUARGA")],
    "F6": [("F6", "F6-2", K, "Warga Delapan", "P", dt.date(2019, 8, 22), 4, "Anak Kandung")],
}
REJECTED_NAMES = {
    "Warga Satu Ganda",  # F1's duplicate row
    "Warga Empatbelas",  # F7: a region that cannot be placed
    "Warga Limabelas",  # F8: desil 5
    "Warga Enambelas",  # a family row without an ID
    "Warga Duabelas",  # F99's member: no such family
    "Warga Tigabelas",  # F7's member
}


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """The frame's rows as plain tuples, a missing value as None."""
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bnba")
    summary = build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "uji"))
    return folder, summary


@pytest.fixture(scope="module")
def snapshot(built):
    folder, _ = built
    return SnapshotStore(folder / "snapshots").latest()


@pytest.fixture(scope="module")
def families(snapshot):
    store = families_for(snapshot)
    assert store is not None
    return store


def test_the_store_holds_every_loaded_family_as_the_fixture_gives_it(families):
    frame = families.keluarga(DESA)
    assert list(frame.columns) == KELUARGA_HEAD + KELUARGA_FLAGS + KELUARGA_COUNTS
    assert _rows(frame) == KELUARGA
    assert families.sumber["keluarga"] == 6 and families.sumber["anggota"] == 11


def test_the_store_holds_every_loaded_member_as_the_fixture_gives_it(families):
    frame = families.anggota(IDS)
    assert list(frame.columns) == ANGGOTA_COLUMNS
    assert _rows(frame) == [row for fid in sorted(ANGGOTA) for row in ANGGOTA[fid]]
    assert str(frame["umur"].dtype) == "Int32"
    assert _rows(families.anggota(["F6", "F2"])) == ANGGOTA["F2"] + ANGGOTA["F6"]


def test_rejected_families_and_their_members_are_not_in_the_store(families):
    keluarga = families.keluarga(DESA + ["12.01.01.2001"])
    anggota = families.anggota(IDS + ["F7", "F8", "F99", ""])
    assert sorted(keluarga["id_keluarga"]) == sorted(IDS)  # F7, F8, the row without ID: out
    assert (keluarga["id_keluarga"] == "F1").sum() == 1 and "Jorong Lain" not in set(keluarga["alamat"].dropna())
    assert sorted(set(anggota["id_keluarga"])) == sorted(IDS)
    names = set(keluarga["nama_kepala"].dropna()) | set(anggota["nama"].dropna())
    assert not names & REJECTED_NAMES
    assert families.keluarga(["12.01.01.2001"]).empty and families.anggota(["F7", "F99"]).empty


def test_the_files_are_sorted_for_reads_by_nagari(built):
    folder, _ = built
    store = folder / "keluarga" / "uji"
    keluarga = pq.read_table(store / "keluarga.parquet").to_pandas()
    assert list(keluarga["id_keluarga"]) == IDS  # by nagari, then family ID
    anggota = pq.read_table(store / "anggota.parquet").to_pandas()
    assert list(anggota["id_individu"]) == [row[1] for fid in sorted(ANGGOTA) for row in ANGGOTA[fid]]
    assert pq.ParquetFile(store / "anggota.parquet").metadata.row_group(0).column(0).compression == "ZSTD"


def test_the_store_lives_apart_from_the_snapshot_which_holds_no_personal_data(built, snapshot):
    folder, summary = built
    store = family_dir(snapshot.path)
    assert store == folder / "keluarga" / "uji" and not store.is_relative_to(snapshot.path)
    assert sorted(p.name for p in store.iterdir()) == ["anggota.parquet", "keluarga.parquet", "sumber.json"]
    assert not {"keluarga.parquet", "anggota.parquet"} & {p.name for p in snapshot.path.iterdir()}
    # ("nama" is a region's name there; the people's names are looked for among the values.)
    personal = {"nama_kepala", "alamat", "nik", "nik_kepala", "tanggal_lahir", "hubungan", "id_individu"}
    people = {A, B, C, D, E, H, I, J, K} | {row[3] for row in KELUARGA if row[3]} | REJECTED_NAMES
    for path in snapshot.path.glob("*.parquet"):
        frame = pd.read_parquet(path)
        assert not personal & set(frame.columns), path.name
        text = {str(v) for c in frame.columns for v in frame[c]}
        assert not any(person in value for person in people for value in text), path.name
    as_text = (snapshot.path / "summary.json").read_text()
    assert not any(person in as_text for person in people | {"Jorong"})
    assert summary["durasi_detik"]["bnba"] >= 0


def test_an_operator_gets_only_the_families_of_their_kabkota(snapshot):
    kota = families_for(snapshot.scoped(Principal("op.kota", "operator", "13.71")))
    assert kota is not None and kota.scope == "13.71"
    assert _rows(kota.keluarga(DESA)) == [KELUARGA[-1]]
    assert _rows(kota.anggota(IDS)) == ANGGOTA["F10"]
    assert kota.keluarga(["13.01.01.2001"]).empty and kota.anggota(["F1", "F2"]).empty
    assert kota.count_by_desa().to_dict("index") == {"13.71.01.1001": {"kk": 1, "kk_desil_1": 1, "jiwa": 3}}
    assert _rows(kota.codes()) == [("F10", "13.71.01.1001")]
    kab = families_for(snapshot.scoped(Principal("op.contoh", "operator", "13.01")))
    assert list(kab.keluarga(DESA)["id_keluarga"]) == ["F1", "F2", "F3", "F5", "F6"]
    assert set(kab.anggota(IDS)["id_keluarga"]) == {"F1", "F2", "F3", "F5", "F6"}
    assert list(kab.count_by_desa().index) == DESA[:4]


def test_every_family_and_its_nagari(families):
    assert _rows(families.codes()) == [(row[0], row[1]) for row in KELUARGA]


def test_counts_by_nagari(families):
    counts = families.count_by_desa()
    assert list(counts.index) == DESA
    assert counts.to_dict("list") == {"kk": [2, 1, 1, 1, 1], "kk_desil_1": [2, 0, 1, 1, 1], "jiwa": [5, 1, 1, 1, 3]}


def test_a_store_of_another_build_is_refused(tmp_path, built, snapshot):
    folder, _ = built
    copy = tmp_path / "snapshots" / "uji"
    shutil.copytree(snapshot.path, copy)
    assert families_for(SnapshotStore(tmp_path / "snapshots").latest()) is None  # no store beside it
    shutil.copytree(folder / "keluarga" / "uji", tmp_path / "keluarga" / "uji")
    assert families_for(SnapshotStore(tmp_path / "snapshots").latest()) is not None  # the same build's
    sumber = tmp_path / "keluarga" / "uji" / "sumber.json"
    sumber.write_text(json.dumps({**json.loads(sumber.read_text()), "id_build": "lain"}))
    assert families_for(SnapshotStore(tmp_path / "snapshots").latest()) is None
    sumber.write_text("{bukan json")
    assert families_for(SnapshotStore(tmp_path / "snapshots").latest()) is None


def test_a_rebuilt_snapshot_replaces_its_store_and_the_old_one_is_refused(tmp_path):
    inputs = fixtures.build_inputs(tmp_path / "input", tmp_path / "snapshots" / "uji")
    first = build(inputs)
    old = SnapshotStore(tmp_path / "snapshots").latest()
    second = build(inputs)
    new = SnapshotStore(tmp_path / "snapshots").latest()
    assert first["id_build"] != second["id_build"]
    assert families_for(old) is None  # the store now belongs to the rebuilt snapshot
    assert families_for(new).sumber["id_build"] == second["id_build"]
    assert [p.name for p in (tmp_path / "keluarga").iterdir()] == ["uji"]  # no half-written folder left


def test_files_without_the_bnba_columns_still_load(tmp_path, monkeypatch):
    """The other province's exports carry no address, names, sex or relationship. The store
    goes where BuildInputs.families_out says, and KANTONG_KELUARGA tells the app where."""
    inputs = fixtures.other_province_inputs(tmp_path / "input", tmp_path / "snapshots" / "lain")
    inputs.families_out = tmp_path / "rahasia" / "lain"
    summary = build(inputs)
    assert not (tmp_path / "keluarga").exists()
    monkeypatch.setattr(config, "KELUARGA_ROOT", str(tmp_path / "rahasia"))
    store = families_for(SnapshotStore(tmp_path / "snapshots").latest())
    assert store is not None and store.sumber["id_build"] == summary["id_build"]
    keluarga = store.keluarga([kode for kode, *_ in fixtures.OTHER_DESA])
    anggota = store.anggota(keluarga["id_keluarga"])
    assert len(keluarga) == 44 and len(anggota) == 44
    assert keluarga[["alamat", "nama_kepala", "jenis_kelamin_kepala"]].isna().all().all()
    assert anggota[["id_individu", "nama", "jenis_kelamin", "hubungan", "tanggal_lahir"]].notna().sum().tolist() == [
        0,
        0,
        0,
        0,
        44,
    ]
    assert keluarga.loc[0, "nik_kepala"] == "6301010101800001" and anggota.loc[0, "umur"] == 43


def test_a_family_store_inside_the_snapshot_is_refused_before_any_work(tmp_path):
    inputs = fixtures.build_inputs(tmp_path / "input", tmp_path / "snapshots" / "uji")
    inputs.families_out = inputs.out / "keluarga"
    with pytest.raises(ValueError, match="must lie outside the snapshot"):
        build(inputs)
    assert not (tmp_path / "snapshots").exists()


@pytest.mark.parametrize(
    "raw, kelamin",
    [
        ("LAKI-LAKI", "L"),
        ("l", "L"),
        ("1", "L"),
        (" pria ", "L"),
        ("PEREMPUAN", "P"),
        ("P", "P"),
        ("2", "P"),
        ("Wanita", "P"),
        ("X", None),
        ("", None),
        (None, None),
    ],
)
def test_jenis_kelamin(raw, kelamin):
    assert connect().execute("SELECT k_jenis_kelamin(k_up(?::VARCHAR))", [raw]).fetchall()[0][0] == kelamin


@pytest.mark.parametrize(
    "raw, text",
    [
        ("  Jorong  Koto\tTangah ", "Jorong Koto Tangah"),
        ("Warga\u00a0Satu", "Warga Satu"),  # a non-breaking space from a web export
        ("\tWarga\tDua\r", "Warga Dua"),
        ("JORONG PASAR", "JORONG PASAR"),  # the case is kept
        ("   ", None),
        (None, None),
    ],
)
def test_names_and_addresses_are_trimmed(raw, text):
    assert connect().execute("SELECT k_text(?::VARCHAR)", [raw]).fetchall()[0][0] == text
