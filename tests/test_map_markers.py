"""Nagari without a polygon drawn as markers, printed-map labels that never cover one
another, and legends whose classes neither share an end nor hide an empty class."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import ids
from callbacks.view import next_view
from etl import indicators
from etl.boundaries import approximate_points
from etl.pipeline import build
from kantong import figures
from kantong.data import SnapshotStore
from kantong.geometry import Outline, mercator_y
from kantong.view import View
from tests import fixtures


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("markers")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "a"))
    return SnapshotStore(folder / "snapshots").latest()


def _box(x0, y0, x1, y1):
    return shapely.box(x0, y0, x1, y1)


def test_nagari_without_polygon_get_points_where_their_kecamatan_is_not_covered():
    kecamatan = gpd.GeoDataFrame({"kode": ["13.01.01"], "geometry": [_box(100.0, -1.0, 101.0, 0.0)]})
    # One nagari with a polygon covers the western half; two nagari without one remain.
    desa = gpd.GeoDataFrame({"kode": ["13.01.01.2001"], "geometry": [_box(100.0, -1.0, 100.5, 0.0)]})
    missing = pd.DataFrame(
        {
            "kode": ["13.01.01.2003", "13.01.01.2002", "13.01.09.2001"],
            "kode_kecamatan": ["13.01.01", "13.01.01", "13.01.09"],  # 13.01.09 has no polygon
        }
    )
    points = approximate_points(missing, kecamatan, desa)
    assert points["kode"].tolist() == ["13.01.01.2002", "13.01.01.2003"]  # by code; none for 13.01.09
    assert (points["lon"] > 100.5).all()  # in the uncovered eastern half
    first = points.iloc[0]
    assert abs(first["lon"] - 100.75) < 0.05 and abs(first["lat"] + 0.5) < 0.05  # its middle first
    second = points.iloc[1]
    assert np.hypot(second["lon"] - first["lon"], second["lat"] - first["lat"]) > 0.4  # then far from it
    assert points.equals(approximate_points(missing, kecamatan, desa))  # the same every build
    assert (points["bbox_timur"] - points["bbox_barat"]).round(5).tolist() == [0.02, 0.02]


def test_the_fixture_nagari_without_polygon_sits_in_its_kecamatan(snapshot):
    desa = snapshot.table("desa")
    epsilon = desa.loc["13.01.02.2002"]
    # Kec. Dua is Gamma's square (100.0..100.1, -1.1..-1.0), covered whole: its centre.
    assert bool(epsilon["lokasi_perkiraan"]) and (epsilon["lon"], epsilon["lat"]) == (100.05, -1.05)
    assert not desa.drop(index="13.01.02.2002")["lokasi_perkiraan"].any()


def test_the_map_draws_it_as_a_marker_in_its_class_colour_and_outlines_it_when_chosen(snapshot):
    from kantong import report

    view = View(tingkat="desa", wilayah="13.01", indikator="kk_d1_non_dtks", profil="13.01")
    frame, classes = report.view_classes(snapshot, view)
    fig = figures.map_figure(frame, classes, indicators.get("kk_d1_non_dtks"), "/geo.json", outline=["13.01.02.2002"])
    dots, halo = fig.data[figures.MARKER_TRACE], fig.data[figures.HALO_TRACE]
    assert list(dots.ids) == ["13.01.02.2002"] and (dots.lon, dots.lat) == ((100.05,), (-1.05,))
    kelas = int(classes.kelas[frame["kode"].tolist().index("13.01.02.2002")])
    assert list(dots.marker.color) == [kelas] and dots.marker.colorscale == fig.data[0].colorscale
    assert dots.customdata[0][-1] == "13.01.02.2002"  # what a click opens
    assert "lokasi perkiraan" in dots.hovertemplate
    assert list(halo.marker.color) == [figures.CHOSEN_COLOUR] and halo.marker.size[0] > figures.MARKER_SIZE + 4
    # Outlined as two lines, white under black, on every polygon class.
    assert [fig.data[i].marker.line.color for i in figures.OUTLINE_TRACES] == ["#ffffff", "#111111"]
    data = [t.to_plotly_json() for t in fig.data]
    figures.set_outline(data, [], list(halo.ids))
    assert data[figures.HALO_TRACE]["marker"]["color"] == [figures.HALO_COLOUR]
    assert all(data[i]["locations"] == [] for i in figures.OUTLINE_TRACES)


def test_clicking_a_marker_opens_its_nagari():
    view = View(tingkat="desa", wilayah="13.01", indikator="kk_d1_non_dtks", profil="13.01")
    click = {"points": [{"curveNumber": figures.MARKER_TRACE, "customdata": [0, 3, "", "13.01.02.2002"]}]}
    assert next_view(view, ids.PETA, click).profil == "13.01.02.2002"
    ring = {"points": [{"curveNumber": figures.HALO_TRACE}]}
    assert next_view(view, ids.PETA, ring) is None


def test_the_map_legend_counts_the_markers(snapshot):
    from callbacks import map_view

    view = View(tingkat="desa", wilayah="13.01", indikator="kk_d1_non_dtks", profil="13.01")
    pieces = map_view.view_pieces(None, snapshot, view)
    text = str(pieces["legend"])
    assert "Titik: nagari tanpa poligon, lokasi perkiraan" in text
    assert pieces["marker_codes"] == ["13.01.02.2002"]
    assert pieces["missing"] is None  # nothing is left off the map


def _square_outline(x, y, size):
    y0, y1 = float(mercator_y(y)), float(mercator_y(y + size))
    path = f"M{x},{y0}L{x + size},{y0}L{x + size},{y1}L{x},{y1}Z"
    return Outline(path, (x, y0, x + size, y1))


def test_printed_labels_never_cover_each_other_and_small_regions_get_numbers():
    ind = indicators.get("kk_d1_non_dtks")
    # Two wide neighbours with long names whose labels would collide, one tiny region.
    codes = ["13.01.01.2001", "13.01.01.2002", "13.01.01.2003"]
    outlines = {
        codes[0]: _square_outline(100.0, -1.0, 0.5),
        codes[1]: _square_outline(100.5, -1.0, 0.5),
        codes[2]: _square_outline(101.0, -1.0, 0.01),
    }
    frame = pd.DataFrame(
        {
            "kode": codes,
            "nama": ["Nagari Dengan Nama Sangat Panjang Sekali", "Nagari Tetangga Bernama Panjang Juga", "Kecil"],
            "nilai": [30.0, 20.0, 10.0],
            "peringkat": [1, 2, 3],
            "kk_total": [10, 10, 10],
            "punya_poligon": [True, True, True],
            "lon": [100.45, 100.55, 101.005],
            "lat": [-0.75, -0.75, -0.995],
        }
    )
    classes = figures.classify(frame["nilai"], frame["kk_total"] > 0, ind, "kuantil", "oranye")
    fig = figures.print_map_figure(frame, classes, ind, outlines, "desa")
    labels = [a for a in fig.layout.annotations if a.xref == "x"]
    assert [a.text for a in labels] == ["1. Nagari Dengan Nama Sangat Panjang Sekali"]
    numbers = [t for t in fig.data if t.mode == "markers+text"]
    assert sorted(t.text[0] for t in numbers) == ["2", "3"]
    listed = next(a.text for a in fig.layout.annotations if a.text and a.text.startswith("<b>Nomor di peta"))
    assert "2. Nagari Tetangga Bernama Panjang Juga: 20<br>3. Kecil: 10" in listed


def _legend_labels(values, method, ind_id):
    ind = indicators.get(ind_id)
    series = pd.Series(values, dtype="float64")
    classes = figures.classify(series, pd.Series([True] * len(values)), ind, method, "oranye")
    return classes, [label for _, label, _ in figures.legend_rows(classes, ind)]


def test_rate_classes_never_share_an_end_and_a_zero_class_reads_as_zero():
    classes, labels = _legend_labels([0, 0, 0, 0, 6.1, 6.14, 6.2, 8, 12, 20], "kuantil", "pct_d1_non_dtks")
    assert labels[0] == "0,0%"
    assert labels[1].startswith("0,1%")
    for before, after in zip(classes.batas, labels[1:]):
        shown_start = float(after.split(" – ")[0].rstrip("%").replace(",", "."))
        assert shown_start == pytest.approx(before + 0.1)
    # 6,14% is shown as 6,1%: it sits in the class whose label holds 6,1%.
    v = np.round(6.14, 1)
    k = classes.kelas[5]
    lower = classes.bawah if k == 0 else classes.batas[k - 1] + 0.1
    assert lower - 1e-9 <= v <= classes.batas[k] + 1e-9


def test_unbalanced_equal_intervals_are_flagged_beside_the_legend():
    values = [1] * 90 + [2] * 5 + [60, 61, 100]
    classes, _ = _legend_labels(values, "interval", "kk_d1_non_dtks")
    warning = figures.class_warning(classes)
    assert warning is not None and "kelas kosong" in warning
    assert "95 dari 98 wilayah" in warning and "Coba klasifikasi kuantil atau natural breaks" in warning
    balanced, _ = _legend_labels(list(range(1, 51)), "kuantil", "kk_d1_non_dtks")
    assert figures.class_warning(balanced) is None
