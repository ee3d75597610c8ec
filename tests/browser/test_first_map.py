"""The first map is drawn fitted, with its boundaries fetched by the page itself, and new
regions or values keep the map fitted."""

from __future__ import annotations

import io
import math

from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import ids
from kantong.view import PALETTES
from tests.browser.pages import GD, MAP_SHOWN, choose_indicator, click_region, map_data, view_params, wait_map

PADDING = 12  # px, as assets/kantong/peta.js fits

# The map's view, plotly's layout view (what plotly sets again on a resize or an update),
# the regions' bbox and the canvas size.
VIEWS = f"""
const gd = {GD}; const full = gd._fullLayout.map; const m = full._subplot.map; const c = m.getCenter();
const canvas = m.getCanvas();
return {{map: [c.lng, c.lat, m.getZoom()], layout: [gd.layout.map.center.lon, gd.layout.map.center.lat, gd.layout.map.zoom],
         full: [full.center.lon, full.center.lat, full.zoom], bbox: gd.layout.meta.bbox,
         size: [canvas.clientWidth, canvas.clientHeight], moving: m.isMoving(), loaded: m.loaded(),
         pending: gd.classList.contains('dash-graph--pending')}};
"""


def merc_y(lat: float) -> float:
    """Web Mercator y in 0..1 of the world, north up (MapLibre's mercatorYfromLat)."""
    return (180 - math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))) / 360


def fitted_view(bbox, width: int, height: int) -> list[float]:
    """Centre and zoom that fit bbox into the canvas with the padding (512 px tiles)."""
    west, south, east, north = bbox
    span_x = (east - west) / 360
    span_y = merc_y(south) - merc_y(north)
    zoom = math.log2(min((width - 2 * PADDING) / (span_x * 512), (height - 2 * PADDING) / (span_y * 512)))
    y = (merc_y(south) + merc_y(north)) / 2
    lat = math.degrees(2 * math.atan(math.exp(math.pi * (1 - 2 * y))) - math.pi / 2)
    return [(west + east) / 2, lat, zoom]


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def close(a, b) -> bool:
    return all(abs(x - y) < 1e-6 for x, y in zip(a, b))


def test_the_first_map_is_drawn_fitted_with_boundaries_the_page_fetched(server, browser, store):
    snapshot = store.latest()
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    browser.get(server + "/?tingkat=kecamatan&indikator=pct_d1_bansos")
    wait_map(browser)
    # One request for the boundaries, made by the page's head (a preload link), which plotly.js
    # took rather than fetching them itself (an XHR) once it had started.
    geo = browser.execute_script(
        "return performance.getEntriesByType('resource').filter(r => r.name.includes('/geo/'))"
        ".map(r => [r.name, r.initiatorType]);"
    )
    assert geo == [[f"{server}/geo/{snapshot.id}/kecamatan.geojson", "link"]]
    views = browser.execute_script(VIEWS)
    bbox = views["bbox"]
    west, south, east, north = bbox
    frame = snapshot.table("kecamatan")
    assert [west, south, east, north] == [
        frame["bbox_barat"].min(),
        frame["bbox_selatan"].min(),
        frame["bbox_timur"].max(),
        frame["bbox_utara"].max(),
    ]
    fit = fitted_view(bbox, *views["size"])
    # The map shows the regions fitted, and plotly's layout holds that view: the map was
    # fitted before it was drawn, not drawn at the server's guess and moved afterwards.
    assert close(views["map"], fit), (views, fit)
    assert close(views["layout"], fit) and close(views["full"], fit), (views, fit)


def test_new_values_and_new_regions_keep_the_map_fitted(server, browser, store):
    snapshot = store.latest()
    browser.get(server + "/?tingkat=kabkota&wilayah=13&indikator=kk_d1_non_dtks&profil=13")
    wait_map(browser)
    before = map_data(browser)

    def settled_and_fitted(d) -> bool:
        views = d.execute_script(VIEWS)
        done = views["loaded"] and not views["moving"] and not views["pending"]
        return done and close(views["map"], fitted_view(views["bbox"], *views["size"]))

    # New values for the same regions (a Patch): the view stays fitted, and plotly's layout
    # holds it (the map is not redrawn at the figure's own, server-guessed view first).
    choose_indicator(browser, "Cakupan bansos reguler")
    WebDriverWait(browser, 20).until(lambda d: map_data(d)["z"] != before["z"])
    WebDriverWait(browser, 20).until(settled_and_fitted)
    views = browser.execute_script(VIEWS)
    assert close(views["layout"], fitted_view(views["bbox"], *views["size"])), views

    # New regions (a kab/kota's nagari on the same map): fitted to their own bbox.
    agam = snapshot.region("13.06")
    click_region(browser, float(agam["lon"]), float(agam["lat"]))
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("wilayah") == "13.06")
    WebDriverWait(browser, 30).until(lambda d: all(k.startswith("13.06.") for k in map_data(d)["locations"]))
    wait_map(browser)
    WebDriverWait(browser, 20).until(settled_and_fitted)
    desa = snapshot.regions_in("13.06", "desa").dropna(subset=["bbox_barat"])
    assert browser.execute_script(VIEWS)["bbox"] == [
        desa["bbox_barat"].min(),
        desa["bbox_selatan"].min(),
        desa["bbox_timur"].max(),
        desa["bbox_utara"].max(),
    ]


# Where the first frame (kantong/map_preview.py) draws the regions' bbox, and where the
# interactive map draws it, in page pixels: [left, top, right, bottom].
FRAME_AND_MAP = f"""
const frame = document.getElementById('{ids.PETA_AWAL}');
const r = frame.getBoundingClientRect();
const gd = {GD}; const m = gd._fullLayout.map._subplot.map; const c = m.getCanvas().getBoundingClientRect();
const [west, south, east, north] = gd.layout.meta.bbox;
const nw = m.project([west, north]), se = m.project([east, south]);
return {{box: [r.left, r.top, r.width, r.height], map: [c.left + nw.x, c.top + nw.y, c.left + se.x, c.top + se.y],
         visibility: getComputedStyle(frame).visibility}};
"""


def test_the_first_frame_draws_the_regions_where_the_interactive_map_then_draws_them(server, browser, store):
    snapshot = store.latest()
    browser.get(server + "/?tingkat=kecamatan&wilayah=13.06")
    wait_map(browser)
    shown = browser.execute_script(FRAME_AND_MAP)
    # The picture is scaled into its box (preserveAspectRatio meet): the bbox's Mercator
    # shape, as large as fits, centred.
    kec = snapshot.regions_in("13.06", "kecamatan").dropna(subset=["bbox_barat"])
    west, east = kec["bbox_barat"].min(), kec["bbox_timur"].max()
    span_y = merc_y(kec["bbox_selatan"].min()) - merc_y(kec["bbox_utara"].max())
    left, top, width, height = shown["box"]
    scale = min(width / ((east - west) / 360), height / span_y)
    drawn_w, drawn_h = scale * (east - west) / 360, scale * span_y
    frame = [left + (width - drawn_w) / 2, top + (height - drawn_h) / 2]
    frame += [frame[0] + drawn_w, frame[1] + drawn_h]
    assert all(abs(a - b) < 1.0 for a, b in zip(frame, shown["map"])), (frame, shown["map"])
    # Once the interactive map is fitted, the picture gives way to it.
    assert shown["visibility"] == "hidden"


def test_the_map_is_on_screen_before_plotly_js_has_arrived(server, browser):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*plotly.min.js*"]})
    browser.get(server + "/?tingkat=kabkota")
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(MAP_SHOWN))
    assert browser.execute_script(f"return !{GD}")  # no interactive map at all
    picture = Image.open(io.BytesIO(browser.find_element(By.ID, ids.PETA_AWAL).screenshot_as_png)).convert("RGB")
    # Painted in the classes' colours (the default yellow-to-red palette), not blank.
    colours = {c for _, c in picture.getcolors(maxcolors=1 << 20)}
    assert len({hex_rgb(c) for c in PALETTES["oranye"][1]} & colours) >= 3
