"""Downloads, the Paket Rakor and presentation mode, as a person uses them."""

from __future__ import annotations

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from PIL import Image
from pptx import Presentation
from pypdf import PdfReader
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

import ids
from etl import config
from kantong import figures, rakor
from kantong.audit import AuditLog
from tests.auth import browser_login
from tests.browser.conftest import save_screenshot
from tests.browser.pages import choose_download, click, downloaded, make_driver, text_of, wait_map

AGAM = "/?tingkat=desa&wilayah=13.06&indikator=kk_d1_non_dtks&klasifikasi=kuantil&warna=oranye&profil=13.06"


def test_download_the_agam_map_as_png_and_svg_and_its_table(server, browser, downloads, store):
    snapshot = store.latest()
    browser.get(server + AGAM)
    wait_map(browser)
    choose_download(browser, "unduh-peta", "peta", "png")
    png = downloaded(downloads, "peta_kk-d1-non-dtks_kab-agam_2023-08-22.png")
    image = Image.open(png)
    assert image.format == "PNG" and image.size == (2 * figures.PRINT_WIDTH, 2 * figures.PRINT_HEIGHT)

    choose_download(browser, "unduh-peta", "peta", "svg")
    svg = ET.parse(downloaded(downloads, "peta_kk-d1-non-dtks_kab-agam_2023-08-22.svg")).getroot()
    text = " ".join(svg.itertext())
    assert "KK desil 1 belum masuk DTKS (exclusion error): Kabupaten Agam" in text
    assert "Sumber: P3KE" in text and "22 Agustus 2023" in text

    choose_download(browser, "unduh-peta", "tabel", "csv")
    rows = (
        downloaded(downloads, "tabel_kk-d1-non-dtks_nagari-desa_kab-agam_2023-08-22.csv")
        .read_text("utf-8-sig")
        .splitlines()
    )
    assert len(rows) == 1 + len(snapshot.regions_in("13.06", "desa"))
    assert rows[1].startswith("1,13.06.")  # ranked: the nagari with most exclusion error first


def test_paket_rakor_builds_in_the_background_and_downloads(server, browser, downloads, store, snapshot_root):
    from kantong.plans import Plan, PlanStore

    snapshot = store.latest()
    kode = str(snapshot.table("desa").index[0])
    saved = PlanStore(snapshot_root.parent / "rencana.sqlite").save(
        Plan(
            None,
            "Rencana Uji Rakor",
            "Penguji",
            snapshot.id,
            snapshot.path.name,
            {},
            {},
            [
                {
                    "kode": kode,
                    "nama": snapshot.name(kode),
                    "nama_kecamatan": "-",
                    "nama_kabkota": "-",
                    "skor": 1.0,
                    "kk_desil_1": 1,
                    "kk_d1_non_dtks": 1,
                    "tahun": 2024,
                    "target_usul_dtks": 1,
                    "target_terima_bansos": 0,  # 1 + 0 of its 1 desil-1 family: within range
                    "target_graduasi": 1,
                }
            ],
        )
    )
    browser.get(server + "/rakor")
    click(browser, ids.RAKOR_BUAT)
    # Progress shows while the deck is built, and the page still answers meanwhile.
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, ids.RAKOR_PROGRES_WADAH).is_displayed())
    # The newest saved plan is the default; choosing another answers while the deck is built.
    assert Select(browser.find_element(By.ID, ids.RAKOR_RENCANA)).first_selected_option.get_attribute("value") == str(
        saved.id
    )
    Select(browser.find_element(By.ID, ids.RAKOR_RENCANA)).select_by_value(rakor.AUTOMATIC)
    WebDriverWait(browser, 20).until(
        lambda d: f"rencana={rakor.AUTOMATIC}" in d.find_element(By.ID, ids.RAKOR_PRESENTASI).get_attribute("href")
    )
    answered_while_building = not browser.find_elements(By.ID, ids.rakor_unduh("pptx"))
    save_screenshot(browser, "20_rakor_progres")
    link = WebDriverWait(browser, 120).until(lambda d: d.find_elements(By.ID, ids.rakor_unduh("pptx")))[0]
    assert answered_while_building
    assert not browser.find_element(By.ID, ids.RAKOR_PROGRES_WADAH).is_displayed()
    name = link.get_attribute("download")
    assert name == "paket-rakor_kk-d1-non-dtks_2023-08-22.pptx"
    link.click()
    deck = Presentation(str(downloaded(downloads, name)))
    n_kabkota = len(snapshot.table("kabkota"))
    assert n_kabkota == 19
    table_slides = 1  # the plan chosen when the build began: the newest saved plan, one nagari
    assert len(deck.slides) == 1 + 1 + table_slides + n_kabkota + 1
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[1 + 1 + table_slides : -1] == list(snapshot.table("kabkota")["nama"])
    browser.find_element(By.ID, ids.rakor_unduh("pdf")).click()
    pdf = PdfReader(downloaded(downloads, name.replace(".pptx", ".pdf")))
    assert len(pdf.pages) == len(deck.slides)
    save_screenshot(browser, "21_rakor_selesai")


def _presentation_state(driver) -> dict:
    return driver.execute_script(
        "const gd = document.querySelector('#presentasi-peta .js-plotly-plot');"
        "const judul = document.getElementById('presentasi-judul');"
        "return {judul: judul ? judul.innerText : '',"
        " lokasi: gd && gd.data && gd.data.length ? gd.data[0].locations : []};"
    )


def test_presentation_mode_steps_through_kabkota_with_arrow_keys(server, browser, store):
    snapshot = store.latest()
    kabkota = snapshot.table("kabkota")
    browser.get(server + "/presentasi?indikator=kk_d1_non_dtks")
    WebDriverWait(browser, 30).until(lambda d: _presentation_state(d)["judul"] == "Sumatera Barat")
    assert not browser.find_element(By.CSS_SELECTOR, ".navbar").is_displayed()  # controls hidden
    # The map draws after the title (plotly loads on demand): wait for it, then check it.
    WebDriverWait(browser, 30).until(lambda d: sorted(_presentation_state(d)["lokasi"]) == sorted(kabkota.index))
    assert (
        float(
            browser.execute_script(
                "return parseFloat(getComputedStyle(document.getElementById('presentasi-judul')).fontSize);"
            )
        )
        >= 36
    )

    keys = ActionChains(browser)
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    first = kabkota.iloc[0]
    WebDriverWait(browser, 30).until(lambda d: _presentation_state(d)["judul"] == first["nama"])
    WebDriverWait(browser, 30).until(
        lambda d: sorted(_presentation_state(d)["lokasi"]) == sorted(snapshot.regions_in(first["kode"], "desa").index)
    )
    assert text_of(browser, f"#{ids.PRESENTASI_POSISI}") == f"2/{len(kabkota) + 1}"
    save_screenshot(browser, "22_presentasi_kabkota")

    # Back from the first kab/kota to the province; a second ← stays there (the slides stop at the ends).
    keys.send_keys(Keys.ARROW_LEFT).send_keys(Keys.ARROW_LEFT).perform()
    WebDriverWait(browser, 30).until(lambda d: _presentation_state(d)["judul"] == "Sumatera Barat")
    assert "ke=0" in browser.current_url  # a reload returns to the same slide
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    WebDriverWait(browser, 30).until(lambda d: _presentation_state(d)["judul"] == first["nama"])
    keys.send_keys(Keys.HOME).perform()
    WebDriverWait(browser, 30).until(lambda d: _presentation_state(d)["judul"] == "Sumatera Barat")


def test_priority_page_downloads_the_plan_and_the_score_map(server, browser, downloads, store):
    from tests.browser.test_priority import open_priority_page

    snapshot = store.latest()
    open_priority_page(browser, server)
    click(browser, ids.TERAPKAN)  # default rule: the top nagari of each kab/kota
    WebDriverWait(browser, 20).until(lambda d: "19 nagari dipilih" in text_of(d, f"#{ids.CAKUPAN}"))
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return dash_ag_grid.getApi('grid-target').getDisplayedRowCount();") == 19
    )
    browser.find_element(By.ID, ids.RENCANA_NAMA).clear()
    browser.find_element(By.ID, ids.RENCANA_NAMA).send_keys("Rencana Uji Ekspor")
    choose_download(browser, "unduh-prioritas", "rencana", "csv")
    rows = downloaded(downloads, "rencana_rencana-uji-ekspor_2023-08-22.csv").read_text("utf-8-sig").splitlines()
    assert rows[0].startswith("Kode,Nagari/desa,Kecamatan,Kab/kota,Skor,KK desil 1,")
    assert len(rows) == 1 + 19 + 1 and rows[-1].split(",")[0] == "Jumlah"  # the totals row last
    assert {r.split(",")[0][:5] for r in rows[1:-1]} == set(snapshot.table("kabkota").index)  # one per kab/kota

    choose_download(browser, "unduh-prioritas", "peta", "pdf")
    pdf = PdfReader(downloaded(downloads, "peta_skor-prioritas_sumatera-barat_2023-08-22.pdf"))
    assert "Skor prioritas nagari/desa: Sumatera Barat" in pdf.pages[0].extract_text()
    assert "19 nagari terpilih" in pdf.pages[0].extract_text()


def http_status(url: str, driver) -> int:
    """The status of a plain GET of `url` with the browser's session cookie."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie})) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code


def test_an_operators_deck_is_built_in_their_scope_logged_and_opens_for_them_alone(server, browser, downloads, store):
    snapshot = store.latest()
    operator = make_driver(download_dir=downloads)
    try:
        browser_login(operator, server, "op.agam")
        operator.get(server + "/rakor")
        click(operator, ids.RAKOR_BUAT)
        link = WebDriverWait(operator, 180).until(lambda d: d.find_elements(By.ID, ids.rakor_unduh("pptx")))[0]
        href, name = link.get_attribute("href"), link.get_attribute("download")
        link.click()
        deck = Presentation(str(downloaded(downloads, name)))
        titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
        # The job ran with the operator's scope: Agam's slide, no other kab/kota's.
        kabkota = list(snapshot.table("kabkota")["nama"])
        assert [t for t in titles if t in kabkota] == ["Kabupaten Agam"]
        # Built and downloaded: both in the audit log, with the operator's region and address.
        log = AuditLog(config.AUDIT_DB)
        built = log.entries(akun="op.agam", aksi="paket_rakor")[-1]
        assert (built.wilayah, built.alamat, built.rincian["slide"]) == ("13.06", "127.0.0.1", len(deck.slides))
        assert log.entries(akun="op.agam", aksi="ekspor")[-1].rincian["berkas"] == name
        assert http_status(href, operator) == 200
        # The link passed on to another account (even the province admin) opens nothing.
        assert http_status(href, browser) == 404
    finally:
        operator.quit()
