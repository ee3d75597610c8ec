"""Boundary polygons: read any OGR source, detect code/name columns, repair, simplify for the web.

Layers as BIG and Dukcapil publish them are repaired when read: polygons are made valid,
3-D coordinates dropped, and a layer whose neighbours overlap or leave narrow gaps is
cleaned as one coverage (GEOS coverage clean), so that kecamatan and kab/kota dissolved from
desa come out whole. What was repaired, and how much area it moved, is reported per layer
(`BoundaryLayer.perbaikan`).

Web simplification works on the whole coverage at once (GEOS coverage clean + simplify), so
neighbouring nagari keep sharing exactly the same border: no gaps or slivers appear between
them, however far the lines are simplified.
"""

from __future__ import annotations

import gzip
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
from shapely.errors import GEOSException

from etl.errors import InputError

LEVELS = ("provinsi", "kabkota", "kecamatan", "desa")
# The levels prepared for the snapshot (web GeoJSON, label points).
PREPARED_LEVELS = ("desa", "kecamatan", "kabkota", "provinsi")
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

# Indonesia lies within 11° of the equator, where a degree is 110.6–111.3 km in either
# direction: one figure converts metres to degrees closely enough for a gap width.
METRES_PER_DEGREE = 111_320.0
GAP_WIDTH_M = 60.0  # gaps narrower than this between neighbours are closed
GAP_WIDTH = GAP_WIDTH_M / METRES_PER_DEGREE  # the same, in degrees (layers are in EPSG:4326)
WEB_PRECISION = 1e-5  # degrees, about 1 m: finer than any boundary source is accurate
WEB_TOLERANCE = 0.001  # degrees, about 110 m: invisible at the scale of a nagari map
EQUAL_AREA_CRS = 6933  # areas of overlaps and gaps are measured here (WGS 84 / NSIDC EASE-Grid 2.0)
# Overlaps and gaps under 1 m² are rounding noise of reprojection, below the accuracy of any
# boundary source: they are repaired like the others but not counted in the report.
MIN_REPORTED_M2 = 1.0
CRS_EXAMPLE = "--crs EPSG:32747"
GEOMETRY_KIND = {0: "titik", 1: "garis", 2: "garis", 4: "titik", 5: "garis", 7: "kumpulan geometri"}


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


def empty_perbaikan(crs_sumber: str = "tidak ada", crs_diasumsikan: bool = False) -> dict:
    """The repair report of a layer where nothing was repaired."""
    return {
        "geometri_diperbaiki": 0,
        "tumpang_tindih": 0,
        "luas_tumpang_tindih_ha": 0.0,
        "celah_ditutup": 0,
        "luas_celah_ha": 0.0,
        "koordinat_3d_dibuang": False,
        "crs_sumber": crs_sumber,
        "crs_diasumsikan": crs_diasumsikan,
    }


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
    # geometri_diperbaiki, tumpang_tindih, luas_tumpang_tindih_ha, celah_ditutup, luas_celah_ha,
    # koordinat_3d_dibuang, crs_sumber, crs_diasumsikan (see empty_perbaikan)
    perbaikan: dict = field(default_factory=empty_perbaikan)


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


def _angka(value: float, decimals: int = 0) -> str:
    """A number as Indonesian text: 1.234,56."""
    return f"{value:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def _crs_label(crs: pyproj.CRS) -> str:
    authority = crs.to_authority()
    return ":".join(authority) if authority else crs.name


def _parse_crs(crs: str | None, path: Path) -> pyproj.CRS | None:
    if crs is None:
        return None
    try:
        return pyproj.CRS.from_user_input(crs)
    except Exception as err:  # pyproj raises CRSError, but any failure means the same to the officer
        raise InputError(str(path), f"CRS '{crs}' tidak dikenali ({err}); tuliskan misalnya {CRS_EXAMPLE}") from err


def _area_m2(geoms: np.ndarray) -> np.ndarray:
    if len(geoms) == 0:
        return np.zeros(0)
    return gpd.GeoSeries(geoms, crs=4326).to_crs(EQUAL_AREA_CRS).area.to_numpy()


# ----------------------------------------------------------------------------- one layer of a file


@dataclass
class _ReadLayer:
    level: str
    frame: gpd.GeoDataFrame
    source: str
    code_column: str
    name_column: str | None
    perbaikan: dict
    notes: list[str]


def _feature(frame: pd.DataFrame, position: int) -> str:
    return f"ke-{int(frame['_fitur'].iat[position])} (kode {frame['kode'].iat[position]})"


def _to_lonlat(
    frame: gpd.GeoDataFrame, crs: pyproj.CRS | None, source: str
) -> tuple[gpd.GeoDataFrame, dict, list[str]]:
    """The layer in EPSG:4326; a layer without CRS takes `crs`, or is assumed to be in
    longitude/latitude when every coordinate lies in that range."""
    notes: list[str] = []
    if frame.crs is not None:
        perbaikan = empty_perbaikan(_crs_label(frame.crs))
    elif crs is not None:
        frame = frame.set_crs(crs)
        perbaikan = empty_perbaikan(_crs_label(crs))
        notes.append(f"lapisan tidak punya CRS; dibaca sebagai {_crs_label(crs)} sesuai --crs")
    else:
        west, south, east, north = frame.total_bounds
        if not (
            np.isfinite([west, south, east, north]).all()
            and -180 <= west <= east <= 180
            and -90 <= south <= north <= 90
        ):
            raise InputError(
                source,
                "lapisan tidak punya CRS (mis. .prj hilang) dan koordinatnya bukan bujur/lintang: "
                f"sebutkan CRS-nya dengan --crs, mis. {CRS_EXAMPLE}",
            )
        frame = frame.set_crs(4326)
        perbaikan = empty_perbaikan("tidak ada", crs_diasumsikan=True)
        notes.append(
            "lapisan tidak punya CRS (mis. .prj hilang); karena semua koordinatnya dalam rentang "
            "bujur/lintang, dianggap EPSG:4326 (sebutkan CRS lain dengan --crs bila keliru)"
        )
    if frame.crs.to_epsg() != 4326:
        try:
            frame = frame.to_crs(4326)
        except Exception as err:  # pyproj errors vary with the CRS
            raise InputError(
                source, f"koordinat tidak dapat diubah dari {perbaikan['crs_sumber']} ke bujur/lintang ({err})"
            ) from err
    return frame, perbaikan, notes


def _polygonal(out: gpd.GeoDataFrame, source: str) -> np.ndarray:
    """Polygon geometries only: polygon parts are kept from mixed collections; a point or a
    line where a boundary should be stops the run, naming the feature."""
    geoms = out.geometry.to_numpy().copy()
    types = shapely.get_type_id(geoms)
    for i in np.flatnonzero(types == 7):
        parts = shapely.get_parts(geoms[i])
        polygons = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
        if len(polygons):
            geoms[i] = shapely.multipolygons(shapely.get_parts(polygons)) if len(polygons) > 1 else polygons[0]
            types[i] = shapely.get_type_id(geoms[i])
    bad = np.flatnonzero(~np.isin(types, (3, 6)))
    if len(bad):
        first = bad[0]
        others = f" ({len(bad) - 1} fitur lain juga bukan poligon)" if len(bad) > 1 else ""
        raise InputError(
            source,
            f"geometrinya berupa {GEOMETRY_KIND.get(int(types[first]), 'bukan poligon')}, "
            f"sedangkan batas wilayah harus berupa poligon{others}",
            fitur=_feature(out, first),
        )
    return geoms


def _read_layer(
    file: Path, layer_name: str, source: str, code_column: str | None, name_column: str | None, crs: pyproj.CRS | None
) -> _ReadLayer | None:
    try:
        frame = gpd.read_file(file, layer=layer_name, engine="pyogrio")
    except Exception as err:  # pyogrio/GDAL errors differ per driver; all mean an unreadable layer
        raise InputError(source, f"lapisan batas wilayah tidak dapat dibaca ({err})") from err
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        return None  # a table without geometry beside the boundaries (e.g. in a GeoPackage)
    if frame.empty:
        raise InputError(source, "lapisan batas wilayah kosong (tidak ada fitur)")
    col, level = _detect_code_column(frame, code_column, source)
    if level not in ("desa", "kecamatan", "kabkota"):
        return None
    ncol = _detect_name_column(frame, level, name_column)
    frame, perbaikan, notes = _to_lonlat(frame, crs, source)
    out = gpd.GeoDataFrame(
        {
            "kode": frame[col].map(normalise_code),
            "nama": frame[ncol].astype("string").str.strip()
            if ncol
            else pd.Series(pd.NA, index=frame.index, dtype="string"),
            "_fitur": np.arange(1, len(frame) + 1),  # the feature's number in the file, for messages
        },
        geometry=frame.geometry.values,
        crs=4326,
    )
    for parent, src_col in PARENT_NAME_COLUMNS.items():
        if level == "desa" and src_col in frame.columns:
            out[parent] = frame[src_col].astype("string").str.strip()
    bad = out["kode"].isna() | out.geometry.isna() | out.geometry.is_empty
    if bad.any():
        notes.append(f"{int(bad.sum())} fitur tanpa kode atau geometri dilewati")
    out = out[~bad].reset_index(drop=True)
    if out.empty:
        raise InputError(source, "tidak ada fitur yang punya kode wilayah dan geometri", kolom=col)

    out = _valid_polygons(out, source, perbaikan, notes)
    out = _merge_duplicates(out, source, notes)
    return _ReadLayer(level, out.drop(columns="_fitur"), source, col, ncol, perbaikan, notes)


def _valid_polygons(out: gpd.GeoDataFrame, source: str, perbaikan: dict, notes: list[str]) -> gpd.GeoDataFrame:
    """Polygons only, in lon/lat range, 2-D and valid; features that cannot be are named."""
    geoms = _polygonal(out, source)
    not_finite = ~np.isfinite(shapely.bounds(geoms)).all(axis=1)
    if not_finite.any():
        raise InputError(
            source,
            f"koordinatnya tidak dapat diubah ke bujur/lintang (di luar jangkauan {perbaikan['crs_sumber']})",
            fitur=_feature(out, int(np.flatnonzero(not_finite)[0])),
        )
    if shapely.has_z(geoms).any():
        geoms = shapely.force_2d(geoms)
        perbaikan["koordinat_3d_dibuang"] = True
        notes.append("koordinat 3-D (ketinggian Z) dibuang")
    try:
        geoms, repaired = repair(geoms)
    except GEOSException:
        for i, geom in enumerate(geoms):  # find the feature GEOS cannot make valid
            try:
                repair(np.array([geom]))
            except GEOSException as err:
                raise InputError(source, f"poligon tidak dapat dibuat valid ({err})", fitur=_feature(out, i)) from err
        raise
    perbaikan["geometri_diperbaiki"] = repaired
    collapsed = shapely.is_empty(geoms)  # polygons without area vanish when made valid
    if collapsed.any():
        notes.append(f"{int(collapsed.sum())} fitur berpoligon tanpa luas dilewati")
    return out.set_geometry(geoms)[~collapsed].reset_index(drop=True)


def _merge_duplicates(out: gpd.GeoDataFrame, source: str, notes: list[str]) -> gpd.GeoDataFrame:
    """One region drawn as several features is merged rather than any dropped."""
    dup = out["kode"].duplicated(keep=False)
    if dup.any():
        notes.append(f"{int(out.loc[dup, 'kode'].nunique())} kode dengan beberapa fitur digabung")
        try:
            out = out.dissolve(by="kode", aggfunc="first", as_index=False)
        except GEOSException as err:
            raise InputError(
                source,
                f"fitur berkode sama tidak dapat digabung ({err})",
                fitur=_feature(out, int(np.flatnonzero(dup)[0])),
            ) from err
    return out


# ----------------------------------------------------------------------------- coverage cleaning


@dataclass
class _Cleaning:
    geoms: np.ndarray
    is_coverage: bool  # neighbours now share identical edges, without overlaps
    cleaned: bool = False  # False when the layer already was a coverage (or could not be cleaned)
    overlaps: int = 0
    overlap_m2: float = 0.0
    gaps: int = 0
    gap_m2: float = 0.0
    measured: bool = True
    error: str | None = None


def _overlaps(geoms: np.ndarray) -> tuple[int, float]:
    """Pairs of polygons whose interiors overlap, and the area they share."""
    pairs = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = pairs[:, pairs[0] < pairs[1]]
    areas = _area_m2(shapely.intersection(geoms[pairs[0]], geoms[pairs[1]]))
    areas = areas[areas >= MIN_REPORTED_M2]
    return len(areas), float(areas.sum())


def _holes(geoms: np.ndarray) -> np.ndarray:
    """Areas enclosed by the layer that no polygon covers: the gaps cleaning may close."""
    polygons = shapely.get_parts(shapely.union_all(geoms))
    rings = [
        ring
        for polygon in polygons
        for ring in shapely.get_interior_ring(polygon, range(shapely.get_num_interior_rings(polygon)))
    ]
    if not rings:
        return np.empty(0, dtype=object)
    # A hole ring may touch itself where several gaps meet at a point: split it into its gaps.
    parts = shapely.get_parts(shapely.make_valid(shapely.polygons(np.array(rings, dtype=object))))
    return parts[shapely.get_type_id(parts) == 3]


def _inner_points(polygons: np.ndarray) -> np.ndarray:
    """Centres of the largest circles inside: unlike point_on_surface, never on a float
    sliver that a union can leave hanging off a gap."""
    if len(polygons) == 0:
        return np.empty(0, dtype=object)
    return shapely.get_point(shapely.maximum_inscribed_circle(polygons, 1e-6), 0)  # 1e-6° is about 10 cm


def clean_coverage(geoms: np.ndarray) -> _Cleaning:
    """Overlaps resolved (each goes to the neighbour with the longest shared border) and gaps
    narrower than GAP_WIDTH_M closed, as GEOS coverage cleaning does; also measures both.
    `geoms` must be valid polygons in EPSG:4326."""
    try:
        if shapely.coverage_is_valid(geoms, gap_width=GAP_WIDTH):
            return _Cleaning(geoms, is_coverage=True)
    except GEOSException:
        pass  # not a coverage GEOS can check: clean it
    # Cleaning is the slow part; the measuring runs beside it on the other core.
    with ThreadPoolExecutor(max_workers=1) as pool:
        cleaning = pool.submit(shapely.coverage_clean, geoms, gap_width=GAP_WIDTH)
        try:
            overlaps, overlap_m2 = _overlaps(geoms)
            holes = _holes(geoms)
            centres = _inner_points(holes)
            measured = True
        except GEOSException:
            overlaps, overlap_m2, measured = 0, 0.0, False
            holes = centres = np.empty(0, dtype=object)
        try:
            cleaned = cleaning.result()
        except GEOSException as err:
            return _Cleaning(geoms, is_coverage=False, measured=False, error=str(err))
    gaps, gap_m2 = 0, 0.0
    if len(holes):
        kept = cleaned[~(shapely.is_missing(cleaned) | shapely.is_empty(cleaned))]
        try:
            try:
                covered = shapely.coverage_union_all(kept)
            except GEOSException:
                covered = shapely.union_all(kept)
        except GEOSException:
            measured = False
        else:
            shapely.prepare(covered)
            closed = shapely.contains_properly(covered, centres)  # the gap was merged into a neighbour
            areas = _area_m2(holes[closed])
            areas = areas[areas >= MIN_REPORTED_M2]
            gaps, gap_m2 = len(areas), float(areas.sum())
    return _Cleaning(cleaned, True, True, overlaps, overlap_m2, gaps, gap_m2, measured)


def _clean_layer(layer: BoundaryLayer, before_dissolve: bool) -> bool:
    """Clean one layer read from files in place; True when it is now a valid coverage."""
    frame = layer.frame
    result = clean_coverage(frame.geometry.to_numpy())
    if result.error is not None:
        layer.notes.append(
            f"poligon tidak dapat dirapikan sebagai satu cakupan ({result.error}); "
            "tumpang tindih dan celah dibiarkan seperti sumbernya"
        )
        return False
    kept = ~(shapely.is_missing(result.geoms) | shapely.is_empty(result.geoms))
    if not kept.all():
        lost = frame.loc[~kept, "kode"].tolist()
        layer.notes.append(
            f"{len(lost)} poligon seluruhnya tertutup poligon tetangga dan tidak lagi punya wilayah "
            f"sendiri: {', '.join(lost[:5])}" + (" dan lainnya" if len(lost) > 5 else "")
        )
    layer.frame = frame.set_geometry(result.geoms)[kept].reset_index(drop=True)
    fix = layer.perbaikan
    fix["tumpang_tindih"] += result.overlaps
    fix["luas_tumpang_tindih_ha"] = round(fix["luas_tumpang_tindih_ha"] + result.overlap_m2 / 1e4, 2)
    fix["celah_ditutup"] += result.gaps
    fix["luas_celah_ha"] = round(fix["luas_celah_ha"] + result.gap_m2 / 1e4, 2)
    when = " sebelum penggabungan" if before_dissolve else ""
    found = []
    if result.overlaps:
        found.append(
            f"{_angka(result.overlaps)} pasang poligon tumpang tindih ({_angka(result.overlap_m2 / 1e4, 2)} ha)"
        )
    if result.gaps:
        found.append(
            f"{_angka(result.gaps)} celah lebih sempit dari {_angka(GAP_WIDTH_M)} m ({_angka(result.gap_m2 / 1e4, 2)} ha)"
        )
    if not result.cleaned:  # already a coverage: nothing was changed
        return result.is_coverage
    if not result.measured:
        layer.notes.append(
            f"tumpang tindih dan celah lebih sempit dari {_angka(GAP_WIDTH_M)} m diperbaiki{when}, "
            "tetapi jumlah dan luasnya tidak dapat diukur"
        )
    elif found:
        layer.notes.append(f"{' dan '.join(found)} diperbaiki{when}")
    else:
        layer.notes.append(f"batas antartetangga yang tidak berimpit tepat dirapikan{when}")
    return result.is_coverage


def _dissolve(desa: BoundaryLayer, level: str, digits: int, is_coverage: bool) -> BoundaryLayer:
    """Kecamatan or kab/kota as the union of their desa (or the province of its kab/kota)."""
    child = {"desa": "desa", "kabkota": "kab/kota"}.get(desa.level, desa.level)
    frame = desa.frame
    key = frame["kode"].str.slice(0, digits)
    parent_name = f"nama_{level}"
    names = frame[parent_name] if parent_name in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="string")
    grouped = pd.DataFrame({"kode": key, "nama": names, "i": np.arange(len(frame))}).groupby("kode", sort=True)
    desa_geoms = frame.geometry.to_numpy()
    geoms, plain = [], []
    for kode, idx in grouped:
        parts = desa_geoms[idx["i"].to_numpy()]
        try:
            # Coverage union only on a clean coverage: on anything else it may leave slivers unseen.
            geoms.append(shapely.coverage_union_all(parts) if is_coverage else shapely.union_all(parts))
            continue
        except GEOSException:
            pass
        try:
            geoms.append(shapely.union_all(parts))
            plain.append(kode)
        except GEOSException as err:
            raise InputError(
                desa.source, f"poligon desa tidak dapat digabung menjadi {level} ({err})", fitur=f"{level} {kode}"
            ) from err
    out = gpd.GeoDataFrame(
        {"kode": list(grouped.groups.keys()), "nama": grouped["nama"].first().astype("string").values},
        geometry=geoms,
        crs=4326,
    )
    notes = [
        f"dibentuk dengan menggabungkan poligon {child} yang sudah diperbaiki ({child} tanpa poligon menjadi lubang)"
    ]
    if not is_coverage:
        notes.append(
            "poligon desa belum rapi sebagai satu cakupan, sehingga digabung dengan penggabungan biasa; "
            "celah kecil antardesa dapat tersisa sebagai lubang"
        )
    elif plain:
        notes.append(
            f"{len(plain)} {level} digabung dengan penggabungan biasa karena penggabungan cakupan gagal: "
            + ", ".join(plain[:5])
            + (" dan lainnya" if len(plain) > 5 else "")
        )
    perbaikan = empty_perbaikan(desa.perbaikan["crs_sumber"], desa.perbaikan["crs_diasumsikan"])
    return BoundaryLayer(
        level, out, f"gabungan dari {desa.source}", "kode", None, dissolved=True, notes=notes, perbaikan=perbaikan
    )


def _merge_perbaikan(total: dict, more: dict) -> None:
    for key in ("geometri_diperbaiki", "tumpang_tindih", "celah_ditutup"):
        total[key] += more[key]
    for key in ("luas_tumpang_tindih_ha", "luas_celah_ha"):
        total[key] = round(total[key] + more[key], 2)
    for key in ("koordinat_3d_dibuang", "crs_diasumsikan"):
        total[key] = total[key] or more[key]
    if more["crs_sumber"] not in total["crs_sumber"].split(", "):
        total["crs_sumber"] += f", {more['crs_sumber']}"


def read_boundaries(
    path: str | Path, code_column: str | None = None, name_column: str | None = None, crs: str | None = None
) -> dict[str, BoundaryLayer]:
    """Every layer found under `path`, keyed by level, repaired; kecamatan and kab/kota are
    dissolved from desa when the source has no layer of their own.

    `crs` (e.g. "EPSG:32747") is the CRS of layers that carry none (a Shapefile without
    `.prj`); layers with their own CRS keep it."""
    path = Path(path)
    source_crs = _parse_crs(crs, path)
    layers: dict[str, BoundaryLayer] = {}
    for file in _ogr_files(path):
        try:
            names = [row[0] for row in pyogrio.list_layers(file)]
        except Exception as err:  # pyogrio raises DataSourceError subclasses
            raise InputError(file.name, f"bukan berkas batas wilayah yang dapat dibaca ({err})") from err
        for layer_name in names:
            source = f"{file.name}" + (f":{layer_name}" if len(names) > 1 else "")
            read = _read_layer(file, layer_name, source, code_column, name_column, source_crs)
            if read is None:
                continue
            if read.level in layers:
                prev = layers[read.level]
                new = read.frame[~read.frame["kode"].isin(prev.frame["kode"])]
                merged = pd.concat([prev.frame, new], ignore_index=True)
                prev.frame = gpd.GeoDataFrame(merged, geometry="geometry", crs=4326)
                prev.source += f", {read.source}"
                prev.repaired += read.perbaikan["geometri_diperbaiki"]
                prev.notes += read.notes
                _merge_perbaikan(prev.perbaikan, read.perbaikan)
            else:
                layers[read.level] = BoundaryLayer(
                    read.level,
                    read.frame,
                    read.source,
                    read.code_column,
                    read.name_column,
                    read.perbaikan["geometri_diperbaiki"],
                    notes=read.notes,
                    perbaikan=read.perbaikan,
                )
    if "desa" not in layers:
        raise InputError(str(path), "lapisan batas desa/nagari/kelurahan (kode 10 digit) tidak ditemukan")
    missing = [level for level in ("kecamatan", "kabkota") if level not in layers]
    coverage = {
        level: _clean_layer(layer, before_dissolve=level == "desa" and bool(missing)) for level, layer in layers.items()
    }
    for level in missing:
        layers[level] = _dissolve(layers["desa"], level, {"kecamatan": 8, "kabkota": 5}[level], coverage["desa"])
    # The province outline, from its kab/kota: the map's top level when a snapshot spans provinces.
    layers["provinsi"] = _dissolve(layers["kabkota"], "provinsi", 2, coverage.get("kabkota", coverage["desa"]))
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
    return {
        "fitur": int(len(frame)),
        "byte": len(raw),
        "byte_gzip": len(gzip.compress(raw, 6)),
        "titik": int(shapely.get_num_coordinates(frame.geometry.values).sum()),
    }


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


def _spread_points(area, n: int) -> list[tuple[float, float]]:
    """n points inside `area`, spread apart and always the same for the same area: a grid
    of candidates inside it, the first the one nearest a point on its surface, then each
    next the candidate farthest from those already taken."""
    west, south, east, north = area.bounds
    start = shapely.point_on_surface(area)
    if n == 1 or area.area == 0:
        return [(start.x, start.y)] * n
    for density in (40, 160, 640):
        step = ((east - west) * (north - south) / (density * n)) ** 0.5 or 1e-4
        xs = np.arange(west + step / 2, east, step)
        ys = np.arange(south + step / 2, north, step)
        gx, gy = np.meshgrid(xs, ys)
        candidates = shapely.points(gx.ravel(), gy.ravel())
        candidates = candidates[shapely.contains_xy(area, gx.ravel(), gy.ravel())]
        if len(candidates) >= n:
            break
    if len(candidates) < n:
        return [(start.x, start.y)] * n
    xy = shapely.get_coordinates(candidates)
    first = int(np.argmin(np.hypot(xy[:, 0] - start.x, xy[:, 1] - start.y)))
    taken = [first]
    nearest = np.hypot(xy[:, 0] - xy[first, 0], xy[:, 1] - xy[first, 1])
    for _ in range(n - 1):
        nxt = int(np.argmax(nearest))  # ties: the first candidate in grid order
        taken.append(nxt)
        nearest = np.minimum(nearest, np.hypot(xy[:, 0] - xy[nxt, 0], xy[:, 1] - xy[nxt, 1]))
    return [(float(xy[i, 0]), float(xy[i, 1])) for i in taken]


def approximate_points(missing: pd.DataFrame, parents: gpd.GeoDataFrame, desa: gpd.GeoDataFrame) -> pd.DataFrame:
    """A deterministic, approximate location for each nagari without a polygon, inside its
    kecamatan, so a map can draw it as a marker.

    `missing` has kode and kode_kecamatan; `parents` the kecamatan polygons (kode,
    geometry); `desa` the nagari that have polygons. The part of a kecamatan that no nagari
    polygon covers is where the nagari without one most likely lie, so points go there when
    that part is large enough to hold them (a tenth of the kecamatan), otherwise anywhere in
    the kecamatan. Nagari of a kecamatan without a polygon get no point. Returns kode, lon,
    lat and a small bounding box around the point (for zooming to it)."""
    rows = []
    by_code = dict(zip(parents["kode"], parents.geometry.values))
    desa_by_kec = desa.assign(_kec=desa["kode"].str.slice(0, 8)).groupby("_kec").geometry
    covered = {k: shapely.union_all(g.values) for k, g in desa_by_kec}
    for kec, group in missing.sort_values("kode").groupby("kode_kecamatan", sort=True):
        area = by_code.get(kec)
        if area is None or area.is_empty:
            continue
        free = area
        if kec in covered:
            try:
                free = shapely.difference(area, covered[kec])
            except GEOSException:
                free = area
        if free.is_empty or free.area < 0.1 * area.area:
            free = area
        # A gap a few metres wide between polygons is not where a nagari lies: keep the body.
        body = shapely.buffer(free, -0.002)
        if not body.is_empty and body.area >= 0.5 * free.area:
            free = body
        for kode, (lon, lat) in zip(group["kode"], _spread_points(free, len(group))):
            rows.append((kode, round(lon, 5), round(lat, 5)))
    out = pd.DataFrame(rows, columns=["kode", "lon", "lat"])
    half = 0.01  # about 1 km each way: a zoom that shows the marker among its neighbours
    out["bbox_barat"], out["bbox_timur"] = (out["lon"] - half).round(5), (out["lon"] + half).round(5)
    out["bbox_selatan"], out["bbox_utara"] = (out["lat"] - half).round(5), (out["lat"] + half).round(5)
    return out


# ----------------------------------------------------------------------------- prepared layers

PREPARED_VERSION = 3  # bump when the preparation changes, to invalidate caches


@dataclass
class PreparedLayer:
    """A level ready for the snapshot: attributes, label points and web GeoJSON."""

    level: str
    attributes: pd.DataFrame  # kode, nama (desa: + nama_kecamatan, nama_kabkota where known)
    labels: pd.DataFrame  # kode, lon, lat, bbox_*
    geojson: Path
    meta: dict  # sumber, kolom_kode, kolom_nama, fitur, geometri_diperbaiki, digabung_dari_desa, catatan, perbaikan
    web: dict  # fitur, byte, byte_gzip, titik


def _cache_key(path: Path, code_column: str | None, name_column: str | None, tolerance: float, crs: str | None) -> str:
    import hashlib

    h = hashlib.sha256(f"{PREPARED_VERSION}|{code_column}|{name_column}|{tolerance!r}|{crs}".encode())
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
    crs: str | None = None,
) -> dict[str, PreparedLayer]:
    """Read, repair and simplify every level once; later builds on the same boundary
    files (by content) and options reuse the result from `cache_dir`. `crs` is the CRS of
    layers that carry none (see read_boundaries)."""
    import json

    from etl.write import atomic_dir

    path = Path(path)
    target = Path(cache_dir) / _cache_key(path, code_column, name_column, tolerance, crs)
    if (target / "meta.json").is_file():
        return _load_prepared(target)
    layers = read_boundaries(path, code_column, name_column, crs)
    with atomic_dir(target) as tmp:
        meta = {}
        for level in PREPARED_LEVELS:
            layer = layers[level]
            try:
                web = simplify_for_web(layer.frame, tolerance)
            except GEOSException as err:
                raise InputError(
                    layer.source, f"poligon {level} tidak dapat disederhanakan untuk peta ({err})"
                ) from err
            stats = write_geojson(web, tmp / f"{level}.geojson")
            attrs = pd.DataFrame(layer.frame.drop(columns="geometry"))
            attrs.to_parquet(tmp / f"{level}_atribut.parquet", index=False)
            label_points(web).to_parquet(tmp / f"{level}_label.parquet", index=False)
            meta[level] = {
                "meta": {
                    "sumber": layer.source,
                    "kolom_kode": layer.code_column,
                    "kolom_nama": layer.name_column,
                    "fitur": int(len(layer.frame)),
                    "geometri_diperbaiki": layer.repaired,
                    "digabung_dari_desa": layer.dissolved,
                    "catatan": layer.notes,
                    "perbaikan": layer.perbaikan,
                },
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
