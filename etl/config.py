"""Where things live. Paths can be overridden by environment variables for deployment.

The reference data the product runs on (boundaries, the official region code list, the
kab/kota population table) is part of this repository, under `data/`: nothing is read from
outside it.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
SNAPSHOT_ROOT = Path(os.environ.get("KANTONG_SNAPSHOTS", DATA_DIR / "snapshots"))
DEMO_INPUT = Path(os.environ.get("KANTONG_DEMO_INPUT", DATA_DIR / "demo"))
# The default boundary layers (see data/boundaries/README.md); `--boundaries` or this
# variable points the ETL at other ones.
BOUNDARIES = Path(os.environ.get("KANTONG_BOUNDARIES", DATA_DIR / "boundaries"))
# The family store (BNBA: names, addresses, NIKs) of each snapshot, kept apart from it: under
# this folder when set, else in data/keluarga/ beside data/snapshots/ (see family_dir).
KELUARGA_ROOT = os.environ.get("KANTONG_KELUARGA") or None
# Prepared (repaired, simplified) boundaries, reused while the boundary files are unchanged.
CACHE_DIR = Path(os.environ.get("KANTONG_CACHE", DATA_DIR / "cache"))

# Saved action plans (rencana aksi).
PLANS_DB = Path(os.environ.get("KANTONG_PLANS", DATA_DIR / "rencana.sqlite"))

# Region codes and facts (see data/wilayah/README.md).
KODE_WILAYAH = Path(os.environ.get("KANTONG_KODE_WILAYAH", DATA_DIR / "wilayah" / "13_kode_wilayah.csv"))
PENDUDUK_KABKOTA = DATA_DIR / "wilayah" / "13_kabkota_penduduk.csv"

# Who publishes the maps, tables and decks; by default the provincial social affairs office
# of the snapshot's province ("Dinas Sosial Provinsi <nama>").
INSTANSI = os.environ.get("KANTONG_INSTANSI") or None

# Rates resting on fewer families (or people) than this are "terlalu sedikit": shown as such,
# kept out of map classes, rankings and the priority score (the small-numbers problem).
MIN_PENYEBUT = int(os.environ.get("KANTONG_MIN_PENYEBUT", "10"))

# The 2023 assessment's reference date (report of August 2023).
DEMO_REFERENCE_DATE = "2023-08-22"

# Accounts (login) and the append-only audit log; see README "Akun, peran dan data pribadi".
USERS_DB = Path(os.environ.get("KANTONG_USERS", DATA_DIR / "akun.sqlite"))
AUDIT_DB = Path(os.environ.get("KANTONG_AUDIT", DATA_DIR / "audit.sqlite"))
# Field verification: lists made, imported results and follow-ups (kantong/verval/results.py).
VERVAL_DB = Path(os.environ.get("KANTONG_VERVAL", DATA_DIR / "verval.sqlite"))
# How long audit rows are kept (days) before `python -m kantong audit rotate` removes them.
AUDIT_RETENTION_DAYS = int(os.environ.get("KANTONG_AUDIT_RETENTION_DAYS", str(5 * 365)))
# Sessions: idle timeout and absolute lifetime (hours); cookies marked Secure behind HTTPS.
SESSION_IDLE_HOURS = float(os.environ.get("KANTONG_SESSION_IDLE_HOURS", "8"))
SESSION_MAX_HOURS = float(os.environ.get("KANTONG_SESSION_MAX_HOURS", "24"))
SECURE_COOKIES = os.environ.get("KANTONG_SECURE_COOKIES", "0") == "1"


def family_dir(snapshot: Path) -> Path:
    """The family store's folder of the snapshot folder `snapshot`: <KANTONG_KELUARGA>/<name>,
    or <snapshot's grandparent>/keluarga/<name> (data/keluarga/demo for data/snapshots/demo),
    never inside the snapshot, which the app reads freely."""
    snapshot = Path(snapshot)
    root = Path(KELUARGA_ROOT) if KELUARGA_ROOT else snapshot.parent.parent / "keluarga"
    return root / snapshot.name
