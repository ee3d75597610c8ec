"""Count indicators per desa from the family table, then roll them up the region tree."""

from __future__ import annotations

import duckdb
import geopandas as gpd
import pandas as pd
import pyarrow as pa

from etl import indicators
from etl.boundaries import PreparedLayer, approximate_points
from etl.duck import registered
from etl.regions import RegionReference

PARENT_DIGITS = {"kecamatan": 8, "kabkota": 5, "provinsi": 2}
# Above the provinces, when a snapshot spans several: one region for them all.
NASIONAL_KODE = "ID"
NASIONAL_NAMA = "Indonesia"


def count_by_desa(con: duckdb.DuckDBPyConnection, families: pa.Table) -> pd.DataFrame:
    with registered(con, fam=families):
        return con.sql(f"SELECT kode_desa, {indicators.count_sql()} FROM fam GROUP BY kode_desa").df()


def build_levels(
    counts: pd.DataFrame, ref: RegionReference, desa_names_from_data: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Indicator tables for desa, kecamatan, kabkota and provinsi.

    desa has one row per code in the reference (boundaries, code list) or in the data,
    with zeros where no family lives. `desa_names_from_data` (kode, nama) names the desa
    that only the data knows (accepted by code under a known kecamatan).
    """
    count_cols = list(indicators.JUMLAH_IDS)
    desa = ref.desa.merge(counts.rename(columns={"kode_desa": "kode"}), on="kode", how="outer")
    data_names = desa_names_from_data.set_index("kode")["nama"]
    desa["nama"] = desa["nama"].fillna(desa["kode"].map(data_names)).astype("string")
    desa["punya_poligon"] = desa["punya_poligon"].fillna(False).astype(bool)
    desa["hanya_di_data"] = ~desa["kode"].isin(ref.desa["kode"])
    desa[count_cols] = desa[count_cols].fillna(0).astype("int64")
    desa["kode_kecamatan"] = desa["kode"].str.slice(0, 8)
    desa["kode_kabkota"] = desa["kode"].str.slice(0, 5)
    desa["kode_provinsi"] = desa["kode"].str.slice(0, 2)
    # Digit 7 of the desa part: 1 kelurahan, 2 desa/nagari.
    jenis = desa["kode"].str.slice(9, 10).map({"1": "kelurahan", "2": "desa/nagari"})
    desa["jenis"] = jenis.fillna("lainnya").astype("string")

    levels = {"desa": desa}
    for level, digits in PARENT_DIGITS.items():
        ref_level = getattr(ref, level)
        sums = desa.groupby(desa["kode"].str.slice(0, digits))[count_cols].sum()
        n_desa = desa.groupby(desa["kode"].str.slice(0, digits)).agg(
            jumlah_desa=("kode", "size"), desa_tanpa_poligon=("punya_poligon", lambda s: int((~s).sum()))
        )
        frame = pd.concat([sums, n_desa], axis=1).rename_axis("kode").reset_index()
        cols = ["kode", "nama"] + (["punya_poligon"] if "punya_poligon" in ref_level.columns else [])
        frame = ref_level[cols].merge(frame, on="kode", how="outer")
        frame[count_cols + ["jumlah_desa", "desa_tanpa_poligon"]] = (
            frame[count_cols + ["jumlah_desa", "desa_tanpa_poligon"]].fillna(0).astype("int64")
        )
        if "punya_poligon" in frame.columns:
            frame["punya_poligon"] = frame["punya_poligon"].fillna(False).astype(bool)
        levels[level] = frame

    # Parent codes and names on every level, so each table stands alone.
    names = {lvl: levels[lvl].set_index("kode")["nama"] for lvl in ("kecamatan", "kabkota", "provinsi")}
    for level, frame in levels.items():
        for parent, digits in PARENT_DIGITS.items():
            if len(frame) and frame["kode"].str.len().max() > digits and parent != level:
                frame[f"kode_{parent}"] = frame["kode"].str.slice(0, digits)
                frame[f"nama_{parent}"] = frame[f"kode_{parent}"].map(names[parent]).astype("string")
        frame["nama"] = frame["nama"].fillna("(" + frame["kode"] + ")").astype("string")
        indicators.add_rates(frame)
        id_cols = ["kode", "nama"] + [c for c in frame.columns if c.startswith(("kode_", "nama_"))]
        extra = [c for c in frame.columns if c not in id_cols and c not in indicators.IDS]
        levels[level] = frame[id_cols + extra + list(indicators.IDS)].sort_values("kode", ignore_index=True)
    if len(levels["provinsi"]) > 1:
        levels["nasional"] = _above_provinces(levels["provinsi"], count_cols)
    return levels


def _above_provinces(provinsi: pd.DataFrame, count_cols: list[str]) -> pd.DataFrame:
    """The one region above the provinces of a snapshot that spans several: sums of their
    counts, rates recomputed from those sums."""
    sums = provinsi[count_cols + ["jumlah_desa", "desa_tanpa_poligon"]].sum()
    frame = pd.DataFrame([{"kode": NASIONAL_KODE, "nama": NASIONAL_NAMA, **sums.to_dict()}])
    frame["nama"] = frame["nama"].astype("string")
    indicators.add_rates(frame)
    return frame[["kode", "nama", "jumlah_desa", "desa_tanpa_poligon"] + list(indicators.IDS)]


def add_label_points(levels: dict[str, pd.DataFrame], layers: dict[str, PreparedLayer]) -> dict[str, pd.DataFrame]:
    """The map's label point and bounding box of each region, where the boundaries have one.
    A populated nagari without a polygon gets an approximate point inside its kecamatan
    (`lokasi_perkiraan`), so maps draw it as a marker rather than leave it out."""
    labelled = dict(levels)
    for level in ("desa", "kecamatan", "kabkota", "provinsi"):
        if level in layers:  # boundaries prepared by an older version have no province layer
            labelled[level] = levels[level].merge(layers[level].labels, on="kode", how="left")
    desa = labelled["desa"]
    desa["lokasi_perkiraan"] = False
    missing = desa[~desa["punya_poligon"] & desa["lon"].isna()] if "lon" in desa else desa.iloc[:0]
    if len(missing) and "kecamatan" in layers and "desa" in layers:
        kecamatan = gpd.read_file(layers["kecamatan"].geojson)
        polygons = gpd.read_file(layers["desa"].geojson)
        points = approximate_points(missing[["kode", "kode_kecamatan"]], kecamatan, polygons).set_index("kode")
        rows = desa["kode"].isin(points.index)
        for col in points.columns:
            desa.loc[rows, col] = desa.loc[rows, "kode"].map(points[col]).to_numpy()
        desa.loc[rows, "lokasi_perkiraan"] = True
    return labelled
