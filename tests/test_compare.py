"""Comparing two releases (etl/compare.py) on releases built by the real pipeline from the
hand-checkable fixture; every family's story is in tests/compare_fixtures.py:

    A -> B: F1 leaves desil 1 (1 -> 3); F2 starts bansos; F3 (desil 2 -> 1) is matched only by
    its head's NIK, its ID became F3X; F5's nagari is renamed 13.01.02.2001 -> 13.01.02.2003;
    F6 is gone, and its nagari 13.01.02.2002 with it; F10 enters DTKS; F20 is new.
    A -> C: nagari 13.01.01.2001 split; F2 lies in the new 13.01.01.2003.

Codes, crosswalks and small numbers are also checked on code lists and tables made by hand.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from etl import compare as cmp
from etl import config, indicators
from etl.errors import InputError
from tests import compare_fixtures as cf
from tests import fixtures

DESA_AB = ["13.01.01.2001", "13.01.01.2002", "13.01.02.2002", "13.01.02.2003", "13.71.01.1001"]
RENAME = pd.DataFrame({"kode_lama": [cf.GAMMA_LAMA], "kode_baru": [cf.GAMMA_BARU]})
SPLIT = pd.DataFrame({"kode_lama": [cf.ALPHA, cf.ALPHA], "kode_baru": [cf.ALPHA, cf.ALPHA_BARU]})


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("rilis")
    return {"a": cf.build_release_a(root), "b": cf.build_release_b(root), "c": cf.build_release_c(root)}


@pytest.fixture(scope="module")
def ab(releases) -> cmp.Comparison:
    return cmp.compare(releases["a"], releases["b"], RENAME)


def _families(comparison: cmp.Comparison) -> pd.DataFrame:
    frame = comparison.keluarga.to_pandas()
    frame["id"] = frame["id_keluarga_b"].fillna(frame["id_keluarga_a"])
    return frame.set_index("id")


def _row(frame: pd.DataFrame, kode: str) -> pd.Series:
    return frame.set_index("kode").loc[kode]


def _change(comparison: cmp.Comparison, level: str, kode: str, indikator: str) -> pd.Series:
    frame = comparison.perubahan[level]
    return frame[(frame["kode"] == kode) & (frame["indikator"] == indikator)].iloc[0]


# ----------------------------------------------------------------------------- families


def test_each_family_is_matched_by_id_or_by_the_heads_nik(ab):
    fam = _families(ab)
    assert sorted(fam.index) == ["F1", "F10", "F2", "F20", "F3X", "F5", "F6"]
    assert fam["status"].to_dict() == {
        "F1": "tetap",
        "F2": "tetap",
        "F3X": "tetap",
        "F5": "tetap",
        "F10": "tetap",
        "F6": "keluar",
        "F20": "baru",
    }
    assert fam.loc["F3X", "id_keluarga_a"] == "F3" and fam.loc["F3X", "cocok_lewat"] == "nik_kepala"
    assert (fam.loc[["F1", "F2", "F5", "F10"], "cocok_lewat"] == "id_keluarga").all()
    # F5 lies in the renamed nagari: through the crosswalk it has not moved.
    assert fam.loc["F5", ["kode_desa_a", "kunci_a", "kode_desa_b"]].tolist() == [cf.GAMMA_LAMA] + [cf.GAMMA_BARU] * 2
    assert not fam["pindah"].any()


def test_transition_totals(ab):
    r = ab.ringkasan
    assert r["keluarga"] == {
        "a": 6,
        "b": 6,
        "tetap": 5,
        "tetap_lewat_nik": 1,
        "baru": 1,
        "keluar": 1,
        "pindah_nagari": 0,
    }
    # A's desil-1 families that stayed: F1, F2, F5, F10. F10 enters DTKS, F2 starts bansos,
    # F1 leaves desil 1; F3 (desil 2) becomes desil 1.
    assert r["desil_1"] == {
        "a": 5,
        "tetap": 4,
        "masuk_dtks": 1,
        "mulai_bansos": 1,
        "keluar_desil_1": 1,
        "masuk_desil_1_dari_desil_2_4": 1,
    }


def test_desil_matrix(ab):
    m = ab.matriks_desil.set_index("dari")
    assert list(m.columns) == ["1", "2", "3", "4", "–", "jumlah"]
    assert m.loc["1"].tolist() == [3, 0, 1, 0, 1, 5]  # F2, F5, F10 stay; F1 to desil 3; F6 left
    assert m.loc["2"].tolist() == [1, 0, 0, 0, 0, 1]  # F3 -> F3X, desil 1
    assert m.loc["3"].tolist() == m.loc["4"].tolist() == [0] * 6
    assert m.loc["–"].tolist() == [1, 0, 0, 0, 0, 1]  # F20, new
    assert ab.ringkasan["matriks_desil"]["1"] == {"1": 3, "2": 0, "3": 1, "4": 0, "–": 1}


def test_desil_matrix_per_kabkota(ab):
    cells = {(k, d, e): n for k, d, e, n in ab.matriks_desil_kabkota.itertuples(index=False)}
    # Kota 13.71 holds F10 only (desil 1 in both); the rest is Kab. 13.01: tetap 4 + baru 1 + keluar 1.
    assert {key: n for key, n in cells.items() if key[0] == "13.71"} == {("13.71", "1", "1"): 1}
    assert sum(n for key, n in cells.items() if key[0] == "13.01") == 6
    assert cells[("13.01", "1", "3")] == 1 and cells[("13.01", "1", "–")] == 1  # F1 to desil 3; F6 left


def test_transitions_per_nagari_in_b_codes_and_left_families_in_a_codes(ab):
    desa = ab.transisi["desa"].set_index("kode")
    assert list(desa.index) == DESA_AB
    columns = ["kk_a", "kk_b", "tetap", "tetap_lewat_nik", "tetap_asal", "baru", "keluar"]
    assert desa[columns].to_dict(orient="index") == {
        "13.01.01.2001": dict(zip(columns, [2, 2, 2, 0, 2, 0, 0])),
        "13.01.01.2002": dict(zip(columns, [1, 2, 1, 1, 1, 1, 0])),
        "13.01.02.2002": dict(zip(columns, [1, 0, 0, 0, 0, 0, 1])),
        "13.01.02.2003": dict(zip(columns, [1, 1, 1, 0, 1, 0, 0])),
        "13.71.01.1001": dict(zip(columns, [1, 1, 1, 0, 1, 0, 0])),
    }
    d1 = ["d1_a", "d1_tetap", "d1_masuk_dtks", "d1_mulai_bansos", "d1_keluar_desil_1", "masuk_desil_1"]
    assert desa.loc["13.01.01.2001", d1].tolist() == [2, 2, 0, 1, 1, 0]
    assert desa.loc["13.01.01.2002", d1].tolist() == [0, 0, 0, 0, 0, 1]
    assert desa.loc["13.71.01.1001", d1].tolist() == [1, 1, 1, 0, 0, 0]
    kec = ab.transisi["kecamatan"].set_index("kode")
    assert kec.loc["13.01.02", ["kk_a", "kk_b", "tetap", "keluar"]].tolist() == [2, 1, 1, 1]
    kab = ab.transisi["kabkota"].set_index("kode")
    assert kab.loc["13.01", ["kk_a", "kk_b", "tetap", "baru", "keluar"]].tolist() == [5, 5, 4, 1, 1]
    prov = ab.transisi["provinsi"].iloc[0]
    assert prov[["kk_a", "kk_b", "tetap", "baru", "keluar", "d1_masuk_dtks"]].tolist() == [6, 6, 5, 1, 1, 1]


def test_invariants_hold(ab, releases):
    assert ab.invarian_gagal == []
    assert all(ab.ringkasan["invarian"].values()) and len(ab.ringkasan["invarian"]) == 12
    # The same, counted here: families in A = tetap + keluar, in B = tetap + baru.
    fam = _families(ab)
    n_a = pq.read_metadata(config.family_dir(releases["a"]) / "keluarga.parquet").num_rows
    n_b = pq.read_metadata(config.family_dir(releases["b"]) / "keluarga.parquet").num_rows
    counts = fam["status"].value_counts()
    assert (n_a, n_b) == (counts["tetap"] + counts["keluar"], counts["tetap"] + counts["baru"]) == (6, 6)
    m = ab.matriks_desil.set_index("dari")[["1", "2", "3", "4", "–"]]
    assert m.loc[["1", "2", "3", "4"]].to_numpy().sum() == n_a and m[["1", "2", "3", "4"]].to_numpy().sum() == n_b
    # Every level adds up to the province, for the transitions and the indicator values.
    top = ab.transisi["provinsi"][list(cmp.TRANSISI_COLUMNS)].sum()
    for level in cmp.LEVELS:
        assert ab.transisi[level][list(cmp.TRANSISI_COLUMNS)].sum().equals(top)
        values = ab.perubahan[level]
        kk = values[values["indikator"] == "kk_desil_1"]
        assert (kk["nilai_a"].sum(), kk["nilai_b"].sum()) == (5, 5)


# ----------------------------------------------------------------------------- regions


def test_region_changes_with_small_numbers(ab):
    desa = ab.perubahan["desa"]
    assert len(desa) == len(DESA_AB) * len(indicators.IDS)
    # Alpha: F1 left desil 1 (2 -> 1 families); of the desil-1 families F1 had bansos and F2
    # not (50%); in B F2 alone has it (100%): +50 points, on a denominator under 5.
    row = _change(ab, "desa", "13.01.01.2001", "kk_desil_1")
    assert (row["nilai_a"], row["nilai_b"], row["perubahan"], row["kecil"]) == (2, 1, -1, True)
    row = _change(ab, "desa", "13.01.01.2001", "pct_d1_bansos")
    assert (row["nilai_a"], row["nilai_b"], row["perubahan"], row["kecil"]) == (50, 100, 50, True)
    # Beta had no desil-1 family in A: the rate has no value there, so no change.
    row = _change(ab, "desa", "13.01.01.2002", "pct_d1_bansos")
    assert np.isnan(row["nilai_a"]) and row["nilai_b"] == 50 and np.isnan(row["perubahan"])
    prov = ab.perubahan["provinsi"].set_index("indikator")
    assert prov.loc["kk_total", ["nilai_a", "nilai_b", "perubahan", "kecil"]].tolist() == [6, 6, 0, False]
    assert prov.loc["kk_desil_2", ["nilai_a", "nilai_b", "perubahan", "kecil"]].tolist() == [1, 0, -1, True]
    assert prov.loc["kk_desil_3", ["nilai_a", "nilai_b", "perubahan"]].tolist() == [0, 1, 1]
    # PKH: F1 in A; F2 (D's new record) and F3X (E's record) in B.
    assert prov.loc["kk_d1_pkh", ["nilai_a", "nilai_b", "perubahan"]].tolist() == [1, 2, 1]
    # Rates on 5 desil-1 families on each side: not small numbers.
    assert prov.loc["pct_d1_dtks_tanpa_bansos", ["nilai_a", "nilai_b", "perubahan", "kecil"]].tolist() == [
        20,
        0,
        -20,
        False,
    ]


def test_crosswalk_renames_a_nagari_and_a_gone_nagari_is_reported(ab):
    desa = ab.transisi["desa"].set_index("kode")
    assert desa["status"].to_dict() == {
        "13.01.01.2001": "sama",
        "13.01.01.2002": "sama",
        "13.01.02.2002": "hanya_a",
        "13.01.02.2003": "ganti_kode",
        "13.71.01.1001": "sama",
    }
    assert desa.loc["13.01.02.2003", "kode_lama"] == cf.GAMMA_LAMA
    row = _change(ab, "desa", cf.GAMMA_BARU, "kk_total")
    assert (row["nilai_a"], row["nilai_b"], row["perubahan"]) == (1, 1, 0)
    gone = _change(ab, "desa", "13.01.02.2002", "kk_total")
    assert gone["status"] == "hanya_a" and gone["nilai_a"] == 1 and np.isnan(gone["nilai_b"])
    assert np.isnan(gone["perubahan"])
    assert ab.tidak_cocok[["kode", "nama", "kk_total_a"]].values.tolist() == [["13.01.02.2002", "Nagari Epsilon", 1]]
    assert ab.ringkasan["wilayah"]["kode_a_tidak_cocok"] == 1
    assert ab.ringkasan["padanan"] == {
        "berkas": None,
        "baris_dipakai": 1,
        "baris_tidak_terpakai": 0,
        "baris_kode_baru_tidak_ada": 0,
    }
    # Kecamatan Dua: F5 and F6 in A, F5 in B.
    row = _change(ab, "kecamatan", "13.01.02", "kk_total")
    assert (row["status"], row["nilai_a"], row["nilai_b"], row["perubahan"]) == ("sama", 2, 1, -1)


def test_without_the_crosswalk_the_renamed_nagari_is_unmatched_and_its_family_moved(releases):
    c = cmp.compare(releases["a"], releases["b"])
    status = c.transisi["desa"].set_index("kode")["status"]
    assert status[cf.GAMMA_LAMA] == "hanya_a" and status[cf.GAMMA_BARU] == "hanya_b"
    assert c.tidak_cocok["kode"].tolist() == [cf.GAMMA_LAMA, "13.01.02.2002"]
    desa = c.transisi["desa"].set_index("kode")
    assert desa.loc[cf.GAMMA_LAMA, ["kk_a", "tetap_asal", "pindah_keluar", "kk_b"]].tolist() == [1, 1, 1, 0]
    assert desa.loc[cf.GAMMA_BARU, ["kk_a", "kk_b", "tetap", "pindah_masuk"]].tolist() == [0, 1, 1, 1]
    assert c.ringkasan["keluarga"]["pindah_nagari"] == 1
    assert c.invarian_gagal == []


def test_a_split_nagari_has_no_change_of_its_own_but_counts_in_its_kecamatan(releases):
    c = cmp.compare(releases["a"], releases["c"], SPLIT)
    desa = c.transisi["desa"].set_index("kode")
    assert desa.loc[cf.ALPHA, ["status", "kode_lama", "batas_berubah"]].tolist() == ["dipecah", cf.ALPHA, True]
    assert desa.loc[cf.ALPHA_BARU, ["status", "kode_lama", "batas_berubah"]].tolist() == ["pemekaran", cf.ALPHA, True]
    # F1 and F2 were in Alpha; in C F1 is in Alpha, F2 in Alpha Baru: neither moved.
    assert desa.loc[cf.ALPHA, ["kk_a", "tetap_asal", "kk_b", "tetap", "pindah_keluar"]].tolist() == [2, 2, 1, 1, 0]
    assert desa.loc[cf.ALPHA_BARU, ["kk_a", "kk_b", "tetap", "pindah_masuk"]].tolist() == [0, 1, 1, 0]
    old = _change(c, "desa", cf.ALPHA, "kk_total")
    assert (old["nilai_a"], old["nilai_b"]) == (2, 1) and np.isnan(old["perubahan"])
    new = _change(c, "desa", cf.ALPHA_BARU, "kk_total")
    assert np.isnan(new["nilai_a"]) and new["nilai_b"] == 1 and np.isnan(new["perubahan"])
    kec = _change(c, "kecamatan", "13.01.01", "kk_total")
    assert (kec["status"], kec["batas_berubah"], kec["nilai_a"], kec["nilai_b"], kec["perubahan"]) == (
        "sama",
        False,
        3,
        3,
        0,
    )
    assert c.ringkasan["wilayah"]["nagari_per_status"]["dipecah"] == 1
    assert c.invarian_gagal == []
    # Without the crosswalk Alpha is the same nagari with one family fewer, and F2 moved.
    plain = cmp.compare(releases["a"], releases["c"])
    assert _change(plain, "desa", cf.ALPHA, "kk_total")["perubahan"] == -1
    assert _row(plain.transisi["desa"], cf.ALPHA_BARU)["status"] == "hanya_b"
    assert plain.ringkasan["keluarga"]["pindah_nagari"] == 1


def test_a_release_compared_with_itself_changes_nothing(releases):
    c = cmp.compare(releases["a"], releases["a"])
    assert c.ringkasan["keluarga"] == {
        "a": 6,
        "b": 6,
        "tetap": 6,
        "tetap_lewat_nik": 0,
        "baru": 0,
        "keluar": 0,
        "pindah_nagari": 0,
    }
    desa = c.perubahan["desa"]
    assert (desa["status"] == "sama").all()
    both = desa["nilai_a"].notna()
    assert (desa.loc[both, "perubahan"] == 0).all() and desa.loc[~both, "perubahan"].isna().all()
    assert c.invarian_gagal == []


def _keluarga(rows: list[tuple[str, str | None, int]]) -> pa.Table:
    """A family store's comparison columns: (id_keluarga, nik_kepala, desil), all in one nagari."""
    return pa.table(
        {
            "id_keluarga": [r[0] for r in rows],
            "kode_desa": ["13.01.01.2001"] * len(rows),
            "nik_kepala": [r[1] for r in rows],
            "desil": pa.array([r[2] for r in rows], pa.int32()),
            "di_dtks": [False] * len(rows),
            "bansos": [False] * len(rows),
        }
    )


def test_the_heads_nik_matches_only_when_valid_and_unique_on_both_sides():
    n = {k: f"13010101019000{k:02d}" for k in (1, 2, 5, 7, 9)}
    a = _keluarga(
        [("X1", n[1], 1), ("X2", n[2], 1), ("X3", n[2], 2), ("X4", None, 1), ("X5", n[5], 1), ("X7", n[7], 3)]
    )
    b = _keluarga(
        [
            ("Y1", n[1], 2),  # X1's head: matched by NIK
            ("Y2", n[2], 1),  # two heads with this NIK in A: not matched
            ("Y4", None, 1),
            ("X5", n[9], 1),  # same ID, another head NIK: matched by ID
            ("Y6", n[5], 1),  # X5's head, but X5 is matched by ID already
            ("Y7", n[7], 1),  # two heads with this NIK in B: not matched
            ("Y8", n[7], 1),
            ("Y9", "1301010101900001x", 1),  # not a valid NIK
        ]
    )
    with duckdb.connect() as con:
        pairs = cmp.pair_families(con, a, b, cmp.code_map(["13.01.01.2001"], ["13.01.01.2001"])).to_pandas()
    stayed = pairs[pairs["status"] == "tetap"]
    assert sorted(zip(stayed["id_keluarga_a"], stayed["id_keluarga_b"], stayed["cocok_lewat"])) == [
        ("X1", "Y1", "nik_kepala"),
        ("X5", "X5", "id_keluarga"),
    ]
    assert sorted(pairs.loc[pairs["status"] == "keluar", "id_keluarga_a"]) == ["X2", "X3", "X4", "X7"]
    assert sorted(pairs.loc[pairs["status"] == "baru", "id_keluarga_b"]) == ["Y2", "Y4", "Y6", "Y7", "Y8", "Y9"]
    assert len(pairs) == 6 + 8 - 2


def test_a_family_store_with_a_repeated_id_is_refused():
    with pytest.raises(cmp.CompareError, match="ID keluarga berulang"):
        cmp.check_keluarga(_keluarga([("X1", None, 1), ("X1", None, 2)]), "Rilis A")


# ----------------------------------------------------------------------------- code map by hand


def _tables(kk: dict[str, int]) -> dict[str, pd.DataFrame]:
    """Region tables of a release from kk_total per nagari (every family in desil 1, half
    of them rounded down outside DTKS)."""
    desa = pd.DataFrame({"kode": list(kk), "nama": [f"Nagari {k[-4:]}" for k in kk]})
    for column in cmp.COUNTS:
        desa[column] = 0.0
    desa["kk_total"] = desa["kk_desil_1"] = [float(n) for n in kk.values()]
    desa["kk_d1_non_dtks"] = [float(n // 2) for n in kk.values()]
    tables = {"desa": desa}
    for level, digits in cmp.PARENT_DIGITS.items():
        sums = desa.groupby(desa["kode"].str.slice(0, digits))[list(cmp.COUNTS)].sum().reset_index()
        tables[level] = sums.assign(nama=lambda f: "Wilayah " + f["kode"])[["kode", "nama", *cmp.COUNTS]]
    return tables


def test_code_map_rename_merge_split_and_unmatched():
    a = ["13.01.01.2001", "13.01.01.2002", "13.01.01.2003", "13.01.01.2004", "13.01.02.2001", "13.01.02.2009"]
    b = ["13.01.01.2001", "13.01.01.2010", "13.01.01.2011", "13.01.01.2012", "13.01.02.2001", "13.01.02.2020"]
    crosswalk = pd.DataFrame(
        [
            ("13.01.01.2002", "13.01.01.2010", 2),  # renamed
            ("13.01.01.2003", "13.01.01.2011", 3),  # merged with 2004 into 2011
            ("13.01.01.2004", "13.01.01.2011", 4),
            ("13.01.02.2001", "13.01.02.2001", 5),  # split: keeps its code, gives up 13.01.02.2020
            ("13.01.02.2001", "13.01.02.2020", 6),
            ("13.01.09.2001", "13.01.09.2001", 7),  # not in A: unused
            ("13.01.02.2009", "13.01.02.2099", 8),  # its new code is not in B
        ],
        columns=["kode_lama", "kode_baru", "baris"],
    )
    m = cmp.code_map(a, b, crosswalk)
    rows = m.desa.set_index("kode")
    assert rows["status"].to_dict() == {
        "13.01.01.2001": "sama",
        "13.01.01.2010": "ganti_kode",
        "13.01.01.2011": "digabung",
        "13.01.01.2012": "hanya_b",
        "13.01.02.2001": "dipecah",
        "13.01.02.2009": "hanya_a",
        "13.01.02.2020": "pemekaran",
    }
    assert rows.loc["13.01.01.2011", "kode_lama"] == "13.01.01.2003; 13.01.01.2004"
    assert rows.loc["13.01.02.2020", "kode_lama"] == "13.01.02.2001"
    assert m.kunci.set_index("kode_a")["kunci"].to_dict() == {
        "13.01.01.2001": "13.01.01.2001",
        "13.01.01.2002": "13.01.01.2010",
        "13.01.01.2003": "13.01.01.2011",
        "13.01.01.2004": "13.01.01.2011",
        "13.01.02.2001": "13.01.02.2001",
        "13.01.02.2009": "13.01.02.2009",
    }
    assert (m.padanan_dipakai, m.padanan_tidak_terpakai) == (5, 1)
    assert m.padanan_salah[["kode_lama", "kode_baru", "baris"]].values.tolist() == [
        ["13.01.02.2009", "13.01.02.2099", 8]
    ]
    assert m.batas_berubah == {"kecamatan": frozenset(), "kabkota": frozenset(), "provinsi": frozenset()}

    # Values: A's merged nagari summed into 2011; the split's kecamatan compares whole.
    kk_a = dict(zip(a, [10, 4, 3, 2, 8, 1]))
    kk_b = dict(zip(b, [11, 5, 6, 7, 5, 2]))
    tables_a, tables_b = _tables(kk_a), _tables(kk_b)
    levels = cmp.region_levels(tables_a, tables_b, m)
    desa = cmp.changes(levels["desa"]).set_index(["kode", "indikator"])
    assert desa.loc[("13.01.01.2011", "kk_total"), ["nilai_a", "nilai_b", "perubahan", "kecil"]].tolist() == [
        5,
        6,
        1,
        False,
    ]
    # 4 -> 5 families: not under 5 in both; 2 -> 2 outside DTKS is.
    assert desa.loc[("13.01.01.2010", "kk_total"), ["nilai_a", "nilai_b", "perubahan", "kecil"]].tolist() == [
        4,
        5,
        1,
        False,
    ]
    assert desa.loc[("13.01.01.2010", "kk_d1_non_dtks"), "kecil"]
    assert np.isnan(desa.loc[("13.01.02.2001", "kk_total"), "perubahan"])
    # Half (rounded down) outside DTKS: 2011 had 1 + 1 of 5 (40%), has 3 of 6 (50%).
    rate = desa.loc[("13.01.01.2011", "pct_d1_non_dtks")]
    assert (rate["nilai_a"], rate["nilai_b"], rate["perubahan"]) == (40, 50, 10)
    kec = cmp.changes(levels["kecamatan"]).set_index(["kode", "indikator"])
    assert kec.loc[("13.01.02", "kk_total"), ["nilai_a", "nilai_b", "perubahan"]].tolist() == [9, 7, -2]
    assert kec.loc[("13.01.01", "kk_total"), ["nilai_a", "nilai_b", "perubahan"]].tolist() == [19, 29, 10]
    unmatched = cmp.unmatched(m, tables_a["desa"])
    assert unmatched[["kode", "kode_baru", "baris_padanan", "kk_total_a"]].astype(object).fillna(
        ""
    ).values.tolist() == [
        ["13.01.02.2009", "13.01.02.2099", 8, 1],
        ["13.01.02.2009", "", "", 1],
    ]
    assert unmatched["alasan"].str.contains("tidak ada di rilis B").all()


def test_a_split_across_kecamatan_marks_them_and_keeps_the_totals():
    a = ["13.01.01.2001", "13.01.02.2001"]
    b = ["13.01.01.2005", "13.01.02.2001", "13.01.02.2005"]
    crosswalk = pd.DataFrame(
        [("13.01.01.2001", "13.01.01.2005"), ("13.01.01.2001", "13.01.02.2005")], columns=["kode_lama", "kode_baru"]
    )
    m = cmp.code_map(a, b, crosswalk)
    assert m.batas_berubah["kecamatan"] == {"13.01.01", "13.01.02"} and not m.batas_berubah["kabkota"]
    rows = m.desa.set_index("kode")
    # The old code is not kept: above the nagari A's values go where its lowest new code lies.
    assert rows.loc["13.01.01.2001", ["status", "kode_kecamatan"]].tolist() == ["dipecah", "13.01.01"]
    levels = cmp.region_levels(_tables(dict(zip(a, [9, 4]))), _tables(dict(zip(b, [5, 4, 6]))), m)
    kec = cmp.changes(levels["kecamatan"]).set_index(["kode", "indikator"])
    for kode, values in {"13.01.01": [9, 5], "13.01.02": [4, 10]}.items():
        row = kec.loc[(kode, "kk_total")]
        assert [row["nilai_a"], row["nilai_b"]] == values and row["batas_berubah"] and np.isnan(row["perubahan"])
    kab = cmp.changes(levels["kabkota"]).set_index(["kode", "indikator"]).loc[("13.01", "kk_total")]
    assert (kab["nilai_a"], kab["nilai_b"], kab["perubahan"], kab["batas_berubah"]) == (13, 15, 2, False)


def test_a_kecamatan_whose_nagari_all_moved_is_listed_without_counting_twice():
    # Nagari 13.01.01.2001, the only one of kecamatan 13.01.01, now lies in kecamatan 13.01.02.
    m = cmp.code_map(
        ["13.01.01.2001", "13.01.02.2001"],
        ["13.01.02.2001", "13.01.02.2002"],
        pd.DataFrame({"kode_lama": ["13.01.01.2001"], "kode_baru": ["13.01.02.2002"]}),
    )
    levels = cmp.region_levels(
        _tables({"13.01.01.2001": 6, "13.01.02.2001": 3}), _tables({"13.01.02.2001": 3, "13.01.02.2002": 7}), m
    )
    kec = cmp.changes(levels["kecamatan"]).set_index(["kode", "indikator"])
    gone = kec.loc[("13.01.01", "kk_total")]
    assert gone["status"] == "hanya_a" and np.isnan(gone["nilai_a"]) and np.isnan(gone["nilai_b"])
    assert kec.loc[("13.01.02", "kk_total"), ["status", "nilai_a", "nilai_b", "perubahan"]].tolist() == [
        "sama",
        9,
        10,
        1,
    ]
    kab = cmp.changes(levels["kabkota"]).set_index(["kode", "indikator"]).loc[("13.01", "kk_total")]
    assert (kab["nilai_a"], kab["nilai_b"]) == (9, 10)


def test_small_numbers_flag():
    m = cmp.code_map(["13.01.01.2001", "13.01.01.2002"], ["13.01.01.2001", "13.01.01.2002"])
    levels = cmp.region_levels(
        _tables({"13.01.01.2001": 4, "13.01.01.2002": 40}), _tables({"13.01.01.2001": 5, "13.01.01.2002": 3}), m
    )
    desa = cmp.changes(levels["desa"]).set_index(["kode", "indikator"])["kecil"]
    assert not desa[("13.01.01.2001", "kk_total")]  # 4 -> 5: not under 5 in both
    assert desa[("13.01.01.2001", "kk_d1_non_dtks")]  # 2 -> 2
    assert desa[("13.01.01.2001", "pct_d1_non_dtks")]  # denominator 4 in A
    assert not desa[("13.01.01.2002", "kk_total")]  # 40 -> 3
    assert desa[("13.01.01.2002", "pct_d1_non_dtks")]  # denominator 3 in B


# ----------------------------------------------------------------------------- crosswalk files


def test_read_crosswalk_csv_with_bom_semicolons_and_plain_codes(tmp_path):
    path = tmp_path / "padanan.csv"
    path.write_text(
        "Tabel padanan kode nagari 2024\nKode Lama;Kode Baru;Keterangan\n"
        "1301022001;13.01.02.2003;ganti kode\n\n13.01.01.2001;1301012001;dipecah\n"
        "13.01.01.2001;1301012003;dipecah\n1301022001;13.01.02.2003;baris ganda\n",
        encoding="utf-8-sig",
    )
    frame = cmp.read_crosswalk(path)
    assert frame.astype(object).values.tolist() == [
        ["13.01.02.2001", "13.01.02.2003", 3],
        ["13.01.01.2001", "13.01.01.2001", 5],
        ["13.01.01.2001", "13.01.01.2003", 6],
    ]


def test_read_crosswalk_xlsx_with_numbers_and_a_cover_sheet(tmp_path):
    path = tmp_path / "padanan.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Sampul").write_string(0, 0, "Padanan kode wilayah")
    sheet = book.add_worksheet("Padanan")
    sheet.write_row(0, 0, ["KODE_LAMA", "KODE_BARU"])
    sheet.write_row(1, 0, [1301022001, "13.01.02.2003"])  # a code typed as a number
    book.close()
    assert cmp.read_crosswalk(path).astype(object).values.tolist() == [["13.01.02.2001", "13.01.02.2003", 2]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kode_lama,kode_baru\n1301022001,13.01.02.2003\n1301022001,13.01.2003\n", "baris 3, kolom 'kode_baru'"),
        ("kode_lama,kode_baru\n,13.01.02.2003\n", "baris 2, kolom 'kode_lama': kode nagari/desa kosong"),
        ("kode_lama,kode\n1301022001,1301022003\n", "kolom 'kode_baru': kolom wajib tidak ditemukan"),
        ("lama,baru\n1301022001,1301022003\n", "kolom 'kode_lama' dan 'kode_baru' tidak ditemukan"),
        ("  \n", "berkas tabel padanan kosong"),
    ],
)
def test_bad_crosswalks_name_file_row_and_column(tmp_path, text, message):
    path = tmp_path / "padanan_salah.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        cmp.read_crosswalk(path)
    assert str(err.value).startswith("berkas padanan_salah.csv") and message in str(err.value)


def test_bad_code_in_a_workbook_names_the_sheet(tmp_path):
    path = tmp_path / "padanan.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["Kode Lama", "Kode Baru"])
    sheet.write_row(1, 0, ["1301022001", "nagari baru"])
    book.close()
    with pytest.raises(InputError, match="lembar 'Data', baris 2, kolom 'Kode Baru': kode nagari/desa tidak valid"):
        cmp.read_crosswalk(path)


# ----------------------------------------------------------------------------- writing and the command line


def test_write_puts_every_table_beside_the_summary(ab, tmp_path):
    out = cmp.write(ab, tmp_path / "banding")
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"perubahan_{level}.parquet" for level in cmp.LEVELS]
        + [f"transisi_{level}.parquet" for level in cmp.LEVELS]
        + ["matriks_desil.parquet", "matriks_desil_kabkota.parquet", "tidak_cocok.parquet", "ringkasan.json"]
    )
    ringkasan = json.loads((out / "ringkasan.json").read_text(encoding="utf-8"))
    assert ringkasan["keluarga"]["tetap"] == 5 and ringkasan["rilis_b"]["snapshot"] == "b"
    assert pd.read_parquet(out / "transisi_provinsi.parquet")["kk_b"].tolist() == [6]
    # No NIK anywhere in the outputs.
    niks = {fixtures.A, fixtures.E, fixtures.H, fixtures.I, cf.NIK_F20}
    text = "".join(pd.read_parquet(p).astype(str).to_csv() for p in out.glob("*.parquet")) + (
        out / "ringkasan.json"
    ).read_text(encoding="utf-8")
    assert not any(nik in text for nik in niks)
    # Written again over an earlier comparison: replaced. Over another folder: refused.
    cmp.write(ab, out)
    other = tmp_path / "lain"
    other.mkdir()
    (other / "catatan.txt").write_text("jangan dihapus", encoding="utf-8")
    with pytest.raises(cmp.CompareError, match="sudah berisi berkas lain"):
        cmp.write(ab, other)
    assert (other / "catatan.txt").read_text(encoding="utf-8") == "jangan dihapus"


def test_command_line_prints_the_totals(releases, tmp_path, capsys, monkeypatch):
    crosswalk = tmp_path / "padanan.csv"
    crosswalk.write_text("kode_lama,kode_baru\n1301022001,1301022003\n", encoding="utf-8")
    # B by its folder name under the snapshot root.
    monkeypatch.setattr(config, "SNAPSHOT_ROOT", releases["b"].parent)
    from etl.__main__ import main as etl_main  # python -m etl compare A B ...

    code = etl_main(
        ["compare", str(releases["a"]), "b", "--out", str(tmp_path / "hasil"), "--crosswalk", str(crosswalk)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Keluarga P3KE: A 6, B 6; tetap 5 (dipadankan lewat NIK kepala keluarga 1, pindah nagari 0)" in out
    assert "masuk DTKS 1; mulai menerima bansos 1; keluar dari desil 1 (calon graduasi) 1" in out
    assert "Nagari/desa: kode sama 3; ganti kode 1; hanya di rilis A 1" in out
    assert "Perhatian: 1 kode nagari/desa rilis A" in out
    assert (tmp_path / "hasil" / "ringkasan.json").is_file()
    assert json.loads((tmp_path / "hasil" / "ringkasan.json").read_text(encoding="utf-8"))["padanan"]["berkas"] == (
        "padanan.csv"
    )


def _copy_release(source: Path, root: Path, *, with_store: bool = True) -> Path:
    target = root / "snapshots" / source.name
    shutil.copytree(source, target)
    if with_store:
        shutil.copytree(config.family_dir(source), config.family_dir(target))
    return target


def test_command_line_refuses_bad_input(releases, tmp_path, capsys):
    a, out = str(releases["a"]), str(tmp_path / "hasil")

    def run(*args: str) -> tuple[int, str]:
        code = cmp.main(list(args))
        return code, capsys.readouterr().err

    code, err = run(a, str(tmp_path / "tidak_ada"), "--out", out)
    assert code == 2 and "Gagal: snapshot" in err and "tidak ditemukan" in err and "Traceback" not in err
    bare = _copy_release(releases["b"], tmp_path / "tanpa", with_store=False)
    code, err = run(a, str(bare), "--out", out)
    assert code == 2 and "Rilis B" in err and "penyimpanan keluarga tidak ditemukan" in err
    other = _copy_release(releases["b"], tmp_path / "lain")
    sumber = config.family_dir(other) / "sumber.json"
    sumber.write_text(json.dumps(dict(json.loads(sumber.read_text()), id_build="lain")), encoding="utf-8")
    code, err = run(a, str(other), "--out", out)
    assert code == 2 and "berasal dari build lain" in err
    not_a_snapshot = tmp_path / "kosong"
    not_a_snapshot.mkdir()
    code, err = run(str(not_a_snapshot), a, "--out", out)
    assert code == 2 and "Rilis A" in err and "summary.json tidak ada" in err
    bad = tmp_path / "padanan.csv"
    bad.write_text("kode_lama,kode_baru\n1301022001,x\n", encoding="utf-8")
    code, err = run(a, str(releases["b"]), "--out", out, "--crosswalk", str(bad))
    assert code == 2 and "berkas padanan.csv, baris 2, kolom 'kode_baru'" in err
    code, err = run(a, str(releases["b"]), "--out", out, "--crosswalk", str(tmp_path / "tidak_ada.csv"))
    assert code == 2 and "berkas tidak_ada.csv" in err
    assert not Path(out).exists()
