"""The map's first frame: the same map as a picture, drawn by the server (kantong/map_preview.py).

Regions here are one-degree squares on the equator, so their paths can be written out by
hand: in units of 0.01 degree, the square from 100 E to 101 E and 0 to 1 N starts at
(10000, 0) and steps 100 east, 100 north (Web Mercator northing of 1 N is 1.00005 degree,
which rounds to 100 units), 100 west and 100 south.
"""

from __future__ import annotations

import gzip
import re

import numpy as np
import pandas as pd
import pytest

import ids
from etl.pipeline import build
from kantong import figures, geometry, map_preview
from kantong.data import SnapshotStore
from tests import fixtures
from tests.auth import login


def square(kode: str, west: float, south: float) -> dict:
    ring = [[west, south], [west + 1, south], [west + 1, south + 1], [west, south + 1], [west, south]]
    return {"type": "Feature", "properties": {"kode": kode}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        square("A", 100, 0),
        square("B", 101, 0),
        {"type": "Feature", "properties": {"kode": "C"}, "geometry": None},
    ],
}


def test_region_paths_are_whole_units_with_relative_steps():
    paths = geometry.compact_paths(GEOJSON, decimals=2)
    assert paths == {"A": "M10000 0l100 0 0 100-100 0 0-100z", "B": "M10100 0l100 0 0 100-100 0 0-100z"}
    # A ring smaller than a unit is dropped; a region with nothing left has no path.
    tiny = {"type": "FeatureCollection", "features": [square("T", 100, 0)]}
    tiny["features"][0]["geometry"]["coordinates"][0] = [[100, 0], [100.001, 0], [100.001, 0.001], [100, 0]]
    assert geometry.compact_paths(tiny, decimals=2) == {}


def test_decimals_keep_about_two_vertices_per_pixel_across_the_view():
    # 4000 vertices across: a 4-degree province needs 0.001 degree, a 0.4-degree kota 0.0001.
    assert map_preview.decimals_for([98.6, -3.4, 102.6, 1.0]) == 3
    assert map_preview.decimals_for([100.3, -1.0, 100.7, -0.6]) == 4
    assert map_preview.decimals_for([0, 0, 1e-9, 1e-9]) == 5  # never finer than 5 decimals


@pytest.fixture
def view():
    """A (class 0), B (class 1), C (too few families) drawn as a point, D without either."""
    frame = pd.DataFrame(
        {
            "kode": ["A", "B", "C", "D"],
            "bbox_barat": [100.0, 101.0, None, None],
            "bbox_selatan": [0.0, 0.0, None, None],
            "bbox_timur": [101.0, 102.0, None, None],
            "bbox_utara": [1.0, 1.0, None, None],
            "lokasi_perkiraan": [False, False, True, False],
            "lon": [100.5, 101.5, 100.25, None],
            "lat": [0.5, 0.5, 0.75, None],
        }
    )
    classes = figures.Classes(
        kelas=np.array([0, 1, -3, -2]),
        batas=[1.0, 2.0],
        bawah=0.0,
        jumlah=[1, 1],
        warna=["#ffffb2", "#bd0026"],
        tanpa_keluarga=1,
        tidak_berlaku=0,
        terlalu_sedikit=1,
    )
    return frame, classes


def test_the_picture_has_the_maps_view_classes_colours_outline_and_points(view):
    frame, classes = view
    svg = map_preview.preview_svg(frame, classes, geometry.compact_paths(GEOJSON, 2), 2, "Peta <uji>", ["A"])
    # The view: the regions' bbox in Web Mercator degrees, y downwards (north 1.00005 -> -1.00005).
    x, y, w, h = map(float, re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    assert (x, round(y, 5), w, round(h, 5)) == (100.0, -1.00005, 2.0, 1.00005)
    assert 'preserveAspectRatio="xMidYMid meet"' in svg and "<title>Peta &lt;uji&gt;</title>" in svg
    assert 'transform="scale(0.01,-0.01)"' in svg
    # One path per class colour, holding that class's regions.
    assert '<path fill="#ffffb2" d="M10000 0l100 0 0 100-100 0 0-100z"' in svg
    assert '<path fill="#bd0026" d="M10100 0l100 0 0 100-100 0 0-100z"' in svg
    # The chosen region's outline: a wide white line under a black one, as on the map.
    white, black = figures.OUTLINE_LINES
    outline = [m.group(1) for m in re.finditer(r'<path fill="none" stroke="([^"]+)" stroke-width', svg)]
    assert outline == [white["color"], black["color"]]
    # C is a dot (in the "too few" colour) on a grey ring at its approximate point; D is not drawn.
    dot = f"M100.25000,{-float(geometry.mercator_y(0.75)):.5f}h0"
    assert f'<path d="{dot}" stroke="{figures.HALO_COLOUR}" stroke-width="{map_preview.RING}"' in svg
    assert f'<path d="{dot}" stroke="{figures.TOO_FEW_COLOUR}" stroke-width="{map_preview.DOT}"' in svg
    assert svg.count("<path") == 2 + 2 + 2


def test_nothing_to_draw_gives_no_picture(view):
    frame, classes = view
    assert map_preview.preview_svg(frame.iloc[2:], classes, {}, 2, "x") is None


def component(layout, component_id: str) -> dict | None:
    """The props of the component with this id in a Dash layout (JSON)."""
    if isinstance(layout, list):
        return next((c for c in (component(x, component_id) for x in layout) if c), None)
    if not isinstance(layout, dict):
        return None
    props = layout.get("props", {})
    if props.get("id") == component_id:
        return props
    return component(props.get("children"), component_id)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from app import create_app

    folder = tmp_path_factory.mktemp("preview")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "a"))
    app = create_app(folder / "snapshots", folder / "rencana.sqlite", folder / "app")
    client = app.server.test_client()
    login(client, app)
    return client, SnapshotStore(folder / "snapshots").latest()


def test_the_map_page_asks_for_its_first_frame_first_and_shows_it_over_the_map(client):
    client, snapshot = client
    address = "/?tingkat=desa&wilayah=13.01&profil=13.01.01.2001"
    head = client.get(address).get_data(as_text=True).split("</head>")[0]
    preloads = re.findall(r'<link rel="preload" as="(\w+)"[^>]*href="([^"]+)"', head)
    picture = f"/peta-awal/{snapshot.id}.svg?tingkat=desa&amp;wilayah=13.01&amp;profil=13.01.01.2001"
    # Before plotly.js: a picture of a few kilobytes is on screen long before 1.4 MB of script.
    assert preloads[0] == ("image", picture)
    assert [kind for kind, _ in preloads] == ["image", "script", "fetch"]
    layout = client.get("/_dash-layout", headers={"Referer": "http://kantong.example" + address}).get_json()
    shown = component(layout, ids.PETA_AWAL)
    assert shown["src"] == picture.replace("&amp;", "&") and shown["alt"].endswith("per nagari/desa, Contoh")
    answer = client.get(picture.replace("&amp;", "&"), headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "gzip"
    svg = gzip.decompress(answer.data).decode()
    # Kab. Contoh's nagari with a polygon, the chosen one outlined, and its title.
    frame = snapshot.regions_in("13.01", "desa").dropna(subset=["bbox_barat"])
    x, _, w, _ = map(float, re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    assert (round(x, 5), round(x + w, 5)) == (round(frame["bbox_barat"].min(), 5), round(frame["bbox_timur"].max(), 5))
    assert svg.count('fill="none" stroke=') == 2
    assert "per nagari/desa, Contoh" in svg
    # Pages without the map ask for no picture.
    assert "/peta-awal/" not in client.get("/prioritas").get_data(as_text=True)
