"""The page registry, the first layout built from the address, the first page's scripts and
the map's shared cache, without a browser."""

from __future__ import annotations

import json
import re

import pytest

import pages as registry
from etl import indicators
from etl.pipeline import build
from kantong.data import SnapshotCache, SnapshotStore
from tests import fixtures
from tests.auth import login


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
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


def layout_for(client, address: str | None) -> dict:
    headers = {"Referer": f"http://kantong.example{address}"} if address is not None else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def find(node, component_id):
    """The component with this id in a layout (as JSON), or None."""
    if isinstance(node, dict):
        if isinstance(node.get("props"), dict) and node["props"].get("id") == component_id:
            return node
        return next((hit for v in node.values() if (hit := find(v, component_id)) is not None), None)
    if isinstance(node, list):
        return next((hit for v in node if (hit := find(v, component_id)) is not None), None)
    return None


def text(node) -> str:
    return json.dumps(node, ensure_ascii=False)


def test_one_registry_drives_navigation_and_paths():
    paths = [page.path for page in registry.PAGES]
    assert len(paths) == len(set(paths))
    nav = [(page.path, page.title, page.nav_id) for page in registry.PAGES if page.title]
    assert nav == [
        ("/", "Peta", "nav-peta"),
        ("/prioritas", "Prioritas & target", "nav-prioritas"),
        ("/rakor", "Paket Rakor", "nav-rakor"),
        ("/verval", "Verval & asesmen", "nav-verval"),
        ("/perbandingan", "Perbandingan rilis", "nav-perbandingan"),
        ("/rilis", "Rilis data", "nav-rilis"),
        ("/metodologi", "Metodologi", "nav-metodologi"),
        ("/admin", "Admin", "nav-admin"),
    ]
    # The bar shows a person only the pages their role may open.
    from kantong.access import Principal

    shown = [p.path for p in registry.PAGES if p.title and p.allowed(Principal("tamu", "tamu"))]
    assert shown == ["/", "/prioritas", "/perbandingan", "/metodologi"]
    presentation = registry.find("/presentasi")
    assert presentation.title is None and presentation.full_screen
    assert registry.find("presentasi/") is presentation and registry.find("/tidak-ada") is None
    assert [page.path for page in registry.PAGES if page.grid] == ["/prioritas", "/perbandingan"]


def test_every_callback_is_registered_once(app):
    outputs = [key for key in app.callback_map]
    assert len(outputs) == len(set(outputs))
    joined = " ".join(outputs)
    for output in (
        "halaman.children",
        "peta.figure",
        "url-peta.search",
        "profil.children",
        "cari.options",
        "grid-peringkat.rowData",
        "rakor-hasil.children",
        "presentasi-judul.children",
    ):
        assert output in joined, output


def test_routing_and_the_map_wait_for_a_change_of_address(client):
    dependencies = client.get("/_dash-dependencies").get_json()  # what the browser is told
    routing = next(d for d in dependencies if "halaman.children" in d["output"])
    render_map = next(d for d in dependencies if "peta.figure" in d["output"] and "legenda.children" in d["output"])
    assert routing["prevent_initial_call"] and render_map["prevent_initial_call"]


def test_the_first_layout_holds_the_page_asked_for(client):
    layout = layout_for(client, "/metodologi")
    assert "Metodologi" in text(find(layout, "halaman"))
    url = find(layout, "url")["props"]
    assert url["pathname"] == "/metodologi" and url["search"] == ""
    nav = find(layout, "nav-metodologi")["props"]
    assert nav["href"] == "/metodologi"
    assert "Sumber: P3KE" in text(find(layout, "sumber")) and "Snapshot a" in text(find(layout, "info-snapshot"))
    assert find(layout, "akar")["props"]["className"] == ""

    presentation = layout_for(client, "/presentasi?indikator=pct_d1_bansos&ke=1")
    assert find(presentation, "akar")["props"]["className"] == "mode-presentasi"
    assert find(presentation, "presentasi-param")["props"]["data"]["indikator"] == "pct_d1_bansos"

    assert "Halaman tidak ditemukan." in text(find(layout_for(client, "/tidak-ada"), "halaman"))


def test_without_an_address_routing_fills_the_page(client):
    layout = layout_for(client, None)
    assert find(layout, "halaman")["props"].get("children") is None
    assert "pathname" not in find(layout, "url")["props"]  # reported by the browser, which starts routing


def test_the_map_page_is_drawn_with_its_first_view(client, root):
    snapshot = SnapshotStore(root / "snapshots").latest()
    layout = layout_for(client, "/?tingkat=kecamatan&indikator=pct_d1_bansos&warna=biru")
    figure = find(layout, "peta")["props"]["figure"]
    assert sorted(figure["data"][0]["locations"]) == sorted(snapshot.table("kecamatan").index)
    assert figure["layout"]["meta"]["bbox"]
    assert find(layout, "peta-tampil")["props"]["data"] == {
        "snapshot": snapshot.id,
        "tingkat": "kecamatan",
        "wilayah": str(snapshot.akar["kode"]),
    }
    assert find(layout, "indikator")["props"]["value"] == "pct_d1_bansos"
    assert find(layout, "tingkat")["props"]["value"] == "kecamatan"
    assert find(layout, "warna")["props"]["value"] == "biru"
    assert find(layout, "url-peta")["props"]["search"] == "?tingkat=kecamatan&indikator=pct_d1_bansos&warna=biru"
    assert find(layout, "mulai-presentasi")["props"]["href"] == "/presentasi?indikator=pct_d1_bansos"
    for filled in ("legenda", "jejak", "judul-peta", "profil", "peringkat"):
        assert find(layout, filled)["props"].get("children"), filled


def test_the_map_answers_match_without_and_with_the_cache(app, client, root):
    from callbacks import map_view
    from kantong.view import View

    snapshot = SnapshotStore(root / "snapshots").latest()
    view = View.from_query("?tingkat=desa&indikator=kk_d1_non_dtks", snapshot)
    fresh, fresh_figure = map_view.view_pieces(app, snapshot, view), map_view.view_figure(app, snapshot, view)
    same = lambda a, b: json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)
    for cache in (map_view.pieces_cache(root / "cache-test"), map_view.pieces_cache(root / "cache-test")):  # 2 workers
        assert same(map_view.figure_for(app, snapshot, view, cache), fresh_figure)
        pieces = map_view.pieces_for(app, snapshot, view, cache)
        assert same(pieces["values"], fresh["values"]) and pieces["title"] == fresh["title"]


def test_the_map_callback_sends_a_patch_for_the_same_regions(app, client, root):
    output = next(k for k in app.callback_map if "peta.figure" in k and "legenda.children" in k)  # render_map
    spec = app.callback_map[output]
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in output.strip(".").split("...")]

    def call(search, shown):
        state = {"id": "peta-tampil", "property": "data", **({"value": shown} if shown else {})}
        body = {
            "output": output,
            "outputs": outputs,
            "inputs": [{"id": "url-peta", "property": "search", "value": search}],
            "changedPropIds": ["url-peta.search"],
            "state": [state],
        }
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200
        return response.get_json()["response"]

    assert spec["inputs"] == [{"id": "url-peta", "property": "search"}]
    whole = call("?tingkat=kabkota&indikator=kk_d1_non_dtks", None)
    assert whole["peta"]["figure"]["data"][0]["locations"]
    shown = whole["peta-tampil"]["data"]
    patch = call("?tingkat=kabkota&indikator=pct_d1_bansos", shown)
    assert patch["peta"]["figure"]["__dash_patch_update"] == "__dash_patch_update"
    assert patch["judul-peta"]["children"].startswith(indicators.get("pct_d1_bansos").label)
    assert patch["peta-tampil"]["data"] == shown


def test_the_first_page_loads_only_the_scripts_it_needs(client):
    grid = re.compile(r'<script src="[^"]*/dash_ag_grid/dash_ag_grid[^"]*\.js"></script>')
    preload = '<link rel="preload" as="script" href="/_dash-component-suites/plotly/package_data/plotly.min.js">'
    home = client.get("/").get_data(as_text=True)
    assert not grid.search(home) and "window.kantongAgGridSrc" in home and preload in home
    assert '<meta name="referrer" content="same-origin">' in home
    priority = client.get("/prioritas").get_data(as_text=True)
    assert grid.search(priority) and "window.kantongAgGridSrc" not in priority and preload in priority
    method = client.get("/metodologi").get_data(as_text=True)
    assert not grid.search(method) and preload not in method


class _Snap:
    def __init__(self, id):
        self.id = id
        self.verval_versi = ""


def test_shared_cache_computes_once_per_snapshot_and_forgets_old_ones(tmp_path):
    calls = []

    def compute(value):
        calls.append(value)
        return {"value": value}

    worker_a = SnapshotCache(tmp_path / "c", version="v1")
    worker_b = SnapshotCache(tmp_path / "c", version="v1")
    assert worker_a.get(_Snap("s1"), ("x",), lambda: compute(1)) == {"value": 1}
    assert worker_b.get(_Snap("s1"), ("x",), lambda: compute(2)) == {"value": 1}  # read from disk
    assert calls == [1]
    # A new snapshot (or new code) never reads the old answer, and the old answers go.
    assert worker_b.get(_Snap("s2"), ("x",), lambda: compute(3)) == {"value": 3}
    assert SnapshotCache(tmp_path / "c", version="v2").get(_Snap("s2"), ("x",), lambda: compute(4)) == {"value": 4}
    fresh = SnapshotCache(tmp_path / "c", version="v1")
    assert fresh.get(_Snap("s1"), ("x",), lambda: compute(5)) == {"value": 5}
    assert calls == [1, 3, 4, 5]
