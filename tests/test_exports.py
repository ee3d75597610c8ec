"""Tables exported to xlsx open with their header, values and formats."""

import io

import pandas as pd
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
