"""The map page on the screens it is used on (1366 x 768 and 1920 x 1080): the top list beside
the map without scrolling, the profile after it, Plotly's toolbar in Indonesian and usable by
keyboard, a navigation bar that is readable and shows where the keyboard is."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import ids
from tests.browser.conftest import save_screenshot
from tests.browser.pages import downloaded, make_driver, wait_map
from tests.test_contrast import contrast

AGAM = "/?tingkat=desa&wilayah=13.06&indikator=kk_d1_non_dtks&klasifikasi=kuantil&warna=oranye&profil=13.06"
BOX = "const r = document.getElementById(arguments[0]).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];"
TOOLBAR = """return [...document.querySelectorAll('#peta .modebar-btn')].map(b => ({
    title: b.getAttribute('data-title'), label: b.getAttribute('aria-label'), tag: b.tagName,
    attr: b.getAttribute('data-attr'), val: b.getAttribute('data-val')}));"""


@pytest.fixture
def screen(request, downloads, server):
    """A browser whose window is a screen of the given size (its page area is smaller, as the
    browser's own bars take their part), logged in."""
    from tests.auth import browser_login

    width, height = request.param
    driver = make_driver(width, height, download_dir=downloads)
    browser_login(driver, server)
    yield driver, width, height
    driver.quit()


def box(driver, element_id: str) -> tuple[float, float, float, float]:
    return tuple(driver.execute_script(BOX, element_id))


@pytest.mark.parametrize("screen", [(1366, 768), (1920, 1080)], indirect=True, ids=["1366x768", "1920x1080"])
@pytest.mark.parametrize("address", ["/", AGAM], ids=["provinsi", "kab-agam"])
def test_top_list_is_beside_the_map_without_scrolling(server, screen, address):
    driver, width, height = screen
    driver.get(server + address)
    wait_map(driver)
    inner = driver.execute_script("return window.innerHeight;")
    assert driver.execute_script("return window.scrollY;") == 0
    left, top, right, bottom = box(driver, ids.PERINGKAT)
    map_left, map_top, map_right, map_bottom = box(driver, ids.PETA)
    rows = driver.execute_script(f"return document.querySelectorAll('#{ids.PERINGKAT} tbody tr').length;")
    assert rows == 10
    # Beside the map (to its right, level with it) and whole on the first screen.
    assert left >= map_right and top < map_bottom
    assert 0 <= top and bottom <= inner, (top, bottom, inner)
    # The profile comes right after it, its heading on the first screen too, and scrolls into view.
    p_left, p_top, _, _ = box(driver, ids.PROFIL)
    assert p_left == left and p_top > bottom
    heading = f"#{ids.PROFIL} h2"
    assert driver.execute_script(f"return document.querySelector('{heading}').getBoundingClientRect().top;") < inner
    driver.execute_script(f"document.querySelector('{heading}').scrollIntoView({{block: 'start'}});")
    WebDriverWait(driver, 5).until(
        lambda d: (
            0 <= d.execute_script(f"return document.querySelector('{heading}').getBoundingClientRect().top;") < inner
        )
    )
    driver.execute_script("window.scrollTo(0, 0);")
    if address == "/":
        save_screenshot(driver, f"peta_{width}x{height}")


@pytest.mark.parametrize("screen", [(1366, 768)], indirect=True, ids=["1366x768"])
def test_toolbar_speaks_indonesian_has_no_cloud_button_and_works_by_keyboard(server, screen):
    driver, _, _ = screen
    driver.get(server + "/")
    wait_map(driver)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(TOOLBAR))
    buttons = driver.execute_script(TOOLBAR)
    titles = [b["title"] for b in buttons]
    # Icon-only buttons: their tooltip and their name for screen readers, in Indonesian.
    assert titles == ["Geser", "Perbesar", "Perkecil", "Kembalikan tampilan"], titles
    assert all(b["label"] == b["title"] and b["tag"] == "BUTTON" for b in buttons), buttons
    # No "Share chart..." (it would upload the chart to Plotly's cloud; offline it did nothing).
    assert not any("Bagikan" in t or "Share" in t for t in titles)
    assert (
        driver.execute_script(f"return document.querySelector('#{ids.PETA} .js-plotly-plot')._context.locale;") == "id"
    )
    assert (
        driver.execute_script(f"return document.querySelector('#{ids.PETA} .js-plotly-plot')._context.showSendToCloud;")
        is False
    )

    # Enter on "Perbesar" zooms in, as a click does.
    zoom = f"return document.querySelector('#{ids.PETA} .js-plotly-plot')._fullLayout.map.zoom;"
    before = driver.execute_script(zoom)
    driver.execute_script("document.querySelector('#peta .modebar-btn[data-title=\"Perbesar\"]').focus();")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(zoom) > before)


def _rgb(css: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


@pytest.mark.parametrize("screen", [(1366, 768)], indirect=True, ids=["1366x768"])
def test_navigation_bar_is_readable_and_shows_keyboard_focus(server, screen):
    driver, _, _ = screen
    driver.get(server + "/")
    wait_map(driver)
    bar = _rgb(driver.execute_script("return getComputedStyle(document.querySelector('.navbar')).backgroundColor;"))
    colours = driver.execute_script(
        "return [...document.querySelectorAll('.navbar .nav-link, .navbar-info, .navbar-brand')]"
        ".map(e => getComputedStyle(e).color);"
    )
    ratios = [round(contrast(_rgb(c), bar), 2) for c in colours]
    # 8 links (an admin's bar), the snapshot line, the account logged in, the brand.
    assert len(ratios) == 11 and min(ratios) >= 4.5, ratios

    # Tab from the top of the page: the first stop is the first link of the bar, ringed in a colour that shows there.
    ActionChains(driver).send_keys(Keys.TAB).perform()  # nothing focused yet after the load
    WebDriverWait(driver, 5).until(
        lambda d: d.execute_script("return document.activeElement.classList.contains('nav-link');")
    )
    outline = driver.execute_script(
        "const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth, s.outlineColor];"
    )
    assert outline[0] == "solid" and outline[1] == "3px"
    assert contrast(_rgb(outline[2]), bar) >= 3.0


def test_region_table_downloads_for_indonesian_excel_and_as_xlsx(server, browser, downloads, store):
    """The Unduh menu of the map: xlsx first, then the csv Excel set to Indonesian opens as
    columns (";" and a decimal comma, rates as shown: one decimal), then the comma csv."""
    from openpyxl import load_workbook

    from tests.browser.pages import choose_download

    snapshot = store.latest()
    browser.get(server + AGAM.replace("kk_d1_non_dtks", "pct_d1_non_dtks"))
    wait_map(browser)
    items = browser.execute_script(
        'return [...document.querySelectorAll(\'[id*="unduh-peta"][id*="tabel"]\')].map(e => JSON.parse(e.id).format);'
    )
    assert items == ["xlsx", "csv-id", "csv"]
    name = "tabel_pct-d1-non-dtks_nagari-desa_kab-agam_2023-08-22"

    choose_download(browser, "unduh-peta", "tabel", "csv-id")
    rows = downloaded(downloads, f"{name}.csv").read_bytes()
    assert rows.startswith(b"\xef\xbb\xbf")
    lines = rows.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:3] == ["Peringkat (% D1 non-DTKS)", "Kode", "Nagari/desa"]
    column = header.index("Persentase KK desil 1 belum masuk DTKS (%)")
    first = lines[1].split(";")
    agam = snapshot.regions_in("13.06", "desa").set_index("kode")
    expected = agam.loc[first[1], "pct_d1_non_dtks"]
    shown = Decimal(repr(float(expected))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)  # as Excel shows it
    assert first[column] == str(shown).replace(".", ",")  # e.g. 66,7: one decimal, decimal comma
    assert len(lines) == 1 + len(agam)

    choose_download(browser, "unduh-peta", "tabel", "xlsx")
    sheet = load_workbook(downloaded(downloads, f"{name}.xlsx"))["Wilayah"]
    header_row = next(
        r for r in sheet.iter_rows(min_row=1, max_row=6) if r[0].value and str(r[0].value).startswith("Peringkat")
    )
    cells = {c.value: c.column for c in header_row}
    data = sheet.cell(header_row[0].row + 1, cells["Persentase KK desil 1 belum masuk DTKS (%)"])
    assert data.number_format == '0.0"%"'
    assert sheet.cell(header_row[0].row + 1, cells["Keluarga desil 1 (miskin ekstrem) (KK)"]).number_format == "#,##0"
