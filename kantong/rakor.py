"""Paket Rakor: the deck for a coordination meeting, as PowerPoint and as PDF.

The slides are described once (`build_slides`, pure) and written twice (`pptx_bytes`,
`pdf_bytes`), so both files carry the same content. Maps are the printed vector maps of
kantong.report, rendered to PNG at twice their size.

    title · province map · priority table of the plan (one or more slides) ·
    the plan's progress per kab/kota (a saved plan measured against a later release and
    the field, kantong.progress) · one slide per kab/kota (map of its nagari, key figures,
    its priority nagari; its field results; its nagari's progress) · method
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from etl import indicators
from kantong import fmt, metode, priority, report
from kantong import progress as kemajuan
from kantong.comparisons import ComparisonError
from kantong.data import LEVEL_LABEL_SHORT, Snapshot, indicator_values
from kantong.figures import PrintText
from kantong.verval import choices as verval_choices
from kantong.view import CLASSIFICATIONS, View

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MAP_W, MAP_H = 8.4, 5.9  # inches on the slide; the figure is drawn at 100 px per inch
ROWS_PER_TABLE_SLIDE = 12
NAGARI_PER_KABKOTA_SLIDE = 4
FACT_STEP = 0.72  # inches per key figure (label, value, note)
KEY_INDICATORS = ("kk_desil_1", "kk_d1_non_dtks", "kk_d1_dtks_tanpa_bansos", "pct_d1_bansos")
TITLE_COLOUR = (0x1F, 0x4E, 0x79)
MUTED = (0x55, 0x55, 0x55)

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # right-aligned columns
    widths: list[float]  # relative column widths


@dataclass
class Slide:
    kind: str  # judul | peta | tabel | kabkota | metode
    title: str
    subtitle: str = ""
    figure: go.Figure | None = None
    facts: list[tuple[str, str, str]] = field(default_factory=list)  # label, value, note
    table: Table | None = None
    table_title: str = ""
    lines: list[str] = field(default_factory=list)
    image: bytes | None = None  # the figure rendered as PNG


@dataclass(frozen=True)
class PlanRows:
    """The plan a deck shows: a saved plan, or the automatic proposal."""

    nama: str
    keterangan: str
    rows: list[dict]
    kemajuan: kemajuan.Progress | None = None  # a saved plan's progress (kantong.progress)
    rilis: str | None = None  # the release a saved plan was made on


@dataclass(frozen=True)
class Deck:
    slides: list[Slide]
    pptx: bytes
    pdf: bytes
    stem: str  # file name without extension


def automatic_plan(snapshot: Snapshot, year: int) -> PlanRows:
    """One nagari per kab/kota, the highest-scoring with the default weights: the 2023
    field assessment's rule, for a deck built before any plan is saved."""
    start = priority.starting_plan(snapshot, year)  # also what the Prioritas page opens with
    return PlanRows(
        "Usulan otomatis",
        f"Belum memakai rencana tersimpan: 1 nagari dengan skor tertinggi per kab/kota "
        f"(bobot \u201c{priority.DEFAULT_PRESET}\u201d).",
        start.rows,
    )


def key_fact(snapshot_row, indikator: str) -> tuple[str, str, str]:
    """(label, value, note) of a key figure; the note is what the registry relates to it: a
    rate's numerator and denominator, a count's share, or its companion figure."""
    ind = indicators.get(indikator)
    rate = indicators.rate_of(indikator)
    note = ""
    if ind.is_rate:
        den = indicators.get(ind.penyebut)
        note = (
            f"{fmt.angka(snapshot_row[ind.pembilang])} dari {fmt.angka(snapshot_row[ind.penyebut])} {den.label_pendek}"
        )
    elif rate is not None:
        note = f"{fmt.persen(snapshot_row[rate.id])} dari {indicators.get(rate.penyebut).label_pendek}"
    elif ind.pendamping:
        companion = indicators.get(ind.pendamping)
        note = fmt.nilai(companion, snapshot_row[ind.pendamping])
    return ind.label, fmt.nilai(ind, snapshot_row[indikator]), note


def _plan_table(rows: list[dict], first_number: int, verval: dict[str, tuple[int, int]] | None = None) -> Table:
    """The plan's nagari with their targets; with `verval` (kode -> families verified,
    eligible) once field results exist, those two counts as well."""
    headers = [
        "No",
        "Nagari/desa",
        "Kecamatan",
        "Kab/kota",
        "Skor",
        "KK desil 1",
        "Belum DTKS",
        "Usul DTKS",
        "Terima bansos",
        "Graduasi",
    ]
    body = [
        [
            fmt.angka(first_number + i),
            str(r["nama"]),
            str(r["nama_kecamatan"]),
            priority.short_name(str(r["nama_kabkota"])),
            fmt.angka(r.get("skor"), 1),
            fmt.angka(r.get("kk_desil_1")),
            fmt.angka(r.get("kk_d1_non_dtks")),
            fmt.angka(r.get("target_usul_dtks")),
            fmt.angka(r.get("target_terima_bansos")),
            fmt.angka(r.get("target_graduasi")),
        ]
        for i, r in enumerate(rows)
    ]
    numeric = [True, False, False, False] + [True] * 6
    widths = [0.5, 2.2, 1.8, 2.0, 0.8, 1.0, 1.0, 1.0, 1.1, 1.0]
    if verval is not None:
        headers += ["Diverifikasi", "Layak"]
        for row, r in zip(body, rows):
            verified, eligible = verval.get(str(r["kode"]), (0, 0))
            row += [fmt.angka(verified), fmt.angka(eligible)]
        numeric += [True, True]
        widths += [1.1, 0.8]
    return Table(headers, body, numeric, widths)


def verval_slide(snapshot: Snapshot, kode: str, region) -> Slide | None:
    """A kab/kota's field verification: per verified nagari, families verified, found,
    eligible, proposed into DTKS and their main needs; None before any result there."""
    if not region["kk_verval"]:
        return None
    desa = snapshot.regions_in(kode, "desa")
    desa = desa[desa["kk_verval"] > 0].sort_values("kk_verval", ascending=False)
    needs = [(indicators.get(f"kk_butuh_{c.kode}"), c.label) for c in verval_choices.NEEDS]
    rows = []
    for _, r in desa.head(ROWS_PER_TABLE_SLIDE).iterrows():
        top = sorted(((int(r[i.id]), label) for i, label in needs if r[i.id]), key=lambda t: -t[0])[:3]
        rows.append(
            [
                str(r["nama"]),
                fmt.angka(r["kk_verval"]),
                fmt.angka(r["kk_verval_ditemukan"]),
                fmt.angka(r["kk_verval_layak"]),
                fmt.angka(r["kk_usul_dtks"]),
                ", ".join(f"{label} {fmt.angka(n)}" for n, label in top) or "–",
            ]
        )
    total = ", ".join(f"{label} {fmt.angka(region[i.id])}" for i, label in needs if region[i.id])
    lines = [
        f"{fmt.angka(region['kk_verval'])} KK terverifikasi: {fmt.angka(region['kk_verval_ditemukan'])} ditemukan, "
        f"{fmt.angka(region['kk_verval_layak'])} layak, {fmt.angka(region['kk_usul_dtks'])} diusulkan masuk DTKS; "
        f"tidak ditemukan/pindah/meninggal/ganda {fmt.angka(region['kk_verval'] - region['kk_verval_ditemukan'])}.",
        "Kebutuhan keluarga layak: " + (total or "belum tercatat") + ".",
    ]
    if len(desa) > ROWS_PER_TABLE_SLIDE:
        lines.append(f"Tabel: {ROWS_PER_TABLE_SLIDE} dari {fmt.angka(len(desa))} nagari/desa terverifikasi.")
    return Slide(
        "tabel",
        f"Hasil verval & asesmen: {region['nama']}",
        "Verifikasi lapangan keluarga desil 1 (jawaban terbaru per keluarga)",
        lines=lines,
        table=Table(
            ["Nagari/desa", "Terverifikasi", "Ditemukan", "Layak", "Usul DTKS", "Kebutuhan utama"],
            rows,
            [False, True, True, True, True, False],
            [2.2, 1.1, 1.0, 0.8, 1.0, 4.0],
        ),
    )


PROGRESS_HEADERS = [
    *(m.label for m in kemajuan.MEASURES),
    "Exclusion error (awal → kini)",
    "KK diverifikasi (layak)",
    "KK menerima bantuan",
]


def _progress_cells(row) -> list[str]:
    """A progress row's cells: per target "realised/target (share)", the exclusion error
    before and after, the families verified (eligible) and those who received support."""
    cells = []
    for m in kemajuan.MEASURES:
        real, target = row[f"realisasi_{m.kunci}"], row[f"target_{m.kunci}"]
        cells.append(
            f"{kemajuan.count_text(real)}/{fmt.angka(target)} ({kemajuan.share_text(row[f'capaian_{m.kunci}'])})"
        )
    before, after = row["kk_d1_non_dtks_a"], row["kk_d1_non_dtks_b"]
    cells.append("–" if pd.isna(before) or pd.isna(after) else f"{fmt.angka(before)} → {fmt.angka(after)}")
    cells.append(f"{fmt.angka(row['kk_verval'])} ({fmt.angka(row['kk_verval_layak'])})")
    cells.append(fmt.angka(row["kk_bantuan_disalurkan"]))
    return cells


def _progress_lines(prog: kemajuan.Progress, total) -> list[str]:
    lines = [prog.subtitle()]
    if prog.has_release:
        lines.append(
            "Capaian: "
            + "; ".join(
                f"{m.label.lower()} {kemajuan.count_text(total[f'realisasi_{m.kunci}'])} dari target "
                f"{fmt.angka(total[f'target_{m.kunci}'])} KK ({kemajuan.share_text(total[f'capaian_{m.kunci}'])})"
                for m in kemajuan.MEASURES
            )
            + ". Keluar dari desil 1 adalah calon graduasi: perlu dikonfirmasi di lapangan."
        )
    lines.append(
        f"Lapangan: {fmt.angka(total['kk_verval'])} KK diverifikasi, {fmt.angka(total['kk_verval_layak'])} layak, "
        f"{fmt.angka(total['kk_usul_dtks'])} diusulkan ke DTKS; {fmt.angka(total['kk_bantuan_disalurkan'])} KK "
        "menerima bantuan dari tindak lanjut yang disalurkan."
    )
    return lines


def progress_slide(prog: kemajuan.Progress) -> Slide:
    """The plan's progress for the province (or the operator's kab/kota): one row per kab/kota."""
    kab = prog.kabkota.head(ROWS_PER_TABLE_SLIDE)
    rows = [
        [priority.short_name(r["nama_kabkota"]), fmt.angka(r["nagari"]), *_progress_cells(r)] for _, r in kab.iterrows()
    ]
    lines = _progress_lines(prog, prog.provinsi)
    if len(prog.kabkota) > len(kab):
        lines.append(f"Tabel: {len(kab)} dari {fmt.angka(len(prog.kabkota))} kab/kota.")
    return Slide(
        "tabel",
        f"Kemajuan rencana: {prog.rencana}",
        "Realisasi/target per kab/kota (capaian)",
        lines=lines,
        table=Table(
            ["Kab/kota", "Nagari", *PROGRESS_HEADERS],
            rows,
            [False, True, True, True, True, True, True, True],
            [1.9, 0.8, 1.5, 1.6, 1.8, 1.4, 1.3, 1.1],
        ),
    )


def progress_kabkota_slide(prog: kemajuan.Progress, kode: str, nama: str) -> Slide | None:
    """A kab/kota's plan nagari with their progress; None when the plan has none there."""
    nagari = prog.nagari[prog.nagari["kode_kabkota"] == kode]
    if nagari.empty:
        return None
    total = prog.kabkota.set_index("kode_kabkota").loc[kode]
    shown = nagari.head(ROWS_PER_TABLE_SLIDE)
    lines = _progress_lines(prog, total)
    if len(nagari) > len(shown):
        lines.append(f"Tabel: {len(shown)} dari {fmt.angka(len(nagari))} nagari rencana.")
    lines += [n for n in prog.catatan if any(str(k) in n for k in nagari["kode"])]
    return Slide(
        "tabel",
        f"Kemajuan rencana: {nama}",
        f"{prog.rencana} · realisasi/target per nagari (capaian)",
        lines=lines,
        table=Table(
            ["Nagari/desa", *PROGRESS_HEADERS],
            [[str(r["nama"]), *_progress_cells(r)] for _, r in shown.iterrows()],
            [False, True, True, True, True, True, True],
            [2.4, 1.6, 1.7, 1.9, 1.5, 1.4, 1.2],
        ),
    )


def build_slides(
    snapshot: Snapshot,
    indikator: str,
    plan: PlanRows,
    klasifikasi: str = "kuantil",
    warna: str = "oranye",
    built_on: dt.date | None = None,
) -> list[Slide]:
    """What the deck says, slide by slide (figures not yet rendered)."""
    ind = indicators.get(indikator)
    province = snapshot.akar  # the province, or the region above the provinces of the snapshot
    kode_prov = str(province["kode"])
    top_level = snapshot.map_levels[0]
    tanggal = fmt.tanggal(snapshot.tanggal_referensi)
    built_on = built_on or dt.date.today()
    size = {"width": int(MAP_W * 100), "height": int(MAP_H * 100)}
    plain = PrintText()
    slides = [
        Slide(
            "judul",
            "Penanggulangan Kemiskinan Ekstrem "
            + (f"Provinsi {province['nama']}" if snapshot.provinsi is not None else str(province["nama"])),
            f"Bahan rapat koordinasi · {ind.label}",
            lines=[
                f"Data P3KE dan DTKS per {tanggal} (snapshot {snapshot.path.name})",
                f"Rencana: {plan.nama}",
                f"Disusun {fmt.tanggal(built_on)} · {report.publisher(snapshot)}",
            ],
        )
    ]

    view = View(
        tingkat=top_level,
        wilayah=kode_prov,
        indikator=indikator,
        klasifikasi=klasifikasi,
        warna=warna,
        profil=kode_prov,
    )
    d1_nagari = int((snapshot.table("desa")["kk_desil_1"] > 0).sum())
    slides.append(
        Slide(
            "peta",
            f"{ind.label} per {LEVEL_LABEL_SHORT[top_level]}",
            f"{province['nama']} · data per {tanggal}",
            figure=report.map_print(snapshot, view, plain, **size),
            facts=[key_fact(province, k) for k in KEY_INDICATORS]
            + [
                (
                    "Nagari/desa dengan KK desil 1",
                    fmt.angka(d1_nagari),
                    f"dari {fmt.angka(len(snapshot.table('desa')))} nagari/desa",
                )
            ],
        )
    )

    rows = plan.rows
    chunks = [rows[i : i + ROWS_PER_TABLE_SLIDE] for i in range(0, len(rows), ROWS_PER_TABLE_SLIDE)] or [[]]
    desa = snapshot.table("desa")
    verval = (
        {k: (int(v), int(e)) for k, v, e in zip(desa.index, desa["kk_verval"], desa["kk_verval_layak"])}
        if province["kk_verval"]
        else None
    )
    for n, chunk in enumerate(chunks):
        slide = Slide(
            "tabel",
            "Nagari prioritas dan target" + (" (lanjutan)" if n else ""),
            f"{plan.nama} · {fmt.angka(len(rows))} nagari/desa",
            lines=[plan.keterangan],
        )
        if chunk:
            slide.table = _plan_table(chunk, first_number=n * ROWS_PER_TABLE_SLIDE + 1, verval=verval)
        else:
            slide.lines.append("Belum ada nagari prioritas dalam rencana ini.")
        slides.append(slide)
    if plan.kemajuan is not None:
        slides.append(progress_slide(plan.kemajuan))

    kabkota = snapshot.table("kabkota")
    ranks = indicator_values(snapshot, "kabkota", kode_prov, indikator)["peringkat"]
    ranked = int(ranks.notna().sum())
    for kode, region in kabkota.iterrows():
        if snapshot.scope is not None and kode != snapshot.scope:
            continue  # an operator's deck: their own kab/kota only (the others' nagari are not theirs to see)
        chosen = [r for r in rows if str(r["kode"]).startswith(kode + ".")]
        kab_view = View(
            tingkat="desa", wilayah=kode, indikator=indikator, klasifikasi=klasifikasi, warna=warna, profil=kode
        )
        rank = ranks.get(kode)
        facts = [key_fact(region, k) for k in KEY_INDICATORS]
        facts.append(
            (
                f"Peringkat {ind.label_pendek}",
                "–" if pd.isna(rank) else f"{fmt.angka(int(rank))} dari {fmt.angka(ranked)}",
                f"di {province['nama']}",
            )
        )
        slide = Slide(
            "kabkota",
            str(region["nama"]),
            f"{ind.label} per nagari/desa · data per {tanggal}",
            figure=report.map_print(
                snapshot,
                kab_view,
                plain,
                highlight=kemajuan.codes_now(plan.kemajuan, [r["kode"] for r in chosen]),
                **size,
            ),
            facts=facts,
            table_title="Nagari prioritas",
        )
        if chosen:
            short = chosen[:NAGARI_PER_KABKOTA_SLIDE]
            slide.table = Table(
                ["Nagari/desa", "KK D1", "Usul DTKS"],
                [[str(r["nama"]), fmt.angka(r.get("kk_desil_1")), fmt.angka(r.get("target_usul_dtks"))] for r in short],
                [False, True, True],
                [2.4, 0.9, 1.1],
            )
            if len(chosen) > len(short):
                slide.lines.append(f"dan {fmt.angka(len(chosen) - len(short))} nagari lain (lihat tabel prioritas)")
        else:
            slide.lines.append("Belum ada nagari prioritas dipilih di kab/kota ini.")
        slides.append(slide)
        results = verval_slide(snapshot, kode, region)
        if results is not None:
            slides.append(results)
        if plan.kemajuan is not None:
            kab_progress = progress_kabkota_slide(plan.kemajuan, str(kode), str(region["nama"]))
            if kab_progress is not None:
                slides.append(kab_progress)

    slides.append(method_slide(snapshot, indikator, klasifikasi, plan))
    return slides


def method_slide(snapshot: Snapshot, indikator: str, klasifikasi: str, plan: PlanRows) -> Slide:
    """The last slide: what the deck's figures mean and where they come from, in the words of
    the Metodologi page (kantong/metode.py), indicators named by their labels."""
    sections = {b.kunci: b for b in metode.bagian()}
    kelas = metode.klasifikasi(klasifikasi)
    sumber = snapshot.summary.get("sumber", {})
    used = [indicators.get(k) for k in dict.fromkeys((indikator,) + KEY_INDICATORS)]
    lines = [f"{i.label}: {metode.definisi(i)}" for i in used]
    lines += [
        f"Kelas warna peta: {CLASSIFICATIONS[klasifikasi]}. {kelas.cara}",
        sections["isi"].ringkas,
        sections["terlalu-sedikit"].ringkas,
        sections["tanpa-poligon"].ringkas,
        f"Sumber: {metode.sumber_data(snapshot)}",
        f"Snapshot {snapshot.path.name}, dibuat {fmt.tanggal(snapshot.dibuat_pada)} dari "
        f"{fmt.angka(len(sumber.get('keluarga', [])))} berkas keluarga dan {fmt.angka(len(sumber.get('individu', [])))} "
        f"berkas individu P3KE serta {fmt.angka(len(sumber.get('dtks', [])))} berkas DTKS.",
        f"Prioritas: {plan.keterangan}",
    ]
    return Slide(
        "metode",
        "Metodologi dan sumber data",
        f"Katalog indikator versi {snapshot.summary.get('versi_katalog_indikator', 1)}",
        lines=lines,
    )


def render_figures(slides: list[Slide], renderer, progress: Progress | None = None, batch: int = 4) -> None:
    """Render every slide's figure to PNG, a few at a time so progress can be reported."""
    todo = [s for s in slides if s.figure is not None and s.image is None]
    for start in range(0, len(todo), batch):
        part = todo[start : start + batch]
        for slide, image in zip(part, renderer.render_many([s.figure for s in part], "png")):
            slide.image = image.data
        if progress:
            progress(start + len(part), len(todo), f"Peta {start + len(part)} dari {len(todo)}")


def footer_text(snapshot: Snapshot) -> str:
    return report.source_line(snapshot)


# --- PowerPoint ---------------------------------------------------------------------------


TITLE_PT = 28
TITLE_MIN_PT = 16
# Width of an average character of bold sans-serif text, in ems: wide enough for the
# fonts LibreOffice falls back on where PowerPoint's Calibri is missing (DejaVu Sans).
BOLD_EM = 0.62


def title_size(text: str, width_in: float) -> int:
    """The largest title size, at most TITLE_PT, at which `text` fits on one line of
    `width_in` inches (at least TITLE_MIN_PT; longer titles are shortened by build_slides)."""
    fits = int(width_in * 72 / (BOLD_EM * max(len(text), 1)))
    return max(TITLE_MIN_PT, min(TITLE_PT, fits))


def pptx_bytes(slides: list[Slide], footer: str) -> bytes:  # noqa: C901  (one branch per kind of slide content)
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    title_only = prs.slide_layouts[5]
    title_layout = prs.slide_layouts[0]

    def text_box(slide, left, top, width, height, lines, size=12, colour=None, bold=False):
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            p.text = line
            p.font.size = Pt(size)
            p.font.bold = bold
            if colour:
                p.font.color.rgb = RGBColor(*colour)
        return box

    def add_table(slide, table: Table, left, top, width, size=11):
        rows = len(table.rows) + 1
        height = Inches(0.32 * rows)
        shape = slide.shapes.add_table(rows, len(table.headers), Inches(left), Inches(top), Inches(width), height)
        grid = shape.table
        total = sum(table.widths)
        for c, w in enumerate(table.widths):
            grid.columns[c].width = Emu(int(Inches(width) * w / total))
        for r, values in enumerate([table.headers] + table.rows):
            for c, value in enumerate(values):
                cell = grid.cell(r, c)
                cell.text = value
                para = cell.text_frame.paragraphs[0]
                para.font.size = Pt(size)
                para.font.bold = r == 0
                para.alignment = PP_ALIGN.RIGHT if table.numeric[c] and r > 0 else PP_ALIGN.LEFT

    total = len(slides)
    for number, s in enumerate(slides, start=1):
        if s.kind == "judul":
            slide = prs.slides.add_slide(title_layout)
            slide.shapes.title.text = s.title
            slide.shapes.title.left, slide.shapes.title.top = Inches(0.8), Inches(2.0)
            slide.shapes.title.width, slide.shapes.title.height = Inches(SLIDE_W - 1.6), Inches(1.6)
            sub = slide.placeholders[1]
            sub.left, sub.top, sub.width, sub.height = Inches(0.8), Inches(3.8), Inches(SLIDE_W - 1.6), Inches(2.2)
            sub.text_frame.text = s.subtitle
            for line in s.lines:
                sub.text_frame.add_paragraph().text = line
            for p in sub.text_frame.paragraphs:
                p.font.size = Pt(18)
            continue
        slide = prs.slides.add_slide(title_only)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = (
            Inches(0.5),
            Inches(0.25),
            Inches(SLIDE_W - 1.0),
            Inches(0.75),
        )
        title.text = s.title
        # One line in PowerPoint and LibreOffice alike: the size is chosen for the text (no
        # "shrink on overflow", which LibreOffice ignores), anchored at the top so a long
        # title can never reach the subtitle.
        title.text_frame.auto_size = MSO_AUTO_SIZE.NONE
        title.text_frame.vertical_anchor = MSO_ANCHOR.TOP
        title.text_frame.word_wrap = True
        title.text_frame.paragraphs[0].font.size = Pt(title_size(s.title, SLIDE_W - 1.0))
        title.text_frame.paragraphs[0].font.bold = True
        title.text_frame.paragraphs[0].font.color.rgb = RGBColor(*TITLE_COLOUR)
        title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        text_box(slide, 0.5, 0.95, SLIDE_W - 1.0, 0.4, [s.subtitle], size=14, colour=MUTED)
        if s.image is not None:
            slide.shapes.add_picture(io.BytesIO(s.image), Inches(0.4), Inches(1.4), Inches(MAP_W), Inches(MAP_H))
        right = 0.4 + MAP_W + 0.3
        right_w = SLIDE_W - right - 0.4
        top = 1.45
        for label, value, note in s.facts:
            box = text_box(slide, right, top, right_w, FACT_STEP, [label], size=10, colour=MUTED)
            value_para = box.text_frame.add_paragraph()
            value_para.text = value
            value_para.font.size, value_para.font.bold = Pt(16), True
            if note:
                note_para = box.text_frame.add_paragraph()
                note_para.text = note
                note_para.font.size = Pt(10)
            top += FACT_STEP
        if s.kind in ("tabel", "metode"):
            top = 1.5
            if s.lines:
                size = 13 if s.kind == "metode" else 12
                box = text_box(slide, 0.5, top, SLIDE_W - 1.0, 0.4, s.lines, size=size)
                top += 0.35 * len(s.lines) + (0.9 if s.kind == "metode" else 0.1)
            if s.table is not None:
                add_table(slide, s.table, 0.5, top + 0.1, SLIDE_W - 1.0)
        else:
            if s.table is not None:
                text_box(slide, right, top, right_w, 0.3, [s.table_title], size=13, bold=True)
                add_table(slide, s.table, right, top + 0.38, right_w, size=10)
                top += 0.38 + 0.32 * (len(s.table.rows) + 1)
            if s.lines:
                text_box(slide, right, top + 0.1, right_w, 0.5, s.lines, size=11, colour=MUTED)
        text_box(slide, 0.4, SLIDE_H - 0.45, SLIDE_W - 1.6, 0.35, [footer], size=8, colour=MUTED)
        text_box(slide, SLIDE_W - 1.2, SLIDE_H - 0.45, 0.8, 0.35, [f"{number}/{total}"], size=9, colour=MUTED)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------


def pdf_bytes(slides: list[Slide], footer: str, title: str = "Paket Rakor", author: str = "Kantong") -> bytes:
    """The same slides as pptx_bytes, one 16:9 page each (reportlab, built-in fonts)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as RLTable

    pt = 72.0
    W, H = SLIDE_W * pt, SLIDE_H * pt
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(W, H))
    c.setTitle(title)
    c.setAuthor(author)
    blue = colors.Color(*(v / 255 for v in TITLE_COLOUR))
    grey = colors.Color(*(v / 255 for v in MUTED))

    def para(text, x, y_top, width, size=12, colour=colors.black, bold=False, leading=None):
        style = ParagraphStyle(
            "p",
            fontName="Helvetica-Bold" if bold else "Helvetica",
            fontSize=size,
            leading=leading or size * 1.25,
            textColor=colour,
        )
        p = Paragraph(_escape(text), style)
        _, h = p.wrap(width, H)
        p.drawOn(c, x, y_top - h)
        return h

    def table(t: Table, x, y_top, width, size=10):
        total = sum(t.widths)
        cells = [
            [
                Paragraph(
                    _escape(v),
                    ParagraphStyle(
                        "h", fontName="Helvetica-Bold", fontSize=size, leading=size * 1.2, textColor=colors.white
                    ),
                )
                for v in t.headers
            ]
        ]
        for row in t.rows:
            cells.append(
                [
                    Paragraph(
                        _escape(v),
                        ParagraphStyle(
                            "c",
                            fontName="Helvetica",
                            fontSize=size,
                            leading=size * 1.2,
                            alignment=2 if t.numeric[i] else 0,
                        ),
                    )
                    for i, v in enumerate(row)
                ]
            )
        rl = RLTable(cells, colWidths=[width * w / total for w in t.widths], repeatRows=1)
        rl.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), blue),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.Color(0.95, 0.95, 0.95)]),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.Color(0.8, 0.8, 0.8)),
                ]
            )
        )
        _, h = rl.wrap(width, H)
        rl.drawOn(c, x, y_top - h)
        return h

    total = len(slides)
    for number, s in enumerate(slides, start=1):
        if s.kind == "judul":
            para(s.title, 0.8 * pt, H - 2.2 * pt, W - 1.6 * pt, size=36, colour=blue, bold=True)
            y = H - 3.9 * pt
            for line in [s.subtitle] + s.lines:
                y -= para(line, 0.8 * pt, y, W - 1.6 * pt, size=18) + 8
            c.showPage()
            continue
        # One line, as in the PPTX: the largest size up to 26 pt at which the title fits.
        fit = (W - 1.0 * pt) / max(stringWidth(s.title, "Helvetica-Bold", 1), 1)
        para(s.title, 0.5 * pt, H - 0.35 * pt, W - 1.0 * pt, size=max(16, min(26, int(fit))), colour=blue, bold=True)
        para(s.subtitle, 0.5 * pt, H - 0.98 * pt, W - 1.0 * pt, size=13, colour=grey)
        if s.image is not None:
            c.drawImage(
                ImageReader(io.BytesIO(s.image)),
                0.4 * pt,
                H - (1.4 + MAP_H) * pt,
                MAP_W * pt,
                MAP_H * pt,
                preserveAspectRatio=True,
                anchor="nw",
            )
        right = (0.4 + MAP_W + 0.3) * pt
        right_w = W - right - 0.4 * pt
        y = H - 1.45 * pt
        for label, value, note in s.facts:
            top = y
            y -= para(label, right, y, right_w, size=10, colour=grey)
            y -= para(value, right, y, right_w, size=16, bold=True)
            if note:
                y -= para(note, right, y, right_w, size=10)
            y = min(y, top - FACT_STEP * pt) - 2
        if s.kind in ("tabel", "metode"):
            y = H - 1.5 * pt
            for line in s.lines:
                y -= para(line, 0.5 * pt, y, W - 1.0 * pt, size=12 if s.kind == "metode" else 11) + 6
            if s.table is not None:
                table(s.table, 0.5 * pt, y - 0.1 * pt, W - 1.0 * pt)
        else:
            if s.table is not None:
                y -= para(s.table_title, right, y - 0.05 * pt, right_w, size=12, bold=True) + 0.12 * pt
                y -= table(s.table, right, y, right_w, size=9)
            for line in s.lines:
                y -= para(line, right, y - 0.1 * pt, right_w, size=10, colour=grey) + 4
        para(footer, 0.4 * pt, 0.42 * pt, W - 1.8 * pt, size=7, colour=grey)
        c.setFont("Helvetica", 9)
        c.setFillColor(grey)
        c.drawRightString(W - 0.4 * pt, 0.3 * pt, f"{number}/{total}")
        c.showPage()
    c.save()
    return out.getvalue()


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- the whole package --------------------------------------------------------------------


def build(
    snapshot: Snapshot,
    indikator: str,
    plan: PlanRows,
    renderer,
    progress: Progress | None = None,
    klasifikasi: str = "kuantil",
    warna: str = "oranye",
    built_on: dt.date | None = None,
) -> Deck:
    built_on = built_on or dt.date.today()
    maps = 1 + len(snapshot.table("kabkota"))  # the province, then each kab/kota
    steps = maps + 2

    def step(done, _total, label):
        if progress:
            progress(done, steps, label)

    step(0, steps, "Menyiapkan slide")
    slides = build_slides(snapshot, indikator, plan, klasifikasi, warna, built_on)
    render_figures(slides, renderer, step)
    footer = footer_text(snapshot)
    pptx = pptx_bytes(slides, footer)
    step(maps + 1, steps, "Menulis PowerPoint")
    pdf = pdf_bytes(slides, footer, author=report.publisher(snapshot))
    step(steps, steps, "Menulis PDF")
    stem = "_".join(["paket-rakor", indikator.replace("_", "-"), snapshot.tanggal_referensi])
    return Deck([replace(s, figure=None) for s in slides], pptx, pdf, stem)


def saved_plan(plan) -> PlanRows:
    """A plan from kantong.plans as the deck shows it."""
    return PlanRows(
        plan.nama,
        f"Rencana tersimpan \u201c{plan.nama}\u201d, revisi {plan.revisi}, disusun {plan.penulis} "
        f"({fmt.tanggal(plan.disimpan_pada)}).",
        list(plan.nagari),
        rilis=plan.snapshot_nama,
    )


def plan_for(
    snapshot: Snapshot, plans, choice: str | None, year: int | None = None, comparisons=None, results=None
) -> PlanRows:
    """The plan chosen in the UI: a saved plan id, or the automatic proposal. A saved plan
    comes with its progress (against the latest later release and the field) when
    `comparisons` is given."""
    if choice and choice != AUTOMATIC:
        try:
            plan = plans.open(int(choice))
        except (KeyError, ValueError):
            plan = None  # deleted meanwhile: fall back to the proposal, which the deck names as such
        if plan is not None:
            rows = saved_plan(plan)
            if comparisons is None:
                return rows
            return replace(rows, kemajuan=plan_progress_or_none(plan, comparisons, results, snapshot.scope))
    return automatic_plan(snapshot, year or dt.date.today().year + 1)


AUTOMATIC = "otomatis"


def plan_progress_or_none(plan, comparisons, results, wilayah: str | None) -> kemajuan.Progress | None:
    """A plan's progress, or None when its release is no longer among the published ones
    (then there is nothing to measure it from) or it has no nagari in scope."""
    try:
        prog = kemajuan.plan_progress(plan, comparisons, results, wilayah=wilayah)
    except (ValueError, ComparisonError):
        return None
    if prog.nagari.empty or (not prog.has_release and not prog.provinsi["kk_verval"]):
        return None
    return prog


# --- built decks on disk --------------------------------------------------------------------

KEEP_SECONDS = 24 * 3600
OWNER_FILE = ".pemilik"  # the account that built the deck: its link works for them alone


def save_deck(deck: Deck, folder: Path, owner: str | None = None) -> tuple[str, list[tuple[str, int]]]:
    """Write both files under a random token (the download link), for `owner` (the account
    that built it) alone; decks older than a day are removed. Returns the token and (file
    name, size) per file."""
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.iterdir():
        if old.is_dir() and now - old.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    token = secrets.token_urlsafe(16)
    target = folder / token
    target.mkdir()
    (target / OWNER_FILE).write_text(owner or "", encoding="utf-8")
    files = []
    for ext, data in (("pptx", deck.pptx), ("pdf", deck.pdf)):
        name = f"{deck.stem}.{ext}"
        (target / name).write_bytes(data)
        files.append((name, len(data)))
    return token, files


def deck_file(folder: Path, token: str, name: str, owner: str | None = None) -> Path | None:
    """The saved file, if the token and name are exactly one of ours (no path tricks) and
    `owner` is the account that built it: a link passed on to someone else opens nothing."""
    if not token.replace("-", "").replace("_", "").isalnum() or "/" in name or name.startswith("."):
        return None
    path = folder / token / name
    if not (path.is_file() and path.suffix in (".pptx", ".pdf")):
        return None
    built_by = folder / token / OWNER_FILE
    if not built_by.is_file() or built_by.read_text(encoding="utf-8") != (owner or ""):
        return None
    return path
