"""Readers: header rows under titles, delimiters, column mapping, row numbers."""

import codecs
from pathlib import Path

import pytest

from etl.errors import InputError
from etl.read import detect_encoding, part_index, read_file
from etl.schema import DTKS_LAYOUT, KELUARGA_LAYOUT, map_columns, normalise_header


def test_header_names_fold_case_spacing_and_punctuation():
    assert normalise_header(" Desa/Kelurahan ") == "desa kelurahan"
    assert normalise_header("DESA_KELURAHAN") == "desa kelurahan"
    assert normalise_header("Memiliki fasilitas  Buang-Air Besar") == "memiliki fasilitas buang air besar"


def test_a_column_is_mapped_once_when_aliases_fold_together():
    colmap, _ = map_columns(DTKS_LAYOUT, ["Nik", "Bansos_Pkh", "Pbi_Jkn", "BPNT", "SEMBAKO_ADAPTIF"])
    assert colmap.source_names("pkh") == ["Bansos_Pkh"] and colmap.source_names("pbi") == ["Pbi_Jkn"]
    assert colmap.source_names("sembako") == ["BPNT", "SEMBAKO_ADAPTIF"]


def test_old_family_layout_maps_to_the_same_fields():
    headers = [
        "ID Keluarga P3KE",
        "Kode Kemdagri",
        "Desil Kesejahteraan",
        "Kepala Keluarga",
        "NIK",
        "Jenis Kelamin",
        "Memiliki Fasilitas Buang Air Besar",
        "Penerima BPNT",
        "Penerima SEMBAKO",
        "Kolom Baru",
    ]
    colmap, missing = map_columns(KELUARGA_LAYOUT, headers)
    assert missing == []
    assert colmap.source_names("nik_kepala") == ["NIK"]
    assert colmap.source_names("jenis_kelamin_kepala") == ["Jenis Kelamin"]
    assert colmap.source_names("penerima_sembako") == ["Penerima BPNT", "Penerima SEMBAKO"]
    assert colmap.unknown == ["Kolom Baru"]
    assert "kualitas_atap" in colmap.missing_optional


@pytest.mark.parametrize("delim", [",", ";", "|", "\t"])
def test_csv_header_under_title_rows_any_delimiter(tmp_path: Path, delim):
    rows = [["ID DTKS", "Nik", "Bansos_Pkh"], ["D1", "1306014101800001", "Ya"], ["D2", "1306014101800002", "Tidak"]]
    text = "EKSTRAK DTKS\nper 2023\n" + "\n".join(delim.join(r) for r in rows) + "\n"
    path = tmp_path / "dtks.csv"
    path.write_text(text)
    raw = read_file(path, "dtks", 0)
    assert raw.header_line == 3 and raw.delimiter == delim and raw.records == 2
    assert raw.table.column("nik").to_pylist() == ["1306014101800001", "1306014101800002"]
    assert raw.table.column("_baris").to_pylist() == [4, 5]


def test_rows_after_a_rejected_line_keep_their_physical_numbers(tmp_path: Path):
    path = tmp_path / "dtks.csv"
    path.write_text("Nik;PKH\n1306014101800001;1\n1306014101800002\n1306014101800003;0\n")
    raw = read_file(path, "dtks", 0)
    assert raw.table.column("_baris").to_pylist() == [2, 4]
    assert raw.rejects.column("baris").to_pylist() == [3]
    assert raw.records == 3 and raw.warnings == []


def test_blank_lines_inside_data_keep_exact_row_numbers(tmp_path: Path):
    # line 1 header, 2 record, 3 blank, 4 record, 5 too few columns, 6-7 blank, 8 record, 9 blank (CRLF), 10 record
    path = tmp_path / "dtks.csv"
    path.write_bytes(
        b"Nik;PKH\n1306014101800001;1\n\n1306014101800003;0\n1306014101800005\n\n\n"
        b"1306014101800008;1\n\r\n1306014101800010;0\n"
    )
    raw = read_file(path, "dtks", 0)
    assert raw.table.column("_baris").to_pylist() == [2, 4, 8, 10]
    assert raw.table.column("nik").to_pylist()[-1] == "1306014101800010"
    assert raw.rejects.column("baris").to_pylist() == [5]
    assert raw.records == 5 and raw.warnings == ["4 baris kosong dilewati"]


def test_a_cell_spanning_lines_is_flagged(tmp_path: Path):
    path = tmp_path / "dtks.csv"
    path.write_text('Nik;PKH\n1306014101800001;"Ya\nketerangan"\n\n1306014101800003;0\n')
    raw = read_file(path, "dtks", 0)
    assert raw.records == 2 and "bergeser" in raw.warnings[0]


def test_unicode_text_utf16_with_bom_and_tabs(tmp_path: Path):
    """What Excel writes as "Unicode Text": UTF-16 LE, a byte-order mark, tabs, CRLF."""
    text = (
        "EKSTRAK DTKS KOTA CONTOH\r\nNik\tNama\tPKH\r\n1306014101800001\tSiti Nurhayati\tYa\r\n"
        "\r\n1306014101800002\tAsnidar Caniago\tTidak\r\n"
    )
    path = tmp_path / "dtks_unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    raw = read_file(path, "dtks", 2)
    assert (raw.encoding, raw.delimiter, raw.header_line, raw.records) == ("UTF-16 LE dengan BOM", "\t", 2, 2)
    assert raw.table.column("nik").to_pylist() == ["1306014101800001", "1306014101800002"]
    assert raw.table.column("pkh").to_pylist() == [["Ya"], ["Tidak"]]
    assert raw.table.column("_baris").to_pylist() == [3, 5]


def test_utf8_with_bom_header_on_the_first_line(tmp_path: Path):
    path = tmp_path / "dtks_bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + "Nik,Nama\n1306014101800001,Désirée\n".encode("utf-8"))
    raw = read_file(path, "dtks", 0)
    assert raw.encoding == "UTF-8 dengan BOM" and raw.columns.source_names("nik") == ["Nik"]
    assert raw.table.column("nik").to_pylist() == ["1306014101800001"]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"Nik,PKH\n", "UTF-8"),
        ("Nik,Nama\nJos\xe9".encode("cp1252"), "Windows-1252"),
        ("Nik\tPKH".encode("utf-16-le"), "UTF-16 LE tanpa BOM"),
        ("Nik\tPKH".encode("utf-16-be"), "UTF-16 BE tanpa BOM"),
        (codecs.BOM_UTF16_BE + "Nik".encode("utf-16-be"), "UTF-16 BE dengan BOM"),
    ],
)
def test_encoding_is_detected_from_the_bytes(head, expected):
    assert detect_encoding(head)[1] == expected


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, float):
                    sheet.write_number(r, c, v)
                elif v is not None:
                    sheet.write_string(r, c, v)
    book.close()
    return path


def test_workbook_with_a_cover_sheet_and_data_split_over_sheets(tmp_path: Path):
    path = _workbook(
        tmp_path / "dtks_besar.xlsx",
        {
            "Keterangan": [["Ekstrak DTKS Kota Contoh"], ["Dicetak 2023-08-01"], ["NIK disimpan sebagai teks"]],
            "Data 1": [["EKSTRAK DTKS"], [], ["NIK", "PKH"], ["1306014101800001", "Ya"], ["1306014101800002", "Tidak"]],
            "Catatan": [["Kolom", "Arti"], ["PKH", "penerima Program Keluarga Harapan"]],
            "Data 2": [
                ["NIK", "PKH"],
                ["1306014101800003", "Ya"],
                [],
                ["1306014101800004", "1"],
                ["1306014101800005", "0"],
            ],
        },
    )
    raw = read_file(path, "dtks", 1)
    assert [(p.sheet, p.header_line, p.records) for p in raw.parts] == [("Data 1", 3, 2), ("Data 2", 1, 3)]
    assert raw.records == 5 and raw.header_line == 3
    assert raw.table.column("nik").to_pylist() == [f"130601410180000{i}" for i in range(1, 6)]
    assert raw.table.column("_baris").to_pylist() == [4, 5, 2, 4, 5]
    # Rows of the two sheets keep apart although their row numbers repeat.
    assert raw.table.column("_berkas_ke").to_pylist() == [part_index(1, 1)] * 2 + [part_index(1, 3)] * 3
    assert raw.skipped_sheets == [
        {"lembar": "Keterangan", "alasan": "tidak ada baris judul kolom yang dikenali"},
        {"lembar": "Catatan", "alasan": "kolom wajib 'NIK' tidak ditemukan pada baris judul kolom"},
    ]
    assert all("dilewati" in w for w in raw.warnings) and len(raw.warnings) == 2


def test_workbook_without_a_data_sheet_names_the_sheet_and_column(tmp_path: Path):
    path = _workbook(
        tmp_path / "individu.xlsx",
        {
            "Sampul": [["Data individu P3KE"]],
            "Data": [["ID Keluarga P3KE", "Nama"], ["P1", "Warga"]],
        },
    )
    with pytest.raises(InputError) as err:
        read_file(path, "individu", 0)
    assert str(err.value) == (
        "berkas individu.xlsx, lembar 'Data', kolom 'NIK': kolom wajib 'NIK' tidak ditemukan pada baris judul kolom"
    )


def test_xls_excel_97_2003_is_read_like_xlsx(tmp_path: Path):
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("Sampul").write(0, 0, "Ekstrak DTKS")
    data = book.add_sheet("Data")
    for c, h in enumerate(["NIK", "PKH"]):
        data.write(1, c, h)
    data.write(2, 0, "1306014101800001")
    data.write(2, 1, "Ya")
    data.write(3, 0, 1306014101800002.0)  # a NIK typed as a number
    path = tmp_path / "dtks_lama.xls"
    book.save(str(path))
    raw = read_file(path, "dtks", 0)
    assert (raw.format, raw.records, raw.header_line) == ("xls", 2, 2)
    assert raw.table.column("nik_angka").to_pylist() == [False, True]
    assert raw.table.column("_baris").to_pylist() == [3, 4]
    assert [s["lembar"] for s in raw.skipped_sheets] == ["Sampul"]


def test_missing_required_column_names_file_and_column(tmp_path: Path):
    path = tmp_path / "individu_2023.csv"
    path.write_text("ID Keluarga P3KE,Nama\nP1,Warga\n")
    with pytest.raises(InputError) as err:
        read_file(path, "individu", 0)
    assert "individu_2023.csv" in str(err.value) and "'NIK'" in str(err.value)


def test_xlsx_numeric_nik_cells_are_marked(tmp_path: Path):
    import xlsxwriter

    path = tmp_path / "dtks.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Laporan DTKS"])
    sheet.write_row(2, 0, ["NIK", "PKH"])
    sheet.write_string(3, 0, "1306014101800001")
    sheet.write_number(4, 0, 1306014101800002)
    sheet.write_row(5, 0, [])  # an empty row is not a record
    sheet.write_string(6, 0, "1306014101800003")
    book.close()
    raw = read_file(path, "dtks", 0)
    assert raw.format == "xlsx" and raw.header_line == 3 and raw.records == 3
    assert raw.table.column("nik_angka").to_pylist() == [False, True, False]
    assert raw.table.column("_baris").to_pylist() == [4, 5, 7]
