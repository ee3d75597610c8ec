"""Page helpers for the dashboard in Selenium, shared by the browser tests and the benchmark."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import ids

GD = f"document.querySelector('#{ids.PETA} .js-plotly-plot')"
MAP_READY = f"""
const gd = {GD};
if (!gd || !gd._fullLayout || !gd._fullLayout.map || !gd.data || !gd.data.length) return false;
const m = gd._fullLayout.map._subplot.map;
const fitted = gd.getAttribute('data-kantong-fit') === JSON.stringify((gd.layout.meta || {{}}).bbox);
return fitted && m.loaded() && gd.data[0].locations.length > 0 && !document.querySelector('[data-dash-is-loading="true"]');
"""

# The map is on screen: its first frame (kantong/map_preview.py) is loaded and shown, or
# the interactive map is ready.
MAP_SHOWN = f"""
const frame = document.getElementById('{ids.PETA_AWAL}');
if (frame && frame.complete && frame.naturalWidth > 0 && frame.getBoundingClientRect().height > 100
    && getComputedStyle(frame).visibility === 'visible') return true;
{MAP_READY}"""


def wait_map(driver, timeout=40):
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(MAP_READY))


def view_params(driver) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(driver.current_url).query).items()}


def map_data(driver) -> dict:
    return driver.execute_script(f"const t = {GD}.data[0]; return {{locations: t.locations, z: t.z}};")


def click_region(driver, lon: float, lat: float) -> None:
    """Click the map where a region's label point is, as a person would."""
    x, y, w, h = driver.execute_script(
        f"""const m = {GD}._fullLayout.map._subplot.map; const p = m.project([arguments[0], arguments[1]]);
            const r = m.getCanvas().getBoundingClientRect(); return [p.x, p.y, r.width, r.height];""",
        lon,
        lat,
    )
    canvas = driver.find_element(By.CSS_SELECTOR, f"#{ids.PETA} .maplibregl-canvas")
    ActionChains(driver).move_to_element_with_offset(canvas, int(x - w / 2), int(y - h / 2)).pause(
        0.2
    ).click().perform()


def type_into_dropdown(driver, dropdown_id: str, text: str) -> None:
    """Open a dropdown and type into its search box, as a person does. Keys go to the
    focused element, so a re-render of the option list cannot leave a stale reference."""
    driver.find_element(By.ID, dropdown_id).click()
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, dropdown_id).get_attribute("aria-expanded") == "true"
    )
    # With a value chosen, the open list focuses that option: move to the search box first.
    driver.find_element(By.CSS_SELECTOR, ".dash-dropdown-search").click()
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.activeElement.classList.contains('dash-dropdown-search');")
    )
    ActionChains(driver).send_keys(text).perform()


def choose_indicator(driver, label: str, dropdown_id: str = "indikator") -> None:
    type_into_dropdown(driver, dropdown_id, label)
    ActionChains(driver).send_keys(Keys.ENTER).perform()


CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@contextmanager
def served(app, accounts: dict | None = None) -> Iterator[str]:
    """The app on a free local port, with the accounts (name -> (role, kab/kota); default
    tests.auth.ACCOUNTS) made; yields its address, stops it after."""
    import threading

    from werkzeug.serving import make_server

    from tests.auth import ACCOUNTS, ensure_account

    for nama, (peran, wilayah) in (ACCOUNTS if accounts is None else accounts).items():
        ensure_account(app, nama, peran, wilayah)
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()


def make_driver(width: int = 1366, height: int = 850, download_dir=None):
    """Debian's Chromium, headless, with network logging; downloads go to `download_dir`."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--enable-unsafe-swiftshader",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    if download_dir is not None:
        opts.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(download_dir),
                "download.prompt_for_download": False,
                "profile.default_content_setting_values.automatic_downloads": 1,
            },
        )
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    if download_dir is not None:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    return driver


def downloaded(folder, name: str, timeout: float = 60):
    """Wait until the browser has finished writing a file, then return its path."""
    from pathlib import Path

    path = Path(folder) / name
    WebDriverWait(None, timeout, poll_frequency=0.2).until(
        lambda _: path.is_file() and not (Path(folder) / (name + ".crdownload")).exists() and path.stat().st_size > 0
    )
    return path


def text_of(driver, css: str) -> str:
    """Text of an element, read in one step (a re-render between find and read is no error)."""
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css)


def click(driver, element_id: str) -> None:
    """Scroll an element to the middle of the window and click it; while something passing
    (a tooltip, a re-rendering overlay) covers it, try again."""
    from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException

    def attempt(d) -> bool:
        element = d.find_element(By.ID, element_id)
        d.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
        element.click()
        return True

    WebDriverWait(
        driver, 10, ignored_exceptions=[ElementClickInterceptedException, StaleElementReferenceException]
    ).until(attempt)


def choose_download(driver, kind: str, objek: str, format: str) -> None:
    """Open the "Unduh" menu that holds an item and click the item, as a person does."""
    import json

    item_id = json.dumps({"format": format, "objek": objek, "type": kind}, separators=(",", ":"))
    toggle = driver.execute_script(
        "return document.getElementById(arguments[0]).closest('.dropdown').querySelector('.dropdown-toggle');", item_id
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", toggle)
    toggle.click()

    def item(d):
        element = d.execute_script("return document.getElementById(arguments[0]);", item_id)
        return element if element is not None and element.is_displayed() else False

    WebDriverWait(driver, 10).until(item).click()
