"""A plan's progress where people see it: the priority page's "Kemajuan rencana" over plain
HTTP (values, scope, refusal), the Paket Rakor's progress slides and the download. The
releases and the plan are those of tests/test_progress.py (hand-checked there)."""

from __future__ import annotations

import io

import openpyxl
import pytest

import ids
from etl import compare as cmp
from kantong import rakor
from kantong.comparisons import ComparisonStore
from kantong.data import SnapshotStore
from kantong.plans import Plan, PlanStore
from kantong.releases import ReleaseStore
from kantong.verval.results import ResultStore
from tests import compare_fixtures as cf
from tests.auth import login, post
from tests.fixtures import fixture_app
from tests.test_progress import GAMMA, KOTA, ROWS


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("kemajuan_halaman")
    cf.build_release_a(root)
    b = cf.build_release_b(root)
    (b / cmp.CROSSWALK_FILE).write_text(f"kode_lama,kode_baru\n{GAMMA},{cf.GAMMA_BARU}\n", encoding="utf-8")
    store = PlanStore(root / "rencana.sqlite")
    province = store.save(Plan(None, "Rencana provinsi", "uji", "a", "a", {}, {}, nagari=ROWS))
    kota = Plan(None, "Rencana kota", "op", "a", "a", {}, {}, nagari=[ROWS[2]], wilayah="13.71")
    return {"root": root, "provinsi": province.id, "kota": store.save(kota).id}


@pytest.fixture(scope="module")
def app(root):
    return fixture_app(root["root"])


def _show(client, app, rencana, rilis="b", level="kabkota"):
    response = post(
        client,
        app,
        f"{ids.KEMAJUAN_RINGKASAN}.children",
        {
            f"{ids.KEMAJUAN_RILIS}.value": rilis,
            f"{ids.KEMAJUAN_TINGKAT}.value": level,
            f"{ids.KEMAJUAN_RENCANA}.value": str(rencana),
        },
    )
    return response


def test_the_plan_list_offers_the_plan_a_later_release_measures(app, root):
    client = app.server.test_client()
    login(client, app)
    body = post(client, app, f"{ids.KEMAJUAN_RENCANA}.options", {f"{ids.RENCANA_DAFTAR}.options": []}).get_json()
    options = body["response"][ids.KEMAJUAN_RENCANA]["options"]
    assert {o["value"] for o in options} == {str(root["provinsi"]), str(root["kota"])}
    releases = post(
        client, app, f"{ids.KEMAJUAN_RILIS}.options", {f"{ids.KEMAJUAN_RENCANA}.value": str(root["provinsi"])}
    ).get_json()["response"][ids.KEMAJUAN_RILIS]
    assert [o["value"] for o in releases["options"]] == ["b", "lapangan"] and releases["value"] == "b"


def test_per_kabkota_and_per_nagari_values(app, root):
    client = app.server.test_client()
    login(client, app)
    body = _show(client, app, root["provinsi"]).get_json()["response"]
    rows = {r["kode_kabkota"]: r for r in body[ids.KEMAJUAN_GRID]["rowData"]}
    assert set(rows) == {"13.01", "13.71"}
    assert [rows["13.01"][k] for k in ("nagari", "target_graduasi", "realisasi_graduasi")] == [2, 2, 1]
    assert rows["13.01"]["capaian_graduasi"] == 50.0  # sent in percent
    assert rows["13.71"]["realisasi_usul_dtks"] == 1 and rows["13.71"]["capaian_usul_dtks"] == 100.0
    text = str(body[ids.KEMAJUAN_RINGKASAN]["children"])
    assert "' dari target 2 KK · '" in text and "50,0%" in text and "33,3%" in text
    nagari = _show(client, app, root["provinsi"], level="desa").get_json()["response"][ids.KEMAJUAN_GRID]
    by_kode = {r["kode"]: r for r in nagari["rowData"]}
    assert by_kode[GAMMA]["status_teks"] == f"kode baru {cf.GAMMA_BARU}"
    assert by_kode[GAMMA]["realisasi_usul_dtks"] == 0


def test_field_only_has_no_realised_columns(app, root):
    client = app.server.test_client()
    login(client, app)
    body = _show(client, app, root["provinsi"], rilis="lapangan").get_json()["response"]
    fields = [c.get("field") for g in body[ids.KEMAJUAN_GRID]["columnDefs"] for c in g.get("children", [g])]
    assert "target_usul_dtks" in fields and not any(str(f).startswith("realisasi_") for f in fields)
    assert "hanya hasil lapangan" in str(body[ids.KEMAJUAN_RINGKASAN]["children"])


def test_an_operator_sees_their_own_plan_only(app, root):
    client = app.server.test_client()
    login(client, app, "op.kota", "operator", "13.71")
    options = post(client, app, f"{ids.KEMAJUAN_RENCANA}.options", {f"{ids.RENCANA_DAFTAR}.options": []}).get_json()
    assert [o["value"] for o in options["response"][ids.KEMAJUAN_RENCANA]["options"]] == [str(root["kota"])]
    rows = _show(client, app, root["kota"], level="desa").get_json()["response"][ids.KEMAJUAN_GRID]["rowData"]
    assert [r["kode"] for r in rows] == [KOTA]
    refused = _show(client, app, root["provinsi"]).get_json()["response"]
    assert "Rencana tidak ditemukan" in str(refused[ids.KEMAJUAN_RINGKASAN]["children"])
    assert refused[ids.KEMAJUAN_GRID]["rowData"] == []


def test_a_guest_may_not_ask(app, root):
    client = app.server.test_client()
    login(client, app, "tamu.uji")
    assert _show(client, app, root["provinsi"]).status_code == 403


def test_download_holds_both_levels(app, root):
    client = app.server.test_client()
    login(client, app)
    body = post(
        client,
        app,
        f"{ids.KEMAJUAN_BERKAS}.data",
        {
            f"{ids.KEMAJUAN_UNDUH}.n_clicks": 1,
            f"{ids.KEMAJUAN_RENCANA}.value": str(root["provinsi"]),
            f"{ids.KEMAJUAN_RILIS}.value": "b",
        },
    ).get_json()["response"][ids.KEMAJUAN_BERKAS]["data"]
    import base64

    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(body["content"])))
    assert book.sheetnames == ["Per kab-kota", "Per nagari"]
    sheet = book["Per kab-kota"]
    header_row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Kode")
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] in ("13.01", "13.71")]
    col = header_row.index("Keluar dari desil 1 (calon graduasi): capaian")
    assert {r[0]: r[col] for r in rows} == {"13.01": 50.0, "13.71": 0.0}


def test_the_deck_carries_progress_slides(root):
    folder = root["root"]
    snapshot = SnapshotStore(folder / "snapshots").by_name("b")
    comparisons = ComparisonStore(ReleaseStore(folder / "snapshots"), folder / "perbandingan_deck")
    plans = PlanStore(folder / "rencana.sqlite")
    plan = rakor.plan_for(
        snapshot, plans, str(root["provinsi"]), comparisons=comparisons, results=ResultStore(folder / "verval.sqlite")
    )
    assert plan.kemajuan is not None and plan.kemajuan.rilis_b == "b"
    slides = rakor.build_slides(snapshot, "kk_d1_non_dtks", plan)
    titles = [s.title for s in slides]
    assert "Kemajuan rencana: Rencana provinsi" in titles
    province = slides[titles.index("Kemajuan rencana: Rencana provinsi")]
    cells = {row[0]: row for row in province.table.rows}
    assert cells["Kab. Contoh"][1:5] == ["2", "0/1 (0,0%)", "1/1 (100,0%)", "1/2 (50,0%)"]
    assert cells["Kota Contoh"][1:5] == ["1", "1/1 (100,0%)", "0/0 (–)", "0/1 (0,0%)"]
    per_kab = [s for s in slides if s.title.startswith("Kemajuan rencana: ") and s is not province]
    # Titled with the kab/kota names of the snapshot the deck is built from.
    assert [s.title for s in per_kab] == ["Kemajuan rencana: Contoh", "Kemajuan rencana: Kota Contoh"]
    rows = {r[0]: r for s in per_kab for r in s.table.rows}
    assert rows["Gamma"][1:4] == ["0/1 (0,0%)", "0/0 (–)", "0/1 (0,0%)"]
    assert rows["Kota Satu"][4] == "1 → 0"  # exclusion error before and after
