"""The comparison page (/perbandingan) on two releases built from the hand-checkable fixture
(tests/compare_fixtures.py), published under one snapshot root as the app finds them:

    A -> B: F1 leaves desil 1 (1 -> 3, Alpha); F2 starts bansos (Alpha); F3 (desil 2, Beta)
    becomes F3X, desil 1; Gamma is renamed 13.01.02.2001 -> 13.01.02.2003 (B's crosswalk);
    F6 and its nagari 13.01.02.2002 are gone; F10 (Delta, Kota 13.71) enters DTKS; F20 is
    new, desil 1, in Beta.

kk_desil_1 per nagari: Alpha 2 -> 1, Beta 0 -> 2, Gamma 1 -> 1, Delta 1 -> 1, and
13.01.02.2002 1 -> (gone). Every nagari count is under 5: small numbers.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import ids
from etl import compare as cmp
from etl import indicators
from kantong import comparisons
from kantong import figures_banding as fb
from kantong.access import Principal
from kantong.comparisons import ComparisonStore, ComparisonView
from kantong.data import SnapshotStore
from kantong.releases import ReleaseStore
from tests import compare_fixtures as cf
from tests import fixtures
from tests.auth import callback_body, login, post
from tests.test_contrast import contrast, over

ALPHA, BETA, GAMMA, GONE, DELTA = "13.01.01.2001", "13.01.01.2002", cf.GAMMA_BARU, "13.01.02.2002", "13.71.01.1001"
OPERATOR = Principal("op.contoh", "operator", "13.01")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("banding")
    cf.build_release_a(root)
    b = cf.build_release_b(root)
    # Published with the crosswalk that carries Gamma's old code to its new one.
    (b / cmp.CROSSWALK_FILE).write_text(f"kode_lama,kode_baru\n{cf.GAMMA_LAMA},{cf.GAMMA_BARU}\n", encoding="utf-8")
    # C splits Alpha (A's nagari) into Alpha and Alpha Baru.
    c = cf.build_release_c(root)
    (c / cmp.CROSSWALK_FILE).write_text(
        f"kode_lama,kode_baru\n{ALPHA},{ALPHA}\n{ALPHA},{cf.ALPHA_BARU}\n", encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def store(root):
    releases = ReleaseStore(root / "snapshots", plans_db=root / "rencana.sqlite")
    return ComparisonStore(releases, root / "cache-banding")


@pytest.fixture(scope="module")
def result(store):
    return store.result("a", "b")


@pytest.fixture(scope="module")
def app(root):
    return fixtures.fixture_app(root)


def _row(frame: pd.DataFrame, kode: str) -> pd.Series:
    return frame.set_index("kode").loc[kode]


# ----------------------------------------------------------------------------- the view


def test_the_two_latest_published_releases_are_the_default_pair(store):
    releases = store.comparable()  # same reference date: in the order they were built
    assert [r.nama for r in releases] == ["a", "b", "c"]
    assert comparisons.default_pair(releases) == ("b", "c")
    assert comparisons.default_pair(releases[:1]) == (None, None)
    assert comparisons.release_label(releases[0]) == "a · 22 Agu 2023"
    view = ComparisonView.from_query("", ["a", "b", "c"])
    assert view == ComparisonView("b", "c", "kk_d1_non_dtks", "kabkota", None)


def test_the_address_opens_a_given_pair_and_nothing_outside_the_scope():
    names = ["a", "b", "c"]
    view = ComparisonView.from_query("?a=c&b=a&indikator=pct_d1_bansos&tingkat=desa&wilayah=13.71", names)
    assert view == ComparisonView("c", "a", "pct_d1_bansos", "desa", "13.71")
    assert ComparisonView.from_query(view.to_query(), names) == view
    # Unknown names, indicators and levels fall back; a nagari code is no region to show.
    odd = ComparisonView.from_query("?a=zz&b=c&indikator=nik&tingkat=rt&wilayah=13.71.01.1001", names)
    assert odd == ComparisonView("b", "c", "kk_d1_non_dtks", "kabkota", None)
    # An operator's page shows their own kab/kota's nagari, whatever the address says.
    own = ComparisonView.from_query("?a=a&b=b&wilayah=13.71", names, OPERATOR)
    assert (own.wilayah, own.tingkat) == ("13.01", "desa")


# ----------------------------------------------------------------------------- tables


def test_changes_per_nagari_largest_first_small_numbers_flagged(result):
    changes = comparisons.region_changes(result, "desa", "kk_desil_1")
    assert changes["kode"].tolist() == [BETA, ALPHA, GAMMA, DELTA, GONE]
    alpha = _row(changes, ALPHA)
    assert (alpha["nilai_a"], alpha["nilai_b"], alpha["perubahan"]) == (2, 1, -1)
    assert alpha["kecil"] and alpha["sebanding"] and not alpha["dibandingkan"]
    assert _row(changes, BETA)[["nilai_a", "nilai_b", "perubahan"]].tolist() == [0, 2, 2]
    gamma = _row(changes, GAMMA)
    assert (gamma["status_label"], gamma["perubahan"]) == ("ganti kode", 0)
    gone = _row(changes, GONE)
    assert gone["status_label"] == "hanya di rilis A" and not gone["sebanding"] and np.isnan(gone["perubahan"])
    assert _row(changes, DELTA)["nama_kabkota"] == "Kota Contoh"
    # Kab/kota: 5 families in 13.01 in both releases is no small number.
    kab = comparisons.region_changes(result, "kabkota", "kk_total")
    assert _row(kab, "13.01")[["nilai_a", "nilai_b", "perubahan", "dibandingkan"]].tolist() == [5, 5, 0, True]
    assert bool(_row(kab, "13.71")["kecil"])


def test_an_operator_sees_their_own_nagari_and_every_kabkota_total(store):
    mine = store.result("a", "b", "13.01")
    desa = comparisons.region_changes(mine, "desa", "kk_desil_1")
    assert sorted(desa["kode"]) == sorted([ALPHA, BETA, GAMMA, GONE])
    assert set(comparisons.region_changes(mine, "kabkota", "kk_total")["kode"]) == {"13.01", "13.71"}
    assert set(comparisons.region_transitions(mine, "desa")["kode"]) == {ALPHA, BETA, GAMMA, GONE}
    # A kab/kota asked for in a request is kept only when the asker sees it in full.
    assert comparisons.checked_wilayah(mine, "13.71", OPERATOR) == "13.01"
    full = store.result("a", "b")
    assert comparisons.checked_wilayah(full, "13.71") == "13.71"
    assert comparisons.checked_wilayah(full, "13.99") is None


def test_headline_of_the_province_and_of_a_kabkota(result):
    top = comparisons.headline(result)
    assert (top.keluarga_a, top.keluarga_b, top.tetap, top.baru, top.keluar, top.lewat_nik) == (6, 6, 5, 1, 1, 1)
    # A's desil-1 families that stayed: F1, F2, F5, F10; F10 enters DTKS, F2 starts bansos,
    # F1 leaves desil 1; F3 (desil 2) becomes desil 1.
    assert (top.d1_a, top.d1_tetap, top.d1_masuk_dtks, top.d1_mulai_bansos) == (5, 4, 1, 1)
    assert (top.d1_keluar_desil_1, top.masuk_desil_1) == (1, 1)
    kab = comparisons.headline(result, "13.01")
    assert (kab.nama, kab.keluarga_a, kab.keluarga_b, kab.tetap, kab.baru, kab.keluar) == ("Contoh", 5, 5, 4, 1, 1)
    assert comparisons.headline(result, "13.71").d1_masuk_dtks == 1


def test_desil_matrix_of_the_province_of_a_kabkota_and_of_an_operator(result, store):
    matrix, covers = comparisons.desil_matrix(result)
    assert covers is None and matrix.set_index("dari").loc["1"].tolist() == [3, 0, 1, 0, 1, 5]
    kota, covers = comparisons.desil_matrix(result, "13.71")
    assert covers == "13.71"
    assert kota.set_index("dari").loc["1"].tolist() == [1, 0, 0, 0, 0, 1] and kota["jumlah"].sum() == 1
    mine, covers = comparisons.desil_matrix(store.result("a", "b", "13.01"))
    assert covers == "13.01" and mine["jumlah"].sum() == 6  # tetap 4 + baru 1 + keluar 1


def test_unmatched_codes_are_listed_with_their_reason(result, store):
    rows = result.tidak_cocok
    assert rows["kode"].tolist() == [GONE]
    assert rows["alasan"].iloc[0] == "kode rilis A tidak ada di rilis B dan tidak ada di tabel padanan"
    assert rows["kk_total_a"].iloc[0] == 1
    assert store.result("a", "b", "13.71").tidak_cocok.empty


# ----------------------------------------------------------------------------- the map


def test_the_diverging_scale_is_symmetric_around_zero():
    kk = indicators.get("kk_desil_1")
    change = pd.Series([-12, -3, 0, 2, 7, 12, 4, 1, np.nan])
    comparable = pd.Series([True] * 7 + [False, True])
    small = pd.Series([False] * 6 + [True, False, False])
    scale = fb.change_scale(change, comparable, small, kk)
    # The sizes 2, 3, 7, 12, 12: thirds at 4.3 and 10.3, up to whole counts: 5, 11, 12.
    assert scale.bounds == [-12, -11, -5, 0, 5, 11, 12]
    assert scale.rentang == (-12, 12)
    assert scale.kelas.tolist() == [0, 2, 3, 4, 5, 6, fb.KELAS_KECIL, fb.KELAS_TIDAK, fb.KELAS_TIDAK]
    assert scale.warna == list(reversed(fb.TURUN)) + [fb.TETAP_COLOUR] + list(fb.NAIK)
    assert scale.jumlah == [1, 0, 1, 1, 1, 1, 1] and (scale.kecil, scale.tidak) == (1, 2)
    labels = [label for _, label, _ in fb.legend_rows(scale, kk)]
    assert labels == [
        "turun 12",
        "turun 6 – 11",
        "turun 1 – 5",
        "tidak berubah (0)",
        "naik 1 – 5",
        "naik 6 – 11",
        "naik 12",
        "angka kecil (< 5)",
        "tidak dapat dibandingkan",
    ]
    # Rates in points, classed as shown (to 0,1): 0,04 is no change.
    rate = indicators.get("pct_d1_bansos")
    scale = fb.change_scale(pd.Series([-20.04, 0.04, 10.0]), pd.Series([True] * 3), pd.Series([False] * 3), rate)
    assert scale.bounds == [-20.0, -16.7, -13.4, 0.0, 13.4, 16.7, 20.0]
    assert scale.kelas.tolist() == [0, 3, 4]
    assert [label for _, label, _ in fb.legend_rows(scale, rate)][4:] == [
        "naik 0,1 – 13,4",
        "naik 13,5 – 16,7",
        "naik 16,8 – 20,0",
    ]
    # One size only: one shade on each side, never the palest alone.
    one = fb.change_scale(pd.Series([-3.0, 3.0]), pd.Series([True, True]), pd.Series([False, False]), kk)
    assert one.bounds == [-3, 0, 3] and one.warna == [fb.TURUN[1], fb.TETAP_COLOUR, fb.NAIK[1]]


def test_the_greys_stand_apart_from_every_shade_and_the_page_s_text_reads():
    shades = list(fb.TURUN) + list(fb.NAIK) + [fb.TETAP_COLOUR]
    assert fb.KECIL_COLOUR not in shades and fb.TIDAK_COLOUR not in shades
    assert contrast(fb.KECIL_COLOUR, fb.TIDAK_COLOUR) == pytest.approx(2.18, abs=0.01)
    assert contrast(fb.KECIL_COLOUR, fb.TETAP_COLOUR) == pytest.approx(1.38, abs=0.01)
    # The page's secondary text (Bootstrap's .text-muted and .form-text: the body colour at
    # 75%) on white cards and on the headline's tiles (#f8f9fa) reaches WCAG AA.
    for background in ("#ffffff", "#f8f9fa"):
        assert contrast(over("#212529", 0.75, background), background) >= 4.5
    css = (Path(__file__).resolve().parents[1] / "assets" / "bootstrap" / "bootstrap.min.css").read_text()
    assert (
        "--bs-secondary-color:rgba(33, 37, 41, 0.75)" in css
        and ".tile { background: #f8f9fa;"
        in (Path(__file__).resolve().parents[1] / "assets" / "kantong" / "kantong.css").read_text()
    )


def test_the_map_of_an_operator_s_nagari(root, store):
    mine = store.result("a", "b", "13.01")
    snapshot = SnapshotStore(root / "snapshots").by_name("b").scoped(OPERATOR)
    changes = comparisons.region_changes(mine, "desa", "kk_desil_1", "13.01")
    frame = fb.map_frame(changes, snapshot.table("desa"))
    assert frame.set_index("kode")["di_peta"].to_dict() == {BETA: True, ALPHA: True, GAMMA: True, GONE: False}
    scale = fb.scale_for(frame, indicators.get("kk_desil_1"))
    figure = fb.change_map(frame, scale, indicators.get("kk_desil_1"), f"/geo/{snapshot.id}/desa.geojson", ("a", "b"))
    trace = figure.data[0]
    assert snapshot.id.endswith("@13.01") and trace.geojson == f"/geo/{snapshot.id}/desa.geojson"
    assert list(trace.locations) == [BETA, ALPHA, GAMMA, GONE]
    # Every nagari on small numbers (z 1, grey); the gone one is not compared (z 0).
    assert list(trace.z) == [1, 1, 1, 0]
    assert trace.colorscale[2][1] == fb.KECIL_COLOUR and trace.colorscale[0][1] == fb.TIDAK_COLOUR
    alpha = trace.text[1]
    for part in ("<b>Alpha</b>", "Rilis A (a): 2 KK", "Rilis B (b): 1 KK", "Perubahan: −1 KK", "angka kecil (< 5)"):
        assert part in alpha
    assert "tidak dapat dibandingkan: hanya di rilis A" in trace.text[3]
    assert figure.layout.map.style == "white-bg" and figure.layout.meta["rentang"] == [0, 0]
    assert "13.71" not in json.dumps(figure.to_plotly_json())


def test_a_split_nagari_is_drawn_as_not_comparable(root, store):
    split = store.result("a", "c")
    changes = comparisons.region_changes(split, "desa", "kk_total")
    rows = changes.set_index("kode")
    assert rows.loc[ALPHA, "status_label"] == "dipecah (pemekaran)"
    assert rows.loc[cf.ALPHA_BARU, "status_label"] == "hasil pemekaran"
    assert not rows.loc[[ALPHA, cf.ALPHA_BARU], "sebanding"].any()
    snapshot = SnapshotStore(root / "snapshots").by_name("c")
    frame = fb.map_frame(changes, snapshot.table("desa"))
    scale = fb.scale_for(frame, indicators.get("kk_total"))
    kelas = dict(zip(frame["kode"], scale.kelas))
    assert kelas[ALPHA] == kelas[cf.ALPHA_BARU] == fb.KELAS_TIDAK
    texts = dict(zip(frame["kode"], fb.hover_texts(frame, indicators.get("kk_total"), ("a", "c"))))
    assert "tidak dapat dibandingkan: hasil pemekaran" in texts[cf.ALPHA_BARU]
    assert "Rilis A (a): – " in texts[cf.ALPHA_BARU] or "Rilis A (a): –" in texts[cf.ALPHA_BARU]
    # Above the nagari the split is whole again: kecamatan 13.01.01 compares like with like.
    kec = comparisons.region_changes(split, "kecamatan", "kk_total").set_index("kode")
    assert kec.loc["13.01.01", ["nilai_a", "nilai_b", "perubahan", "sebanding"]].tolist() == [3, 3, 0, True]
    legend = [label for _, label, _ in fb.legend_rows(scale, indicators.get("kk_total"))]
    assert legend[-1] == "tidak dapat dibandingkan" and fb.TIDAK_NOTE in fb.legend_notes(scale)


def test_the_printed_map_has_its_legend_and_source(root, result):
    snapshot = SnapshotStore(root / "snapshots").by_name("b")
    kk = indicators.get("kk_total")
    frame = fb.map_frame(comparisons.region_changes(result, "kabkota", "kk_total"), snapshot.table("kabkota"))
    scale = fb.scale_for(frame, kk)
    text = fb.figures.PrintText("Perubahan", "a → b", "Sumber: uji")
    figure = fb.print_change_map(frame, scale, kk, snapshot.outlines("kabkota"), text)
    words = " ".join(a.text for a in figure.layout.annotations).replace("<br>", " ")
    assert "Perubahan KK P3KE (KK), rilis B − rilis A" in words
    assert "tidak berubah (0)" in words and "angka kecil (< 5)" in words
    assert "Warna tidak menilai baik atau buruk" in words and "Sumber: uji" in words
    # 13.01 (no change) is filled with the middle shade, 13.71 (small numbers) grey.
    fills = {s.fillcolor for s in figure.layout.shapes if s.type == "path"}
    assert {fb.TETAP_COLOUR, fb.KECIL_COLOUR} <= fills


# ----------------------------------------------------------------------------- the workbook


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: [row for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_workbook_holds_every_table_with_indonesian_headers(result, tmp_path):
    view = ComparisonView("a", "b", "kk_desil_1", "desa", "13.01")
    data = comparisons.workbook(result, view, "Sumber: uji")
    sheets = _sheets(data)
    assert list(sheets) == [
        "Ringkasan",
        "Perubahan per wilayah",
        "Transisi keluarga",
        "Matriks desil",
        "Kode tidak cocok",
    ]
    summary = {row[0]: row[1] for row in sheets["Ringkasan"][3:] if row[0]}
    assert summary["Keluarga P3KE di rilis A"] == 5 and summary["Tetap (ada di kedua rilis)"] == 4
    assert summary["  keluar dari desil 1 (calon graduasi, perlu dikonfirmasi di lapangan)"] == 1
    changes = sheets["Perubahan per wilayah"]
    header = changes[4]
    assert header == (
        "Kode",
        "Nagari/Desa/Kelurahan",
        "Kecamatan",
        "Kabupaten/Kota",
        "Status wilayah",
        "Rilis A (KK)",
        "Rilis B (KK)",
        "Perubahan (KK)",
        "Angka kecil (< 5)",
    )
    assert changes[6][0] == ALPHA and changes[6][5:] == (2, 1, -1, "ya")
    assert not any(DELTA in str(cell) for row in changes for cell in row)
    transitions = sheets["Transisi keluarga"]
    assert transitions[3][3:6] == ("Keluarga di rilis A", "Keluarga di rilis B", cmp.TRANSISI[2][3])
    matrix = sheets["Matriks desil"]
    assert matrix[4][0] == "Desil di rilis A" and matrix[4][-2] == "Tidak ada di rilis B"
    assert matrix[5] == ("Desil 1", 2, 0, 1, 0, 1, 4)  # Contoh (13.01): F2, F5 stay; F1 to 3; F6 left
    unmatched = sheets["Kode tidak cocok"]
    assert unmatched[3][0] == "Kode rilis A" and unmatched[4][0] == GONE and "tidak ada di rilis B" in unmatched[4][4]
    assert comparisons.workbook_name(result, view, "Contoh") == "perbandingan_a-ke-b_contoh_desa.xlsx"
    # LibreOffice opens it, as a Dinas office does.
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed to check the workbook opens (apt-get install libreoffice-calc)"
    book = tmp_path / "banding.xlsx"
    book.write_bytes(data)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "csv", "--outdir"]
        + [str(tmp_path), str(book)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / "banding.csv").read_text(encoding="utf-8", errors="replace")
    assert "Keluarga P3KE di rilis A,5" in text


# ----------------------------------------------------------------------------- over HTTP


def _controls(a="a", b="b", indikator="kk_desil_1", tingkat="desa", wilayah="13"):
    return {
        f"{ids.BANDING_A}.value": a,
        f"{ids.BANDING_B}.value": b,
        f"{ids.BANDING_INDIKATOR}.value": indikator,
        f"{ids.BANDING_TINGKAT}.value": tingkat,
        f"{ids.BANDING_WILAYAH}.value": wilayah,
    }


def _answer(client, app, output: str, values: dict) -> str:
    """The callback's answer as text (decoded: Dash's JSON writes "/" as \\u002f)."""
    response = post(client, app, output, values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_an_operator_s_answers_hold_no_nagari_of_another_kabkota(app):
    client = app.server.test_client()
    login(client, app, "op.contoh", "operator", "13.01")
    for tingkat in ("desa", "kecamatan", "kabkota"):
        for wilayah in ("13", "13.71"):  # the province, and a forged kab/kota of another
            values = _controls(tingkat=tingkat, wilayah=wilayah)
            for output in (f"{ids.BANDING_PETA}.figure", f"{ids.BANDING_RINGKASAN}.children"):
                text = _answer(client, app, output, values)
                assert "13.71.01" not in text and "Delta" not in text, (tingkat, wilayah, output)
    nagari = _answer(client, app, f"{ids.BANDING_PETA}.figure", _controls(wilayah="13.71"))
    assert ALPHA in nagari and "@13.01/desa.geojson" in nagari
    kabkota = _answer(client, app, f"{ids.BANDING_PETA}.figure", _controls(tingkat="kabkota"))
    assert '"13.71"' in kabkota  # the kab/kota totals, for orientation
    summary = _answer(client, app, f"{ids.BANDING_RINGKASAN}.children", _controls())
    assert '"children": "Contoh"' in summary  # the headline names the operator's kab/kota
    assert "Kota Contoh" not in summary
    # A click on another kab/kota does not open its nagari.
    click = {"points": [{"curveNumber": 0, "location": "13.71"}]}
    values = {f"{ids.BANDING_PETA}.clickData": click, f"{ids.BANDING_TINGKAT}.value": "kabkota"}
    assert post(client, app, f"{ids.BANDING_WILAYAH}.value", values).status_code == 204


def test_the_province_sees_every_nagari_and_drills_into_a_kabkota(app):
    client = app.server.test_client()
    login(client, app, "admin.uji")
    text = _answer(client, app, f"{ids.BANDING_PETA}.figure", _controls())
    assert DELTA in text and "Delta" in text
    click = {"points": [{"curveNumber": 0, "location": "13.71"}]}
    values = {f"{ids.BANDING_PETA}.clickData": click, f"{ids.BANDING_TINGKAT}.value": "kabkota"}
    answer = json.loads(_answer(client, app, f"{ids.BANDING_WILAYAH}.value", values))["response"]
    assert answer == {ids.BANDING_WILAYAH: {"value": "13.71"}, ids.BANDING_TINGKAT: {"value": "desa"}}
    address = json.loads(_answer(client, app, f"{ids.BANDING_URL}.search", _controls(wilayah="13.71")))
    assert address["response"][ids.BANDING_URL]["search"] == "?a=a&b=b&indikator=kk_desil_1&tingkat=desa&wilayah=13.71"


def test_the_page_opens_the_pair_in_its_address(app):
    client = app.server.test_client()
    login(client, app, "op.contoh", "operator", "13.01")
    headers = {"Referer": "http://kantong.example/perbandingan?a=b&b=a&indikator=pct_d1_bansos"}
    layout = client.get("/_dash-layout", headers=headers).get_data(as_text=True)
    values = {
        c["props"]["id"]: c["props"].get("value")
        for c in _components(json.loads(layout))
        if c.get("props", {}).get("id") in (ids.BANDING_A, ids.BANDING_B, ids.BANDING_INDIKATOR, ids.BANDING_WILAYAH)
    }
    assert values == {
        ids.BANDING_A: "b",
        ids.BANDING_B: "a",
        ids.BANDING_INDIKATOR: "pct_d1_bansos",
        ids.BANDING_WILAYAH: "13.01",
    }
    assert "Kota Contoh" not in layout  # the operator's region list holds their own kab/kota only
    assert "Perbandingan rilis" in layout


def test_a_guest_gets_no_table_download_and_one_release_is_no_pair(app, root, monkeypatch):
    guest = app.server.test_client()
    login(guest, app, "tamu.uji")
    layout = guest.get("/_dash-layout", headers={"Referer": "http://kantong.example/perbandingan"}).get_data(
        as_text=True
    )
    assert f'"type":"{ids.BANDING_UNDUH_PETA}"' in layout and f'"type":"{ids.BANDING_UNDUH_TABEL}"' not in layout
    # The same release twice, or a name not published: said in words, nothing drawn.
    same = _answer(guest, app, f"{ids.BANDING_RINGKASAN}.children", _controls(a="b", b="b"))
    assert "Pilih dua rilis yang berbeda untuk dibandingkan." in same
    gone = _answer(guest, app, f"{ids.BANDING_PETA}.figure", _controls(b="tidak-ada"))
    assert "Rilis 'tidak-ada' tidak ada atau belum terbit." in gone
    # With one release published there is nothing to compare: the page says what to do.
    from layouts import perbandingan

    services = type("S", (), {"comparisons": ComparisonStore(ReleaseStore(root / "snapshots"), root / "x")})()
    monkeypatch.setattr(services.comparisons, "comparable", lambda: services.comparisons.releases.list()[:1])
    route = type("R", (), {"services": services, "search": "", "principal": None, "snapshot": None})()
    text = json.dumps(perbandingan.page(route).to_plotly_json(), default=str, ensure_ascii=False)
    assert "paling sedikit dua rilis data yang sudah terbit" in text and "Rilis yang ada: a." in text


def _components(node):
    if isinstance(node, dict):
        yield node
        for value in node.get("props", {}).values():
            yield from _components(value)
    elif isinstance(node, list):
        for item in node:
            yield from _components(item)


def _download(client, app, kind: str, output: str, format: str, values: dict):
    item = {"format": format, "objek": "tabel" if kind == ids.BANDING_UNDUH_TABEL else "peta", "type": kind}
    body = callback_body(app, output, values)
    body["inputs"] = [[{"id": item, "property": "n_clicks", "value": 1}]]
    body["changedPropIds"] = [json.dumps(item, separators=(",", ":")) + ".n_clicks"]
    return client.post("/_dash-update-component", json=body)


def test_the_tables_download_within_the_scope_and_are_audited(app):
    client = app.server.test_client()
    login(client, app, "op.contoh", "operator", "13.01")
    state = {
        f"{c}.value": v
        for c, v in zip(
            (ids.BANDING_A, ids.BANDING_B, ids.BANDING_INDIKATOR, ids.BANDING_TINGKAT, ids.BANDING_WILAYAH),
            ("a", "b", "kk_desil_1", "desa", "13.71"),
        )
    }
    output = f"{ids.BANDING_UNDUH_TABEL_BERKAS}.data"
    answer = _download(client, app, ids.BANDING_UNDUH_TABEL, output, "xlsx", state)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    sent = json.loads(answer.data)["response"][ids.BANDING_UNDUH_TABEL_BERKAS]["data"]
    assert sent["filename"] == "perbandingan_a-ke-b_contoh_desa.xlsx"
    sheets = _sheets(base64.b64decode(sent["content"]))
    cells = [str(cell) for rows in sheets.values() for row in rows for cell in row]
    assert ALPHA in cells and not any("13.71.01" in c or "Delta" in c for c in cells)
    rows = app.kantong_audit.entries(akun="op.contoh", aksi="ekspor")
    assert rows[-1].rincian == {"berkas": sent["filename"], "baris": 4} and rows[-1].wilayah == "13.01"
    # A guest may download images, not tables.
    guest = app.server.test_client()
    login(guest, app, "tamu.uji")
    assert _download(guest, app, ids.BANDING_UNDUH_TABEL, output, "xlsx", state).status_code == 403
