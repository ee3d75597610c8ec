"""The verification list as a printed form (PDF, A4 landscape) for the enumerators.

One section per nagari, each starting on a new page: a header with the nagari, its
kecamatan and kab/kota, the rule, seed and date; one row per family (the family's columns,
then a box to tick for each choice of every question and a line for remarks); and signature
blocks for the enumerator and the wali nagari. Pages are numbered within the nagari's
section ("Halaman 2 dari 6"), since each nagari's part is printed and handed out on its own;
the running header and footer repeat the nagari, rule, seed and date on every page.

Built-in Helvetica, as the Paket Rakor PDF (kantong.rakor): no font files to ship.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache, partial

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from kantong import fmt
from kantong.verval import choices
from kantong.verval.selection import NagariList, VervalList, family_rows, member_summary

TITLE = "Formulir Verifikasi dan Validasi Keluarga Miskin Ekstrem"
FONT, BOLD, ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 28.0, 44.0, 42.0
COLUMN_WIDTHS = (22.0, 205.0, 95.0)  # No, Keluarga, Status; the answers take the rest
PAD = 4.0  # cell padding of the family table
BLUE = (0x1F / 255, 0x4E / 255, 0x79 / 255)
GREY = (0.33, 0.33, 0.33)

# What the form prints beside each question's boxes: short, so the boxes fit on one line.
CAPTIONS = {
    "keberadaan": "Keberadaan",
    "kelayakan": "Kelayakan",
    "usulan_dtks": "Usul masuk DTKS",
    "kebutuhan_utama": "Kebutuhan utama",
    "kebutuhan_lain": "Kebutuhan lain",
    "keterangan": "Keterangan",
}
# The questions on each printed line of a family's answer block.
ANSWER_LINES = (("keberadaan",), ("kelayakan", "usulan_dtks"), ("kebutuhan_utama",), ("kebutuhan_lain",))
SIGNERS = ("Petugas/enumerator", "Wali Nagari/Kepala Desa")
MAX_MEMBERS_TEXT = 170  # characters of the member list in a family's cell (a row cannot span pages)
MAX_ADDRESS_TEXT = 110


def legend() -> str:
    k = choices
    return (
        "Beri tanda silang (X) pada kotak jawaban. "
        f"{k.KEBERADAAN.label} wajib diisi. {k.KELAYAKAN.label}: {_lower_first(k.KELAYAKAN.hint)}. "
        f"{k.USULAN_DTKS.label}: {_lower_first(k.USULAN_DTKS.hint)}. "
        "Kebutuhan diisi bila keluarga layak: kebutuhan utama satu pilihan, kebutuhan lain boleh lebih dari satu "
        '(kebutuhan "Lainnya" dijelaskan pada keterangan).'
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class _Section:
    nama: str
    lokasi: str


def pdf_bytes(lst: VervalList, show_nik: bool = False) -> bytes:
    """The printable form of the list; the NIK masked unless `show_nik`."""
    page_w, page_h = landscape(A4)
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=(page_w, page_h),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=TITLE,
        author=lst.dibuat_oleh or "Kantong",
        subject=lst.keterangan,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, page_w - 2 * MARGIN_X, page_h - MARGIN_TOP - MARGIN_BOTTOM, id="isi")
    doc.addPageTemplates([PageTemplate(id="formulir", frames=[frame])])
    sections = [_Section(n.nama, n.lokasi) for n in lst.nagari] or [_Section("", "")]
    story = []
    for i, nagari in enumerate(lst.nagari):
        if i:
            story.append(PageBreak())
        story += _section(lst, nagari, i, show_nik, frame.width)
    if not lst.nagari:
        story += [SectionStart(0), _paragraph("Daftar ini tidak memuat nagari/desa.", 10)]
    doc.build(story, canvasmaker=partial(NumberedCanvas, lst=lst, sections=sections))
    return out.getvalue()


# --- page furniture: running header, footer, page numbers per section ---------------------


class NumberedCanvas(canvas.Canvas):
    """Keeps every page until the document is laid out, then draws each page's header and
    footer, when each section's page count ("Halaman X dari Y") is known."""

    def __init__(self, *args, lst: VervalList, sections: list[_Section], **kwargs):
        super().__init__(*args, **kwargs)
        self.verval_list, self.verval_sections = lst, sections
        self.verval_section = 0  # set by SectionStart as the story reaches each nagari
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802  (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        per_section: dict[int, int] = {}
        for state in self._pages:
            per_section[state["verval_section"]] = per_section.get(state["verval_section"], 0) + 1
        seen: dict[int, int] = {}
        for state in self._pages:
            self.__dict__.update(state)
            section = state["verval_section"]
            seen[section] = seen.get(section, 0) + 1
            self._furniture(self.verval_sections[section], seen[section], per_section[section])
            super().showPage()
        super().save()

    def _furniture(self, section: _Section, page: int, pages: int) -> None:
        w, h = self._pagesize
        self.saveState()
        self.setFillColorRGB(*BLUE)
        self.setFont(BOLD, 8.5)
        self.drawString(MARGIN_X, h - 22, _short(f"Verval keluarga miskin ekstrem · {section.lokasi}", 150))
        self.setFont(FONT, 8)
        self.setFillColorRGB(*GREY)
        self.drawRightString(w - MARGIN_X, h - 22, f"Dibuat {fmt.tanggal(self.verval_list.dibuat)}")
        self.setStrokeColorRGB(*BLUE)
        self.setLineWidth(0.6)
        self.line(MARGIN_X, h - 27, w - MARGIN_X, h - 27)
        note = _paragraph(_escape(self.verval_list.keterangan), 6.5, colour=GREY, leading=8)
        _, note_h = note.wrap(w - 2 * MARGIN_X - 110, 40)
        note.drawOn(self, MARGIN_X, 30 - note_h)
        self.setFont(BOLD, 8.5)
        self.setFillColorRGB(0, 0, 0)
        self.drawRightString(w - MARGIN_X, 20, f"Halaman {page} dari {pages}")
        self.restoreState()


class SectionStart(Flowable):
    """Zero-size: tells the canvas which nagari its pages belong to from here on."""

    def __init__(self, index: int):
        super().__init__()
        self.index = index

    def wrap(self, *_):
        return 0, 0

    def draw(self):
        self.canv.verval_section = self.index


# --- a nagari's section -------------------------------------------------------------------


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _paragraph(markup: str, size: float, font: str = FONT, colour=(0, 0, 0), leading: float | None = None, after=0):

    style = ParagraphStyle(
        "p", fontName=font, fontSize=size, leading=leading or size * 1.22, textColor=Color(*colour), spaceAfter=after
    )
    return _Paragraph(markup, style)


class _Paragraph(Paragraph):
    """A paragraph that breaks its lines once per width: a table cell is wrapped when its
    height is measured and again when it is drawn."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth, availHeight):  # noqa: N803  (reportlab's names)
        if self._wrapped is None or self._wrapped[0] != availWidth:
            self._wrapped = (availWidth, super().wrap(availWidth, availHeight))
        return self._wrapped[1]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _section(lst: VervalList, nagari: NagariList, index: int, show_nik: bool, width: float) -> list:

    place = (
        f"Nagari/desa: <b>{_escape(nagari.nama)}</b> ({_escape(nagari.kode)}) &nbsp;·&nbsp; "
        f"Kecamatan: <b>{_escape(nagari.nama_kecamatan or '–')}</b> &nbsp;·&nbsp; "
        f"Kabupaten/kota: <b>{_escape(nagari.nama_kabkota or '–')}</b>"
    )
    story = [
        SectionStart(index),
        _paragraph(_escape(TITLE), 14, BOLD, BLUE, after=3),
        _paragraph(place, 10, after=2),
        _paragraph(_escape(lst.keterangan), 7.5, colour=GREY, after=1),
        _paragraph(_escape(nagari.ringkasan), 7.5, colour=GREY, after=1),
        _paragraph(_escape(legend()), 7.5, ITALIC, after=5),
    ]
    rows = family_rows(nagari, show_nik)
    if rows:
        story.append(_family_table(rows, member_summary(nagari), width))
    else:
        story.append(_paragraph("Tidak ada keluarga desil 1 di nagari/desa ini.", 10))
    story += [Spacer(1, 14), KeepTogether(_signatures(nagari, width))]
    return story


def _family_table(rows: list[dict], members: dict[str, str], width: float):

    answer_w = width - sum(COLUMN_WIDTHS)
    head = [_paragraph(f"<b>{h}</b>", 8, colour=(1, 1, 1)) for h in ("No", "Keluarga", "Status", "Hasil kunjungan")]
    cells = [head]
    for row in rows:
        family = [
            f"<b>{_escape(row['nama_kepala'] or '–')}</b>",
            f"NIK {_escape(row['nik_kepala'] or '–')} &nbsp;·&nbsp; ID {_escape(row['id_keluarga'])}",
            _escape(_short(row["alamat"] or "–", MAX_ADDRESS_TEXT)),
        ]
        jiwa = f"{fmt.angka(row['jiwa'])} jiwa" if row["jiwa"] is not None else ""
        people = members.get(row["id_keluarga"], "")
        if jiwa or people:
            detail = jiwa + (": " if jiwa and people else "") + _short(people, MAX_MEMBERS_TEXT)
            family.append(f'<font size="6.5" color="#555555">{_escape(detail)}</font>')
        status = (
            f"{_escape(row['status_dtks'])}<br/>{_escape(row['status_bansos'])}<br/>"
            f'<font color="#555555"><i>{_escape(row["alasan"])}</i></font>'
        )
        cells.append(
            [
                _paragraph(str(row["no"]), 8),
                _paragraph("<br/>".join(family), 8),
                _paragraph(status, 7.5),
                AnswerBlock(answer_w - 2 * PAD),
            ]
        )
    widths = [*COLUMN_WIDTHS, answer_w]
    # Heights measured once here: given them, the table does not wrap every remaining cell
    # again each time it splits across a page (a third of the build time otherwise).
    heights = [max(cell.wrap(w - 2 * PAD, 10_000)[1] for cell, w in zip(row, widths)) + 2 * PAD for row in cells]
    table = Table(cells, colWidths=widths, rowHeights=heights, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), Color(*BLUE)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.4, Color(0.6, 0.6, 0.6)),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("TOPPADDING", (0, 0), (-1, -1), PAD),
                ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
            ]
        )
    )
    return table


def _signatures(nagari: NagariList, width: float):

    wali = f"Wali Nagari/Kepala Desa {nagari.nama}" if nagari.nama else SIGNERS[1]
    blocks = []
    for intro, role in (("Yang memverifikasi,", SIGNERS[0]), ("Mengetahui,", wali)):
        lines = [
            _paragraph(_escape(intro), 9),
            _paragraph(f"<b>{_escape(role)}</b>", 9, after=16),
            _paragraph("Nama: ..............................................................", 9, after=10),
            _paragraph("Tanggal: ..........................................................", 9, after=22),
            _paragraph("Tanda tangan: ...................................................", 9),
        ]
        blocks.append(lines)
    table = Table([blocks], colWidths=[width / 2, width / 2])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (0, 0), 0.4, Color(0.6, 0.6, 0.6)),
                ("BOX", (1, 0), (1, 0), 0.4, Color(0.6, 0.6, 0.6)),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return [table]


# --- the answer block: boxes to tick ------------------------------------------------------


class AnswerBlock(Flowable):
    """Each question's caption and a box per choice, wrapping to a new line when the
    choices do not fit; then two ruled lines for remarks."""

    def __init__(self, width: float):
        super().__init__()
        self.block_width = width
        self._ops, self._height = _answer_layout(width)

    def wrap(self, *_):
        return self.block_width, self._height

    def draw(self):
        c = self.canv
        text = c.beginText()
        path = c.beginPath()
        rules = []
        for kind, x, line, label in self._ops:
            base = self._height - (line + 1) * ANSWER_LINE + 3
            if kind == "caption":
                text.setFont(BOLD, ANSWER_SIZE)
                text.setTextOrigin(x, base)
                text.textOut(label)
            elif kind == "box":
                path.rect(x, base - 1, ANSWER_BOX, ANSWER_BOX)
                text.setFont(FONT, ANSWER_SIZE)
                text.setTextOrigin(x + ANSWER_BOX + 3, base)
                text.textOut(label)
            else:
                rules.append((x, base - 1, self.block_width, base - 1))
        c.setLineWidth(0.6)
        c.drawPath(path, stroke=1, fill=0)
        c.drawText(text)
        c.setDash(1, 2)
        c.lines(rules)
        c.setDash()


ANSWER_SIZE = 7.0
ANSWER_LINE = 11.5  # room for a hand-drawn cross
ANSWER_BOX = 7.0
CAPTION_W = 70.0
WRITE_LINES = 2


@lru_cache(maxsize=8)
def _answer_layout(width: float) -> tuple[tuple[tuple[str, float, int, str], ...], float]:
    """(kind, x, line index, text) of each caption, box and rule, and the block's height."""
    ops = []
    line = 0
    for questions in ANSWER_LINES:
        x = 0.0
        for n, kode in enumerate(questions):
            question = choices.BY_KODE[kode]
            caption = CAPTIONS.get(kode, question.label) + ("*" if question.required else "")
            if n:
                x += 10
            ops.append(("caption", x, line, caption))
            x = max(x + stringWidth(caption, BOLD, ANSWER_SIZE) + 5, CAPTION_W if n == 0 else 0)
            for choice in question.choices:
                step = ANSWER_BOX + 3 + stringWidth(choice.label, FONT, ANSWER_SIZE) + 9
                if x + step - 9 > width:  # the next box and its label would not fit: a new line
                    line, x = line + 1, CAPTION_W
                ops.append(("box", x, line, choice.label))
                x += step
        line += 1
    ops.append(("caption", 0.0, line, CAPTIONS["keterangan"]))
    for extra in range(WRITE_LINES):
        ops.append(("rule", CAPTION_W if extra == 0 else 0.0, line + extra, ""))
    return tuple(ops), (line + WRITE_LINES) * ANSWER_LINE + 2
