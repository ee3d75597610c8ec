"""A new installation, before any release is published: the admin gets the releases page to
upload the first one; other roles a message; once a release is published, the dashboard."""

from __future__ import annotations

import json

import pytest

import ids
from tests import fixtures
from tests.auth import login


@pytest.fixture
def empty(tmp_path):
    (tmp_path / "snapshots").mkdir()
    return tmp_path


def _layout(client, path: str) -> str:
    response = client.get("/_dash-layout", headers={"Referer": f"http://kantong.example{path}"})
    assert response.status_code == 200
    return json.dumps(response.get_json())


def test_the_admin_gets_the_releases_page(empty):
    app = fixtures.fixture_app(empty)
    client = app.server.test_client()
    login(client, app, "admin.uji")
    page = _layout(client, "/rilis")
    assert "1. Unggah berkas" in page and "Belum ada rilis data" in page
    assert "nav-rilis" in page
    # Any other address: a message that sends the admin to the releases page.
    home = _layout(client, "/")
    assert "Belum ada rilis data yang terbit" in home and '"id": "rilis-pertama"' in home
    assert "nav-prioritas" not in home  # no page that needs data is offered


def test_other_roles_are_told_to_wait_for_the_admin(empty):
    app = fixtures.fixture_app(empty)
    client = app.server.test_client()
    login(client, app, "kadis.uji")
    for path in ("/", "/rilis"):
        page = _layout(client, path)
        assert "Hubungi admin provinsi" in page and "1. Unggah berkas" not in page and "nav-rilis" not in page


def test_routing_waits_quietly_without_a_release(empty):
    from tests.auth import post

    app = fixtures.fixture_app(empty)
    client = app.server.test_client()
    login(client, app, "admin.uji")
    response = post(client, app, f"{ids.HALAMAN}.children", {f"{ids.URL}.pathname": "/prioritas"})
    assert response.status_code == 204  # nothing to draw, and no error


def test_once_published_the_dashboard_is_back(empty):
    from kantong.releases import ReleaseStore

    store = ReleaseStore(empty / "snapshots", plans_db=empty / "rencana.sqlite")
    store.build("2023-08", fixtures.build_inputs(empty / "input", empty / "x"), "uji")
    store.publish("2023-08", "uji")
    app = fixtures.fixture_app(empty)
    client = app.server.test_client()
    login(client, app, "kadis.uji")
    page = _layout(client, "/")
    assert "Belum ada rilis data" not in page and "nav-prioritas" in page
