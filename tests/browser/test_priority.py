"""Choosing priority nagari, setting targets and saving a plan, as the head of division does."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

import ids
from kantong import priority
from tests.browser.conftest import save_screenshot
from tests.browser.pages import click, text_of

GRID_FIRST_ROWS = """
const rows = Array.from(document.querySelectorAll(
    '#grid-peringkat .ag-center-cols-container .ag-row, #grid-peringkat .ag-pinned-left-cols-container .ag-row'));
const byIndex = {};
for (const r of rows) {
  const i = Number(r.getAttribute('row-index'));
  const name = r.querySelector('[col-id="nama"]');
  if (name) byIndex[i] = name.innerText;
}
return [0, 1, 2].map(i => byIndex[i]);
"""
# Rows the grid holds (it draws only those in view).
TARGET_ROWS = "return dash_ag_grid.getApi('grid-target').getDisplayedRowCount();"
FIRST_TARGET = "return dash_ag_grid.getApi('grid-target').getDisplayedRowAtIndex(0).data.target_usul_dtks;"
OUTLINE = (
    "const gd = document.querySelector('#peta-prioritas .js-plotly-plot'); "
    "return gd && gd.data && gd.data.length > 1 ? gd.data[1].locations : null;"
)


def open_priority_page(browser, server):
    browser.get(server + "/prioritas")
    WebDriverWait(browser, 40).until(lambda d: d.execute_script(GRID_FIRST_ROWS)[0])


def expected_top(store, weights) -> str:
    snapshot = store.latest()
    scored = priority.score(snapshot.table("desa"), weights)
    return snapshot.name(priority.top_n(scored, 1)[0])


def test_moving_a_weight_reorders_the_table(server, browser, store):
    open_priority_page(browser, server)
    preset = priority.weights_for(priority.DEFAULT_PRESET)
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(GRID_FIRST_ROWS)[0] == expected_top(store, preset))
    # Push "% D1 non-DTKS" to its maximum with the keyboard, as on any slider.
    thumb = browser.find_element(By.CSS_SELECTOR, "[id*='pct_d1_non_dtks'] [role=slider]")
    thumb.click()
    thumb.send_keys(Keys.END)
    moved = dict(preset, pct_d1_non_dtks=5.0)
    top = expected_top(store, moved)
    assert top != expected_top(store, preset)
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(GRID_FIRST_ROWS)[0] == top)
    save_screenshot(browser, "10_bobot_digeser")


def test_one_per_kabkota_selects_19_nagari_and_outlines_them(server, browser, store):
    open_priority_page(browser, server)
    click(browser, ids.TERAPKAN)  # default rule: 1 per kab/kota
    WebDriverWait(browser, 20).until(lambda d: "19 nagari dipilih" in text_of(d, f"#{ids.CAKUPAN}"))
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(OUTLINE) and len(d.execute_script(OUTLINE)) == 19)
    outlined = browser.execute_script(OUTLINE)
    assert len({k[:5] for k in outlined}) == 19  # one in each kab/kota
    snapshot = store.latest()
    total = int(snapshot.provinsi["kk_desil_1"])
    assert f"dari {total:,} KK".replace(",", ".") in text_of(browser, f"#{ids.CAKUPAN}")
    assert browser.execute_script(TARGET_ROWS) == 19
    save_screenshot(browser, "11_satu_per_kabkota")
    # Tick one more nagari in the table by hand: it joins the choice and gets targets.
    index = browser.execute_script(
        "const a = dash_ag_grid.getApi('grid-peringkat'); for (let i = 0; i < 40; i++) {"
        " const n = a.getDisplayedRowAtIndex(i); if (n && !n.data.pilih) return i; } return null;"
    )
    box = browser.find_element(
        By.CSS_SELECTOR, f"#{ids.GRID_PERINGKAT} .ag-row[row-index='{index}'] [col-id='pilih'] input"
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", box)
    box.click()
    WebDriverWait(browser, 20).until(lambda d: "20 nagari dipilih" in text_of(d, f"#{ids.CAKUPAN}"))
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(TARGET_ROWS) == 20)


def test_a_saved_plan_is_there_after_a_reload(server, browser, store):
    open_priority_page(browser, server)
    click(browser, ids.TERAPKAN)
    WebDriverWait(browser, 20).until(lambda d: "19 nagari dipilih" in text_of(d, f"#{ids.CAKUPAN}"))
    # Set a target: the first nagari's families proposed into DTKS become 99.
    browser.execute_script(
        "const a = dash_ag_grid.getApi('grid-target'); a.ensureIndexVisible(0);"
        "a.setFocusedCell(0, 'target_usul_dtks'); a.startEditingCell({rowIndex: 0, colKey: 'target_usul_dtks'});"
    )
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(
        "99", Keys.ENTER
    ).perform()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(FIRST_TARGET) == 99)
    name = browser.find_element(By.ID, ids.RENCANA_NAMA)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", name)
    name.clear()
    name.send_keys("Rencana Aksi Uji")
    browser.find_element(By.ID, ids.RENCANA_PENULIS).send_keys("Kabid PFM")
    click(browser, ids.RENCANA_SIMPAN)
    WebDriverWait(browser, 20).until(lambda d: text_of(d, f"#{ids.RENCANA_PESAN}"))
    assert "Tersimpan: Rencana Aksi Uji" in text_of(browser, f"#{ids.RENCANA_PESAN}")

    browser.refresh()
    WebDriverWait(browser, 40).until(lambda d: "Rencana Aksi Uji" in text_of(d, f"#{ids.RENCANA_DAFTAR}"))
    plans = Select(browser.find_element(By.ID, ids.RENCANA_DAFTAR))
    plans.select_by_visible_text([o.text for o in plans.options if o.text.startswith("Rencana Aksi Uji")][0])
    click(browser, ids.RENCANA_BUKA)
    WebDriverWait(browser, 20).until(lambda d: "Dibuka: Rencana Aksi Uji" in text_of(d, f"#{ids.RENCANA_PESAN}"))
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(TARGET_ROWS) == 19)
    assert "19 nagari dipilih" in text_of(browser, f"#{ids.CAKUPAN}")
    assert browser.execute_script(FIRST_TARGET) == 99
