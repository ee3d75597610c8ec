"""Where things live. Paths can be overridden by environment variables for deployment."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KANTONG_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))
SNAPSHOT_ROOT = Path(os.environ.get("KANTONG_SNAPSHOTS", PROJECT_ROOT / "data" / "snapshots"))
DEMO_INPUT = Path(os.environ.get("KANTONG_DEMO_INPUT", PROJECT_ROOT / "data" / "demo"))
LOCAL_BOUNDARIES = PROJECT_ROOT / "data" / "boundaries"
# Prepared (repaired, simplified) boundaries, reused while the boundary files are unchanged.
CACHE_DIR = Path(os.environ.get("KANTONG_CACHE", PROJECT_ROOT / "data" / "cache"))

# Saved action plans (rencana aksi).
PLANS_DB = Path(os.environ.get("KANTONG_PLANS", PROJECT_ROOT / "data" / "rencana.sqlite"))

KODE_WILAYAH = SHARED_DATA / "wilayah" / "13_kode_wilayah.csv"
PENDUDUK_KABKOTA = SHARED_DATA / "wilayah" / "13_kabkota_penduduk.csv"

# The 2023 assessment's reference date (report of August 2023).
DEMO_REFERENCE_DATE = "2023-08-22"


def default_boundaries() -> Path:
    """`data/boundaries` when a user has put files there, else the shared reference set."""
    if LOCAL_BOUNDARIES.is_dir() and any(
        p.suffix.lower() in {".geojson", ".json", ".shp", ".gpkg", ".zip", ".fgb"} for p in LOCAL_BOUNDARIES.iterdir()
    ):
        return LOCAL_BOUNDARIES
    return SHARED_DATA / "boundaries"
