"""Region search: Minang and Indonesian spellings, number words, Roman numerals and digits."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from kantong.search import fold, search

# Region names as the official code list writes them (data/wilayah/13_kode_wilayah.csv).
REGIONS = [
    ("13.04.05", "III Koto", "kecamatan"),
    ("13.04.05.2001", "Balai Baiak Malai III Koto", "desa"),
    ("13.06.10", "Ampek Angkek", "kecamatan"),
    ("13.06.11", "IV Koto", "kecamatan"),
    ("13.75.01.1001", "Aur Birugo Tigo Baleh", "desa"),
    ("13.07", "Kabupaten Lima Puluh Kota", "kabkota"),
    ("13.71.02.1001", "Gates Nan XX", "desa"),
    ("13.05.03", "2 x 11 Kayu Tanam", "kecamatan"),
    ("13.03.02", "IX Koto Sungai Lasi", "kecamatan"),
    ("13.10.04", "Sembilan Koto", "kecamatan"),
    ("13.06.01.2001", "Koto Tinggi", "desa"),
    ("13.06.02.2001", "Sungai Aia", "desa"),
    ("13.06.03.2001", "Koto XI Tarusan", "desa"),
]


@dataclass
class Regions:
    """What search reads of a snapshot: an id and every region's name and level."""

    id: str
    all_regions: pd.DataFrame

    def __hash__(self) -> int:
        return hash(self.id)


@pytest.fixture(scope="module")
def snapshot():
    frame = pd.DataFrame(REGIONS, columns=["kode", "nama", "tingkat"])
    frame["nama_kecamatan"] = None
    frame["nama_kabkota"] = None
    return Regions("uji-cari", frame)


def names(snapshot, query: str) -> list[str]:
    return search(snapshot, query)["nama"].tolist()


@pytest.mark.parametrize(
    "spellings",
    [
        ("ciek", "satu", "I", "1"),
        ("duo", "dua", "II", "2"),
        ("tigo", "tiga", "III", "3"),
        ("ampek", "empat", "IV", "4"),
        ("limo", "lima", "V", "5"),
        ("anam", "enam", "VI", "6"),
        ("tujuah", "tujuh", "VII", "7"),
        ("salapan", "delapan", "VIII", "8"),
        ("sambilan", "sembilan", "IX", "9"),
        ("sapuluah", "sepuluh", "X", "10"),
        ("sabaleh", "sebelas", "XI", "11"),
        ("duo baleh", "dua belas", "XII", "12"),
        ("tigo baleh", "tiga belas", "XIII", "13"),
        ("duo puluah", "dua puluh", "XX", "20"),
    ],
)
def test_number_words_roman_numerals_and_digits_fold_alike(spellings):
    folded = {fold(f"{s} Koto") for s in spellings}
    assert len(folded) == 1, folded


def test_fold_keeps_what_already_worked():
    assert fold("Nagari Koto Tinggi") == fold("kota tinggi") == "KOTA TINGGI"
    assert fold("Sungai Aia") == fold("sungai air")
    assert fold("IV Koto") == "4 KOTA"
    assert fold("Kota Solok") != fold("Kabupaten Solok")
    assert fold("Limo Puluah Koto") == fold("Lima Puluh Kota") == "50 KOTA"
    assert fold("2 x 11 Kayu Tanam") == fold("2x11 kayu tanam") == "2 X 11 KAYU TANAM"  # x is "times" here


def test_minang_numbers_find_roman_numerals_and_back(snapshot):
    assert names(snapshot, "Tigo Koto")[:2] == ["III Koto", "Balai Baiak Malai III Koto"]
    assert names(snapshot, "IV Angkek") == ["Ampek Angkek"]
    assert names(snapshot, "ampek angkek") == ["Ampek Angkek"]
    assert names(snapshot, "Empat Koto")[0] == "IV Koto"
    assert names(snapshot, "XIII")[0] == "Aur Birugo Tigo Baleh"
    assert names(snapshot, "Nan Duo Puluah")[0] == "Gates Nan XX"
    assert names(snapshot, "Limo Puluah Koto")[0] == "Kabupaten Lima Puluh Kota"
    assert names(snapshot, "50 kota")[0] == "Kabupaten Lima Puluh Kota"
    assert set(names(snapshot, "Sambilan Koto")[:2]) == {"Sembilan Koto", "IX Koto Sungai Lasi"}
    assert names(snapshot, "sabaleh tarusan")[0] == "Koto XI Tarusan"


def test_a_number_matches_only_whole_numbers(snapshot):
    # III is 3: not the 13 of Tigo Baleh (folded "13"), nor the 11 of XI.
    hits = names(snapshot, "III")
    assert "Aur Birugo Tigo Baleh" not in hits
    assert {"III Koto", "Balai Baiak Malai III Koto"} <= set(hits)
    assert "Koto XI Tarusan" not in names(snapshot, "koto ciek")  # 1, not 11


def test_half_typed_words_and_old_variants_still_find(snapshot):
    assert names(snapshot, "Ampe") == ["Ampek Angkek"]  # typing "Ampek" letter by letter
    assert names(snapshot, "kota tinggi")[0] == "Koto Tinggi"
    assert names(snapshot, "sungai air")[0] == "Sungai Aia"
    assert set(names(snapshot, "IV")) == {"IV Koto", "Ampek Angkek"}  # two letters that fold to one digit
