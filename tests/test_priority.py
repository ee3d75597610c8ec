"""Priority score and selection rules on a frame small enough to check by hand."""

import pandas as pd
import pytest

from kantong import priority


def _frame():
    # Five nagari in two kab/kota. N4 has no desil-1 family; N1 and N2 tie on everything
    # but their codes.
    rows = [
        # kode, kab, d1, non_dtks
        ("13.01.01.2001", "13.01", 10, 5),
        ("13.01.01.2002", "13.01", 10, 5),
        ("13.01.01.2003", "13.01", 40, 0),
        ("13.01.01.2004", "13.01", 0, 0),
        ("13.71.01.1001", "13.71", 20, 10),
    ]
    frame = pd.DataFrame(rows, columns=["kode", "kode_kabkota", "kk_desil_1", "kk_d1_non_dtks"])
    frame["nama"] = ["N1", "N2", "N3", "N4", "N5"]
    frame["nama_kabkota"] = frame["kode_kabkota"].map({"13.01": "Kab A", "13.71": "Kota B"})
    frame["nama_kecamatan"] = "K"
    for c in priority.CRITERIA:
        if c not in frame:
            frame[c] = 0.0
    frame["pct_d1_non_dtks"] = 100.0 * frame["kk_d1_non_dtks"] / frame["kk_desil_1"].where(frame["kk_desil_1"] > 0)
    return frame.set_index("kode", drop=False).rename_axis(None)


def test_score_is_the_weighted_mean_of_min_max_scaled_criteria():
    scored = priority.score(_frame(), {"kk_desil_1": 1, "kk_d1_non_dtks": 1})
    t = scored.table
    # kk_desil_1 over eligible 10..40 -> N1 0, N3 1, N5 1/3; non_dtks 0..10 -> N1 .5, N3 0, N5 1
    assert t.loc["13.01.01.2001", "skor"] == pytest.approx(25.0)
    assert t.loc["13.01.01.2003", "skor"] == pytest.approx(50.0)
    assert t.loc["13.71.01.1001", "skor"] == pytest.approx((1 / 3 + 1) / 2 * 100)
    assert (
        pd.isna(t.loc["13.01.01.2004", "skor"]) and t.loc["13.01.01.2004", "jenjang_prioritas"] == priority.NOT_ELIGIBLE
    )
    # Contributions add up to the score.
    assert scored.contributions.loc["13.71.01.1001"].sum() == pytest.approx(t.loc["13.71.01.1001", "skor"])
    assert scored.contributions.loc["13.71.01.1001", "kk_d1_non_dtks"] == pytest.approx(50.0)


def test_moving_a_weight_reorders():
    frame = _frame()
    by_count = priority.top_n(priority.score(frame, {"kk_desil_1": 1}), 4)
    by_gap = priority.top_n(priority.score(frame, {"kk_d1_non_dtks": 1}), 4)
    assert by_count[0] == "13.01.01.2003" and by_gap[0] == "13.71.01.1001"


def test_ties_break_on_families_then_code_and_zero_family_nagari_are_never_chosen():
    scored = priority.score(_frame(), {"kk_d1_non_dtks": 1, "kk_desil_1": 0})
    assert priority.top_n(scored, 10) == ["13.71.01.1001", "13.01.01.2001", "13.01.01.2002", "13.01.01.2003"]
    assert list(scored.table["peringkat"].dropna()) == [2, 3, 4, 1]


def test_top_k_per_kabkota_with_a_kabkota_smaller_than_k():
    scored = priority.score(_frame(), {"kk_desil_1": 1})
    assert priority.top_k_per_kabkota(scored, 1) == ["13.01.01.2003", "13.71.01.1001"]
    # Kota B has one eligible nagari: k = 2 takes it alone.
    assert sorted(priority.top_k_per_kabkota(scored, 2)) == ["13.01.01.2001", "13.01.01.2003", "13.71.01.1001"]


def test_budget_rule():
    assert priority.nagari_affordable(9_000_000, 100_000) == 3  # 30 families x Rp100.000 = Rp3 juta per nagari
    assert priority.nagari_affordable(8_999_999, 100_000) == 2
    assert priority.nagari_affordable(0, 100_000) == 0
    scored = priority.score(_frame(), {"kk_desil_1": 1})
    assert priority.by_budget(scored, 6_000_000, 100_000) == ["13.01.01.2003", "13.71.01.1001"]


def test_coverage_counts_assessed_families_up_to_thirty_per_nagari():
    frame = _frame()
    cov = priority.coverage(frame, ["13.01.01.2003", "13.71.01.1001"])
    assert cov["kk_d1_terpilih"] == 60 and cov["kk_d1_provinsi"] == 80 and cov["pct_terpilih"] == pytest.approx(75.0)
    assert cov["kk_dinilai"] == 50  # 30 of 40, and all 20


def test_tiers_follow_rank_shares():
    scored = priority.score(_frame(), {"kk_desil_1": 1})
    tiers = scored.table.set_index("nama")["jenjang_prioritas"]
    # 4 eligible: utama ceil(0.2)=1, tinggi ceil(0.8)=1, sedang ceil(2)=2, rendah the rest
    assert tiers["N3"] == "Prioritas utama" and tiers["N5"] == "Prioritas sedang"
    assert tiers["N4"] == priority.NOT_ELIGIBLE


def test_default_targets_come_from_the_gaps():
    region = pd.Series({"kk_desil_1": 41, "kk_d1_non_dtks": 7, "kk_d1_bansos": 20, "kk_d1_dtks_tanpa_bansos": 9})
    assert priority.default_targets(region, 2024) == {
        "tahun": 2024,
        "target_usul_dtks": 7,  # every family outside DTKS
        "target_terima_bansos": 9,  # the families in DTKS without bansos
        "target_graduasi": 5,  # a tenth of 41, rounded up
    }


def test_default_targets_match_their_definitions_and_add_up():
    # Tapakih as the head of the Dinas found it: 1,037 desil-1 families, 557 of them in DTKS
    # (480 outside); 420 receive bansos (406 in DTKS, 14 by P3KE only), 151 in DTKS receive none.
    tapakih = pd.Series(
        {"kk_desil_1": 1037, "kk_d1_non_dtks": 480, "kk_d1_bansos": 420, "kk_d1_dtks_tanpa_bansos": 151}
    )
    targets = priority.default_targets(tapakih, 2026)
    assert targets["target_usul_dtks"] == 480
    # Before: bansos + in DTKS without bansos = 571, more than the 557 in DTKS, and with the
    # 480 proposed, 1,051 > 1,037 families.
    assert targets["target_terima_bansos"] == 151 <= 1037 - 480
    assert targets["target_usul_dtks"] + targets["target_terima_bansos"] == 631 <= 1037
    assert targets["target_graduasi"] == 104  # ceil(103.7)
    assert priority.row_problems({"kode": "x", "nama": "Tapakih", "kk_desil_1": 1037, **targets}) == {}
    # A tenth rounded up: 30 families -> 3, 31 -> 4.
    assert priority.default_targets(pd.Series({**tapakih, "kk_desil_1": 30}), 2026)["target_graduasi"] == 3
    assert priority.default_targets(pd.Series({**tapakih, "kk_desil_1": 31}), 2026)["target_graduasi"] == 4
    # Inconsistent figures still give targets that add up: 8 outside DTKS, 5 in DTKS without
    # bansos, but only 10 families.
    capped = priority.default_targets(
        pd.Series({"kk_desil_1": 10, "kk_d1_non_dtks": 8, "kk_d1_bansos": 0, "kk_d1_dtks_tanpa_bansos": 5}), 2026
    )
    assert (capped["target_usul_dtks"], capped["target_terima_bansos"], capped["target_graduasi"]) == (8, 2, 1)


def test_each_target_is_defined_for_the_methodology_page():
    assert [field for field, _label, _definisi in priority.TARGETS] == [
        "target_usul_dtks",
        "target_terima_bansos",
        "target_graduasi",
    ]
    assert priority.TARGET_FIELDS == ("tahun", "target_usul_dtks", "target_terima_bansos", "target_graduasi")
    assert all(t.label and t.definisi.endswith(".") for t in priority.TARGETS)
    assert "10%" in priority.TARGETS[2].definisi


def _row(**targets):
    row = {"kode": "13.05.10.2001", "nama": "Tapakih", "kk_desil_1": 1003, "tahun": 2026}
    row |= {"target_usul_dtks": 400, "target_terima_bansos": 100, "target_graduasi": 101}
    return row | targets


def test_targets_out_of_range_are_found_and_said_in_words():
    assert priority.check_targets([_row()]) == []
    (too_many,) = priority.check_targets([_row(target_graduasi=5000)])
    assert (too_many.field, too_many.value) == ("target_graduasi", 5000)
    assert too_many.text() == "Tapakih: Target KK desil 1 graduasi 5.000 melebihi 1.003 KK desil 1 nagari ini."
    assert priority.row_problems(_row(target_usul_dtks=-5)) == {"target_usul_dtks": "negatif"}
    assert priority.row_problems(_row(target_graduasi=2.5)) == {"target_graduasi": "bukan bilangan bulat"}
    assert priority.row_problems(_row(target_graduasi=None)) == {"target_graduasi": "belum diisi"}
    assert priority.row_problems(_row(target_graduasi="banyak")) == {"target_graduasi": "bukan angka"}
    assert priority.row_problems(_row(tahun=2019)) == {"tahun": "di luar 2020–2045"}
    assert priority.row_problems(_row(target_graduasi=1003.0, tahun="2027")) == {}  # at the limit; numbers as text
    # Proposed into DTKS and starting bansos count separate families: 600 + 500 > 1,003.
    both = priority.check_targets([_row(target_usul_dtks=600, target_terima_bansos=500)])
    assert [p.field for p in both] == ["target_usul_dtks", "target_terima_bansos"]
    assert both[0].text() == (
        "Tapakih: Target KK desil 1 diusulkan ke DTKS 600 ditambah target KK desil 1 di DTKS mulai menerima bansos "
        "(500) = 1.100, melebihi 1.003 KK desil 1 nagari ini."
    )
    assert priority.check_targets([_row(tahun=2019)])[0].text() == "Tapakih: Tahun 2019 di luar 2020–2045."


def test_selection_rule_from_the_form_and_back():
    rule = priority.SelectionRule.from_form(
        {"aturan": "teratas", "k": None, "n": "2", "anggaran": "", "biaya_per_kk": 1e6, "kk_per_nagari": 30}
    )
    assert rule == priority.SelectionRule(aturan="teratas", n=2)
    assert priority.SelectionRule.from_form(rule.as_dict()) == rule
    scored = priority.score(_frame(), {"kk_desil_1": 1, "kk_d1_non_dtks": 1})
    assert rule.select(scored) == ["13.71.01.1001", "13.01.01.2003"]
    assert priority.SelectionRule().select(scored) == ["13.71.01.1001", "13.01.01.2003"]  # 1 per kab/kota
    # 60 million at 1 million per family and 30 families per nagari pays for 2 nagari.
    budget = priority.SelectionRule(aturan="anggaran", anggaran=60e6, biaya_per_kk=1e6, kk_per_nagari=30)
    assert budget.select(scored) == ["13.71.01.1001", "13.01.01.2003"]


def test_plan_rows_best_rank_first_keeping_edited_targets():
    frame = _frame()
    frame["kk_d1_bansos"] = [4, 4, 30, 0, 5]
    frame["kk_d1_dtks_tanpa_bansos"] = [1, 1, 10, 0, 5]
    scored = priority.score(frame, {"kk_desil_1": 1, "kk_d1_non_dtks": 1})
    edited = [
        {"kode": "13.01.01.2001", "tahun": 2027, "target_usul_dtks": 3, "target_terima_bansos": 2, "target_graduasi": 1}
    ]
    rows = priority.plan_rows(frame, scored, ["13.01.01.2001", "13.71.01.1001", "99.99"], 2026, edited)
    assert [r["kode"] for r in rows] == ["13.71.01.1001", "13.01.01.2001"]  # ranks 1 and 3; an unknown code dropped
    # Defaults for N5: all 10 outside DTKS proposed; the 5 in DTKS without bansos; a tenth of 20 graduating.
    assert {k: rows[0][k] for k in priority.TARGET_FIELDS} == {
        "tahun": 2026,
        "target_usul_dtks": 10,
        "target_terima_bansos": 5,
        "target_graduasi": 2,
    }
    assert rows[0]["nama_kabkota_pendek"] == "Kota B"
    assert rows[0]["skor"] == pytest.approx(66.67, abs=0.01)
    assert {k: rows[1][k] for k in priority.TARGET_FIELDS} == {k: edited[0][k] for k in priority.TARGET_FIELDS}


def test_rates_on_too_few_families_score_nothing():
    # N1 (10 D1, 5 outside DTKS = 50%) against a nagari of 2 D1 families, both outside (100%).
    frame = _frame()
    frame.loc["13.01.01.2002", ["kk_desil_1", "kk_d1_non_dtks", "pct_d1_non_dtks"]] = [2, 2, 100.0]
    normalised = priority.normalise(frame, min_penyebut=10)
    assert normalised.loc["13.01.01.2002", "pct_d1_non_dtks"] == 0.0  # too few to compare
    # The others scale over 0% (N3) .. 50% (N1, N5).
    assert normalised.loc["13.01.01.2001", "pct_d1_non_dtks"] == 1.0
    assert priority.normalise(frame, min_penyebut=1).loc["13.01.01.2002", "pct_d1_non_dtks"] == 1.0


def test_short_names_of_kabkota():
    assert priority.short_name("Kabupaten Padang Pariaman") == "Kab. Padang Pariaman"
    assert priority.short_name("Kota Padang") == "Kota Padang"
    assert priority.short_name("Kab A") == "Kab A"


def _summary_frame():
    frame = _frame()
    return frame, priority.score(frame, {"kk_desil_1": 1, "kk_d1_non_dtks": 1})


def test_the_summary_of_one_per_kabkota_has_no_budget_figures():
    frame, scored = _summary_frame()
    lines = priority.selection_summary(frame, scored, ["13.71.01.1001", "13.01.01.2003"], priority.SelectionRule())
    assert lines == [
        "2 nagari dipilih menurut aturan: 1 nagari dengan skor tertinggi di setiap kab/kota (2 kab/kota).",
        "KK desil 1 di nagari terpilih: 60 KK, 75,0% dari 80 KK desil 1 di provinsi.",
    ]
    assert "dinilai" not in " ".join(lines)  # the budget rule's 30 families per nagari are not in use


def test_the_summary_says_how_a_choice_differs_from_its_rule():
    frame, scored = _summary_frame()
    rule = priority.SelectionRule(aturan="teratas", n=2)
    lines = priority.selection_summary(frame, scored, ["13.71.01.1001", "13.01.01.2001"], rule)
    assert lines[0] == (
        "2 nagari dipilih, berbeda dari hasil aturan (2 nagari dengan skor tertinggi di provinsi) dengan bobot "
        "sekarang: 1 nagari di luar hasil aturan, 1 nagari hasil aturan tidak dipilih."
    )
    assert lines[1] == "KK desil 1 di nagari terpilih: 30 KK, 37,5% dari 80 KK desil 1 di provinsi."


def test_the_summary_of_the_budget_rule_counts_the_families_assessed():
    frame, scored = _summary_frame()
    rule = priority.SelectionRule(aturan="anggaran", anggaran=6_000_000, biaya_per_kk=100_000, kk_per_nagari=30)
    lines = priority.selection_summary(frame, scored, rule.select(scored), rule)
    assert lines == [
        "2 nagari dipilih menurut aturan: anggaran Rp6.000.000 cukup untuk 2 nagari dengan skor tertinggi "
        "(30 KK × Rp100.000 = Rp3.000.000 per nagari).",
        "KK desil 1 di nagari terpilih: 60 KK, 75,0% dari 80 KK desil 1 di provinsi.",
        "KK desil 1 yang dinilai (paling banyak 30 KK per nagari): 50 KK, 62,5% dari KK desil 1 di provinsi.",
    ]
