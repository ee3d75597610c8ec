"""Field verification benchmark (a script that prints figures, not a test).

    python bench/verval_benchmark.py [--snapshots DIR] [--runs 3]

On the newest snapshot under --snapshots (build it at full demo scale first:
`python -m etl demo`), with a fresh results store in a temporary folder:
  * the family store's size on disk and the ETL's time for it (from summary.json);
  * making the verification lists (xlsx, PDF, XLSForm + CSV) for the 2023 rule's priority
    nagari, one per kab/kota (19 in Sumatera Barat), 30 families each;
  * importing 570 results: a Kobo-style export answering those lists, read and stored;
  * the map's verval counts after the import (with_verval over every level).
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

import pandas as pd  # noqa: E402

from etl import config  # noqa: E402
from kantong import families, priority  # noqa: E402
from kantong.data import ScopedStore, SnapshotStore  # noqa: E402
from kantong.verval import demo, service  # noqa: E402
from kantong.verval.results import ResultStore  # noqa: E402


def timed(fn, runs: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=Path, default=config.SNAPSHOT_ROOT)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    snapshot = SnapshotStore(args.snapshots).latest()
    store = families.families_for(snapshot)
    if store is None:
        sys.exit(f"{snapshot.path} has no family store: rebuild it (python -m etl demo)")
    folder = families.family_dir(snapshot.path)
    size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    summary = snapshot.summary
    print(
        f"snapshot {snapshot.path.name}: {summary['baris']['keluarga_dimuat']:,} families, "
        f"{len(snapshot.table('desa')):,} nagari; machine: 2 cores"
    )
    step = summary.get("durasi_detik", {})
    print(
        f"family store: {size:.1f} MB on disk ({folder}); ETL step 'bnba' {step.get('bnba', float('nan')):.1f} s "
        f"of {step.get('total', float('nan')):.1f} s"
    )

    with tempfile.TemporaryDirectory(prefix="kantong-verval-bench-") as tmp:
        results = ResultStore(Path(tmp) / "verval.sqlite")
        ctx = service.Context(snapshot, results, None)
        codes = [row["kode"] for row in priority.starting_plan(snapshot, 2024).rows]
        seconds, made = timed(lambda: service.make_list(ctx, codes, per_desa=30, seed=2023), args.runs)
        size_kb = sum(len(b) for b in made.files.values()) / 1024
        print(
            f"lists for {len(codes)} nagari, {made.daftar.jumlah_terpilih} families (xlsx, PDF, XLSForm + CSV): "
            f"{seconds:.2f} s median of {args.runs}, {size_kb:,.0f} KB"
        )
        chosen = pd.concat([n.keluarga for n in made.daftar.nagari], ignore_index=True)
        export = demo.kobo_csv(chosen[["id_keluarga", "kode_desa", "di_dtks"]], seed=2023)
        t0 = time.perf_counter()
        result, outcome = service.import_results(ctx, [("kobo.csv", export)])
        seconds = time.perf_counter() - t0
        print(
            f"import of a Kobo export ({result.rows_read} rows, {len(export) / 1024:,.0f} KB): {seconds * 1000:.0f} ms; "
            f"{outcome.diterima} accepted, {len(result.rejected)} rejected, {len(result.duplicates)} duplicates"
        )
        scoped = ScopedStore(SnapshotStore(args.snapshots), verval=results)
        seconds, with_results = timed(scoped.latest, 1)
        print(
            f"map counts after the import (every level): {seconds * 1000:.0f} ms; province "
            f"{int(with_results.akar['kk_verval'])} verified, {int(with_results.akar['kk_verval_layak'])} eligible"
        )


if __name__ == "__main__":
    main()
