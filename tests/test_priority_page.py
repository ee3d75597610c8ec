"""The Prioritas page's plan without a browser, on the hand-checkable fixture snapshot
(tests/fixtures.py): the state it opens with, drafts, downloads, and the plan the Paket
Rakor uses.

The fixture's desil-1 families (kk_desil_1, in DTKS, outside, bansos, in DTKS without bansos):
Alpha 2/2/0/1/1, Beta 0, Gamma 1/0/1/0/0, Nagari Epsilon 1/1/0/1/0 (Kab. Contoh); Delta
1/0/1/1/0 (Kota Contoh): Delta's one family is outside DTKS but receives bansos (P3KE).
"""

from __future__ import annotations

import base64
import io

import pytest
from openpyxl import load_workbook

from etl.pipeline import build
from kantong import priority, rakor
from kantong.data import SnapshotStore
from kantong.plans import Plan, PlanStore
from tests import fixtures


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prioritas")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "a"))
    return SnapshotStore(folder / "snapshots").latest()


def _rows(snapshot, **edits):
    start = priority.starting_plan(snapshot, 2027)
    return [row | edits.get(row["nama"], {}) for row in start.rows]


def test_the_page_opens_with_the_2023_rule_as_the_deck_does(snapshot, tmp_path):
    from layouts.priority import page

    start = priority.starting_plan(snapshot, 2027)
    # The best nagari of each kab/kota with the default weights: Alpha (2 families) and Delta.
    assert [snapshot.name(k) for k in start.pilihan] == ["Alpha", "Delta"]
    assert [r["kode"] for r in start.rows] == [r["kode"] for r in rakor.automatic_plan(snapshot, 2027).rows]
    layout = page(snapshot, PlanStore(tmp_path / "rencana.sqlite")).to_plotly_json()
    stores = {}

    def walk(node):
        if hasattr(node, "to_plotly_json"):
            node = node.to_plotly_json()
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") in ("pilihan", "grid-target", "rencana-draf"):
                stores[props["id"]] = props
            for value in props.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(layout)
    assert stores["pilihan"]["data"] == start.pilihan  # not "0 nagari dipilih"
    assert len(stores["grid-target"]["rowData"]) == 2
    assert stores["rencana-draf"]["storage_type"] == "local"


def test_default_targets_of_the_fixture_add_up(snapshot):
    rows = {r["nama"]: r for r in _rows(snapshot)}
    # Delta: 1 family, outside DTKS, receiving bansos by P3KE. Before: 1 proposed + 1 receiving
    # (bansos + in DTKS without bansos) = 2 targets for 1 family. Now the 1 is proposed, and
    # none in DTKS is without bansos.
    delta = rows["Delta"]
    assert (delta["target_usul_dtks"], delta["target_terima_bansos"], delta["target_graduasi"]) == (1, 0, 1)
    alpha = rows["Alpha"]  # 2 families, both in DTKS, 1 without bansos
    assert (alpha["target_usul_dtks"], alpha["target_terima_bansos"], alpha["target_graduasi"]) == (0, 1, 1)
    assert alpha["nama_kabkota_pendek"] == "Contoh" and delta["nama_kabkota_pendek"] == "Kota Contoh"
    assert priority.check_targets(list(rows.values())) == []


def _download(snapshot, rows, format="xlsx"):
    from callbacks.priority import _table_download

    sent = _table_download(snapshot, priority.weights_for(priority.DEFAULT_PRESET), "rencana", format, rows, "Uji", "X")
    return base64.b64decode(sent["content"])


def test_the_plan_xlsx_has_numeric_years_and_a_totals_row(snapshot):
    sheet = load_workbook(io.BytesIO(_download(snapshot, _rows(snapshot))), data_only=True).active
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Kode")
    columns = {sheet.cell(header, c).value: c for c in range(1, sheet.max_column + 1)}
    year = sheet.cell(header + 1, columns["Tahun"])
    assert year.value == 2027 and isinstance(year.value, int | float)  # a number, not the text "2027"
    assert year.number_format != "@"
    total = header + 3  # two nagari, then "Jumlah"
    assert "Jumlah" in [sheet.cell(total, c).value for c in range(1, 5)]
    assert sheet.cell(total, columns["KK desil 1"]).value == 3  # Alpha 2 + Delta 1
    assert sheet.cell(total, columns[priority.TARGETS[0].label]).value == 1
    assert sheet.cell(total, columns[priority.TARGETS[1].label]).value == 1
    assert sheet.cell(total, columns[priority.TARGETS[2].label]).value == 2
    assert sheet.cell(total, columns["Tahun"]).value is None  # years are not added up
    assert "Catatan pemeriksaan target" not in columns


def test_the_plan_year_shows_without_a_thousands_separator(snapshot):
    sheet = load_workbook(io.BytesIO(_download(snapshot, _rows(snapshot))), data_only=True).active
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Kode")
    year = next(c for c in range(1, sheet.max_column + 1) if sheet.cell(header, c).value == "Tahun")
    assert sheet.cell(header + 1, year).number_format == "0"  # Excel in Indonesian shows 2027, not 2.027


def test_targets_out_of_range_are_marked_in_the_download(snapshot):
    rows = _rows(snapshot, Alpha={"target_graduasi": 5000}, Delta={"target_usul_dtks": -5})
    sheet = load_workbook(io.BytesIO(_download(snapshot, rows)), data_only=True).active
    lines = [sheet.cell(r, 1).value for r in range(1, 8)]
    assert any(str(v).startswith("PERHATIAN: 2 target di luar rentang") for v in lines)
    header = next(r for r in range(1, 12) if sheet.cell(r, 1).value == "Kode")
    columns = {sheet.cell(header, c).value: c for c in range(1, sheet.max_column + 1)}
    notes = {
        sheet.cell(r, 2).value: sheet.cell(r, columns["Catatan pemeriksaan target"]).value
        for r in (header + 1, header + 2)
    }
    assert notes == {
        "Alpha": "Target KK desil 1 graduasi 5.000 melebihi 2 KK desil 1 nagari ini.",
        "Delta": "Target KK desil 1 diusulkan ke DTKS -5 negatif.",
    }
    csv = _download(snapshot, rows, "csv").decode("utf-8-sig").splitlines()
    assert csv[0].endswith(",Catatan pemeriksaan target")


def test_opening_a_saved_plan_restores_its_author_and_targets(snapshot, tmp_path):
    from callbacks.priority import page_state, plan_draft

    rows = _rows(snapshot, Delta={"target_graduasi": 1, "target_usul_dtks": 0})
    store = PlanStore(tmp_path / "rencana.sqlite")
    saved = store.save(Plan(None, "Rencana Uji", "Kabid PFM", snapshot.id, "a", {"kk_d1_non_dtks": 2}, {}, rows))
    sliders = list(priority.CRITERIA)
    state = page_state(snapshot, plan_draft(store.open(saved.id)), sliders)
    assert state.penulis == "Kabid PFM" and state.nama == "Rencana Uji"
    assert (state.rencana_id, state.revisi) == (saved.id, 1)
    assert state.sliders[sliders.index("kk_d1_non_dtks")] == 2 and state.preset == "disesuaikan"
    assert {r["nama"]: r["target_usul_dtks"] for r in state.rows} == {"Alpha": 0, "Delta": 0}


def test_the_paket_rakor_uses_the_plan_saved_last_and_says_so(snapshot, tmp_path):
    from callbacks.rakor import marked, plan_note
    from layouts.rakor import default_choice

    store = PlanStore(tmp_path / "rencana.sqlite")
    assert default_choice(store) == rakor.AUTOMATIC  # nothing saved yet
    rows = _rows(snapshot)
    store.save(Plan(None, "Rencana Lama", "Staf", snapshot.id, "a", {}, {}, rows))
    newest = store.save(Plan(None, "Rencana Aksi 2027", "Kabid PFM", snapshot.id, "a", {}, {}, rows))
    assert default_choice(store) == str(newest.id)
    note = str(plan_note(rakor.plan_for(snapshot, store, default_choice(store))).to_plotly_json())
    assert "Rencana Aksi 2027" in note and "Kabid PFM" in note and "2 nagari/desa" in note
    # A plan saved before targets were checked: the deck says which target is out of range.
    bad = rakor.saved_plan(
        store.save(
            Plan(None, "Rencana Salah", "X", snapshot.id, "a", {}, {}, _rows(snapshot, Alpha={"target_graduasi": 5000}))
        )
    )
    assert "PERHATIAN: 1 target di luar rentang" in marked(bad).keterangan
    assert "Alpha: Target KK desil 1 graduasi 5.000 melebihi 2 KK desil 1" in marked(bad).keterangan
    assert marked(rakor.saved_plan(newest)) == rakor.saved_plan(newest)
    assert "target di luar rentang" in str(plan_note(bad).to_plotly_json())
