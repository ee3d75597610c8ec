"""ETL benchmark at full province demo scale (a script that prints figures, not a test).

    python bench/etl_benchmark.py [--skala 1.0] [--data DIR] [--threads N]

Generates the demo exports once (>= 600,000 families, 2.3 million members, 2 million DTKS
rows), then, in one run: a raw scan that only counts the rows of the same files (DuckDB
for csv with the same dialect the ETL detects, calamine for xlsx), and the full ETL in a
child process, whose wall time and peak memory (max RSS) are measured by the OS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from etl import config  # noqa: E402
from etl.demo import generate  # noqa: E402
from etl.read import EXCEL_SUFFIXES, SNIFF_BYTES, _sql_str, detect_encoding  # noqa: E402
from etl.schema import LAYOUTS, header_score  # noqa: E402


def _kind(path: Path) -> str:
    return "keluarga" if "keluarga" in path.name else "individu" if "individu" in path.name else "dtks"


def raw_scan(files: list[Path], threads: int | None) -> tuple[int, float]:
    """Count data rows: the least any reader must do with these files."""
    import csv
    import io
    from concurrent.futures import ThreadPoolExecutor

    from python_calamine import load_workbook

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")

    def count(path: Path) -> int:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            book = load_workbook(str(path))
            return sum(len(book.get_sheet_by_index(i).to_python()) - 1 for i in range(len(book.sheet_names)))
        head = path.open("rb").read(SNIFF_BYTES)
        codec, _ = detect_encoding(head, whole_file=len(head) < SNIFF_BYTES)
        text = head.decode(codec, errors="ignore")
        encoding = "utf-16" if codec.startswith("utf-16") else "latin-1" if codec == "cp1252" else "utf-8"
        lines = text.splitlines()[:40]
        layout = LAYOUTS[_kind(path)]
        best = max(
            (
                (header_score(layout, r), i, d, len(r))
                for d in (",", ";", "|", "\t")
                for i, r in enumerate(csv.reader(io.StringIO("\n".join(lines)), delimiter=d))
            ),
        )
        _, idx, delim, n = best
        cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n)) + "}"
        return (
            con.cursor()
            .sql(
                f"SELECT count(*) FROM read_csv({_sql_str(str(path))}, delim={_sql_str(delim if delim != chr(9) else chr(92) + 't')}, "
                f"quote='\"', escape='\"', header=false, skip={idx + 1}, columns={cols}, auto_detect=false, "
                f"encoding={_sql_str(encoding)}, ignore_errors=true)"
            )
            .fetchall()[0][0]
        )

    # Two files at a time, as the ETL reads them, so both use the machine alike.
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        rows = sum(pool.map(count, files))
    return rows, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skala", type=float, default=1.0)
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "bench")
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()

    inputs = args.data / f"input-{args.skala:g}"
    marker = inputs / "files.json"
    if marker.exists():
        files = json.loads(marker.read_text())
    else:
        t0 = time.perf_counter()
        made = generate(inputs, scale=args.skala)
        files = {
            "keluarga": [str(p) for p in made.keluarga],
            "individu": [str(p) for p in made.individu],
            "dtks": [str(p) for p in made.dtks],
            "expected": made.expected,
        }
        marker.write_text(json.dumps(files))
        print(f"demo data generated in {time.perf_counter() - t0:.1f} s")
    all_files = [Path(p) for k in ("keluarga", "individu", "dtks") for p in files[k]]
    size = sum(p.stat().st_size for p in all_files)
    print(f"machine: {os.cpu_count()} cores; input: {len(all_files)} files, {size / 1e6:,.0f} MB")

    raw_scan(all_files, args.threads)  # warm the page cache so both runs read from memory
    rows, raw_s = raw_scan(all_files, args.threads)

    out = args.data / f"snapshot-{args.skala:g}"
    base = [
        sys.executable,
        "-m",
        "etl",
        "build",
        "--keluarga",
        *files["keluarga"],
        "--individu",
        *files["individu"],
        "--dtks",
        *files["dtks"],
        "--boundaries",
        str(config.BOUNDARIES),
        "--reference-date",
        config.DEMO_REFERENCE_DATE,
        "--out",
        str(out),
        "--kode-wilayah",
        str(config.KODE_WILAYAH),
    ]
    if args.threads:
        base += ["--threads", str(args.threads)]
    print(f"rows counted by the raw scan: {rows:,}")
    print(f"raw scan:   {raw_s:6.2f} s  ({rows / raw_s:,.0f} rows/s)")
    for label, extra in (
        ("ETL, boundaries prepared afresh", ["--tanpa-cache"]),
        ("ETL, prepared boundaries cached", []),
    ):
        etl_s, peak_mb = _run(base + extra)
        summary = json.loads((out / "summary.json").read_text())
        read = summary["baris"]["dibaca"]
        print(
            f"{label}: {etl_s:6.2f} s  ({read / etl_s:,.0f} rows/s), peak memory {peak_mb:,.0f} MB, "
            f"{etl_s / raw_s:.2f}x the raw scan"
        )
        print("    steps (s): " + ", ".join(f"{k} {v:.2f}" for k, v in summary["durasi_detik"].items()))
    print(
        f"rows read by the ETL: {read:,} ({summary['baris']['keluarga_baris_dibaca']:,} keluarga, "
        f"{summary['baris']['individu_baris_dibaca']:,} individu, {summary['baris']['dtks_baris_dibaca']:,} dtks)"
    )
    print("goals: ETL <= 3x the raw scan, peak memory <= 4,096 MB")
    print(f"check: kk_desil_1 = {summary['provinsi']['kk_desil_1']:,}, kk_total = {summary['provinsi']['kk_total']:,}")


def _run(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of the ETL in a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if status != 0:
        print(err[-3000:])
        raise SystemExit("ETL failed")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports KiB


if __name__ == "__main__":
    main()
