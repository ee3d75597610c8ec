"""A snapshot of two provinces in the browser: the map starts above them, a click goes down
province -> kab/kota -> nagari, and the other pages follow (tests/fixtures.py: the
hand-counted Sumatera Barat fixture and the synthetic Kalimantan Selatan)."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

import ids
from tests import fixtures
from tests.auth import browser_login
from tests.browser.pages import click_region, map_data, served, text_of, view_params, wait_map


@pytest.fixture(scope="module")
def two_provinces(tmp_path_factory):
    from kantong.data import SnapshotStore

    return SnapshotStore(fixtures.build_two_provinces(tmp_path_factory.mktemp("dua_browser")))


@pytest.fixture(scope="module")
def dua_server(two_provinces, tmp_path_factory):
    from app import create_app

    work = tmp_path_factory.mktemp("dua_app")
    app = create_app(two_provinces.root, work / "rencana.sqlite", work / "app", users_db=work / "akun.sqlite")
    with served(app, {"admin.uji": ("admin", None)}) as url:
        yield url


def test_the_map_goes_down_from_the_provinces_to_a_nagari(dua_server, browser, two_provinces):
    snapshot = two_provinces.latest()
    browser_login(browser, dua_server)
    browser.get(dua_server + "/")
    wait_map(browser)
    assert sorted(map_data(browser)["locations"]) == ["13", "63"]
    assert "per provinsi" in text_of(browser, f"#{ids.JUDUL_PETA}")
    assert "Indonesia" in text_of(browser, f"#{ids.JUDUL_PETA}")

    province = snapshot.region("63")
    click_region(browser, float(province["lon"]), float(province["lat"]))
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("wilayah") == "63")
    wait_map(browser)
    assert sorted(map_data(browser)["locations"]) == ["63.01", "63.71"]
    assert "Kalimantan Selatan" in text_of(browser, f"#{ids.JEJAK}")

    kabkota = snapshot.region("63.01")
    click_region(browser, float(kabkota["lon"]), float(kabkota["lat"]))
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("wilayah") == "63.01")
    wait_map(browser)
    inside = sorted(map_data(browser)["locations"])
    assert inside and all(k.startswith("63.01.") for k in inside)
    assert view_params(browser)["tingkat"] == "desa"

    nagari = snapshot.region("63.01.02.2001")
    click_region(browser, float(nagari["lon"]), float(nagari["lat"]))
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("profil") == "63.01.02.2001")
    WebDriverWait(browser, 20).until(lambda d: "Tanjung Uji" in text_of(d, f"#{ids.PROFIL} h2"))
    crumbs = text_of(browser, f"#{ids.JEJAK}")
    assert crumbs.index("Indonesia") < crumbs.index("Kalimantan Selatan") < crumbs.index("Tanjung Uji")


def test_the_priority_page_ranks_nagari_of_both_provinces(dua_server, browser):
    browser_login(browser, dua_server)
    browser.get(dua_server + "/prioritas")
    rows = (
        "try { const a = dash_ag_grid.getApi(arguments[0]); return a ? a.getDisplayedRowCount() : 0; }"
        " catch (e) { return 0; }"  # not drawn yet
    )
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(rows, ids.GRID_PERINGKAT) > 0)
    codes = browser.execute_script(
        "const a = dash_ag_grid.getApi(arguments[0]); const out = [];"
        "a.forEachNode(n => out.push(n.data.kode)); return out;",
        ids.GRID_PERINGKAT,
    )
    assert {k[:2] for k in codes} == {"13", "63"}
