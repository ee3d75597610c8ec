"""The map's first frame, drawn by the server as SVG and shown until the interactive map is ready.

The interactive map (plotly + MapLibre, WebGL) needs plotly.js (1.4 MB compressed) and
then about a second more in a browser without a GPU, as on an old laptop at a rakor. The
first frame is the same map as a picture: the same regions, classes, colours and view,
so the map is on screen as soon as the page is, and the interactive map takes its place
without a visible jump (assets/kantong/peta.css hides the frame once assets/kantong/peta.js
has fitted the interactive map).

The view is the one MapLibre fits (peta.js): the regions' bounding box in Web Mercator,
centred in the map with PADDING pixels around it. The picture has no fixed size: it is
scaled into the map's box, inset by the same padding, by the browser.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from kantong import figures
from kantong.geometry import mercator_y

PADDING = 12  # px around the regions: the same as assets/kantong/peta.js
# Vertices per degree kept: about two per pixel on a 1920-pixel-wide projector.
VERTICES_ACROSS = 4000
BORDER_WIDTH = 0.6  # px, as the interactive map's white borders
DOT = figures.MARKER_SIZE  # px, a nagari drawn at an approximate point
RING = figures.MARKER_SIZE + 4
# Line widths in screen pixels whatever the scale (not inherited, so on every path).
FIXED_WIDTH = 'vector-effect="non-scaling-stroke"'


def decimals_for(bbox: list[float]) -> int:
    """Decimals of a degree that keep about two vertices per pixel across the view."""
    span = max(bbox[2] - bbox[0], 1e-6)
    return int(min(max(math.ceil(math.log10(VERTICES_ACROSS / span)), 2), 5))


def _view_box(bbox: list[float]) -> tuple[float, float, float, float]:
    west, south, east, north = bbox
    top, bottom = float(mercator_y(north)), float(mercator_y(south))
    width, height = max(east - west, 1e-6), max(top - bottom, 1e-6)
    return west, -top, width, height


def _dots(points: pd.DataFrame, colours: list[str], width: float) -> str:
    """Round dots of `width` pixels whatever the scale: zero-length lines with round caps."""
    parts = []
    for colour in dict.fromkeys(colours):
        chosen = [i for i, c in enumerate(colours) if c == colour]
        d = "".join(f"M{points['lon'].iat[i]:.5f},{-float(mercator_y(points['lat'].iat[i])):.5f}h0" for i in chosen)
        parts.append(f'<path d="{d}" stroke="{colour}" stroke-width="{width}" {FIXED_WIDTH}/>')
    return "".join(parts)


def preview_svg(
    frame: pd.DataFrame,
    classes: figures.Classes,
    paths: dict[str, str],
    decimals: int,
    title: str,
    outline: list[str] | None = None,
) -> str | None:
    """The map of a view (report.view_classes) as one SVG document, or None when nothing
    in it has a polygon. `paths` are the level's region paths in units of 10**-decimals
    degree (Snapshot.compact_paths); `outline` the regions outlined as chosen, as on the
    interactive map."""
    bbox = figures.bounding_box(frame)
    if bbox is None:
        return None
    x, y, w, h = _view_box(bbox)
    # One path per colour: a region's own attributes would be most of the file.
    by_colour: dict[str, list[str]] = {}
    for kode, kelas in zip(frame["kode"], classes.kelas):
        path = paths.get(kode)
        if path is not None:
            by_colour.setdefault(figures.class_colour(int(kelas), classes), []).append(path)
    if not by_colour:
        return None
    # Paths are in (lon, northing) units; the picture's y runs down.
    unit = 10.0**-decimals
    regions = "".join(
        f'<path fill="{colour}" d="{"".join(paths)}" {FIXED_WIDTH}/>' for colour, paths in by_colour.items()
    )
    chosen = [paths[k] for k in outline or [] if k in paths]
    lines = "".join(
        f'<path fill="none" stroke="{line["color"]}" stroke-width="{line["width"]}" d="{"".join(chosen)}" {FIXED_WIDTH}/>'
        for line in figures.OUTLINE_LINES
        if chosen
    )
    mask = figures.approximate_mask(frame)
    points = frame[mask]
    markers = ""
    if len(points):
        picked = set(outline or [])
        rings = [figures.CHOSEN_COLOUR if k in picked else figures.HALO_COLOUR for k in points["kode"]]
        fills = [figures.class_colour(int(k), classes) for k in classes.kelas[mask]]
        markers = _dots(points, rings, RING) + _dots(points, fills, DOT)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x:.5f} {y:.5f} {w:.5f} {h:.5f}" '
        f'preserveAspectRatio="xMidYMid meet" role="img"><title>{escape(title)}</title>'
        f'<g transform="scale({unit:g},{-unit:g})" stroke="{figures.BORDER_COLOUR}" stroke-width="{BORDER_WIDTH}" '
        f'stroke-linejoin="round" fill-rule="evenodd">{regions}{lines}</g>'
        f'<g fill="none" stroke-linecap="round">{markers}</g></svg>'
    )
