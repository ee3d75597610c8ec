"""Choosing priority nagari, setting targets and saving a plan, as the head of division does."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

import ids
from kantong import priority, rakor
from tests.browser.conftest import save_screenshot
from tests.browser.pages import click, text_of, type_into_dropdown

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
FIRST_TARGET = "return dash_ag_grid.getApi('grid-target').getDisplayedRowAtIndex(0).data.target_graduasi;"
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
    # The sliders are drawn by a component script loaded on demand, which may come after the table.
    slider = (By.CSS_SELECTOR, "[id*='pct_d1_non_dtks'] [role=slider]")
    thumb = WebDriverWait(browser, 20).until(lambda d: d.find_elements(*slider))[0]
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
    # Set a target: all the first nagari's desil-1 families graduate (the most it can be).
    first = browser.execute_script("return dash_ag_grid.getApi('grid-target').getDisplayedRowAtIndex(0).data;")
    wanted = first["kk_desil_1"] if first["target_graduasi"] != first["kk_desil_1"] else first["kk_desil_1"] - 1
    browser.execute_script(
        "const a = dash_ag_grid.getApi('grid-target'); a.ensureIndexVisible(0);"
        "a.setFocusedCell(0, 'target_graduasi'); a.startEditingCell({rowIndex: 0, colKey: 'target_graduasi'});"
    )
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(
        str(wanted), Keys.ENTER
    ).perform()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(FIRST_TARGET) == wanted)
    name = browser.find_element(By.ID, ids.RENCANA_NAMA)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", name)
    name.clear()
    name.send_keys("Rencana Aksi Uji")
    browser.find_element(By.ID, ids.RENCANA_PENULIS).send_keys("Kabid PFM")
    click(browser, ids.RENCANA_SIMPAN)
    WebDriverWait(browser, 20).until(lambda d: text_of(d, f"#{ids.RENCANA_PESAN}"))
    assert "Tersimpan: Rencana Aksi Uji" in text_of(browser, f"#{ids.RENCANA_PESAN}")

    # Saved: nothing is unsaved, and coming back to the page opens the saved plan again.
    assert "Semua perubahan tersimpan" in text_of(browser, f"#{ids.RENCANA_DRAF_STATUS}")
    browser.refresh()
    WebDriverWait(browser, 40).until(lambda d: d.find_element(By.ID, ids.RENCANA_PENULIS).get_attribute("value"))
    assert browser.find_element(By.ID, ids.RENCANA_NAMA).get_attribute("value") == "Rencana Aksi Uji"
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(FIRST_TARGET) == wanted)

    # In a browser without that draft (another computer), "Buka" restores the whole plan,
    # its author ("Disusun oleh") included.
    browser.execute_script("window.localStorage.clear();")
    browser.refresh()
    WebDriverWait(browser, 40).until(lambda d: "Rencana Aksi Uji" in text_of(d, f"#{ids.RENCANA_DAFTAR}"))
    assert browser.find_element(By.ID, ids.RENCANA_PENULIS).get_attribute("value") == ""
    plans = Select(browser.find_element(By.ID, ids.RENCANA_DAFTAR))
    plans.select_by_visible_text([o.text for o in plans.options if o.text.startswith("Rencana Aksi Uji")][0])
    click(browser, ids.RENCANA_BUKA)
    WebDriverWait(browser, 20).until(lambda d: "Dibuka: Rencana Aksi Uji" in text_of(d, f"#{ids.RENCANA_PESAN}"))
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(TARGET_ROWS) == 19)
    assert "19 nagari dipilih" in text_of(browser, f"#{ids.CAKUPAN}")
    assert browser.execute_script(FIRST_TARGET) == wanted
    assert browser.find_element(By.ID, ids.RENCANA_PENULIS).get_attribute("value") == "Kabid PFM"
    assert browser.find_element(By.ID, ids.RENCANA_NAMA).get_attribute("value") == "Rencana Aksi Uji"


# --- the plan: drafts, target checks, saved plans, the deck's plan ---------------------------

DRAFT_MARK = f"#{ids.RENCANA_DRAF_STATUS} [data-rencana-berubah='1']"
TARGET = "return dash_ag_grid.getApi('grid-target').getDisplayedRowAtIndex(arguments[0]).data[arguments[1]];"
TARGET_CELL = "#grid-target .ag-center-cols-container .ag-row[row-index='{row}'] [col-id='{field}']"
CHOSEN = "return dash_ag_grid.getApi('grid-target').getDisplayedRowCount();"
MAP_FITS = (
    "const g = document.querySelector('#peta-prioritas .js-plotly-plot');"
    "return !!(g && g._fullLayout && g.data && g.data.length && Math.abs(g._fullLayout.width - g.clientWidth) < 2"
    " && !document.querySelector('[data-dash-is-loading=\"true\"]'));"
)


def open_plan_page(browser, server, rows=19):
    """The Prioritas page with its plan table filled (the 2023 rule, or a draft)."""
    browser.get(server + "/prioritas")
    WebDriverWait(browser, 40).until(
        lambda d: d.execute_script(f"try {{ {CHOSEN} }} catch (e) {{ return -1; }}") == rows
    )


def type_target(browser, row: int, field: str, text: str) -> None:
    """Type into a cell of the plan table, as a person does, and leave it with Enter."""
    browser.execute_script(
        "const a = dash_ag_grid.getApi('grid-target'); a.ensureIndexVisible(arguments[0]);"
        "a.setFocusedCell(arguments[0], arguments[1]);"
        "a.startEditingCell({rowIndex: arguments[0], colKey: arguments[1]});",
        row,
        field,
    )
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(
        text, Keys.ENTER
    ).perform()


def set_viewport(browser, width: int, height: int) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return [window.innerWidth, window.innerHeight];") == [width, height]
    )


def test_the_page_opens_with_one_nagari_per_kabkota_in_plain_words(server, browser, store):
    open_plan_page(browser, server)  # nothing clicked: the 2023 rule, as the deck's automatic plan
    WebDriverWait(browser, 20).until(lambda d: "19 nagari dipilih" in text_of(d, f"#{ids.CAKUPAN}"))
    summary = text_of(browser, f"#{ids.CAKUPAN}")
    assert "menurut aturan: 1 nagari dengan skor tertinggi di setiap kab/kota (19 kab/kota)" in summary
    assert "dinilai" not in summary  # the budget rule's figures only when that rule is in use
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(OUTLINE) and len(d.execute_script(OUTLINE)) == 19)
    snapshot = store.latest()
    auto = rakor.automatic_plan(snapshot, 2030)
    shown = browser.execute_script(
        "const a = dash_ag_grid.getApi('grid-target'); const out = [];"
        "a.forEachNodeAfterFilterAndSort(n => out.push(n.data.kode)); return out;"
    )
    assert shown == [r["kode"] for r in auto.rows]
    # Short kab/kota names, whole at 1366 px: none is cut with "…".
    set_viewport(browser, 1366, 768)
    cells = browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(e => [e.innerText, e.scrollWidth <= e.clientWidth]);",
        "#grid-target .ag-row [col-id='nama_kabkota_pendek']",
    )
    assert cells and all(fits for _, fits in cells)
    names = {text for text, _ in cells}
    assert not any(n.startswith("Kabupaten") for n in names) and any(n.startswith("Kab. ") for n in names)
    # The ranking shows the short names too, and its kab/kota filter still finds them.
    WebDriverWait(browser, 40).until(lambda d: d.execute_script(GRID_FIRST_ROWS)[0])  # the ranking is filled
    type_into_dropdown(browser, ids.SARING_KABKOTA, "Agam")
    # Enter picks the first option shown: wait until the search has narrowed the list to it.
    WebDriverWait(browser, 10).until(
        lambda d: (
            [o.text for o in d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")] == [snapshot.name("13.06")]
        )
    )
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    agam = int((snapshot.table("desa")["kode_kabkota"] == "13.06").sum())
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return dash_ag_grid.getApi('grid-peringkat').getDisplayedRowCount();") == agam
    )
    assert browser.execute_script(
        "const out = new Set(); dash_ag_grid.getApi('grid-peringkat')"
        ".forEachNodeAfterFilter(n => out.add(n.data.nama_kabkota_pendek)); return Array.from(out);"
    ) == ["Kab. Agam"]
    # The plan table fits the window and shows most of its rows at once (it showed 6 in 300 px).
    shown_rows = browser.execute_script(
        "const v = document.querySelector('#grid-target .ag-body-viewport');"
        "return Math.floor(v.clientHeight / document.querySelector('#grid-target .ag-row').offsetHeight);"
    )
    assert shown_rows >= 15
    assert browser.execute_script("return document.getElementById('grid-target').offsetHeight;") <= 768


def test_unsaved_work_is_kept_as_a_draft_and_leaving_warns(server, browser):
    open_plan_page(browser, server)
    first = browser.execute_script(TARGET, 0, "target_usul_dtks")
    type_target(browser, 0, "target_usul_dtks", "7")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(TARGET, 0, "target_usul_dtks") == 7)
    # Tick one more nagari in the ranking.
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
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, DRAFT_MARK))
    assert "belum disimpan" in text_of(browser, f"#{ids.RENCANA_DRAF_STATUS}")
    assert browser.find_element(By.ID, ids.RENCANA_BUANG).is_enabled()
    # Closing or reloading the tab asks first.
    assert browser.execute_script(
        "const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;"
    )

    # The navigation bar asks too: "Cancel" stays on the page, "OK" leaves.
    click(browser, "nav-peta")
    WebDriverWait(browser, 10).until(EC.alert_is_present())
    assert "belum disimpan" in browser.switch_to.alert.text
    browser.switch_to.alert.dismiss()
    assert browser.current_url.endswith("/prioritas") and browser.find_elements(By.ID, ids.GRID_TARGET)
    click(browser, "nav-peta")
    WebDriverWait(browser, 10).until(EC.alert_is_present()).accept()
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.ID, ids.PETA) and not d.find_elements(By.ID, ids.GRID_TARGET)
    )

    # Back on the page: the choice and the edited target are there, still unsaved.
    click(browser, "nav-prioritas")
    WebDriverWait(browser, 40).until(lambda d: "20 nagari dipilih" in text_of(d, f"#{ids.CAKUPAN}"))
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(f"try {{ {CHOSEN} }} catch (e) {{ return -1; }}") == 20)
    assert browser.execute_script(TARGET, 0, "target_usul_dtks") == 7
    assert browser.find_elements(By.CSS_SELECTOR, DRAFT_MARK)
    assert "Draf yang belum disimpan dipulihkan" in text_of(browser, f"#{ids.RENCANA_PESAN}")

    # "Buang draf" (after confirming) returns to the starting state; nothing is left to warn about.
    click(browser, ids.RENCANA_BUANG)
    WebDriverWait(browser, 10).until(EC.alert_is_present()).accept()
    WebDriverWait(browser, 20).until(lambda d: "19 nagari dipilih" in text_of(d, f"#{ids.CAKUPAN}"))
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(TARGET, 0, "target_usul_dtks") == first)
    WebDriverWait(browser, 20).until(lambda d: not d.find_elements(By.CSS_SELECTOR, DRAFT_MARK))
    assert not browser.execute_script(
        "const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;"
    )
    browser.refresh()  # no draft left: the page opens as at first
    WebDriverWait(browser, 40).until(lambda d: "19 nagari dipilih" in text_of(d, f"#{ids.CAKUPAN}"))


def test_targets_out_of_range_are_marked_and_the_plan_is_not_saved(server, browser, snapshot_root):
    from kantong.plans import PlanStore

    saved_before = len(PlanStore(snapshot_root.parent / "rencana.sqlite").list())
    open_plan_page(browser, server)
    set_viewport(browser, 1366, 768)
    row = browser.execute_script("return dash_ag_grid.getApi('grid-target').getDisplayedRowAtIndex(0).data;")
    type_target(browser, 0, "target_graduasi", "5000")
    type_target(browser, 1, "target_usul_dtks", "-5")
    # The typed values stay (nothing silently reverts) and their cells are marked.
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(TARGET, 1, "target_usul_dtks") == -5)
    assert browser.execute_script(TARGET, 0, "target_graduasi") == 5000
    for r, field in ((0, "target_graduasi"), (1, "target_usul_dtks")):
        cell = browser.find_element(By.CSS_SELECTOR, TARGET_CELL.format(row=r, field=field))
        assert "sel-salah" in cell.get_attribute("class")
    assert "sel-salah" not in browser.find_element(
        By.CSS_SELECTOR, TARGET_CELL.format(row=0, field="target_usul_dtks")
    ).get_attribute("class")
    d1 = f"{row['kk_desil_1']:,}".replace(",", ".")
    WebDriverWait(browser, 10).until(lambda d: "2 target di luar rentang" in text_of(d, f"#{ids.TARGET_PERIKSA}"))
    words = text_of(browser, f"#{ids.TARGET_PERIKSA}")
    assert f"{row['nama']}: Target KK desil 1 graduasi 5.000 melebihi {d1} KK desil 1 nagari ini." in words
    assert "Target KK desil 1 diusulkan ke DTKS -5 negatif." in words
    save_screenshot(browser, "12_prioritas_target_1366x768")

    browser.find_element(By.ID, ids.RENCANA_PENULIS).send_keys("Kabid PFM")
    click(browser, ids.RENCANA_SIMPAN)
    WebDriverWait(browser, 10).until(lambda d: "Belum dapat disimpan" in text_of(d, f"#{ids.RENCANA_PESAN}"))
    assert "perbaiki 2 target di luar rentang" in text_of(browser, f"#{ids.RENCANA_PESAN}")
    assert not browser.find_elements(By.ID, ids.RENCANA_TERSIMPAN)
    assert len(PlanStore(snapshot_root.parent / "rencana.sqlite").list()) == saved_before

    # Fixed, the plan saves.
    type_target(browser, 0, "target_graduasi", "3")
    type_target(browser, 1, "target_usul_dtks", "0")
    WebDriverWait(browser, 10).until(lambda d: not text_of(d, f"#{ids.TARGET_PERIKSA}"))
    click(browser, ids.RENCANA_SIMPAN)
    WebDriverWait(browser, 10).until(lambda d: "Tersimpan" in text_of(d, f"#{ids.RENCANA_PESAN}"))

    for width, height, name in ((1920, 1080, "13_prioritas_1920x1080"), (1366, 768, "14_prioritas_1366x768")):
        set_viewport(browser, width, height)
        browser.execute_script("window.scrollTo(0, 0);")
        WebDriverWait(browser, 10).until(lambda d: d.execute_script("return window.scrollY;") == 0)
        WebDriverWait(browser, 20).until(lambda d: d.execute_script(MAP_FITS))  # redrawn at the new width
        save_screenshot(browser, name)


def test_the_paket_rakor_uses_the_plan_saved_last(server, browser, store, snapshot_root):
    from kantong.plans import Plan, PlanStore

    snapshot = store.latest()
    rows = rakor.automatic_plan(snapshot, 2027).rows[:3]
    saved = PlanStore(snapshot_root.parent / "rencana.sqlite").save(
        Plan(None, "Rencana Rakor Terakhir", "Kadis Sosial", snapshot.id, snapshot.path.name, {}, {}, rows)
    )
    browser.get(server + "/rakor")
    WebDriverWait(browser, 20).until(lambda d: "Rencana Rakor Terakhir" in text_of(d, f"#{ids.RAKOR_RENCANA_INFO}"))
    assert Select(browser.find_element(By.ID, ids.RAKOR_RENCANA)).first_selected_option.get_attribute("value") == str(
        saved.id
    )
    info = text_of(browser, f"#{ids.RAKOR_RENCANA_INFO}")
    assert "Kadis Sosial" in info and "3 nagari/desa" in info
    Select(browser.find_element(By.ID, ids.RAKOR_RENCANA)).select_by_value(rakor.AUTOMATIC)
    WebDriverWait(browser, 20).until(
        lambda d: "Belum memakai rencana tersimpan" in text_of(d, f"#{ids.RAKOR_RENCANA_INFO}")
    )
