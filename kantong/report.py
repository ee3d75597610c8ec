"""What a printed map, chart or table of a view contains: figure, texts, file name.

Shared by the download buttons and the Paket Rakor, so a map looks the same in a report,
on a slide and in the PDF.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from etl import config, indicators
from kantong import exports, figures, fmt, geometry, priority
from kantong.data import LEVEL_LABEL_SHORT, PLACE_COLUMNS, Snapshot, indicator_values, level_of
from kantong.view import CLASSIFICATIONS, View

SKOR = indicators.Indicator(
    "skor",
    "Skor prioritas",
    "Skor",
    "poin",
    "Prioritas",
    "Rata-rata berbobot indikator terpilih yang diskalakan 0–1, dikali 100.",
)


def wilayah_name(snapshot: Snapshot, kode: str) -> str:
    name = snapshot.name(kode)
    return f"Kecamatan {name}" if level_of(kode) == "kecamatan" else name


def publisher(snapshot: Snapshot) -> str:
    """The office that publishes what Kantong draws: the setting KANTONG_INSTANSI, or the
    social affairs office of the snapshot's province."""
    province = snapshot.provinsi
    return config.INSTANSI or (f"Dinas Sosial Provinsi {province['nama']}" if province is not None else "Kantong")


def source_line(snapshot: Snapshot) -> str:
    return (
        f"Sumber: P3KE (Kemenko PMK) dan DTKS (Kemensos), tanggal referensi {fmt.tanggal(snapshot.tanggal_referensi)}; "
        f"snapshot {snapshot.path.name}; diolah {publisher(snapshot)} (Kantong)."
    )


def map_text(snapshot: Snapshot, view: View) -> figures.PrintText:
    ind = indicators.get(view.indikator)
    nama_wilayah = wilayah_name(snapshot, view.wilayah)
    return figures.PrintText(
        title=f"{ind.label}: {nama_wilayah}",
        subtitle=f"Per {LEVEL_LABEL_SHORT[view.tingkat]} · kelas: {CLASSIFICATIONS[view.klasifikasi].lower()} · "
        f"data per {fmt.tanggal(snapshot.tanggal_referensi)}",
        source=source_line(snapshot),
    )


def outlines_for(snapshot: Snapshot, level: str, wilayah: str) -> dict:
    """Outlines detailed enough for the map's scale: coarser for every nagari of the province."""
    province_wide = level_of(wilayah) in ("nasional", "provinsi") and level not in ("provinsi", "kabkota")
    return snapshot.outlines(level, geometry.COARSE if province_wide else geometry.FINE)


def context_outlines(snapshot: Snapshot, view: View) -> list:
    """Regions around the wilayah, drawn in grey so a kab/kota map shows where it lies."""
    if level_of(view.wilayah) == "nasional" or view.wilayah == snapshot.akar["kode"]:
        return []
    level = {"provinsi": "provinsi", "kabkota": "kabkota"}.get(level_of(view.wilayah), "kecamatan")
    return [o for kode, o in snapshot.outlines(level).items() if kode != view.wilayah]


def view_classes(snapshot: Snapshot, view: View) -> tuple[pd.DataFrame, figures.Classes]:
    """The regions of a map view with their value and rank, and the classes they fall in:
    the same for the screen map, the printed map and the presentation."""
    frame = indicator_values(snapshot, view.tingkat, view.wilayah, view.indikator)
    classes = figures.classify(
        frame["nilai"],
        frame["kk_total"] > 0,
        indicators.get(view.indikator),
        view.klasifikasi,
        view.warna,
        too_few=frame["sedikit"],
        min_penyebut=config.MIN_PENYEBUT,
    )
    return frame, classes


def indicator_columns() -> list[exports.Column]:
    """Every catalogue indicator as a table column, with its unit in the header."""
    return [
        exports.Column(i.id, f"{i.label} ({i.satuan})", exports.PCT if i.is_rate else exports.INT)
        for i in indicators.CATALOGUE
    ]


def map_print(
    snapshot: Snapshot,
    view: View,
    text: figures.PrintText | None = None,
    highlight: list[str] | None = None,
    width: int = figures.PRINT_WIDTH,
    height: int = figures.PRINT_HEIGHT,
) -> go.Figure:
    """The printed map of a view; `text=None` gives the standard title, subtitle and source."""
    ind = indicators.get(view.indikator)
    frame, classes = view_classes(snapshot, view)
    # Nagari without a polygon are drawn as markers (the legend counts them); only those
    # without even an approximate point are missing from the map, and the source says so.
    missing = int(
        (~frame["punya_poligon"].astype(bool) & (frame["kk_total"] > 0) & ~figures.approximate_mask(frame)).sum()
    )
    text = text if text is not None else map_text(snapshot, view)
    if missing and text.source:
        text = figures.PrintText(
            text.title,
            text.subtitle,
            f"{fmt.angka(missing)} {LEVEL_LABEL_SHORT[view.tingkat]} berpenghuni tanpa poligon dan tanpa lokasi "
            f"perkiraan tidak tampil di peta (tetap dihitung). {text.source}",
        )
    return figures.print_map_figure(
        frame,
        classes,
        ind,
        outlines_for(snapshot, view.tingkat, view.wilayah),
        view.tingkat,
        text,
        context=context_outlines(snapshot, view),
        highlight=highlight,
        region_word=LEVEL_LABEL_SHORT[view.tingkat],
        width=width,
        height=height,
    )


def map_file(snapshot: Snapshot, view: View, ext: str) -> str:
    return exports.file_name(
        "peta", view.indikator, wilayah_name(snapshot, view.wilayah), snapshot.tanggal_referensi, ext=ext
    )


def desil_print(snapshot: Snapshot, kode: str) -> go.Figure:
    region = snapshot.region(kode)
    text = figures.PrintText(
        title=f"Sebaran keluarga P3KE menurut desil: {wilayah_name(snapshot, kode)}",
        subtitle=f"Jumlah KK per desil (desil 1 = miskin ekstrem) · data per {fmt.tanggal(snapshot.tanggal_referensi)}",
        source=source_line(snapshot),
    )
    return figures.print_chart(figures.desil_figure(region), text, height=380)


def desil_file(snapshot: Snapshot, kode: str, ext: str) -> str:
    return exports.file_name("grafik-desil", wilayah_name(snapshot, kode), snapshot.tanggal_referensi, ext=ext)


def region_columns(level: str, ranked_by: indicators.Indicator | None = None) -> list[exports.Column]:
    columns = []
    if ranked_by is not None:
        columns.append(exports.Column("peringkat", f"Peringkat ({ranked_by.label_pendek})", exports.INT))
    columns += [exports.Column("kode", "Kode"), exports.Column("nama", LEVEL_LABEL_SHORT[level].capitalize())]
    if level == "desa":
        columns.append(exports.Column("nama_kecamatan", "Kecamatan"))
    if level in ("desa", "kecamatan"):
        columns.append(exports.Column("nama_kabkota", "Kab/kota"))
    return columns + indicator_columns()


def view_table(snapshot: Snapshot, view: View) -> tuple[pd.DataFrame, list[exports.Column], list[str]]:
    """Every region of the map view with every indicator, ordered by the view's indicator."""
    ind = indicators.get(view.indikator)
    ranks = indicator_values(snapshot, view.tingkat, view.wilayah, view.indikator)["peringkat"]
    frame = snapshot.regions_in(view.wilayah, view.tingkat).copy()
    frame["peringkat"] = ranks
    frame = frame.sort_values(["peringkat", "kode"], na_position="last")
    lines = [
        f"{ind.label} per {LEVEL_LABEL_SHORT[view.tingkat]}: {wilayah_name(snapshot, view.wilayah)}",
        source_line(snapshot),
        "Persentase dihitung dari KK desil 1 (jiwa: dari jiwa desil 1); wilayah tanpa keluarga P3KE tidak diberi peringkat.",
    ]
    return frame, region_columns(view.tingkat, ind), lines


def table_file(snapshot: Snapshot, view: View, ext: str) -> str:
    return exports.file_name(
        "tabel",
        view.indikator,
        LEVEL_LABEL_SHORT[view.tingkat],
        wilayah_name(snapshot, view.wilayah),
        snapshot.tanggal_referensi,
        ext=ext,
    )


def score_map_frame(snapshot: Snapshot, scored: priority.Scored) -> tuple[pd.DataFrame, figures.Classes]:
    """The nagari with their priority score as the map value, classed in quantiles."""
    desa = snapshot.table("desa")
    frame = desa[["kode", "nama", "kk_total", "punya_poligon", *PLACE_COLUMNS]].copy()
    frame["nilai"] = scored.table["skor"]
    frame["peringkat"] = scored.table["peringkat"]
    classes = figures.classify(frame["nilai"], desa["kk_desil_1"] > 0, SKOR, "kuantil", "oranye")
    return frame, classes


def weights_text(weights: dict[str, float]) -> str:
    used = ", ".join(f"{indicators.get(k).label_pendek} ×{fmt.angka(v)}" for k, v in weights.items() if v)
    return used or "—"


def priority_map_print(
    snapshot: Snapshot, scored: priority.Scored, weights: dict[str, float], selected: list[str]
) -> go.Figure:
    frame, classes = score_map_frame(snapshot, scored)
    desa = snapshot.table("desa")
    chosen = [k for k in selected if k in desa.index]
    text = figures.PrintText(
        title=f"Skor prioritas nagari/desa: {snapshot.akar['nama']}",
        subtitle=f"Bobot: {weights_text(weights)} · {fmt.angka(len(chosen))} nagari terpilih · "
        f"data per {fmt.tanggal(snapshot.tanggal_referensi)}",
        source=source_line(snapshot),
    )
    return figures.print_map_figure(
        frame,
        classes,
        SKOR,
        outlines_for(snapshot, "desa", str(snapshot.akar["kode"])),
        "desa",
        text,
        highlight=chosen,
        region_word="nagari/desa",
    )


def contribution_print(snapshot: Snapshot, scored: priority.Scored, weights: dict[str, float], kode: str) -> go.Figure:
    text = figures.PrintText(
        title=f"Rincian skor prioritas: {snapshot.name(kode)}",
        subtitle=f"Skor {fmt.angka(scored.table.loc[kode, 'skor'], 1)}, peringkat {fmt.angka(int(scored.table.loc[kode, 'peringkat']))} "
        f"· bobot: {weights_text(weights)} · data per {fmt.tanggal(snapshot.tanggal_referensi)}",
        source=source_line(snapshot),
    )
    return figures.print_chart(figures.contribution_figure(contribution_parts(scored, kode)), text)


def contribution_parts(scored: priority.Scored, kode: str) -> list[tuple[str, float]]:
    """(indicator, score points) of each weighted indicator of a nagari."""
    row = scored.contributions.loc[kode]
    return [(indicators.get(c).label_pendek, float(v)) for c, v in row.items() if v > 0]


# ----------------------------------------------------------------------------- priority page


def score_map_figure(snapshot: Snapshot, scored: priority.Scored, selected: list[str], geojson) -> go.Figure:
    """The on-screen map of priority scores, the chosen nagari outlined."""
    frame, classes = score_map_frame(snapshot, scored)
    desa = snapshot.table("desa")
    return figures.map_figure(frame, classes, SKOR, geojson, outline=[k for k in selected if k in desa.index])


def score_map_values(snapshot: Snapshot, scored: priority.Scored) -> dict[int, dict]:
    """What changes on that map when the weights change, trace by trace: values, classes,
    colours of the polygons and of the markers of nagari without one."""
    frame, classes = score_map_frame(snapshot, scored)
    return {
        figures.VALUE_TRACE: figures.map_values(frame, classes, SKOR),
        figures.MARKER_TRACE: figures.marker_values(frame, classes, SKOR),
    }


RANKING_COLUMNS = [
    exports.Column("peringkat", "Peringkat", exports.INT),
    exports.Column("kode", "Kode"),
    exports.Column("nama", "Nagari/desa"),
    exports.Column("nama_kecamatan", "Kecamatan"),
    exports.Column("nama_kabkota", "Kab/kota"),
    exports.Column("skor", "Skor", exports.FLOAT),
    exports.Column("jenjang_prioritas", "Jenjang prioritas"),
] + indicator_columns()

PLAN_COLUMNS = [
    exports.Column("kode", "Kode"),
    exports.Column("nama", "Nagari/desa"),
    exports.Column("nama_kecamatan", "Kecamatan"),
    exports.Column("nama_kabkota", "Kab/kota"),
    exports.Column("skor", "Skor", exports.FLOAT),
    exports.Column("kk_desil_1", "KK desil 1", exports.INT),
    exports.Column("kk_d1_non_dtks", "KK desil 1 belum DTKS", exports.INT),
    exports.Column("tahun", "Tahun", exports.YEAR),
] + [exports.Column(t.field, t.label, exports.INT) for t in priority.TARGETS]
