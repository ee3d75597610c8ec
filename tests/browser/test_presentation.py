"""Presentation mode on the screens it is shown on: a laptop (1366 x 768) and a projector or
large monitor (1920 x 1080), both full screen. Every slide fits the screen, nothing lies over
the map, the map fills its space, the slides stop at the first and the last, and every button
can be reached and pressed with the keyboard."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import ids
from tests.browser.conftest import save_screenshot

LAPTOP = (1366, 768)
PROJECTOR = (1920, 1080)
FIT_PADDING = 12  # px around the region when fitted (assets/kantong/peta.js)
# Shares of the screen measured on the test snapshot, at both sizes: the map's plot area
# 42.7% on the province's slide, 37.4% on Kab. Pesisir Selatan's (its legend rows are longer);
# the extent of the regions drawn 28-30% and 25-26% (both tall and narrow: their height sets
# the zoom). Fitted on a laptop's window and then shown at 1920 x 1080, the province used to
# fill 6% of the screen.
MIN_MAP_SHARE = 0.36
MIN_REGION_SHARE = 0.22
PLAN_NAME = "Rencana Uji Presentasi Percepatan Penghapusan Kemiskinan Ekstrem"
PLAN_NAGARI = 6  # more than a slide lists (callbacks.presentation.NAGARI_SHOWN = 4)

# Where each part of the slide is, in CSS pixels of the viewport, and the map's geometry:
# its plot area (the MapLibre canvas) and the extent of the regions drawn on it.
LAYOUT = """
const box = e => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
const all = s => Array.from(document.querySelectorAll(s)).map(box);
const gd = document.querySelector('#presentasi-peta .js-plotly-plot');
const m = gd._fullLayout.map._subplot.map;
const bbox = gd.layout.meta.bbox;
const canvas = m.getCanvas().getBoundingClientRect();
const nw = m.project([bbox[0], bbox[3]]), se = m.project([bbox[2], bbox[1]]);
return {
  viewport: [window.innerWidth, window.innerHeight],
  page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
  graph: box(document.getElementById('presentasi-peta')),
  canvas: box(m.getCanvas()),
  region: {l: canvas.left + nw.x, t: canvas.top + nw.y, r: canvas.left + se.x, b: canvas.top + se.y},
  parts: {
    judul: all('#presentasi-judul'), subjudul: all('#presentasi-subjudul'),
    tombol: all('.presentasi-kendali .presentasi-tombol'), posisi: all('#presentasi-posisi'),
    legenda: all('#presentasi-legenda'), legenda_baris: all('#presentasi-legenda .legenda-baris'),
    angka: all('.presentasi-angka'), daftar_judul: all('.presentasi-daftar-judul'),
    daftar: all('.presentasi-daftar li'), lainnya: all('.presentasi-lainnya'),
  },
};
"""

SETTLED = """
const gd = document.querySelector('#presentasi-peta .js-plotly-plot');
if (!gd || !gd._fullLayout || !gd._fullLayout.map || !gd.data || !gd.data.length) return false;
const judul = document.getElementById('presentasi-judul');
const fitted = gd.getAttribute('data-kantong-fit') === JSON.stringify((gd.layout.meta || {}).bbox);
return fitted && gd._fullLayout.map._subplot.map.loaded() && judul.innerText === arguments[0]
  && !document.querySelector('[data-dash-is-loading="true"]') ? gd.data[0].locations : false;
"""


def set_viewport(driver, width: int, height: int) -> None:
    """Make the page's viewport (what full screen shows) exactly width x height: the window is
    larger by the browser's frame, which is measured (and the window adjusted) until it fits."""

    def fitted(d) -> bool:
        inner = d.execute_script("return [window.innerWidth, window.innerHeight];")
        if inner == [width, height]:
            return True
        outer = d.get_window_size()
        d.set_window_size(outer["width"] + width - inner[0], outer["height"] + height - inner[1])
        return False

    driver.set_window_size(width, height)
    WebDriverWait(driver, 10, poll_frequency=0.2).until(fitted)


def area(b: dict) -> float:
    return max(0.0, b["r"] - b["l"]) * max(0.0, b["b"] - b["t"])


def overlap(a: dict, b: dict) -> float:
    return area(
        {"l": max(a["l"], b["l"]), "t": max(a["t"], b["t"]), "r": min(a["r"], b["r"]), "b": min(a["b"], b["b"])}
    )


def fills(layout: dict) -> float:
    """How far the drawn regions reach across the plot area in the dimension that limits the
    zoom: 1.0 when they touch its padding on two opposite sides."""
    c, r = layout["canvas"], layout["region"]
    return max(
        (r["r"] - r["l"]) / (c["r"] - c["l"] - 2 * FIT_PADDING), (r["b"] - r["t"]) / (c["b"] - c["t"] - 2 * FIT_PADDING)
    )


def inside(b: dict, outer: dict, tolerance: float = 1) -> bool:
    return all(b[k] >= outer[k] - tolerance for k in "lt") and all(b[k] <= outer[k] + tolerance for k in "rb")


def drawn(layout: dict) -> bool:
    """The plot area fills the graph (plotly resizes it a moment after the page) and the
    regions span it, inside it: the map is fitted at the size it has."""
    canvas, graph = layout["canvas"], layout["graph"]
    same = all(abs(canvas[k] - graph[k]) < 1 for k in "ltrb")
    return same and 0.98 < fills(layout) < 1.02 and inside(layout["region"], canvas)


def wait_slide(driver, title: str, locations: list[str]) -> dict:
    """Wait until the slide `title` shows its regions, fitted to the map as it is now."""
    WebDriverWait(driver, 40).until(lambda d: sorted(d.execute_script(SETTLED, title) or []) == sorted(locations))
    WebDriverWait(driver, 20).until(lambda d: drawn(d.execute_script(LAYOUT)))
    return driver.execute_script(LAYOUT)


def check_fits(layout: dict, expect_list: int, expect_more: bool) -> dict:
    """Every part inside the viewport and off the map; the map a good share of the screen.
    Returns the shares measured."""
    width, height = layout["viewport"]
    assert layout["page"][0] <= width and layout["page"][1] <= height, layout["page"]  # nothing to scroll to
    parts = layout["parts"]
    assert len(parts["daftar"]) == expect_list
    assert len(parts["lainnya"]) == (1 if expect_more else 0)
    assert len(parts["angka"]) == 4 and len(parts["legenda_baris"]) >= 2 and len(parts["tombol"]) == 5
    for name, boxes in parts.items():
        for b in boxes:
            assert area(b) > 0, name
            assert b["l"] >= -0.5 and b["t"] >= -0.5 and b["r"] <= width + 0.5 and b["b"] <= height + 0.5, (name, b)
            assert overlap(b, layout["graph"]) < 1, (name, b, layout["graph"])  # nothing over the map
    canvas, region = layout["canvas"], layout["region"]
    # The plot area is the whole graph: no margins.
    assert all(abs(canvas[k] - layout["graph"][k]) < 1 for k in "ltrb"), (canvas, layout["graph"])
    # The regions lie inside the plot area and span it in one dimension (wait_slide).
    assert inside(region, canvas) and 0.98 < fills(layout) < 1.02, (region, canvas)
    shares = {"kanvas": area(canvas) / (width * height), "wilayah": area(region) / (width * height)}
    assert shares["kanvas"] >= MIN_MAP_SHARE, shares
    assert shares["wilayah"] >= MIN_REGION_SHARE, shares
    return shares


@pytest.fixture(scope="module")
def long_plan(snapshot_root, store):
    """A saved plan with more nagari in the first kab/kota than a slide lists, the longest
    named ones: the hardest list to fit."""
    from kantong.plans import Plan, PlanStore

    snapshot = store.latest()
    first = str(snapshot.table("kabkota").index[0])
    nagari = snapshot.regions_in(first, "desa")
    longest = sorted(nagari.index, key=lambda k: -len(str(snapshot.name(k))))[:PLAN_NAGARI]
    rows = [
        {
            "kode": kode,
            "nama": snapshot.name(kode),
            "nama_kecamatan": "-",
            "nama_kabkota": snapshot.name(first),
            "skor": 1.0 - i / 10,
            "kk_desil_1": 1234,
            "kk_d1_non_dtks": 567,
            "tahun": 2024,
            "target_usul_dtks": 123,
            "target_terima_bansos": 45,
            "target_graduasi": 6,
        }
        for i, kode in enumerate(longest)
    ]
    plan = Plan(None, PLAN_NAME, "Penguji", snapshot.id, snapshot.path.name, {}, {}, rows)
    return PlanStore(snapshot_root.parent / "rencana.sqlite").save(plan)


@pytest.mark.parametrize("size", [LAPTOP, PROJECTOR], ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_slide_fits_the_screen_with_the_map_uncovered(server, browser, store, long_plan, size):
    snapshot = store.latest()
    kabkota = snapshot.table("kabkota")
    first = kabkota.iloc[0]
    set_viewport(browser, *size)
    browser.get(server + f"/presentasi?indikator=pct_d1_bansos&rencana={long_plan.id}")
    # The province: its five kab/kota with the highest value are all in sight, with the legend.
    layout = wait_slide(browser, str(snapshot.akar["nama"]), list(kabkota.index))
    province = check_fits(layout, expect_list=5, expect_more=False)
    save_screenshot(browser, f"23_presentasi_provinsi_{size[0]}x{size[1]}")

    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    layout = wait_slide(browser, first["nama"], list(snapshot.regions_in(first["kode"], "desa").index))
    # Four of the plan's six nagari, and a line for the other two.
    kab = check_fits(layout, expect_list=4, expect_more=True)
    assert browser.find_element(By.CSS_SELECTOR, ".presentasi-lainnya").text == "dan 2 nagari prioritas lain"
    heading = browser.find_element(By.CSS_SELECTOR, ".presentasi-daftar-judul")
    assert heading.get_attribute("title") == f"Nagari prioritas ({PLAN_NAME})"  # whole, if the slide shortens it
    save_screenshot(browser, f"24_presentasi_kabkota_{size[0]}x{size[1]}")
    print(f"{size}: provinsi {province}, {first['nama']} {kab}")  # the shares, for the record (pytest -s)


def test_the_map_fills_a_larger_screen_after_going_full_screen(server, browser, store):
    """Fitted on a laptop's window, then shown on a 1920 x 1080 screen: the map is fitted
    again to its new size, not left at the laptop's zoom in the middle of the screen."""
    snapshot = store.latest()
    kabkota = snapshot.table("kabkota")
    set_viewport(browser, 1366, 625)  # a maximised window on the laptop, before full screen
    browser.get(server + "/presentasi?indikator=kk_d1_non_dtks")
    small = wait_slide(browser, str(snapshot.akar["nama"]), list(kabkota.index))
    set_viewport(browser, *PROJECTOR)
    WebDriverWait(browser, 20).until(
        lambda d: (lambda now: drawn(now) and area(now["canvas"]) > 2 * area(small["canvas"]))(d.execute_script(LAYOUT))
    )
    check_fits(browser.execute_script(LAYOUT), expect_list=5, expect_more=False)


def _state(driver) -> dict:
    """The slide's title, whether ‹ and › are disabled, and the address ({} before the page is drawn)."""
    return driver.execute_script(
        "const [judul, mundur, maju] = Array.from(arguments).map(i => document.getElementById(i));"
        "return judul && mundur && maju ? {judul: judul.innerText, mundur: mundur.disabled, maju: maju.disabled,"
        " alamat: location.search} : {};",
        ids.PRESENTASI_JUDUL,
        ids.PRESENTASI_MUNDUR,
        ids.PRESENTASI_MAJU,
    )


def _wait_title(driver, title: str) -> dict:
    WebDriverWait(driver, 30).until(
        lambda d: (
            _state(d).get("judul") == title and not d.find_elements(By.CSS_SELECTOR, '[data-dash-is-loading="true"]')
        )
    )
    return _state(driver)


def test_the_slides_stop_at_the_first_and_the_last(server, browser, store):
    snapshot = store.latest()
    kabkota = snapshot.table("kabkota")
    province = str(snapshot.akar["nama"])
    last = len(kabkota)  # the province is slide 0
    set_viewport(browser, *LAPTOP)
    keys = ActionChains(browser)

    browser.get(server + f"/presentasi?indikator=kk_d1_non_dtks&ke={last}")
    state = _wait_title(browser, kabkota.iloc[-1]["nama"])
    assert state["maju"] and not state["mundur"]  # › is disabled on the last slide
    # → on the last slide stays there: the ← after it lands one before the last (it
    # used to wrap round to the province, and ← then went back to the last).
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert _state(browser)["judul"] == kabkota.iloc[-1]["nama"]
    keys.send_keys(Keys.ARROW_LEFT).perform()
    state = _wait_title(browser, kabkota.iloc[-2]["nama"])
    assert not state["maju"] and not state["mundur"] and f"ke={last - 1}" in state["alamat"]
    # Three quick presses from one before the last: the first reaches it, the others stay.
    keys.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT).perform()
    state = _wait_title(browser, kabkota.iloc[-1]["nama"])
    keys.send_keys(Keys.PAGE_UP).perform()  # a clicker's "back"
    state = _wait_title(browser, kabkota.iloc[-2]["nama"])
    assert f"ke={last - 1}" in state["alamat"]

    keys.send_keys(Keys.HOME).perform()
    state = _wait_title(browser, province)
    assert state["mundur"] and not state["maju"]  # ‹ is disabled on the first slide
    # ← on the first stays there: the → after it shows the first kab/kota (it used to
    # wrap round to the last kab/kota, and → then went back to the province).
    keys.send_keys(Keys.ARROW_LEFT).perform()
    assert _state(browser)["judul"] == province
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    state = _wait_title(browser, kabkota.iloc[0]["nama"])
    assert "ke=1" in state["alamat"]


FOCUSED = """
const e = document.activeElement; const s = getComputedStyle(e);
return {id: e.id, tag: e.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
        colour: s.outlineColor, title: e.title || '', visible: e.matches(':focus-visible')};
"""
FOCUS_COLOUR = "rgb(11, 87, 208)"  # --fokus in assets/kantong/presentasi.css


def test_every_button_has_a_name_and_a_visible_focus_ring_from_the_keyboard(server, browser, store):
    snapshot = store.latest()
    kabkota = snapshot.table("kabkota")
    set_viewport(browser, *LAPTOP)
    browser.get(server + "/presentasi?indikator=kk_d1_non_dtks&ke=1")  # a middle slide: every button enabled
    _wait_title(browser, kabkota.iloc[0]["nama"])

    keys = ActionChains(browser)
    seen = []
    for _ in range(5):
        keys.send_keys(Keys.TAB).perform()
        focused = browser.execute_script(FOCUSED)
        element = browser.switch_to.active_element
        seen.append((element.accessible_name, focused["title"]))
        # A ring of 3 px or more (0.5 --u: 3.8 px here) in a colour of its own, from the keyboard.
        assert focused["visible"] and focused["outline"] == "solid" and focused["width"] >= 3, focused
        assert focused["colour"] == FOCUS_COLOUR, focused
    assert seen == [
        ("Provinsi", "Kembali ke peta provinsi (Home)"),
        ("Wilayah sebelumnya", "Wilayah sebelumnya (←)"),
        ("Wilayah berikutnya", "Wilayah berikutnya (→)"),
        ("Layar penuh", "Layar penuh (F)"),
        ("Keluar dari mode presentasi", "Keluar dari mode presentasi"),
    ]

    # Back to ›, and Enter presses it; then to ‹, and Space presses it (once: Space is also
    # "next" for a clicker, but on a focused button it is that button's key).
    keys.key_down(Keys.SHIFT).send_keys(Keys.TAB, Keys.TAB).key_up(Keys.SHIFT).perform()
    assert browser.switch_to.active_element.get_attribute("id") == ids.PRESENTASI_MAJU
    keys.send_keys(Keys.ENTER).perform()
    _wait_title(browser, kabkota.iloc[1]["nama"])
    keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert browser.switch_to.active_element.get_attribute("id") == ids.PRESENTASI_MUNDUR
    keys.send_keys(Keys.SPACE).perform()
    state = _wait_title(browser, kabkota.iloc[0]["nama"])
    assert "ke=1" in state["alamat"]
    assert browser.execute_script(FOCUSED)["visible"]  # the ring stays on the button pressed
    assert browser.find_element(By.ID, ids.PRESENTASI_LAYAR_PENUH).get_attribute("aria-pressed") == "false"
