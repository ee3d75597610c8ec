import os
import sys
import tempfile
from pathlib import Path

# Accounts, the audit log and the session key of every app the tests start live in a
# temporary folder, never in the repository's data/ (set before etl.config is imported).
_STATE = Path(tempfile.mkdtemp(prefix="kantong-uji-"))
os.environ.setdefault("KANTONG_USERS", str(_STATE / "akun.sqlite"))
os.environ.setdefault("KANTONG_AUDIT", str(_STATE / "audit.sqlite"))
os.environ.setdefault("KANTONG_VERVAL", str(_STATE / "verval.sqlite"))
os.environ.setdefault("KANTONG_SECRET_KEY", "kunci-sesi-khusus-uji")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
