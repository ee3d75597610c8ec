"""The build: read -> normalise -> resolve regions -> match -> aggregate -> write.

This module only wires the steps: each is a function in its step module (etl.files,
etl.normalise, etl.regions, etl.match, etl.aggregate, etl.summary, etl.families, etl.write),
and each is timed under its name in summary.json's `durasi_detik`. The family store (BNBA,
etl.families; timed as `bnba`) is written beside the snapshot, in a folder of its own.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import aggregate, boundaries, config, families, match, normalise, regions, write
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
    # The family store's folder (names and NIKs, kept apart from the snapshot); None:
    # config.family_dir(out), where the app looks for it.
    families_out: Path | None = None


def total_steps(inputs: BuildInputs) -> int:
    # One label per file, one per later step, and the finish.
    return len(inputs.keluarga) + len(inputs.individu) + len(inputs.dtks) + len(STEP_LABELS) + 1


def families_folder(inputs: BuildInputs) -> Path:
    """Where the build writes the family store: never inside the snapshot, which the app
    reads freely."""
    folder = Path(inputs.families_out or config.family_dir(inputs.out))
    if folder.resolve().is_relative_to(Path(inputs.out).resolve()):
        raise ValueError(f"the family store ({folder}) must lie outside the snapshot ({inputs.out})")
    return folder


def build(inputs: BuildInputs, step: Step = lambda label: None) -> dict:
    families_folder(inputs)  # before any work
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
        family_flags, match_stats = match.match_families(con, keluarga, individu, dtks)
    with timings.step("agregasi"):
        levels = aggregate.build_levels(aggregate.count_by_desa(con, family_flags), ref, placement.data_names)
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
    # The same random id in summary.json and the family store's sumber.json: the app takes a
    # family store only for the snapshot build that wrote it.
    summary["id_build"] = uuid.uuid4().hex
    families_out = families_folder(inputs)
    # Both folders are complete before either is renamed into place; the family store goes
    # first, so a new snapshot never appears without its store.
    with write.atomic_dir(inputs.out) as folder, write.atomic_dir(families_out) as bnba_folder:
        with timings.step("tulis"):
            geojson = {level: layer.geojson for level, layer in layers.items()}
            write.write_snapshot(folder, levels, geojson, rejects, summary)
        with timings.step("bnba"):
            _write_families(con, inputs, summary, bnba_folder, keluarga, individu, family_flags)
        summary["durasi_detik"] = timings.durasi_detik()  # last, so that it covers the writing
        write.write_summary(summary, folder / "summary.json")
    return summary


def _write_families(
    con: duckdb.DuckDBPyConnection,
    inputs: BuildInputs,
    summary: dict,
    folder: Path,
    keluarga: pa.Table,
    individu: pa.Table,
    family_flags: pa.Table,
) -> None:
    tables = {
        "keluarga": families.keluarga_table(con, keluarga, family_flags),
        "anggota": families.anggota_table(con, keluarga, individu),
    }
    sumber = families.sumber(
        summary["id_build"], Path(inputs.out).name, inputs.reference_date, summary["dibuat_pada"], tables
    )
    write.write_family_store(folder, tables, sumber)
