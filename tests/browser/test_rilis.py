"""Rilis data as the data officer does it, in headless Chromium, on a server of its own (its
own snapshot root, seeded with a published release "2023-08", so the other browser tests see
nothing of it): upload the demo exports, watch the progress reach 100%, build, read the
quality report, publish by keyboard, see the new release current in the list, follow the link
to the comparison; and stop an upload half-way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

import ids
from kantong import fmt, release_upload
from kantong.releases import ReleaseStore
from layouts.rilis import dom_id, select_id
from tests.browser.conftest import save_screenshot
from tests.browser.pages import click, make_driver, served, text_of
from tests.test_contrast import contrast

SEED = "2023-08"
NEW = "2024-03"

# Every piece of text on the page with its colour and the colour behind it (the first
# ancestor with a background, translucent ones mixed over what is behind them), and its size.
TEXT_COLOURS = """
const root = document.getElementById(arguments[0]);
const rgba = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
function behind(node) {
  let layers = [];
  for (let n = node; n; n = n.parentElement) {
    const c = rgba(getComputedStyle(n).backgroundColor);
    if (c.length >= 3 && (c.length === 3 || c[3] > 0)) { layers.push(c); if (c.length === 3 || c[3] >= 1) break; }
  }
  let out = [255, 255, 255];
  for (const c of layers.reverse()) { const a = c.length > 3 ? c[3] : 1; out = out.map((v, i) => a * c[i] + (1 - a) * v); }
  return out;
}
const found = [];
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!node.textContent.trim() || !el || !el.getClientRects().length) continue;
  const s = getComputedStyle(el);
  if (s.visibility === 'hidden' || el.closest('[disabled], .visually-hidden')) continue;
  const c = rgba(s.color);
  const a = c.length > 3 ? c[3] : 1, bg = behind(el);
  const fg = c.slice(0, 3).map((v, i) => a * v + (1 - a) * bg[i]);
  found.push({text: node.textContent.trim().slice(0, 40), fg: fg, bg: bg,
              size: parseFloat(s.fontSize), bold: parseInt(s.fontWeight) >= 700});
}
return found;
"""


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(v):02x}" for v in rgb)


def low_contrast(driver, element_id: str) -> list:
    """Texts under an element below WCAG AA: 4.5:1, or 3:1 for large text."""
    bad = []
    for t in driver.execute_script(TEXT_COLOURS, element_id):
        ratio = contrast(_hex(t["fg"]), _hex(t["bg"]))
        large = t["size"] >= 24 or (t["bold"] and t["size"] >= 18.66)
        if ratio < (3.0 if large else 4.5):
            bad.append((t["text"], round(ratio, 2)))
    return bad


@pytest.fixture(scope="module")
def rilis_server(tmp_path_factory):
    """The app on a snapshot root of its own, with one published release (SEED) built from
    the demo exports at a hundredth of the province."""
    from app import create_app
    from etl import config
    from etl.demo import generate
    from etl.pipeline import BuildInputs
    from kantong.audit import AuditLog

    root = tmp_path_factory.mktemp("rilis")
    seed = generate(root / "seed", scale=0.01, seed=7)
    store = ReleaseStore(root / "snapshots", AuditLog(root / "audit.sqlite"), root / "rencana.sqlite")
    inputs = BuildInputs(
        keluarga=seed.keluarga,
        individu=seed.individu,
        dtks=seed.dtks,
        boundaries=config.BOUNDARIES,
        kode_wilayah=config.KODE_WILAYAH,
        reference_date=dt.date.fromisoformat(config.DEMO_REFERENCE_DATE),
        out=root / "unused",
        cache_dir=root / "cache",
    )
    store.build(SEED, inputs, "admin.uji")
    store.publish(SEED, "admin.uji")
    app = create_app(
        root / "snapshots",
        root / "rencana.sqlite",
        root / "app",
        users_db=root / "akun.sqlite",
        audit_db=root / "audit.sqlite",
        verval_db=root / "verval.sqlite",
    )
    with served(app, {"admin.uji": ("admin", None)}) as url:
        yield url, root


@pytest.fixture
def officer(rilis_server, tmp_path):
    from tests.auth import browser_login
    from tests.browser.conftest import CHROMEDRIVER, CHROMIUM

    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.fail("Debian chromium and chromium-driver are required for browser tests (.ci/run installs them)")
    driver = make_driver(1366, 768, download_dir=tmp_path)
    browser_login(driver, rilis_server[0])
    yield driver
    driver.quit()


def by_id(driver, component_id: dict):
    """A pattern-matching component's element (its id is JSON, no CSS selector takes it)."""
    return driver.execute_script("return document.getElementById(arguments[0]);", dom_id(component_id))


def open_page(driver, server: str) -> None:
    driver.get(server + "/rilis")
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, ids.RILIS_BERKAS_INPUT))


def test_upload_build_check_publish_and_compare(rilis_server, officer, tmp_path):
    from etl.demo import generate

    server, root = rilis_server
    driver = officer
    files = generate(tmp_path / "ekspor", scale=0.01, seed=2024)
    chosen = sorted(p for p in (tmp_path / "ekspor").iterdir() if p.is_file())  # the exports and BACA.txt
    total = sum(p.stat().st_size for p in chosen)
    open_page(driver, server)

    # The file input is hidden behind its label, but in the tab order, and shows its focus.
    label = driver.find_element(By.CSS_SELECTOR, f"label[for='{ids.RILIS_BERKAS_INPUT}']")
    driver.execute_script("document.getElementById(arguments[0]).focus();", ids.RILIS_BERKAS_INPUT)
    assert driver.execute_script("return document.activeElement.id;") == ids.RILIS_BERKAS_INPUT
    assert driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle;", label) == "solid"

    driver.find_element(By.ID, ids.RILIS_BERKAS_INPUT).send_keys("\n".join(str(p) for p in chosen))
    WebDriverWait(driver, 60).until(lambda d: "Selesai" in text_of(d, f"#{ids.RILIS_UNGGAH_STATUS}"))
    overall = driver.find_element(By.CSS_SELECTOR, f"#{ids.RILIS_UNGGAH_PROGRES} .unggah-rilis-bar")
    assert overall.get_attribute("aria-valuenow") == "100"
    shown = text_of(driver, f"#{ids.RILIS_UNGGAH_PROGRES}")
    size = f"{fmt.angka(total / 2**20, 1)} MB"  # Indonesian: a decimal comma
    assert f"Total: {size} dari {size} (100%)" in shown, shown
    bars = driver.find_elements(By.CSS_SELECTOR, f"#{ids.RILIS_UNGGAH_PROGRES} li .unggah-rilis-bar")
    assert len(bars) == len(chosen) and {b.get_attribute("aria-valuenow") for b in bars} == {"100"}

    # Each file with the kind its header row tells; the note is not an export.
    def kind(d, name):
        found = by_id(d, select_id(name))
        return found.get_attribute("value") if found is not None else "?"

    WebDriverWait(driver, 30).until(lambda d: all(kind(d, p.name) != "?" for p in chosen))
    kinds = {p.name: kind(driver, p.name) for p in chosen}
    assert {n for n, k in kinds.items() if k == "keluarga"} == {p.name for p in files.keluarga}
    assert {n for n, k in kinds.items() if k == "individu"} == {p.name for p in files.individu}
    assert {n for n, k in kinds.items() if k == "dtks"} == {p.name for p in files.dtks}
    assert kinds["BACA.txt"] == ""
    ignore = release_upload.KIND_LABEL["abaikan"]

    def set_aside(d) -> bool:  # the list may be redrawn as the last files are listed
        Select(by_id(d, select_id("BACA.txt"))).select_by_visible_text(ignore)
        return kind(d, "BACA.txt") == "abaikan"

    WebDriverWait(driver, 10, ignored_exceptions=[StaleElementReferenceException]).until(set_aside)

    # The reference date names the release; build it.
    date = driver.find_element(By.ID, ids.RILIS_TANGGAL)
    date.send_keys(Keys.CONTROL, "a")
    date.send_keys("2024-03-01")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, ids.RILIS_NAMA).get_attribute("value") == NEW)
    click(driver, ids.RILIS_BANGUN)
    # The job's step and progress while it runs (its process alone takes a second or two to start).
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, ids.RILIS_PROGRES))
    running = text_of(driver, f"#{ids.RILIS_TUGAS_PANEL}")
    assert f"Membangun rilis '{NEW}'" in running and "Hentikan build" in running, running
    WebDriverWait(driver, 180).until(lambda d: f"Laporan kualitas rilis '{NEW}'" in text_of(d, f"#{ids.RILIS_LAPORAN}"))
    assert "dibangun di staging" in text_of(driver, f"#{ids.RILIS_TUGAS_PANEL}")
    store = ReleaseStore(root / "snapshots")
    summary = store.get(NEW)
    report = text_of(driver, f"#{ids.RILIS_LAPORAN}")
    assert f"Tampil sekarang ({SEED})" in report
    assert fmt.angka(summary.kk_desil_1) in report and fmt.angka(summary.baris["dimuat"]) in report
    for path in files.keluarga[:3]:
        assert path.name in report
    # Nothing changed for users yet.
    assert next(r for r in store.list() if r.tampil).nama == SEED
    save_screenshot(driver, "rilis_laporan_1366")
    assert not low_contrast(driver, ids.HALAMAN), low_contrast(driver, ids.HALAMAN)

    # Publish, by keyboard: Enter on the button, Enter on the dialog's confirmation.
    publish = by_id(driver, {"type": ids.RILIS_AKSI, "aksi": "terbitkan", "nama": NEW, "tempat": "laporan"})
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", publish)
    publish.send_keys(Keys.ENTER)
    yes = WebDriverWait(driver, 10).until(
        lambda d: (
            d.find_element(By.ID, ids.RILIS_KONFIRMASI_YA)
            if d.find_element(By.ID, ids.RILIS_KONFIRMASI_YA).is_displayed()
            else None
        )
    )
    assert "Terbitkan rilis '2024-03'?" in text_of(driver, f"#{ids.RILIS_KONFIRMASI_TEKS}")
    assert f"('{SEED}') tetap tersimpan" in text_of(driver, f"#{ids.RILIS_KONFIRMASI_TEKS}")
    assert yes.text == "Ya, terbitkan"
    yes.send_keys(Keys.ENTER)
    WebDriverWait(driver, 30).until(lambda d: f"Rilis '{NEW}' terbit" in text_of(d, f"#{ids.RILIS_PESAN}"))
    assert next(r for r in store.list() if r.tampil).nama == NEW

    # The list shows it current, with its sources and their SHA-256.
    WebDriverWait(driver, 10).until(
        lambda d: "Tampil di dasbor" in text_of(d, f"#{ids.RILIS_DAFTAR} tbody tr:first-child")
    )
    first_row = text_of(driver, f"#{ids.RILIS_DAFTAR} tbody tr:first-child")
    assert first_row.startswith(NEW) and "terbit" in first_row and "admin.uji" in first_row
    assert f"{len(chosen) - 1} berkas" in first_row  # BACA.txt was not used
    sha = store.get(NEW).berkas[0]["sha256"]
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    details = driver.find_element(By.CSS_SELECTOR, f"#{ids.RILIS_DAFTAR} tbody tr:first-child details")
    details.find_element(By.TAG_NAME, "summary").click()
    assert sha in details.text
    assert "Tampilkan lagi" in text_of(driver, f"#{ids.RILIS_DAFTAR}")  # the seed can be made current again

    # Readable at both screen sizes: nothing wider than the window.
    for width, height in ((1366, 768), (1920, 1080)):
        driver.set_window_size(width, height)
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;"), width
        save_screenshot(driver, f"rilis_daftar_{width}")

    # The comparison with the release shown before.
    link = driver.find_element(By.LINK_TEXT, "Bandingkan dengan rilis sebelumnya")
    assert link.get_attribute("href") == f"{server}/perbandingan?a={SEED}&b={NEW}"
    link.click()
    WebDriverWait(driver, 20).until(lambda d: "/perbandingan" in d.current_url)
    WebDriverWait(driver, 120).until(lambda d: d.find_elements(By.ID, ids.BANDING_RINGKASAN))
    assert SEED in text_of(driver, f"#{ids.HALAMAN}") and NEW in text_of(driver, f"#{ids.HALAMAN}")
    save_screenshot(driver, "rilis_perbandingan")


def test_an_upload_stopped_half_way_leaves_nothing_on_the_server(rilis_server, officer, tmp_path):
    server, root = rilis_server
    driver = officer
    big = tmp_path / "dtks_besar.csv"
    with open(big, "wb") as out:
        out.write(b"NIK,PKH\n" + b"1301010101900005,1\n" * (6 * 2**20 // 19))
    open_page(driver, server)
    # A slow link (1 MB/s), so the upload is still under way when "Batalkan" is pressed.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 5, "downloadThroughput": 8 * 2**20, "uploadThroughput": 2**20},
    )
    driver.find_element(By.ID, ids.RILIS_BERKAS_INPUT).send_keys(str(big))
    bar = f"#{ids.RILIS_UNGGAH_PROGRES} .unggah-rilis-bar"
    WebDriverWait(driver, 30).until(
        lambda d: 0 < int(d.find_element(By.CSS_SELECTOR, bar).get_attribute("aria-valuenow") or 0) < 100
    )
    driver.find_element(By.ID, ids.RILIS_UNGGAH_BATAL).send_keys(Keys.ENTER)  # by keyboard
    WebDriverWait(driver, 20).until(lambda d: "Unggahan dibatalkan" in text_of(d, f"#{ids.RILIS_UNGGAH_STATUS}"))
    assert "dihapus dari server" in text_of(driver, f"#{ids.RILIS_UNGGAH_STATUS}")
    sessions = root / "app" / "unggah"
    assert not [p for p in sessions.iterdir() if not p.name.startswith(".")]
    assert driver.find_element(By.ID, ids.RILIS_UNGGAH_BATAL).get_attribute("disabled") is not None
