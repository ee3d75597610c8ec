"""A snapshot of another province drives the builders of every page: nothing assumes
Sumatera Barat (tests/fixtures.py: write_other_province, hand-counted)."""

from __future__ import annotations

import pytest

from tests import fixtures


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    from etl.pipeline import build
    from kantong.data import SnapshotStore

    folder = tmp_path_factory.mktemp("lain")
    build(fixtures.other_province_inputs(folder, folder / "snapshots" / "uji"))
    return SnapshotStore(folder / "snapshots").latest()


def test_the_province_and_its_figures_come_from_the_snapshot(snapshot):
    prov = snapshot.provinsi
    assert (prov["kode"], prov["nama"]) == ("63", "Kalimantan Selatan")
    assert (prov["kk_desil_1"], prov["kk_d1_non_dtks"]) == (44, 17)
    assert list(snapshot.table("kabkota")["kode"]) == ["63.01", "63.71"]
    assert list(snapshot.table("kecamatan")["kk_desil_1"]) == [16, 20, 8]


def test_map_view_drill_down_and_profile(snapshot):
    from callbacks.profile import profile
    from kantong import report
    from kantong.view import View

    view = View.from_query("", snapshot)
    assert (view.wilayah, view.profil, view.tingkat) == ("63", "63", "kabkota")
    frame, classes = report.view_classes(snapshot, view)
    assert sorted(frame["kode"]) == ["63.01", "63.71"]
    inside = view.open_region("63.01")
    assert (inside.wilayah, inside.tingkat) == ("63.01", "desa")
    nagari = View.from_query(inside.open_region("63.01.02.2001").to_query(), snapshot)
    frame, _ = report.view_classes(snapshot, nagari)
    assert frame.loc["63.01.02.2001", "nilai"] == 10 and frame.loc["63.01.02.2001", "peringkat"] == 1
    text = str(profile(snapshot, nagari))
    assert "Tanjung Uji" in text and "Kalimantan Selatan" in text


def test_priority_exports_and_deck(snapshot):
    from kantong import priority, rakor, report
    from kantong.view import View

    scored = priority.scored_for(snapshot, priority.weights_for(priority.DEFAULT_PRESET))
    assert priority.SelectionRule().select(scored) == ["63.01.02.2001", "63.71.01.1001"]
    assert "Kalimantan Selatan" in report.source_line(snapshot)
    text = report.map_text(snapshot, View.from_query("?tingkat=desa", snapshot))
    assert "Kalimantan Selatan" in text.title + text.subtitle
    slides = rakor.build_slides(snapshot, "kk_d1_non_dtks", rakor.automatic_plan(snapshot, 2026))
    assert slides[0].title == "Penanggulangan Kemiskinan Ekstrem Provinsi Kalimantan Selatan"
    assert "Dinas Sosial Provinsi Kalimantan Selatan" in slides[0].lines[-1]
    assert [s.title for s in slides if s.kind == "kabkota"] == list(snapshot.table("kabkota")["nama"])
    assert all("Sumatera" not in str(s) for s in slides)


@pytest.fixture(scope="module")
def two_provinces(tmp_path_factory):
    """The hand-counted Sumatera Barat fixture and the other province in one snapshot."""
    from kantong.data import SnapshotStore

    return SnapshotStore(fixtures.build_two_provinces(tmp_path_factory.mktemp("dua"))).latest()


def test_a_region_above_the_provinces_appears(two_provinces):
    from kantong.view import View

    snap = two_provinces
    top = snap.akar
    assert (top["kode"], top["nama"]) == ("ID", "Indonesia") and snap.provinsi is None
    assert top["kk_desil_1"] == fixtures.EXPECTED_PROVINSI["kk_desil_1"] + 44
    assert list(snap.table("provinsi")["kode"]) == ["13", "63"]
    assert snap.map_levels == ("provinsi", "kabkota", "kecamatan", "desa")
    assert snap.parents("63.01.02.2001") == ["ID", "63", "63.01", "63.01.02"]
    view = View.from_query("", snap)
    assert (view.wilayah, view.tingkat, view.profil) == ("ID", "provinsi", "ID")
    down = view.open_region("63")
    assert (down.wilayah, down.tingkat) == ("63", "kabkota")
    assert sorted(snap.regions_in("63", "kabkota")["kode"]) == ["63.01", "63.71"]
    assert View(tingkat="desa", wilayah="63.01", profil="63.01").with_level("provinsi").wilayah == "ID"


def test_every_page_builder_works_on_two_provinces(two_provinces):
    from callbacks.presentation import step_view
    from callbacks.profile import profile
    from kantong import priority, rakor, report
    from kantong.view import View

    snap = two_provinces
    frame, classes = report.view_classes(snap, View.from_query("?indikator=kk_desil_1", snap))
    assert dict(zip(frame["kode"], frame["nilai"], strict=True)) == {"13": 5.0, "63": 44.0}
    assert frame.loc["63", "peringkat"] == 1 and sum(classes.jumlah) == 2
    assert "Indonesia" in str(profile(snap, View.from_query("?profil=63.01.02.2001", snap)))
    assert report.publisher(snap) == "Kantong" and "Kantong" in report.source_line(snap)
    scored = priority.scored_for(snap, priority.weights_for(priority.DEFAULT_PRESET))
    assert len(priority.SelectionRule().select(scored)) == 4  # one per kab/kota with desil-1 families
    slides = rakor.build_slides(snap, "kk_d1_non_dtks", rakor.automatic_plan(snap, 2026))
    assert slides[0].title == "Penanggulangan Kemiskinan Ekstrem Indonesia"
    assert slides[1].title.endswith("per provinsi") and len([s for s in slides if s.kind == "kabkota"]) == 4
    assert step_view(snap, "kk_desil_1", 0).tingkat == "provinsi"
    report.map_print(snap, View.from_query("", snap))  # the printed map of the provinces
