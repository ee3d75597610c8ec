"""The Metodologi page and the deck's method slide: one text (kantong/metode.py), written for
a reader who is not an analyst: labels instead of column codes, the classification methods,
rates on small numbers, nagari without polygons, the plan's targets."""

from __future__ import annotations

import json
import re

import pytest

from etl import config, indicators
from etl.pipeline import build
from kantong import metode, priority, rakor
from kantong.data import SnapshotStore
from layouts import method
from tests import fixtures

CODE = re.compile(r"\b(" + "|".join(map(re.escape, indicators.IDS)) + r")\b")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("metode")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "uji"))
    return SnapshotStore(folder / "snapshots").latest()


def texts(node) -> list[str]:
    """Every string shown by a Dash component tree, in order."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, (list, tuple)):
        return [t for child in node for t in texts(child)]
    children = getattr(node, "children", None)
    return texts(children) if children is not None else []


def section(page, kunci: str):
    def walk(node):
        if getattr(node, "id", None) == f"metode-{kunci}":
            return node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
            if (hit := walk(child)) is not None:
                return hit
        return None

    found = walk(page)
    assert found is not None, kunci
    return found


def test_definitions_name_indicators_by_label_not_code():
    rate = indicators.get("pct_d1_non_dtks")
    assert rate.definisi == "kk_d1_non_dtks ÷ kk_desil_1 × 100."  # the registry keeps the formula
    assert metode.definisi(rate) == "KK desil 1 belum masuk DTKS dibagi keluarga desil 1, dikali 100."
    assert metode.definisi(indicators.get("kk_d1_non_dtks")).endswith(
        "(keluarga desil 1 − KK desil 1 terdaftar di DTKS)."
    )
    assert all(not CODE.search(metode.definisi(i)) for i in indicators.INDICATORS)


def test_page_uses_labels_and_keeps_codes_to_the_appendix(snapshot):
    page = method.page(snapshot)
    appendix = " ".join(texts(section(page, "lampiran")))
    body = " ".join(texts(page)).replace(appendix, "")
    assert CODE.findall(body) == []
    assert all(i.id in appendix and i.label in appendix for i in indicators.INDICATORS)
    catalogue = " ".join(texts(section(page, "indikator")))
    assert "KK desil 1 belum masuk DTKS dibagi keluarga desil 1, dikali 100." in catalogue


def test_page_explains_each_classification_and_when_to_use_it(snapshot):
    text = " ".join(texts(section(method.page(snapshot), "klasifikasi")))
    for name in ("Kuantil", "Jeda alami (Fisher–Jenks)", "Interval sama"):
        k = next(k for k in metode.KLASIFIKASI if k.nama == name)
        assert name in text and k.cara in text and k.kapan in text
    assert "jumlah wilayahnya kira-kira sama" in text  # quantiles
    assert "loncatan nilai yang terbesar" in text  # natural breaks
    assert "sama lebar" in text  # equal intervals
    assert {k.kunci for k in metode.KLASIFIKASI} == {"kuantil", "jenks", "interval"}


def test_page_explains_small_numbers_and_nagari_without_polygons(snapshot):
    page = method.page(snapshot)
    few = " ".join(texts(section(page, "terlalu-sedikit")))
    assert f"kurang dari {config.MIN_PENYEBUT} KK" in few and "terlalu sedikit" in few
    assert "tidak ikut pembagian kelas warna, daftar 10 teratas, peringkat, maupun skor prioritas" in few
    assert "kurang dari 25 KK" in " ".join(metode.bagian(min_penyebut=25)[2].paragraf)
    polygons = " ".join(texts(section(page, "tanpa-poligon")))
    assert "titik di dalam wilayah kecamatannya" in polygons and "perkiraan" in polygons
    assert "tetap dihitung" in polygons


def test_page_defines_the_plan_targets_as_priority_does(snapshot):
    text = " ".join(texts(section(method.page(snapshot), "target")))
    for target in priority.TARGETS:
        assert target.label in text and target.definisi in text
    assert priority.TARGET_LIMITS in text


def test_boundary_source_is_named_by_its_dataset_not_its_file(snapshot):
    shipped = {
        "sumber": {
            "batas_wilayah": {
                "desa": {"sumber": "13_desa.geojson.zip"},
                "kecamatan": {"sumber": "13_kecamatan.geojson.zip"},
                "kabkota": {"sumber": "13_kabkota.geojson.zip"},
            }
        }
    }
    assert metode.sumber_batas(shipped) == metode.BATAS_BAWAAN_NAMA
    assert "wilayah_boundaries" in metode.BATAS_BAWAAN_NAMA and "geojson" not in metode.BATAS_BAWAAN_NAMA
    other = {"sumber": {"batas_wilayah": {"desa": {"sumber": "batas_desa_big.gpkg"}}}}
    assert metode.sumber_batas(other) == "berkas batas_desa_big.gpkg"  # all the ETL knows of it
    assert metode.sumber_batas({}) == "tidak tercatat"
    source = " ".join(texts(section(method.page(snapshot), "sumber")))
    assert "batas wilayah: berkas desa_big.geojson" in source  # the fixture's own boundary file


def test_method_slide_speaks_in_labels_and_in_the_page_s_words(snapshot):
    plan = rakor.PlanRows("Rencana Uji", "Rencana tersimpan uji.", [])
    slide = rakor.method_slide(snapshot, "pct_d1_non_dtks", "jenks", plan)
    text = "\n".join(slide.lines)
    assert slide.kind == "metode" and slide.title == "Metodologi dan sumber data"
    assert CODE.findall(text) == []
    assert "Persentase KK desil 1 belum masuk DTKS: KK desil 1 belum masuk DTKS dibagi keluarga desil 1" in text
    sections = {b.kunci: b for b in metode.bagian()}
    assert sections["terlalu-sedikit"].ringkas in text and sections["tanpa-poligon"].ringkas in text
    assert metode.klasifikasi("jenks").cara in text
    assert "Prioritas: Rencana tersimpan uji." in text


def test_deck_ends_with_the_method_slide(snapshot):
    plan = rakor.PlanRows("Rencana Uji", "Rencana tersimpan uji.", [])
    slides = rakor.build_slides(snapshot, "kk_d1_non_dtks", plan)
    assert slides[-1].kind == "metode"
    assert slides[-1].lines == rakor.method_slide(snapshot, "kk_d1_non_dtks", "kuantil", plan).lines
    assert json.dumps(slides[-1].lines, ensure_ascii=False).count("Sumber:") == 1


def test_the_footer_names_the_boundary_dataset_not_a_file():
    from kantong import metode

    summary = {
        "sumber": {
            "batas_wilayah": {
                "desa": {"sumber": "13_desa.geojson.zip"},
                "kecamatan": {"sumber": "13_kecamatan.geojson.zip"},
                "kabkota": {"sumber": "13_kabkota.geojson.zip"},
                "provinsi": {"sumber": "gabungan dari 13_kabkota.geojson.zip"},
            }
        }
    }
    assert metode.sumber_batas(summary) == metode.BATAS_BAWAAN_NAMA
    assert ".geojson" not in metode.sumber_batas(summary)
