"""Tables for reports: xlsx with formatted headers, number formats, frozen header, filters;
csv in two dialects.

Excel shows the formats below with the reader's own separators, so an Indonesian Excel
displays 1.234 and 12,5%. A csv carries its separators in the text: Excel set to Indonesian
splits columns at ";" and reads "12,5" as a number (format "csv-id", the first csv offered),
other tools expect "," and "12.5" (format "csv").
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

INT = "int"
PCT = "pct"
FLOAT = "float"
TEXT = "text"
YEAR = "year"  # a whole number without thousands separator (2027, not 2.027)
NUMBER_FORMATS = {INT: "#,##0", PCT: '0.0"%"', FLOAT: "#,##0.0", TEXT: "@", YEAR: "0"}
# Decimals shown by each kind (the formats above): a csv carries values rounded to them.
DECIMALS = {INT: 0, PCT: 1, FLOAT: 1, YEAR: 0}

XLSX = "xlsx"
CSV = "csv"  # comma-separated, decimal point
CSV_ID = "csv-id"  # for Excel set to Indonesian: semicolon-separated, decimal comma
# Separator and decimal mark of each csv format.
CSV_DIALECTS = {CSV_ID: (";", ","), CSV: (",", ".")}
# File extension of a format key, where it is not the key itself.
EXTENSIONS = {CSV_ID: "csv"}
TOTAL_LABEL = "Jumlah"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    width: int | None = None


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def column_totals(frame: pd.DataFrame, columns: list[Column], totals: Sequence[str] | None) -> dict[str, float]:
    """The sums of the `totals` columns that the table has (missing values count as 0)."""
    keys = [c.key for c in columns if c.kind != TEXT]
    return {k: float(pd.to_numeric(frame[k], errors="coerce").sum()) for k in (totals or ()) if k in keys}


def _label_column(columns: list[Column], sums: dict[str, float]) -> int:
    """Where "Jumlah" goes: the first column that is not summed."""
    return next((i for i, c in enumerate(columns) if c.key not in sums), 0)


def xlsx_bytes(
    sheets: list[tuple[str, pd.DataFrame, list[Column], list[str]]], *, totals: Sequence[str] | None = None
) -> bytes:
    """One workbook; each sheet is (name, frame, columns, lines above the table). `totals`:
    column keys summed in a last row "Jumlah" of every sheet that has them, formatted like
    their column (a formula, so it follows edits made in Excel)."""
    import xlsxwriter
    from xlsxwriter.utility import xl_rowcol_to_cell

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top", "border": 1}
    )
    title = book.add_format({"bold": True, "font_size": 13})
    note = book.add_format({"italic": True, "font_color": "#555555"})
    formats = {kind: book.add_format({"num_format": code}) for kind, code in NUMBER_FORMATS.items()}
    total_formats = {
        kind: book.add_format({"num_format": code, "bold": True, "top": 1}) for kind, code in NUMBER_FORMATS.items()
    }
    for name, frame, columns, lines in sheets:
        sheet = book.add_worksheet(name[:31])
        for r, line in enumerate(lines):
            sheet.write_string(r, 0, line, title if r == 0 else note)
        top = len(lines) + (1 if lines else 0)
        for c, col in enumerate(columns):
            width = col.width or max(
                10, min(45, len(col.header) + 2, max([len(str(v)) for v in frame[col.key].head(200)] + [0]) + 2)
            )
            sheet.set_column(c, c, width, formats[col.kind])
            sheet.write_string(top, c, col.header, head)
        for r, values in enumerate(frame[[c.key for c in columns]].itertuples(index=False), start=top + 1):
            for c, (col, value) in enumerate(zip(columns, values)):
                if _missing(value):
                    continue
                if col.kind == TEXT:
                    sheet.write_string(r, c, str(value))
                else:
                    sheet.write_number(r, c, float(value), formats[col.kind])
        sheet.freeze_panes(top + 1, 0)
        # The filter (and a sort through it) covers the rows, not the totals below them.
        sheet.autofilter(top, 0, top + max(len(frame), 1), len(columns) - 1)
        sums = column_totals(frame, columns, totals)
        if sums:
            r = top + 1 + max(len(frame), 1)
            sheet.write_string(r, _label_column(columns, sums), TOTAL_LABEL, total_formats[TEXT])
            for c, col in enumerate(columns):
                if col.key in sums:
                    first, last = xl_rowcol_to_cell(top + 1, c), xl_rowcol_to_cell(top + max(len(frame), 1), c)
                    sheet.write_formula(r, c, f"=SUM({first}:{last})", total_formats[col.kind], sums[col.key])
    book.close()
    return buffer.getvalue()


def _csv_value(value, kind: str, decimal: str) -> str:
    """A cell as the reader sees it in the xlsx: numbers rounded to the decimals shown,
    with the format's decimal mark and no thousands separator (which csv readers would
    take for a decimal mark or a column break); empty stays empty."""
    if _missing(value):
        return ""
    if kind == TEXT:
        return str(value)
    # Half away from zero on the shortest decimal form, as Excel displays 81.25 as 81,3
    # (Python's own rounding of the binary float would give 81,2).
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-DECIMALS[kind]), rounding=ROUND_HALF_UP)
    text = f"{rounded + 0:f}"  # + 0 turns -0.0 into 0.0
    return text.replace(".", decimal)


def csv_bytes(
    frame: pd.DataFrame, columns: list[Column], format: str = CSV, *, totals: Sequence[str] | None = None
) -> bytes:
    """CSV with the same headers as the xlsx, in UTF-8 with a byte-order mark (so Excel reads
    names with accents). `format` CSV_ID: ";" between columns and a decimal comma, as Excel
    set to Indonesian reads it; CSV: "," and a decimal point, for other tools. Numbers are
    rounded to the decimals the xlsx shows. `totals`: column keys summed in a last row
    "Jumlah"."""
    sep, decimal = CSV_DIALECTS[format]
    out = pd.DataFrame(
        {c.header: [_csv_value(v, c.kind, decimal) for v in frame[c.key].tolist()] for c in columns},
        columns=[c.header for c in columns],
    )
    sums = column_totals(frame, columns, totals)
    if sums:
        row = ["" for _ in columns]
        row[_label_column(columns, sums)] = TOTAL_LABEL
        for c, col in enumerate(columns):
            if col.key in sums:
                row[c] = _csv_value(sums[col.key], col.kind, decimal)
        out.loc[len(out)] = row
    return out.to_csv(index=False, sep=sep, lineterminator="\r\n").encode("utf-8-sig")


def table_bytes(
    format: str,
    sheet: str,
    frame: pd.DataFrame,
    columns: list[Column],
    lines: list[str],
    *,
    totals: Sequence[str] | None = None,
) -> bytes:
    """The table in a download format: XLSX, CSV_ID or CSV."""
    if format in CSV_DIALECTS:
        return csv_bytes(frame, columns, format, totals=totals)
    if format == XLSX:
        return xlsx_bytes([(sheet, frame, columns, lines)], totals=totals)
    raise ValueError(format)


def slug(text: str) -> str:
    """File-name part: lower case, words joined by '-', 'Kabupaten' shortened to 'kab'."""
    text = str(text).strip()
    for long, short in (("Kabupaten ", "Kab "), ("Kecamatan ", "Kec ")):
        if text.startswith(long):
            text = short + text[len(long) :]
    cleaned = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in cleaned.split("-") if part)


def file_name(kind: str, *parts: str, ext: str) -> str:
    """e.g. peta_kk-d1-non-dtks_kab-agam_2023-08-22.png; `ext` is an extension or a format
    key (both csv formats give .csv)."""
    return "_".join([kind] + [slug(p) if not _is_date(p) else p for p in parts if p]) + "." + EXTENSIONS.get(ext, ext)


def _is_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit()
