"""Region outlines as SVG paths, for maps drawn as vector graphics (exports and slides).

The interactive map draws polygons with MapLibre (WebGL), whose image is a raster and
takes about a second to start in headless Chromium. A printed map is better as vector
paths: sharp at any size, small, and quick to render. Coordinates are projected to Web
Mercator (in degrees), so the printed map has the same shape as the one on screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def mercator_y(lat):
    """Web Mercator northing, in degrees (equal to latitude near the equator)."""
    lat = np.asarray(lat, dtype="float64")
    return np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))


@dataclass(frozen=True)
class Outline:
    path: str  # SVG path in (lon, mercator-y) data coordinates; holes as extra rings (even-odd)
    box: tuple[float, float, float, float]  # west, south, east, north (south/north projected)


def _rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


FINE = 4  # decimals of a degree: about 11 m, below a pixel on a printed kab/kota map
COARSE = 3  # about 110 m, below a pixel on a printed province map of every nagari


def outlines(geojson: dict, decimals: int = FINE) -> dict[str, Outline]:
    """kode -> outline of every feature with a polygon. Vertices are rounded to `decimals`
    and repeats dropped, so a province map does not carry detail no printer can show."""
    out = {}
    step = 10.0**-decimals
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry")
        if not geometry:
            continue
        parts = []
        west = south = math.inf
        east = north = -math.inf
        for ring in _rings(geometry):
            xy = np.asarray(ring, dtype="float64")
            x = np.round(xy[:, 0] / step) * step
            y = np.round(mercator_y(xy[:, 1]) / step) * step
            keep = np.ones(len(x), dtype=bool)
            keep[1:] = (np.diff(x) != 0) | (np.diff(y) != 0)
            x, y = x[keep], y[keep]
            if len(x) < 3:
                continue  # a sliver smaller than the rounding
            west, east = min(west, x.min()), max(east, x.max())
            south, north = min(south, y.min()), max(north, y.max())
            points = "L".join(f"{a:.{decimals}f},{b:.{decimals}f}" for a, b in zip(x, y))
            parts.append(f"M{points}Z")
        if parts:
            out[feature["properties"]["kode"]] = Outline("".join(parts), (west, south, east, north))
    return out


def compact_paths(geojson: dict, decimals: int) -> dict[str, str]:
    """kode -> SVG path of every feature with a polygon, in whole units of 10**-decimals
    degree (lon, Web Mercator northing) and relative steps after each ring's first vertex:
    about a third of the text of `outlines`, for a picture the browser scales itself.
    Rings smaller than a unit are dropped, as in `outlines`."""
    out = {}
    unit = 10.0**-decimals
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry")
        if not geometry:
            continue
        parts = []
        for ring in _rings(geometry):
            xy = np.asarray(ring, dtype="float64")
            x = np.round(xy[:, 0] / unit).astype(np.int64)
            y = np.round(mercator_y(xy[:, 1]) / unit).astype(np.int64)
            keep = np.ones(len(x), dtype=bool)
            keep[1:] = (np.diff(x) != 0) | (np.diff(y) != 0)
            x, y = x[keep], y[keep]
            if len(x) < 3:
                continue
            steps = np.column_stack([np.diff(x), np.diff(y)]).ravel()
            # "l" repeats: one command, then pairs; a minus sign separates numbers itself.
            text = " ".join(map(str, steps)).replace(" -", "-")
            parts.append(f"M{x[0]} {y[0]}l{text}z")
        if parts:
            out[feature["properties"]["kode"]] = "".join(parts)
    return out


def extent(items: list[Outline]) -> tuple[float, float, float, float] | None:
    if not items:
        return None
    boxes = np.array([o.box for o in items])
    return float(boxes[:, 0].min()), float(boxes[:, 1].min()), float(boxes[:, 2].max()), float(boxes[:, 3].max())
