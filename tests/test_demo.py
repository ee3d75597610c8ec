"""The demo: seeded, calibrated to the province facts, messy, and fully accounted for."""

import hashlib
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from etl import config
from etl.__main__ import main
from etl.demo import FULL_D1, FULL_FAMILIES, generate

SCALE = 0.01


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    mp.setattr(config, "CACHE_DIR", root / "cache")
    code = main(["demo", "--skala", str(SCALE), "--input-dir", str(root / "input"), "--out", str(root / "snapshot")])
    mp.undo()
    assert code == 0
    return root


def test_calibrated_to_the_province_facts(demo):
    prov = pd.read_parquet(demo / "snapshot" / "provinsi.parquet").iloc[0]
    assert prov.kk_desil_1 == round(FULL_D1 * SCALE)
    assert prov.kk_total == round(FULL_FAMILIES * SCALE)
    desa = pd.read_parquet(demo / "snapshot" / "desa.parquet")
    assert len(desa) == 1265  # every nagari/desa/kelurahan of the official list
    assert (~desa["punya_poligon"]).sum() == 106
    assert desa.groupby("kode_kabkota")["kk_desil_1"].sum().gt(0).all()  # every kab/kota has D1 families


def test_messiness_is_all_caught(demo):
    summary = json.loads((demo / "snapshot" / "summary.json").read_text())
    for f in summary["berkas"]:
        assert f["baris_dibaca"] == f["dimuat"] + f["ditolak"], f["berkas"]
    rejects = pq.read_table(demo / "snapshot" / "ditolak.parquet").to_pandas()
    reasons = rejects["alasan"]
    assert reasons.str.startswith("ID keluarga duplikat").sum() == 19  # one per kab/kota file at this scale
    assert reasons.str.startswith("desil tidak valid").sum() == 19
    assert (reasons.str.contains("KABUPATEN NIAS") & (rejects["jenis"] == "keluarga")).sum() == 38
    assert (reasons == "ID keluarga tidak ada di berkas keluarga").sum() == 19
    assert summary["wilayah"]["dicocokkan_nama"]  # families placed by name only
    assert summary["nik"]["individu"]["angka"] > 0 and summary["nik"]["keluarga"]["valid"] > 0
    assert summary["pencocokan"]["dtks_tidak_aktif"] > 0
    formats = {f["format"] for f in summary["berkas"]}
    delimiters = {f["pemisah"] for f in summary["berkas"] if f["format"] == "csv"}
    assert formats == {"csv", "xlsx"} and delimiters == {",", ";", "|", "\t"}
    assert any("kualitas_atap" in f["kolom_opsional_tidak_ada"] for f in summary["berkas"])  # the older layout


def test_same_seed_same_bytes(tmp_path):
    def digest(folder):
        files = generate(folder, scale=0.002, seed=7)
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files.all}

    assert digest(tmp_path / "a") == digest(tmp_path / "b")
