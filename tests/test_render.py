"""Printed maps and charts, their files (PNG, SVG, PDF) and the Paket Rakor deck.

The fixture snapshot (tests/fixtures.py) has Kab. Contoh with four nagari: Alpha (2 KK
desil 1, none outside DTKS), Beta (no desil-1 family), Gamma (1 KK desil 1, outside DTKS)
and Epsilon (no polygon), and Kota Contoh with Delta.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from etl import indicators
from etl.pipeline import build
from kantong import exports, figures, rakor, render, report
from kantong.data import SnapshotStore
from kantong.geometry import mercator_y
from kantong.view import View
from tests import fixtures

AGAM_LIKE = View(tingkat="desa", wilayah="13.01", indikator="kk_d1_non_dtks", profil="13.01")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "uji"))
    return SnapshotStore(folder / "snapshots").latest()


@pytest.fixture(scope="module")
def renderer():
    if not render.browser_path() or not Path(render.browser_path()).exists():
        pytest.fail("Debian chromium is required to render exports (.ci/run installs it)")
    return render.renderer()


def test_outlines_are_projected_paths_with_their_box(snapshot):
    alpha = snapshot.outlines("desa")["13.01.01.2001"]  # the square 100.0–100.1 E, 1.0–0.9 S
    assert alpha.path.startswith("M") and alpha.path.endswith("Z") and alpha.path.count("L") == 4
    west, south, east, north = alpha.box
    assert (west, east) == pytest.approx((100.0, 100.1))
    # Web Mercator stretches latitude a little (1° S -> -1.0000508), then 4 decimals are kept.
    assert float(mercator_y(-1.0)) == pytest.approx(-1.0000508, abs=1e-7)
    assert south == pytest.approx(-1.0001) and north == pytest.approx(-0.9)
    assert "100.1000,-1.0001" in alpha.path
    assert "13.01.02.2002" not in snapshot.outlines("desa")  # Epsilon has no polygon


def test_print_map_colours_each_nagari_by_its_class_and_says_what_it_shows(snapshot):
    fig = report.map_print(snapshot, AGAM_LIKE)
    # Values 0, 0, 1 (and Epsilon 0, undrawn): two quantile classes, lightest and darkest colour.
    # One path per class colour, holding the outlines of its regions.
    by_colour = {
        s.fillcolor: s.path for s in fig.layout.shapes if s.type == "path" and s.line.color == figures.BORDER_COLOUR
    }
    outlines = snapshot.outlines("desa")
    alpha, beta, gamma = (outlines[k].path for k in ("13.01.01.2001", "13.01.01.2002", "13.01.02.2001"))
    assert by_colour == {"#ffffb2": alpha + beta, "#bd0026": gamma}  # Alpha 0, Beta 0 (no desil 1), Gamma 1
    context = [s for s in fig.layout.shapes if s.fillcolor == figures.CONTEXT_COLOUR]
    assert [s.path for s in context] == [snapshot.outlines("kabkota")["13.71"].path]  # Kota Contoh around it
    assert fig.layout.title.text == "<b>KK desil 1 belum masuk DTKS (exclusion error): Contoh</b>"
    assert "Per nagari/desa" in fig.layout.title.subtitle.text and "22 Agustus 2023" in fig.layout.title.subtitle.text
    texts = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("0  ") and "(3)" in t for t in texts)  # legend: value 0, three nagari
    assert any(t.startswith("1  ") and "(1)" in t for t in texts)
    assert any(t.startswith("1. Gamma") for t in texts)  # the highest ranked is named on the map
    # Epsilon has no polygon: a marker at its approximate point (the centre of Kec. Dua, which
    # Gamma covers whole), in its class colour, counted in the legend; nothing is left off.
    (marker,) = [t for t in fig.data if t.mode == "markers" and t.xaxis in (None, "x")]
    assert list(marker.x) == [100.05] and list(marker.y) == pytest.approx([float(mercator_y(-1.05))])
    assert list(marker.marker.color) == ["#ffffb2"]
    assert any(t.startswith("Titik: tanpa poligon, lokasi perkiraan") and "(1)" in t for t in texts)
    source = [t for t in texts if "Sumber: P3KE" in t]
    assert source and "tidak tampil" not in source[0]


def test_file_names_say_what_where_and_when(snapshot):
    assert report.map_file(snapshot, AGAM_LIKE, "png") == "peta_kk-d1-non-dtks_contoh_2023-08-22.png"
    assert (
        exports.file_name("peta", "kk_d1_non_dtks", "Kabupaten Agam", "2023-08-22", ext="svg")
        == "peta_kk-d1-non-dtks_kab-agam_2023-08-22.svg"
    )
    assert exports.slug("Kota Padang Panjang") == "kota-padang-panjang"
    assert report.table_file(snapshot, AGAM_LIKE, "csv") == "tabel_kk-d1-non-dtks_nagari-desa_contoh_2023-08-22.csv"


def test_png_svg_and_pdf_decode_at_their_size_and_carry_the_title(snapshot, renderer):
    fig = report.map_print(snapshot, AGAM_LIKE)
    png = renderer.render(fig, "png")
    image = Image.open(io.BytesIO(png.data))
    assert image.format == "PNG" and image.size == (2 * figures.PRINT_WIDTH, 2 * figures.PRINT_HEIGHT)
    # The darkest class colour is really drawn (Gamma), not only declared.
    assert (0xBD, 0x00, 0x26) in {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}

    svg = renderer.render(fig, "svg")
    root = ET.fromstring(svg.data)
    assert root.tag.endswith("svg") and root.get("width") == str(figures.PRINT_WIDTH)
    text = " ".join(t for t in root.itertext())
    assert "KK desil 1 belum masuk DTKS (exclusion error): Contoh" in text and "Sumber: P3KE" in text
    assert "KK D1 non-DTKS" in text  # the legend heading

    pdf = renderer.render(fig, "pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(figures.PRINT_WIDTH / figures.PRINT_HEIGHT, rel=0.01)
    assert "exclusion error" in reader.pages[0].extract_text()


def test_desil_chart_export(snapshot, renderer):
    fig = report.desil_print(snapshot, "13.01")
    svg = ET.fromstring(renderer.render(fig, "svg").data)
    text = " ".join(svg.itertext())
    assert "Sebaran keluarga P3KE menurut desil: Contoh" in text
    assert "4 (80,0%)" in text  # Kab. Contoh: 4 of 5 families in desil 1
    assert report.desil_file(snapshot, "13.01", "png") == "grafik-desil_contoh_2023-08-22.png"


def test_view_table_csv_ranks_regions_with_every_indicator(snapshot):
    frame, columns, lines = report.view_table(snapshot, AGAM_LIKE)
    assert list(frame["nama"]) == ["Gamma", "Alpha", "Beta", "Nagari Epsilon"]  # rank 1, then ties by code
    data = exports.csv_bytes(frame, columns)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    rows = data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Peringkat (KK D1 non-DTKS),Kode,Nagari/desa,Kecamatan,Kab/kota,")
    assert rows[1].startswith("1,13.01.02.2001,Gamma,Dua,Contoh,1,1,")
    assert "Sumber: P3KE" in lines[1]


@pytest.fixture(scope="module")
def deck(snapshot, renderer):
    plan = rakor.PlanRows(
        "Rencana Uji",
        "Rencana tersimpan uji.",
        [
            {
                "kode": "13.01.02.2001",
                "nama": "Gamma",
                "nama_kecamatan": "Dua",
                "nama_kabkota": "Contoh",
                "skor": 80.0,
                "kk_desil_1": 1,
                "kk_d1_non_dtks": 1,
                "tahun": 2024,
                "target_usul_dtks": 1,
                "target_terima_bansos": 0,
                "target_graduasi": 1,
            },
        ],
    )
    steps = []
    built = rakor.build(
        snapshot, "kk_d1_non_dtks", plan, renderer, lambda done, total, label: steps.append((done, total))
    )
    return built, steps


def test_deck_has_the_agreed_slides_in_both_files(deck, snapshot):
    built, steps = deck
    n_kabkota = len(snapshot.table("kabkota"))
    expected = 1 + 1 + 1 + n_kabkota + 1  # title, province map, plan table, each kab/kota, method
    prs = Presentation(io.BytesIO(built.pptx))
    assert len(prs.slides) == expected == 6
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles == [
        "Penanggulangan Kemiskinan Ekstrem Provinsi Sumatera Barat",
        "KK desil 1 belum masuk DTKS (exclusion error) per kab/kota",
        "Nagari prioritas dan target",
        "Contoh",
        "Kota Contoh",
        "Metodologi dan sumber data",
    ]
    map_slides = [s for s, kind in zip(prs.slides, [x.kind for x in built.slides]) if kind in ("peta", "kabkota")]
    assert len(map_slides) == 1 + n_kabkota
    for slide in map_slides:
        pictures = [sh for sh in slide.shapes if sh.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == 1
        assert Image.open(io.BytesIO(pictures[0].image.blob)).size == (int(rakor.MAP_W * 200), int(rakor.MAP_H * 200))
    table_texts = [
        cell.text for sh in prs.slides[2].shapes if sh.has_table for row in sh.table.rows for cell in row.cells
    ]
    assert "Gamma" in table_texts and "80,0" in table_texts
    contoh = " ".join(sh.text_frame.text for sh in prs.slides[3].shapes if sh.has_text_frame)
    assert "4 KK" in contoh and "25,0% dari KK desil 1" in contoh  # 1 of 4 desil-1 families outside DTKS

    pdf = PdfReader(io.BytesIO(built.pdf))
    assert len(pdf.pages) == expected
    assert "Penanggulangan Kemiskinan Ekstrem" in pdf.pages[0].extract_text()
    assert "Gamma" in pdf.pages[2].extract_text()
    assert "Kota Contoh" in pdf.pages[4].extract_text() and "Metodologi" in pdf.pages[5].extract_text()
    assert built.stem == "paket-rakor_kk-d1-non-dtks_2023-08-22"
    assert steps[-1][0] == steps[-1][1] and [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_saved_decks_are_served_only_by_their_token_to_the_account_that_built_them(deck, tmp_path):
    built, _ = deck
    token, files = rakor.save_deck(built, tmp_path, "kadis.uji")
    assert [name for name, _ in files] == [f"{built.stem}.pptx", f"{built.stem}.pdf"]
    assert rakor.deck_file(tmp_path, token, f"{built.stem}.pdf", "kadis.uji").read_bytes() == built.pdf
    # The link passed on to another account, or used with no account, opens nothing.
    assert rakor.deck_file(tmp_path, token, f"{built.stem}.pdf", "op.kota") is None
    assert rakor.deck_file(tmp_path, token, f"{built.stem}.pdf") is None
    assert rakor.deck_file(tmp_path, token, "../x.pdf", "kadis.uji") is None
    assert rakor.deck_file(tmp_path, token, rakor.OWNER_FILE, "kadis.uji") is None
    assert rakor.deck_file(tmp_path, "../" + token, f"{built.stem}.pdf", "kadis.uji") is None
    assert rakor.deck_file(tmp_path, "tidakada", f"{built.stem}.pdf", "kadis.uji") is None


def _lines_on_page(page) -> list[tuple[float, float, str]]:
    """(baseline y, font size, text) of each piece of text on a PDF page, top first."""
    parts = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            y = tm[5] * cm[3] + cm[5]
            parts.append((round(y, 1), round(abs(size * tm[3] * cm[3]) or size, 1), text.strip()))

    page.extract_text(visitor_text=visit)
    return sorted(parts, key=lambda p: -p[0])


def test_the_longest_titles_stay_on_one_line_in_libreoffice(snapshot, renderer, tmp_path):
    # The indicator with the longest label makes the longest slide titles of a deck.
    longest = max(indicators.INDICATORS, key=lambda i: len(i.label))
    built = rakor.build(snapshot, longest.id, rakor.automatic_plan(snapshot, 2024), renderer)
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is required to check the deck as LibreOffice shows it (.ci/run installs it)")
    pptx = tmp_path / "paket.pptx"
    pptx.write_bytes(built.pptx)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(pptx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = PdfReader(tmp_path / "paket.pdf").pages
    assert len(pages) == len(built.slides)
    checked = 0
    for page, slide in zip(pages, built.slides):
        if slide.kind == "judul":
            continue
        parts = _lines_on_page(page)
        title_words = set(slide.title.split())
        subtitle_y = next(y for y, _, text in parts if slide.subtitle.split()[0] in text.split())
        # Title text from the top of the slide down to the subtitle's line (a wrapped title
        # would run onto it); lower down, words like "KK desil 1" are the key facts'.
        title_lines = {y for y, _, text in parts if set(text.split()) <= title_words and y > subtitle_y - 30}
        assert len(title_lines) == 1, (slide.title, sorted(title_lines))  # one line
        assert min(title_lines) > subtitle_y + 14, slide.title  # above the subtitle, not on it
        checked += 1
    assert checked == len(built.slides) - 1
    assert any(longest.label in s.title for s in built.slides)
