"""What a person does with the dashboard, in headless Chromium."""

from __future__ import annotations

import json

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import ids
from kantong import fmt
from tests.browser.conftest import save_screenshot
from tests.browser.pages import (
    choose_indicator,
    click_region,
    map_data,
    text_of,
    type_into_dropdown,
    view_params,
    wait_map,
)


def test_page_loads_offline_with_the_province_map(server, browser, store):
    browser.get(server + "/")
    wait_map(browser)
    snapshot = store.latest()
    data = map_data(browser)
    assert sorted(data["locations"]) == sorted(snapshot.table("kabkota").index)
    assert "22 Agustus 2023" in text_of(browser, f"#{ids.INFO_SNAPSHOT}")
    assert "Sumber: P3KE" in text_of(browser, f"#{ids.SUMBER}")
    save_screenshot(browser, "01_provinsi")
    # Every request went to this server: no CDN, tiles, fonts or scripts from elsewhere.
    requests = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    assert requests, "no network requests were recorded"
    foreign = [u for u in requests if not u.startswith((server, "data:", "blob:"))]
    assert foreign == []
    assert any("/geo/" in u and u.endswith("kabkota.geojson") for u in requests)


def test_switching_the_indicator_recolours_the_map(server, browser, store):
    browser.get(
        server + "/?tingkat=kabkota&wilayah=13&indikator=kk_d1_non_dtks&klasifikasi=kuantil&warna=oranye&profil=13"
    )
    wait_map(browser)
    before = map_data(browser)
    legend_before = text_of(browser, f"#{ids.LEGENDA}")
    choose_indicator(browser, "Cakupan bansos reguler")
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("indikator") == "pct_d1_bansos")
    WebDriverWait(browser, 20).until(lambda d: text_of(d, f"#{ids.LEGENDA}") != legend_before)
    wait_map(browser)
    after = map_data(browser)
    assert after["locations"] == before["locations"]  # same regions, new colours
    assert after["z"] != before["z"]
    assert "%" in text_of(browser, f"#{ids.LEGENDA}")
    save_screenshot(browser, "02_indikator_cakupan_bansos")


def test_drill_down_profile_and_breadcrumb(server, browser, store):
    snapshot = store.latest()
    browser.get(
        server + "/?tingkat=kabkota&wilayah=13&indikator=kk_d1_non_dtks&klasifikasi=kuantil&warna=oranye&profil=13"
    )
    wait_map(browser)
    agam = snapshot.region("13.06")
    click_region(browser, float(agam["lon"]), float(agam["lat"]))
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("wilayah") == "13.06")
    assert view_params(browser)["tingkat"] == "desa"
    WebDriverWait(browser, 30).until(lambda d: all(len(k) == 13 for k in map_data(d)["locations"]))
    wait_map(browser)
    nagari = map_data(browser)["locations"]
    assert nagari and all(k.startswith("13.06.") for k in nagari)
    save_screenshot(browser, "03_kab_agam")

    # Click the nagari with the most D1 families outside DTKS; its profile opens.
    desa = snapshot.regions_in("13.06", "desa")
    target = desa[desa["punya_poligon"]].sort_values("kk_d1_non_dtks", ascending=False).iloc[0]
    click_region(browser, float(target["lon"]), float(target["lat"]))
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("profil") == target["kode"])
    WebDriverWait(browser, 20).until(lambda d: text_of(d, f"#{ids.PROFIL} h2") == target["nama"])
    assert text_of(browser, "#profil-kk-desil-1") == fmt.angka(int(target["kk_desil_1"]))
    assert text_of(browser, "#profil-kk-d1-non-dtks") == fmt.angka(int(target["kk_d1_non_dtks"]))
    assert text_of(browser, "#profil-kk-d1-dtks-tanpa-bansos") == fmt.angka(int(target["kk_d1_dtks_tanpa_bansos"]))
    assert text_of(browser, "#profil-pct-d1-bansos") == fmt.persen(target["pct_d1_bansos"])
    # The vulnerable groups the programme names, with the limit of the disability count said.
    rows = {
        r.find_element(By.CSS_SELECTOR, "td").text: r.find_elements(By.CSS_SELECTOR, "td")[1].text
        for r in browser.find_elements(By.CSS_SELECTOR, ".profil-banding tbody tr")
        if r.find_elements(By.CSS_SELECTOR, "td")
    }
    assert rows["Disabilitas D1"].startswith(fmt.angka(int(target["jiwa_d1_disabilitas"])) + " (")
    assert rows["KK D1 lansia sendiri"].startswith(fmt.angka(int(target["kk_d1_lansia_tunggal"])) + " (")
    assert "Hanya anggota yang ditemukan di DTKS" in text_of(browser, f"#{ids.PROFIL_CATATAN_DISABILITAS}")
    crumbs = text_of(browser, f"#{ids.JEJAK}")
    assert "Sumatera Barat" in crumbs and "Kabupaten Agam" in crumbs and target["nama"] in crumbs
    save_screenshot(browser, "04_profil_nagari")

    # The breadcrumb goes back up to the province.
    browser.find_element(By.XPATH, "//nav[@id='jejak']//button[normalize-space()='Sumatera Barat']").click()
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("wilayah") == "13")
    assert view_params(browser)["tingkat"] == "kabkota"
    WebDriverWait(browser, 30).until(lambda d: all(len(k) == 5 for k in map_data(d)["locations"]))


def test_a_shared_link_reopens_the_same_view(server, browser, store):
    url = (
        server + "/?tingkat=kecamatan&wilayah=13.12&indikator=pct_d1_non_dtks&klasifikasi=jenks&warna=biru&profil=13.12"
    )
    browser.get(url)
    wait_map(browser)
    assert (
        browser.find_element(By.ID, ids.TINGKAT).find_element(By.CSS_SELECTOR, "input:checked").get_attribute("value")
        == "kecamatan"
    )
    assert browser.find_element(By.ID, ids.KLASIFIKASI).get_attribute("value") == "jenks"
    assert browser.find_element(By.ID, ids.WARNA).get_attribute("value") == "biru"
    assert all(k.startswith("13.12.") and len(k) == 8 for k in map_data(browser)["locations"])
    assert "Pasaman Barat" in text_of(browser, f"#{ids.JUDUL_PETA}")


@pytest.mark.parametrize("typed", ["kota tinggi", "KOTO TINGGI"])
def test_search_tolerates_spelling_variants(server, browser, store, typed):
    snapshot = store.latest()
    browser.get(server + "/")
    wait_map(browser)
    type_into_dropdown(browser, "cari", typed)

    # The option list is re-rendered when the server's answer arrives: a stale option is
    # looked up again and clicked.
    def click_option(driver) -> bool:
        for option in driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option"):
            if "Koto Tinggi" in option.text:
                option.click()
                return True
        return False

    WebDriverWait(browser, 10, ignored_exceptions=[StaleElementReferenceException]).until(click_option)
    WebDriverWait(browser, 20).until(lambda d: view_params(d).get("profil", "").startswith("13."))
    assert view_params(browser)["tingkat"] == "desa"
    WebDriverWait(browser, 20).until(lambda d: text_of(d, f"#{ids.PROFIL} h2").upper() == "KOTO TINGGI")
    desa = snapshot.table("desa")
    assert view_params(browser)["profil"] in set(desa[desa["nama"].str.upper() == "KOTO TINGGI"].index)
