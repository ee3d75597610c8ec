"""The indicator registry and the catalogue document generated from it."""

from etl import config, indicators


def test_catalogue_document_is_current():
    text = (config.PROJECT_ROOT / "docs" / "indikator.md").read_text(encoding="utf-8")
    assert text == indicators.catalogue_markdown(), "run: python -m etl.indicators"


def test_every_rate_has_counts_of_the_registry_as_numerator_and_denominator():
    for ind in indicators.INDICATORS:
        if ind.jenis == indicators.PERSEN:
            assert indicators.get(ind.pembilang).jenis == indicators.JUMLAH
            assert indicators.get(ind.penyebut).jenis == indicators.JUMLAH


def test_disability_indicators_say_only_dtks_members_count():
    for kolom in ("jiwa_d1_disabilitas", "kk_d1_disabilitas", "pct_jiwa_d1_disabilitas", "pct_kk_d1_disabilitas"):
        ind = indicators.get(kolom)
        assert ind.kelompok == "Kelompok rentan" and "Hanya anggota yang ditemukan di DTKS" in ind.definisi
