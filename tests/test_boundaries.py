"""Boundaries: any OGR source and CRS, repair, and simplification that keeps borders shared."""

import json
import zipfile

import geopandas as gpd
import pytest
import shapely

from etl.boundaries import normalise_code, prepare, read_boundaries, simplify_for_web
from tests.conftest import SHARED_DATA
from tests.fixtures import write_boundaries


def test_codes_normalise_to_dotted_form():
    assert normalise_code("1306012001") == "13.06.01.2001"
    assert normalise_code("13.06") == "13.06"
    assert normalise_code("130601") == "13.06.01"
    assert normalise_code("13.6.1") is None and normalise_code("abc") is None


@pytest.fixture(scope="module")
def shared_layers():
    return read_boundaries(SHARED_DATA / "boundaries")


def test_shared_boundaries_are_read_and_repaired(shared_layers):
    assert {lvl: len(layer.frame) for lvl, layer in shared_layers.items()} == {"desa": 1159, "kecamatan": 179, "kabkota": 19}
    # The README lists 1 kab/kota and 4 kecamatan polygons with self-intersections.
    assert shared_layers["kabkota"].repaired == 1 and shared_layers["kecamatan"].repaired == 4
    assert all(shapely.is_valid(layer.frame.geometry.values).all() for layer in shared_layers.values())


def test_web_simplification_keeps_one_coverage_without_gaps(shared_layers):
    desa = shared_layers["desa"].frame
    web = simplify_for_web(desa)
    assert len(web) == len(desa) and not web.geometry.is_empty.any()
    assert shapely.coverage_is_valid(web.geometry.values)  # neighbours share identical edges
    before = shapely.get_num_coordinates(desa.geometry.values).sum()
    after = shapely.get_num_coordinates(web.geometry.values).sum()
    assert after < 0.5 * before
    # The area of the province barely moves.
    assert shapely.area(web.geometry.values).sum() == pytest.approx(shapely.area(desa.geometry.values).sum(), rel=0.002)


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


def test_prepared_boundaries_are_cached_by_content(tmp_path):
    folder = write_boundaries(tmp_path / "src")
    first = prepare(folder, tmp_path / "cache")
    assert json.loads(first["desa"].geojson.read_text())["features"]
    second = prepare(folder, tmp_path / "cache")
    assert second["desa"].geojson == first["desa"].geojson  # served from the cache
    (folder / "desa_big.geojson").write_text((folder / "desa_big.geojson").read_text().replace("Alpha", "Alfa"))
    third = prepare(folder, tmp_path / "cache")
    assert third["desa"].geojson != first["desa"].geojson
    assert "Alfa" in set(third["desa"].attributes["nama"])
