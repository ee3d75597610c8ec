"""Browser tests: the real app on a free local port, driven by Debian's headless Chromium."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session")
def snapshot_root(tmp_path_factory):
    from etl import config
    from etl.demo import generate
    from etl.pipeline import BuildInputs, build

    import datetime as dt

    root = tmp_path_factory.mktemp("app")
    files = generate(root / "input", scale=0.02, seed=2023)
    build(BuildInputs(keluarga=files.keluarga, individu=files.individu, dtks=files.dtks,
                      boundaries=config.SHARED_DATA / "boundaries", kode_wilayah=config.KODE_WILAYAH,
                      reference_date=dt.date.fromisoformat(config.DEMO_REFERENCE_DATE),
                      out=root / "snapshots" / "uji", cache_dir=root / "cache"))
    return root / "snapshots"


@pytest.fixture(scope="session")
def server(snapshot_root):
    from werkzeug.serving import make_server

    from app import create_app

    app = create_app(snapshot_root)
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def store(snapshot_root):
    from kantong.data import SnapshotStore

    return SnapshotStore(snapshot_root)


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.fail("Debian chromium and chromium-driver are required for browser tests (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,850",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--enable-unsafe-swiftshader"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def save_screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
