"""Logging in, working and logging out, as a person does in the browser."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import ids
from tests.auth import PASSWORD
from tests.browser.conftest import save_screenshot
from tests.browser.pages import make_driver, text_of, wait_map


def test_log_in_work_and_log_out(server):
    driver = make_driver()
    try:
        driver.set_window_size(1366, 768)
        driver.get(server + "/prioritas")
        WebDriverWait(driver, 20).until(lambda d: "/masuk" in d.current_url)
        assert "next=%2Fprioritas" in driver.current_url or "next=/prioritas" in driver.current_url
        # A wrong password is refused, in Indonesian, without saying which part was wrong.
        driver.find_element(By.NAME, "username").send_keys("kadis.uji")
        driver.find_element(By.NAME, "password").send_keys("bukan-sandinya")
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, 20).until(lambda d: "Nama akun atau kata sandi salah" in d.page_source)
        save_screenshot(driver, "30_masuk_salah")
        driver.find_element(By.NAME, "username").send_keys("kadis.uji")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        # Back to the page asked for, with the person and role in the bar and only their pages.
        WebDriverWait(driver, 20).until(lambda d: d.current_url.endswith("/prioritas"))
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, ids.KELUAR))
        bar = text_of(driver, ".kantong-navbar")
        assert "kadis.uji" in bar and "Pimpinan" in bar
        assert not driver.find_elements(By.ID, "nav-admin")
        driver.get(server + "/")
        wait_map(driver)
        driver.find_element(By.ID, ids.KELUAR).click()
        WebDriverWait(driver, 20).until(lambda d: "Anda telah keluar" in d.page_source)
        driver.get(server + "/")
        WebDriverWait(driver, 20).until(lambda d: "/masuk" in d.current_url)
    finally:
        driver.quit()
