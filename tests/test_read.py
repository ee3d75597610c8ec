"""Readers: header rows under titles, delimiters, column mapping, row numbers."""

from pathlib import Path

import pytest

from etl.errors import InputError
from etl.read import read_file
from etl.schema import KELUARGA_LAYOUT, map_columns, normalise_header


def test_header_names_fold_case_spacing_and_punctuation():
    assert normalise_header(" Desa/Kelurahan ") == "desa kelurahan"
    assert normalise_header("DESA_KELURAHAN") == "desa kelurahan"
    assert normalise_header("Memiliki fasilitas  Buang-Air Besar") == "memiliki fasilitas buang air besar"


def test_old_family_layout_maps_to_the_same_fields():
    headers = ["ID Keluarga P3KE", "Kode Kemdagri", "Desil Kesejahteraan", "Kepala Keluarga", "NIK", "Jenis Kelamin",
               "Memiliki Fasilitas Buang Air Besar", "Penerima BPNT", "Penerima SEMBAKO", "Kolom Baru"]
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


def test_blank_line_inside_data_is_flagged(tmp_path: Path):
    path = tmp_path / "dtks.csv"
    path.write_text("Nik;PKH\n1306014101800001;1\n\n1306014101800003;0\n")
    raw = read_file(path, "dtks", 0)
    assert raw.records == 2
    assert raw.warnings and "bergeser" in raw.warnings[0]


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
