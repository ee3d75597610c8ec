"""The quality report (laporan_kualitas.xlsx): every number carries its own number format,
so LibreOffice Calc shows 5.007.548 as Excel does, not 5007548."""

from __future__ import annotations

import json
import numbers

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from etl import write
from etl.pipeline import build
from kantong import exports
from tests import fixtures


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kualitas")
    out = folder / "snapshot"
    build(fixtures.build_inputs(folder, out))
    return out


def numbers_and_formats(path) -> list[tuple[str, str, object, str]]:
    """(sheet, cell, value, number format) of every number below the header of every sheet."""
    book = load_workbook(path)
    return [
        (sheet.title, cell.coordinate, cell.value, cell.number_format)
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, numbers.Real) and not isinstance(cell.value, bool)
    ]


def test_formats_are_those_of_the_app_exports():
    assert write.INTEGER_FORMAT == exports.NUMBER_FORMATS[exports.INT]
    assert write.DECIMAL_FORMAT == exports.NUMBER_FORMATS[exports.FLOAT]


def test_every_number_of_every_sheet_has_a_number_format(built):
    cells = numbers_and_formats(built / "laporan_kualitas.xlsx")
    sheets = {sheet for sheet, *_ in cells}
    assert {"Ringkasan", "Per berkas", "Per lembar", "Batas wilayah", "Baris ditolak"} <= sheets
    general = [c for c in cells if c[3] == "General"]
    assert general == []
    # Counts with thousands separators; areas (ha) with one decimal.
    assert {f for _, _, v, f in cells if isinstance(v, int)} == {"#,##0"}
    book = load_workbook(built / "laporan_kualitas.xlsx")
    overview = {row[0].value: row[1] for row in book["Ringkasan"].iter_rows(min_row=2)}
    assert overview["KK P3KE dimuat"].value == 6 and overview["KK P3KE dimuat"].number_format == "#,##0"


def test_numbers_from_numpy_and_in_mixed_columns_are_formatted_too(built, tmp_path):
    """Counts the pipeline hands over as numpy integers, and counts in a column that also
    holds empty cells, were left as General (the overview's 5007548)."""
    summary = json.loads((built / "summary.json").read_text())
    summary["baris"]["dibaca"] = np.int64(5_007_548)
    summary["provinsi"]["kk_total"] = np.int64(600_000)
    summary["berkas"][0]["baris_judul_kolom"] = None  # an unreadable header row: the column mixes None and ints
    summary["berkas"][1]["dimuat"] = np.int64(51_562)
    levels = {"desa": pd.read_parquet(built / "desa.parquet")}
    path = tmp_path / "laporan_kualitas.xlsx"
    write.write_quality_report(summary, levels, pq.read_table(built / "ditolak.parquet"), path)

    cells = numbers_and_formats(path)
    assert [c for c in cells if c[3] == "General"] == []
    found = {v: f for _, _, v, f in cells}
    assert found[5_007_548] == "#,##0" and found[600_000] == "#,##0" and found[51_562] == "#,##0"
    per_file = load_workbook(path)["Per berkas"]
    header = [c.value for c in per_file[1]]
    column = header.index("Baris judul kolom") + 1
    assert per_file.cell(2, column).value is None  # empty stays empty
    assert per_file.cell(3, column).number_format == "#,##0"
