"""Every indicator of the registry, at every level, on the map, the profile, the
presentation and a printed map, through the app's own HTTP callbacks; and what a person
sees when a callback fails.

The fixture snapshot (tests/fixtures.py) has Kab. Contoh (13.01: Alpha, Beta, Gamma and
Epsilon, which has no polygon) and Kota Contoh (13.71: Delta).
"""

from __future__ import annotations

import json
import logging

import pytest

import ids
from etl import indicators
from etl.pipeline import build
from kantong import report
from kantong.data import SnapshotStore
from kantong.view import View
from tests import fixtures
from tests.auth import login

LEVELS = ("kabkota", "kecamatan", "desa")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every_indicator")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "a"))
    return folder


@pytest.fixture(scope="module")
def app(root):
    from app import create_app

    return create_app(root / "snapshots", root / "rencana.sqlite", root / "app")


@pytest.fixture(scope="module")
def client(app):
    client = app.server.test_client()
    login(client, app)
    return client


def call(app, client, output_has: str, values: dict, expect_status: int = 200) -> dict:
    """Fire the callback whose outputs include `output_has` ("id.property") as the browser
    would, with `values` for its inputs and states ({"id.property": value}); returns the
    response's outputs keyed by id."""
    output = next(k for k in app.callback_map if output_has in k.strip(".").split("..."))
    spec = app.callback_map[output]
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in output.strip(".").split("...")]

    def given(items):
        out = []
        for item in items:
            name = f"{item['id']}.{item['property']}"
            out.append({**item, **({"value": values[name]} if name in values else {})})
        return out

    inputs = given(spec["inputs"])
    body = {
        "output": output,
        "outputs": outputs if len(outputs) > 1 or output.startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs],
        "state": given(spec.get("state", [])),
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == expect_status, response.get_data(as_text=True)[:500]
    return response.get_json()["response"] if expect_status == 200 else {}


def text(node) -> str:
    return json.dumps(node, ensure_ascii=False)


@pytest.mark.parametrize("level", LEVELS)
def test_every_indicator_draws_the_map_at_every_level(app, client, level):
    for ind in indicators.INDICATORS:
        answer = call(
            app,
            client,
            f"{ids.PETA}.figure",
            {f"{ids.URL_PETA}.search": f"?tingkat={level}&indikator={ind.id}"},
        )
        figure = answer[ids.PETA]["figure"]
        expected = {"kabkota": 2, "kecamatan": 3, "desa": 5}[level]  # the regions of the fixture
        assert len(figure["data"][0]["locations"]) == expected, (ind.id, level)
        assert answer[ids.JUDUL_PETA]["children"].startswith(ind.label), (ind.id, level)
        assert ind.label_pendek in text(answer[ids.LEGENDA]["children"]), (ind.id, level)
        assert "kantong-galat" not in text(answer)


def test_the_first_indicator_is_drawn_with_its_own_values(app, client):
    # kk_total is also one of the columns kept beside the value: it was selected twice (HTTP 500).
    answer = call(app, client, f"{ids.PETA}.figure", {f"{ids.URL_PETA}.search": "?tingkat=kabkota&indikator=kk_total"})
    assert sorted(answer[ids.PETA]["figure"]["data"][0]["locations"]) == ["13.01", "13.71"]


def test_kk_total_values_are_the_family_counts(root):
    from kantong.data import indicator_values

    snapshot = SnapshotStore(root / "snapshots").latest()
    values = indicator_values(snapshot, "kabkota", "13", "kk_total")
    table = snapshot.table("kabkota")
    assert values["nilai"].tolist() == table.loc[values.index, "kk_total"].astype(float).tolist()
    assert values["kk_total"].tolist() == table.loc[values.index, "kk_total"].tolist()


def test_every_indicator_opens_the_profile(app, client):
    for ind in indicators.INDICATORS:
        for profil in ("13", "13.01", "13.01.01.2001"):
            level = "desa" if profil.count(".") == 3 else "kabkota"
            answer = call(
                app,
                client,
                f"{ids.PROFIL}.children",
                {f"{ids.URL_PETA}.search": f"?tingkat={level}&indikator={ind.id}&profil={profil}"},
            )
            assert "kantong-galat" not in text(answer), (ind.id, profil)
            assert answer[ids.PROFIL]["children"], (ind.id, profil)


def test_every_indicator_is_presented_on_every_slide(app, client):
    for ind in indicators.INDICATORS:
        for ke in (0, 1, 2):  # the province, Kab. Contoh, Kota Contoh
            answer = call(
                app,
                client,
                f"{ids.PRESENTASI_PETA}.figure",
                {
                    f"{ids.PRESENTASI_KE}.data": ke,
                    f"{ids.PRESENTASI_PARAM}.data": {"indikator": ind.id, "rencana": None, "langkah": 3},
                },
            )
            figure = answer[ids.PRESENTASI_PETA]["figure"]
            assert figure["data"] and len(figure["data"][0]["locations"]) >= 1, (ind.id, ke)
            assert "kantong-galat" not in text(answer), (ind.id, ke)


def test_every_indicator_has_a_printed_map_at_every_level(root):
    snapshot = SnapshotStore(root / "snapshots").latest()
    for ind in indicators.INDICATORS:
        for level in LEVELS:
            view = View(tingkat=level, wilayah="13", indikator=ind.id, profil="13")
            figure = report.map_print(snapshot, view)
            assert ind.label in figure.layout.title.text, (ind.id, level)
            assert any(s.type == "path" and s.path for s in figure.layout.shapes), (ind.id, level)  # regions drawn


def test_a_failing_callback_shows_a_message_in_place_of_the_map(app, client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(report, "view_classes", broken)
    with caplog.at_level(logging.ERROR, logger="kantong.callbacks"):
        answer = call(
            app,
            client,
            f"{ids.PETA}.figure",
            {f"{ids.URL_PETA}.search": "?tingkat=desa&indikator=pct_d1_bansos&klasifikasi=jenks"},
        )
    figure = answer[ids.PETA]["figure"]
    assert figure["data"] == [] and "Peta tidak dapat digambar" in figure["layout"]["annotations"][0]["text"]
    reference = figure["layout"]["meta"]["kantong_galat"]
    # No stale map under a new title: the title, legend and lists say the same.
    for part in (ids.JUDUL_PETA, ids.LEGENDA, ids.PERINGKAT):
        assert "tidak dapat ditampilkan" in text(answer[part]["children"]) and reference in text(answer[part])
    assert answer[ids.PETA_TAMPIL]["data"] is None  # the next view is drawn whole
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info and "boom" in str(logged[0].exc_info[1])
