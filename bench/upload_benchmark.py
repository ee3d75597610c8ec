"""Uploading a release and building it from the releases page (a script that prints figures,
not a test).

    python bench/upload_benchmark.py [--berkas DIR] [--ukuran-gb 1.3] [--workers 2] [--skala 0.05]

It starts `gunicorn app:server -w 2` on a free port of 127.0.0.1 with every KANTONG_* path in
a temporary folder, logs in as an admin through the login page and then, as the page's script
(assets/kantong/unggah.js) does over HTTP:

1. uploads a file set of about 1.3 GB in 8 MB chunks (PUT of the raw bytes): the full demo
   exports if a folder of them is given or found under /tmp/k/full*/input, else files of
   random bytes made for the run. While it runs, the resident memory (VmRSS) of every
   gunicorn worker is read every 20 ms; it prints the throughput and each worker's peak
   above its idle size (goal: at most 300 MB above idle). Then it cancels the upload
   (DELETE), which removes the files.
2. uploads the demo exports at --skala (0.05: a twentieth of the province), starts the build
   with the page's own callback, waits for the job (its state file, as the page's polling
   reads it) and publishes with the page's confirmation callback: it prints the time from
   pressing "Bangun rilis" to the release being published, the job's own steps, and the peak
   memory of the job's process and of the web workers meanwhile.

Only 127.0.0.1 is contacted; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kantong import release_job  # noqa: E402

CHUNK = 8 * 2**20  # as unggah.js sends on a fast link
ADMIN, PASSWORD = "bench.admin", "sandi-benchmark-panjang"
GOAL_MB = 300
HEADERS = {"X-Kantong-Unggah": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(tmp: Path, workers: int) -> tuple[str, subprocess.Popen]:
    from kantong.accounts import AccountStore

    AccountStore(tmp / "akun.sqlite").add(ADMIN, "admin", PASSWORD)
    env = {
        **os.environ,
        "KANTONG_SNAPSHOTS": str(tmp / "snapshots"),
        "KANTONG_CACHE": str(tmp / "cache"),
        "KANTONG_PLANS": str(tmp / "rencana.sqlite"),
        "KANTONG_USERS": str(tmp / "akun.sqlite"),
        "KANTONG_AUDIT": str(tmp / "audit.sqlite"),
        "KANTONG_VERVAL": str(tmp / "verval.sqlite"),
        "KANTONG_KELUARGA": str(tmp / "keluarga"),
        "KANTONG_SECRET_KEY": secrets.token_hex(16),
        "KANTONG_WARM_RENDERER": "0",
    }
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "app:server", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            try:
                requests.get(base + "/masuk", timeout=30)
                return base, proc
            except (requests.ConnectionError, requests.Timeout):  # still starting (a busy machine is slow)
                if proc.poll() is not None:
                    raise RuntimeError("gunicorn stopped while starting") from None
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within 120 s")
    except BaseException:
        stop(proc)  # never leave a server (and its workers) behind
        raise


def stop(proc: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (by their ids: a worker left behind would keep running)."""
    workers = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    for worker in workers:
        if worker.is_running():
            worker.kill()


def log_in(base: str) -> requests.Session:
    client = requests.Session()
    page = client.get(base + "/masuk", timeout=30).text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    answer = client.post(
        base + "/masuk",
        data={"username": ADMIN, "password": PASSWORD, "csrf": token, "next": "/"},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302 or "_csrf_token" not in client.cookies:
        raise SystemExit("login failed")
    client.headers["X-CSRFToken"] = client.cookies["_csrf_token"]
    return client


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Sampler:
    """The largest VmRSS each of some processes reaches while it runs (read every 20 ms); for
    a process added with `own_peak` (the build job, which starts and ends meanwhile), also
    its VmHWM, the kernel's own record of its peak."""

    def __init__(self, pids: list[int]):
        self.peak = dict.fromkeys(pids, 0.0)
        self.own_peak: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def add(self, pid: int, own_peak: bool = True) -> None:
        self.peak.setdefault(pid, 0.0)
        if own_peak:
            self.own_peak.add(pid)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in list(self.peak):
                value = max(rss_mb(pid), rss_mb(pid, "VmHWM") if pid in self.own_peak else 0.0)
                if value == value:  # not NaN: the process is there
                    self.peak[pid] = max(self.peak[pid], value)
            self._stop.wait(0.02)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def upload(client: requests.Session, base: str, files: list[Path]) -> tuple[str, int]:
    """Send every file in CHUNK-sized PUTs into one session; returns it and the bytes sent."""
    sesi = client.post(base + "/rilis/unggah", headers=HEADERS, timeout=60).json()["sesi"]
    sent = 0
    for path in files:
        total = path.stat().st_size
        with open(path, "rb") as f:
            offset = 0
            while True:
                data = f.read(CHUNK)
                if not data and offset:
                    break
                answer = client.put(
                    f"{base}/rilis/unggah/{sesi}/{path.name}",
                    params={"offset": offset, "total": total},
                    data=data,
                    headers={**HEADERS, "Content-Type": "application/octet-stream"},
                    timeout=120,
                )
                if answer.status_code != 200:
                    raise SystemExit(f"{path.name} at {offset}: {answer.status_code} {answer.text[:300]}")
                offset += len(data)
                sent += len(data)
                if offset >= total:
                    break
    return sesi, sent


def file_set(folder: Path | None, tmp: Path, gigabytes: float) -> list[Path]:
    if folder is None:
        found = sorted(glob.glob("/tmp/k/full*/input"))
        folder = Path(found[0]) if found else None
    if folder is not None:
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".txt", ".xlsx"))
        print(f"file set: {len(files)} demo exports from {folder}")
        return files
    target = tmp / "acak"
    target.mkdir()
    count = 13
    each = int(gigabytes * 1e9 / count)
    for i in range(count):
        with open(target / f"ekspor_{i:02d}.csv", "wb") as out:
            left = each
            while left:
                block = os.urandom(min(left, CHUNK))
                out.write(block)
                left -= len(block)
    print(f"file set: {count} files of random bytes, {each / 1e6:,.0f} MB each")
    return sorted(target.iterdir())


def callback(deps: list[dict], output_has: str) -> dict:
    return next(d for d in deps if output_has in d["output"].strip(".").split("..."))


def outputs_of(output: str) -> list[dict]:
    parts = output.strip(".").split("...")
    return [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in parts]


def build_and_publish(client: requests.Session, base: str, work: Path, files: list[Path], workers: list[int]) -> None:
    """Upload the demo exports, press "Bangun rilis" (the page's callback), wait for the
    job and publish (the confirmation's callback); prints the times and memory."""
    sesi, sent = upload(client, base, files)
    listed = client.post(base + "/rilis/unggah", headers=HEADERS, timeout=60).json()["berkas"]
    kinds = {b["nama"]: b["jenis"] or "abaikan" for b in listed}
    deps = client.get(base + "/_dash-dependencies", timeout=60).json()
    start = callback(deps, "rilis-tugas.data")
    body = {
        "output": start["output"],
        "outputs": outputs_of(start["output"]),
        "inputs": [{"id": "rilis-bangun", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["rilis-bangun.n_clicks"],
        "state": [
            {"id": "rilis-nama", "property": "value", "value": "2024-03"},
            {"id": "rilis-tanggal", "property": "value", "value": "2024-03-01"},
            [{"id": {"berkas": n, "type": "rilis-jenis"}, "property": "value", "value": k} for n, k in kinds.items()],
            [
                {
                    "id": {"berkas": n, "type": "rilis-jenis"},
                    "property": "id",
                    "value": {"berkas": n, "type": "rilis-jenis"},
                }
                for n in kinds
            ],
        ],
    }
    pressed = time.perf_counter()
    answer = client.post(base + "/_dash-update-component", json=body, timeout=60).json()
    job_id = answer["response"]["rilis-tugas"]["data"]
    folder = release_job.jobs_root(work) / job_id
    job_pid = None
    with Sampler(workers) as sampler:
        while True:
            state = release_job.status(work, job_id)
            if job_pid is None and (folder / release_job.PID_FILE).is_file():
                job_pid = int((folder / release_job.PID_FILE).read_text())
                sampler.add(job_pid)
            if state["status"] != release_job.RUNNING:
                break
            time.sleep(0.05)
        built = time.perf_counter()
    if state["status"] != release_job.DONE:
        raise SystemExit(f"build ended {state['status']}: {state.get('galat')}")
    confirm = callback(deps, "rilis-pesan.children")
    body = {
        "output": confirm["output"],
        "outputs": outputs_of(confirm["output"]),
        "inputs": [{"id": "rilis-konfirmasi-ya", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["rilis-konfirmasi-ya.n_clicks"],
        "state": [
            {"id": "rilis-konfirmasi-aksi", "property": "data", "value": {"aksi": "terbitkan", "nama": "2024-03"}}
        ],
    }
    published = client.post(base + "/_dash-update-component", json=body, timeout=60)
    done = time.perf_counter()
    if "terbit dan kini tampil" not in published.text:
        raise SystemExit(f"publish failed: {published.text[:400]}")
    started = time.mktime(time.strptime(state["mulai"][:19], "%Y-%m-%dT%H:%M:%S"))
    ended = time.mktime(time.strptime(state["selesai_pada"][:19], "%Y-%m-%dT%H:%M:%S"))
    print(
        f"\nbuild to publish ({len(files)} demo exports, {sent / 2**20:,.1f} MB, {state['total_langkah']} steps):\n"
        f"  'Bangun rilis' pressed -> job done: {built - pressed:6.1f} s (the job's own clock: {ended - started:.0f} s)\n"
        f"  publish (confirmation callback):   {done - built:6.2f} s\n"
        f"  'Bangun rilis' -> published:       {done - pressed:6.1f} s\n"
        f"  job process peak RSS:             {sampler.peak.get(job_pid, float('nan')):6.0f} MB (its own process)\n"
        + "".join(
            f"  web worker {pid} RSS meanwhile:  {rss_mb(pid):6.0f} MB now, peak {sampler.peak[pid]:.0f} MB\n"
            for pid in workers
        )
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--berkas", type=Path, default=None, help="folder of the files to upload (default: demo exports)")
    ap.add_argument("--ukuran-gb", type=float, default=1.3, help="size of the random file set when no folder is found")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skala", type=float, default=0.05, help="scale of the demo exports that are built and published")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kantong-unggah-") as name:
        tmp = Path(name)
        files = file_set(args.berkas, tmp, args.ukuran_gb)
        total = sum(p.stat().st_size for p in files)
        base, proc = start_gunicorn(tmp, args.workers)
        try:
            workers = [c.pid for c in psutil.Process(proc.pid).children()]
            client = log_in(base)
            # Warm-up: every upload code path loaded in both workers before idle is read.
            warm = tmp / "pemanasan.csv"
            warm.write_bytes(b"NIK,PKH\n" + b"1301010101900005,1\n" * 1000)
            for _ in range(4):
                sesi, _ = upload(client, base, [warm])
                client.delete(f"{base}/rilis/unggah/{sesi}", headers=HEADERS, timeout=60)
            time.sleep(1.0)
            idle = {pid: rss_mb(pid) for pid in workers}
            hwm_before = {pid: rss_mb(pid, "VmHWM") for pid in workers}
            with Sampler(workers) as sampler:
                t0 = time.perf_counter()
                sesi, sent = upload(client, base, files)
                elapsed = time.perf_counter() - t0
            t1 = time.perf_counter()
            removed = client.delete(f"{base}/rilis/unggah/{sesi}", headers=HEADERS, timeout=300).json()["dihapus"]
            cancel_s = time.perf_counter() - t1
            print(
                f"upload: {len(files)} files, {total / 2**30:.2f} GB ({total / 1e9:.2f} GB decimal) in {elapsed:.1f} s "
                f"= {total / 2**20 / elapsed:,.0f} MB/s over 127.0.0.1, {CHUNK // 2**20} MB chunks, "
                f"gunicorn -w {args.workers}"
            )
            for pid in workers:
                above = sampler.peak[pid] - idle[pid]
                hwm = rss_mb(pid, "VmHWM")
                print(
                    f"  worker {pid}: idle {idle[pid]:.0f} MB, peak during upload {sampler.peak[pid]:.0f} MB "
                    f"(+{above:.0f} MB; goal <= {GOAL_MB}), VmHWM {hwm_before[pid]:.0f} -> {hwm:.0f} MB"
                )
            print(f"cancel (DELETE): {removed} files removed in {cancel_s:.2f} s")

            from etl.demo import generate

            demo = generate(tmp / "demo", scale=args.skala, seed=2023)
            build_and_publish(client, base, tmp / "cache" / "app", sorted(demo.all), workers)
        finally:
            stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
