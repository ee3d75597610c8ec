"""Browser tests: the real app on a free local port, driven by Debian's headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

from tests.browser.pages import make_driver  # noqa: E402


@pytest.fixture(scope="session")
def snapshot_root(tmp_path_factory):
    import datetime as dt

    from etl import config
    from etl.demo import generate
    from etl.pipeline import BuildInputs, build

    root = tmp_path_factory.mktemp("app")
    files = generate(root / "input", scale=0.02, seed=2023)
    build(
        BuildInputs(
            keluarga=files.keluarga,
            individu=files.individu,
            dtks=files.dtks,
            boundaries=config.BOUNDARIES,
            kode_wilayah=config.KODE_WILAYAH,
            reference_date=dt.date.fromisoformat(config.DEMO_REFERENCE_DATE),
            out=root / "snapshots" / "uji",
            cache_dir=root / "cache",
        )
    )
    return root / "snapshots"


@pytest.fixture(scope="session")
def server(snapshot_root):
    from app import create_app
    from tests.browser.pages import served

    with served(
        create_app(snapshot_root, snapshot_root.parent / "rencana.sqlite", snapshot_root.parent / "app")
    ) as url:
        yield url


@pytest.fixture(scope="session")
def store(snapshot_root):
    from kantong.data import SnapshotStore

    return SnapshotStore(snapshot_root)


@pytest.fixture
def downloads(tmp_path):
    folder = tmp_path / "unduhan"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(downloads, server):
    """A browser logged in as the province admin, as every page needs a session."""
    from tests.auth import browser_login

    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.fail("Debian chromium and chromium-driver are required for browser tests (.ci/run installs them)")
    driver = make_driver(download_dir=downloads)
    browser_login(driver, server)
    yield driver
    driver.quit()


def save_screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
