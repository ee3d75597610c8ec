"""The map page's HTML asks for the first view's boundary file itself, without a browser."""

from __future__ import annotations

import re

import pytest

from etl.pipeline import build
from kantong.data import SnapshotStore
from tests import fixtures
from tests.auth import login

PRELOAD = re.compile(r'<link rel="preload" as="fetch" crossorigin href="(?P<url>[^"]+)">')


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("first_map")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "a"))
    return folder


@pytest.fixture(scope="module")
def client(root):
    from app import create_app

    app = create_app(root / "snapshots", root / "rencana.sqlite", root / "app")
    client = app.server.test_client()
    login(client, app)
    return client


def prefetched(client, address: str) -> list[str]:
    html = client.get(address).get_data(as_text=True)
    head = html.split("</head>")[0]
    return [m.group("url") for m in PRELOAD.finditer(head)]


def test_the_map_page_fetches_its_first_views_boundaries_with_the_page(client, root):
    snapshot = SnapshotStore(root / "snapshots").latest()
    geo = f"/geo/{snapshot.id}"
    assert snapshot.map_levels[0] == "kabkota"
    # The level in the address, as the map's first view reads it (junk falls back to the default).
    assert prefetched(client, "/") == [f"{geo}/kabkota.geojson"]
    assert prefetched(client, "/?tingkat=desa&wilayah=13.01&profil=13.01") == [f"{geo}/desa.geojson"]
    assert prefetched(client, "/?tingkat=kecamatan&indikator=pct_d1_bansos") == [f"{geo}/kecamatan.geojson"]
    assert prefetched(client, "/?tingkat=planet") == [f"{geo}/kabkota.geojson"]
    # The file is the one the map's figure names, and the app serves it.
    assert client.get(f"{geo}/desa.geojson").status_code == 200


def test_pages_without_a_map_in_their_first_layout_fetch_no_boundaries(client):
    for address in ("/prioritas", "/metodologi", "/rakor", "/presentasi", "/tidak-ada"):
        assert prefetched(client, address) == [], address
