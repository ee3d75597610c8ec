"""The comparison map: how one indicator changed between two releases, per region, on a
diverging scale centred on zero. Pure builders (no Dash), for the page and for print.

The scale is symmetric: the classes on the falling side mirror those on the rising side,
their bounds the thirds of the size of the changes (whichever their sign), so a fall and a
rise of the same size always share a shade. Neither side is called better: a fall of
families in desil 1 and a fall of bansos coverage look alike, and the legend says "turun"
and "naik". The palette is ColorBrewer's BrBG (brown falls, teal rises), safe for colour
blindness. Two neutral greys keep apart what has no change to read: small numbers
(etl.compare's `kecil`: fewer than 5 families) and regions not compared (split or merged
boundaries, or a region in one release only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from etl import indicators
from kantong import figures, fmt
from kantong.comparisons import SMALL_NOTE, change_unit
from kantong.geometry import extent, mercator_y

# BrBG, lightest to darkest on each side; the middle is no change.
TURUN = ("#f6e8c3", "#d8b365", "#8c510a")
NAIK = ("#c7eae5", "#5ab4ac", "#01665e")
TETAP_COLOUR = "#f7f7f7"
KECIL_COLOUR = "#d4d4d4"  # small numbers: lighter than any shade that carries a change
TIDAK_COLOUR = "#8f8f8f"  # not compared: darker than the small numbers, no hue
# Grey borders: a region with no change is near-white on the white map.
BORDER_COLOUR = "#b0b0b0"
SIDE_CLASSES = 3
# Which shades a side uses when it has fewer than three classes (never the palest alone:
# it would hardly differ from no change).
_PICK = {1: (1,), 2: (1, 2), 3: (0, 1, 2)}
KECIL_LABEL = "angka kecil (< 5)"
TIDAK_LABEL = "tidak dapat dibandingkan"
TIDAK_NOTE = "Tidak dapat dibandingkan: pemekaran, batas berubah, hanya di satu rilis, atau tanpa nilai."
KELAS_TIDAK = -2
KELAS_KECIL = -1


@dataclass(frozen=True)
class ChangeScale:
    """The classes of one indicator's changes over the regions of a view.

    `kelas` per region: KELAS_TIDAK, KELAS_KECIL, or 0..2k where k = len(batas) and class k
    is no change; classes below k fell, above k rose. `batas` are the upper bounds of the
    rising classes; the falling classes are bounded by the same values below zero."""

    kelas: np.ndarray
    batas: list[float]
    warna: list[str]  # per diverging class, the largest fall first
    jumlah: list[int]  # regions per diverging class
    kecil: int
    tidak: int
    langkah: float  # the smallest step shown: 1 for counts, 0.1 for rates

    @property
    def k(self) -> int:
        return len(self.batas)

    @property
    def rentang(self) -> tuple[float, float]:
        """The range the colours span: symmetric around zero."""
        top = self.batas[-1] if self.batas else 0.0
        return -top, top

    @property
    def bounds(self) -> list[float]:
        """Every class bound, the largest fall first: -b_k … -b_1, 0, b_1 … b_k."""
        return [-b for b in reversed(self.batas)] + [0.0] + list(self.batas)


def change_scale(change: pd.Series, comparable: pd.Series, small: pd.Series, ind: indicators.Indicator) -> ChangeScale:
    """Classes of the changes as the map shows them (rates to 0.1 point): the thirds of
    their size, on both sides of zero alike. A comparable region on small numbers is
    KELAS_KECIL (also a rate with no denominator on one side); a region not comparable, or
    with no value, KELAS_TIDAK."""
    v = change.to_numpy(dtype="float64")
    same = comparable.to_numpy(dtype=bool)
    few = small.to_numpy(dtype=bool) & same
    valid = same & ~few & ~np.isnan(v)
    step = 10.0**-ind.desimal
    shown = np.round(v, ind.desimal)
    sizes = np.abs(shown[valid])
    sizes = sizes[sizes > 0]
    if len(sizes):
        thirds = np.quantile(sizes, [1 / 3, 2 / 3, 1.0])
        # Bounds as the legend shows them: up to a whole count, or to the 0.1 point above.
        bounds = np.unique(np.round(np.ceil(np.round(thirds / step, 6)) * step, ind.desimal))
    else:
        bounds = np.array([])
    k = len(bounds)
    kelas = np.where(few, KELAS_KECIL, KELAS_TIDAK)
    magnitude = np.minimum(np.searchsorted(bounds, np.abs(shown[valid]), side="left"), max(k - 1, 0))
    sign = np.sign(shown[valid]).astype(int)
    kelas[valid] = np.where(sign == 0, k, k + sign * (magnitude + 1))
    pick = _PICK.get(k, ())
    colours = [TURUN[i] for i in reversed(pick)] + [TETAP_COLOUR] + [NAIK[i] for i in pick]
    return ChangeScale(
        kelas=kelas,
        batas=[float(b) for b in bounds],
        warna=colours,
        jumlah=[int((kelas == i).sum()) for i in range(2 * k + 1)],
        kecil=int((kelas == KELAS_KECIL).sum()),
        tidak=int((kelas == KELAS_TIDAK).sum()),
        langkah=step,
    )


def class_colour(kelas: int, scale: ChangeScale) -> str:
    if kelas == KELAS_TIDAK:
        return TIDAK_COLOUR
    if kelas == KELAS_KECIL:
        return KECIL_COLOUR
    return scale.warna[kelas]


def _number(value: float, ind: indicators.Indicator) -> str:
    return fmt.angka(value, ind.desimal)


def signed(value, ind: indicators.Indicator) -> str:
    """A change with its sign: +12, −3,5 (a true minus sign), 0."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    shown = round(float(value), ind.desimal)
    if shown == 0:
        return _number(0.0, ind)
    return ("+" if shown > 0 else "−") + _number(abs(shown), ind)


def legend_rows(scale: ChangeScale, ind: indicators.Indicator) -> list[tuple[str, str, int]]:
    """(colour, label, count) per legend entry: the largest fall first, then no change, the
    rises, small numbers and regions not compared."""
    k = scale.k
    rows = []
    for i, (colour, n) in enumerate(zip(scale.warna, scale.jumlah)):
        if i == k:
            rows.append((colour, f"tidak berubah ({_number(0.0, ind)})", n))
            continue
        side = abs(i - k) - 1  # 0 nearest zero
        lower = scale.langkah if side == 0 else scale.batas[side - 1] + scale.langkah
        upper = scale.batas[side]
        lo, hi = _number(lower, ind), _number(upper, ind)
        span = hi if lo == hi else f"{lo} – {hi}"
        rows.append((colour, f"{'turun' if i < k else 'naik'} {span}", n))
    if scale.kecil:
        rows.append((KECIL_COLOUR, KECIL_LABEL, scale.kecil))
    if scale.tidak:
        rows.append((TIDAK_COLOUR, TIDAK_LABEL, scale.tidak))
    return rows


def legend_title(ind: indicators.Indicator) -> str:
    return f"Perubahan {ind.label_pendek} ({change_unit(ind)}), rilis B − rilis A"


LEGEND_NOTE = "Coklat: turun; hijau kebiruan: naik. Warna tidak menilai baik atau buruk."


def legend_notes(scale: ChangeScale) -> list[str]:
    """What the legend says under its rows."""
    notes = [LEGEND_NOTE]
    if scale.kecil:
        notes.append(f"Angka kecil: {SMALL_NOTE}.")
    if scale.tidak:
        notes.append(TIDAK_NOTE)
    return notes


# ----------------------------------------------------------------------------- the frame


PLACE_COLUMNS = (
    "lon",
    "lat",
    "bbox_barat",
    "bbox_selatan",
    "bbox_timur",
    "bbox_utara",
    "punya_poligon",
    "lokasi_perkiraan",
)


def map_frame(changes: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """The regions of a view (kantong.comparisons.region_changes) with where release B draws
    them (its level table: label point, bounding box, polygon or approximate point). A region
    B does not have (in release A only) has no place and is not drawn."""
    kept = [c for c in PLACE_COLUMNS if c in places.columns]
    where = places.set_index("kode")[kept] if "kode" in places.columns else places[kept]
    out = changes.join(where, on="kode")
    out["di_peta"] = out["kode"].isin(where.index)
    out["punya_poligon"] = out["punya_poligon"].astype("boolean").fillna(False).astype(bool)
    if "lokasi_perkiraan" not in out:
        out["lokasi_perkiraan"] = False
    out["lokasi_perkiraan"] = out["lokasi_perkiraan"].astype("boolean").fillna(False).astype(bool)
    return out


def scale_for(frame: pd.DataFrame, ind: indicators.Indicator) -> ChangeScale:
    return change_scale(frame["perubahan"], frame["sebanding"], frame["kecil"], ind)


def hover_texts(frame: pd.DataFrame, ind: indicators.Indicator, names: tuple[str, str]) -> list[str]:
    """Per region: its name and parents, the value in A and in B, the change, and why a
    change is not read (small numbers, not compared)."""
    unit = change_unit(ind)
    out = []
    for r in frame.itertuples():
        parents = [p for p in (getattr(r, "nama_kecamatan", ""), getattr(r, "nama_kabkota", "")) if p]
        line = f"<b>{r.nama}</b>"
        if parents:
            line += "<br>" + (f"Kec. {parents[0]}, {parents[1]}" if len(parents) == 2 else parents[0])
        line += f"<br>Rilis A ({names[0]}): {fmt.nilai(ind, r.nilai_a)}"
        line += f"<br>Rilis B ({names[1]}): {fmt.nilai(ind, r.nilai_b)}"
        if not r.sebanding:
            line += f"<br><i>tidak dapat dibandingkan: {r.status_label}</i>"
        elif r.kecil:
            if not np.isnan(r.perubahan):
                line += f"<br>Perubahan: {signed(r.perubahan, ind)} {unit}"
            line += f"<br><i>{KECIL_LABEL}: perubahan tidak dibaca</i>"
        elif np.isnan(r.perubahan):
            line += "<br><i>tidak dapat dibandingkan: tanpa nilai</i>"
        else:
            line += f"<br><b>Perubahan: {signed(r.perubahan, ind)} {unit}</b>"
        if not r.punya_poligon and r.lokasi_perkiraan:
            line += f"<br><i>{figures.APPROXIMATE_NOTE}</i>"
        out.append(line)
    return out


def _stepped(colours: list[str]) -> list:
    n = len(colours)
    scale = []
    for i, c in enumerate(colours):
        scale += [[i / n, c], [(i + 1) / n, c]]
    return scale


def map_colours(scale: ChangeScale) -> list[str]:
    """The colour scale's entries, indexed by z = kelas + 2."""
    return [TIDAK_COLOUR, KECIL_COLOUR] + scale.warna


def change_map(
    frame: pd.DataFrame,
    scale: ChangeScale,
    ind: indicators.Indicator,
    geojson: str | dict,
    names: tuple[str, str],
    uirevision: str | None = None,
) -> go.Figure:
    """The comparison map of one view: Choroplethmap on a white background with no tiles
    (offline), its geometry by URL (release B's scoped boundary route) or given; nagari
    without a polygon as dots at their approximate point, like the main map."""
    colours = map_colours(scale)
    z = (scale.kelas + 2).tolist()
    texts = hover_texts(frame, ind, names)
    trace = go.Choroplethmap(
        geojson=geojson,
        featureidkey="properties.kode",
        locations=frame["kode"].tolist(),
        z=z,
        zmin=-0.5,
        zmax=len(colours) - 0.5,
        colorscale=_stepped(colours),
        showscale=False,
        text=texts,
        hovertemplate="%{text}<extra></extra>",
        marker={"line": {"width": 0.6, "color": BORDER_COLOUR}, "opacity": 1},
        name="",
    )
    fig = go.Figure(trace)
    mask = figures.approximate_mask(frame) & ~frame["punya_poligon"].to_numpy(dtype=bool)
    if mask.any():
        points = frame[mask]
        lon, lat = points["lon"].astype(float).tolist(), points["lat"].astype(float).tolist()
        fig.add_trace(
            go.Scattermap(
                lon=lon,
                lat=lat,
                mode="markers",
                marker={"size": figures.MARKER_SIZE + 4, "color": figures.HALO_COLOUR, "allowoverlap": True},
                hoverinfo="skip",
                name="cincin",
            )
        )
        fig.add_trace(
            go.Scattermap(
                lon=lon,
                lat=lat,
                mode="markers",
                marker={
                    "size": figures.MARKER_SIZE,
                    "color": [class_colour(int(k), scale) for k in scale.kelas[mask]],
                    "allowoverlap": True,
                },
                text=[t for t, m in zip(texts, mask) if m],
                hovertemplate="%{text}<extra></extra>",
                name="titik perkiraan",
            )
        )
    drawn = frame[frame["di_peta"]] if "di_peta" in frame else frame
    fig.update_layout(
        map={"style": "white-bg", "fitbounds": False, **figures.map_view_box(drawn, 560, 480)},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        separators=fmt.PLOTLY_SEPARATORS,
        font={"family": figures.FONT, "size": 13},
        hoverlabel={"font": {"family": figures.FONT, "size": 13}, "bgcolor": "#ffffff"},
        paper_bgcolor="#ffffff",
        showlegend=False,
        uirevision=uirevision,
        meta={"bbox": figures.bounding_box(drawn), "rentang": list(scale.rentang)},
    )
    return fig


# ----------------------------------------------------------------------------- print


def print_change_map(
    frame: pd.DataFrame,
    scale: ChangeScale,
    ind: indicators.Indicator,
    outlines: dict,
    text: figures.PrintText,
    context: list | None = None,
    width: int = figures.PRINT_WIDTH,
    height: int = figures.PRINT_HEIGHT,
) -> go.Figure:
    """The comparison map drawn as vector paths with its legend, for PNG, SVG and PDF: the
    same classes and colours as on screen (kantong.figures.print_map_figure's frame)."""
    top, bottom = figures.print_margins(text, width)
    plot_height = height - top - bottom
    map_share = 0.66
    shapes = []
    if context:
        shapes.append(_path_shape("".join(o.path for o in context), figures.CONTEXT_COLOUR, "#c8c8c8"))
    by_colour: dict[str, list[str]] = {}
    drawn = []
    for kode, kelas in zip(frame["kode"], scale.kelas):
        o = outlines.get(kode)
        if o is not None:
            drawn.append(o)
            by_colour.setdefault(class_colour(int(kelas), scale), []).append(o.path)
    for colour, paths in by_colour.items():
        shapes.append(_path_shape("".join(paths), colour, BORDER_COLOUR))
    mask = figures.approximate_mask(frame) & ~frame["punya_poligon"].to_numpy(dtype=bool)
    points = frame[mask]
    ys = mercator_y(points["lat"].astype(float).to_numpy()) if len(points) else np.array([])
    box = extent(drawn) or (95.0, -11.0, 141.0, 6.0)
    if len(points):
        xs = points["lon"].astype(float).to_numpy()
        box = (min(box[0], xs.min()), min(box[1], ys.min()), max(box[2], xs.max()), max(box[3], ys.max()))
    west, south, east, north = box
    pad_x, pad_y = (east - west) * 0.03 + 1e-3, (north - south) * 0.03 + 1e-3
    traces = []
    if len(points):
        traces.append(
            go.Scatter(
                x=points["lon"].astype(float),
                y=ys,
                mode="markers",
                marker={
                    "size": 10,
                    "color": [class_colour(int(k), scale) for k in scale.kelas[mask]],
                    "line": {"color": figures.HALO_COLOUR, "width": 1.5},
                },
                hoverinfo="skip",
                cliponaxis=False,
            )
        )
    annotations = _print_legend(scale, ind, map_share + 0.03, 24 / plot_height, shapes, len(points))
    fig = go.Figure(traces)
    fig.update_layout(
        width=width,
        height=height,
        shapes=shapes,
        annotations=annotations,
        margin={"l": 12, "r": 12, "t": top, "b": bottom},
        xaxis={"domain": [0, map_share], "range": [west - pad_x, east + pad_x], "visible": False, "fixedrange": True},
        yaxis={"range": [south - pad_y, north + pad_y], "visible": False, "scaleanchor": "x", "scaleratio": 1},
        paper_bgcolor="#ffffff",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        font={"family": figures.FONT, "size": 12, "color": figures.TEXT_COLOUR},
        separators=fmt.PLOTLY_SEPARATORS,
    )
    figures.frame_text(fig, text, width, height, top, bottom)
    return fig


def _path_shape(path: str, fill: str, line: str) -> dict:
    # One path per colour: regions never overlap, so the even-odd rule keeps holes empty.
    return {
        "type": "path",
        "path": path,
        "xref": "x",
        "yref": "y",
        "fillrule": "evenodd",
        "fillcolor": fill,
        "line": {"color": line, "width": 0.6},
        "layer": "below",
    }


def _print_legend(
    scale: ChangeScale, ind: indicators.Indicator, x0: float, row: float, shapes: list, approximate: int
) -> list[dict]:
    """The legend right of the printed map (paper coordinates); its swatches go into `shapes`."""
    annotations = [
        {
            "x": x0,
            "y": 1.0,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "top",
            "text": "<b>" + "<br>".join(_wrap(legend_title(ind), 40)) + "</b>",
            "showarrow": False,
            "align": "left",
            "font": {"size": 13, "color": figures.TEXT_COLOUR},
        }
    ]
    y = 1.0 - 2.4 * row
    for colour, label, n in legend_rows(scale, ind):
        lines = _wrap(label, 44)
        shapes.append(figures.legend_swatch(x0, y, row, colour))
        label_text = "<br>".join(lines[:-1] + [f"{lines[-1]}  {figures.muted_count(n)}"])
        annotations.append(figures.legend_label(x0 + 0.04, y - 0.4 * row, label_text))
        y -= row * len(lines)
    notes = legend_notes(scale) + ["Angka dalam kurung: jumlah wilayah."]
    if approximate:
        notes.append(f"Titik: {figures.APPROXIMATE_NOTE}.")
    annotations.append(
        {
            "x": x0,
            "y": y - 0.4 * row,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "top",
            "text": "<br>".join(line for note in notes for line in _wrap(note, 52)),
            "showarrow": False,
            "align": "left",
            "font": {"size": 10, "color": figures.MUTED_COLOUR},
        }
    )
    return annotations


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]
