"""The first page comes with the view it was asked for, and loads only what it needs."""

from __future__ import annotations

import json

from selenium.webdriver.support.ui import WebDriverWait

import ids
from tests.browser.pages import click, map_data, text_of, view_params, wait_map
from tests.browser.test_priority import GRID_FIRST_ROWS


def _requests(driver) -> list[dict]:
    """Requests since the last call: url and, for callbacks, their outputs."""
    out = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            request = message["params"]["request"]
            body = request.get("postData") or ""
            # Callbacks post JSON; the login form (before the test) posts a form.
            output = json.loads(body).get("output", "") if body.startswith("{") else ""
            out.append({"url": request["url"], "output": output})
    return out


def test_the_map_comes_with_the_page_and_no_grid_script(server, browser, store):
    snapshot = store.latest()
    browser.get(server + "/?tingkat=kecamatan&indikator=pct_d1_bansos&warna=biru")
    wait_map(browser)
    assert sorted(map_data(browser)["locations"]) == sorted(snapshot.table("kecamatan").index)
    assert "Cakupan bansos" in text_of(browser, f"#{ids.JUDUL_PETA}")
    assert (
        text_of(browser, f"#{ids.PROFIL}")
        and text_of(browser, f"#{ids.PERINGKAT}")
        and text_of(browser, f"#{ids.LEGENDA}")
    )
    requests = _requests(browser)
    outputs = " ".join(r["output"] for r in requests)
    # No routing round trip, and the map needed no callback: both came with the layout.
    assert "halaman.children" not in outputs and "peta.figure" not in outputs
    assert not any("dash_ag_grid" in r["url"] for r in requests)
    assert any(r["url"].endswith("plotly.min.js") for r in requests)


def test_moving_to_the_grid_page_loads_the_grid_and_back(server, browser, store):
    browser.get(server + "/")
    wait_map(browser)
    _requests(browser)
    click(browser, "nav-prioritas")
    WebDriverWait(browser, 40).until(lambda d: d.execute_script(GRID_FIRST_ROWS)[0])
    assert any("dash_ag_grid" in r["url"] for r in _requests(browser))  # loaded when the grid first rendered
    rows = browser.execute_script("return dash_ag_grid.getApi('grid-peringkat').getDisplayedRowCount();")
    assert rows == len(store.latest().table("desa"))
    click(browser, "nav-peta")
    wait_map(browser)
    assert "halaman.children" in " ".join(r["output"] for r in _requests(browser))  # routing inside the app
    assert view_params(browser) == {}


def test_a_page_with_a_grid_draws_it_on_first_load(server, browser):
    browser.get(server + "/prioritas")
    WebDriverWait(browser, 40).until(lambda d: d.execute_script(GRID_FIRST_ROWS)[0])
    assert "mode-presentasi" not in browser.find_element("id", "akar").get_attribute("class")
    browser.get(server + "/presentasi?indikator=kk_d1_non_dtks")
    WebDriverWait(browser, 30).until(lambda d: text_of(d, f"#{ids.PRESENTASI_JUDUL}"))
    assert "mode-presentasi" in browser.find_element("id", "akar").get_attribute("class")
