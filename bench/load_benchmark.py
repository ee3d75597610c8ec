"""The map under load (a script that prints figures, not a test).

    python bench/load_benchmark.py [--users 50,150] [--duration 60] [--warmup 15] [--snapshots DIR]
    python bench/load_benchmark.py --url http://127.0.0.1:8050 ...   # a server already running here

By default it starts `gunicorn app:server -w 2` on a free port of 127.0.0.1 (anew for each
number of users, with an empty cache directory of its own: KANTONG_CACHE), and stops it at
the end. Each simulated user opens the map (its first answer is a whole map) and then,
every 1 to 3 s, changes the map's indicator or its level (kab/kota, kecamatan,
nagari/desa), as a person does with the controls. Every change is the request the browser
sends for the map callback: a POST to /_dash-update-component whose output, inputs and
state are read from the app's own /_dash-dependencies, with the view in the address as
input and, as state, what the previous answer said the map shows (so the same regions
get a Patch of values and colours, new regions a whole figure).

A user whose answer has not come by its next change waits for it; the latency of that
next change is counted from when it was due, so a slow server cannot hide its queue.
Requests during the warm-up (the first --warmup seconds: users arriving, caches filling)
are reported apart. Only 127.0.0.1 is ever contacted; every run stops by itself after
--duration seconds or --max-requests requests.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl import config, indicators  # noqa: E402

LEVELS = ("kabkota", "kecamatan", "desa")
GOAL_P95_MS = 500
REQUEST_TIMEOUT = 30.0
LOCAL_HOSTS = ("127.0.0.1", "localhost")


@dataclass
class Callback:
    """The map callback as the browser calls it."""

    path: str  # /_dash-update-component?endId=...
    output: str
    outputs: list[dict]
    input_id: dict  # {"id": "url-peta", "property": "search"}
    state_id: dict  # {"id": "peta-tampil", "property": "data"}

    def body(self, search: str, shown: dict | None) -> bytes:
        state = dict(self.state_id) if shown is None else {**self.state_id, "value": shown}
        changed = f"{self.input_id['id']}.{self.input_id['property']}"
        return json.dumps(
            {
                "output": self.output,
                "outputs": self.outputs,
                "inputs": [{**self.input_id, "value": search}],
                "changedPropIds": [changed],
                "parsedChangedPropsIds": [changed],
                "state": [state],
            },
            separators=(",", ":"),
        ).encode()


@dataclass
class Result:
    due: float  # when the change was due (monotonic seconds)
    latency: float  # seconds from due to the whole answer read
    status: int
    size: int  # bytes on the wire (body as sent)
    error: str | None = None


@dataclass
class Run:
    users: int
    results: list[Result] = field(default_factory=list)


# --- a minimal HTTP/1.1 client on asyncio streams (one connection per request) ----------


# The logged-in session's cookie and CSRF token, sent with every request (log_in).
SESSION_HEADERS: dict[str, str] = {}
BENCH_USER, BENCH_PASSWORD = "bench.pimpinan", "sandi-benchmark-panjang"


def log_in(base: str, user: str, password: str) -> None:
    """Log in through the login page, as a person does, and keep the session for every request."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/masuk", timeout=30).read().decode()
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = urlencode({"username": user, "password": password, "csrf": token, "next": "/"}).encode()
    opener.open(base + "/masuk", data=form, timeout=60).read()
    cookies = {c.name: c.value for c in jar}
    if "kantong_sesi" not in cookies:
        raise SystemExit(f"login as {user} failed")
    SESSION_HEADERS.clear()
    SESSION_HEADERS.update(
        {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "X-CSRFToken": cookies["_csrf_token"]}
    )


async def http(host: str, port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    headers = {**SESSION_HEADERS, **(headers or {})}
    reader, writer = await asyncio.open_connection(host, port)
    try:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Connection: close",
            f"Content-Length: {len(body)}",
        ] + [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    response_headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines if ":" in h)}
    if response_headers.get("transfer-encoding", "").lower() == "chunked":
        payload = dechunk(payload)
    wire = len(payload)
    encoding = response_headers.get("content-encoding", "")
    if encoding == "gzip":
        payload = gzip.decompress(payload)
    elif encoding == "deflate":
        payload = zlib.decompress(payload)
    return status, payload, wire


def dechunk(data: bytes) -> bytes:
    out, i = bytearray(), 0
    while True:
        j = data.index(b"\r\n", i)
        n = int(data[i:j].split(b";")[0], 16)
        if n == 0:
            return bytes(out)
        out += data[j + 2 : j + 2 + n]
        i = j + 2 + n + 2


def get(url: str) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=SESSION_HEADERS), timeout=30) as resp:
        return resp.read()


def map_callback(base: str) -> Callback:
    """Build the map callback's request from what the app tells the browser."""
    page = get(base + "/").decode()
    start = page.index('<script id="_dash-config" type="application/json">') + len(
        '<script id="_dash-config" type="application/json">'
    )
    dash_config = json.loads(page[start : page.index("</script>", start)])
    prefix = dash_config.get("requests_pathname_prefix", "/")
    end_id = dash_config.get("end_id")
    deps = json.loads(get(base + prefix + "_dash-dependencies"))
    spec = next(d for d in deps if ".peta.figure." in f".{d['output']}." and "legenda.children" in d["output"])
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in spec["output"].strip(".").split("...")]
    path = prefix + "_dash-update-component" + (f"?{urlencode({'endId': end_id})}" if end_id else "")
    return Callback(path, spec["output"], outputs, spec["inputs"][0], spec["state"][0])


# --- users ------------------------------------------------------------------------------


async def working_indicators(host: str, port: int, cb: Callback) -> tuple[list[str], list[str]]:
    """The catalogue's indicators whose map the server draws when asked once, without load
    (an indicator that fails even then is a bug, not a load problem: left out and named)."""
    headers = {"Content-Type": "application/json", "Accept-Encoding": "gzip, deflate"}
    good, bad = [], []
    for ind in indicators.INDICATORS:
        search = "?" + urlencode({"tingkat": "kabkota", "indikator": ind.id})
        status, _, _ = await http(host, port, "POST", cb.path, cb.body(search, None), headers)
        (good if status == 200 else bad).append(ind.id if status == 200 else f"{ind.id} (HTTP {status})")
    return good, bad


async def user(
    n: int,
    host: str,
    port: int,
    cb: Callback,
    run: Run,
    stop_at: float,
    budget: list[int],
    rng: random.Random,
    indikator_ids: list[str],
) -> None:
    view = {
        "tingkat": rng.choice(LEVELS),
        "indikator": rng.choice(indikator_ids),
        "klasifikasi": "kuantil",
        "warna": "oranye",
    }
    shown = None
    due = time.monotonic() + rng.uniform(0, 3)  # users arrive over the first seconds
    headers = {"Content-Type": "application/json", "Accept": "application/json", "Accept-Encoding": "gzip, deflate"}
    first = True
    while True:
        now = time.monotonic()
        if due > now:
            await asyncio.sleep(due - now)
        if time.monotonic() >= stop_at or budget[0] <= 0:
            return
        budget[0] -= 1
        if not first:  # a person changes the indicator or the level
            if rng.random() < 0.5:
                view["indikator"] = rng.choice([k for k in indikator_ids if k != view["indikator"]])
            else:
                view["tingkat"] = rng.choice([lv for lv in LEVELS if lv != view["tingkat"]])
        first = False
        search = "?" + urlencode(view)
        try:
            status, payload, wire = await asyncio.wait_for(
                http(host, port, "POST", cb.path, cb.body(search, shown), headers), REQUEST_TIMEOUT
            )
            error = None if status == 200 else f"HTTP {status}"
            if status == 200:
                answer = json.loads(payload)["response"]
                shown = answer[cb.state_id["id"]][cb.state_id["property"]]
                if shown.get("wilayah") and "wilayah" not in view:
                    # From now on the address holds the whole view, as the browser's does.
                    view = {
                        "tingkat": view["tingkat"],
                        "wilayah": shown["wilayah"],
                        "indikator": view["indikator"],
                        "klasifikasi": "kuantil",
                        "warna": "oranye",
                        "profil": shown["wilayah"],
                    }
        except (OSError, asyncio.TimeoutError, ValueError, KeyError, IndexError) as err:
            status, wire, error = 0, 0, f"{type(err).__name__}: {err}"[:120]
        run.results.append(Result(due, time.monotonic() - due, status, wire, error))
        due += rng.uniform(1.0, 3.0)


async def load(
    host: str,
    port: int,
    cb: Callback,
    users: int,
    duration: float,
    max_requests: int,
    seed: int,
    indikator_ids: list[str],
) -> Run:
    run = Run(users)
    stop_at = time.monotonic() + duration
    budget = [max_requests]
    rng = random.Random(seed)
    await asyncio.gather(
        *(
            user(i, host, port, cb, run, stop_at, budget, random.Random(rng.random()), indikator_ids)
            for i in range(users)
        )
    )
    return run


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(snapshots: Path, workers: int, work: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {
        **os.environ,
        "KANTONG_SNAPSHOTS": str(snapshots),
        "KANTONG_CACHE": str(work / "cache"),
        "KANTONG_PLANS": str(work / "rencana.sqlite"),
        "KANTONG_USERS": str(work / "akun.sqlite"),
        "KANTONG_AUDIT": str(work / "audit.sqlite"),
        "KANTONG_SECRET_KEY": secrets.token_hex(16),
    }
    from kantong.accounts import AccountStore

    AccountStore(work / "akun.sqlite").add(BENCH_USER, "pimpinan", BENCH_PASSWORD)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "app:server", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            get(base + "/masuk")
            return base, proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting") from None
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer within 120 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- figures ----------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def report(run: Run, started: float, warmup: float, duration: float) -> dict:
    steady = [r for r in run.results if r.due - started >= warmup]
    warm = [r for r in run.results if r.due - started < warmup]
    ok = [r.latency * 1000 for r in steady if r.error is None]
    errors = [r for r in run.results if r.error]
    window = max(duration - warmup, 1e-9)
    figures = {
        "users": run.users,
        "requests": len(steady),
        "rps": len(steady) / window,
        "p50": pct(ok, 0.50),
        "p95": pct(ok, 0.95),
        "p99": pct(ok, 0.99),
        "max": max(ok, default=float("nan")),
        "errors": len(errors),
        "kb": statistics.mean(r.size for r in steady) / 1e3 if steady else float("nan"),
        "warmup_requests": len(warm),
        "warmup_p95": pct([r.latency * 1000 for r in warm if r.error is None], 0.95),
    }
    kinds = sorted({e.error for e in errors})[:3]
    print(
        f"{run.users:>5} users  {figures['rps']:6.1f} req/s  p50 {figures['p50']:6.0f}  p95 {figures['p95']:6.0f}  "
        f"p99 {figures['p99']:6.0f}  max {figures['max']:6.0f} ms  errors {figures['errors']}"
        f"  ({figures['requests']} requests, {figures['kb']:.1f} KB each on average; warm-up: "
        f"{figures['warmup_requests']} requests, p95 {figures['warmup_p95']:.0f} ms)" + (f"  {kinds}" if kinds else "")
    )
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", default="50,150", help="simulated users per run, comma separated")
    ap.add_argument("--duration", type=float, default=75.0, help="seconds per run, warm-up included (max 600)")
    ap.add_argument("--warmup", type=float, default=15.0, help="seconds at the start of a run left out of the figures")
    ap.add_argument("--max-requests", type=int, default=60_000, help="requests per run at most")
    ap.add_argument("--snapshots", type=Path, default=config.SNAPSHOT_ROOT)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--url", help="a server already running on this machine (http://127.0.0.1:PORT)")
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--akun", default=BENCH_USER, help="account to log in with on --url (made anew for gunicorn)")
    ap.add_argument("--sandi", default=BENCH_PASSWORD, help="its password")
    args = ap.parse_args()
    duration = min(max(args.duration, 1.0), 600.0)
    counts = [int(n) for n in args.users.split(",") if n.strip()]
    if args.url and urlsplit(args.url).hostname not in LOCAL_HOSTS:
        raise SystemExit("--url must be a server on this machine (127.0.0.1)")

    server = f"server at {args.url}" if args.url else f"gunicorn app:server -w {args.workers}"
    print(
        f"map callback under load: {server}, "
        f"snapshot root {args.snapshots}; each user changes indicator or level every 1-3 s; "
        f"{duration:.0f} s per run, the first {args.warmup:.0f} s left out; load generator on this machine"
    )
    summary = []
    for users in counts:
        with tempfile.TemporaryDirectory(prefix="kantong-load-") as tmp:
            proc = None
            base = args.url.rstrip("/") if args.url else None
            if base is None:
                base, proc = start_gunicorn(args.snapshots, args.workers, Path(tmp))
            try:
                log_in(base, args.akun, args.sandi)
                cb = map_callback(base)
                host, port = "127.0.0.1", urlsplit(base).port or 80
                indikator_ids, broken = asyncio.run(working_indicators(host, port, cb))
                if broken:
                    print(f"      left out, failing without load: {', '.join(broken)}")
                started = time.monotonic()
                run = asyncio.run(
                    load(host, port, cb, users, duration, args.max_requests, args.seed + users, indikator_ids)
                )
                summary.append(report(run, started, args.warmup, duration))
            finally:
                if proc is not None:
                    stop(proc)
    worst = max((f["p95"] for f in summary), default=float("nan"))
    print(
        f"goal: p95 <= {GOAL_P95_MS} ms and no error at 150 users; worst p95 here {worst:.0f} ms, "
        f"errors {sum(f['errors'] for f in summary)}"
    )


if __name__ == "__main__":
    main()
