"""Tables exported to xlsx open with their header, values and formats."""

import io

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from kantong import exports


def test_table_xlsx_has_title_header_values_and_filters(tmp_path):
    frame = pd.DataFrame(
        {
            "kode": ["13.06.01.2001", "13.71.01.1001"],
            "nama": ["Nagari A", "Kelurahan B"],
            "kk": [1234, 7],
            "pct": [12.5, None],
        }
    )
    columns = [
        exports.Column("kode", "Kode"),
        exports.Column("nama", "Nagari/desa"),
        exports.Column("kk", "KK desil 1", exports.INT),
        exports.Column("pct", "% belum DTKS", exports.PCT),
    ]
    data = exports.xlsx_bytes([("Rencana", frame, columns, ["Rencana Aksi 2024", "Disusun oleh Kabid PFM"])])
    path = tmp_path / "rencana.xlsx"
    path.write_bytes(data)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Rencana").to_python()
    assert rows[0][0] == "Rencana Aksi 2024"
    assert rows[3] == ["Kode", "Nagari/desa", "KK desil 1", "% belum DTKS"]
    assert rows[4][:3] == ["13.06.01.2001", "Nagari A", 1234.0] and rows[4][3] == 12.5
    assert rows[5][3] in ("", None)  # an empty rate stays empty, not 0
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<autoFilter" in sheet and 'state="frozen"' in sheet
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    assert "#,##0" in styles and "0.0&quot;%&quot;" in styles


FRAME = pd.DataFrame(
    {
        "kode": ["13.06.01.2001", "13.06.01.2002", "13.71.01.1001"],
        "nama": ["Koto Tuo", "Aia Janiah", "Kelurahan B"],
        "kk": [1234, 7, None],
        "pct": [6.8181818181, 100 / 3, None],
        "skor": [81.25, 2 / 3, 0.04],
    }
)
COLUMNS = [
    exports.Column("kode", "Kode"),
    exports.Column("nama", "Nagari/desa"),
    exports.Column("kk", "KK desil 1", exports.INT),
    exports.Column("pct", "% belum DTKS", exports.PCT),
    exports.Column("skor", "Skor", exports.FLOAT),
]


def test_csv_for_indonesian_excel_uses_semicolons_decimal_commas_and_the_shown_precision():
    data = exports.table_bytes(exports.CSV_ID, "Wilayah", FRAME, COLUMNS, ["judul"])
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads accents
    rows = data.decode("utf-8-sig").split("\r\n")
    assert rows[0] == "Kode;Nagari/desa;KK desil 1;% belum DTKS;Skor"
    # 6.8181… is shown as 6,8 in the xlsx: the csv carries the same; no thousands separator.
    assert rows[1] == "13.06.01.2001;Koto Tuo;1234;6,8;81,3"  # 81.25 -> 81.3 (like Excel's 0.0 format)
    assert rows[2] == "13.06.01.2002;Aia Janiah;7;33,3;0,7"
    assert rows[3] == "13.71.01.1001;Kelurahan B;;;0,0"  # empty stays empty, not 0
    assert rows[4] == ""


def test_csv_for_other_tools_keeps_commas_and_decimal_points():
    rows = exports.table_bytes(exports.CSV, "Wilayah", FRAME, COLUMNS, []).decode("utf-8-sig").splitlines()
    assert rows[0] == "Kode,Nagari/desa,KK desil 1,% belum DTKS,Skor"
    assert rows[1] == "13.06.01.2001,Koto Tuo,1234,6.8,81.3"
    assert rows[2] == "13.06.01.2002,Aia Janiah,7,33.3,0.7"


def test_both_csv_formats_are_named_csv_files():
    assert exports.file_name("tabel", "Kabupaten Agam", "2023-08-22", ext=exports.CSV_ID) == (
        "tabel_kab-agam_2023-08-22.csv"
    )
    assert exports.file_name("tabel", "Kabupaten Agam", "2023-08-22", ext=exports.CSV) == (
        "tabel_kab-agam_2023-08-22.csv"
    )
    assert exports.file_name("tabel", "Kabupaten Agam", ext="xlsx") == "tabel_kab-agam.xlsx"


def test_every_table_menu_offers_xlsx_first_then_the_indonesian_csv():
    from layouts.main import FORMAT_LABEL, TABLE_FORMATS

    assert TABLE_FORMATS == ("xlsx", "csv-id", "csv")
    assert all(f in FORMAT_LABEL for f in TABLE_FORMATS)
    assert "titik koma" in FORMAT_LABEL["csv-id"] and "pemisah koma" in FORMAT_LABEL["csv"]


def test_totals_row_sums_the_chosen_columns_in_csv_and_xlsx(tmp_path):
    rows = (
        exports.table_bytes(exports.CSV_ID, "Rencana", FRAME, COLUMNS, [], totals=["kk", "skor"])
        .decode("utf-8-sig")
        .splitlines()
    )
    assert len(rows) == 1 + 3 + 1
    assert rows[-1] == "Jumlah;;1241;;82,0"  # 1234 + 7 (+ empty); 81.25 + 0.667 + 0.04 = 81.957 -> 82,0

    data = exports.table_bytes(exports.XLSX, "Rencana", FRAME, COLUMNS, ["Rencana Aksi 2024"], totals=["kk", "skor"])
    path = tmp_path / "rencana.xlsx"
    path.write_bytes(data)
    from openpyxl import load_workbook

    sheet = load_workbook(path)["Rencana"]  # header on row 3, data on rows 4-6, totals on row 7
    assert [c.value for c in sheet[7]] == ["Jumlah", None, "=SUM(C4:C6)", None, "=SUM(E4:E6)"]
    assert sheet["C7"].number_format == "#,##0" and sheet["E7"].number_format == "#,##0.0"
    assert sheet.auto_filter.ref == "A3:E6"  # sorting the rows leaves the totals last
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Rencana").to_python()
    assert values[6][0] == "Jumlah" and values[6][2] == 1241.0 and values[6][4] == pytest.approx(81.956667, abs=1e-5)

    # Without totals, no extra row.
    plain = exports.csv_bytes(FRAME, COLUMNS).decode("utf-8-sig").splitlines()
    assert len(plain) == 4 and not plain[-1].startswith("Jumlah")
