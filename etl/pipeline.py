"""The build: read -> normalise -> resolve regions -> match -> aggregate -> write."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa

from etl.errors import InputError
from etl import aggregate, boundaries, indicators, match, normalise, regions, write
from etl.read import REJECT_SCHEMA, RawFile, file_of_part, read_file
from etl.schema import DTKS, INDIVIDU, KELUARGA, KIND_LABEL

SNAPSHOT_SCHEMA_VERSION = 1
READ_WORKERS = 2
LEVEL_FILES = ("desa", "kecamatan", "kabkota", "provinsi")


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


Step = Callable[[str], None]


def total_steps(inputs: BuildInputs) -> int:
    return len(inputs.keluarga) + len(inputs.individu) + len(inputs.dtks) + 8


def build(inputs: BuildInputs, step: Step = lambda label: None) -> dict:
    if inputs.cache_dir is None:
        with tempfile.TemporaryDirectory(prefix="kantong-batas-") as tmp:
            return _build(replace(inputs, cache_dir=Path(tmp)), step)
    return _build(inputs, step)


def _build(inputs: BuildInputs, step: Step) -> dict:
    started = time.perf_counter()
    con = normalise.connect(inputs.threads, inputs.memory_limit)
    timings: dict[str, float] = {}

    def timed(name: str, t0: float) -> None:
        timings[name] = round(time.perf_counter() - t0, 3)

    # Boundaries are prepared (or taken from the cache) beside the file reads: when they
    # must be simplified afresh, that work fills the gaps the scans leave on the cores.
    geo_pool = ThreadPoolExecutor(max_workers=1)
    geo_future = geo_pool.submit(
        boundaries.prepare, inputs.boundaries, inputs.cache_dir, inputs.code_column, inputs.name_column,
        inputs.simplify_tolerance, crs=inputs.crs,
    )
    try:
        return _build_data(inputs, step, con, geo_future, started, timings, timed)
    finally:
        geo_pool.shutdown(wait=True, cancel_futures=True)
        con.close()


def _build_data(inputs: BuildInputs, step: Step, con, geo_future, started: float, timings: dict, timed) -> dict:
    # --- read every file; a file index ties each row back to its file name. Two files
    # are read at a time: one scan alone does not keep both cores of a small server busy.
    t0 = time.perf_counter()
    jobs = [(kind, Path(path)) for kind, paths in ((KELUARGA, inputs.keluarga), (INDIVIDU, inputs.individu),
                                                   (DTKS, inputs.dtks)) for path in paths]
    names = [path.name for _, path in jobs]
    if len(set(names)) < len(names):
        raise InputError("(beberapa berkas)", "nama berkas masukan harus unik agar baris yang ditolak dapat ditelusuri")

    def read_job(index: int) -> RawFile:
        kind, path = jobs[index]
        return read_file(path, kind, index, con.cursor(), normalise.row_sql(kind, inputs.reference_date))

    results: list[RawFile | None] = [None] * len(jobs)
    with ThreadPoolExecutor(max_workers=READ_WORKERS) as pool:
        futures = {pool.submit(read_job, i): i for i in range(len(jobs))}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()  # re-raises the first InputError
            step(f"Membaca {KIND_LABEL[jobs[i][0]]}: {names[i]}")
    raws: dict[str, list[RawFile]] = {KELUARGA: [], INDIVIDU: [], DTKS: []}
    for (kind, _), raw in zip(jobs, results):
        raws[kind].append(raw)
    # One row per part (a csv, or a sheet of a workbook): rejects name the file and sheet.
    parts = [(part.index, raw.name, part.sheet) for raw in results for part in raw.parts]
    berkas = pa.table({"_berkas_ke": pa.array([p[0] for p in parts], type=pa.int32()),
                       "berkas": pa.array([p[1] for p in parts], type=pa.string()),
                       "lembar": pa.array([p[2] for p in parts], type=pa.string())})
    timed("baca", t0)

    t0 = time.perf_counter()
    step("Menyiapkan batas wilayah")
    layers = geo_future.result()
    code_list = regions.read_code_list(inputs.kode_wilayah) if inputs.kode_wilayah else None
    ref = regions.build_reference(layers, code_list)
    timed("batas_tunggu", t0)

    # --- families
    t0 = time.perf_counter()
    step("Menormalkan data keluarga dan mencocokkan wilayah")
    kel_raw = _concat([r.table for r in raws[KELUARGA]])
    keluarga, rej_kel = normalise.split_keluarga(con, kel_raw, berkas)
    keluarga, rej_wilayah, by_name, data_names = _resolve_regions(con, keluarga, berkas, ref)
    keluarga, rej_dup = normalise.dedupe_keluarga(con, keluarga, berkas)
    kel_rejects = pa.concat_tables([rej_kel, rej_wilayah, rej_dup])
    kel_rejected_ids = _rejected_family_ids(con, kel_raw, kel_rejects, berkas, keluarga)
    del kel_raw
    timed("keluarga", t0)

    t0 = time.perf_counter()
    step("Menormalkan data anggota keluarga")
    ind_raw = _concat([r.table for r in raws[INDIVIDU]])
    individu, rej_ind = normalise.split_individu(con, ind_raw, berkas, keluarga.select(["id_keluarga", "kk"]), kel_rejected_ids)
    del ind_raw
    timed("individu", t0)

    t0 = time.perf_counter()
    step("Menormalkan data DTKS")
    dtks_raw = _concat([r.table for r in raws[DTKS]])
    dtks, rej_dtks, dtks_nik_stats = normalise.split_dtks(con, dtks_raw, berkas)
    del dtks_raw
    timed("dtks", t0)

    t0 = time.perf_counter()
    step("Mencocokkan NIK P3KE dengan DTKS")
    families, match_stats = match.match_families(con, keluarga, individu, dtks)
    timed("padan", t0)

    t0 = time.perf_counter()
    step("Menghitung indikator per wilayah")
    counts = aggregate.count_by_desa(con, families)
    levels = aggregate.build_levels(counts, ref, data_names)
    timed("agregasi", t0)

    for lvl in ("desa", "kecamatan", "kabkota"):
        levels[lvl] = levels[lvl].merge(layers[lvl].labels, on="kode", how="left")

    rejects = pa.concat_tables([r.rejects for r in _all(raws)] + [kel_rejects, rej_ind, rej_dtks])
    summary = _summary(inputs, raws, rejects, keluarga, individu, dtks_nik_stats, match_stats, levels, layers, by_name)

    t0 = time.perf_counter()
    step("Menulis snapshot")
    with write.atomic_dir(inputs.out) as tmp:
        for lvl in LEVEL_FILES:
            write.write_table(levels[lvl], tmp / f"{lvl}.parquet")
        for lvl, layer in layers.items():
            shutil.copyfile(layer.geojson, tmp / f"{lvl}.geojson")
        summary["geometri"] = {lvl: layer.web for lvl, layer in layers.items()}
        write.write_rejects(rejects, tmp / "ditolak.parquet")
        write.write_quality_report(summary, levels, rejects, tmp / "laporan_kualitas.xlsx")
        timed("tulis", t0)
        summary["durasi_detik"] = {**timings, "total": round(time.perf_counter() - started, 3)}
        write.write_summary(summary, tmp / "summary.json")
    return summary


def _all(raws: dict[str, list[RawFile]]) -> list[RawFile]:
    return raws[KELUARGA] + raws[INDIVIDU] + raws[DTKS]


def _concat(tables: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


def _resolve_regions(con, keluarga: pa.Table, berkas: pa.Table, ref: regions.RegionReference):
    """Resolve each distinct (code, names) key once, then join the result back."""
    con.register("kel", keluarga)
    con.register("berkas", berkas)
    keys = con.sql(
        """SELECT DISTINCT kode_desa_data, kode_asli, nama_kabkota, nama_kecamatan, nama_desa FROM kel"""
    ).df()
    resolved = regions.resolve(keys, ref)
    con.register("resolved", resolved)
    join = "kel.{0} IS NOT DISTINCT FROM r.{0}"
    on = " AND ".join(join.format(c) for c in ("kode_desa_data", "kode_asli", "nama_kabkota", "nama_kecamatan", "nama_desa"))
    con.execute(f"CREATE OR REPLACE TEMP TABLE kel_r AS SELECT kel.*, r.kode_desa, r.cara, r.alasan FROM kel JOIN resolved r ON {on}")
    rejects = con.sql(
        """SELECT b.berkas, b.lembar, 'keluarga' AS jenis, _baris AS baris, 'Kode Kemdagri' AS kolom, alasan, kode_asli AS nilai
           FROM kel_r JOIN berkas b USING (_berkas_ke) WHERE kode_desa IS NULL ORDER BY _berkas_ke, _baris"""
    ).to_arrow_table()
    by_name = con.sql(
        """SELECT kode_asli, nama_kabkota, nama_kecamatan, nama_desa, kode_desa, count(*) AS kk
           FROM kel_r WHERE cara = 'nama' GROUP BY ALL ORDER BY kode_desa"""
    ).df()
    # The name the data gives a desa that the boundaries lack (most frequent spelling).
    data_names = con.sql(
        """SELECT kode_desa AS kode, mode(nama_desa) AS nama FROM kel_r
           WHERE cara = 'kode_tanpa_poligon' AND nama_desa IS NOT NULL GROUP BY 1"""
    ).df()
    data_names["nama"] = data_names["nama"].map(lambda s: s.title() if isinstance(s, str) and s.isupper() else s)
    loaded = con.sql("SELECT * EXCLUDE (alasan) FROM kel_r WHERE kode_desa IS NOT NULL").to_arrow_table()
    con.execute("DROP TABLE kel_r")
    for name in ("kel", "resolved"):
        con.unregister(name)
    return loaded, rejects.cast(REJECT_SCHEMA), by_name, data_names


def _rejected_family_ids(con, kel_raw: pa.Table, kel_rejects: pa.Table, berkas: pa.Table, loaded: pa.Table) -> pa.Table:
    """(id_keluarga, alasan) of rejected family rows whose ID was not loaded from any row."""
    con.register("raw", kel_raw.select(["_berkas_ke", "_baris", "id_keluarga"]))
    con.register("rej", kel_rejects)
    con.register("berkas", berkas)
    con.register("loaded", loaded.select(["id_keluarga"]))
    out = con.sql(
        """SELECT raw.id_keluarga, min(rej.alasan) AS alasan
           FROM rej JOIN berkas b ON b.berkas = rej.berkas AND b.lembar IS NOT DISTINCT FROM rej.lembar
           JOIN raw ON raw._berkas_ke = b._berkas_ke AND raw._baris = rej.baris
           WHERE raw.id_keluarga IS NOT NULL
             AND raw.id_keluarga NOT IN (SELECT id_keluarga FROM loaded)
           GROUP BY 1"""
    ).to_arrow_table()
    for name in ("raw", "rej", "loaded"):
        con.unregister(name)
    return out


def _nik_counts(con, table: pa.Table, column: str) -> dict[int, dict[str, int]]:
    """NIK status counts per input file (summed over its parts)."""
    con.register("t", table.select(["_berkas_ke", column]))
    rows = con.sql(f"SELECT _berkas_ke, {column}, count(*) FROM t GROUP BY ALL").fetchall()
    con.unregister("t")
    out: dict[int, dict[str, int]] = {}
    for idx, status, n in rows:
        counts = out.setdefault(file_of_part(idx), {})
        counts[status] = counts.get(status, 0) + int(n)
    return out


def _summary(inputs, raws, rejects, keluarga, individu, dtks_nik_stats, match_stats, levels, layers, by_name) -> dict:
    import duckdb

    con = duckdb.connect()
    rej_per_part: dict[tuple[str, str | None], int] = {}
    con.register("rej", rejects)
    for name, sheet, n in con.sql("SELECT berkas, lembar, count(*) FROM rej GROUP BY ALL").fetchall():
        rej_per_part[(name, sheet)] = int(n)
    nik = {
        KELUARGA: _nik_counts(con, keluarga, "status_nik_kepala"),
        INDIVIDU: _nik_counts(con, individu, "status_nik"),
        DTKS: {},
    }
    for row in dtks_nik_stats.to_pylist():
        counts = nik[DTKS].setdefault(file_of_part(row["_berkas_ke"]), {})
        counts[row["status_nik"]] = counts.get(row["status_nik"], 0) + int(row["n"])
    files = []
    for r in _all(raws):
        idx = file_of_part(r.parts[0].index)
        sheets = [
            {"lembar": part.sheet, "baris_judul_kolom": part.header_line, "baris_dibaca": part.records,
             "dimuat": part.records - rej_per_part.get((r.name, part.sheet), 0),
             "ditolak": rej_per_part.get((r.name, part.sheet), 0)}
            for part in r.parts
        ]
        ditolak = sum(n for (name, _), n in rej_per_part.items() if name == r.name)
        files.append(
            {
                "berkas": r.name,
                "jenis": r.kind,
                "format": r.format,
                "pengodean": r.encoding,
                "baris_judul_kolom": r.header_line,
                "pemisah": r.delimiter,
                "baris_dibaca": r.records,
                "dimuat": r.records - ditolak,
                "ditolak": ditolak,
                "lembar": sheets if r.format != "csv" else [],
                "lembar_dilewati": r.skipped_sheets,
                "nik": dict(sorted(nik[r.kind].get(idx, {}).items())),
                "kolom_dipetakan": {f: r.columns.source_names(f) for f in r.columns.sources},
                "kolom_tidak_dikenal": r.columns.unknown,
                "kolom_opsional_tidak_ada": r.columns.missing_optional,
                "catatan": r.warnings,
            }
        )
    nik_total: dict[str, dict[str, int]] = {}
    for f in files:
        for status, n in f["nik"].items():
            nik_total.setdefault(f["jenis"], {}).setdefault(status, 0)
            nik_total[f["jenis"]][status] += n
    prov = levels["provinsi"]
    prov_row = {k: (None if pd.isna(v) else (int(v) if k in indicators.JUMLAH_KOLOM else float(v)))
                for k, v in prov.iloc[0][list(indicators.KOLOM)].items()} if len(prov) == 1 else {}
    desa = levels["desa"]
    no_polygon = desa[(~desa["punya_poligon"]) & (desa["kk_total"] > 0)]
    kk_d1 = int(desa["kk_desil_1"].sum())
    return {
        "versi_skema": SNAPSHOT_SCHEMA_VERSION,
        "versi_katalog_indikator": indicators.CATALOGUE_VERSION,
        "dibuat_pada": dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
        "tanggal_referensi": inputs.reference_date.isoformat(),
        "sumber": {
            "keluarga": [Path(p).name for p in inputs.keluarga],
            "individu": [Path(p).name for p in inputs.individu],
            "dtks": [Path(p).name for p in inputs.dtks],
            "batas_wilayah": {lvl: layer.meta for lvl, layer in layers.items()},
            "kode_wilayah": Path(inputs.kode_wilayah).name if inputs.kode_wilayah else None,
        },
        "baris": {
            "dibaca": sum(f["baris_dibaca"] for f in files),
            "dimuat": sum(f["dimuat"] for f in files),
            "ditolak": rejects.num_rows,
            **{
                f"{kind}_{k}": sum(f[k] for f in files if f["jenis"] == kind)
                for kind in (KELUARGA, INDIVIDU, DTKS)
                for k in ("baris_dibaca", "dimuat", "ditolak")
            },
        },
        "berkas": files,
        "nik": nik_total,
        "pencocokan": {
            **match_stats,
            "kk_desil_1": kk_d1,
            "kk_d1_padan_dtks": int(desa["kk_d1_dtks"].sum()),
            "pct_kk_d1_padan_dtks": round(100.0 * int(desa["kk_d1_dtks"].sum()) / kk_d1, 2) if kk_d1 else None,
            "pct_nik_p3ke_padan": round(100.0 * match_stats["nik_p3ke_padan"] / match_stats["nik_p3ke_valid_unik"], 2)
            if match_stats["nik_p3ke_valid_unik"] else None,
        },
        "wilayah": {
            "desa": int(len(desa)),
            "desa_berpenghuni": int((desa["kk_total"] > 0).sum()),
            "dicocokkan_nama": by_name.astype(object).where(by_name.notna(), None).to_dict("records"),
            "tanpa_poligon": no_polygon[["kode", "nama", "kk_total", "kk_desil_1"]].astype(object).to_dict("records"),
            "hanya_di_data": desa.loc[desa["hanya_di_data"], "kode"].tolist(),
            "ditolak": int(rejects.filter(pa.compute.equal(rejects["kolom"], "Kode Kemdagri")).num_rows),
        },
        "provinsi": prov_row,
    }
