"""summary.json: what was read, loaded and rejected per file and sheet, NIK validity,
matching, regions and the province's indicators. The quality report is drawn from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import indicators
from etl.boundaries import PreparedLayer
from etl.duck import registered
from etl.files import KINDS, InputFiles
from etl.read import Part, RawFile, file_of_part
from etl.regions import KOLOM_KODE
from etl.schema import DTKS, INDIVIDU, KELUARGA

SNAPSHOT_SCHEMA_VERSION = 1

# Rejected rows per part: (file name, sheet) -> rows.
RejectCounts = dict[tuple[str, str | None], int]
# NIK status counts per input file index (summed over its parts): index -> status -> rows.
NikCounts = dict[int, dict[str, int]]


@dataclass(frozen=True)
class SummaryInputs:
    """What the build steps produced that the summary reports on."""

    reference_date: dt.date
    kode_wilayah: Path | None  # the official code list, if one was given
    files: InputFiles
    layers: dict[str, PreparedLayer]
    rejects: pa.Table  # every rejected row (REJECT_SCHEMA)
    keluarga: pa.Table  # loaded families: _berkas_ke, status_nik_kepala, ...
    individu: pa.Table  # loaded members: _berkas_ke, status_nik, ...
    dtks_nik: pa.Table  # NIK status counts of the DTKS rows: _berkas_ke, status_nik, n
    match_stats: dict[str, int]
    levels: dict[str, pd.DataFrame]
    by_name: pd.DataFrame  # families placed by region names (regions.Placement.by_name)


def build_summary(con: duckdb.DuckDBPyConnection, facts: SummaryInputs) -> dict:
    rejected = rejects_per_part(con, facts.rejects)
    nik = nik_counts(con, facts.keluarga, facts.individu, facts.dtks_nik)
    files = [file_entry(raw, rejected, nik[raw.kind]) for raw in facts.files.all]
    desa = facts.levels["desa"]
    return {
        "versi_skema": SNAPSHOT_SCHEMA_VERSION,
        "versi_katalog_indikator": indicators.CATALOGUE_VERSION,
        "dibuat_pada": dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
        "tanggal_referensi": facts.reference_date.isoformat(),
        "sumber": sources(facts.files, facts.layers, facts.kode_wilayah),
        "baris": row_totals(files, facts.rejects),
        "berkas": files,
        "nik": nik_totals(files),
        "pencocokan": matching(facts.match_stats, desa),
        "wilayah": region_report(desa, facts.by_name, facts.rejects),
        # The whole snapshot's figures: its province, or the region above several.
        "provinsi": province_row(facts.levels.get("nasional", facts.levels["provinsi"])),
        "geometri": {level: layer.web for level, layer in facts.layers.items()},
    }


def rejects_per_part(con: duckdb.DuckDBPyConnection, rejects: pa.Table) -> RejectCounts:
    with registered(con, rej=rejects):
        rows = con.sql("SELECT berkas, lembar, count(*) FROM rej GROUP BY ALL").fetchall()
    return {(name, sheet): int(n) for name, sheet, n in rows}


def nik_counts(
    con: duckdb.DuckDBPyConnection, keluarga: pa.Table, individu: pa.Table, dtks_nik: pa.Table
) -> dict[str, NikCounts]:
    """NIK status counts per kind and input file: the family head's NIK of loaded families,
    the NIK of loaded members, and every DTKS row (its rejects included)."""
    dtks_rows = ((row["_berkas_ke"], row["status_nik"], row["n"]) for row in dtks_nik.to_pylist())
    return {
        KELUARGA: _per_file(_status_counts(con, keluarga, "status_nik_kepala")),
        INDIVIDU: _per_file(_status_counts(con, individu, "status_nik")),
        DTKS: _per_file(dtks_rows),
    }


def _status_counts(con: duckdb.DuckDBPyConnection, table: pa.Table, column: str) -> list[tuple[int, str, int]]:
    with registered(con, t=table.select(["_berkas_ke", column])):
        return con.sql(f"SELECT _berkas_ke, {column}, count(*) FROM t GROUP BY ALL").fetchall()


def _per_file(rows: Iterable[tuple[int, str, int]]) -> NikCounts:
    """(part index, status, rows) summed per input file."""
    out: NikCounts = {}
    for part, status, n in rows:
        counts = out.setdefault(file_of_part(part), {})
        counts[status] = counts.get(status, 0) + int(n)
    return out


def file_entry(raw: RawFile, rejected: RejectCounts, nik: NikCounts) -> dict:
    """One input file: how it was read, what was loaded and rejected, its NIKs and columns."""
    ditolak = sum(n for (name, _), n in rejected.items() if name == raw.name)
    return {
        "berkas": raw.name,
        "jenis": raw.kind,
        "format": raw.format,
        "pengodean": raw.encoding,
        "baris_judul_kolom": raw.header_line,
        "pemisah": raw.delimiter,
        "baris_dibaca": raw.records,
        "dimuat": raw.records - ditolak,
        "ditolak": ditolak,
        "lembar": [_sheet_entry(part, rejected.get((raw.name, part.sheet), 0)) for part in raw.parts]
        if raw.format != "csv"
        else [],
        "lembar_dilewati": raw.skipped_sheets,
        "nik": dict(sorted(nik.get(file_of_part(raw.parts[0].index), {}).items())),
        "kolom_dipetakan": {f: raw.columns.source_names(f) for f in raw.columns.sources},
        "kolom_tidak_dikenal": raw.columns.unknown,
        "kolom_opsional_tidak_ada": raw.columns.missing_optional,
        "catatan": raw.warnings,
    }


def _sheet_entry(part: Part, ditolak: int) -> dict:
    return {
        "lembar": part.sheet,
        "baris_judul_kolom": part.header_line,
        "baris_dibaca": part.records,
        "dimuat": part.records - ditolak,
        "ditolak": ditolak,
    }


def sources(files: InputFiles, layers: dict[str, PreparedLayer], kode_wilayah: Path | None) -> dict:
    return {
        **{kind: [raw.name for raw in files.by_kind[kind]] for kind in KINDS},
        "batas_wilayah": {level: layer.meta for level, layer in layers.items()},
        "kode_wilayah": Path(kode_wilayah).name if kode_wilayah else None,
    }


def row_totals(files: list[dict], rejects: pa.Table) -> dict:
    """Rows read, loaded and rejected: in all, and per kind."""
    return {
        "dibaca": sum(f["baris_dibaca"] for f in files),
        "dimuat": sum(f["dimuat"] for f in files),
        "ditolak": rejects.num_rows,
        **{
            f"{kind}_{k}": sum(f[k] for f in files if f["jenis"] == kind)
            for kind in KINDS
            for k in ("baris_dibaca", "dimuat", "ditolak")
        },
    }


def nik_totals(files: list[dict]) -> dict[str, dict[str, int]]:
    """NIK status counts per kind, over its files."""
    totals: dict[str, dict[str, int]] = {}
    for f in files:
        for status, n in f["nik"].items():
            kind = totals.setdefault(f["jenis"], {})
            kind[status] = kind.get(status, 0) + n
    return totals


def matching(match_stats: dict[str, int], desa: pd.DataFrame) -> dict:
    """The NIK matching counts, with the desil 1 families found in DTKS."""
    kk_d1 = int(desa["kk_desil_1"].sum())
    kk_d1_dtks = int(desa["kk_d1_dtks"].sum())
    return {
        **match_stats,
        "kk_desil_1": kk_d1,
        "kk_d1_padan_dtks": kk_d1_dtks,
        "pct_kk_d1_padan_dtks": _pct(kk_d1_dtks, kk_d1),
        "pct_nik_p3ke_padan": _pct(match_stats["nik_p3ke_padan"], match_stats["nik_p3ke_valid_unik"]),
    }


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def region_report(desa: pd.DataFrame, by_name: pd.DataFrame, rejects: pa.Table) -> dict:
    """Desa counts, families placed by names, inhabited desa without a polygon, and region rejects."""
    no_polygon = desa[(~desa["punya_poligon"]) & (desa["kk_total"] > 0)]
    return {
        "desa": int(len(desa)),
        "desa_berpenghuni": int((desa["kk_total"] > 0).sum()),
        "dicocokkan_nama": by_name.astype(object).where(by_name.notna(), None).to_dict("records"),
        "tanpa_poligon": no_polygon[["kode", "nama", "kk_total", "kk_desil_1"]].astype(object).to_dict("records"),
        "hanya_di_data": desa.loc[desa["hanya_di_data"], "kode"].tolist(),
        "ditolak": int(rejects.filter(pc.equal(rejects["kolom"], KOLOM_KODE)).num_rows),
    }


def province_row(provinsi: pd.DataFrame) -> dict:
    """The province's indicators as plain numbers (counts as int, rates as float, none as None)."""
    if len(provinsi) != 1:
        return {}
    values = provinsi.iloc[0][list(indicators.IDS)]
    return {k: None if pd.isna(v) else (int(v) if k in indicators.JUMLAH_IDS else float(v)) for k, v in values.items()}
