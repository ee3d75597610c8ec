"""Follow-ups (tindak lanjut) in a workbook: a template to fill, and its reading back.

The template ("Tindak lanjut" sheet) holds one row per need still open in a nagari (from
ResultStore.open_needs): the nagari and the need are filled in, so the office only adds
the programme, the provider and its status. A row with the family ID empty is for the
nagari as a whole; a row may be copied for one family by writing its ID. Grey columns are
there to read (nagari name, families still waiting, the agency) and are never read back.
A second sheet lists the IDs of the families still waiting per nagari and need, for rows
per family (names and addresses are in the list per need, not here).

Reading back finds the header row by its labels, as the verification importer does, so
title rows above it and columns moved around do not matter. Each filled row is accepted
(an ImportedFollowUp, choices as kodes) or rejected with its reason and place (file,
sheet, row, column); a pre-filled row the office left without a programme or provider is
not filled, not wrong. Pure: bytes in, follow-ups out; the caller stores them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from etl.errors import InputError
from kantong import fmt
from kantong.verval import choices, importer
from kantong.verval.choices import Question
from kantong.verval.importer import Rejected  # alasan: a key of REASONS here
from kantong.verval.lists import _print_setup, _styles, _validation_source
from kantong.verval.results import PENYEDIA, STATUS, FollowUp

SHEET = "Tindak lanjut"
FAMILY_SHEET = "Keluarga menunggu"
TITLE = "Templat Tindak Lanjut Kebutuhan Keluarga Miskin Ekstrem"
EXTRA_ROWS = 300  # empty rows below the pre-filled ones that still carry the drop-downs

# (kode, header label, width): the columns read back, in the template's order.
COLUMNS = (
    ("kode_desa", "Kode nagari/desa", 15),
    ("id_keluarga", "ID Keluarga P3KE (kosong = seluruh nagari)", 20),
    ("kebutuhan", "Kebutuhan", 22),
    ("program", "Program", 30),
    ("jenis_penyedia", "Jenis penyedia", 16),
    ("nama_penyedia", "Nama penyedia", 24),
    ("sumber_dana", "Sumber dana", 18),
    ("status", "Status", 14),
    ("tanggal", "Tanggal (TTTT-BB-HH)", 14),
    ("keterangan", "Keterangan", 30),
)
# Grey columns to read only: (kode, header label, width, placed after this column).
INFO_COLUMNS = (
    ("nama_desa", "Nagari/desa", 20, "kode_desa"),
    ("belum", "Keluarga belum ditindaklanjuti", 12, "kebutuhan"),
    ("lembaga", "Dinas/lembaga terkait", 24, "kebutuhan"),
)
QUESTIONS: dict[str, Question] = {
    "kebutuhan": choices.KEBUTUHAN_UTAMA,
    "jenis_penyedia": PENYEDIA,
    "status": STATUS,
}
# What the office writes: a row with none of these filled in is a pre-filled row left alone.
ENTRY_COLUMNS = tuple(kode for kode, _, _ in COLUMNS if kode not in ("kode_desa", "kebutuhan"))
REQUIRED_COLUMNS = ("kode_desa", "kebutuhan", "program", "jenis_penyedia")
LABELS = {kode: label for kode, label, _ in COLUMNS}

# Why a row is rejected (key -> what the summary counts it as).
REASONS = {
    "nagari_salah": "nagari/desa tidak dikenal atau di luar wilayah akun",
    "keluarga_salah": "keluarga tidak dikenal, di luar wilayah akun atau di nagari lain",
    "pilihan_salah": "isian bukan salah satu pilihan",
    "wajib_kosong": "isian wajib kosong",
    "tanggal_salah": "tanggal tidak dikenali",
    "sudah_tercatat": "tindak lanjut yang sama sudah tercatat",
}
_FIRST_YEAR, _LAST_YEAR = 2000, 2099  # a typed year outside this is a typo, not a plan


def _norm(text: str) -> str:
    return re.sub(r"[\s_]+", " ", str(text)).strip().casefold()


def _short(label: str) -> str:
    """A label without its parenthesised hint: 'Tanggal (TTTT-BB-HH)' -> 'Tanggal'."""
    return re.sub(r"\s*\(.*\)\s*$", "", label)


# Header text -> column kode: the label, the label without its hint, the kode itself.
_NAMES: dict[str, str] = {}
for _kode, _label, _ in COLUMNS:
    for _name in (_label, _short(_label), _kode):
        _NAMES[_norm(_name)] = _kode
_NAMES[_norm(choices.ID_COLUMN)] = "id_keluarga"
_NAMES[_norm("Kode desa")] = "kode_desa"


@dataclass
class ImportedFollowUp(FollowUp):
    """A follow-up read from a file, with where it was written."""

    berkas: str = ""
    lembar: str | None = None
    baris: int = 0


@dataclass
class FollowUpImport:
    """An import of a filled template: what was stored and what was rejected."""

    berkas: str
    tersimpan: list[FollowUp] = field(default_factory=list)
    ditolak: list[Rejected] = field(default_factory=list)

    @property
    def dibaca(self) -> int:
        return len(self.tersimpan) + len(self.ditolak)

    @property
    def ditolak_per_alasan(self) -> dict[str, int]:
        counts = Counter(r.alasan for r in self.ditolak)
        return {k: counts[k] for k in REASONS if counts[k]}

    @property
    def pesan(self) -> str:
        if not self.dibaca:
            return (
                f"Berkas {self.berkas}: tidak ada baris yang diisi (kolom Program, Jenis penyedia dan lainnya "
                "masih kosong). Tidak ada yang disimpan."
            )
        text = (
            f"Berkas {self.berkas}: {fmt.angka(self.dibaca)} baris terisi dibaca, "
            f"{fmt.angka(len(self.tersimpan))} tindak lanjut disimpan, {fmt.angka(len(self.ditolak))} ditolak"
        )
        reasons = [f"{REASONS[k]}: {fmt.angka(n)}" for k, n in self.ditolak_per_alasan.items()]
        return text + (f" ({'; '.join(reasons)})." if reasons else ".")


def follow_up_key(fu: FollowUp) -> tuple:
    """What makes two follow-ups the same record (text compared without case or spacing)."""
    tanggal = fu.tanggal.isoformat() if isinstance(fu.tanggal, dt.date) else (fu.tanggal or None)
    return (
        fu.kode_desa,
        fu.id_keluarga or None,
        fu.kebutuhan,
        _norm(fu.program or ""),
        fu.jenis_penyedia,
        _norm(fu.nama_penyedia or ""),
        _norm(fu.sumber_dana or ""),
        fu.status,
        tanggal,
    )


# ----------------------------------------------------------------------------- the template


def _columns() -> list[tuple[str, str, int, bool]]:
    """(kode, label, width, read back) in the template's order: info columns after theirs."""
    out = []
    for kode, label, width in COLUMNS:
        out.append((kode, label, width, True))
        out += [(k, lab, w, False) for k, lab, w, after in INFO_COLUMNS if after == kode]
    return out


def template_xlsx(snapshot, open_needs: list[dict], made: str) -> bytes:
    """The template: one row per open need of `open_needs` (ResultStore.open_needs rows,
    already limited to the person's scope), with drop-downs for the choices; nagari names
    from `snapshot` (the person's scoped snapshot)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"title": TITLE, "author": "Kantong", "comments": made})
    s = _styles(book)
    info_head = book.add_format({"bold": True, "bg_color": "#D9D9D9", "text_wrap": True, "valign": "top", "border": 1})
    info_cell = book.add_format(
        {"valign": "top", "border": 1, "border_color": "#BFBFBF", "bg_color": "#F2F2F2", "text_wrap": True}
    )
    info_number = book.add_format(
        {"valign": "top", "border": 1, "border_color": "#BFBFBF", "bg_color": "#F2F2F2", "num_format": "#,##0"}
    )
    date_cell = book.add_format(
        {"valign": "top", "border": 1, "border_color": "#BFBFBF", "bg_color": "#FFF2CC", "num_format": "yyyy-mm-dd"}
    )
    sheet = book.add_worksheet(SHEET)
    lines = [
        f"Kebutuhan keluarga layak hasil asesmen yang belum ditindaklanjuti, per nagari/desa; {made}.",
        "Isi Program, Jenis penyedia dan Status pada baris kebutuhan yang sudah diambil program. ID Keluarga kosong: "
        "untuk seluruh keluarga nagari itu dengan kebutuhan tersebut.",
        "Untuk satu keluarga: salin barisnya dan tulis ID Keluarga P3KE (lihat lembar 'Keluarga menunggu'). "
        "Status kosong dibaca Direncanakan. Kolom abu-abu hanya keterangan dan tidak dibaca.",
    ]
    sheet.write_string(0, 0, TITLE, s["title"])
    for i, line in enumerate(lines, start=1):
        sheet.write_string(i, 0, line, s["note"])
    header = len(lines) + 2
    columns = _columns()
    position = {kode: c for c, (kode, *_rest) in enumerate(columns)}
    for c, (kode, label, width, read) in enumerate(columns):
        sheet.set_column(c, c, width)
        prefilled = kode in ("kode_desa", "kebutuhan")
        sheet.write_string(header, c, label, (s["head"] if prefilled else s["answer_head"]) if read else info_head)
    sheet.set_row(header, 45)
    labels = {c.kode: c.label for c in choices.NEEDS}
    for r, need in enumerate(open_needs, start=header + 1):
        kode = need["kode_desa"]
        values = {
            "kode_desa": kode,
            "nama_desa": snapshot.name(kode) if snapshot.has(kode) else "",
            "kebutuhan": labels.get(need["kebutuhan"], need["kebutuhan"]),
            "belum": int(need["belum"]),
            "lembaga": need.get("lembaga") or choices.AGENCY.get(need["kebutuhan"], ""),
        }
        for c, (col, _label, _width, read) in enumerate(columns):
            value = values.get(col)
            if isinstance(value, int):
                sheet.write_number(r, c, value, info_number)
            elif not read:
                sheet.write_string(r, c, value or "", info_cell)
            elif value is not None:
                sheet.write_string(r, c, value, s["cell"])  # codes stay text
            elif col == "tanggal":
                sheet.write_blank(r, c, None, date_cell)
            else:
                sheet.write_blank(r, c, None, s["answer"])
    last = header + len(open_needs) + EXTRA_ROWS
    for kode, question in QUESTIONS.items():
        c = position[kode]
        sheet.data_validation(
            header + 1,
            c,
            last,
            c,
            {
                "validate": "list",
                "source": _validation_source(question),
                "error_title": "Pilihan tidak dikenal",
                "error_message": "Pilih salah satu isian dari daftar.",
            },
        )
    c = position["tanggal"]
    sheet.data_validation(
        header + 1,
        c,
        last,
        c,
        {
            "validate": "any",
            "input_title": "Tanggal",
            "input_message": "Tulis TTTT-BB-HH, mis. 2024-03-15 (atau HH/BB/TTTT).",
        },
    )
    sheet.set_column(c, c, 14, date_cell)
    if not open_needs:
        sheet.write_string(header + 1, 0, "Tidak ada kebutuhan yang belum ditindaklanjuti di wilayah ini.", s["note"])
    sheet.freeze_panes(header + 1, 3)
    sheet.autofilter(header, 0, header + max(len(open_needs), 1), len(columns) - 1)
    _print_setup(sheet, header, TITLE)
    _family_sheet(book.add_worksheet(FAMILY_SHEET), snapshot, open_needs, labels, s)
    book.close()
    return out.getvalue()


def _family_sheet(sheet, snapshot, open_needs: list[dict], labels: dict[str, str], s: dict) -> None:
    """The families still waiting, by ID only, for rows per family. No column here carries
    the template's "Program" label, so reading back passes this sheet over."""
    sheet.write_string(0, 0, "Keluarga yang kebutuhannya belum ditindaklanjuti", s["title"])
    sheet.write_string(1, 0, "Hanya ID; nama dan alamat ada pada daftar per kebutuhan.", s["note"])
    header = 3
    for c, (label, width) in enumerate(
        (("Kode nagari/desa", 15), ("Nagari/desa", 22), ("Kebutuhan", 22), ("ID Keluarga P3KE", 22))
    ):
        sheet.set_column(c, c, width)
        sheet.write_string(header, c, label, s["head"])
    r = header
    for need in open_needs:
        name = snapshot.name(need["kode_desa"]) if snapshot.has(need["kode_desa"]) else ""
        for id_keluarga in need.get("id_keluarga_belum", []):
            r += 1
            for c, value in enumerate((need["kode_desa"], name, labels.get(need["kebutuhan"], ""), id_keluarga)):
                sheet.write_string(r, c, str(value), s["cell"])
    sheet.freeze_panes(header + 1, 0)
    sheet.autofilter(header, 0, max(r, header + 1), 3)
    _print_setup(sheet, header, "Keluarga yang kebutuhannya belum ditindaklanjuti")


# ----------------------------------------------------------------------------- reading back


def _header(rows: list[tuple[int, list[str]]]) -> tuple[int, dict[str, int]] | None:
    """(position in rows, column kode -> index) of the first row naming the nagari, the
    need and the programme."""
    for pos, (_, cells) in enumerate(rows[: importer.HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for i, cell in enumerate(cells):
            kode = _NAMES.get(_norm(cell)) if cell else None
            if kode and kode not in found:
                found[kode] = i
        if {"kode_desa", "kebutuhan", "program"} <= found.keys():
            return pos, found
    return None


def parse_date(text: str) -> dt.date | None:
    """A date as written: TTTT-BB-HH (an Excel date cell reads so too) or HH/BB/TTTT
    (HH-BB-TTTT); None when it is neither, not a real day, or its year is a typo."""
    text = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text)
    dmy = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if iso:
        year, month, day = (int(x) for x in iso.groups())
    elif dmy:
        day, month, year = (int(x) for x in dmy.groups())
    else:
        return None
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date if _FIRST_YEAR <= date.year <= _LAST_YEAR else None


def _options(question: Question) -> str:
    return ", ".join(c.label for c in question.choices)


def _check_row(
    values: dict[str, str],
    nagari: Collection[str],
    families: Mapping[str, str],
) -> FollowUp | tuple[str, str, str, str]:
    """The row as a follow-up, or (reason, message, column kode, value) of its first fault."""
    id_keluarga = importer._family_id(values.get("id_keluarga", ""))
    written = values.get("kode_desa", "")
    if not written and id_keluarga in families:  # the family tells its nagari
        written = families[id_keluarga]
    if not written:
        return "wajib_kosong", "kode nagari/desa tidak diisi", "kode_desa", ""
    kode = importer.kode_desa(written)
    if kode is None:
        return (
            "nagari_salah",
            f"kode nagari/desa '{written}' tidak dikenali (tulis mis. 13.06.01.2001)",
            "kode_desa",
            written,
        )
    if kode not in nagari:
        return "nagari_salah", f"nagari/desa {kode} tidak dikenal atau di luar wilayah akun ini", "kode_desa", written
    if id_keluarga:
        home = families.get(id_keluarga)
        if home is None:
            message = f"keluarga {id_keluarga} tidak dikenal atau di luar wilayah akun ini"
            return "keluarga_salah", message, "id_keluarga", id_keluarga
        if home != kode:
            message = f"keluarga {id_keluarga} tercatat di nagari/desa {home}, bukan {kode}"
            return "keluarga_salah", message, "id_keluarga", id_keluarga
    picked = {}
    for col, question in QUESTIONS.items():
        text = values.get(col, "")
        if not text:
            if col == "status":
                picked[col] = "direncanakan"  # as the template says: empty reads as planned
                continue
            return "wajib_kosong", f"{_short(LABELS[col]).lower()} wajib diisi ({_options(question)})", col, ""
        picked[col] = question.parse(text)
        if picked[col] is None:
            message = f"'{text}' bukan salah satu pilihan {_short(LABELS[col]).lower()} ({_options(question)})"
            return "pilihan_salah", message, col, text
    if not values.get("program"):
        return "wajib_kosong", "nama program wajib diisi", "program", ""
    tanggal = None
    if values.get("tanggal"):
        tanggal = parse_date(values["tanggal"])
        if tanggal is None:
            message = f"tanggal '{values['tanggal']}' tidak dikenali (tulis TTTT-BB-HH, mis. 2024-03-15)"
            return "tanggal_salah", message, "tanggal", values["tanggal"]
    return FollowUp(
        kode_desa=kode,
        kebutuhan=picked["kebutuhan"],
        program=values["program"],
        jenis_penyedia=picked["jenis_penyedia"],
        status=picked["status"],
        id_keluarga=id_keluarga or None,
        nama_penyedia=values.get("nama_penyedia") or None,
        sumber_dana=values.get("sumber_dana") or None,
        tanggal=tanggal,
        keterangan=values.get("keterangan") or None,
    )


def read_followups(
    name: str,
    data: bytes,
    nagari: Collection[str],
    families: Mapping[str, str],
    recorded: Iterable[FollowUp] = (),
) -> tuple[list[ImportedFollowUp], list[Rejected]]:
    """The filled rows of a template: accepted follow-ups and rejected rows.

    `nagari`: the codes the person may record for; `families`: id_keluarga -> kode_desa of
    the families they may see; `recorded`: follow-ups already stored, so a file uploaded
    twice (or a row written twice) is not counted twice. InputError when the file is no
    workbook or none of its sheets has the template's header row."""
    if not data.strip():
        raise InputError(name, "berkas kosong")
    if not (data.startswith(importer._ZIP) or data.startswith(importer._OLE)):
        raise InputError(name, "bukan berkas Excel; unggah templat tindak lanjut (.xlsx) yang sudah diisi")
    allowed = set(nagari)
    seen = {follow_up_key(f) for f in recorded}
    accepted: list[ImportedFollowUp] = []
    rejected: list[Rejected] = []
    found_header = False
    for table in importer._workbook_tables(name, data):
        located = _header(table.rows)
        if located is None:
            continue
        found_header = True
        pos, cols = located
        header_line, headers = table.rows[pos]
        missing = [LABELS[k] for k in REQUIRED_COLUMNS if k not in cols]
        if missing:
            raise InputError(
                name,
                f"kolom '{missing[0]}' tidak ditemukan pada baris judul kolom",
                missing[0],
                header_line,
                table.lembar,
            )
        for line, cells in table.rows[pos + 1 :]:
            values = {k: (cells[i].strip() if i < len(cells) else "") for k, i in cols.items()}
            if _NAMES.get(_norm(values.get("kode_desa", ""))) == "kode_desa":
                continue  # the header written again
            if not any(values.get(k) for k in ENTRY_COLUMNS):
                continue  # a pre-filled row left alone, or an empty one
            checked = _check_row(values, allowed, families)
            if isinstance(checked, tuple):
                alasan, pesan, col, nilai = checked
                column = headers[cols[col]] if col in cols else LABELS.get(col, col)
                rejected.append(Rejected(alasan, pesan, name, line, table.lembar, column, nilai or None))
                continue
            key = follow_up_key(checked)
            if key in seen:
                pesan = "tindak lanjut yang sama (nagari, keluarga, kebutuhan, program, penyedia, status, tanggal) sudah tercatat"
                rejected.append(Rejected("sudah_tercatat", pesan, name, line, table.lembar, headers[cols["program"]]))
                continue
            seen.add(key)
            accepted.append(ImportedFollowUp(**vars(checked), berkas=name, lembar=table.lembar, baris=line))
    if not found_header:
        raise InputError(
            name,
            "bukan templat tindak lanjut: tidak ada lembar dengan baris judul kolom "
            f"'{LABELS['kode_desa']}', '{LABELS['kebutuhan']}' dan '{LABELS['program']}'",
        )
    return accepted, rejected
