"""The verification list as a workbook for the office, and all of a list's files at once.

Sheets: "Sampul" (what the list is, its rule, seed and date, the counts per nagari, how to
fill it in), one sheet per nagari (one row per family: the family's columns, then the
answer columns with drop-downs), and "Anggota" (members of the listed families) when member
data was given. The importer finds a nagari's header row by the cell choices.ID_COLUMN and
reads the answers by their labels (choices.ANSWER_COLUMNS), so those labels are written
exactly; the "Anggota" sheet has no such cell.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from kantong import fmt
from kantong.verval import choices
from kantong.verval.selection import GROUPS, NagariList, VervalList, family_rows, member_rows

TITLE = "Daftar Verifikasi dan Validasi Keluarga Miskin Ekstrem"
COVER_SHEET = "Sampul"
MEMBER_SHEET = "Anggota"
TITLE_ROWS = 5  # title, place, rule, counts, blank: the header row is the sixth
FROZEN_COLUMNS = 4  # No, ID, kode desa, nama kepala stay in view when scrolling right
A4 = 9  # Excel's paper code
COVER_TEXT_WIDTH = 130  # characters per line of the cover's merged text cells (columns B to I)

WIDTHS = {
    "no": 5,
    "id_keluarga": 22,
    "kode_desa": 15,
    "nama_kepala": 26,
    "nik_kepala": 19,
    "alamat": 32,
    "jiwa": 7,
    "status_dtks": 13,
    "status_bansos": 16,
    "alasan": 25,
    "keberadaan": 17,
    "kelayakan": 19,
    "usulan_dtks": 13,
    "kebutuhan_utama": 21,
    "kebutuhan_lain_1": 21,
    "kebutuhan_lain_2": 21,
    "keterangan": 40,
}
MEMBER_COLUMNS = (
    ("nagari", "Nagari/desa", 22),
    ("no", "No keluarga", 8),
    ("id_keluarga", "ID P3KE", 22),
    ("nama", "Nama anggota", 26),
    ("hubungan", "Hubungan dengan kepala keluarga", 20),
    ("jenis_kelamin", "L/P", 5),
    ("umur", "Umur", 6),
    ("nik", "NIK", 19),
)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_names(names: list[str], taken: tuple[str, ...] = (COVER_SHEET, MEMBER_SHEET)) -> list[str]:
    """Excel sheet names for these nagari names: no []:*?/\\ characters, at most 31
    characters, no apostrophe at either end, unique without regard to case (as Excel
    compares them), never 'History' (reserved by Excel) nor one of `taken`."""
    used = {t.casefold() for t in taken} | {"history"}
    out = []
    for name in names:
        base = _BAD_SHEET_CHARS.sub("-", str(name)).strip().strip("'").strip() or "Nagari"
        candidate, n = base[:31].strip(), 1
        while candidate.casefold() in used:
            n += 1
            suffix = f" ({n})"
            candidate = base[: 31 - len(suffix)].strip() + suffix
        used.add(candidate.casefold())
        out.append(candidate)
    return out


def _validation_source(question: choices.Question) -> list[str]:
    labels = [c.label for c in question.choices]
    # Excel keeps an in-cell list as one comma-separated string of at most 255 characters.
    if any("," in label for label in labels) or len(",".join(labels)) > 255:
        raise ValueError(f"Pilihan '{question.kode}' tidak dapat dijadikan daftar pilihan Excel")
    return labels


def xlsx_bytes(lst: VervalList, show_nik: bool = False) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": TITLE, "author": lst.dibuat_oleh or "Kantong", "comments": lst.keterangan})
    styles = _styles(book)
    names = sheet_names([n.nama for n in lst.nagari])
    _cover(book.add_worksheet(COVER_SHEET), lst, names, show_nik, styles)
    for nagari, name in zip(lst.nagari, names):
        _nagari_sheet(book.add_worksheet(name), lst, nagari, show_nik, styles)
    if any(len(n.anggota) for n in lst.nagari):
        _member_sheet(book.add_worksheet(MEMBER_SHEET), lst, show_nik, styles)
    book.close()
    return buffer.getvalue()


def _styles(book) -> dict:
    return {
        "title": book.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E79"}),
        "subtitle": book.add_format({"bold": True, "font_size": 11}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
        "text": book.add_format({"text_wrap": True, "valign": "top"}),
        "bold": book.add_format({"bold": True, "valign": "top"}),
        "head": book.add_format(
            {
                "bold": True,
                "bg_color": "#1F4E79",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
            }
        ),
        "answer_head": book.add_format(
            {
                "bold": True,
                "bg_color": "#C55A11",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
            }
        ),
        "cell": book.add_format({"valign": "top", "border": 1, "border_color": "#BFBFBF", "text_wrap": True}),
        "number": book.add_format({"valign": "top", "border": 1, "border_color": "#BFBFBF", "num_format": "#,##0"}),
        "answer": book.add_format(
            {"valign": "top", "border": 1, "border_color": "#BFBFBF", "bg_color": "#FFF2CC", "text_wrap": True}
        ),
        "total": book.add_format({"bold": True, "top": 1, "num_format": "#,##0"}),
    }


def _print_setup(sheet, header_row: int | None, title: str) -> None:
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # as wide as one page, as many pages long as needed
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if header_row is not None:
        sheet.repeat_rows(header_row)
    sheet.set_header(f"&L&8{_escape_header(title)}")
    sheet.set_footer("&R&8Halaman &P dari &N")


def _escape_header(text: str) -> str:
    return text.replace("&", "&&")[:200]  # Excel's header/footer limit is 255 characters


def cover_lines(lst: VervalList, show_nik: bool) -> list[tuple[str, str]]:
    """The cover's key facts, (label, value)."""
    return [
        ("Aturan pemilihan", lst.aturan),
        ("Benih acak", str(lst.benih)),
        ("Dibuat", fmt.tanggal(lst.dibuat)),
        ("Dibuat oleh", lst.dibuat_oleh or "–"),
        ("Jumlah nagari/desa", fmt.angka(len(lst.nagari))),
        ("Jumlah keluarga", fmt.angka(lst.jumlah_terpilih)),
        ("NIK", "ditampilkan lengkap (atas izin)" if show_nik else "disamarkan (6 digit awal dan 4 digit akhir)"),
    ]


def instructions() -> list[str]:
    """How to fill in the list, from the questions' own choices."""
    k = choices
    labels = lambda q: ", ".join(c.label for c in q.choices)
    when = lambda q: q.hint[:1].lower() + q.hint[1:]  # "Diisi bila ..." inside a sentence
    return [
        "Satu baris untuk satu keluarga. Jangan mengubah judul kolom, isi kolom "
        f'"{k.ID_COLUMN}" atau nama lembar: berkas ini dibaca kembali oleh aplikasi.',
        f'"{k.KEBERADAAN.label}" wajib diisi untuk setiap keluarga: {labels(k.KEBERADAAN)}.',
        f'"{k.KELAYAKAN.label}": {when(k.KELAYAKAN)} ({labels(k.KELAYAKAN)}).',
        f'"{k.USULAN_DTKS.label}": {when(k.USULAN_DTKS)} ({labels(k.USULAN_DTKS)}).',
        f'"{k.KEBUTUHAN_UTAMA.label}" (satu pilihan) dan "Kebutuhan lain 1/2" (bila ada): diisi bila '
        f"keluarga layak; pilihan: {labels(k.KEBUTUHAN_UTAMA)}.",
        f'"{k.KETERANGAN.label}": bebas, mis. alamat baru, alasan tidak layak, atau kebutuhan "Lainnya".',
        "Pilih jawaban dari daftar pada sel (klik sel, lalu panah di sisinya).",
        "Berkas ini memuat data pribadi (UU 27/2022): simpan dan kirim hanya melalui jalur resmi, "
        "dan hapus salinan yang tidak diperlukan lagi.",
    ]


def _cover(sheet, lst: VervalList, names: list[str], show_nik: bool, s: dict) -> None:
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 26)
    sheet.set_column(3, 4, 24)
    sheet.set_column(5, 12, 13)
    sheet.write_string(0, 0, TITLE, s["title"])
    sheet.write_string(1, 0, lst.keterangan, s["note"])
    r = 3
    for label, value in cover_lines(lst, show_nik):
        sheet.write_string(r, 0, label, s["bold"])
        sheet.merge_range(r, 1, r, 8, value, s["text"])
        _fit_row(sheet, r, value)
        r += 1
    r += 1
    sheet.write_string(r, 0, "Keluarga per nagari/desa", s["subtitle"])
    r += 1
    head = ["Lembar", "Kode", "Nagari/desa", "Kecamatan", "Kabupaten/kota", "Desil 1", "Terpilih"]
    for g in GROUPS:
        head += [f"{g}: ada", f"{g}: terpilih"]
    for c, h in enumerate(head):
        sheet.write_string(r, c, h, s["head"])
    sheet.set_row(r, 45)
    table = [
        [n.jumlah_desil_1, n.jumlah_terpilih] + [count[g] for g in GROUPS for count in (n.tersedia, n.terpilih)]
        for n in lst.nagari
    ]
    for nagari, name, counts in zip(lst.nagari, names, table):
        r += 1
        for c, v in enumerate([name, nagari.kode, nagari.nama, nagari.nama_kecamatan, nagari.nama_kabkota]):
            sheet.write_string(r, c, v, s["cell"])
        for c, v in enumerate(counts, start=5):
            sheet.write_number(r, c, v, s["number"])
    r += 1
    sheet.write_string(r, 0, "Jumlah", s["total"])
    for c, total in enumerate((sum(column) for column in zip(*table)), start=5):
        sheet.write_number(r, c, total, s["total"])
    r += 2
    sheet.write_string(r, 0, "Cara mengisi", s["subtitle"])
    for i, line in enumerate(instructions(), start=1):
        r += 1
        sheet.write_string(r, 0, f"{i}.", s["bold"])
        sheet.merge_range(r, 1, r, 8, line, s["text"])
        _fit_row(sheet, r, line)
    _print_setup(sheet, None, TITLE)


def _fit_row(sheet, row: int, text: str, width: int = COVER_TEXT_WIDTH) -> None:
    """Excel does not grow a merged cell's row to its wrapped text: set the height here."""
    sheet.set_row(row, 15 * max(1, -(-len(text) // width)))


def _nagari_sheet(sheet, lst: VervalList, nagari: NagariList, show_nik: bool, s: dict) -> None:
    header = TITLE_ROWS
    sheet.write_string(0, 0, TITLE, s["title"])
    sheet.write_string(1, 0, f"Nagari/desa: {nagari.lokasi}", s["subtitle"])
    sheet.write_string(2, 0, lst.keterangan, s["note"])
    sheet.write_string(3, 0, nagari.ringkasan, s["note"])
    columns = [(k, label) for k, label in choices.FAMILY_COLUMNS] + [
        (k, label) for k, label, _ in choices.ANSWER_COLUMNS
    ]
    n_family = len(choices.FAMILY_COLUMNS)
    for c, (kode, label) in enumerate(columns):
        sheet.set_column(c, c, WIDTHS.get(kode, 16))
        sheet.write_string(header, c, label, s["head"] if c < n_family else s["answer_head"])
    sheet.set_row(header, 45)
    rows = family_rows(nagari, show_nik)
    for r, row in enumerate(rows, start=header + 1):
        for c, (kode, _) in enumerate(choices.FAMILY_COLUMNS):
            value = row[kode]
            if isinstance(value, int):
                sheet.write_number(r, c, value, s["number"])
            else:  # IDs, codes and NIKs stay text: Excel would mangle them as numbers
                sheet.write_string(r, c, str(value or ""), s["cell"])
        for c in range(n_family, len(columns)):
            sheet.write_blank(r, c, None, s["answer"])
    last = header + len(rows)
    if rows:
        for c, (_, _, question) in enumerate(choices.ANSWER_COLUMNS, start=n_family):
            if question.choices:
                options = {
                    "validate": "list",
                    "source": _validation_source(question),
                    "error_title": "Pilihan tidak dikenal",
                    "error_message": "Pilih salah satu jawaban dari daftar.",
                }
                if question.hint:
                    options |= {"input_title": "Petunjuk", "input_message": question.hint[:255]}
                sheet.data_validation(header + 1, c, last, c, options)
        sheet.autofilter(header, 0, last, len(columns) - 1)
    else:
        sheet.write_string(header + 1, 0, "Tidak ada keluarga desil 1 di nagari/desa ini.", s["note"])
    sheet.freeze_panes(header + 1, FROZEN_COLUMNS)
    _print_setup(sheet, header, f"{TITLE} — {nagari.lokasi}")


def _member_sheet(sheet, lst: VervalList, show_nik: bool, s: dict) -> None:
    sheet.write_string(0, 0, "Anggota keluarga yang didaftar", s["title"])
    sheet.write_string(1, 0, lst.keterangan, s["note"])
    header = 3
    for c, (_, label, width) in enumerate(MEMBER_COLUMNS):
        sheet.set_column(c, c, width)
        sheet.write_string(header, c, label, s["head"])
    r = header
    for nagari in lst.nagari:
        for m in member_rows(nagari, show_nik):
            r += 1
            values = {**m, "nagari": nagari.nama}
            for c, (kode, _, _) in enumerate(MEMBER_COLUMNS):
                value = values[kode]
                if isinstance(value, int):
                    sheet.write_number(r, c, value, s["number"])
                else:
                    sheet.write_string(r, c, str(value or ""), s["cell"])
    sheet.autofilter(header, 0, r, len(MEMBER_COLUMNS) - 1)
    sheet.freeze_panes(header + 1, 0)
    _print_setup(sheet, header, "Anggota keluarga yang didaftar")


# --- all files of a list ------------------------------------------------------------------


def file_stem(lst: VervalList) -> str:
    """verval_<region code>_<date>: the region holding all the list's nagari."""
    return f"verval_{lst.wilayah}_{lst.dibuat.isoformat()}"


def files(lst: VervalList, show_nik: bool = False) -> dict[str, bytes]:
    """The list's files by name: the workbook, the printable form, the XLSForm and the
    XLSForm's family file (which must keep its name, choices.FAMILIES_CSV)."""
    from kantong.verval import form_pdf, xlsform

    stem = file_stem(lst)
    return {
        f"{stem}.xlsx": xlsx_bytes(lst, show_nik),
        f"{stem}.pdf": form_pdf.pdf_bytes(lst, show_nik),
        f"{stem}_xlsform.xlsx": xlsform.xlsform_bytes(lst),
        choices.FAMILIES_CSV: xlsform.families_csv(lst),
    }


def write_files(lst: VervalList, folder: Path | str, show_nik: bool = False) -> list[Path]:
    """Write the list's files into `folder` (made if missing); returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files(lst, show_nik).items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths
