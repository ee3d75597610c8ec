"""Read P3KE and DTKS exports (csv or xlsx) into Arrow tables of text, one column per field.

The reader only finds and lifts the data: it detects the header row under title rows,
maps columns by normalised name, and keeps every cell as text. Interpreting values is the
job of `etl.normalise`. Two facts are kept beside the text because they cannot be recovered
later: the physical row number of each record, and whether a NIK cell was stored as a
number (a numeric cell in Excel has lost digits and must never be matched).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import mmap
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from etl.errors import InputError
from etl.schema import LAYOUTS, ColumnMap, Layout, display_name, header_score, map_columns

HEADER_SEARCH_ROWS = 40
CSV_DELIMITERS = (",", ";", "|", "\t")
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}

REJECT_SCHEMA = pa.schema(
    [
        ("berkas", pa.string()),
        ("jenis", pa.string()),
        ("baris", pa.int64()),
        ("kolom", pa.string()),
        ("alasan", pa.string()),
        ("nilai", pa.string()),
    ]
)


@dataclass
class RawFile:
    """One input file, lifted: canonical text columns plus `_berkas_ke` and `_baris`."""

    path: Path
    kind: str
    format: str
    header_line: int  # 1-based line (csv) or row (xlsx) of the header
    delimiter: str | None
    encoding: str | None
    columns: ColumnMap
    table: pa.Table
    rejects: pa.Table  # rows the reader itself could not split into columns
    records: int  # data records found below the header (loaded by the reader + rejected)
    warnings: list[str] = field(default_factory=list)

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


def _check_columns(path: Path, layout: Layout, headers: list[str]) -> ColumnMap:
    colmap, missing = map_columns(layout, headers)
    if missing:
        names = ", ".join(f"'{display_name(layout, m)}'" for m in missing)
        raise InputError(path.name, f"kolom wajib {names} tidak ditemukan pada baris judul kolom", kolom=display_name(layout, missing[0]))
    return colmap


def _best_header(path: Path, layout: Layout, rows: list[list[object]]) -> int:
    scores = [header_score(layout, r) for r in rows[:HEADER_SEARCH_ROWS]]
    if not scores or max(scores) == 0:
        raise InputError(path.name, f"baris judul kolom {layout.kind} tidak ditemukan dalam {HEADER_SEARCH_ROWS} baris pertama")
    return scores.index(max(scores))


# ----------------------------------------------------------------------------- csv


def _sniff_text(path: Path) -> tuple[str, str]:
    head = path.open("rb").read(256 * 1024)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError as err:
            if encoding == "utf-8-sig" and err.start > len(head) - 4:
                text = head[: err.start].decode(encoding)  # a character cut by the 256 KB read
                break
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise InputError(path.name, "pengodean teks tidak dikenali")
    return text, ("utf-8" if encoding == "utf-8-sig" else "latin-1")


def _read_csv(path: Path, layout: Layout, file_index: int, con: duckdb.DuckDBPyConnection, row_sql: str) -> RawFile:
    text, encoding = _sniff_text(path)
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
        raise InputError(path.name, f"baris judul kolom {layout.kind} tidak ditemukan dalam {HEADER_SEARCH_ROWS} baris pertama")
    _, header_idx, delim, headers = best
    colmap = _check_columns(path, layout, headers)

    n = len(headers)
    columns = {f"c{i}": "VARCHAR" for i in range(n)}
    rej_table, rej_scan = f"rej_{file_index}", f"rejscan_{file_index}"
    wanted = _projection(layout, colmap, lambda i: f"c{i}")
    cols_sql = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    delim_sql = "\\t" if delim == "\t" else delim
    source = (
        f"read_csv({_sql_str(str(path))}, delim={_sql_str(delim_sql)}, quote='\"', escape='\"', "
        f"header=false, skip={header_idx + 1}, columns={cols_sql}, auto_detect=false, "
        f"encoding={_sql_str(encoding)}, store_rejects=true, rejects_table={_sql_str(rej_table)}, "
        f"rejects_scan={_sql_str(rej_scan)}, null_padding=false)"
    )
    table = con.sql(row_sql.replace("{src}", f"(SELECT {wanted} FROM {source})")).to_arrow_table()
    bad = con.sql(
        f"SELECT line, error_type::VARCHAR AS error_type, error_message FROM {rej_table} ORDER BY line"
    ).fetchall()
    con.execute(f"DROP TABLE IF EXISTS {rej_table}; DROP TABLE IF EXISTS {rej_scan}")
    bad_lines = sorted({row[0] for row in bad})

    # Physical line of each loaded record: the header line, then records in file order,
    # skipping the lines that were rejected before it.
    first_data_line = header_idx + 2
    ordinal = np.arange(table.num_rows, dtype=np.int64)
    line = first_data_line + ordinal
    if bad_lines:
        bad_arr = np.asarray(bad_lines, dtype=np.int64)
        # shift each record past every rejected line at or before its position
        for _ in range(2):  # converges: a shift can cross at most the lines it counts
            line = first_data_line + ordinal + np.searchsorted(bad_arr, line, side="right")
    warnings: list[str] = []
    if not _lines_add_up(path, header_idx + 1, table.num_rows + len(bad_lines)):
        warnings.append(
            "nomor baris dapat bergeser: berkas memuat baris kosong atau sel berisi ganti baris"
        )
    table = _add_position(table, file_index, line)
    seen: set[int] = set()
    rejects = []
    for ln, etype, msg in bad:
        if ln in seen:
            continue
        seen.add(ln)
        rejects.append(
            {
                "berkas": path.name,
                "jenis": layout.kind,
                "baris": int(ln),
                "kolom": None,
                "alasan": f"jumlah kolom tidak sesuai judul kolom ({_csv_error(etype, msg)})",
                "nilai": None,
            }
        )
    return RawFile(
        path=path,
        kind=layout.kind,
        format="csv",
        header_line=header_idx + 1,
        delimiter=delim,
        encoding=encoding,
        columns=colmap,
        table=table,
        rejects=pa.Table.from_pylist(rejects, schema=REJECT_SCHEMA),
        records=table.num_rows + len(seen),
        warnings=warnings,
    )


def _csv_error(error_type: str, message: str) -> str:
    if "MISSING" in error_type:
        return "kolom kurang"
    if "TOO MANY" in error_type:
        return "kolom berlebih"
    if "UNQUOTED" in error_type or "QUOTE" in error_type:
        return "tanda kutip tidak tertutup"
    return message


def _lines_add_up(path: Path, header_lines: int, records: int) -> bool:
    """Whether every line below the header is one record, so row numbers are exact.

    Counting newlines runs at memory speed; blank lines are looked for only when the
    count does not add up (DuckDB skips them, which shifts the numbering)."""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return records == 0
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            data = np.frombuffer(mm, dtype=np.uint8)
            step = 8 << 20
            total = sum(int(np.count_nonzero(data[i : i + step] == 10)) for i in range(0, size, step))
            total += int(data[-1] != 10)  # a final line without a newline
            del data
    data_lines = total - header_lines
    if data_lines == records:
        return True
    # Blank lines only at the end leave the numbering intact; anything else shifts it.
    trailing_blank = 0
    with path.open("rb") as fh:
        for i, raw_line in enumerate(fh):
            if i < header_lines:
                continue
            if raw_line.strip() == b"":
                trailing_blank += 1
            elif trailing_blank:
                return False
    return data_lines - trailing_blank == records


# ----------------------------------------------------------------------------- xlsx


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
    from python_calamine import CalamineError, load_workbook

    try:
        wb = load_workbook(str(path))
        sheet = wb.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except CalamineError as err:
        raise InputError(path.name, f"berkas Excel tidak dapat dibaca ({err})") from err
    header_idx = _best_header(path, layout, rows)
    headers = ["" if c is None else str(c) for c in rows[header_idx]]
    colmap = _check_columns(path, layout, headers)
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
    name = f"xlsx_{file_index}"
    con.register(name, pa.table(arrays))
    table = con.sql(row_sql.replace("{src}", name)).to_arrow_table()
    con.unregister(name)
    table = _add_position(table, file_index, line)
    return RawFile(
        path=path,
        kind=layout.kind,
        format="xlsx",
        header_line=header_idx + 1,
        delimiter=None,
        encoding=None,
        columns=colmap,
        table=table,
        rejects=empty_rejects(),
        records=len(data),
    )


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
