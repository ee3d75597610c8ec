"""Reading an uploaded workbook's sheets (xlsx, xls) as rows, safely: the verification
importer (kantong.verval.importer) and the crosswalk of a release comparison (etl.compare)
read theirs here."""

from __future__ import annotations

import io
import re
import zipfile

from etl.errors import InputError

# A workbook's sheets may declare any size (a cell at XFD1048576 in a file of 1.5 KB): the
# reader would reserve memory for all of it. Result lists are a few thousand rows.
MAX_CELLS = 2_000_000
MAX_SHEET_BYTES = 100 * 2**20  # uncompressed XML of one sheet
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_size(name: str, data: bytes) -> None:
    """Refuse an xlsx whose sheets reach beyond MAX_CELLS cells or MAX_SHEET_BYTES, before
    anything reads them: the size comes from the cells' own references, read in chunks."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return  # not a zip (an .xls): the reader says what is wrong
    for info in book.infolist():
        if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
            continue
        if info.file_size > MAX_SHEET_BYTES:
            raise InputError(name, f"lembar terlalu besar ({info.file_size / 2**20:,.0f} MB tanpa kompresi)")
        rows = cols = 0
        tail = b""
        with book.open(info) as sheet:
            while chunk := sheet.read(1 << 20):
                block = tail + chunk
                for letters, number in _CELL_REF.findall(block):
                    rows, cols = max(rows, int(number)), max(cols, _column_number(letters))
                tail = block[-64:]
        if rows * cols > MAX_CELLS:
            raise InputError(
                name,
                f"lembar terlalu luas ({rows:,} baris × {cols:,} kolom); hapus isi sel di luar tabel".replace(",", "."),
            )


def sheets(name: str, data: bytes) -> list[tuple[str, list[list[object]]]]:
    """(sheet name, rows as read) of every sheet, in order; a sheet that cannot be read (a
    chart sheet, a damaged one) has no rows. A workbook too large (check_size) or not one at
    all is an InputError naming the file."""
    from python_calamine import CalamineError, CalamineWorkbook

    check_size(name, data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
    except (CalamineError, OSError, ValueError) as err:
        raise InputError(name, f"berkas Excel tidak dapat dibaca ({err})") from err
    out = []
    for index, sheet in enumerate(names):
        try:
            rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        except (CalamineError, ValueError):
            rows = []
        out.append((sheet, [list(r) for r in rows]))
    return out
