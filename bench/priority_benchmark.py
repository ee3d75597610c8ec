"""Re-scoring and re-ranking all nagari after a weight change (a script that prints figures).

    python bench/priority_benchmark.py [--snapshots DIR] [--runs 50]

Times what the server does when a slider moves: score every nagari with new weights, rank
them, and build the table updates and the map values the callbacks return, serialised to
JSON as Dash sends them. Each run uses different weights, so no cached result is reused.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from plotly.io.json import to_json_plotly  # noqa: E402

from etl import config  # noqa: E402
from kantong import priority, report  # noqa: E402
from kantong.data import SnapshotStore  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=Path, default=config.SNAPSHOT_ROOT)
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()

    snapshot = SnapshotStore(args.snapshots).latest()
    n = len(snapshot.table("desa"))
    rng = np.random.default_rng(0)
    score_ms, total_ms, sizes = [], [], []
    priority.scored_for(
        snapshot, priority.weights_for(priority.DEFAULT_PRESET)
    )  # warm imports and the normalised table
    for _ in range(args.runs):
        weights = {c: float(w) for c, w in zip(priority.CRITERIA, rng.integers(0, 6, len(priority.CRITERIA)))}
        weights["kk_desil_1"] = weights["kk_desil_1"] or 1.0
        t0 = time.perf_counter()
        scored = priority.scored_for(snapshot, weights)
        ranking = priority.top_n(scored, n)  # the full ranking, as the table shows it
        assert len(ranking) <= n
        t1 = time.perf_counter()
        # What the two callbacks send: the rows' new score, rank and tier, and the map's new values.
        rows = to_json_plotly(priority.score_updates(scored))
        figure = to_json_plotly(report.score_map_values(snapshot, scored))
        t2 = time.perf_counter()
        score_ms.append((t1 - t0) * 1000)
        total_ms.append((t2 - t0) * 1000)
        sizes.append(len(rows) + len(figure))
    p95 = lambda xs: sorted(xs)[int(round(0.95 * (len(xs) - 1)))]  # noqa: E731
    print(f"snapshot {snapshot.path.name}: {n:,} nagari/desa; machine: 2 cores; {args.runs} weight changes")
    print(
        f"score + rank all nagari:                 median {statistics.median(score_ms):6.1f} ms, p95 {p95(score_ms):6.1f} ms"
    )
    print(
        f"+ table updates and map values as JSON: median {statistics.median(total_ms):6.1f} ms, p95 {p95(total_ms):6.1f} ms "
        f"({statistics.median(sizes) / 1e3:,.0f} KB before compression)"
    )
    print("goal: re-scoring and re-ranking all nagari <= 100 ms server time")


if __name__ == "__main__":
    main()
