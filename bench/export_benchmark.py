"""Exports and the Paket Rakor (a script that prints figures).

    python bench/export_benchmark.py [--snapshots DIR] [--runs 10]

Times, on the newest snapshot:
  - starting the renderer (headless Chromium via Kaleido), once per process;
  - one map export after the renderer is warm: building the printed figure and rendering
    it, for the nagari map of Kab. Agam (PNG, SVG, PDF) and of the whole province (PNG);
  - the full Paket Rakor for every kab/kota: slides, map images, PowerPoint and PDF.
Goals (issue 5): one PNG <= 1 s warm; the full deck <= 60 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from etl import config  # noqa: E402
from kantong import rakor, render, report  # noqa: E402
from kantong.data import SnapshotStore  # noqa: E402
from kantong.view import View  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=Path, default=config.SNAPSHOT_ROOT)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    console = Console()
    snapshot = SnapshotStore(args.snapshots).latest()
    renderer = render.renderer()
    _, start_s = timed(renderer.warm)

    cases = [
        ("Peta nagari Kab. Agam", View(tingkat="desa", wilayah="13.06", profil="13.06"), ("png", "svg", "pdf")),
        ("Peta nagari Sumatera Barat", View(tingkat="desa", wilayah="13", profil="13"), ("png",)),
    ]
    table = Table(title=f"Ekspor peta, renderer hangat ({args.runs} kali, median; mesin 2 inti)")
    for col in ("peta", "format", "susun gambar", "render", "total", "ukuran"):
        table.add_column(col, justify="right" if col != "peta" else "left")
    report.map_print(snapshot, cases[0][1])  # first use loads and projects the outlines (cached afterwards)
    png_total = []
    for label, view, formats in cases:
        for fmt in formats:
            build_s, render_s, total_s, size = [], [], [], 0
            for _ in range(args.runs):
                fig, b = timed(lambda view=view: report.map_print(snapshot, view))
                image, r = timed(lambda fig=fig, fmt=fmt: renderer.render(fig, fmt))
                build_s.append(b)
                render_s.append(r)
                total_s.append(b + r)
                size = len(image.data)
            if fmt == "png" and view.wilayah == "13.06":
                png_total = total_s
            table.add_row(
                label,
                fmt.upper(),
                f"{statistics.median(build_s) * 1000:.0f} ms",
                f"{statistics.median(render_s) * 1000:.0f} ms",
                f"{statistics.median(total_s):.2f} s",
                f"{size / 1000:,.0f} KB",
            )
    console.print(f"Renderer start (Chromium + Kaleido): {start_s:.2f} s")
    console.print(table)
    console.print(
        f"PNG Kab. Agam, warm: median {statistics.median(png_total):.2f} s, max {max(png_total):.2f} s (goal <= 1 s)"
    )

    plan = rakor.automatic_plan(snapshot, 2024)
    marks = {}

    def progress(done, total, label):
        marks.setdefault(label.split(" ")[0], time.perf_counter())

    deck, deck_s = timed(lambda: rakor.build(snapshot, "kk_d1_non_dtks", plan, renderer, progress))
    console.print(
        f"Paket Rakor ({len(snapshot.table('kabkota'))} kab/kota, {len(deck.slides)} slide): {deck_s:.1f} s "
        f"(goal <= 60 s); PPTX {len(deck.pptx) / 1e6:.1f} MB, PDF {len(deck.pdf) / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
