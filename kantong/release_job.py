"""Building a data release in the background, for the releases page (/rilis).

The web worker writes what to build into <work>/rilis/tugas/<id>/masukan.json and starts

    python -m kantong.release_job <that folder>

as a process (and process group) of its own: the ETL's memory is never a web worker's, and a
build the data officer stops is stopped whole. The job's state is status.json in the same
folder, rewritten whole at every build step (temporary file, rename), so every gunicorn
worker can answer the page's polling: status, step, steps done and their total, messages,
the process id. The job calls ReleaseStore.build, which writes into staging and records
the build in the audit log as the admin who started it, from their address.

A stop request is a file `batal` in the folder and SIGTERM to the job's group: the job
stops at its next Python instruction, the build's own clean-up removes its temporary
folders, and a release the build registered in the meantime is discarded. A job that does
not end within KILL_AFTER_S is killed, and whoever looks next removes its leftovers.

Bad input (etl.errors.InputError) or a refused step (ReleaseError) ends the job with the
message, which names the file, sheet, row and column; nothing stays in staging (the store
and the ETL see to that). The uploaded files stay, so the officer can correct one and
build again; a successful build removes them (their SHA-256 is in the release list).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from etl import config

RUNNING = "berjalan"
DONE = "selesai"
FAILED = "gagal"
CANCELLED = "dibatalkan"
FINAL = (DONE, FAILED, CANCELLED)
STATUS_LABEL = {
    RUNNING: "sedang berjalan",
    DONE: "selesai",
    FAILED: "gagal",
    CANCELLED: "dihentikan",
}

JOBS_DIR = ("rilis", "tugas")  # under the app's work folder
INPUT_FILE = "masukan.json"
STATUS_FILE = "status.json"
PID_FILE = "pid"
CANCEL_FILE = "batal"
LOG_FILE = "log.txt"
BOUNDARY_DIR = "batas"
JOB_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{8}")
KILL_AFTER_S = 30  # a stopped job still running after this is killed
START_TIMEOUT_S = 120  # a job that never wrote its first step is taken as failed
KEEP_DAYS = 7  # finished jobs' folders (their messages) are removed after this


@dataclass(frozen=True)
class JobInputs:
    """What to build, as the page's form gave it; paths are absolute."""

    nama: str
    tanggal_referensi: str  # YYYY-MM-DD
    akun: str  # the admin who started it: the audit log's akun for the build
    alamat: str  # their address, as the audit log records it
    root: str  # the snapshot root (ReleaseStore.root)
    audit_db: str
    plans_db: str
    keluarga: list[str]
    individu: list[str]
    dtks: list[str]
    batas: list[str] = field(default_factory=list)  # none: the repository's boundaries
    padanan: str | None = None
    kode_wilayah: str | None = None
    cache_dir: str | None = None  # prepared boundaries, shared with the command line
    sesi: str | None = None  # the upload session's folder: removed once the release is built

    @classmethod
    def from_json(cls, data: dict) -> JobInputs:
        return cls(**data)


def jobs_root(work: Path) -> Path:
    return Path(work).joinpath(*JOBS_DIR)


def job_dir(work: Path, job_id: str) -> Path | None:
    """The folder of a job id from a request; None for anything that is not one."""
    if not isinstance(job_id, str) or not JOB_ID.fullmatch(job_id):
        return None
    folder = jobs_root(work) / job_id
    return folder if (folder / INPUT_FILE).is_file() else None


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# --- the web side: start, look, stop -------------------------------------------------------


def start(work: Path, inputs: JobInputs) -> str:
    """Start a build job; returns its id. The job runs on after the request has ended."""
    root = jobs_root(work).resolve()  # the job runs in the project's folder
    root.mkdir(parents=True, exist_ok=True)
    _remove_old(root)
    job_id = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    folder = root / job_id
    folder.mkdir()
    _write_json(folder / INPUT_FILE, asdict(inputs))
    _write_json(
        folder / STATUS_FILE,
        {
            "id": job_id,
            "nama": inputs.nama,
            "akun": inputs.akun,
            "tanggal_referensi": inputs.tanggal_referensi,
            "status": RUNNING,
            "langkah": "Menunggu proses build dimulai",
            "langkah_selesai": 0,
            "total_langkah": None,
            "pesan": [],
            "galat": None,
            "pid": None,
            "mulai": _now(),
            "selesai_pada": None,
        },
    )
    if inputs.sesi:
        _write_json(Path(inputs.sesi) / "tugas.json", {"tugas": job_id, "work": str(Path(work).resolve())})
    with open(folder / LOG_FILE, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kantong.release_job", str(folder)],
            cwd=config.PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a stop reaches all of it
            close_fds=True,
        )
    (folder / PID_FILE).write_text(str(process.pid), encoding="utf-8")
    # Reap it when it ends, so its id does not linger as a zombie that looks alive.
    threading.Thread(target=process.wait, name=f"rilis-{job_id}", daemon=True).start()
    return job_id


def _remove_old(root: Path) -> None:
    cutoff = time.time() - KEEP_DAYS * 86400
    for folder in root.iterdir():
        status = _read_json(folder / STATUS_FILE) if folder.is_dir() else None
        if status and status.get("status") in FINAL and (folder / STATUS_FILE).stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _pid(folder: Path) -> int | None:
    try:
        return int((folder / PID_FILE).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int | None, folder: Path) -> bool:
    """Whether the job's process still runs (and is this job, not a later process that
    got the same id)."""
    if not pid:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X"):  # ended, not yet reaped
        return False
    return b"kantong.release_job" in cmdline and any(arg.endswith(folder.name.encode()) for arg in cmdline)


def status(work: Path, job_id: str) -> dict | None:
    """The job's state as the page shows it. A job whose process has gone without saying
    so (killed, or the machine restarted) is marked failed or stopped here, and what it
    left in staging is removed; a stopped job still running after KILL_AFTER_S is killed."""
    folder = job_dir(work, job_id)
    if folder is None:
        return None
    state = _read_json(folder / STATUS_FILE)
    if state is None or state.get("status") in FINAL:
        return state
    pid = _pid(folder)
    cancel_at = _cancel_requested(folder)
    if _alive(pid, folder):
        if cancel_at is not None and time.time() - cancel_at > KILL_AFTER_S:
            _signal(pid, signal.SIGKILL)
        else:
            return state
    elif pid is None:
        started = (folder / STATUS_FILE).stat().st_mtime
        if time.time() - started < START_TIMEOUT_S:
            return state
    # Gone: read again (it may have written its end just now), else end it here.
    state = _read_json(folder / STATUS_FILE) or state
    if state.get("status") in FINAL:
        return state
    if _alive(pid, folder):
        return state  # the kill above takes a moment
    inputs = JobInputs.from_json(_read_json(folder / INPUT_FILE) or {})
    _clean_leftovers(inputs)
    if cancel_at is not None:
        return _finish(folder, state, CANCELLED, "Build dihentikan; berkas staging-nya dihapus.")
    return _finish(
        folder,
        state,
        FAILED,
        galat="Proses build berhenti tanpa menyelesaikan rilis (mungkin kehabisan memori atau server dimulai ulang). "
        "Berkas staging-nya dihapus; bangun ulang.",
    )


def _cancel_requested(folder: Path) -> float | None:
    try:
        return (folder / CANCEL_FILE).stat().st_mtime
    except OSError:
        return None


def _signal(pid: int | None, sig: int) -> None:
    if not pid:
        return
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def cancel(work: Path, job_id: str) -> dict | None:
    """Ask a running job to stop (SIGTERM to its group); status() follows up."""
    folder = job_dir(work, job_id)
    if folder is None:
        return None
    state = status(work, job_id)
    if state is None or state.get("status") in FINAL:
        return state
    (folder / CANCEL_FILE).write_text(_now(), encoding="utf-8")
    pid = _pid(folder)
    if _alive(pid, folder):
        _signal(pid, signal.SIGTERM)
    return status(work, job_id)


def jobs(work: Path) -> list[dict]:
    """Every job's state, oldest first."""
    root = jobs_root(work)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if JOB_ID.fullmatch(folder.name) and (folder / INPUT_FILE).is_file():
            state = status(work, folder.name)
            if state is not None:
                found.append(state)
    return found


def running(work: Path) -> dict | None:
    """The build running now, if one is (the page starts one at a time)."""
    return next((j for j in reversed(jobs(work)) if j.get("status") == RUNNING), None)


def session_in_use(session_dir: Path) -> str | None:
    """The id of the running job that builds from an upload session's files, if any."""
    marker = _read_json(Path(session_dir) / "tugas.json")
    if not marker or not marker.get("work"):
        return None
    state = status(Path(marker["work"]), str(marker.get("tugas")))
    return state["id"] if state and state.get("status") == RUNNING else None


def _finish(folder: Path, state: dict, outcome: str, pesan: str | None = None, galat: str | None = None) -> dict:
    state = {**state, "status": outcome, "selesai_pada": _now(), "galat": galat}
    if pesan:
        state["pesan"] = [*state.get("pesan", []), pesan]
    _write_json(folder / STATUS_FILE, state)
    return state


def _clean_leftovers(inputs: JobInputs) -> None:
    """What a build stopped hard leaves: its staging folders and their temporary
    siblings, unless the build had finished and registered the release (then it is
    discarded, as the stop asked)."""
    if not inputs.nama or not inputs.root:
        return
    from kantong.audit import AuditLog
    from kantong.releases import STAGING, ReleaseError, ReleaseStore

    store = ReleaseStore(inputs.root, AuditLog(inputs.audit_db), inputs.plans_db, alamat=inputs.alamat)
    try:
        registered = next((r for r in store.list() if r.nama == inputs.nama), None)
    except ReleaseError:
        registered = None
    if registered is not None and registered.status == STAGING:
        return  # a finished build: the officer decides (publish or discard)
    for folder in (store.staging_dir(inputs.nama), store.staging_family_dir(inputs.nama)):
        parent = folder.parent
        if not parent.is_dir():
            continue
        for path in parent.glob(f".{inputs.nama}.tmp-*"):
            shutil.rmtree(path, ignore_errors=True)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)


# --- the job itself ------------------------------------------------------------------------


class Cancelled(BaseException):
    """SIGTERM: the officer stopped the build (a BaseException, so no `except Exception`
    in the ETL swallows it)."""


def _on_term(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the clean-up is not interrupted
    raise Cancelled()


def _boundaries(inputs: JobInputs, folder: Path) -> Path:
    """The uploaded boundary files in one folder (a Shapefile's parts together), or the
    repository's boundaries when none was uploaded."""
    if not inputs.batas:
        return config.BOUNDARIES
    target = folder / BOUNDARY_DIR
    target.mkdir(exist_ok=True)
    for source in map(Path, inputs.batas):
        link = target / source.name
        if not link.exists():
            try:
                os.link(source, link)  # same file system: no copy
            except OSError:
                shutil.copy2(source, link)
    return target


def run(folder: Path) -> int:
    """Run the job in `folder`; returns the exit code (0 built, 2 bad input or refused,
    3 stopped, 1 unexpected)."""
    from etl.errors import InputError
    from etl.pipeline import BuildInputs, total_steps
    from kantong import fmt
    from kantong.audit import AuditLog
    from kantong.releases import PUBLISHED, STAGING, ReleaseError, ReleaseStore

    folder = Path(folder)
    inputs = JobInputs.from_json(json.loads((folder / INPUT_FILE).read_text(encoding="utf-8")))
    state = _read_json(folder / STATUS_FILE) or {"id": folder.name, "nama": inputs.nama, "akun": inputs.akun}
    state.update(pid=os.getpid(), status=RUNNING)
    audit = AuditLog(inputs.audit_db)
    store = ReleaseStore(inputs.root, audit, inputs.plans_db, alamat=inputs.alamat)
    # A release of this name that was there before: never this job's to discard when stopped.
    try:
        taken = any(r.nama == inputs.nama and r.status in (STAGING, PUBLISHED) for r in store.list())
    except ReleaseError:
        taken = True
    signal.signal(signal.SIGTERM, _on_term)
    build_inputs = BuildInputs(
        keluarga=[Path(p) for p in inputs.keluarga],
        individu=[Path(p) for p in inputs.individu],
        dtks=[Path(p) for p in inputs.dtks],
        boundaries=_boundaries(inputs, folder),
        reference_date=dt.date.fromisoformat(inputs.tanggal_referensi),
        out=Path(inputs.nama),  # replaced by the staging folder
        kode_wilayah=Path(inputs.kode_wilayah) if inputs.kode_wilayah else None,
        cache_dir=Path(inputs.cache_dir) if inputs.cache_dir else None,
    )
    state["total_langkah"] = total_steps(build_inputs)
    calls = [0]

    def step(label: str) -> None:
        # As etl.__main__.build_progress: a label starts a step, so the steps done are
        # the labels before it.
        state.update(langkah=label, langkah_selesai=calls[0])
        calls[0] += 1
        _write_json(folder / STATUS_FILE, state)

    step("Memulai build")
    calls[0] = 0
    try:
        release, _ = store.build(
            inputs.nama,
            build_inputs,
            inputs.akun,
            step,
            padanan=Path(inputs.padanan) if inputs.padanan else None,
        )
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # built: finish the bookkeeping
        if inputs.sesi:
            shutil.rmtree(inputs.sesi, ignore_errors=True)  # the release keeps their SHA-256
        shutil.rmtree(folder / BOUNDARY_DIR, ignore_errors=True)
        state.update(langkah="Selesai", langkah_selesai=state["total_langkah"])
        _finish(
            folder,
            state,
            DONE,
            f"Rilis '{release.nama}' dibangun di staging: {fmt.angka(release.baris.get('dimuat'))} baris dimuat, "
            f"{fmt.angka(release.baris.get('ditolak'))} ditolak. Dasbor belum berubah.",
        )
        return 0
    except Cancelled:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            built = next((r for r in store.list() if r.nama == inputs.nama), None)
            if not taken and built is not None and built.status == STAGING:
                store.discard(inputs.nama, inputs.akun)  # it finished as the stop came
        except ReleaseError:
            pass
        _clean_leftovers(inputs)
        shutil.rmtree(folder / BOUNDARY_DIR, ignore_errors=True)
        _finish(folder, state, CANCELLED, "Build dihentikan; berkas staging-nya dihapus.")
        return 3
    except (InputError, ReleaseError) as err:
        where = {}
        if isinstance(err, InputError):
            where = {k: getattr(err, k) for k in ("berkas", "lembar", "baris", "kolom", "fitur") if getattr(err, k)}
        audit.record("rilis_bangun_gagal", akun=inputs.akun, alamat=inputs.alamat, snapshot=inputs.nama, **where)
        shutil.rmtree(folder / BOUNDARY_DIR, ignore_errors=True)
        _finish(folder, state, FAILED, galat=str(err))
        return 2
    except Exception:  # the page gets a sentence, the log the traceback
        traceback.print_exc()
        audit.record("rilis_bangun_gagal", akun=inputs.akun, alamat=inputs.alamat, snapshot=inputs.nama)
        _clean_leftovers(inputs)
        shutil.rmtree(folder / BOUNDARY_DIR, ignore_errors=True)
        _finish(
            folder,
            state,
            FAILED,
            galat=f"Build gagal karena kesalahan yang tidak terduga; rinciannya ada di log server ({folder / LOG_FILE}).",
        )
        return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not (Path(argv[0]) / INPUT_FILE).is_file():
        print("Pemakaian: python -m kantong.release_job FOLDER_TUGAS (berisi masukan.json)", file=sys.stderr)
        return 2
    return run(Path(argv[0]))


if __name__ == "__main__":
    sys.exit(main())
