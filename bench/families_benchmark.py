"""Family store (BNBA) benchmark at full province demo scale (a script that prints figures,
not a test).

    python bench/families_benchmark.py [--input DIR] [--out DIR] [--runs 20]

Builds the demo exports (the files of `python -m etl demo` in --input, default
data/demo/rilis-b, the demo's release B; made at scale 1 when the folder has none) into a
snapshot under --out (default data/bench/families/snapshots/demo, so the family store lands in
data/bench/families/keluarga/demo), once, and prints:
  * the time the ETL spends on the family store (its `bnba` step: both tables built,
    sorted and written) against the whole build, and the Arrow size of the two tables;
  * the CPU time reading the store's extra columns adds (every P3KE file read with and
    without them, outside the build);
  * the store's size on disk, beside the snapshot's;
  * the time to read one nagari's families and their members, for the largest nagari and
    a median one, the first read (files opened) and the median of --runs reads, for every
    region and for an operator scoped to the nagari's kab/kota; the members of as many
    families spread over the province (as one nagari's would be if family IDs did not
    follow the region codes); and, for comparison, the whole member file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyarrow.parquet as pq  # noqa: E402

from etl import config, normalise  # noqa: E402
from etl.pipeline import BuildInputs, build  # noqa: E402
from etl.read import read_file  # noqa: E402
from kantong.access import Principal  # noqa: E402
from kantong.data import SnapshotStore  # noqa: E402
from kantong.families import Families, families_for, family_dir  # noqa: E402


def demo_files(folder: Path) -> dict[str, list[Path]]:
    """The demo exports in `folder`, made at scale 1 if it has none."""
    found = {
        "keluarga": sorted(folder.glob("p3ke_keluarga_*")),
        "individu": sorted(folder.glob("p3ke_individu_*")),
        "dtks": sorted(folder.glob("dtks_*")),
    }
    if all(found.values()):
        return found
    from etl.demo import generate

    t0 = time.perf_counter()
    made = generate(folder, scale=1.0)
    print(f"demo data generated in {time.perf_counter() - t0:.1f} s")
    return {"keluarga": list(made.keluarga), "individu": list(made.individu), "dtks": list(made.dtks)}


def read_nagari(families: Families, kode: str) -> tuple[float, int, int]:
    """Seconds to read one nagari's families and all their members, and the row counts."""
    t0 = time.perf_counter()
    keluarga = families.keluarga([kode])
    anggota = families.anggota(keluarga["id_keluarga"])
    return time.perf_counter() - t0, len(keluarga), len(anggota)


def time_reads(label: str, families: Families, kode: str, runs: int) -> None:
    first, n_kel, n_ang = read_nagari(families, kode)
    times = [read_nagari(families, kode)[0] for _ in range(runs)]
    print(
        f"  {label:<34} {kode}: {n_kel:>5,} families, {n_ang:>6,} members; "
        f"first read {first * 1000:6.1f} ms, median of {runs} {statistics.median(times) * 1000:6.1f} ms"
    )


# The columns the per-row normalisation computes only for the family store.
BNBA_COLUMNS = {
    "keluarga": "alamat, nama_kepala, jenis_kelamin_kepala",
    "individu": "nama, jenis_kelamin, hubungan, tanggal_lahir",
}


def extra_read_cost(files: dict[str, list[Path]]) -> tuple[float, float]:
    """CPU seconds to read every P3KE file with and without the family store's columns (the
    best of two alternating passes each; without them DuckDB neither parses nor normalises
    them)."""
    con = normalise.connect()

    def read_all(with_bnba: bool) -> float:
        t0 = cpu_seconds()
        for kind in ("keluarga", "individu"):
            sql = normalise.row_sql(kind, dt.date.fromisoformat(config.DEMO_REFERENCE_DATE))
            if not with_bnba:
                sql = f"SELECT * EXCLUDE ({BNBA_COLUMNS[kind]}) FROM ({sql})"
            for i, path in enumerate(files[kind]):
                read_file(path, kind, i, con, sql)
        return cpu_seconds() - t0

    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(2):
        for with_bnba in (False, True):
            times[with_bnba].append(read_all(with_bnba))
    return min(times[True]), min(times[False])


def cpu_seconds() -> float:
    """CPU time of this process and its threads (DuckDB's included): less disturbed than
    wall time when other work shares the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", type=Path, default=config.DEMO_INPUT / "rilis-b")
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "bench" / "families" / "snapshots" / "demo")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    files = demo_files(args.input)
    size = sum(p.stat().st_size for kind in files.values() for p in kind)
    n_files = sum(len(kind) for kind in files.values())
    print(f"input: {n_files} files, {size / 1e6:,.0f} MB in {args.input}")

    t0 = time.perf_counter()
    summary = build(
        BuildInputs(
            keluarga=files["keluarga"],
            individu=files["individu"],
            dtks=files["dtks"],
            boundaries=config.BOUNDARIES,
            reference_date=dt.date.fromisoformat(config.DEMO_REFERENCE_DATE),
            out=args.out,
            kode_wilayah=config.KODE_WILAYAH,
            cache_dir=config.CACHE_DIR / "batas",
        )
    )
    wall = time.perf_counter() - t0
    steps = summary["durasi_detik"]
    print(f"load average while building (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"ETL: {wall:.1f} s wall, peak memory {peak_mb:,.0f} MB (with the store)")
    print("  steps (s): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    print(
        f"  family store (step 'bnba'): {steps['bnba']:.2f} s = {100 * steps['bnba'] / steps['total']:.1f}% of "
        f"the build; without it the build would take {steps['total'] - steps['bnba']:.1f} s"
    )

    read_with, read_without = extra_read_cost(files)
    print(
        f"  reading the family store's extra columns (names, addresses, sex, relationship, birth date), "
        f"measured apart on the P3KE files: {read_with:.2f} CPU s with them, {read_without:.2f} CPU s without "
        f"({read_with - read_without:+.2f} CPU s, {100 * (read_with - read_without) / read_without:+.0f}%)"
    )

    snapshot = SnapshotStore(args.out.parent).latest()
    families = families_for(snapshot)
    if families is None:
        raise SystemExit("no family store for the snapshot just built")
    store = family_dir(args.out)
    tables = {name: pq.read_table(store / f"{name}.parquet") for name in ("keluarga", "anggota")}
    for name, table in tables.items():
        meta = pq.ParquetFile(store / f"{name}.parquet").metadata
        print(
            f"  {name}: {table.num_rows:,} rows, {meta.num_row_groups} row groups, "
            f"{(store / f'{name}.parquet').stat().st_size / 1e6:,.1f} MB on disk (zstd), "
            f"{table.nbytes / 1e6:,.0f} MB in Arrow"
        )
    print(f"store on disk: {folder_mb(store):,.1f} MB in {store}; snapshot: {folder_mb(args.out):,.1f} MB")

    counts = families.count_by_desa().sort_values("kk")
    largest = str(counts.index[-1])
    median = str(counts.index[len(counts) // 2])
    print("reading one nagari (its families, then their members):")
    for kode in (largest, median):
        time_reads("every region", families, kode, args.runs)
        operator = families_for(snapshot.scoped(Principal("bench", "operator", kode[:5])))
        time_reads(f"operator of {kode[:5]}", operator, kode, args.runs)
    # Were family IDs not ordered like the nagari codes (they are in the demo: "P" + desa
    # code + serial), one nagari's members would be spread over the member file like these.
    spread = tables["keluarga"]["id_keluarga"].to_pandas().sample(int(counts["kk"].iloc[-1]), random_state=1)
    t0 = time.perf_counter()
    scattered = families.anggota(spread)
    print(
        f"  members of {len(spread):,} families spread over the province ({len(scattered):,} members): "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    t0 = time.perf_counter()
    whole = pq.read_table(store / "anggota.parquet")
    print(f"  for comparison, the whole member file ({whole.num_rows:,} rows): {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    families.count_by_desa()
    print(f"  count_by_desa (every nagari): {(time.perf_counter() - t0) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
