"""Boundary polygons: read any OGR source, detect code/name columns, repair, simplify for the web.

Web simplification works on the whole coverage at once (GEOS coverage clean + simplify), so
neighbouring nagari keep sharing exactly the same border: no gaps or slivers appear between
them, however far the lines are simplified.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from etl.errors import InputError

LEVELS = ("provinsi", "kabkota", "kecamatan", "desa")
DIGITS = {2: "provinsi", 4: "kabkota", 6: "kecamatan", 10: "desa"}
OGR_SUFFIXES = {".geojson", ".json", ".shp", ".gpkg", ".zip", ".fgb", ".gml", ".kml"}

CODE_CANDIDATES = {
    "desa": ("kode", "kode_desa", "KDEPUM", "kd_desa", "KODE"),
    "kecamatan": ("kode", "kode_kecamatan", "KDCPUM", "kd_kec", "KODE"),
    "kabkota": ("kode", "kode_kabkota", "KDPKAB", "kd_kab", "KODE"),
}
NAME_CANDIDATES = {
    "desa": ("nama", "nama_desa", "WADMKD", "NAMOBJ", "NAMA"),
    "kecamatan": ("nama", "nama_kecamatan", "WADMKC", "NAMOBJ", "NAMA"),
    "kabkota": ("nama", "nama_kabkota", "WADMKK", "NAMOBJ", "NAMA"),
}
PARENT_NAME_COLUMNS = {"nama_kecamatan": "WADMKC", "nama_kabkota": "WADMKK"}

WEB_PRECISION = 1e-5  # degrees, about 1 m: finer than any boundary source is accurate
WEB_TOLERANCE = 0.001  # degrees, about 110 m: invisible at the scale of a nagari map
GAP_WIDTH = 0.0005  # slivers narrower than about 55 m between neighbours are closed


def normalise_code(value: object) -> str | None:
    """Kemendagri code in dotted form ('13.06.01.2001'), from dotted or plain digits."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = re.sub(r"[\s'\"]", "", str(value))
    if re.fullmatch(r"\d+(\.\d+)*", text) is None:
        return None
    digits = text.replace(".", "")
    if "." in text:
        parts = text.split(".")
        if [len(p) for p in parts] not in ([2], [2, 2], [2, 2, 2], [2, 2, 2, 4]):
            return None
    if len(digits) not in DIGITS:
        return None
    cuts = [2, 4, 6, 10][: [2, 4, 6, 10].index(len(digits)) + 1]
    out, start = [], 0
    for end in cuts:
        out.append(digits[start:end])
        start = end
    return ".".join(out)


def level_of(code: str) -> str:
    return DIGITS[len(code.replace(".", ""))]


@dataclass
class BoundaryLayer:
    level: str
    frame: gpd.GeoDataFrame  # kode, nama, geometry (+ parent names where the source has them)
    source: str
    code_column: str
    name_column: str | None
    repaired: int = 0
    dissolved: bool = False
    notes: list[str] = field(default_factory=list)


def _ogr_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(str(path), "berkas atau folder batas wilayah tidak ditemukan")
    return sorted(p for p in path.iterdir() if p.suffix.lower() in OGR_SUFFIXES and not p.name.startswith("."))


def _detect_code_column(frame: pd.DataFrame, explicit: str | None, source: str) -> tuple[str, str]:
    columns = [c for c in frame.columns if c != "geometry"]
    if explicit:
        if explicit not in frame.columns:
            raise InputError(source, "kolom kode yang diminta tidak ada", kolom=explicit)
        order = [explicit]
    else:
        preferred = [c for names in CODE_CANDIDATES.values() for c in names]
        order = [c for c in dict.fromkeys(preferred) if c in columns] + [c for c in columns if c not in preferred]
    for col in order:
        codes = frame[col].map(normalise_code)
        ok = codes.notna()
        if len(frame) and ok.mean() >= 0.9:
            levels = codes[ok].map(level_of)
            return col, levels.mode().iloc[0]
    raise InputError(source, "kolom kode wilayah Kemendagri tidak ditemukan (mis. 'kode' atau 'KDEPUM')")


def _detect_name_column(frame: pd.DataFrame, level: str, explicit: str | None) -> str | None:
    if explicit and explicit in frame.columns:
        return explicit
    return next((c for c in NAME_CANDIDATES[level] if c in frame.columns), None)


def repair(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    invalid = ~shapely.is_valid(geoms)
    fixed = geoms.copy()
    if invalid.any():
        fixed[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    return fixed, int(invalid.sum())


def read_boundaries(path: str | Path, code_column: str | None = None, name_column: str | None = None) -> dict[str, BoundaryLayer]:
    """Every layer found under `path`, keyed by level; kecamatan and kab/kota are dissolved
    from desa when the source has no layer of their own."""
    path = Path(path)
    layers: dict[str, BoundaryLayer] = {}
    for file in _ogr_files(path):
        try:
            names = [row[0] for row in pyogrio.list_layers(file)]
        except Exception as err:  # pyogrio raises DataSourceError subclasses
            raise InputError(file.name, f"bukan berkas batas wilayah yang dapat dibaca ({err})") from err
        for layer_name in names:
            frame = gpd.read_file(file, layer=layer_name, engine="pyogrio")
            source = f"{file.name}" + (f":{layer_name}" if len(names) > 1 else "")
            if frame.empty:
                continue
            col, level = _detect_code_column(frame, code_column, source)
            if level not in ("desa", "kecamatan", "kabkota"):
                continue
            ncol = _detect_name_column(frame, level, name_column)
            if frame.crs is None:
                frame = frame.set_crs(4326)
            elif frame.crs.to_epsg() != 4326:
                frame = frame.to_crs(4326)
            out = gpd.GeoDataFrame(
                {
                    "kode": frame[col].map(normalise_code),
                    "nama": frame[ncol].astype("string").str.strip() if ncol else pd.Series(pd.NA, index=frame.index, dtype="string"),
                },
                geometry=frame.geometry.values,
                crs=4326,
            )
            for parent, src_col in PARENT_NAME_COLUMNS.items():
                if level == "desa" and src_col in frame.columns:
                    out[parent] = frame[src_col].astype("string").str.strip()
            notes = []
            bad = out["kode"].isna() | out.geometry.isna() | out.geometry.is_empty
            if bad.any():
                notes.append(f"{int(bad.sum())} fitur tanpa kode atau geometri dilewati")
            out = out[~bad]
            dup = out["kode"].duplicated(keep=False)
            if dup.any():
                # One region drawn as several features: merge them rather than drop any.
                notes.append(f"{int(out.loc[dup, 'kode'].nunique())} kode dengan beberapa fitur digabung")
                out = out.dissolve(by="kode", aggfunc="first", as_index=False)
            geoms, repaired = repair(out.geometry.values)
            out = out.set_geometry(geoms)
            if level in layers:
                prev = layers[level]
                merged = pd.concat([prev.frame, out[~out["kode"].isin(prev.frame["kode"])]], ignore_index=True)
                prev.frame = gpd.GeoDataFrame(merged, geometry="geometry", crs=4326)
                prev.source += f", {source}"
                prev.repaired += repaired
                prev.notes += notes
            else:
                layers[level] = BoundaryLayer(level, out.reset_index(drop=True), source, col, ncol, repaired, notes=notes)
    if "desa" not in layers:
        raise InputError(str(path), "lapisan batas desa/nagari/kelurahan (kode 10 digit) tidak ditemukan")
    desa = layers["desa"].frame
    for level, digits in (("kecamatan", 8), ("kabkota", 5)):
        if level in layers:
            continue
        key = desa["kode"].str.slice(0, digits)
        parent_name = f"nama_{level}"
        names = desa[parent_name] if parent_name in desa.columns else pd.Series(pd.NA, index=desa.index, dtype="string")
        grouped = pd.DataFrame({"kode": key, "nama": names, "i": np.arange(len(desa))}).groupby("kode", sort=True)
        geoms = [shapely.coverage_union_all(desa.geometry.values[idx["i"].to_numpy()]) for _, idx in grouped]
        frame = gpd.GeoDataFrame(
            {"kode": list(grouped.groups.keys()), "nama": grouped["nama"].first().astype("string").values},
            geometry=geoms,
            crs=4326,
        )
        layers[level] = BoundaryLayer(
            level, frame, f"gabungan dari {layers['desa'].source}", "kode", None, dissolved=True,
            notes=["dibentuk dengan menggabungkan poligon desa (desa tanpa poligon menjadi lubang)"],
        )
    return layers


def simplify_for_web(frame: gpd.GeoDataFrame, tolerance: float = WEB_TOLERANCE) -> gpd.GeoDataFrame:
    """Simplify a whole layer as one coverage so shared borders stay shared."""
    geoms = shapely.set_precision(frame.geometry.values, WEB_PRECISION)
    geoms, _ = repair(geoms)
    polygonal = shapely.get_type_id(geoms) != 7  # drop stray collections from precision snapping
    geoms[~polygonal] = shapely.make_valid(shapely.set_precision(frame.geometry.values[~polygonal], WEB_PRECISION))
    cleaned = shapely.coverage_clean(geoms, gap_width=GAP_WIDTH)
    simplified = shapely.coverage_simplify(cleaned, tolerance)
    lost = shapely.is_empty(simplified) | shapely.is_missing(simplified)
    simplified[lost] = geoms[lost]  # never let a small nagari vanish from the map
    out = frame[["kode", "nama"]].copy()
    return gpd.GeoDataFrame(out, geometry=simplified, crs=4326)


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> dict:
    """Compact GeoJSON (5 decimals, no bbox); returns its size, raw and gzipped."""
    frame = frame[["kode", "nama", "geometry"]]
    frame.to_file(path, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=5, WRITE_BBOX="NO", RFC7946="YES")
    raw = path.read_bytes()
    return {"fitur": int(len(frame)), "byte": len(raw), "byte_gzip": len(gzip.compress(raw, 6)),
            "titik": int(shapely.get_num_coordinates(frame.geometry.values).sum())}


def label_points(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """A point inside each polygon (for labels and zoom) and its bounding box."""
    pts = shapely.point_on_surface(frame.geometry.values)
    bounds = shapely.bounds(frame.geometry.values)
    return pd.DataFrame(
        {
            "kode": frame["kode"].values,
            "lon": shapely.get_x(pts).round(5),
            "lat": shapely.get_y(pts).round(5),
            "bbox_barat": bounds[:, 0].round(5),
            "bbox_selatan": bounds[:, 1].round(5),
            "bbox_timur": bounds[:, 2].round(5),
            "bbox_utara": bounds[:, 3].round(5),
        }
    )



# ----------------------------------------------------------------------------- prepared layers

PREPARED_VERSION = 1  # bump when the preparation changes, to invalidate caches


@dataclass
class PreparedLayer:
    """A level ready for the snapshot: attributes, label points and web GeoJSON."""

    level: str
    attributes: pd.DataFrame  # kode, nama (desa: + nama_kecamatan, nama_kabkota where known)
    labels: pd.DataFrame  # kode, lon, lat, bbox_*
    geojson: Path
    meta: dict  # sumber, kolom_kode, kolom_nama, fitur, geometri_diperbaiki, digabung_dari_desa, catatan
    web: dict  # fitur, byte, byte_gzip, titik


def _cache_key(path: Path, code_column: str | None, name_column: str | None, tolerance: float) -> str:
    import hashlib

    h = hashlib.sha256(f"{PREPARED_VERSION}|{code_column}|{name_column}|{tolerance!r}".encode())
    for file in _ogr_files(path):
        h.update(file.name.encode())
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()[:24]


def prepare(
    path: str | Path,
    cache_dir: Path,
    code_column: str | None = None,
    name_column: str | None = None,
    tolerance: float = WEB_TOLERANCE,
) -> dict[str, PreparedLayer]:
    """Read, repair and simplify every level once; later builds on the same boundary
    files (by content) reuse the result from `cache_dir`."""
    import json

    from etl.write import atomic_dir

    path = Path(path)
    target = Path(cache_dir) / _cache_key(path, code_column, name_column, tolerance)
    if (target / "meta.json").is_file():
        return _load_prepared(target)
    layers = read_boundaries(path, code_column, name_column)
    with atomic_dir(target) as tmp:
        meta = {}
        for level in ("desa", "kecamatan", "kabkota"):
            layer = layers[level]
            web = simplify_for_web(layer.frame, tolerance)
            stats = write_geojson(web, tmp / f"{level}.geojson")
            attrs = pd.DataFrame(layer.frame.drop(columns="geometry"))
            attrs.to_parquet(tmp / f"{level}_atribut.parquet", index=False)
            label_points(web).to_parquet(tmp / f"{level}_label.parquet", index=False)
            meta[level] = {
                "meta": {"sumber": layer.source, "kolom_kode": layer.code_column, "kolom_nama": layer.name_column,
                         "fitur": int(len(layer.frame)), "geometri_diperbaiki": layer.repaired,
                         "digabung_dari_desa": layer.dissolved, "catatan": layer.notes},
                "web": stats,
            }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return _load_prepared(target)


def _load_prepared(folder: Path) -> dict[str, PreparedLayer]:
    import json

    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return {
        level: PreparedLayer(
            level,
            pd.read_parquet(folder / f"{level}_atribut.parquet"),
            pd.read_parquet(folder / f"{level}_label.parquet"),
            folder / f"{level}.geojson",
            info["meta"],
            info["web"],
        )
        for level, info in meta.items()
    }
