"""Verification results on the map: counted per nagari (kantong.verval.tally) and summed up
every level of a snapshot by the data layer (kantong.data.with_verval).

Hand-counted on tests/fixtures.py (Kab. Contoh 13.01, Kota Contoh 13.71): four families
verified in Alpha (13.01.01.2001), one in Beta (13.01.01.2002), one in the kota."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.pipeline import build
from kantong import data
from kantong.access import Principal
from kantong.data import ScopedStore, SnapshotStore, indicator_values
from kantong.verval.tally import counts_by_desa
from tests import fixtures

RESULTS = pd.DataFrame(
    {
        "id_keluarga": ["a1", "a2", "a3", "a4", "b1", "k1", "a1"],
        "kode_desa": ["13.01.01.2001"] * 4 + ["13.01.01.2002", "13.71.01.1001", "13.01.01.2001"],
        "keberadaan": ["pindah", "ditemukan", "ditemukan", "meninggal", "ditemukan", "tidak_ditemukan", "ditemukan"],
        "kelayakan": [None, "layak", "tidak_layak", None, "layak", None, "layak"],
        "usulan_dtks": [None, "ya", None, None, "tidak", None, "ya"],
        "kebutuhan_utama": [None, "modal_usaha", "modal_usaha", None, "bibit_ternak", None, "perikanan"],
        "kebutuhan_lain": [[], ["bibit_ternak"], [], [], ["modal_usaha", "bibit_ternak"], [], []],
    }
)


def test_counts_per_nagari_take_the_latest_answer_per_family_and_needs_of_eligible_families():
    counts = counts_by_desa(RESULTS)
    alpha, beta, kota = (counts.loc[k] for k in ("13.01.01.2001", "13.01.01.2002", "13.71.01.1001"))
    # a1's latest answer (found, eligible, proposed, fisheries) replaces "moved".
    assert (alpha["kk_verval"], alpha["kk_verval_ditemukan"], alpha["kk_verval_pindah"]) == (4, 3, 0)
    assert (alpha["kk_verval_meninggal"], alpha["kk_verval_layak"], alpha["kk_usul_dtks"]) == (1, 2, 2)
    # a3 names a need but is not eligible: not counted; a2 counts once for each need it names.
    assert (alpha["kk_butuh_modal_usaha"], alpha["kk_butuh_bibit_ternak"], alpha["kk_butuh_perikanan"]) == (1, 1, 1)
    # b1 names bibit ternak twice (main and other): one family.
    assert (beta["kk_butuh_bibit_ternak"], beta["kk_butuh_modal_usaha"], beta["kk_usul_dtks"]) == (1, 1, 0)
    assert (kota["kk_verval"], kota["kk_verval_tidak_ditemukan"], kota["kk_verval_layak"]) == (1, 1, 0)
    assert counts_by_desa(RESULTS.iloc[:0]).empty


class Source:
    def __init__(self, results: pd.DataFrame, version: str):
        self.results, self._version = results, version

    def version(self) -> str:
        return self._version

    def counts_by_desa(self) -> pd.DataFrame:
        return counts_by_desa(self.results)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verval_overlay")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "a"))
    return folder / "snapshots"


def test_every_level_sums_its_nagari_and_rates_follow(root):
    plain = SnapshotStore(root).latest()
    assert plain.region("13")["kk_verval"] == 0 and plain.verval_versi == ""
    snapshot = ScopedStore(SnapshotStore(root), verval=Source(RESULTS, "3")).latest()
    assert snapshot.verval_versi == "3" and snapshot.id == plain.id
    assert snapshot.region("13.01.01.2001")["kk_verval_layak"] == 2
    assert snapshot.region("13.01.01")["kk_verval"] == 5  # Alpha 4 + Beta 1 (kecamatan Satu)
    assert snapshot.region("13.01")["kk_butuh_bibit_ternak"] == 2
    province = snapshot.region("13")
    assert (province["kk_verval"], province["kk_verval_ditemukan"], province["kk_verval_layak"]) == (6, 4, 3)
    assert province["pct_verval_layak"] == pytest.approx(75.0)
    # Nagari without results count zero; the map ranks the verified ones.
    values = indicator_values(snapshot, "desa", "13.01", "kk_verval").set_index("kode")
    assert values.loc["13.01.01.2001", "nilai"] == 4 and values.loc["13.01.02.2001", "nilai"] == 0
    # The same results: the same object; a new import: a new one, and a new cache tag.
    again = ScopedStore(SnapshotStore(root), verval=Source(RESULTS, "3")).latest()
    assert again is snapshot
    newer = ScopedStore(SnapshotStore(root), verval=Source(RESULTS.iloc[:1], "4")).latest()
    assert newer.region("13")["kk_verval"] == 1
    cache = data.SnapshotCache(root.parent / "cache")
    assert cache.tag(newer) != cache.tag(snapshot)


def test_an_operator_sees_their_kab_kotas_results_in_full_and_the_others_as_totals(root):
    store = ScopedStore(SnapshotStore(root), Principal("op.kota", "operator", "13.71"), verval=Source(RESULTS, "3"))
    snapshot = store.latest()
    assert snapshot.region("13.71.01.1001")["kk_verval_tidak_ditemukan"] == 1
    assert not snapshot.has("13.01.01.2001")
    assert snapshot.region("13.01")["kk_verval"] == 5 and snapshot.verval_versi == "3"


def test_the_deck_has_each_kab_kotas_results_and_the_plan_table_the_verified_counts(root):
    from kantong import rakor

    snapshot = ScopedStore(SnapshotStore(root), verval=Source(RESULTS, "3")).latest()
    plan = rakor.PlanRows(
        "Uji",
        "",
        [
            {
                "kode": "13.01.01.2001",
                "nama": "Alpha",
                "nama_kecamatan": "Satu",
                "nama_kabkota": "Contoh",
                "skor": 90.0,
            },
            {"kode": "13.01.02.2001", "nama": "Gamma", "nama_kecamatan": "Dua", "nama_kabkota": "Contoh", "skor": 80.0},
        ],
    )
    slides = rakor.build_slides(snapshot, "kk_d1_non_dtks", plan)
    titles = [s.title for s in slides]
    # Each kab/kota's slide is followed by its verification results.
    assert titles[3:7] == [
        "Contoh",
        "Hasil verval & asesmen: Contoh",
        "Kota Contoh",
        "Hasil verval & asesmen: Kota Contoh",
    ]
    contoh = slides[4]
    assert contoh.table.rows == [
        ["Alpha", "4", "3", "2", "2", "Bibit ternak 1, Modal usaha 1, Perikanan 1"],
        ["Beta", "1", "1", "1", "0", "Bibit ternak 1, Modal usaha 1"],
    ]
    assert contoh.lines[0].startswith("5 KK terverifikasi: 4 ditemukan, 3 layak, 2 diusulkan masuk DTKS")
    table = slides[2].table
    assert table.headers[-2:] == ["Diverifikasi", "Layak"]
    assert [row[-2:] for row in table.rows] == [["4", "2"], ["0", "0"]]
    # Before any result: no results slides, no extra columns.
    plain = rakor.build_slides(SnapshotStore(root).latest(), "kk_d1_non_dtks", plan)
    assert not [s for s in plain if s.title.startswith("Hasil verval")] and plain[2].table.headers[-1] == "Graduasi"


def test_the_top_list_names_only_nagari_with_a_count_above_zero(root):
    import json

    from callbacks.map_view import top_list
    from etl import indicators

    snapshot = ScopedStore(SnapshotStore(root), verval=Source(RESULTS, "3")).latest()
    frame = indicator_values(snapshot, "desa", "13", "kk_butuh_bibit_ternak")
    text = json.dumps(top_list(frame, indicators.get("kk_butuh_bibit_ternak"), "desa").to_plotly_json(), default=str)
    # Alpha and Beta have one family each needing livestock; the other nagari have none.
    assert "Alpha" in text and "Beta" in text and "Gamma" not in text and "Delta" not in text
    assert "Hanya 2 nagari/desa dengan nilai di atas 0." in text


def test_a_plans_rows_show_the_verification_counts_but_do_not_keep_them(root):
    from kantong import priority

    snapshot = ScopedStore(SnapshotStore(root), verval=Source(RESULTS, "3")).latest()
    scored = priority.scored_for(snapshot, priority.weights_for(priority.DEFAULT_PRESET))
    rows = priority.plan_rows(snapshot.table("desa"), scored, ["13.01.01.2001", "13.01.02.2001"], 2024)
    counts = {r["kode"]: (r["kk_verval"], r["kk_verval_layak"]) for r in rows}
    assert counts == {"13.01.01.2001": (4, 2), "13.01.02.2001": (0, 0)}
    assert set(priority.VERVAL_FIELDS) <= set(rows[0]) and not set(priority.VERVAL_FIELDS) & set(priority.TARGET_FIELDS)
