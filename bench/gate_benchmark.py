"""What the login gate and the scope add to a map callback (a script that prints figures).

    python bench/gate_benchmark.py [--snapshots DIR] [--requests 300]

Fires the map callback through Flask's test client as a logged-in pimpinan (whole
province) and as an operator (one kab/kota, a scoped snapshot), and times, per request, the
gate's own work (session, account, CSRF, policy; kantong.gate before/after) and the whole
request. The first request of each view is left out (it fills the map cache).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl import config  # noqa: E402
from tests.auth import login  # noqa: E402

VIEWS = ["?tingkat=kabkota&indikator=kk_d1_non_dtks", "?tingkat=desa&indikator=pct_d1_bansos"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=Path, default=config.SNAPSHOT_ROOT)
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    from app import create_app
    from kantong import gate

    work = Path(tempfile.mkdtemp(prefix="kantong-gate-"))
    app = create_app(args.snapshots, work / "rencana.sqlite", work / "app", work / "akun.sqlite", work / "audit.sqlite")
    spent: list[float] = []

    def timed(function, first: bool):
        def wrapper(*args):
            t = time.perf_counter()
            try:
                return function(*args)
            finally:
                if first:
                    spent.append(time.perf_counter() - t)
                else:
                    spent[-1] += time.perf_counter() - t

        return wrapper

    # The gate's hooks as Flask calls them (kantong.gate.install registered them).
    befores, afters = app.server.before_request_funcs[None], app.server.after_request_funcs[None]
    for hooks, first in ((befores, True), (afters, False)):
        for i, hook in enumerate(hooks):
            if isinstance(getattr(hook, "__self__", None), gate.Gate):
                hooks[i] = timed(hook, first)
    output = next(k for k in app.callback_map if "peta.figure" in k and "legenda.children" in k)
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in output.strip(".").split("...")]
    kabkota = next(
        iter(
            __import__("kantong.data", fromlist=["SnapshotStore"])
            .SnapshotStore(args.snapshots)
            .latest()
            .table("kabkota")
            .index
        )
    )
    print(f"machine: 2 cores; snapshot root {args.snapshots}; {args.requests} map callbacks per account")
    for nama, peran, wilayah in (("bench.pimpinan", "pimpinan", None), ("bench.operator", "operator", kabkota)):
        client = app.server.test_client()
        login(client, app, nama, peran, wilayah)
        totals, gates = [], []
        for i in range(args.requests + len(VIEWS)):
            body = {
                "output": output,
                "outputs": outputs,
                "inputs": [{"id": "url-peta", "property": "search", "value": VIEWS[i % len(VIEWS)]}],
                "changedPropIds": ["url-peta.search"],
                "state": [{"id": "peta-tampil", "property": "data"}],
            }
            spent.clear()
            t = time.perf_counter()
            answer = client.post("/_dash-update-component", json=body)
            elapsed = time.perf_counter() - t
            assert answer.status_code == 200, answer.status_code
            if i >= len(VIEWS):
                totals.append(elapsed * 1000)
                gates.append(sum(spent) * 1000)
        q = statistics.quantiles(gates, n=20)
        print(
            f"{peran:<9} request median {statistics.median(totals):6.1f} ms; gate median {statistics.median(gates):5.2f} ms,"
            f" p95 {q[-1]:5.2f} ms (goal: gate and scope add <= 5 ms)"
        )


if __name__ == "__main__":
    main()
