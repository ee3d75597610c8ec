"""Region resolution: by code, by code under a known kecamatan, by names, or rejected."""

import pandas as pd
import pytest

from etl.boundaries import PreparedLayer
from etl.regions import build_reference, name_key, resolve


def _layer(level, rows):
    return PreparedLayer(level, pd.DataFrame(rows, columns=["kode", "nama"]), pd.DataFrame(), None, {}, {})


@pytest.fixture
def ref():
    layers = {
        "desa": _layer(
            "desa", [("13.02.01.2001", "Koto Baru"), ("13.72.01.1001", "Koto Baru"), ("13.02.01.2002", "Sungai Jaring")]
        ),
        "kecamatan": _layer("kecamatan", [("13.02.01", "Kubung"), ("13.72.01", "Lubuk Sikarah")]),
        "kabkota": _layer("kabkota", [("13.02", "Kabupaten Solok"), ("13.72", "Kota Solok")]),
    }
    return build_reference(layers)


def _keys(*rows):
    return pd.DataFrame(rows, columns=["kode_desa_data", "kode_asli", "nama_kabkota", "nama_kecamatan", "nama_desa"])


def test_code_first_then_kecamatan_then_names(ref):
    out = resolve(
        _keys(
            ("13.02.01.2001", "1302012001", None, None, None),
            ("13.02.01.2009", "1302012009", "KAB SOLOK", "KUBUNG", "NAGARI BARU"),  # pemekaran: no polygon yet
            (None, "13020199", "Kab. Solok", "kubung", "KOTO  BARU"),
            (None, "13720199", "KOTA SOLOK", "LUBUK SIKARAH", "KOTO BARU"),
            (None, "", "SOLOK", "KUBUNG", "KOTO BARU"),  # no type word: "Solok" is ambiguous
            ("12.01.01.2001", "1201012001", "KAB. NIAS", "IDANOGAWO", "TETEHOSI"),
        ),
        ref,
    )
    assert out["kode_desa"].tolist()[:4] == ["13.02.01.2001", "13.02.01.2009", "13.02.01.2001", "13.72.01.1001"]
    assert out["cara"].tolist()[:4] == ["kode", "kode_tanpa_poligon", "nama", "nama"]
    assert pd.isna(out.loc[4, "kode_desa"]) and "ambigu" in out.loc[4, "alasan"]
    assert (
        out.loc[5, "alasan"] == "kode wilayah tidak dikenal ('1201012001'); kabupaten/kota 'KAB. NIAS' tidak ditemukan"
    )


def test_name_keys_ignore_case_spacing_and_type_words():
    assert name_key("NAGARI  Koto Baru", "desa") == name_key("koto baru", "desa") == "KOTOBARU"
    assert name_key("Kec. Kubung", "kecamatan") == "KUBUNG"
    assert name_key("Kabupaten Lima Puluh Kota", "kabkota") == "LIMAPULUHKOTA"
