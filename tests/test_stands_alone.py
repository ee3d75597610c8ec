"""The product carries its reference data and reads nothing outside its repository."""

import subprocess

from etl import config

REFERENCE_FILES = [
    "data/boundaries/13_desa.geojson.zip",
    "data/boundaries/13_kecamatan.geojson.zip",
    "data/boundaries/13_kabkota.geojson.zip",
    "data/wilayah/13_kode_wilayah.csv",
    "data/wilayah/13_kabkota_penduduk.csv",
]


def test_reference_data_is_in_the_repository_with_its_licence():
    root = config.PROJECT_ROOT
    for name in REFERENCE_FILES:
        assert (root / name).is_file(), name
    assert sum((root / name).stat().st_size for name in REFERENCE_FILES) <= 5_000_000
    for folder in ("data/boundaries", "data/wilayah"):
        readme = (root / folder / "README.md").read_text(encoding="utf-8")
        assert "MIT" in readme and "cahyadsn" in readme
        assert "Permission is hereby granted" in (root / folder / "LICENSE").read_text(encoding="utf-8")
    assert config.KODE_WILAYAH.is_file() and config.PENDUDUK_KABKOTA.is_file()


def test_no_file_of_the_product_points_outside_the_repository():
    root = config.PROJECT_ROOT
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    # .ci/run names ../shared only to check that it is absent.
    for name in sorted(set(tracked) - {"tests/test_stands_alone.py", ".ci/run"}):
        if name.endswith((".py", ".md", ".txt", ".ini", ".toml", ".cfg", ".js", ".css")) or name.startswith(".ci/"):
            text = (root / name).read_text(encoding="utf-8", errors="replace")
            if "../shared" in text or "shared/data" in text or "shared/docs" in text:
                offenders.append(name)
    assert offenders == []
