"""Write a snapshot atomically: everything goes to a hidden sibling folder first, which is
renamed into place only when complete, so the app never reads a half-written snapshot."""

from __future__ import annotations

import json
import numbers
import os
import shutil
import uuid
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl import indicators

# Number formats of every xlsx Kantong writes (kantong/exports.py NUMBER_FORMATS: INT, FLOAT).
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
REPORT_REJECT_ROWS = 100_000  # the xlsx report lists this many rejected rows; all are in ditolak.parquet
LEVEL_FILES = ("desa", "kecamatan", "kabkota", "provinsi", "nasional")  # nasional: several provinces only


@contextmanager
def atomic_dir(out: Path):
    """Yield a temporary folder next to `out`; on success it replaces `out` in one rename."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_snapshot(
    folder: Path, levels: dict[str, pd.DataFrame], geojson: Mapping[str, Path], rejects: pa.Table, summary: dict
) -> None:
    """Everything but summary.json (written last, with the timings): the indicator tables,
    the web boundaries, the rejected rows and the quality report."""
    for level in LEVEL_FILES:
        if level in levels:
            write_table(levels[level], folder / f"{level}.parquet")
    for level, path in geojson.items():
        shutil.copyfile(path, folder / f"{level}.geojson")
    write_rejects(rejects, folder / "ditolak.parquet")
    write_quality_report(summary, levels, rejects, folder / "laporan_kualitas.xlsx")


def write_table(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False, compression="zstd")


def write_rejects(rejects: pa.Table, path: Path) -> None:
    pq.write_table(rejects, path, compression="zstd")


# Rows per row group of the family store's files: small enough that reading one nagari
# (a few hundred families, their members) decodes a group or two, not the province.
FAMILY_ROW_GROUP_ROWS = 16_384


def write_family_store(folder: Path, tables: Mapping[str, pa.Table], sumber: dict) -> None:
    """keluarga.parquet, anggota.parquet and sumber.json (which snapshot build they belong to)."""
    for name, table in tables.items():
        pq.write_table(table, folder / f"{name}.parquet", compression="zstd", row_group_size=FAMILY_ROW_GROUP_ROWS)
    write_summary(sumber, folder / "sumber.json")


def write_summary(summary: dict, path: Path) -> None:
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def write_quality_report(summary: dict, levels: dict[str, pd.DataFrame], rejects: pa.Table, path: Path) -> None:
    """An xlsx a data officer can act on: what was read, what was rejected and why, where."""
    files = pd.DataFrame(
        [
            {
                "Berkas": f["berkas"],
                "Jenis": f["jenis"],
                "Format": f["format"],
                "Pengodean teks": f["pengodean"] or "",
                "Lembar dibaca": ", ".join(s["lembar"] for s in f["lembar"]),
                "Lembar dilewati": ", ".join(s["lembar"] for s in f["lembar_dilewati"]),
                "Baris judul kolom": f["baris_judul_kolom"],
                "Baris data dibaca": f["baris_dibaca"],
                "Dimuat": f["dimuat"],
                "Ditolak": f["ditolak"],
                "NIK valid": f["nik"].get("valid", 0),
                "NIK tidak valid": sum(v for k, v in f["nik"].items() if k != "valid"),
                "Kolom tidak dikenal": ", ".join(f["kolom_tidak_dikenal"]),
                "Kolom opsional tidak ada": ", ".join(f["kolom_opsional_tidak_ada"]),
                "Catatan": "; ".join(f["catatan"]),
            }
            for f in summary["berkas"]
        ]
    )
    nik_rows = [
        {"Jenis": jenis, "Status NIK": status, "Jumlah": n}
        for jenis, counts in summary["nik"].items()
        for status, n in counts.items()
    ]
    reasons = (
        rejects.group_by(["jenis", "alasan"]).aggregate([("baris", "count")]).to_pandas()
        if rejects.num_rows
        else pd.DataFrame(columns=["jenis", "alasan", "baris_count"])
    )
    reasons = reasons.rename(columns={"jenis": "Jenis", "alasan": "Alasan", "baris_count": "Jumlah baris"})
    reasons = reasons.sort_values("Jumlah baris", ascending=False)
    by_name = pd.DataFrame(summary["wilayah"]["dicocokkan_nama"])
    no_polygon = levels["desa"][(~levels["desa"]["punya_poligon"]) & (levels["desa"]["kk_total"] > 0)][
        ["kode", "nama", "nama_kecamatan", "nama_kabkota", "kk_total", "kk_desil_1"]
    ]
    rejected_rows = rejects.slice(0, REPORT_REJECT_ROWS).to_pandas().rename(columns=str.capitalize)
    sheets_read = pd.DataFrame(
        [
            {
                "Berkas": f["berkas"],
                "Lembar": s["lembar"],
                "Status": "dibaca",
                "Baris judul kolom": s["baris_judul_kolom"],
                "Baris data dibaca": s["baris_dibaca"],
                "Dimuat": s["dimuat"],
                "Ditolak": s["ditolak"],
                "Alasan": "",
            }
            for f in summary["berkas"]
            for s in f["lembar"]
        ]
        + [
            {"Berkas": f["berkas"], "Lembar": s["lembar"], "Status": "dilewati", "Alasan": s["alasan"]}
            for f in summary["berkas"]
            for s in f["lembar_dilewati"]
        ],
        columns=["Berkas", "Lembar", "Status", "Baris judul kolom", "Baris data dibaca", "Dimuat", "Ditolak", "Alasan"],
    )
    for col in ("Baris judul kolom", "Baris data dibaca", "Dimuat", "Ditolak"):
        sheets_read[col] = sheets_read[col].astype("Int64")
    boundary_rows = []
    for level, meta in summary["sumber"]["batas_wilayah"].items():
        fix = meta.get("perbaikan", {})
        boundary_rows.append(
            {
                "Tingkat": level,
                "Sumber": meta.get("sumber"),
                "Fitur": meta.get("fitur"),
                "Poligon dibuat valid": fix.get("geometri_diperbaiki", meta.get("geometri_diperbaiki", 0)),
                "Pasangan tumpang tindih": fix.get("tumpang_tindih", 0),
                "Luas tumpang tindih (ha)": float(fix.get("luas_tumpang_tindih_ha", 0.0)),
                "Celah ditutup": fix.get("celah_ditutup", 0),
                "Luas celah (ha)": float(fix.get("luas_celah_ha", 0.0)),
                "Koordinat 3D dibuang": "ya" if fix.get("koordinat_3d_dibuang") else "tidak",
                "CRS sumber": fix.get("crs_sumber", ""),
                "CRS diasumsikan": "ya" if fix.get("crs_diasumsikan") else "tidak",
                "Digabung dari desa": "ya" if meta.get("digabung_dari_desa") else "tidak",
                "Catatan": "; ".join(meta.get("catatan", [])),
            }
        )
    boundary = pd.DataFrame(boundary_rows)
    for col in ("Fitur", "Poligon dibuat valid", "Pasangan tumpang tindih", "Celah ditutup"):
        if col in boundary:
            boundary[col] = boundary[col].astype("int64")
    overview = pd.DataFrame(
        [
            ("Tanggal referensi", summary["tanggal_referensi"]),
            ("Dibuat pada", summary["dibuat_pada"]),
            ("Baris dibaca", summary["baris"]["dibaca"]),
            ("Baris dimuat", summary["baris"]["dimuat"]),
            ("Baris ditolak", summary["baris"]["ditolak"]),
            ("KK P3KE dimuat", summary["provinsi"]["kk_total"]),
            ("KK desil 1", summary["provinsi"]["kk_desil_1"]),
            ("KK desil 1 di DTKS", summary["provinsi"]["kk_d1_dtks"]),
            ("Tingkat padan DTKS KK desil 1 (%)", summary["pencocokan"]["pct_kk_d1_padan_dtks"]),
            ("Wilayah dicocokkan lewat nama", len(summary["wilayah"]["dicocokkan_nama"])),
            ("Desa berpenghuni tanpa poligon", len(no_polygon)),
            ("Lembar buku kerja dilewati", sum(len(f["lembar_dilewati"]) for f in summary["berkas"])),
            (
                "Poligon batas diperbaiki (dibuat valid, tumpang tindih, celah)",
                int(
                    sum(
                        r["Poligon dibuat valid"] + r["Pasangan tumpang tindih"] + r["Celah ditutup"]
                        for r in boundary_rows
                    )
                ),
            ),
        ],
        columns=["Uraian", "Nilai"],
    )
    catalog = pd.DataFrame(
        [
            {"Kolom": i.id, "Indikator": i.label, "Satuan": i.satuan, "Definisi": i.definisi}
            for i in indicators.INDICATORS
        ]
    )
    sheets = [
        ("Ringkasan", overview),
        ("Per berkas", files),
        ("Per lembar", sheets_read),
        ("Batas wilayah", boundary),
        ("Alasan penolakan", reasons),
        ("Status NIK", pd.DataFrame(nik_rows, columns=["Jenis", "Status NIK", "Jumlah"])),
        ("Dicocokkan lewat nama", by_name),
        ("Desa tanpa poligon", no_polygon.rename(columns={"kk_total": "KK P3KE", "kk_desil_1": "KK desil 1"})),
        ("Baris ditolak", rejected_rows),
        ("Definisi indikator", catalog),
    ]
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"}
    )
    number = book.add_format({"num_format": INTEGER_FORMAT})
    decimal = book.add_format({"num_format": DECIMAL_FORMAT})
    for name, frame in sheets:
        sheet = book.add_worksheet(name)
        _write_sheet(sheet, frame, head, number, decimal)
        if name == "Baris ditolak" and rejects.num_rows > REPORT_REJECT_ROWS:
            sheet.write(
                len(rejected_rows) + 2,
                0,
                f"Hanya {REPORT_REJECT_ROWS:,} baris pertama ditampilkan; semua {rejects.num_rows:,} baris ada di "
                "ditolak.parquet".replace(",", "."),
            )
    book.close()


def _whole(values: pd.Series) -> bool:
    present = values.dropna().astype("float64")
    return bool((present == present.round()).all())


def _write_sheet(sheet, frame: pd.DataFrame, head, number, decimal) -> None:
    """Header row frozen and filtered, columns sized to their content, rows in order.

    Every number carries its format in its own cell: counts with thousands separators,
    decimals with one place, also in mixed columns (the overview's "Nilai"). A column's
    format alone is not enough: LibreOffice Calc shows cells without their own format as
    General (5007548)."""
    decimal_columns = set()
    for i, col in enumerate(frame.columns):
        sample = frame[col].head(200).tolist()
        width = max([len(str(col))] + [len(str(v)) for v in sample])
        dtype = frame[col].dtype
        # A count column with an empty cell arrives as floats: whole numbers keep the count format.
        is_float = pd.api.types.is_float_dtype(dtype) and not _whole(frame[col])
        is_int = pd.api.types.is_numeric_dtype(dtype) and not is_float and not pd.api.types.is_bool_dtype(dtype)
        if is_float:
            decimal_columns.add(i)
        sheet.set_column(i, i, min(max(10, width + 2), 70), number if is_int else decimal if is_float else None)
    sheet.write_row(0, 0, [str(c) for c in frame.columns], head)
    sheet.freeze_panes(1, 0)
    if len(frame.columns):
        sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
    for r, row in enumerate(zip(*columns, strict=True), start=1):
        for i, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
                sheet.write_string(r, i, str(v))
            elif isinstance(v, numbers.Integral) or (i not in decimal_columns and float(v).is_integer()):
                sheet.write_number(r, i, int(v), number)
            else:
                sheet.write_number(r, i, float(v), decimal)
