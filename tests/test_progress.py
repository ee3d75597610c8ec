"""Progress of a plan (kantong/progress.py) on releases A and B of tests/compare_fixtures.py,
whose every family's story is told there. The plan, made on A, holds three nagari:

    Alpha 13.01.01.2001: F1 (desil 1, in DTKS with PKH) and F2 (desil 1, in DTKS without
        bansos). Targets: into DTKS 0, start bansos 1 (F2), graduate 1.
        In B: F2 starts bansos, F1 leaves desil 1 (1 -> 3).
    Gamma 13.01.02.2001: F5 (desil 1, not in DTKS). Targets 1, 0, 1. In B its code is
        13.01.02.2003 (the crosswalk); F5 unchanged.
    13.71.01.1001: F10 (desil 1, not in DTKS, receives Sembako). Targets 1, 0, 1.
        In B: F10 enters DTKS.

So realised: into DTKS 0 + 0 + 1 = 1 of 2 (50%), start bansos 1 of 1 (100%), graduate 1
of 3 (33,3%). In the field: one delivered follow-up for F2 (Alpha), one delivered for
the nagari 13.71.01.1001 as a whole (no family named), one planned (not counted).
"""

from __future__ import annotations

import numpy as np
import pytest

from etl import compare as cmp
from kantong import progress
from kantong.comparisons import ComparisonStore
from kantong.plans import Plan
from kantong.releases import ReleaseStore
from kantong.verval.results import FollowUp, ResultStore
from tests import compare_fixtures as cf

ALPHA, GAMMA, KOTA = cf.ALPHA, cf.GAMMA_LAMA, "13.71.01.1001"
ROWS = [
    {"kode": ALPHA, "nama": "Alpha", "nama_kecamatan": "Satu", "nama_kabkota": "Kabupaten Contoh", "kk_desil_1": 2}
    | {"target_usul_dtks": 0, "target_terima_bansos": 1, "target_graduasi": 1},
    {"kode": GAMMA, "nama": "Gamma", "nama_kecamatan": "Dua", "nama_kabkota": "Kabupaten Contoh", "kk_desil_1": 1}
    | {"target_usul_dtks": 1, "target_terima_bansos": 0, "target_graduasi": 1},
    {"kode": KOTA, "nama": "Kota Satu", "nama_kecamatan": "Kota", "nama_kabkota": "Kota Contoh", "kk_desil_1": 1}
    | {"target_usul_dtks": 1, "target_terima_bansos": 0, "target_graduasi": 1},
]


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    root = tmp_path_factory.mktemp("kemajuan")
    cf.build_release_a(root)
    b = cf.build_release_b(root)
    (b / cmp.CROSSWALK_FILE).write_text(f"kode_lama,kode_baru\n{GAMMA},{cf.GAMMA_BARU}\n", encoding="utf-8")
    releases = ReleaseStore(root / "snapshots", plans_db=root / "rencana.sqlite")
    comparisons = ComparisonStore(releases, root / "perbandingan")
    results = ResultStore(root / "verval.sqlite")
    for fu in (
        FollowUp(ALPHA, "modal_usaha", "UEP", "pemerintah", status="disalurkan", id_keluarga="F2"),
        FollowUp(KOTA, "pendidikan", "KIP", "pemerintah", status="disalurkan"),
        FollowUp(KOTA, "bibit_ternak", "Ternak", "baznas", status="direncanakan", id_keluarga="F10"),
    ):
        results.add_follow_up(fu, "uji")
    plan = Plan(None, "Rencana uji", "uji", "a", "a", {}, {}, nagari=ROWS)
    return comparisons, results, plan


def test_the_later_release_is_found_and_used_by_default(setting):
    comparisons, results, plan = setting
    assert [r.nama for r in progress.later_releases(comparisons, "a")] == ["b"]
    assert progress.later_releases(comparisons, "b") == []
    assert progress.plan_progress(plan, comparisons, results).rilis_b == "b"


def test_per_nagari_targets_realised_and_shares(setting):
    got = progress.plan_progress(*_args(setting)).nagari.set_index("kode")
    cols = ["target_usul_dtks", "realisasi_usul_dtks", "target_terima_bansos", "realisasi_terima_bansos"]
    cols += ["target_graduasi", "realisasi_graduasi"]
    assert got.loc[ALPHA, cols].tolist() == [0, 0, 1, 1, 1, 1]
    assert got.loc[GAMMA, cols].tolist() == [1, 0, 0, 0, 1, 0]
    assert got.loc[KOTA, cols].tolist() == [1, 1, 0, 0, 1, 0]
    # The renamed nagari is followed through the crosswalk.
    assert got.loc[GAMMA, ["kode_b", "status_wilayah"]].tolist() == [cf.GAMMA_BARU, cmp.GANTI_KODE]
    assert np.isnan(got.loc[ALPHA, "capaian_usul_dtks"])  # target 0: no share
    assert got.loc[ALPHA, "capaian_terima_bansos"] == 1.0 and got.loc[KOTA, "capaian_usul_dtks"] == 1.0
    # Exclusion error (desil 1 outside DTKS) before and after: F10 entered DTKS.
    assert got.loc[KOTA, ["kk_d1_non_dtks_a", "kk_d1_non_dtks_b"]].tolist() == [1, 0]
    assert got.loc[GAMMA, ["kk_d1_non_dtks_a", "kk_d1_non_dtks_b"]].tolist() == [1, 1]


def test_field_support_is_counted(setting):
    got = progress.plan_progress(*_args(setting)).nagari.set_index("kode")
    assert got.loc[ALPHA, ["kk_bantuan_disalurkan", "tindak_disalurkan"]].tolist() == [1, 1]
    # The nagari-wide delivery names no family; the planned one is not delivered.
    assert got.loc[KOTA, ["kk_bantuan_disalurkan", "tindak_disalurkan"]].tolist() == [0, 1]
    assert got.loc[GAMMA, ["kk_bantuan_disalurkan", "tindak_disalurkan"]].tolist() == [0, 0]


def test_kabkota_and_province_add_up(setting):
    got = progress.plan_progress(*_args(setting))
    kab = got.kabkota.set_index("kode_kabkota")
    assert kab.loc["13.01", ["nagari", "target_graduasi", "realisasi_graduasi"]].tolist() == [2, 2, 1]
    assert kab.loc["13.71", ["target_usul_dtks", "realisasi_usul_dtks"]].tolist() == [1, 1]
    total = got.provinsi
    assert [total["target_usul_dtks"], total["realisasi_usul_dtks"]] == [2, 1]
    assert total["capaian_usul_dtks"] == 0.5 and total["capaian_terima_bansos"] == 1.0
    assert progress.share_text(total["capaian_graduasi"]) == "33,3%"
    assert got.catatan == []


def test_an_operator_sees_their_kabkota_only(setting):
    got = progress.plan_progress(*_args(setting), wilayah="13.71")
    assert got.nagari["kode"].tolist() == [KOTA]
    assert got.kabkota["kode_kabkota"].tolist() == ["13.71"]
    assert got.provinsi["target_graduasi"] == 1


def test_without_a_later_release_only_the_field_counts(setting):
    comparisons, results, plan = setting
    on_b = Plan(None, "Rencana B", "uji", "b", "b", {}, {}, nagari=[ROWS[0]])
    got = progress.plan_progress(on_b, comparisons, results)
    assert got.rilis_b is None and "hanya hasil lapangan" in got.subtitle()
    assert np.isnan(got.nagari.loc[0, "realisasi_terima_bansos"])
    assert got.nagari.loc[0, "tindak_disalurkan"] == 1
    assert progress.share_text(got.provinsi["capaian_terima_bansos"]) == "–"


def test_an_earlier_release_is_refused(setting):
    comparisons, results, _ = setting
    on_b = Plan(None, "Rencana B", "uji", "b", "b", {}, {}, nagari=[ROWS[0]])
    with pytest.raises(ValueError, match="bukan rilis sesudah"):
        progress.plan_progress(on_b, comparisons, results, rilis_b="a")


def test_a_vanished_nagari_is_noted_not_dropped():
    transisi = pd_frame(
        [{"kode": "13.01.01.2009", "kode_lama": "13.01.01.2001", "status": cmp.GANTI_KODE}],
        {c: 0 for c in cmp.TRANSISI_COLUMNS},
    )
    rows = [ROWS[0], {**ROWS[1], "kode": "13.01.09.2001", "nama": "Hilang"}]
    got, notes = progress.measure(rows, transisi, None, None)
    assert got["status_wilayah"].tolist() == [cmp.GANTI_KODE, cmp.HANYA_A]
    assert np.isnan(got.loc[1, "realisasi_graduasi"]) and got.loc[0, "realisasi_graduasi"] == 0
    assert notes == ["Hilang (13.01.09.2001) tidak ada di rilis pembanding dan tidak ada di tabel padanan."]


def _args(setting):
    comparisons, results, plan = setting
    return plan, comparisons, results


def pd_frame(rows, counts):
    import pandas as pd

    return pd.DataFrame([{**r, **counts} for r in rows])
