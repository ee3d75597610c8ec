"""Pure figure builders shared by the app and the exports.

The map is split in two: `map_figure` carries what changes only with the level or the wilayah
(the region list, the static hover text, the geometry reference), `map_values` what
changes with the indicator or classification (class per region, value and rank for the
hover, colours). The app sends the second part alone when only the indicator changes.
"""

from __future__ import annotations

import textwrap
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from etl import indicators
from kantong import fmt
from kantong.geometry import extent, mercator_y
from kantong.view import PALETTES

K_CLASSES = 5
NO_FAMILY_COLOUR = "#b8b8b8"  # no P3KE family at all
NOT_APPLICABLE_COLOUR = "#ececec"  # families, but the rate has no denominator (no desil-1 family)
# A rate on too few families to compare: a pale green-grey that no sequential palette here uses.
TOO_FEW_COLOUR = "#d3e4d6"
BORDER_COLOUR = "#ffffff"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@dataclass(frozen=True)
class Classes:
    """Classification of one indicator over the regions of a view."""

    kelas: np.ndarray  # per region: -3 too few, -2 no family, -1 not applicable, 0..k-1 class
    batas: list[float]  # upper bound of each class
    bawah: float  # minimum value
    jumlah: list[int]  # regions per class
    warna: list[str]  # colour per class
    tanpa_keluarga: int
    tidak_berlaku: int
    terlalu_sedikit: int = 0
    min_penyebut: int = 0  # the threshold behind `terlalu_sedikit`, for the legend
    metode: str = ""  # kuantil, jenks or interval
    langkah: float = 1.0  # the smallest step the legend shows (1 for counts, 0.1 for rates)


def classify(
    values: pd.Series,
    has_family: pd.Series,
    ind: indicators.Indicator,
    method: str,
    palette: str,
    too_few: pd.Series | None = None,
    min_penyebut: int = 0,
) -> Classes:
    """Classes by quantiles, natural breaks (Fisher-Jenks) or equal intervals.

    Regions with no P3KE family, regions whose rate has no denominator, and regions whose
    rate rests on too few families (`too_few`) are kept out of the classification and get
    their own colours."""
    v = values.to_numpy(dtype="float64")
    fam = has_family.to_numpy(dtype=bool)
    few = np.zeros(len(v), dtype=bool) if too_few is None else too_few.to_numpy(dtype=bool) & fam
    valid = fam & ~np.isnan(v) & ~few
    kelas = np.where(few, -3, np.where(fam, -1, -2))
    step = 10.0**-ind.desimal
    extra = {"terlalu_sedikit": int(few.sum()), "min_penyebut": int(min_penyebut), "metode": method, "langkah": step}
    colours = list(PALETTES[palette][1])
    if ind.arah < 0:
        colours = colours[::-1]  # where more is better, the darkest colour still marks need
    # Classify values as the map shows them (rates to 0.1): a region shown as 6,1% is then
    # always in the class whose label includes 6,1%, and class labels never share an end.
    data = np.round(v[valid], ind.desimal)
    if len(data) == 0:
        return Classes(kelas, [], float("nan"), [], [], int((~fam).sum()), int((fam & ~valid & ~few).sum()), **extra)
    unique = np.unique(data)
    k = min(K_CLASSES, len(unique))
    with warnings.catch_warnings():
        # mapclassify warns when skewed counts give fewer distinct classes; merging them is intended.
        warnings.simplefilter("ignore", UserWarning)
        if k == 1:
            bins = np.array([unique[0]])
        elif method == "jenks":
            bins = mapclassify.FisherJenks(data, k=k).bins
        elif method == "interval":
            bins = mapclassify.EqualInterval(data, k=k).bins
        else:
            bins = mapclassify.Quantiles(data, k=k).bins
    bins = np.round(bins, ind.desimal) if ind.is_rate else np.floor(bins)  # bounds as the legend shows them
    bins = np.unique(bins)  # quantiles of skewed counts repeat; one class per distinct bound
    idx = np.minimum(np.searchsorted(bins, data, side="left"), len(bins) - 1)
    kelas = kelas.copy()
    kelas[valid] = idx
    # Spread the palette over the classes actually used, lightest to darkest.
    pick = np.linspace(0, len(colours) - 1, len(bins)).round().astype(int) if len(bins) > 1 else [len(colours) // 2]
    return Classes(
        kelas=kelas,
        batas=[float(b) for b in bins],
        bawah=float(data.min()),
        jumlah=[int((idx == i).sum()) for i in range(len(bins))],
        warna=[colours[i] for i in pick],
        tanpa_keluarga=int((~fam).sum()),
        tidak_berlaku=int((fam & ~valid & ~few).sum()),
        **extra,
    )


def legend_rows(classes: Classes, ind: indicators.Indicator) -> list[tuple[str, str, int]]:
    """(colour, label, count) for each legend entry, in Indonesian number format."""
    rows = []
    lower = classes.bawah
    for i, (upper, colour, n) in enumerate(zip(classes.batas, classes.warna, classes.jumlah)):
        # Values are classed as shown (whole counts, rates to 0,1): after "5 – 10" comes
        # "11 – 29", and after "0,0%" comes "0,1% – 20,0%", never a shared end.
        start = lower if i == 0 else lower + classes.langkah
        lo = fmt.nilai_pendek(ind, start)
        hi = fmt.nilai_pendek(ind, upper)
        rows.append((colour, hi if lo == hi else f"{lo} – {hi}", n))
        lower = upper
    if classes.terlalu_sedikit:
        basis = indicators.get(ind.penyebut).label_pendek if ind.is_rate else ""
        rows.append(
            (
                TOO_FEW_COLOUR,
                f"Terlalu sedikit (di bawah {fmt.angka(classes.min_penyebut)} {basis})".replace(" )", ")"),
                classes.terlalu_sedikit,
            )
        )
    if classes.tidak_berlaku:
        rows.append((NOT_APPLICABLE_COLOUR, "Tidak berlaku (tidak ada KK desil 1)", classes.tidak_berlaku))
    if classes.tanpa_keluarga:
        rows.append((NO_FAMILY_COLOUR, "Tidak ada keluarga P3KE", classes.tanpa_keluarga))
    return rows


METHOD_LABEL = {"kuantil": "kuantil", "jenks": "natural breaks", "interval": "interval sama"}


def class_warning(classes: Classes) -> str | None:
    """A note beside the legend when the classes hide more than they show: an empty class,
    or equal intervals on skewed values that put most regions in one class."""
    total = sum(classes.jumlah)
    if not total or len(classes.jumlah) < 2:
        return None
    empty = sum(1 for n in classes.jumlah if n == 0)
    largest = max(classes.jumlah)
    if not empty and not (classes.metode == "interval" and largest > 0.5 * total):
        return None
    parts = []
    if empty:
        parts.append(f"{fmt.angka(empty)} kelas kosong")
    if largest > 0.5 * total:
        parts.append(
            f"{fmt.angka(largest)} dari {fmt.angka(total)} wilayah ({fmt.persen(100 * largest / total)}) di satu kelas"
        )
    others = [METHOD_LABEL[m] for m in ("kuantil", "jenks") if m != classes.metode]
    return (
        "Kelas tidak seimbang: " + " dan ".join(parts) + f" ({METHOD_LABEL.get(classes.metode, classes.metode)}). "
        f"Coba klasifikasi {' atau '.join(others)}."
    )


def _colorscale(classes: Classes) -> tuple[list, float, float]:
    """A stepped colour scale over z = class index, with the three special classes below 0."""
    colours = [TOO_FEW_COLOUR, NO_FAMILY_COLOUR, NOT_APPLICABLE_COLOUR] + (classes.warna or ["#ffffff"])
    n = len(colours)
    scale = []
    for i, c in enumerate(colours):
        scale += [[i / n, c], [(i + 1) / n, c]]
    return scale, -3.5, n - 3.5


def map_values(frame: pd.DataFrame, classes: Classes, ind: indicators.Indicator) -> dict:
    """The per-indicator part of the map trace (what changes when the indicator changes)."""
    scale, zmin, zmax = _colorscale(classes)
    value = frame["nilai"].to_numpy(dtype="float64")
    rank = frame["peringkat"].astype("float64").to_numpy()
    decimals = ind.desimal
    customdata = np.column_stack([np.round(value, decimals), rank])
    customdata = [[None if np.isnan(x) else (int(x) if decimals == 0 else float(x)) for x in row] for row in customdata]
    for row, note in zip(customdata, _too_few_notes(frame, ind)):
        row.append(note)
    ranked = int(np.sum(~np.isnan(rank)))
    unit = "%" if ind.is_rate else f" {ind.satuan}"
    return {
        "z": classes.kelas.tolist(),
        "zmin": zmin,
        "zmax": zmax,
        "colorscale": scale,
        "customdata": customdata,
        "hovertemplate": (
            "%{text}<br><b>"
            + ind.label_pendek
            + ": %{customdata[0]:"
            + fmt.d3_format(ind)
            + "}"
            + unit
            + "</b>%{customdata[2]}<br>Peringkat %{customdata[1]} dari "
            + fmt.angka(ranked)
            + "<extra></extra>"
        ),
    }


def _too_few_notes(frame: pd.DataFrame, ind: indicators.Indicator) -> list[str]:
    """Hover notes for rates that rest on too few families to be compared."""
    if "sedikit" not in frame or not ind.is_rate:
        return [""] * len(frame)
    basis = indicators.get(ind.penyebut)
    return [
        f"<br><i>terlalu sedikit untuk dibandingkan ({fmt.nilai(basis, n)})</i>" if few else ""
        for few, n in zip(frame["sedikit"], frame[ind.penyebut])
    ]


def hover_text(frame: pd.DataFrame) -> list[str]:
    """Name and parent regions of each region (static for a view)."""
    out = []
    for row in frame.itertuples():
        parents = [
            p for p in (getattr(row, "nama_kecamatan", None), getattr(row, "nama_kabkota", None)) if isinstance(p, str)
        ]
        line = f"<b>{row.nama}</b>"
        if parents:
            line += "<br>" + (f"Kec. {parents[0]}, {parents[1]}" if len(parents) == 2 else parents[0])
        if not row.punya_poligon:
            line += "<br><i>tanpa poligon</i>"
        out.append(line)
    return out


def bounding_box(frame: pd.DataFrame) -> list[float] | None:
    """[west, south, east, north] of the regions' polygons."""
    boxes = (
        frame[["bbox_barat", "bbox_selatan", "bbox_timur", "bbox_utara"]].dropna() if "bbox_barat" in frame else None
    )
    if boxes is None or boxes.empty:
        return None
    return [
        float(boxes["bbox_barat"].min()),
        float(boxes["bbox_selatan"].min()),
        float(boxes["bbox_timur"].max()),
        float(boxes["bbox_utara"].max()),
    ]


def map_view_box(frame: pd.DataFrame, width: int = 600, height: int = 460) -> dict:
    """Centre and zoom that fit the regions in a map of about this size.

    Computed here because the map fetches its geometry by URL, so plotly cannot fit the
    view to it before drawing; in the app, assets/kantong/peta.js then fits the view to
    the map's real size (layout.meta.bbox)."""
    box = bounding_box(frame)
    if box is None:
        return {"center": {"lon": 118.0, "lat": -2.5}, "zoom": 3.2}  # nothing drawn: all of Indonesia
    west, south, east, north = box

    def merc(lat: float) -> float:
        return float(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))

    lon_span = max(east - west, 1e-4)
    y_span = max(merc(north) - merc(south), 1e-6)
    zoom_x = np.log2(360.0 * width / (512.0 * lon_span))
    zoom_y = np.log2(2 * np.pi * height / (512.0 * y_span))
    centre_y = (merc(north) + merc(south)) / 2
    centre_lat = float(np.degrees(2 * np.arctan(np.exp(centre_y)) - np.pi / 2))
    return {
        "center": {"lon": round((west + east) / 2, 5), "lat": round(centre_lat, 5)},
        "zoom": round(float(min(zoom_x, zoom_y)) - 0.15, 2),
    }


# The traces of a map, in drawing order. The chosen regions' outline is two lines, a wide
# white one under a black one, so it shows on the palest and on the darkest class alike.
# Nagari without a polygon are drawn as markers at an approximate point inside their
# kecamatan (etl.boundaries.approximate_points): a ring (black and wider when the nagari is
# chosen) under a dot in the nagari's class colour.
VALUE_TRACE = 0
OUTLINE_TRACES = (1, 2)  # white under, black over
HALO_TRACE = 3
MARKER_TRACE = 4
OUTLINE_LINES = ({"width": 6, "color": "#ffffff"}, {"width": 2.5, "color": "#111111"})
MARKER_SIZE = 11
HALO_COLOUR = "#4a4a4a"
CHOSEN_COLOUR = "#111111"
APPROXIMATE_NOTE = "lokasi perkiraan: tanpa poligon, titik di dalam kecamatannya"


def approximate_mask(frame: pd.DataFrame) -> np.ndarray:
    """Regions of a view drawn as markers: no polygon, but an approximate point."""
    if "lokasi_perkiraan" not in frame or "lon" not in frame:
        return np.zeros(len(frame), dtype=bool)
    return (frame["lokasi_perkiraan"].fillna(False).astype(bool) & frame["lon"].notna()).to_numpy()


def marker_values(frame: pd.DataFrame, classes: Classes, ind: indicators.Indicator) -> dict:
    """The per-indicator part of the marker trace: the same classes and colours as the
    polygons, the same hover, and the code last in customdata (what a click opens)."""
    mask = approximate_mask(frame)
    values = map_values(frame, classes, ind)
    customdata = [row + [kode] for row, kode, m in zip(values["customdata"], frame["kode"], mask) if m]
    scale, zmin, zmax = values["colorscale"], values["zmin"], values["zmax"]
    return {
        "marker": {
            "color": classes.kelas[mask].tolist(),
            "colorscale": scale,
            "cmin": zmin,
            "cmax": zmax,
            "size": MARKER_SIZE,
            "opacity": 1,
            "allowoverlap": True,
        },
        "customdata": customdata,
        "hovertemplate": values["hovertemplate"].replace("<extra>", f"<br><i>{APPROXIMATE_NOTE}</i><extra>"),
    }


def halo_marker(codes: list[str], outline: list[str]) -> dict:
    """The rings under the markers: black and wider for the chosen (outlined) nagari."""
    chosen = set(outline or [])
    return {
        "color": [CHOSEN_COLOUR if k in chosen else HALO_COLOUR for k in codes],
        "size": [MARKER_SIZE + 9 if k in chosen else MARKER_SIZE + 4 for k in codes],
        "opacity": 1,
        "allowoverlap": True,
    }


def clicked_code(click: dict | None) -> str | None:
    """The region a click on a map opens: a polygon's location, or a marker's code (last
    in its customdata); None for anything else (the outline, the rings)."""
    point = ((click or {}).get("points") or [{}])[0]
    curve = point.get("curveNumber", VALUE_TRACE)
    if curve == VALUE_TRACE:
        return point.get("location") or None
    if curve == MARKER_TRACE:
        return (point.get("customdata") or [None])[-1] or None
    return None


def outline_updates(outline: list[str], marker_codes: list[str]) -> dict[int, dict]:
    """What changes, trace by trace, when other regions are outlined (chosen): apply to a
    figure's data or to a Patch of it (`set_outline`)."""
    outline = list(outline or [])
    updates = {i: {"locations": outline, "z": [0] * len(outline)} for i in OUTLINE_TRACES}
    updates[HALO_TRACE] = {"marker": halo_marker(marker_codes, outline)}
    return updates


def set_outline(data, outline: list[str], marker_codes: list[str]) -> None:
    """Outline these regions on a figure's data: a list of trace dicts, or a Patch's data."""
    for i, props in outline_updates(outline, marker_codes).items():
        if isinstance(data, list):
            data[i] = {**data[i], **props}
        else:
            for key, value in props.items():
                data[i][key] = value


def marker_codes(frame: pd.DataFrame) -> list[str]:
    return frame.loc[approximate_mask(frame), "kode"].tolist()


def _marker_traces(frame: pd.DataFrame, classes: Classes, ind: indicators.Indicator, outline: list[str]) -> list:
    mask = approximate_mask(frame)
    points = frame[mask]
    codes = points["kode"].tolist()
    lon, lat = points["lon"].astype(float).tolist(), points["lat"].astype(float).tolist()
    halo = go.Scattermap(
        lon=lon, lat=lat, ids=codes, mode="markers", marker=halo_marker(codes, outline), hoverinfo="skip", name="cincin"
    )
    dots = go.Scattermap(
        lon=lon,
        lat=lat,
        ids=codes,
        mode="markers",
        text=[t for t, m in zip(hover_text(frame), mask) if m],
        name="titik perkiraan",
        **marker_values(frame, classes, ind),
    )
    return [halo, dots]


def map_figure(
    frame: pd.DataFrame,
    classes: Classes,
    ind: indicators.Indicator,
    geojson: str | dict,
    height: int | None = None,
    title: str | None = None,
    outline: list[str] | None = None,
    border: str = BORDER_COLOUR,
) -> go.Figure:
    """The choropleth of one view. `geojson` is a URL (the browser fetches and caches it
    once per level) or the GeoJSON itself (for server-side export)."""
    trace = go.Choroplethmap(
        geojson=geojson,
        featureidkey="properties.kode",
        locations=frame["kode"].tolist(),
        text=hover_text(frame),
        marker={"line": {"width": 0.6 if border == BORDER_COLOUR else 1.0, "color": border}, "opacity": 1},
        showscale=False,
        name="",
        **map_values(frame, classes, ind),
    )
    fig = go.Figure(trace)
    # The selection outline (possibly empty) has fixed places, so the app can update it in place.
    outline = outline or []
    for i, line in zip(OUTLINE_TRACES, OUTLINE_LINES):
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                featureidkey="properties.kode",
                locations=outline,
                z=[0] * len(outline),
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker={"line": line},
                hoverinfo="skip",
                name=f"pilihan-{i}",
            )
        )
    fig.add_traces(_marker_traces(frame, classes, ind, outline))
    fig.update_layout(
        map={"style": "white-bg", "fitbounds": False, **map_view_box(frame)},
        margin={"l": 0, "r": 0, "t": 40 if title else 0, "b": 0},
        separators=fmt.PLOTLY_SEPARATORS,
        font={"family": FONT, "size": 13},
        hoverlabel={"font": {"family": FONT, "size": 13}, "bgcolor": "#ffffff"},
        paper_bgcolor="#ffffff",
        showlegend=False,
        height=height,
        title={"text": title, "x": 0.01} if title else None,
        meta={"bbox": bounding_box(frame)},
    )
    return fig


def desil_figure(region: pd.Series) -> go.Figure:
    """Families per desil (desil 1 = extreme poor), as horizontal bars."""
    labels = ["Desil 1", "Desil 2", "Desil 3", "Desil 4"]
    values = [int(region[f"kk_desil_{i}"]) for i in range(1, 5)]
    total = sum(values) or 1
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker={"color": ["#bd0026", "#f03b20", "#fd8d3c", "#fecc5c"]},
            text=[f"{fmt.angka(v)} ({fmt.persen(100 * v / total)})" for v in values],
            textposition="auto",
            hovertemplate="%{y}: %{x:,.0f} KK<extra></extra>",
        )
    )
    fig.update_layout(
        height=170,
        margin={"l": 0, "r": 10, "t": 5, "b": 5},
        separators=fmt.PLOTLY_SEPARATORS,
        font={"family": FONT, "size": 12},
        yaxis={"autorange": "reversed"},
        xaxis={"visible": False},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
    )
    return fig


def contribution_figure(parts: list[tuple[str, float]]) -> go.Figure:
    """How many score points each weighted indicator gives a nagari (bars add up to the score)."""
    parts = sorted(parts, key=lambda p: p[1])
    fig = go.Figure(
        go.Bar(
            x=[round(v, 1) for _, v in parts],
            y=[label for label, _ in parts],
            orientation="h",
            marker={"color": "#f03b20"},
            text=[fmt.angka(v, 1) for _, v in parts],
            textposition="auto",
            hovertemplate="%{y}: %{x:,.1f} poin<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(120, 28 * len(parts) + 30),
        margin={"l": 0, "r": 10, "t": 5, "b": 5},
        separators=fmt.PLOTLY_SEPARATORS,
        font={"family": FONT, "size": 12},
        xaxis={"visible": False},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
    )
    return fig


# --- printed figures (exports, slides) ------------------------------------------------

PRINT_WIDTH = 1200  # logical pixels; PNG exports are rendered at scale 2
PRINT_HEIGHT = 800
CONTEXT_COLOUR = "#f3f3f3"  # regions around the wilayah shown, for orientation
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#666666"
LABELLED_TOP = 5  # nagari/kecamatan maps name the five regions ranked highest


@dataclass(frozen=True)
class PrintText:
    """What a printed figure says about itself."""

    title: str | None = None
    subtitle: str | None = None
    source: str | None = None


def class_colour(kelas: int, classes: Classes) -> str:
    if kelas == -3:
        return TOO_FEW_COLOUR
    if kelas == -2:
        return NO_FAMILY_COLOUR
    if kelas == -1:
        return NOT_APPLICABLE_COLOUR
    return classes.warna[kelas]


def _short_name(nama: str) -> str:
    return nama.removeprefix("Kabupaten ")


def frame_text(fig: go.Figure, text: PrintText, width: int, height: int, top: int, bottom: int) -> None:
    """Title, subtitle and source line in the same places on every printed figure."""
    if text.title:
        fig.update_layout(
            title={
                "text": f"<b>{text.title}</b>",
                "x": 0.012,
                "xanchor": "left",
                "y": 1 - 14 / height,
                "yanchor": "top",
                "font": {"size": 22, "color": TEXT_COLOUR},
                "subtitle": {"text": text.subtitle or "", "font": {"size": 15, "color": MUTED_COLOUR}},
            }
        )
    if text.source:
        fig.add_annotation(
            text="<br>".join(_source_lines(text.source, width)),
            xref="paper",
            yref="paper",
            x=0,
            y=-(bottom - 8) / (height - top - bottom),
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            font={"size": 11, "color": MUTED_COLOUR},
        )


def _source_lines(source: str, width: int) -> list[str]:
    # Annotations do not wrap; about 6.5 px per character of 11 px text.
    return textwrap.wrap(source, width=max(40, int(width / 6.5)))


def print_margins(text: PrintText, width: int = PRINT_WIDTH) -> tuple[int, int]:
    top = (78 if text.subtitle else 52) if text.title else 12
    bottom = 24 + 15 * len(_source_lines(text.source, width)) if text.source else 12
    return top, bottom


LABEL_CHAR_PX = 6.4  # width of a character of 11 px label text
LABEL_HEIGHT_PX = 16
NUMBER_RADIUS_PX = 9


def _overlaps(box: tuple, taken: list[tuple]) -> bool:
    return any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken)


def _place_labels(frame: pd.DataFrame, outlines: dict, level: str, per_px: float, approx: pd.DataFrame):
    """Names on a printed map, none covering another: every kab/kota on a province map,
    otherwise the LABELLED_TOP regions ranked highest, in rank order. A region too small
    for its name, or whose name would cover one already placed, gets a numbered circle
    instead (its rank, or a running number on a province map), listed beside the map.
    Returns the label annotations and the numbered circles (number, x, y, kode, name)."""
    if "lon" not in frame or "lat" not in frame:
        return [], []
    if level == "kabkota":
        candidates = frame.sort_values("kode")
    else:
        candidates = frame.dropna(subset=["peringkat"]).sort_values(["peringkat", "kode"]).head(LABELLED_TOP)
    annotations, numbered, taken = [], [], []
    running = 0
    for r in candidates.itertuples():
        ranked = level != "kabkota"
        name = _short_name(str(r.nama)) if not ranked else str(r.nama)
        if pd.isna(r.lon) or pd.isna(r.lat):
            if ranked:  # not on the map at all: still listed, without a circle
                numbered.append((int(r.peringkat), None, None, r.kode, name))
            continue
        x, y = float(r.lon), float(mercator_y(r.lat))
        text = f"{int(r.peringkat)}. {name}" if ranked else name
        w = (len(text) * LABEL_CHAR_PX + 6) * per_px
        h = LABEL_HEIGHT_PX * per_px
        o = outlines.get(r.kode)
        room = (o.box[2] - o.box[0]) if o is not None else 0.0
        box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        if room >= 0.9 * w and not _overlaps(box, taken):
            taken.append(box)
            annotations.append(
                {
                    "x": x,
                    "y": y,
                    "xref": "x",
                    "yref": "y",
                    "text": text,
                    "showarrow": False,
                    "font": {"size": 11, "color": TEXT_COLOUR},
                    "bgcolor": "rgba(255,255,255,0.78)",
                    "borderpad": 1,
                }
            )
            continue
        running += 1
        number = int(r.peringkat) if ranked else running
        rad = (NUMBER_RADIUS_PX + 1) * per_px
        step = 2.1 * rad
        offsets = [(0, 0)] + [
            (dx * step, dy * step)
            for dx, dy in (
                (1, 0),
                (-1, 0),
                (0, 1),
                (0, -1),
                (1, 1),
                (-1, 1),
                (1, -1),
                (-1, -1),
                (2, 0),
                (-2, 0),
                (0, 2),
                (0, -2),
            )
        ]
        for dx, dy in offsets:
            spot = (x + dx - rad, y + dy - rad, x + dx + rad, y + dy + rad)
            if not _overlaps(spot, taken):
                break
        taken.append(spot)
        numbered.append((number, (spot[0] + spot[2]) / 2, (spot[1] + spot[3]) / 2, r.kode, name))
    return annotations, numbered


def numbered_list(frame: pd.DataFrame, numbered: list, ind: indicators.Indicator) -> list[str]:
    """The lines beside a printed map that name its numbered circles."""
    values = frame.set_index("kode")["nilai"] if "nilai" in frame else pd.Series(dtype="float64")
    lines = []
    for number, x, _, kode, name in sorted(numbered, key=lambda n: n[0]):
        value = values.get(kode)
        shown = "" if value is None or pd.isna(value) else f": {fmt.nilai_pendek(ind, value)}"
        where = "" if x is not None else " (tidak tampil di peta)"
        lines.append(f"{number}. {name}{shown}{where}")
    return lines


def legend_swatch(x0: float, y: float, row: float, colour: str, line: dict | None = None) -> dict:
    """A printed legend row's colour box (paper coordinates), left of its label."""
    return {
        "type": "rect",
        "xref": "paper",
        "yref": "paper",
        "x0": x0,
        "x1": x0 + 0.03,
        "y0": y - 0.75 * row,
        "y1": y - 0.05 * row,
        "fillcolor": colour,
        "line": line or {"color": "#999999", "width": 0.5},
    }


def legend_label(x: float, y: float, text: str) -> dict:
    """A label beside a legend swatch on a printed map (paper coordinates)."""
    return {
        "x": x,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "middle",
        "text": text,
        "showarrow": False,
        "align": "left",
        "font": {"size": 12, "color": TEXT_COLOUR},
    }


def muted_count(n: int) -> str:
    return f"<span style='color:{MUTED_COLOUR}'>({fmt.angka(n)})</span>"


def _print_markers(frame, classes: Classes, approx: pd.DataFrame, approx_y, highlight) -> list:
    """Nagari without a polygon on a printed map: a dot in the class colour, ringed black
    and larger when chosen."""
    if not len(approx):
        return []
    chosen = set(highlight or [])
    colours = [class_colour(int(k), classes) for k in classes.kelas[approximate_mask(frame)]]
    return [
        go.Scatter(
            x=approx["lon"].astype(float),
            y=approx_y,
            mode="markers",
            marker={
                "color": colours,
                "size": [13 if k in chosen else 10 for k in approx["kode"]],
                "line": {
                    "color": [CHOSEN_COLOUR if k in chosen else HALO_COLOUR for k in approx["kode"]],
                    "width": [3 if k in chosen else 1.5 for k in approx["kode"]],
                },
            },
            hoverinfo="skip",
            cliponaxis=False,
        )
    ]


def _number_circles(numbered: list) -> list:
    return [
        go.Scatter(
            x=[x],
            y=[y],
            mode="markers+text",
            marker={"size": 2 * NUMBER_RADIUS_PX - 1, "color": "#ffffff", "line": {"color": TEXT_COLOUR, "width": 1.2}},
            text=[str(number)],
            textfont={"size": 10, "color": TEXT_COLOUR},
            textposition="middle center",
            hoverinfo="skip",
            cliponaxis=False,
        )
        for number, x, y, _, _ in numbered
        if x is not None  # listed only: the region is not on the map
    ]


def print_map_figure(
    frame: pd.DataFrame,
    classes: Classes,
    ind: indicators.Indicator,
    outlines: dict,
    level: str,
    text: PrintText = PrintText(),
    context: list | None = None,
    highlight: list[str] | None = None,
    region_word: str = "wilayah",
    width: int = PRINT_WIDTH,
    height: int = PRINT_HEIGHT,
) -> go.Figure:
    """A choropleth drawn as vector paths, with its legend, for print and slides.

    `outlines` maps kode -> kantong.geometry.Outline; `context` are outlines drawn in
    grey around the wilayah; `highlight` are regions outlined in black (chosen nagari)."""
    top, bottom = print_margins(text, width)
    plot_height = height - top - bottom
    map_share = 0.70
    # One path per colour, not per region: a browser draws seven long paths far faster than
    # a thousand short ones. Regions never overlap, so the even-odd rule still leaves each
    # hole empty and fills an enclave inside it.
    shapes = []
    if context:
        shapes.append(
            {
                "type": "path",
                "path": "".join(o.path for o in context),
                "xref": "x",
                "yref": "y",
                "fillrule": "evenodd",
                "fillcolor": CONTEXT_COLOUR,
                "line": {"color": "#c8c8c8", "width": 0.6},
                "layer": "below",
            }
        )
    drawn = []
    by_colour: dict[str, list[str]] = {}
    for kode, kelas in zip(frame["kode"], classes.kelas):
        o = outlines.get(kode)
        if o is None:
            continue
        drawn.append(o)
        by_colour.setdefault(class_colour(int(kelas), classes), []).append(o.path)
    for colour, paths in by_colour.items():
        shapes.append(
            {
                "type": "path",
                "path": "".join(paths),
                "xref": "x",
                "yref": "y",
                "fillrule": "evenodd",
                "fillcolor": colour,
                "line": {"color": BORDER_COLOUR, "width": 0.7},
                "layer": "below",  # under the markers and numbered circles (traces)
            }
        )
    for kode in highlight or []:
        o = outlines.get(kode)
        if o is not None:
            # White under black: the outline shows on the palest and the darkest class.
            for line in OUTLINE_LINES:
                shapes.append(
                    {
                        "type": "path",
                        "path": o.path,
                        "xref": "x",
                        "yref": "y",
                        "fillrule": "evenodd",
                        "fillcolor": "rgba(0,0,0,0)",
                        "line": {**line, "width": line["width"] * 0.8},
                        "layer": "below",
                    }
                )
    approx = frame[approximate_mask(frame)]
    approx_y = mercator_y(approx["lat"].astype(float).to_numpy()) if len(approx) else np.array([])
    box = extent(drawn) or (95.0, -11.0, 141.0, 6.0)  # nothing drawn: all of Indonesia
    if len(approx):
        lon = approx["lon"].astype(float)
        box = (
            (
                min(box[0], lon.min()),
                min(box[1], approx_y.min()),
                max(box[2], lon.max()),
                max(box[3], approx_y.max()),
            )
            if drawn
            else (lon.min() - 0.05, approx_y.min() - 0.05, lon.max() + 0.05, approx_y.max() + 0.05)
        )
    west, south, east, north = box
    pad_x, pad_y = (east - west) * 0.03 + 1e-3, (north - south) * 0.03 + 1e-3
    # Data units per pixel: the axes share one scale (scaleanchor), set by the tighter side.
    plot_width = (width - 24) * map_share
    per_px = max((east - west + 2 * pad_x) / plot_width, (north - south + 2 * pad_y) / plot_height)

    traces = _print_markers(frame, classes, approx, approx_y, highlight)
    annotations, numbered = _place_labels(frame, outlines, level, per_px, approx)
    traces += _number_circles(numbered)

    # The legend, to the right of the map, in paper coordinates.
    row = 24 / plot_height
    x0 = map_share + 0.03
    y = 1.0
    annotations.append(
        {
            "x": x0,
            "y": y,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "top",
            "text": f"<b>{ind.label_pendek}</b> ({ind.satuan})",
            "showarrow": False,
            "align": "left",
            "font": {"size": 13, "color": TEXT_COLOUR},
        }
    )
    y -= 1.6 * row
    for colour, label, n in legend_rows(classes, ind):
        shapes.append(legend_swatch(x0, y, row, colour))
        annotations.append(legend_label(x0 + 0.04, y - 0.4 * row, f"{label}  {muted_count(n)}"))
        y -= row
    annotations.append(
        {
            "x": x0,
            "y": y - 0.3 * row,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "top",
            "text": f"Angka dalam kurung: jumlah {region_word}",
            "showarrow": False,
            "font": {"size": 10, "color": MUTED_COLOUR},
        }
    )
    if len(approx):
        y -= 1.5 * row
        traces.append(
            go.Scatter(
                x=[x0 + 0.015],
                y=[y - 0.4 * row],
                xaxis="x2",
                yaxis="y2",
                mode="markers",
                marker={"size": 10, "color": "#ffffff", "line": {"color": HALO_COLOUR, "width": 1.5}},
                hoverinfo="skip",
                cliponaxis=False,
            )
        )
        annotations.append(
            legend_label(x0 + 0.04, y - 0.4 * row, f"Titik: tanpa poligon, lokasi perkiraan {muted_count(len(approx))}")
        )
    if highlight:
        y -= 1.5 * row
        shapes.append(legend_swatch(x0, y, row, "rgba(0,0,0,0)", {"color": "#111111", "width": 2.5}))
        annotations.append(legend_label(x0 + 0.04, y - 0.4 * row, "Nagari prioritas terpilih"))

    warning = class_warning(classes)
    listed = numbered_list(frame, numbered, ind)
    lines = (["<b>Nomor di peta</b>"] + listed if listed else []) + (
        ["<i>" + "<br>".join(textwrap.wrap(warning, 44)) + "</i>"] if warning else []
    )
    if lines:
        annotations.append(
            {
                "x": x0,
                "y": y - 1.4 * row,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "top",
                "text": "<br>".join(lines),
                "showarrow": False,
                "align": "left",
                "font": {"size": 11, "color": TEXT_COLOUR},
            }
        )

    fig = go.Figure(traces)
    fig.update_layout(
        width=width,
        height=height,
        shapes=shapes,
        annotations=annotations,
        margin={"l": 12, "r": 12, "t": top, "b": bottom},
        xaxis={"domain": [0, map_share], "range": [west - pad_x, east + pad_x], "visible": False, "fixedrange": True},
        yaxis={"range": [south - pad_y, north + pad_y], "visible": False, "scaleanchor": "x", "scaleratio": 1},
        # The legend's marker swatch, in paper-like coordinates of its own.
        xaxis2={"domain": [0, 1], "range": [0, 1], "visible": False, "fixedrange": True},
        yaxis2={"domain": [0, 1], "range": [0, 1], "visible": False, "fixedrange": True, "anchor": "x2"},
        paper_bgcolor="#ffffff",
        plot_bgcolor="rgba(0,0,0,0)",  # the legend's overlaid axes must not paint over the map
        showlegend=False,
        font={"family": FONT, "size": 12, "color": TEXT_COLOUR},
        separators=fmt.PLOTLY_SEPARATORS,
    )
    frame_text(fig, text, width, height, top, bottom)
    return fig


def print_chart(fig: go.Figure, text: PrintText, width: int = 1000, height: int | None = None) -> go.Figure:
    """An app chart dressed for print: title, subtitle, source line, fixed size."""
    out = go.Figure(fig)
    top, bottom = print_margins(text, width)
    inner = out.layout.height or 300
    height = height or inner + top + bottom + 20
    out.update_layout(
        width=width,
        height=height,
        margin={"l": 20, "r": 30, "t": top, "b": bottom},
        font={"size": 14},
        paper_bgcolor="#ffffff",
    )
    frame_text(out, text, width, height, top, bottom)
    return out
