"""The app's data access, view state, classification and search, without a browser."""

from __future__ import annotations

import json
import os
import shutil
import time

import numpy as np
import pandas as pd
import pytest

from etl import indicators
from etl.pipeline import build
from kantong import figures, fmt
from kantong.data import SnapshotStore, indicator_values, rank_in
from kantong.search import fold, search
from kantong.view import View
from tests import fixtures


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app_core")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "a"))
    return folder / "snapshots"


def test_indonesian_number_format():
    assert fmt.angka(1234567) == "1.234.567"
    assert fmt.persen(12.5) == "12,5%"
    assert fmt.persen(float("nan")) == "–"
    assert fmt.nilai(indicators.get("kk_d1_non_dtks"), 79272) == "79.272 KK"
    assert fmt.tanggal("2023-08-22") == "22 Agustus 2023"
    for value in (0, 7, 999, 1000, 79272, 1234567.891, -4321.5, 0.06, 33.333):
        for digits in (0, 1, 2):
            assert fmt.angka(value, digits) == fmt.angka_babel(value, digits)


def test_a_new_snapshot_is_picked_up_without_restart(root):
    store = SnapshotStore(root)
    first = store.latest()
    assert first.path.name == "a" and store.latest() is first  # cached
    time.sleep(0.01)  # distinct modification times on coarse file systems
    shutil.copytree(root / "a", root / "b")
    summary = json.loads((root / "b" / "summary.json").read_text())
    (root / "b" / "summary.json").write_text(json.dumps(summary))
    os.utime(root / "b" / "summary.json", ns=(time.time_ns() + 10**9,) * 2)
    assert store.latest().path.name == "b"
    assert store.by_id(first.id).path.name == "a"
    shutil.rmtree(root / "b")
    assert store.latest().path.name == "a"


def test_view_round_trips_through_the_url_and_rejects_junk(root):
    snapshot = SnapshotStore(root).latest()
    view = View(
        tingkat="desa",
        wilayah="13.01",
        indikator="pct_d1_bansos",
        klasifikasi="jenks",
        warna="biru",
        profil="13.01.01.2001",
    )
    assert View.from_query(view.to_query(), snapshot) == view
    junk = View.from_query("?tingkat=planet&wilayah=99&indikator=x&profil=13.99", snapshot)
    assert junk == View(wilayah="13", profil="13")
    # A kab/kota map cannot be drawn inside a kab/kota: the scope widens to the province.
    assert View.from_query("?tingkat=kabkota&wilayah=13.01", snapshot).wilayah == "13"


def test_drill_down_rules():
    view = View(wilayah="13", profil="13")
    assert view.open_region("13.06") == View(tingkat="desa", wilayah="13.06", profil="13.06")
    assert view.open_region("13.06.01") == View(tingkat="desa", wilayah="13.06.01", profil="13.06.01")
    in_kab = view.open_region("13.06.01.2001")
    assert (in_kab.wilayah, in_kab.profil) == ("13.06", "13.06.01.2001")
    assert View(tingkat="desa", wilayah="13.06", profil="13.06").with_level("kabkota").wilayah == "13"


def test_values_and_ranks_of_a_view(root):
    snapshot = SnapshotStore(root).latest()
    frame = indicator_values(snapshot, "desa", "13", "kk_d1_non_dtks")
    assert frame.loc["13.01.02.2001", "nilai"] == 1 and frame.loc["13.71.01.1001", "nilai"] == 1
    assert frame.loc["13.01.02.2001", "peringkat"] == 1  # ties share the best rank
    assert np.isnan(frame.loc["13.01.01.2002", "nilai"]) or frame.loc["13.01.01.2002", "nilai"] == 0
    # Coverage: more is better, so the lowest coverage ranks first (50% of 4 D1 families in
    # 13.01, 100% of 1 in 13.71), when rates on so few families are compared at all.
    cover = indicator_values(snapshot, "kabkota", "13", "pct_d1_bansos", min_penyebut=1)
    assert cover.loc["13.01", "peringkat"] == 1 and cover.loc["13.71", "peringkat"] == 2
    # By default (10) both rest on too few families: no value and no rank, counts kept.
    cover = indicator_values(snapshot, "kabkota", "13", "pct_d1_bansos")
    assert cover["sedikit"].tolist() == [True, True] and cover["peringkat"].isna().all()
    assert cover["kk_desil_1"].tolist() == [4, 1]
    assert rank_in(snapshot, "13.01.01.2001", "kk_desil_1", "13.01") == (1, 4)


def test_classification_keeps_no_family_and_not_applicable_apart():
    ind = indicators.get("pct_d1_non_dtks")
    values = pd.Series([0.0, 10.0, 20.0, 30.0, 40.0, np.nan, np.nan])
    has_family = pd.Series([True, True, True, True, True, True, False])
    classes = figures.classify(values, has_family, ind, "interval", "oranye")
    assert classes.kelas[-2] == -1 and classes.kelas[-1] == -2
    assert classes.tidak_berlaku == 1 and classes.tanpa_keluarga == 1
    assert sum(classes.jumlah) == 5
    rows = figures.legend_rows(classes, ind)
    assert rows[0][1] == "0,0% – 8,0%" and rows[-1][1] == "Tidak ada keluarga P3KE"


def test_rates_on_too_few_families_have_their_own_class_and_legend_row():
    ind = indicators.get("pct_d1_non_dtks")
    values = pd.Series([0.0, 10.0, 20.0, 100.0, np.nan, 50.0])
    has_family = pd.Series([True, True, True, True, True, False])
    few = pd.Series([False, False, False, True, False, False])  # e.g. 1 of 1 desil-1 family
    classes = figures.classify(values, has_family, ind, "interval", "oranye", too_few=few, min_penyebut=10)
    assert classes.kelas.tolist()[3:] == [-3, -1, -2]
    assert (classes.terlalu_sedikit, classes.tidak_berlaku, classes.tanpa_keluarga) == (1, 1, 1)
    assert classes.batas[-1] == 20.0  # the 100% of one family does not stretch the classes
    rows = figures.legend_rows(classes, ind)
    assert (figures.TOO_FEW_COLOUR, "Terlalu sedikit (di bawah 10 KK desil 1)", 1) in rows


def test_count_classes_have_whole_number_bounds():
    ind = indicators.get("kk_d1_non_dtks")
    values = pd.Series([0, 0, 0, 1, 1, 2, 3, 5, 8, 13], dtype="float64")
    classes = figures.classify(values, pd.Series([True] * 10), ind, "kuantil", "oranye")
    assert all(float(b).is_integer() for b in classes.batas)
    labels = [label for _, label, _ in figures.legend_rows(classes, ind)]
    assert labels[0] == "0" and labels[1].startswith("1")


def test_search_folds_minang_and_indonesian_spellings():
    assert fold("Nagari Koto Tinggi") == fold("kota tinggi") == "KOTA TINGGI"
    assert fold("Sungai Aia") == fold("sungai air")
    assert fold("IV Koto") == "4 KOTA"
    assert fold("Kota Solok") != fold("Kabupaten Solok")


def test_search_finds_regions_by_variant(root):
    snapshot = SnapshotStore(root).latest()
    hits = search(snapshot, "alpa")  # a close spelling of Alpha
    assert hits.iloc[0]["kode"] == "13.01.01.2001"
    assert search(snapshot, "contoh")["tingkat"].tolist()[:2] == ["kabkota", "kabkota"]
