"""A plan's progress as the head of the poverty division reads it before a rakor: the demo's
two releases and its plan on the earlier one, the priority page's "Kemajuan rencana" card,
its figures against kantong.progress computed here, per kab/kota and per nagari, by keyboard."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import ids
from kantong import fmt, progress
from kantong.comparisons import ComparisonStore
from kantong.plans import PlanStore
from kantong.releases import ReleaseStore
from kantong.verval.results import ResultStore
from tests.auth import browser_login
from tests.browser.pages import make_driver, served
from tests.test_demo_releases import _run


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("kemajuan_demo")
    code, _ = _run(root)
    assert code == 0
    return root


@pytest.fixture(scope="module")
def server(demo_root):
    from app import create_app

    app = create_app(
        demo_root / "snapshots",
        demo_root / "rencana.sqlite",
        demo_root / "app",
        users_db=demo_root / "akun.sqlite",
        audit_db=demo_root / "audit.sqlite",
        verval_db=demo_root / "verval.sqlite",
    )
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def expected(demo_root):
    plans = PlanStore(demo_root / "rencana.sqlite")
    (listed,) = plans.list()
    comparisons = ComparisonStore(ReleaseStore(demo_root / "snapshots"), demo_root / "banding_uji")
    return progress.plan_progress(plans.open(listed["id"]), comparisons, ResultStore(demo_root / "verval.sqlite"))


def _card_text(driver) -> str:
    return driver.execute_script(
        f"const e = document.getElementById('{ids.KEMAJUAN_RINGKASAN}'); return e ? e.innerText : ''"
    )


def _grid_rows(driver) -> int:
    return driver.execute_script(
        f"return document.querySelectorAll('#{ids.KEMAJUAN_GRID} .ag-center-cols-container .ag-row').length"
    )


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_demo_plan_s_progress_is_on_the_priority_page(server, expected, size):
    driver = make_driver(*size)
    try:
        browser_login(driver, server)
        driver.get(server + "/prioritas")
        wait = WebDriverWait(driver, 60)
        wait.until(lambda d: "diukur dengan rilis demo" in (_card_text(d) or ""))
        text = _card_text(driver)
        total = expected.provinsi
        for m in progress.MEASURES:
            real, target = int(total[f"realisasi_{m.kunci}"]), int(total[f"target_{m.kunci}"])
            assert f"{m.label}\n{fmt.angka(real)} dari target {fmt.angka(target)} KK" in text
            assert progress.share_text(total[f"capaian_{m.kunci}"]) in text
        # One row per kab/kota with a plan nagari; then per nagari, chosen by keyboard.
        wait.until(lambda d: _grid_rows(d) == len(expected.kabkota))
        per_nagari = driver.find_element(By.CSS_SELECTOR, f"#{ids.KEMAJUAN_TINGKAT} input[value=desa]")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", per_nagari)
        driver.find_element(By.CSS_SELECTOR, f"#{ids.KEMAJUAN_TINGKAT} input[value=kabkota]").send_keys(
            Keys.ARROW_RIGHT
        )
        # The demo plan has one nagari per kab/kota, so the row count alone cannot tell the levels apart.
        wait.until(
            lambda d: (
                "Nagari/desa" in d.find_element(By.ID, ids.KEMAJUAN_GRID).text
                and _grid_rows(d) == len(expected.nagari)
                and not d.execute_script("return document.querySelector('[data-dash-is-loading=\"true\"]')")
            )
        )
        assert per_nagari.is_selected()
        names = driver.find_element(By.ID, ids.KEMAJUAN_GRID).text
        assert [nama for nama in expected.nagari["nama"] if nama not in names] == [], names[:600]
        # Nothing wider than the window.
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        driver.quit()
