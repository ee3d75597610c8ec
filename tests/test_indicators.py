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
    for indikator in ("jiwa_d1_disabilitas", "kk_d1_disabilitas", "pct_jiwa_d1_disabilitas", "pct_kk_d1_disabilitas"):
        ind = indicators.get(indikator)
        assert ind.kelompok == "Kelompok rentan" and "Hanya anggota yang ditemukan di DTKS" in ind.definisi


def test_key_fact_notes_come_from_the_registry():
    import pandas as pd

    from kantong import rakor

    # The hand-counted fixture province (tests/fixtures.py): 5 D1 families of 10 members,
    # 2 outside DTKS (40%), 3 receiving bansos (60%).
    row = pd.Series(
        {
            "kk_desil_1": 5,
            "jiwa_desil_1": 10,
            "kk_d1_non_dtks": 2,
            "pct_d1_non_dtks": 40.0,
            "kk_d1_dtks_tanpa_bansos": 1,
            "pct_d1_dtks_tanpa_bansos": 20.0,
            "kk_d1_bansos": 3,
            "pct_d1_bansos": 60.0,
        }
    )
    assert rakor.key_fact(row, "kk_desil_1") == ("Keluarga desil 1 (miskin ekstrem)", "5 KK", "10 jiwa")
    assert rakor.key_fact(row, "kk_d1_non_dtks")[1:] == ("2 KK", "40,0% dari KK desil 1")
    assert rakor.key_fact(row, "pct_d1_bansos")[1:] == ("60,0%", "3 dari 5 KK desil 1")


def test_profile_sections_and_priority_criteria_come_from_the_registry():
    from callbacks.profile import COMPARISON
    from kantong import priority

    assert priority.CRITERIA == tuple(i.id for i in indicators.INDICATORS if i.kriteria)
    rows = {indikator: penyebut for _, section in COMPARISON for indikator, penyebut in section}
    assert rows["jiwa_d1_disabilitas"] == "jiwa_desil_1" and rows["kk_d1_disabilitas"] == "kk_desil_1"
    assert rows["kk_d1_pkh"] == "kk_desil_1" and set(rows) == {i.id for i in indicators.CATALOGUE if i.profil}
    assert [name for name, _ in COMPARISON] == [
        "Bansos reguler",
        "Kelompok rentan",
        "Rumah, air, sanitasi, stunting",
        "Hasil verval & asesmen",
    ]
    # Verification results are counts of their own, not shares of the desil-1 families.
    assert rows["kk_verval"] is None and rows["kk_butuh_modal_usaha"] is None
