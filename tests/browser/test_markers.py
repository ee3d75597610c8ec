"""Nagari without a polygon on the interactive map: drawn as markers in their class colour,
clickable like a polygon, outlined when opened, and counted in the legend."""

from __future__ import annotations

from selenium.webdriver.support.ui import WebDriverWait

import ids
from kantong import figures
from tests.browser.conftest import save_screenshot
from tests.browser.pages import GD, click_region, text_of, view_params, wait_map

MARKERS = f"""
const gd = {GD};
const dots = gd.data[{figures.MARKER_TRACE}], halo = gd.data[{figures.HALO_TRACE}];
return {{ids: dots.ids, lon: dots.lon, lat: dots.lat, colour: dots.marker.color, halo: halo.marker.color,
         values: gd.data[0].z, locations: gd.data[0].locations}};
"""


def test_nagari_without_polygon_are_markers_that_open_their_profile(server, browser, store):
    snapshot = store.latest()
    desa = snapshot.table("desa")
    expected = desa[desa["lokasi_perkiraan"] & desa.index.str.startswith("13.12.")]
    assert len(expected) >= 50  # Pasaman Barat: most of its nagari lack a polygon in the reference layer
    browser.set_window_size(1366, 768)
    browser.get(f"{server}/?tingkat=desa&wilayah=13.12&indikator=kk_d1_non_dtks")
    wait_map(browser)
    shown = browser.execute_script(MARKERS)
    assert sorted(shown["ids"]) == sorted(expected.index)
    # Each marker has its nagari's class, as its polygon would.
    z = dict(zip(shown["locations"], shown["values"]))
    assert [z[k] for k in shown["ids"]] == shown["colour"]
    assert "Titik: nagari tanpa poligon" in text_of(browser, f"#{ids.LEGENDA}")
    assert f"{len(expected)}" in text_of(browser, f"#{ids.LEGENDA} .legenda-titik")
    save_screenshot(browser, "20_titik_perkiraan_pasaman_barat")

    target = expected.index[0]
    i = shown["ids"].index(target)
    click_region(browser, shown["lon"][i], shown["lat"][i])
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("profil") == target)
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(MARKERS)["halo"][i] == figures.CHOSEN_COLOUR)
    assert text_of(browser, f"#{ids.PROFIL} h2").upper() == str(desa.loc[target, "nama"]).upper()
