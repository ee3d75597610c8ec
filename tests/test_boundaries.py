"""Boundaries: any OGR source and CRS, repair, and simplification that keeps borders shared.

The repair fixtures are drawn in code, mostly in UTM 47S metres, so every expected count and
area below can be checked by hand."""

import json
import zipfile

import geopandas as gpd
import pytest
import shapely
from shapely import box
from shapely.errors import GEOSException

from etl.boundaries import empty_perbaikan, normalise_code, prepare, read_boundaries, simplify_for_web
from etl.config import BOUNDARIES
from etl.errors import InputError
from tests.fixtures import write_boundaries

UTM_47S = "EPSG:32747"
X0, Y0 = 650_000, 9_900_000  # UTM 47S, near Pariaman (about 100.35° E, 0.90° S)
HA = 10_000  # m²
PERBAIKAN_KEYS = {
    "geometri_diperbaiki",
    "tumpang_tindih",
    "luas_tumpang_tindih_ha",
    "celah_ditutup",
    "luas_celah_ha",
    "koordinat_3d_dibuang",
    "crs_sumber",
    "crs_diasumsikan",
}


def utm_box(x1, y1, x2, y2):
    """A rectangle given in metres from (X0, Y0)."""
    return box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


def write_layer(path, rows, crs, code_column="kode"):
    """One boundary layer from (kode, nama, geometry) rows; the driver follows the suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = gpd.GeoDataFrame(
        {code_column: [r[0] for r in rows], "nama": [r[1] for r in rows]}, geometry=[r[2] for r in rows], crs=crs
    )
    frame.to_file(path, engine="pyogrio")
    return path


def ha_equal_area(geoms):
    """Areas in hectares, measured in an equal-area CRS."""
    return gpd.GeoSeries(geoms, crs=4326).to_crs(6933).area.to_numpy() / HA


def whole(geom):
    """A single polygon without holes."""
    return geom.geom_type == "Polygon" and shapely.get_num_interior_rings(geom) == 0


def test_codes_normalise_to_dotted_form():
    assert normalise_code("1306012001") == "13.06.01.2001"
    assert normalise_code("13.06.01.2001") == "13.06.01.2001"
    assert normalise_code(" 1306012001 ") == "13.06.01.2001"
    assert normalise_code("13.06") == "13.06"
    assert normalise_code("130601") == "13.06.01"
    assert normalise_code("13.6.1") is None and normalise_code("abc") is None
    assert normalise_code("13060120011") is None  # 11 digits: no level


# ----------------------------------------------------------------------------- the repository's layers


@pytest.fixture(scope="module")
def real_layers():
    return read_boundaries(BOUNDARIES)


def test_repository_boundaries_are_small():
    zips = sorted(BOUNDARIES.glob("*.zip"))
    assert [z.name for z in zips] == ["13_desa.geojson.zip", "13_kabkota.geojson.zip", "13_kecamatan.geojson.zip"]
    assert sum(z.stat().st_size for z in zips) <= 5_000_000


def test_repository_boundaries_are_read_and_repaired(real_layers):
    assert {lvl: len(layer.frame) for lvl, layer in real_layers.items()} == {
        "desa": 1159,
        "kecamatan": 179,
        "kabkota": 19,
        "provinsi": 1,  # dissolved from the kab/kota, for maps of several provinces
    }
    # The README lists 1 kab/kota and 4 kecamatan polygons with self-intersections.
    assert real_layers["kabkota"].repaired == 1 and real_layers["kecamatan"].repaired == 4
    assert real_layers["kabkota"].perbaikan["geometri_diperbaiki"] == 1
    assert all(shapely.is_valid(layer.frame.geometry.values).all() for layer in real_layers.values())
    # Their neighbours overlap and leave slivers: every layer comes out as one clean coverage.
    desa = real_layers["desa"]
    assert desa.perbaikan["tumpang_tindih"] > 100 and desa.perbaikan["celah_ditutup"] > 100
    assert desa.perbaikan["luas_tumpang_tindih_ha"] > 1 and desa.perbaikan["luas_celah_ha"] > 1
    assert desa.perbaikan["crs_sumber"] == "EPSG:4326" and not desa.perbaikan["crs_diasumsikan"]
    assert any("tumpang tindih" in note for note in desa.notes)
    assert all(shapely.coverage_is_valid(layer.frame.geometry.values) for layer in real_layers.values())
    assert [level for level, layer in real_layers.items() if layer.dissolved] == ["provinsi"]


def test_web_simplification_keeps_one_coverage_without_gaps(real_layers):
    desa = real_layers["desa"].frame
    web = simplify_for_web(desa)
    assert len(web) == len(desa) and not web.geometry.is_empty.any()
    assert shapely.coverage_is_valid(web.geometry.values)  # neighbours share identical edges
    before = shapely.get_num_coordinates(desa.geometry.values).sum()
    after = shapely.get_num_coordinates(web.geometry.values).sum()
    assert after < 0.5 * before
    # The area of the province barely moves.
    assert shapely.area(web.geometry.values).sum() == pytest.approx(shapely.area(desa.geometry.values).sum(), rel=0.002)


# ----------------------------------------------------------------------------- repairs, on fixtures drawn by hand


def overlapping_desa(folder):
    """Four 1 km × 1 km desa in two kecamatan of one kabupaten, as a GeoPackage in UTM 47S:

        B1 13.01.02.2001 | B2 13.01.02.2002      y 1000..2000
        -----------------+-----------------
        A1 13.01.01.2001 | A2 13.01.01.2002      y 0..1000
           x 0..1000          x 1000..2000

    - A2 reaches 10 m into A1 along y 0..500:          overlap 10 m × 500 m = 0.50 ha
    - B2 reaches 20 m down into A2 along x 1500..2000: overlap 500 m × 20 m = 1.00 ha
    - all four stop 20 m short of the centre (1000, 1000), leaving one enclosed gap of
      40 m × 40 m = 0.16 ha, narrower than the 60 m gap width.
    Once repaired the four cover exactly 2 km × 2 km = 400 ha.
    """
    centre_gap = utm_box(980, 980, 1020, 1020)
    rows = [
        ("13.01.01.2001", "A1", utm_box(0, 0, 1000, 1000).difference(centre_gap)),
        ("13.01.01.2002", "A2", utm_box(1000, 0, 2000, 1000).union(utm_box(990, 0, 1000, 500)).difference(centre_gap)),
        ("13.01.02.2001", "B1", utm_box(0, 1000, 1000, 2000).difference(centre_gap)),
        (
            "13.01.02.2002",
            "B2",
            utm_box(1000, 1000, 2000, 2000).union(utm_box(1500, 980, 2000, 1000)).difference(centre_gap),
        ),
    ]
    raw = [r[2] for r in rows]
    assert shapely.get_num_interior_rings(shapely.union_all(raw)) == 1  # the gap is enclosed
    assert not shapely.coverage_is_valid(raw)
    return write_layer(folder / "desa_utm.gpkg", rows, UTM_47S)


def test_desa_only_layer_with_overlaps_and_gap_dissolves_into_whole_outlines(tmp_path):
    layers = read_boundaries(overlapping_desa(tmp_path / "batas"))
    desa = layers["desa"]
    fix = desa.perbaikan
    assert set(fix) == PERBAIKAN_KEYS
    assert fix["tumpang_tindih"] == 2 and fix["luas_tumpang_tindih_ha"] == pytest.approx(0.50 + 1.00, abs=0.01)
    assert fix["celah_ditutup"] == 1 and fix["luas_celah_ha"] == pytest.approx(0.16, abs=0.01)
    assert fix["geometri_diperbaiki"] == 0 and not fix["koordinat_3d_dibuang"]
    assert fix["crs_sumber"] == UTM_47S and not fix["crs_diasumsikan"]
    assert (
        "2 pasang poligon tumpang tindih (1,50 ha) dan 1 celah lebih sempit dari 60 m (0,16 ha) diperbaiki "
        "sebelum penggabungan" in desa.notes
    )

    geoms = desa.frame.geometry.values
    assert shapely.coverage_is_valid(geoms)
    desa_ha = ha_equal_area(geoms)
    assert desa_ha.sum() == pytest.approx(400, rel=2e-3)  # UTM's scale at 150 km from the meridian: 0.02 %

    kecamatan, kabkota = layers["kecamatan"], layers["kabkota"]
    assert kecamatan.dissolved and kabkota.dissolved
    assert list(kecamatan.frame["kode"]) == ["13.01.01", "13.01.02"] and list(kabkota.frame["kode"]) == ["13.01"]
    assert all(whole(g) for g in kecamatan.frame.geometry) and whole(kabkota.frame.geometry.iloc[0])
    by_kecamatan = desa.frame.assign(ha=desa_ha).groupby(desa.frame["kode"].str.slice(0, 8))["ha"].sum()
    assert ha_equal_area(kecamatan.frame.geometry.values) == pytest.approx(by_kecamatan.to_numpy(), rel=1e-9)
    assert ha_equal_area(kabkota.frame.geometry.values)[0] == pytest.approx(desa_ha.sum(), rel=1e-9)
    # Dissolved layers repaired nothing themselves; they keep the source's CRS.
    assert kabkota.perbaikan == empty_perbaikan(UTM_47S)
    assert any("digabung" in note or "menggabungkan" in note for note in kabkota.notes)


def test_prepare_reports_repairs_per_level(tmp_path):
    prepared = prepare(overlapping_desa(tmp_path / "batas"), tmp_path / "cache")
    stored = json.loads((prepared["desa"].geojson.parent / "meta.json").read_text(encoding="utf-8"))
    for level in ("desa", "kecamatan", "kabkota"):
        meta = prepared[level].meta
        assert stored[level]["meta"] == meta
        assert set(meta["perbaikan"]) == PERBAIKAN_KEYS
        assert meta["geometri_diperbaiki"] == meta["perbaikan"]["geometri_diperbaiki"] == 0
        assert isinstance(meta["catatan"], list) and meta["catatan"]
    assert prepared["desa"].meta["perbaikan"]["tumpang_tindih"] == 2
    assert prepared["desa"].meta["perbaikan"]["luas_celah_ha"] == pytest.approx(0.16, abs=0.01)
    assert prepared["kecamatan"].meta["perbaikan"]["tumpang_tindih"] == 0
    assert prepared["kabkota"].meta["digabung_dari_desa"]


def test_multipolygon_desa_keeps_its_islands(tmp_path):
    """Desa A1 is a 1 km square with two islands of 200 m × 200 m (4 ha each) 500 m off its
    west coast; its neighbour A2 reaches 10 m into it, so the layer must be cleaned."""
    islands = [utm_box(-700, 100, -500, 300), utm_box(-700, 600, -500, 800)]
    rows = [
        ("13.01.01.2001", "A1", shapely.MultiPolygon([utm_box(0, 0, 1000, 1000), *islands])),
        ("13.01.01.2002", "A2", utm_box(990, 0, 2000, 1000)),
    ]
    folder = tmp_path / "batas"
    write_layer(folder / "desa.gpkg", rows, UTM_47S)
    layers = read_boundaries(folder)
    a1 = layers["desa"].frame.set_index("kode").geometry["13.01.01.2001"]
    assert a1.geom_type == "MultiPolygon" and len(a1.geoms) == 3
    assert sorted(ha_equal_area(list(a1.geoms)))[:2] == pytest.approx([4, 4], rel=2e-3)
    # The 1 ha overlap went to one of the two: together they cover 2 km × 1 km plus the islands.
    assert ha_equal_area(layers["desa"].frame.geometry.values).sum() == pytest.approx(200 + 4 + 4, rel=2e-3)
    assert layers["desa"].perbaikan["tumpang_tindih"] == 1
    kecamatan = layers["kecamatan"].frame.geometry.iloc[0]
    assert kecamatan.geom_type == "MultiPolygon" and len(kecamatan.geoms) == 3
    assert all(shapely.get_num_interior_rings(p) == 0 for p in kecamatan.geoms)
    web = json.loads(prepare(folder, tmp_path / "cache")["desa"].geojson.read_text())
    a1_web = next(f for f in web["features"] if f["properties"]["kode"] == "13.01.01.2001")
    assert a1_web["geometry"]["type"] == "MultiPolygon" and len(a1_web["geometry"]["coordinates"]) == 3


def test_3d_coordinates_are_dropped_and_codes_in_both_forms_are_read(tmp_path):
    """BIG layers often carry Z; Dukcapil codes come as 10 plain digits or dotted."""
    rows = [
        ("1301012001", "Satu", shapely.force_3d(box(100.0, -1.0, 100.01, -0.99), 12.5)),
        ("13.01.01.2002", "Dua", shapely.force_3d(box(100.01, -1.0, 100.02, -0.99), 30.0)),
        ("1301022001", "Tiga", shapely.force_3d(box(100.0, -0.99, 100.02, -0.98), 7.0)),
    ]
    folder = tmp_path / "batas"
    write_layer(folder / "desa_3d.geojson", rows, "EPSG:4326")
    assert gpd.read_file(folder / "desa_3d.geojson").has_z.all()
    layers = read_boundaries(folder)
    desa = layers["desa"]
    assert list(desa.frame["kode"]) == ["13.01.01.2001", "13.01.01.2002", "13.01.02.2001"]
    assert not shapely.has_z(desa.frame.geometry.values).any()
    assert desa.perbaikan["koordinat_3d_dibuang"] and any("3-D" in note for note in desa.notes)
    assert list(layers["kecamatan"].frame["kode"]) == ["13.01.01", "13.01.02"]
    assert list(layers["kabkota"].frame["kode"]) == ["13.01"]
    assert whole(layers["kabkota"].frame.geometry.iloc[0])


def shapefile_without_prj(folder, rows, crs):
    shp = write_layer(folder / "desa.shp", rows, crs)
    shp.with_suffix(".prj").unlink()  # as when the .prj is lost on the way
    return folder


def test_shapefile_without_prj_in_lonlat_is_assumed_wgs84(tmp_path):
    rows = [
        ("13.01.01.2001", "Satu", box(100.0, -1.0, 100.01, -0.99)),
        ("13.01.01.2002", "Dua", box(100.01, -1.0, 100.02, -0.99)),
    ]
    folder = shapefile_without_prj(tmp_path / "batas", rows, "EPSG:4326")
    desa = read_boundaries(folder)["desa"]
    assert desa.perbaikan["crs_sumber"] == "tidak ada" and desa.perbaikan["crs_diasumsikan"]
    assert any("EPSG:4326" in note and "tidak punya CRS" in note for note in desa.notes)
    assert desa.frame.geometry.iloc[0].equals(box(100.0, -1.0, 100.01, -0.99))
    # The CRS given is part of the cache key: saying it prepares anew, no longer assumed.
    assumed = prepare(folder, tmp_path / "cache")
    stated = prepare(folder, tmp_path / "cache", crs="EPSG:4326")
    assert assumed["desa"].geojson != stated["desa"].geojson
    assert assumed["desa"].meta["perbaikan"]["crs_diasumsikan"]
    assert stated["desa"].meta["perbaikan"] == empty_perbaikan("EPSG:4326")


def test_shapefile_without_prj_in_metres_needs_crs(tmp_path):
    rows = [
        ("13.01.01.2001", "Satu", utm_box(0, 0, 1000, 1000)),
        ("13.01.01.2002", "Dua", utm_box(1000, 0, 2000, 1000)),
    ]
    folder = shapefile_without_prj(tmp_path / "batas", rows, UTM_47S)
    with pytest.raises(InputError) as err:
        read_boundaries(folder)
    assert err.value.berkas == "desa.shp"
    assert "tidak punya CRS" in str(err.value) and "--crs" in str(err.value)
    layers = read_boundaries(folder, crs=UTM_47S)
    assert layers["desa"].perbaikan["crs_sumber"] == UTM_47S and not layers["desa"].perbaikan["crs_diasumsikan"]
    x, y = layers["kabkota"].frame.geometry.iloc[0].centroid.coords[0]
    assert 100.3 < x < 100.4 and -0.95 < y < -0.85  # back in degrees
    assert ha_equal_area(layers["kabkota"].frame.geometry.values)[0] == pytest.approx(200, rel=2e-3)


def test_unknown_crs_is_an_input_error(tmp_path):
    folder = write_boundaries(tmp_path / "batas")
    with pytest.raises(InputError, match="EPSG:999999"):
        read_boundaries(folder, crs="EPSG:999999")


@pytest.mark.parametrize(
    "geometry, kind",
    [
        (shapely.LineString([(100.02, -1.0), (100.03, -0.99)]), "garis"),
        (shapely.Point(100.025, -0.995), "titik"),
    ],
)
def test_non_polygon_feature_is_named(tmp_path, geometry, kind):
    rows = [
        ("13.01.01.2001", "Satu", box(100.0, -1.0, 100.01, -0.99)),
        ("13.01.01.2002", "Dua", box(100.01, -1.0, 100.02, -0.99)),
        ("1301012003", "Tiga", geometry),
    ]
    folder = tmp_path / "batas"
    write_layer(folder / "desa.geojson", rows, "EPSG:4326")
    with pytest.raises(InputError) as err:
        read_boundaries(folder)
    assert err.value.berkas == "desa.geojson" and err.value.fitur == "ke-3 (kode 13.01.01.2003)"
    assert kind in str(err.value) and "poligon" in str(err.value)


def test_empty_or_unreadable_layers_are_input_errors(tmp_path):
    empty = tmp_path / "kosong"
    empty.mkdir()
    (empty / "desa.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(InputError, match="kosong"):
        read_boundaries(empty)
    broken = tmp_path / "rusak"
    broken.mkdir()
    (broken / "desa.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": ', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_boundaries(broken)
    assert err.value.berkas == "desa.geojson"


def test_dissolve_falls_back_to_plain_union_then_names_the_region(tmp_path, monkeypatch):
    folder = write_boundaries(tmp_path / "batas")  # four squares that already form a coverage

    def fails(*args, **kwargs):
        raise GEOSException("TopologyException: simulated")

    monkeypatch.setattr(shapely, "coverage_union_all", fails)
    layers = read_boundaries(folder)
    assert sorted(layers["kecamatan"].frame["kode"]) == ["13.01.01", "13.01.02", "13.71.01"]
    assert all(whole(g) for g in layers["kecamatan"].frame.geometry)
    assert any("penggabungan biasa" in note for note in layers["kecamatan"].notes)
    monkeypatch.setattr(shapely, "union_all", fails)
    with pytest.raises(InputError) as err:
        read_boundaries(folder)
    assert err.value.berkas == "desa_big.geojson" and err.value.fitur == "kecamatan 13.01.01"


# ----------------------------------------------------------------------------- sources and cache


def test_zipped_shapefile_in_utm_with_big_columns(tmp_path):
    folder = write_boundaries(tmp_path / "src")
    frame = gpd.read_file(folder / "desa_big.geojson").to_crs(32747)  # UTM 47S, metres
    shp = tmp_path / "shp"
    shp.mkdir()
    frame.to_file(shp / "desa.shp")
    archive = tmp_path / "batas" / "desa.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.iterdir():
            zf.write(part, part.name)
    layers = read_boundaries(archive.parent)
    desa = layers["desa"]
    assert desa.code_column == "KDEPUM" and desa.name_column == "WADMKD"
    assert sorted(desa.frame["kode"]) == ["13.01.01.2001", "13.01.01.2002", "13.01.02.2001", "13.71.01.1001"]
    x, y = desa.frame.geometry.union_all().centroid.coords[0]
    assert 100.0 < x < 100.5 and -1.2 < y < -0.8  # back in degrees
    assert layers["kabkota"].dissolved and sorted(layers["kabkota"].frame["nama"]) == ["Contoh", "Kota Contoh"]
    assert desa.perbaikan["crs_sumber"] == UTM_47S


def test_prepared_boundaries_are_cached_by_content(tmp_path):
    folder = write_boundaries(tmp_path / "src")
    first = prepare(folder, tmp_path / "cache")
    assert json.loads(first["desa"].geojson.read_text())["features"]
    second = prepare(folder, tmp_path / "cache")
    assert second["desa"].geojson == first["desa"].geojson  # served from the cache
    assert second["desa"].meta["perbaikan"] == first["desa"].meta["perbaikan"]
    (folder / "desa_big.geojson").write_text((folder / "desa_big.geojson").read_text().replace("Alpha", "Alfa"))
    third = prepare(folder, tmp_path / "cache")
    assert third["desa"].geojson != first["desa"].geojson
    assert "Alfa" in set(third["desa"].attributes["nama"])
