"""The comparison page in headless Chromium, on a server of its own with two releases: the
session's demo snapshot `uji` (0,02 of the province) and a later one made from another seed.
The page opens on the two latest, a pair is chosen with the keyboard, the map and the
headline follow, the indicator changes the map's classes, an operator sees their own
kab/kota, and the page fits 1366 x 768 and 1920 x 1080."""

from __future__ import annotations

import datetime as dt
import shutil
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

import ids
from etl import config, indicators
from kantong import comparisons
from kantong import figures_banding as fb
from kantong.comparisons import ComparisonStore
from kantong.releases import ReleaseStore
from tests.auth import browser_login
from tests.browser.conftest import save_screenshot
from tests.browser.pages import choose_download, choose_indicator, downloaded, make_driver, served, text_of

LATER = "2024-03"
GD = f"document.querySelector('#{ids.BANDING_PETA} .js-plotly-plot')"
# The map has drawn the figure the server sent last and fitted it (callbacks/perbandingan.py).
MAP_READY = f"""
const gd = {GD};
if (!gd || !gd._fullLayout || !gd._fullLayout.map || !gd.data || !gd.data.length) return false;
const fitted = gd.getAttribute('data-kantong-fit') === JSON.stringify((gd.layout.meta || {{}}).bbox);
return fitted && gd._fullLayout.map._subplot.map.loaded() && !document.querySelector('[data-dash-is-loading="true"]')
    ? {{locations: gd.data[0].locations, z: gd.data[0].z}} : false;
"""


@pytest.fixture(scope="module")
def banding_root(snapshot_root, tmp_path_factory):
    """The session's snapshot `uji` with its family store, and a later release beside it."""
    from etl.demo import generate
    from etl.pipeline import BuildInputs, build

    root = tmp_path_factory.mktemp("banding_browser")
    shutil.copytree(snapshot_root / "uji", root / "snapshots" / "uji")
    shutil.copytree(config.family_dir(snapshot_root / "uji"), config.family_dir(root / "snapshots" / "uji"))
    files = generate(root / "masukan", scale=0.02, seed=2024, reference_date="2024-03-01")
    build(
        BuildInputs(
            keluarga=files.keluarga,
            individu=files.individu,
            dtks=files.dtks,
            boundaries=config.BOUNDARIES,
            kode_wilayah=config.KODE_WILAYAH,
            reference_date=dt.date(2024, 3, 1),
            out=root / "snapshots" / LATER,
            cache_dir=snapshot_root.parent / "cache",
        )
    )
    return root


@pytest.fixture(scope="module")
def banding_server(banding_root):
    from app import create_app

    with served(create_app(banding_root / "snapshots", banding_root / "rencana.sqlite", banding_root / "app")) as url:
        yield url


@pytest.fixture(scope="module")
def expected(banding_root):
    """The comparisons as the page must show them, computed here."""
    releases = ReleaseStore(banding_root / "snapshots", plans_db=banding_root / "rencana.sqlite")
    return ComparisonStore(releases, banding_root / "periksa")


def _driver(downloads, server, user="admin.uji", width=1366, height=768):
    driver = make_driver(download_dir=downloads)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    browser_login(driver, server, user)
    return driver


@pytest.fixture
def admin(downloads, banding_server):
    driver = _driver(downloads, banding_server)
    yield driver
    driver.quit()


def wait_map(driver, timeout=60) -> dict:
    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(MAP_READY))


def wait_summary(driver, text: str, timeout=60) -> str:
    return WebDriverWait(driver, timeout).until(
        lambda d: (t := text_of(d, f"#{ids.BANDING_RINGKASAN}")) and text in t and t
    )


def query(driver) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(driver.current_url).query).items()}


def expected_z(store, a, b, indikator, tingkat, wilayah=None, scope=None) -> dict:
    result = store.result(a, b, scope)
    changes = comparisons.region_changes(result, tingkat, indikator, wilayah)
    scale = fb.scale_for(changes, indicators.get(indikator))
    return dict(zip(changes["kode"], (scale.kelas + 2).tolist()))


def test_the_page_opens_on_the_two_latest_and_a_pair_is_chosen_by_keyboard(admin, banding_server, expected):
    admin.get(banding_server + "/perbandingan")
    summary = wait_summary(admin, "Keluarga P3KE rilis A")
    drawn = wait_map(admin)
    assert Select(admin.find_element(By.ID, ids.BANDING_A)).first_selected_option.get_attribute("value") == "uji"
    assert Select(admin.find_element(By.ID, ids.BANDING_B)).first_selected_option.get_attribute("value") == LATER
    top = comparisons.headline(expected.result("uji", LATER))
    assert (
        f"{top.keluarga_a:,}".replace(",", ".") in summary
        and "calon graduasi, perlu dikonfirmasi di lapangan" in summary
    )
    assert len(drawn["locations"]) == 19
    assert dict(zip(drawn["locations"], drawn["z"])) == expected_z(expected, "uji", LATER, "kk_d1_non_dtks", "kabkota")
    save_screenshot(admin, "60_perbandingan_1366x768")

    # Swap the pair with the keyboard, as on any select: focus, then the arrow keys.
    field = admin.find_element(By.ID, ids.BANDING_A)
    field.send_keys(Keys.ARROW_DOWN)
    WebDriverWait(admin, 20).until(lambda d: query(d).get("a") == LATER)
    admin.find_element(By.ID, ids.BANDING_B).send_keys(Keys.ARROW_UP)
    WebDriverWait(admin, 20).until(lambda d: query(d).get("b") == "uji")
    summary = wait_summary(admin, f"rilis A {LATER}")
    assert "Rilis A lebih baru daripada rilis B" in summary
    drawn = wait_map(admin)
    assert dict(zip(drawn["locations"], drawn["z"])) == expected_z(expected, LATER, "uji", "kk_d1_non_dtks", "kabkota")


def test_another_indicator_redraws_the_map_and_the_table(admin, banding_server, expected, downloads):
    admin.get(banding_server + "/perbandingan?a=uji&b=2024-03&tingkat=kecamatan")
    wait_summary(admin, "Keluarga P3KE rilis A")
    wait_map(admin)
    choose_indicator(admin, "Cakupan bansos reguler KK desil 1", ids.BANDING_INDIKATOR)
    WebDriverWait(admin, 30).until(lambda d: "poin persen" in text_of(d, f"#{ids.BANDING_LEGENDA}"))
    assert query(admin)["indikator"] == "pct_d1_bansos"
    drawn = wait_map(admin)
    assert dict(zip(drawn["locations"], drawn["z"])) == expected_z(expected, "uji", LATER, "pct_d1_bansos", "kecamatan")
    assert "Perubahan (poin persen)" in text_of(admin, f"#{ids.BANDING_GRID_PERUBAHAN} .ag-header")
    legend = text_of(admin, f"#{ids.BANDING_LEGENDA}")
    assert "angka kecil (< 5)" in legend and "Warna tidak menilai baik atau buruk" in legend
    # The table's first row is the largest change of the regions compared, in Indonesian format.
    changes = comparisons.region_changes(expected.result("uji", LATER), "kecamatan", "pct_d1_bansos")
    first = changes.iloc[0]
    row = text_of(admin, f"#{ids.BANDING_GRID_PERUBAHAN} .ag-center-cols-container .ag-row[row-index='0']")
    assert fb.signed(first["perubahan"], indicators.get("pct_d1_bansos")) in row
    # The map as a PNG, drawn by the server (twice the printed size).
    choose_download(admin, ids.BANDING_UNDUH_PETA, "peta", "png")
    name = "peta-perubahan_pct-d1-bansos_sumatera-barat_uji-ke-2024-03.png"
    with Image.open(downloaded(downloads, name)) as png:
        assert png.size == (2400, 1600)


def test_every_control_is_reached_by_keyboard(admin, banding_server):
    admin.get(banding_server + "/perbandingan")
    wait_summary(admin, "Keluarga P3KE rilis A")
    wait_map(admin)
    admin.find_element(By.ID, ids.BANDING_A).click()
    admin.find_element(By.ID, ids.BANDING_A).send_keys(Keys.ESCAPE)
    reached = []
    for _ in range(40):
        admin.switch_to.active_element.send_keys(Keys.TAB)
        where = admin.execute_script(
            """const e = document.activeElement;
               if (e.classList.contains('dropdown-toggle')) return 'unduh';
               return e.id.startsWith('_dbcprivate_radioitems_') ? 'banding-tingkat' : (e.closest('[id]') || {}).id;"""
        )
        if where == "nav-peta":
            break  # past the page, round to the navigation bar
        reached.append(where)
    wanted = [
        ids.BANDING_B,
        ids.BANDING_INDIKATOR,
        ids.BANDING_TINGKAT,
        ids.BANDING_WILAYAH,
        "unduh",
        ids.BANDING_GRID_PERUBAHAN,
        ids.BANDING_GRID_TRANSISI,
    ]
    stops = [r for i, r in enumerate(reached) if r in wanted and (i == 0 or reached[i - 1] != r)]
    assert stops == wanted, reached
    # Each table is one stop: the arrow keys move inside it, Tab leaves it.
    assert reached.count(ids.BANDING_GRID_PERUBAHAN) == reached.count(ids.BANDING_GRID_TRANSISI) == 1, reached
    # The level by keyboard: the radio group moves with the arrow keys.
    radio = admin.find_element(By.CSS_SELECTOR, f"#{ids.BANDING_TINGKAT} input[value='kabkota']")
    radio.send_keys(Keys.ARROW_RIGHT)
    WebDriverWait(admin, 20).until(lambda d: query(d).get("tingkat") == "kecamatan")
    assert len(wait_map(admin)["locations"]) > 100


def test_an_operator_sees_their_own_kabkota(downloads, banding_server, expected):
    driver = _driver(downloads, banding_server, "op.agam")
    try:
        driver.get(banding_server + "/perbandingan?wilayah=13.71")
        summary = wait_summary(driver, "Keluarga P3KE rilis A")
        drawn = wait_map(driver)
        assert drawn["locations"] and all(k.startswith("13.06.") for k in drawn["locations"])
        assert "Kabupaten Agam" in summary
        assert not driver.find_element(By.ID, ids.BANDING_WILAYAH).is_enabled()
        z = expected_z(expected, "uji", LATER, "kk_d1_non_dtks", "desa", "13.06", scope="13.06")
        assert dict(zip(drawn["locations"], drawn["z"])) == z
        save_screenshot(driver, "61_perbandingan_operator")
    finally:
        driver.quit()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_page_fits_the_screen(downloads, banding_server, size):
    width, height = size
    driver = _driver(downloads, banding_server, width=width, height=height)
    try:
        driver.get(banding_server + "/perbandingan?tingkat=desa&wilayah=13.06")
        wait_summary(driver, "Keluarga P3KE rilis A")
        wait_map(driver)
        boxes = driver.execute_script(
            """const box = s => { const r = document.querySelector(s).getBoundingClientRect();
                                  return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
               return {page: document.documentElement.scrollWidth, map: box(arguments[0]), summary: box(arguments[1]),
                       nav: box(arguments[2]), bar: box('.kantong-navbar')};""",
            f"#{ids.BANDING_PETA}",
            f"#{ids.BANDING_RINGKASAN}",
            "#nav-perbandingan",
        )
        assert boxes["page"] <= width  # nothing wider than the screen
        # The map and the headline start on the first screen, the map at least 380 px high.
        assert boxes["map"]["t"] < height - 200 and boxes["map"]["b"] - boxes["map"]["t"] >= 380
        assert boxes["summary"]["t"] < height - 200
        # The page's title in the bar is whole and inside the bar.
        nav, bar = boxes["nav"], boxes["bar"]
        assert nav["l"] >= 0 and nav["r"] <= width and nav["t"] >= bar["t"] and nav["b"] <= bar["b"]
        assert text_of(driver, "#nav-perbandingan").replace("\n", " ") == "Perbandingan rilis"
        save_screenshot(driver, f"62_perbandingan_{width}x{height}")
    finally:
        driver.quit()
