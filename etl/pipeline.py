"""The build: read -> normalise -> resolve regions -> match -> aggregate -> write.

This module only wires the steps: each is a function in its step module (etl.files,
etl.normalise, etl.regions, etl.match, etl.aggregate, etl.summary, etl.write), and each is
timed under its name in summary.json's `durasi_detik`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import aggregate, boundaries, match, normalise, regions, write
from etl.files import read_all
from etl.schema import DTKS, INDIVIDU, KELUARGA
from etl.summary import SummaryInputs, build_summary
from etl.timing import Step, Timings

# The progress label of each step after the reads (which announce each file).
STEP_LABELS = {
    "batas_tunggu": "Menyiapkan batas wilayah",
    "keluarga": "Menormalkan data keluarga dan mencocokkan wilayah",
    "individu": "Menormalkan data anggota keluarga",
    "dtks": "Menormalkan data DTKS",
    "padan": "Mencocokkan NIK P3KE dengan DTKS",
    "agregasi": "Menghitung indikator per wilayah",
    "tulis": "Menulis snapshot",
}

Layers = dict[str, boundaries.PreparedLayer]


@dataclass
class BuildInputs:
    keluarga: Sequence[Path]
    individu: Sequence[Path]
    dtks: Sequence[Path]
    boundaries: Path
    reference_date: dt.date
    out: Path
    kode_wilayah: Path | None = None
    code_column: str | None = None
    name_column: str | None = None
    # CRS of boundary files that carry none (a Shapefile without .prj), e.g. "EPSG:32747".
    crs: str | None = None
    simplify_tolerance: float = boundaries.WEB_TOLERANCE
    # Prepared boundaries are cached here by content; None prepares them afresh each time.
    cache_dir: Path | None = None
    threads: int | None = None
    memory_limit: str | None = None


def total_steps(inputs: BuildInputs) -> int:
    # One label per file, one per later step, and the finish.
    return len(inputs.keluarga) + len(inputs.individu) + len(inputs.dtks) + len(STEP_LABELS) + 1


def build(inputs: BuildInputs, step: Step = lambda label: None) -> dict:
    if inputs.cache_dir is None:
        with tempfile.TemporaryDirectory(prefix="kantong-batas-") as tmp:
            return _build(replace(inputs, cache_dir=Path(tmp)), step)
    return _build(inputs, step)


def _build(inputs: BuildInputs, step: Step) -> dict:
    timings = Timings(step, STEP_LABELS)
    with (
        closing(normalise.connect(inputs.threads, inputs.memory_limit)) as con,
        _boundaries_beside_reads(inputs) as prepared,
    ):
        return _run(inputs, con, prepared, timings)


@contextmanager
def _boundaries_beside_reads(inputs: BuildInputs) -> Iterator[Future[Layers]]:
    """Boundaries are prepared (or taken from the cache) beside the file reads: when they
    must be simplified afresh, that work fills the gaps the scans leave on the cores."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        yield pool.submit(
            boundaries.prepare,
            inputs.boundaries,
            inputs.cache_dir,
            inputs.code_column,
            inputs.name_column,
            inputs.simplify_tolerance,
            crs=inputs.crs,
        )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run(inputs: BuildInputs, con: duckdb.DuckDBPyConnection, prepared: Future[Layers], timings: Timings) -> dict:
    with timings.step("baca"):
        paths = {KELUARGA: inputs.keluarga, INDIVIDU: inputs.individu, DTKS: inputs.dtks}
        files = read_all(con, paths, inputs.reference_date, on_read=timings.progress)
    berkas = files.berkas
    with timings.step("batas_tunggu"):
        layers = prepared.result()
        ref = regions.load_reference(layers, inputs.kode_wilayah)
    with timings.step("keluarga"):
        kel_rows = files.rows(KELUARGA)
        keluarga, kel_invalid = normalise.split_keluarga(con, kel_rows, berkas)
        keluarga, placement = regions.place_families(con, keluarga, berkas, ref)
        keluarga, kel_copies = normalise.dedupe_keluarga(con, keluarga, berkas)
        kel_rejects = pa.concat_tables([kel_invalid, placement.rejects, kel_copies])
        kel_rejected_ids = normalise.rejected_family_ids(con, kel_rows, kel_rejects, berkas, keluarga)
    with timings.step("individu"):
        kel_ids = keluarga.select(["id_keluarga", "kk"])
        individu, ind_rejects = normalise.split_individu(con, files.rows(INDIVIDU), berkas, kel_ids, kel_rejected_ids)
    with timings.step("dtks"):
        dtks, dtks_rejects, dtks_nik = normalise.split_dtks(con, files.rows(DTKS), berkas)
    with timings.step("padan"):
        families, match_stats = match.match_families(con, keluarga, individu, dtks)
    with timings.step("agregasi"):
        levels = aggregate.build_levels(aggregate.count_by_desa(con, families), ref, placement.data_names)
    levels = aggregate.add_label_points(levels, layers)
    rejects = pa.concat_tables(files.rejects() + [kel_rejects, ind_rejects, dtks_rejects])
    summary = build_summary(
        con,
        SummaryInputs(
            reference_date=inputs.reference_date,
            kode_wilayah=inputs.kode_wilayah,
            files=files,
            layers=layers,
            rejects=rejects,
            keluarga=keluarga,
            individu=individu,
            dtks_nik=dtks_nik,
            match_stats=match_stats,
            levels=levels,
            by_name=placement.by_name,
        ),
    )
    with write.atomic_dir(inputs.out) as folder:
        with timings.step("tulis"):
            geojson = {level: layer.geojson for level, layer in layers.items()}
            write.write_snapshot(folder, levels, geojson, rejects, summary)
        summary["durasi_detik"] = timings.durasi_detik()  # last, so that it covers the writing
        write.write_summary(summary, folder / "summary.json")
    return summary
