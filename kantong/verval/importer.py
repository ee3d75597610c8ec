"""Read field verification answers back: the filled xlsx list, an ODK Central csv export or
a KoboToolbox export (csv or xlsx), told apart by their column headers, never by file name.

Pure: file contents in, an ImportResult out; nothing is written. Every data row is either
accepted (an Answer), rejected with its reason and place (file, sheet, row, column), set
aside as a duplicate of a later answer for the same family, or, on the xlsx list only,
counted as not yet answered (a listed family whose answer cells are all empty). A file that
is none of the three shapes raises etl.errors.InputError, as the ETL's inputs do.

The shapes:

- the xlsx list (kantong.verval.lists): one sheet per nagari plus the cover sheet, title
  rows, then a header row found by the cell choices.ID_COLUMN; columns are known by the
  labels of choices.FAMILY_COLUMNS and choices.ANSWER_COLUMNS, in any order. A sheet's
  nagari is a dotted code (13.06.01.2001) in its name or title rows, and each row's
  "Kode desa" cell;
- ODK Central: groups joined by "-" (`jawaban-keberadaan`), `KEY`, `meta-instanceID`,
  `SubmissionDate`, `ReviewState`; a repeat group's file carries `PARENT_KEY`;
- KoboToolbox: groups joined by "/" (`jawaban/keberadaan`), `_uuid`, `_submission_time`,
  `_index`, `_validation_status`; a repeat group's sheet or file carries `_parent_index`.

In both form exports a select_multiple is one column of space-separated choices or one 0/1
column per choice (`<field>/<choice>`), or both; headers and answers may be names or labels.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from etl import workbook
from etl.errors import InputError
from etl.errors import place as _place
from etl.read import detect_encoding
from kantong.verval import choices
from kantong.verval.choices import Question

HEADER_SEARCH_ROWS = 40
# Sheets of the list (kantong.verval.lists) that hold no answers: passed over without a word.
QUIET_SHEETS = ("Sampul", "Anggota")
CSV_DELIMITERS = (",", ";", "\t", "|")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"

SHAPES = {
    "daftar": "daftar verifikasi (xlsx)",
    "odk": "ekspor ODK Central",
    "kobo": "ekspor KoboToolbox",
}
# Why a row is rejected (the key is what results and the imports table count by).
REASONS = {
    "keluarga_tidak_dikenal": "keluarga tidak dikenal",
    "di_luar_nagari": "keluarga di luar daftar nagari",
    "jawaban_tidak_dikenal": "jawaban bukan salah satu pilihan",
    "keberadaan_kosong": "keberadaan keluarga tidak diisi",
    "ditolak_peninjau": "kiriman ditolak peninjau",
}

_ODK_MARKERS = {"SubmissionDate", "KEY", "meta-instanceID"}
_KOBO_MARKERS = {"_uuid", "_submission_time", "meta/instanceID"}
_REVIEW_REJECTED = {"rejected", "validation_status_not_approved", "not approved", "tidak disetujui"}
_TRUE = {"1", "true", "ya", "yes", "y", "benar"}
_DESA_CODE = re.compile(r"\b\d{2}\.\d{2}\.\d{2}\.\d{4}\b")
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)

Source = Path | str | tuple[str, bytes]


# ----------------------------------------------------------------------------- results


@dataclass
class Answer:
    """One accepted answer, normalised: choice kodes, the nagari code dotted, the time in UTC."""

    id_keluarga: str
    kode_desa: str
    keberadaan: str
    kelayakan: str | None
    usulan_dtks: str | None
    kebutuhan_utama: str | None
    kebutuhan_lain: list[str]
    keterangan: str | None
    submitted_at: dt.datetime | None  # None on the xlsx list: the import's time stands for it
    source: str  # file name and instance ID, or file, sheet and row
    berkas: str
    sha256: str  # of the file it came from
    bentuk: str  # key of SHAPES
    baris: int
    lembar: str | None = None
    instance_id: str | None = None

    def record(self) -> dict:
        return {
            "id_keluarga": self.id_keluarga,
            "kode_desa": self.kode_desa,
            "keberadaan": self.keberadaan,
            "kelayakan": self.kelayakan,
            "usulan_dtks": self.usulan_dtks,
            "kebutuhan_utama": self.kebutuhan_utama,
            "kebutuhan_lain": list(self.kebutuhan_lain),
            "keterangan": self.keterangan,
            "submitted_at": self.submitted_at,
            "source": self.source,
        }


@dataclass(frozen=True)
class Rejected:
    alasan: str  # key of REASONS
    pesan: str
    berkas: str
    baris: int
    lembar: str | None = None
    kolom: str | None = None
    nilai: str | None = None
    id_keluarga: str | None = None

    def __str__(self) -> str:
        return f"{_place(self.berkas, self.lembar, self.baris, self.kolom)}: {self.pesan}"


@dataclass(frozen=True)
class Duplicate:
    """An answer set aside because the same family has a later one (not an error)."""

    id_keluarga: str
    source: str  # the answer set aside
    submitted_at: dt.datetime | None
    kept: str  # the answer kept


@dataclass(frozen=True)
class Unanswered:
    """A family on the xlsx list whose answer cells are all empty: not visited yet."""

    id_keluarga: str
    berkas: str
    lembar: str | None
    baris: int


@dataclass
class SourceFile:
    nama: str
    sha256: str
    bentuk: str | None  # key of SHAPES; None when the file held only repeat groups
    baris: int  # data rows read from it


@dataclass
class ImportResult:
    files: list[SourceFile]
    accepted: list[Answer] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.accepted) + len(self.rejected) + len(self.duplicates) + len(self.unanswered)

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        counts = Counter(r.alasan for r in self.rejected)
        return {k: counts[k] for k in REASONS if counts[k]}

    def records(self) -> list[dict]:
        return [a.record() for a in self.accepted]


# ----------------------------------------------------------------------------- reading files


@dataclass
class _Table:
    """A csv file or one sheet: its rows as text, numbered as the person sees them (from 1)."""

    berkas: str
    lembar: str | None
    rows: list[tuple[int, list[str]]]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(source: Source) -> tuple[str, bytes]:
    """(file name, content) of a path or a (name, bytes) pair."""
    if isinstance(source, tuple):
        name, data = source
        return Path(name).name, bytes(data)
    path = Path(source)
    try:
        return path.name, path.read_bytes()
    except FileNotFoundError as err:
        raise InputError(path.name, "berkas tidak ditemukan") from err
    except OSError as err:
        raise InputError(path.name, f"berkas tidak dapat dibuka ({err.strerror})") from err


def _text(value: object) -> str:
    """A cell as text: numbers without a trailing .0, times in ISO form, empty as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _workbook_tables(name: str, data: bytes) -> list[_Table]:
    return [
        _Table(name, sheet, [(i + 1, [_text(c) for c in r]) for i, r in enumerate(rows)])
        for sheet, rows in workbook.sheets(name, data)
    ]


def _csv_rows(text: str, delimiter: str, name: str = "") -> list[tuple[int, list[str]]]:
    """Records with the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, line = [], 1
    try:
        for record in reader:
            if any(c.strip() for c in record):
                rows.append((line, [c.strip() for c in record]))
            line = reader.line_num + 1
    except csv.Error as err:  # a cell beyond the reader's limit, a stray NUL byte
        raise InputError(name, f"baris {line} tidak dapat dibaca sebagai CSV ({err})") from err
    return rows


def _csv_table(name: str, data: bytes) -> _Table:
    codec, _ = detect_encoding(data)
    text = data.decode(codec, errors="replace").lstrip("\ufeff")
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    best, best_score = ",", (-1, 0)
    for delim in CSV_DELIMITERS:
        try:
            for record in csv.reader(io.StringIO(head), delimiter=delim):
                score = (_header_score(record), len(record))
                if score > best_score:
                    best, best_score = delim, score
        except csv.Error:
            continue  # not this delimiter: _csv_rows reports a file no delimiter reads

    return _Table(name, None, _csv_rows(text, best, name))


def _tables(name: str, data: bytes) -> list[_Table]:
    if not data.strip():
        raise InputError(name, "berkas kosong")
    if data.startswith(_ZIP) or data.startswith(_OLE):
        return _workbook_tables(name, data)
    return [_csv_table(name, data)]


# ----------------------------------------------------------------------------- headers


def _norm(text: str) -> str:
    return re.sub(r"[\s_]+", " ", str(text)).strip().casefold()


# The fields a form export carries, by every name a header may use (name or label).
_FIELD_NAMES: dict[str, str] = {}
for _q in choices.QUESTIONS:
    _FIELD_NAMES[_norm(_q.kode)] = _q.kode
    _FIELD_NAMES[_norm(_q.label)] = _q.kode
# Labels as the XLSForm (kantong.verval.xlsform) writes them, for exports made "with labels".
for _name in (choices.FORM_FAMILY_FIELD, choices.ID_COLUMN, "ID Keluarga", "Keluarga yang dikunjungi"):
    _FIELD_NAMES[_norm(_name)] = choices.FORM_FAMILY_FIELD
for _name in (choices.FORM_DESA_FIELD, "Nagari/Desa", "Nagari", "Kode desa"):
    _FIELD_NAMES[_norm(_name)] = choices.FORM_DESA_FIELD

# The list's columns: label or kode -> the column's kode (choices.FAMILY_COLUMNS, ANSWER_COLUMNS).
_LIST_NAMES: dict[str, str] = {}
for _kode, _label in choices.FAMILY_COLUMNS:
    _LIST_NAMES[_norm(_label)] = _kode
    _LIST_NAMES[_norm(_kode)] = _kode
for _kode, _label, _q in choices.ANSWER_COLUMNS:
    _LIST_NAMES[_norm(_label)] = _kode
    _LIST_NAMES[_norm(_kode)] = _kode
_LIST_QUESTION = {kode: q.kode for kode, _, q in choices.ANSWER_COLUMNS}


def _shape(cells: list[str]) -> str | None:
    """Which kind of table a header row starts; 'ulangan' for a repeat group's table."""
    names = {c for c in cells if c}
    keys = {_norm(c) for c in names}
    # The ID label plus a few more of the list's labels: a notes sheet naming the column is no header.
    if _norm(choices.ID_COLUMN) in keys and len(keys & _LIST_NAMES.keys()) >= 3:
        return "daftar"
    if "PARENT_KEY" in names or "_parent_index" in names:
        return "ulangan"
    if names & {"_uuid", "_submission_time"}:  # Kobo's own; its meta/instanceID may be written meta-instanceID
        return "kobo"
    if names & _ODK_MARKERS:
        return "odk"
    if names & _KOBO_MARKERS:
        return "kobo"
    return None


def _header_score(cells: list[str]) -> int:
    if _shape(cells) is None:
        return 0
    return sum(1 for c in cells if c in _ODK_MARKERS or c in _KOBO_MARKERS or _norm(c) in _LIST_NAMES) + 1


def _find_header(table: _Table) -> tuple[int, str] | None:
    """(position in table.rows, shape) of the header row, searched in the first rows."""
    for pos, (_, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        shape = _shape(cells)
        if shape:
            return pos, shape
    return None


@dataclass
class _Columns:
    """Where each field is in a table."""

    headers: list[str]
    id: int | None = None
    desa: int | None = None
    answers: dict[str, list[int]] = field(default_factory=dict)  # question kode -> columns
    split: list[tuple[int, str, str]] = field(default_factory=list)  # (column, question kode, choice as written)
    instance: int | None = None
    submitted: int | None = None
    review: int | None = None


# Group separators: "-" (ODK Central), "/" (Kobo's default; Kobo lets another be chosen).
_SEPARATORS = re.compile(r"([-/.])")


def _form_field(header: str) -> tuple[str, str | None] | None:
    """(field, choice as written or None) of a form export's header: the path's groups are
    dropped; what follows a select_multiple's name is one of its choices (a 0/1 column)."""
    parts = _SEPARATORS.split(header)
    segments, joins = parts[0::2], parts[1::2]
    for start in range(len(segments)):
        for end in range(start + 1, len(segments) + 1):
            kode = _FIELD_NAMES.get(_norm(_join(segments, joins, start, end)))
            if kode is None:
                continue
            if end == len(segments):
                return kode, None
            question = choices.BY_KODE.get(kode)
            if question is not None and question.multiple:
                return kode, _join(segments, joins, end, len(segments))
    return None


def _join(segments: list[str], joins: list[str], start: int, end: int) -> str:
    """segments[start:end] with the separators that stood between them."""
    out = segments[start]
    for i in range(start + 1, end):
        out += joins[i - 1] + segments[i]
    return out


_META_COLUMNS = {  # a form export's own columns -> _Columns attribute
    "meta-instanceID": "instance",
    "meta/instanceID": "instance",
    "KEY": "instance",
    "_uuid": "instance",
    "SubmissionDate": "submitted",
    "_submission_time": "submitted",
    "ReviewState": "review",
    "_validation_status": "review",
}


def _form_columns(headers: list[str]) -> _Columns:
    cols = _Columns(headers)
    for i, header in enumerate(headers):
        if header in _META_COLUMNS:
            if getattr(cols, _META_COLUMNS[header]) is None:  # meta-instanceID before KEY, meta/instanceID before _uuid
                setattr(cols, _META_COLUMNS[header], i)
            continue
        found = _form_field(header) if header else None
        if found is None:
            continue
        kode, choice = found
        if choice is not None:
            cols.split.append((i, kode, choice))
        elif kode == choices.FORM_FAMILY_FIELD:
            cols.id = i if cols.id is None else cols.id
        elif kode == choices.FORM_DESA_FIELD:
            cols.desa = i if cols.desa is None else cols.desa
        else:
            cols.answers.setdefault(kode, []).append(i)
    return cols


def _list_columns(headers: list[str]) -> _Columns:
    cols = _Columns(headers)
    for i, header in enumerate(headers):
        kode = _LIST_NAMES.get(_norm(header)) if header else None
        if kode == "id_keluarga":
            cols.id = i if cols.id is None else cols.id
        elif kode == "kode_desa":
            cols.desa = i if cols.desa is None else cols.desa
        elif kode in _LIST_QUESTION:
            cols.answers.setdefault(_LIST_QUESTION[kode], []).append(i)
    return cols


def _require(cols: _Columns, table: _Table, header_row: int, shape: str) -> None:
    """A table of a known shape without the family or keberadaan column cannot be read."""
    wanted = (
        (cols.id, choices.ID_COLUMN if shape == "daftar" else choices.FORM_FAMILY_FIELD),
        (cols.answers.get("keberadaan"), choices.KEBERADAAN.label if shape == "daftar" else "keberadaan"),
    )
    for found, name in wanted:
        if found is None:
            raise InputError(
                table.berkas,
                f"{SHAPES[shape]}: kolom '{name}' tidak ditemukan pada baris judul kolom",
                kolom=name,
                baris=header_row,
                lembar=table.lembar,
            )


# ----------------------------------------------------------------------------- rows


@dataclass
class _Raw:
    """One data row as written, before it is checked."""

    berkas: str
    sha256: str
    bentuk: str
    lembar: str | None
    baris: int
    order: tuple  # file, sheet, row: which of two undated answers is later
    id_keluarga: str
    id_kolom: str | None
    desa: list[tuple[str, str | None]]  # (nagari code as written, column or None for the sheet's)
    cells: dict[str, list[tuple[str, str]]]  # question kode -> (column, value as written)
    submitted_at: dt.datetime | None = None
    instance_id: str | None = None
    review: str | None = None

    @property
    def answered(self) -> bool:
        return any(v for values in self.cells.values() for _, v in values)

    @property
    def source(self) -> str:
        if self.instance_id:
            return f"{self.berkas} {self.instance_id}"
        sheet = f", lembar '{self.lembar}'" if self.lembar else ""
        return f"{self.berkas}{sheet}, baris {self.baris}"


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _flag(value: str) -> bool:
    text = value.strip().casefold()
    if text in _TRUE:
        return True
    try:
        return float(text.replace(",", ".")) == 1
    except ValueError:
        return False


def _row_cells(cols: _Columns, cells: list[str]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for kode, indexes in cols.answers.items():
        out[kode] = [(cols.headers[i], _cell(cells, i)) for i in indexes]
    for i, kode, choice in cols.split:
        if _flag(_cell(cells, i)):
            out.setdefault(kode, []).append((cols.headers[i], choice))
    return out


def _family_id(value: str) -> str:
    return value.strip().lstrip("'").strip()


def _when(value: str) -> dt.datetime | None:
    """A submission time in UTC; a time without a zone is UTC, as both servers write it."""
    if not value:
        return None
    try:
        ts = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return ts.replace(tzinfo=dt.UTC) if ts.tzinfo is None else ts.astimezone(dt.UTC)


@dataclass
class _Context:
    """What reading one file needs besides its rows."""

    berkas: str
    sha256: str
    file_no: int
    warnings: list[str]


def _form_rows(table: _Table, sheet_no: int, header_pos: int, shape: str, ctx: _Context) -> list[_Raw]:
    headers = table.rows[header_pos][1]
    cols = _form_columns(headers)
    _require(cols, table, table.rows[header_pos][0], shape)
    out, named = [], 0
    for line, cells in table.rows[header_pos + 1 :]:
        raw_time = _cell(cells, cols.submitted)
        submitted = _when(raw_time)
        if raw_time and submitted is None:
            place = _place(table.berkas, table.lembar, line, headers[cols.submitted])
            ctx.warnings.append(f"{place}: waktu kiriman '{raw_time}' tidak dapat dibaca; dianggap waktu impor")
        desa = _cell(cells, cols.desa)
        if desa and kode_desa(desa) is None:
            named, desa = named + 1, ""  # a label (export "with labels"): nothing to compare
        out.append(
            _Raw(
                berkas=table.berkas,
                sha256=ctx.sha256,
                bentuk=shape,
                lembar=table.lembar,
                baris=line,
                order=(ctx.file_no, sheet_no, line),
                id_keluarga=_family_id(_cell(cells, cols.id)),
                id_kolom=headers[cols.id],
                desa=[(desa, headers[cols.desa])] if desa else [],
                cells=_row_cells(cols, cells),
                submitted_at=submitted,
                instance_id=_cell(cells, cols.instance) or None,
                review=_cell(cells, cols.review) or None,
            )
        )
    if named:
        ctx.warnings.append(
            f"{_place(table.berkas, table.lembar, None, headers[cols.desa])}: {named} baris berisi nama nagari, bukan "
            "kodenya (ekspor dengan label?); nagari keluarga itu hanya diperiksa dari data keluarga dan daftar"
        )
    return out


def _sheet_desa(table: _Table, header_pos: int) -> str | None:
    """The nagari a list sheet is for: a dotted code in its name or title rows, if only one."""
    found = set(_DESA_CODE.findall(table.lembar or ""))
    for _, cells in table.rows[:header_pos]:
        for c in cells:
            found.update(_DESA_CODE.findall(c))
    return found.pop() if len(found) == 1 else None


def _list_rows(table: _Table, sheet_no: int, header_pos: int, ctx: _Context) -> list[_Raw]:
    headers = table.rows[header_pos][1]
    cols = _list_columns(headers)
    _require(cols, table, table.rows[header_pos][0], "daftar")
    sheet_desa = _sheet_desa(table, header_pos)
    out = []
    for line, cells in table.rows[header_pos + 1 :]:
        raw = _Raw(
            berkas=table.berkas,
            sha256=ctx.sha256,
            bentuk="daftar",
            lembar=table.lembar,
            baris=line,
            order=(ctx.file_no, sheet_no, line),
            id_keluarga=_family_id(_cell(cells, cols.id)),
            id_kolom=headers[cols.id],
            desa=[(sheet_desa, None)] if sheet_desa else [],
            cells=_row_cells(cols, cells),
        )
        row_desa = _cell(cells, cols.desa)
        if row_desa:
            raw.desa.append((row_desa, headers[cols.desa]))
        if _LIST_NAMES.get(_norm(raw.id_keluarga)) == "id_keluarga":
            continue  # the header repeated, or a row of column names under it
        if raw.id_keluarga or raw.answered:  # notes and signatures under the table are not rows
            out.append(raw)
    return out


def _file_rows(tables: list[_Table], ctx: _Context) -> tuple[list[_Raw], str | None]:
    """The data rows of one file and its shape; repeat groups and other sheets are set aside."""
    rows: list[_Raw] = []
    shapes: list[str] = []
    repeats = 0
    for sheet_no, table in enumerate(tables):
        found = _find_header(table)
        if found is None:
            quiet = {q.casefold() for q in QUIET_SHEETS}
            if table.lembar is not None and table.lembar.strip().casefold() not in quiet and table.rows:
                ctx.warnings.append(
                    f"berkas {ctx.berkas}, lembar '{table.lembar}' dilewati: tidak ada baris judul kolom"
                )
            continue
        pos, shape = found
        if shape == "ulangan":
            repeats += len(table.rows) - pos - 1
            shapes.append(shape)
        elif shape == "daftar":
            rows += _list_rows(table, sheet_no, pos, ctx)
            shapes.append(shape)
        else:
            rows += _form_rows(table, sheet_no, pos, shape, ctx)
            shapes.append(shape)
    if not shapes:
        raise InputError(ctx.berkas, _unknown_shape_message())
    if repeats:
        where = "" if len(tables) == 1 else " pada lembar kelompok berulang"
        ctx.warnings.append(
            f"berkas {ctx.berkas}: {repeats} baris kelompok berulang (PARENT_KEY/_parent_index){where} dilewati; "
            "formulir verifikasi tidak memiliki kelompok berulang, jadi baris ini bukan kiriman"
        )
    main = [s for s in shapes if s != "ulangan"]
    return rows, (main[0] if main else None)


def _unknown_shape_message() -> str:
    return (
        "bentuk berkas tidak dikenali: bukan daftar verifikasi xlsx (lembar dengan kolom "
        f"'{choices.ID_COLUMN}'), bukan ekspor ODK Central (kolom 'KEY', 'SubmissionDate') dan bukan "
        "ekspor KoboToolbox (kolom '_uuid', '_submission_time')"
    )


# ----------------------------------------------------------------------------- checking


def kode_desa(value: str) -> str | None:
    """A nagari code as written (13.06.01.2001, 13_06_01_2001, 1306012001) dotted, or None."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) != 10 or not re.fullmatch(r"[\d\s._\-']+", value.strip()):
        return None
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def _parse_many(question: Question, text: str) -> tuple[list[str], str | None]:
    """The kodes of a multiple-choice answer, and the first part that is not a choice. Names
    are space-separated; labels may hold spaces, so the longest run of words that is a
    choice is taken first."""
    whole = question.parse(text)
    if whole is not None:
        return [whole], None
    words = [w for w in re.split(r"[\s,;]+", text) if w]
    kodes, i = [], 0
    while i < len(words):
        for j in range(len(words), i, -1):
            kode = question.parse(" ".join(words[i:j]))
            if kode is not None:
                kodes.append(kode)
                i = j
                break
        else:
            return kodes, words[i]
    return kodes, None


def _choices_text(question: Question) -> str:
    return ", ".join(c.label for c in question.choices)


def _reject(raw: _Raw, alasan: str, pesan: str, kolom: str | None = None, nilai: str | None = None) -> Rejected:
    return Rejected(alasan, pesan, raw.berkas, raw.baris, raw.lembar, kolom, nilai, raw.id_keluarga or None)


def _check_family(raw: _Raw, families: Mapping[str, str], listed: Collection | None) -> Rejected | None:
    if raw.review and raw.review.strip().casefold() in _REVIEW_REJECTED:
        return _reject(
            raw, "ditolak_peninjau", f"kiriman berstatus '{raw.review}' di server formulir", nilai=raw.review
        )
    if not raw.id_keluarga:
        return _reject(raw, "keluarga_tidak_dikenal", "ID keluarga kosong", raw.id_kolom)
    home = families.get(raw.id_keluarga)
    if home is None:
        return _reject(
            raw,
            "keluarga_tidak_dikenal",
            f"ID keluarga '{raw.id_keluarga}' tidak ada di data keluarga",
            raw.id_kolom,
            raw.id_keluarga,
        )
    for written, kolom in raw.desa:
        claimed = kode_desa(written)
        if claimed is None:
            return _reject(raw, "di_luar_nagari", f"kode nagari '{written}' tidak dikenali", kolom, written)
        if claimed != home:
            where = "nagari lembar ini" if kolom is None else "nagari yang diisi"
            return _reject(
                raw,
                "di_luar_nagari",
                f"keluarga {raw.id_keluarga} tercatat di nagari {home}, bukan {claimed} ({where})",
                kolom,
                written,
            )
    if listed is not None and (home, raw.id_keluarga) not in listed:
        return _reject(
            raw,
            "di_luar_nagari",
            f"keluarga {raw.id_keluarga} tidak ada di daftar verifikasi yang dibuat untuk nagari {home}",
            raw.id_kolom,
            raw.id_keluarga,
        )
    return None


def _check_answers(raw: _Raw) -> tuple[dict, Rejected | None]:
    """The answers as kodes, or the first that is missing or not among the choices."""
    values: dict = {}
    for question in choices.QUESTIONS:
        cells = [(kolom, v) for kolom, v in raw.cells.get(question.kode, []) if v]
        if question.multiple:
            kodes: list[str] = []
            for kolom, v in cells:
                parsed, bad = _parse_many(question, v)
                if bad is not None:
                    return values, _bad_choice(raw, question, kolom, bad)
                kodes += [k for k in parsed if k not in kodes]
            values[question.kode] = kodes
            continue
        kolom, value = cells[0] if cells else (None, "")
        parsed = question.parse(value) if value else None
        if value and parsed is None:
            return values, _bad_choice(raw, question, kolom, value)
        if question.required and parsed is None:
            own = raw.cells.get(question.kode)
            return values, _reject(
                raw, "keberadaan_kosong", f"{question.label.lower()} tidak diisi", own[0][0] if own else question.kode
            )
        values[question.kode] = parsed
    return values, None


def _bad_choice(raw: _Raw, question: Question, kolom: str | None, value: str) -> Rejected:
    return _reject(
        raw,
        "jawaban_tidak_dikenal",
        f"jawaban '{value}' pada kolom '{kolom}' bukan salah satu pilihan {question.label.lower()} "
        f"({_choices_text(question)})",
        kolom,
        value,
    )


def _judge(raw: _Raw, families: Mapping[str, str], listed: Collection | None) -> Answer | Rejected:
    problem = _check_family(raw, families, listed)
    if problem is not None:
        return problem
    values, problem = _check_answers(raw)
    if problem is not None:
        return problem
    return Answer(
        id_keluarga=raw.id_keluarga,
        kode_desa=families[raw.id_keluarga],
        keberadaan=values["keberadaan"],
        kelayakan=values["kelayakan"],
        usulan_dtks=values["usulan_dtks"],
        kebutuhan_utama=values["kebutuhan_utama"],
        kebutuhan_lain=values["kebutuhan_lain"],
        keterangan=values["keterangan"],
        submitted_at=raw.submitted_at,
        source=raw.source,
        berkas=raw.berkas,
        sha256=raw.sha256,
        bentuk=raw.bentuk,
        baris=raw.baris,
        lembar=raw.lembar,
        instance_id=raw.instance_id,
    )


def _latest_per_family(candidates: list[tuple[tuple, Answer]]) -> tuple[list[Answer], list[Duplicate]]:
    """The latest answer per family; the others are duplicates. Later means a later
    submission time; an undated answer (the xlsx list) counts as the time of the import, so
    after any dated one; between equals, the later file, sheet and row."""
    best: dict[str, tuple[tuple, Answer]] = {}
    for key, answer in candidates:
        held = best.get(answer.id_keluarga)
        if held is None or key >= held[0]:
            best[answer.id_keluarga] = (key, answer)
    kept = {id(a) for _, a in best.values()}
    accepted = [a for _, a in candidates if id(a) in kept]
    duplicates = [
        Duplicate(a.id_keluarga, a.source, a.submitted_at, best[a.id_keluarga][1].source)
        for _, a in candidates
        if id(a) not in kept
    ]
    return accepted, duplicates


def read_results(
    files: Iterable[Source],
    families: Mapping[str, str],
    listed: Collection[tuple[str, str]] | None = None,
) -> ImportResult:
    """Read verification answers from files (paths or (name, bytes)), in the order given.

    families: id_keluarga -> kode_desa (dotted) of every family in the family store.
    listed: the (kode_desa, id_keluarga) pairs on the lists made; None: not checked.
    Raises InputError for a file that cannot be read or is none of the three shapes."""
    result = ImportResult(files=[])
    candidates: list[tuple[tuple, Answer]] = []
    for file_no, source in enumerate(files):
        name, data = load(source)
        sha = sha256(data)
        ctx = _Context(name, sha, file_no, result.warnings)
        rows, shape = _file_rows(_tables(name, data), ctx)
        result.files.append(SourceFile(name, sha, shape, len(rows)))
        for raw in rows:
            if raw.bentuk == "daftar" and raw.id_keluarga and not raw.answered:
                result.unanswered.append(Unanswered(raw.id_keluarga, raw.berkas, raw.lembar, raw.baris))
                continue
            judged = _judge(raw, families, listed)
            if isinstance(judged, Rejected):
                result.rejected.append(judged)
            else:
                candidates.append(((raw.submitted_at or _LATEST, *raw.order), judged))
    if result.files and all(f.bentuk is None for f in result.files):
        names = ", ".join(f.nama for f in result.files)
        raise InputError(
            names,
            "hanya memuat kelompok berulang (PARENT_KEY/_parent_index), tanpa kiriman; "
            "sertakan berkas utama ekspor (yang memuat id_keluarga dan keberadaan)",
        )
    result.accepted, result.duplicates = _latest_per_family(candidates)
    return result
