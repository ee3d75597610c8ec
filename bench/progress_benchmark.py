"""Plan progress at the scale of the data given: the comparison it rests on (first and
cached), the progress itself, and what the progress slides add to the Paket Rakor.

    .venv/bin/python bench/progress_benchmark.py [--snapshots data/snapshots] [--plans data/rencana.sqlite]
        [--rencana ID] [--verval data/verval.sqlite]

Takes the first saved plan whose release has a later one (the demo saves one on its
earlier release). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl import config  # noqa: E402
from kantong import progress, rakor, render  # noqa: E402
from kantong.comparisons import ComparisonStore  # noqa: E402
from kantong.data import SnapshotStore  # noqa: E402
from kantong.plans import PlanStore  # noqa: E402
from kantong.releases import ReleaseStore  # noqa: E402
from kantong.verval.results import ResultStore  # noqa: E402


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=Path, default=config.SNAPSHOT_ROOT)
    ap.add_argument("--plans", type=Path, default=config.PLANS_DB)
    ap.add_argument("--verval", type=Path, default=config.VERVAL_DB)
    ap.add_argument("--rencana", type=int, default=None)
    ap.add_argument("--tanpa-paket", action="store_true", help="skip the full deck builds")
    ap.add_argument("--runs", type=int, default=3, help="deck builds each way, alternating")
    args = ap.parse_args()

    cache = Path(tempfile.mkdtemp(prefix="kemajuan-bench-"))
    comparisons = ComparisonStore(ReleaseStore(args.snapshots, plans_db=args.plans), cache)
    plans = PlanStore(args.plans)
    results = ResultStore(args.verval)
    listed = plans.list()
    chosen = (
        next(p for p in listed if p["id"] == args.rencana)
        if args.rencana
        else next((p for p in listed if progress.later_releases(comparisons, p["snapshot_nama"])), None)
    )
    if chosen is None:
        sys.exit("No saved plan with a later release: run `python -m etl demo` first.")
    plan = plans.open(chosen["id"])
    later = progress.later_releases(comparisons, plan.snapshot_nama)[0].nama
    print(f"Plan '{plan.nama}' ({len(plan.nagari)} nagari) on release {plan.snapshot_nama}, measured with {later}")

    _, first = timed(lambda: comparisons.result(plan.snapshot_nama, later))
    fresh = ComparisonStore(comparisons.releases, cache)  # another worker: reads the cached files
    _, cached = timed(lambda: fresh.result(plan.snapshot_nama, later))
    prog, measured = timed(lambda: progress.plan_progress(plan, fresh, results))
    print(f"comparison, first: {first:.2f} s; from the cache in a new process' store: {cached:.2f} s")
    print(f"progress (with the comparison in memory): {measured * 1000:.0f} ms")
    total = prog.provinsi
    for m in progress.MEASURES:
        print(
            f"  {m.label}: {int(total[f'realisasi_{m.kunci}'])} of {int(total[f'target_{m.kunci}'])} "
            f"({progress.share_text(total[f'capaian_{m.kunci}'])})"
        )

    snapshot = SnapshotStore(args.snapshots).latest()
    without = rakor.saved_plan(plan)
    with_progress = rakor.plan_for(snapshot, plans, str(plan.id), comparisons=fresh, results=results)
    slides_without, t_without = timed(lambda: rakor.build_slides(snapshot, "kk_d1_non_dtks", without))
    slides_with, t_with = timed(lambda: rakor.build_slides(snapshot, "kk_d1_non_dtks", with_progress))
    print(
        f"deck slides: {len(slides_without)} without progress, {len(slides_with)} with "
        f"(+{len(slides_with) - len(slides_without)}); describing them {t_without:.2f} s vs {t_with:.2f} s"
    )
    if not args.tanpa_paket:
        renderer = render.renderer()

        def deck(with_progress: bool) -> float:
            chosen = (
                rakor.plan_for(snapshot, plans, str(plan.id), comparisons=fresh, results=results)
                if with_progress
                else without
            )
            return timed(lambda: rakor.build(snapshot, "kk_d1_non_dtks", chosen, renderer))[1]

        try:
            deck(False)  # the renderer's first maps are slower: not counted
            runs = {False: [], True: []}
            for _ in range(args.runs):
                for with_progress in (False, True):
                    runs[with_progress].append(deck(with_progress))
        finally:
            renderer.close()
        a, b = statistics.median(runs[False]), statistics.median(runs[True])
        print(
            f"whole deck (PowerPoint + PDF), median of {args.runs} alternating runs: {a:.1f} s without progress, "
            f"{b:.1f} s with ({b - a:+.1f} s)"
        )
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
