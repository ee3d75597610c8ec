"""Read P3KE and DTKS exports (csv or xlsx) into Arrow tables of text, one column per field.

The reader only finds and lifts the data: it detects the header row under title rows,
maps columns by normalised name, and keeps every cell as text. Interpreting values is the
job of `etl.normalise`. Two facts are kept beside the text because they cannot be recovered
later: the physical row number of each record, and whether a NIK cell was stored as a
number (a numeric cell in Excel has lost digits and must never be matched).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import mmap
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from etl.errors import InputError
from etl.schema import LAYOUTS, ColumnMap, Layout, display_name, header_score, map_columns

HEADER_SEARCH_ROWS = 40
SNIFF_BYTES = 256 * 1024  # read to find the encoding, delimiter and header row
CSV_DELIMITERS = (",", ";", "|", "\t")
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}

# A file is read in parts: a csv is one part, a workbook one part per sheet that carries
# data. `_berkas_ke` on every row is the part's index, so (_berkas_ke, _baris) names one
# physical row even when several sheets of one workbook share row numbers.
PARTS_PER_FILE = 1024


def part_index(file_index: int, sheet_no: int = 0) -> int:
    return file_index * PARTS_PER_FILE + sheet_no


def file_of_part(index: int) -> int:
    return index // PARTS_PER_FILE


REJECT_SCHEMA = pa.schema(
    [
        ("berkas", pa.string()),
        ("lembar", pa.string()),  # the workbook's sheet; empty for text files
        ("jenis", pa.string()),
        ("baris", pa.int64()),
        ("kolom", pa.string()),
        ("alasan", pa.string()),
        ("nilai", pa.string()),
    ]
)


@dataclass
class Part:
    """One part of a file that carries data: a csv, or one sheet of a workbook."""

    index: int  # the `_berkas_ke` of its rows (see part_index)
    sheet: str | None
    header_line: int  # 1-based line (csv) or row (workbook) of the header
    records: int  # data records below the header (loaded by the reader + rejected)


@dataclass
class RawFile:
    """One input file, lifted: canonical text columns plus `_berkas_ke` and `_baris`."""

    path: Path
    kind: str
    format: str
    header_line: int  # of the first part
    delimiter: str | None
    encoding: str | None  # as detected from the bytes, e.g. "UTF-16 LE dengan BOM"
    columns: ColumnMap  # of the first part
    table: pa.Table
    rejects: pa.Table  # rows the reader itself could not split into columns
    records: int  # data records found below the header (loaded by the reader + rejected)
    warnings: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    skipped_sheets: list[dict] = field(default_factory=list)  # {"lembar", "alasan"}

    @property
    def name(self) -> str:
        return self.path.name


def empty_rejects() -> pa.Table:
    return REJECT_SCHEMA.empty_table()


def read_file(
    path: str | Path,
    kind: str,
    file_index: int,
    con: duckdb.DuckDBPyConnection | None = None,
    row_sql: str = "SELECT * FROM {src}",
) -> RawFile:
    """Read one file. `row_sql` is applied to the file's canonical text columns inside
    the scan (see etl.normalise.row_sql), so only its result is held in memory."""
    path = Path(path)
    if not path.exists():
        raise InputError(path.name, "berkas tidak ditemukan")
    layout = LAYOUTS[kind]
    con = con or duckdb.connect()
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_excel(path, layout, file_index, con, row_sql)
    return _read_csv(path, layout, file_index, con, row_sql)


def _check_columns(path: Path, layout: Layout, headers: list[str], sheet: str | None = None) -> ColumnMap:
    colmap, missing = map_columns(layout, headers)
    if missing:
        raise InputError(
            path.name, _missing_message(layout, missing), kolom=display_name(layout, missing[0]), lembar=sheet
        )
    return colmap


def _missing_message(layout: Layout, missing: list[str]) -> str:
    names = ", ".join(f"'{display_name(layout, m)}'" for m in missing)
    return f"kolom wajib {names} tidak ditemukan pada baris judul kolom"


def _no_header_message(layout: Layout) -> str:
    return f"baris judul kolom {layout.kind} tidak ditemukan dalam {HEADER_SEARCH_ROWS} baris pertama"


# ----------------------------------------------------------------------------- csv

# Byte-order marks, longest first; UTF-32 is not written by any office tool we know of.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 dengan BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE dengan BOM"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE dengan BOM"),
)


def detect_encoding(head: bytes, whole_file: bool = True) -> tuple[str, str]:
    """(Python codec, label for the report) of a text export, from its first bytes.

    A byte-order mark decides; UTF-16 without one shows as every other byte being NUL
    (Latin text); otherwise UTF-8 if the bytes decode as UTF-8, else Windows-1252."""
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            return codec, label
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        odd_nul = sample[1::2].count(0) > sample[0::2].count(0)
        return ("utf-16-le", "UTF-16 LE tanpa BOM") if odd_nul else ("utf-16-be", "UTF-16 BE tanpa BOM")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        if whole_file or err.start <= len(head) - 4:  # not merely a character cut by the read
            return "cp1252", "Windows-1252"
    return "utf-8", "UTF-8"


def _utf8_copy(path: Path, codec: str, folder: Path) -> Path:
    """A UTF-8 copy with LF line ends, streamed: for UTF-16 exports (so DuckDB and the line
    count read bytes in which a newline is one byte) and for files that mix CRLF and LF
    (which DuckDB's strict parser refuses). Line numbers are unchanged."""
    target = folder / (path.stem + ".utf8.csv")
    with path.open("rb") as src, target.open("wb") as dst:
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        carry = ""
        while True:
            chunk = src.read(8 << 20)
            text = carry + decoder.decode(chunk, final=not chunk)
            carry = "\r" if text.endswith("\r") and chunk else ""  # a CRLF may straddle two reads
            dst.write(text[: len(text) - len(carry)].replace("\r\n", "\n").encode("utf-8"))
            if not chunk:
                break
    return target


def _read_csv(path: Path, layout: Layout, file_index: int, con: duckdb.DuckDBPyConnection, row_sql: str) -> RawFile:
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    codec, label = detect_encoding(head, whole_file=len(head) < SNIFF_BYTES)
    if not codec.startswith("utf-16"):
        try:
            return _read_text(path, path, codec, label, layout, file_index, con, row_sql)
        except InputError:
            if not _mixed_line_ends(path):
                raise
    # Read through a normalised copy (only here: the common file is scanned in place).
    with tempfile.TemporaryDirectory(prefix="kantong-teks-") as tmp:
        copy = _utf8_copy(path, codec.replace("-sig", ""), Path(tmp))
        return _read_text(path, copy, "utf-8", label, layout, file_index, con, row_sql)


def _mixed_line_ends(path: Path) -> bool:
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        data = np.frombuffer(mm, dtype=np.uint8)
        step = 8 << 20
        lf = crlf = 0
        for i in range(0, len(data), step):
            block = data[i : i + step + 1]  # one byte of overlap to see a CRLF across blocks
            lf += int(np.count_nonzero(block[:step] == 10))
            crlf += int(np.count_nonzero((block[:-1] == 13) & (block[1:] == 10)))
            del block
        del data
    return 0 < crlf < lf


def _read_text(
    path: Path,
    source_path: Path,
    codec: str,
    label: str,
    layout: Layout,
    file_index: int,
    con: duckdb.DuckDBPyConnection,
    row_sql: str,
) -> RawFile:
    """Read a delimited text file. `path` names the file in messages; `source_path` is
    what is scanned (a UTF-8 copy for UTF-16 files)."""
    with source_path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    try:
        text = head.decode(codec)
    except UnicodeDecodeError as err:  # a character cut by the 256 KB read
        text = head[: err.start].decode(codec)
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    best: tuple[int, int, str, list[str]] | None = None
    for delim in CSV_DELIMITERS:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delim))
        if not rows:
            continue
        scores = [header_score(layout, r) for r in rows]
        top = max(scores)
        if top and (best is None or top > best[0]):
            best = (top, scores.index(top), delim, rows[scores.index(top)])
    if best is None:
        raise InputError(path.name, _no_header_message(layout))
    _, header_idx, delim, headers = best
    colmap = _check_columns(path, layout, headers)

    n = len(headers)
    columns = {f"c{i}": "VARCHAR" for i in range(n)}
    rej_table, rej_scan = f"rej_{file_index}", f"rejscan_{file_index}"
    wanted = _projection(layout, colmap, lambda i: f"c{i}")
    cols_sql = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    delim_sql = "\\t" if delim == "\t" else delim
    duck_encoding = "latin-1" if codec == "cp1252" else "utf-8"
    source = (
        f"read_csv({_sql_str(str(source_path))}, delim={_sql_str(delim_sql)}, quote='\"', escape='\"', "
        f"header=false, skip={header_idx + 1}, columns={cols_sql}, auto_detect=false, "
        f"encoding={_sql_str(duck_encoding)}, store_rejects=true, rejects_table={_sql_str(rej_table)}, "
        f"rejects_scan={_sql_str(rej_scan)}, null_padding=false)"
    )
    try:
        table = con.sql(row_sql.replace("{src}", f"(SELECT {wanted} FROM {source})")).to_arrow_table()
    except duckdb.Error as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(path.name, f"berkas teks tidak dapat dibaca sebagai tabel ({first})") from err
    bad = con.sql(
        f"SELECT line, error_type::VARCHAR AS error_type, error_message FROM {rej_table} ORDER BY line"
    ).fetchall()
    con.execute(f"DROP TABLE IF EXISTS {rej_table}; DROP TABLE IF EXISTS {rej_scan}")
    bad_lines = sorted({int(row[0]) for row in bad})

    line, warnings = _record_lines(source_path, header_idx + 1, table.num_rows, bad_lines)
    index = part_index(file_index)
    table = _add_position(table, index, line)
    seen: set[int] = set()
    rejects = []
    for ln, etype, msg in bad:
        if ln in seen:
            continue
        seen.add(ln)
        rejects.append(
            {
                "berkas": path.name,
                "lembar": None,
                "jenis": layout.kind,
                "baris": int(ln),
                "kolom": None,
                "alasan": f"jumlah kolom tidak sesuai judul kolom ({_csv_error(etype, msg)})",
                "nilai": None,
            }
        )
    records = table.num_rows + len(seen)
    return RawFile(
        path=path,
        kind=layout.kind,
        format="csv",
        header_line=header_idx + 1,
        delimiter=delim,
        encoding=label,
        columns=colmap,
        table=table,
        rejects=pa.Table.from_pylist(rejects, schema=REJECT_SCHEMA),
        records=records,
        warnings=warnings,
        parts=[Part(index, None, header_idx + 1, records)],
    )


def _csv_error(error_type: str, message: str) -> str:
    if "MISSING" in error_type:
        return "kolom kurang"
    if "TOO MANY" in error_type:
        return "kolom berlebih"
    if "UNQUOTED" in error_type or "QUOTE" in error_type:
        return "tanda kutip tidak tertutup"
    return message


def _record_lines(path: Path, header_lines: int, n_loaded: int, bad_lines: list[int]) -> tuple[np.ndarray, list[str]]:
    """The physical line of each loaded record, in file order.

    DuckDB skips empty lines and reports rejected lines by their physical number. When
    every line below the header is a record (the usual case, checked by counting newlines
    at memory speed), a record's line follows from its position and the rejected lines
    before it. Otherwise the empty lines are located too, so the numbers stay exact; only
    a quoted cell that spans lines leaves them approximate, and that is said."""
    first_data_line = header_lines + 1
    ordinal = np.arange(n_loaded, dtype=np.int64)
    bad_arr = np.asarray(bad_lines, dtype=np.int64)
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return ordinal + first_data_line, []
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            data = np.frombuffer(mm, dtype=np.uint8)
            step = 8 << 20  # bounded temporaries on files of any size
            count = sum(int(np.count_nonzero(data[i : i + step] == 10)) for i in range(0, size, step))
            total = count + int(data[-1] != 10)  # a final line without a newline
            if total - header_lines == n_loaded + len(bad_lines):
                del data
                line = first_data_line + ordinal
                if len(bad_arr):
                    # shift each record past every rejected line at or before its position
                    for _ in range(2):  # converges: a shift can cross at most the lines it counts
                        line = first_data_line + ordinal + np.searchsorted(bad_arr, line, side="right")
                return line, []
            newlines = np.concatenate([np.flatnonzero(data[i : i + step] == 10) + i for i in range(0, size, step)])
            starts = np.concatenate(([0], newlines + 1))[:total]
            ends = np.concatenate((newlines, [size]))[:total]
            length = ends - starts
            cr_only = np.zeros(total, dtype=bool)
            one = np.flatnonzero(length == 1)
            cr_only[one] = data[starts[one]] == 13
            del data
    empty = (length == 0) | cr_only
    line_no = np.arange(1, total + 1, dtype=np.int64)
    keep = (line_no > header_lines) & ~empty
    if len(bad_arr):
        keep &= ~np.isin(line_no, bad_arr)
    candidates = line_no[keep]
    n_empty = int(empty[header_lines:].sum())
    if len(candidates) == n_loaded:
        note = [f"{n_empty:,} baris kosong dilewati".replace(",", ".")] if n_empty else []
        return candidates, note
    # A quoted cell with a line break: records span lines, so positions are estimates.
    line = first_data_line + ordinal
    if len(bad_arr):
        line = line + np.searchsorted(bad_arr, line, side="right")
    return line, ["nomor baris dapat bergeser: berkas memuat sel berisi ganti baris"]


# ----------------------------------------------------------------------------- workbooks


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value)


def _read_excel(path: Path, layout: Layout, file_index: int, con: duckdb.DuckDBPyConnection, row_sql: str) -> RawFile:
    """Every sheet whose header row maps the layout's required columns is read, in order
    (a cover or notes sheet first, data split over sheets with the header repeated);
    the others are skipped with the reason."""
    from python_calamine import CalamineError, load_workbook

    try:
        wb = load_workbook(str(path))
        names = list(wb.sheet_names)
    except (CalamineError, OSError, ValueError) as err:
        raise InputError(path.name, f"berkas Excel tidak dapat dibaca ({err})") from err
    if len(names) > PARTS_PER_FILE:
        raise InputError(
            path.name, f"buku kerja memuat {len(names)} lembar; paling banyak {PARTS_PER_FILE} yang dapat dibaca"
        )
    parts: list[Part] = []
    tables: list[pa.Table] = []
    skipped: list[dict] = []
    first_error: InputError | None = None
    first_map: ColumnMap | None = None
    for sheet_no, sheet_name in enumerate(names):
        try:
            rows = wb.get_sheet_by_index(sheet_no).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as err:  # a chart sheet, or a damaged one
            skipped.append({"lembar": sheet_name, "alasan": f"lembar tidak dapat dibaca ({err})"})
            continue
        scores = [header_score(layout, r) for r in rows[:HEADER_SEARCH_ROWS]]
        if not scores or max(scores) == 0:
            skipped.append({"lembar": sheet_name, "alasan": "tidak ada baris judul kolom yang dikenali"})
            first_error = first_error or InputError(path.name, _no_header_message(layout), lembar=sheet_name)
            continue
        header_idx = scores.index(max(scores))
        headers = ["" if c is None else str(c) for c in rows[header_idx]]
        colmap, missing = map_columns(layout, headers)
        if missing:
            reason = _missing_message(layout, missing)
            skipped.append({"lembar": sheet_name, "alasan": reason})
            # A sheet that looks like data but lacks a required column is the likelier cause.
            if first_error is None or first_error.kolom is None:
                first_error = InputError(path.name, reason, kolom=display_name(layout, missing[0]), lembar=sheet_name)
            continue
        index = part_index(file_index, sheet_no)
        table, records = _sheet_table(rows, header_idx, layout, colmap, index, con, row_sql)
        parts.append(Part(index, sheet_name, header_idx + 1, records))
        tables.append(table)
        first_map = first_map or colmap
    if not parts:
        raise first_error or InputError(path.name, "buku kerja tidak memuat lembar")
    warnings = [f"lembar '{s['lembar']}' dilewati: {s['alasan']}" for s in skipped]
    return RawFile(
        path=path,
        kind=layout.kind,
        format=path.suffix.lower().lstrip("."),
        header_line=parts[0].header_line,
        delimiter=None,
        encoding=None,
        columns=first_map,
        table=pa.concat_tables(tables) if len(tables) > 1 else tables[0],
        rejects=empty_rejects(),
        records=sum(p.records for p in parts),
        warnings=warnings,
        parts=parts,
        skipped_sheets=skipped,
    )


def _sheet_table(
    rows: list[list[object]],
    header_idx: int,
    layout: Layout,
    colmap: ColumnMap,
    index: int,
    con: duckdb.DuckDBPyConnection,
    row_sql: str,
) -> tuple[pa.Table, int]:
    """One sheet's records below its header, normalised by `row_sql`; empty rows are not records."""
    data = rows[header_idx + 1 :]
    keep = [i for i, r in enumerate(data) if any(c not in (None, "") for c in r)]
    data = [data[i] for i in keep]
    line = np.asarray(keep, dtype=np.int64) + header_idx + 2
    arrays: dict[str, pa.Array] = {}
    for fld in layout.fields:
        srcs = colmap.sources.get(fld.name, [])
        cols = [[r[i] if i < len(r) else None for r in data] for i in srcs]
        if fld.any_of:
            arrays[fld.name] = pa.array(
                [[_cell_text(v) for v in vals] for vals in zip(*cols)] if cols else [None] * len(data),
                type=pa.list_(pa.string()),
            )
        else:
            values = cols[0] if cols else [None] * len(data)
            arrays[fld.name] = pa.array([_cell_text(v) for v in values], type=pa.string())
        if fld.is_nik:
            values = cols[0] if cols else [None] * len(data)
            arrays[f"{fld.name}_angka"] = pa.array(
                [isinstance(v, (int, float)) and not isinstance(v, bool) for v in values], type=pa.bool_()
            )
    name = f"sheet_{index}"
    con.register(name, pa.table(arrays))
    table = con.sql(row_sql.replace("{src}", name)).to_arrow_table()
    con.unregister(name)
    return _add_position(table, index, line), len(data)


# ----------------------------------------------------------------------------- shared


def _projection(layout: Layout, colmap: ColumnMap, ref) -> str:
    """SELECT list giving every layout field (NULL where the file lacks it)."""
    parts = []
    for fld in layout.fields:
        srcs = colmap.sources.get(fld.name, [])
        if fld.any_of:
            expr = f"[{', '.join(ref(i) for i in srcs)}]::VARCHAR[]" if srcs else "NULL::VARCHAR[]"
        else:
            expr = ref(srcs[0]) if srcs else "NULL::VARCHAR"
        parts.append(f"{expr} AS {fld.name}")
        if fld.is_nik:
            # Text in a csv is text; a NIK that was a number shows as scientific notation,
            # which `normalise` recognises from the text itself.
            parts.append(f"false AS {fld.name}_angka")
    return ", ".join(parts)


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _add_position(table: pa.Table, file_index: int, line) -> pa.Table:
    n = table.num_rows
    table = table.append_column("_berkas_ke", pa.array(np.full(n, file_index, dtype=np.int32)))
    return table.append_column("_baris", pa.array(line, type=pa.int64()))
