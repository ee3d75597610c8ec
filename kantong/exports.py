"""Tables for reports: xlsx with formatted headers, number formats, frozen header, filters.

Excel shows the formats below with the reader's own separators, so an Indonesian Excel
displays 1.234 and 12,5%.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

INT = "int"
PCT = "pct"
FLOAT = "float"
TEXT = "text"
NUMBER_FORMATS = {INT: "#,##0", PCT: '0.0"%"', FLOAT: "#,##0.0", TEXT: "@"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    width: int | None = None


def xlsx_bytes(sheets: list[tuple[str, pd.DataFrame, list[Column], list[str]]]) -> bytes:
    """One workbook; each sheet is (name, frame, columns, lines above the table)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top", "border": 1}
    )
    title = book.add_format({"bold": True, "font_size": 13})
    note = book.add_format({"italic": True, "font_color": "#555555"})
    formats = {kind: book.add_format({"num_format": code}) for kind, code in NUMBER_FORMATS.items()}
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
                if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
                    continue
                if col.kind == TEXT:
                    sheet.write_string(r, c, str(value))
                else:
                    sheet.write_number(r, c, float(value), formats[col.kind])
        sheet.freeze_panes(top + 1, 0)
        sheet.autofilter(top, 0, top + max(len(frame), 1), len(columns) - 1)
    book.close()
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame, columns: list[Column]) -> bytes:
    """CSV for other tools: comma-separated, decimal point, UTF-8 with a byte-order mark
    (so Excel reads names with accents), the same headers as the xlsx."""
    out = frame[[c.key for c in columns]].copy()
    out.columns = [c.header for c in columns]
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def table_bytes(format: str, sheet: str, frame: pd.DataFrame, columns: list[Column], lines: list[str]) -> bytes:
    if format == "csv":
        return csv_bytes(frame, columns)
    if format == "xlsx":
        return xlsx_bytes([(sheet, frame, columns, lines)])
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
    """e.g. peta_kk-d1-non-dtks_kab-agam_2023-08-22.png"""
    return "_".join([kind] + [slug(p) if not _is_date(p) else p for p in parts if p]) + "." + ext


def _is_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit()
