"""Priority score, tiers and selection rules for choosing nagari (pure functions).

score = Σ wᵢ · xᵢ / Σ wᵢ × 100, where xᵢ is indicator i scaled to 0–1 over all nagari with
at least one desil-1 family (min–max; for indicators where more is better, 1 − x). The
contribution of indicator i to a nagari's score is wᵢ · xᵢ / Σ wᵢ × 100, so the
contributions add up to the score. Counts favour large pockets, rates severe ones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from fractions import Fraction
from functools import lru_cache
from numbers import Real
from typing import NamedTuple

import numpy as np
import pandas as pd

from etl import indicators
from kantong import fmt
from kantong.data import too_few

# Indicators that can be weighted (counts and rates of need among desil-1 families): the
# registry marks them.
CRITERIA = indicators.KRITERIA

PRESETS: dict[str, dict[str, float]] = {
    "Kemiskinan ekstrem": {"kk_desil_1": 3, "kk_d1_non_dtks": 1, "kk_d1_rumah_tidak_layak": 1},
    "Exclusion error DTKS": {"kk_d1_non_dtks": 3, "pct_d1_non_dtks": 2, "kk_desil_1": 1},
    "Bansos belum tepat sasaran": {"kk_d1_dtks_tanpa_bansos": 3, "pct_d1_bansos": 2},
    # The 2023 programme's groups for bansos and social rehabilitation: children, the
    # elderly (above all those living alone) and persons with disabilities.
    "Kelompok rentan": {
        "jiwa_d1_balita": 2,
        "kk_d1_risiko_stunting": 2,
        "jiwa_d1_disabilitas": 2,
        "kk_d1_lansia_tunggal": 2,
        "jiwa_d1_lansia": 1,
        "kk_d1_kepala_perempuan": 1,
        "jiwa_d1_anak": 1,
    },
}
DEFAULT_PRESET = "Kemiskinan ekstrem"

# Tiers (jenjang) by rank among eligible nagari (share of them, cumulative).
TIERS = (("Prioritas utama", 0.05), ("Prioritas tinggi", 0.20), ("Prioritas sedang", 0.50), ("Prioritas rendah", 1.0))
NOT_ELIGIBLE = "Tidak ada KK desil 1"

FAMILIES_PER_NAGARI = 30  # the 2023 field assessment: 30 families in each chosen nagari


def weights_for(preset: str) -> dict[str, float]:
    return {c: float(PRESETS[preset].get(c, 0)) for c in CRITERIA}


def normalise(frame: pd.DataFrame, criteria=CRITERIA, min_penyebut: int | None = None) -> pd.DataFrame:
    """Each criterion scaled to 0–1 over the eligible nagari (0 where not measurable). A rate
    on too few families (see kantong.data.too_few) counts as not measurable: 2 of 2 families
    is not a worse pocket than 400 of 500."""
    eligible = frame["kk_desil_1"] > 0
    out = pd.DataFrame(index=frame.index)
    for indikator in criteria:
        measurable = eligible & ~too_few(frame, indicators.get(indikator), min_penyebut)
        values = frame[indikator].astype("float64").where(measurable)
        lo, hi = values.min(), values.max()
        scaled = (values - lo) / (hi - lo) if hi > lo else values * 0.0
        if indicators.get(indikator).arah < 0:
            scaled = 1.0 - scaled
        out[indikator] = scaled.fillna(0.0).where(eligible, 0.0)
    return out


@dataclass(frozen=True)
class Scored:
    table: pd.DataFrame  # kode, nama, nama_kecamatan, nama_kabkota, kk_desil_1, skor, peringkat, jenjang_prioritas
    contributions: pd.DataFrame  # per criterion, points of the score (rows add up to skor)


def score(frame: pd.DataFrame, weights: dict[str, float], normalised: pd.DataFrame | None = None) -> Scored:
    """Score and rank every nagari; `normalised` may be passed in when reused (it depends
    only on the snapshot, not on the weights)."""
    w = pd.Series({c: max(0.0, float(weights.get(c, 0) or 0)) for c in CRITERIA})
    norm = normalised if normalised is not None else normalise(frame)
    total = w.sum()
    contrib = norm[list(CRITERIA)].mul(w / total * 100.0 if total > 0 else 0.0, axis=1)
    skor = contrib.sum(axis=1)
    eligible = frame["kk_desil_1"] > 0
    table = frame[["kode", "nama", "kode_kabkota", "nama_kabkota", "nama_kecamatan", "kk_desil_1"]].copy()
    table["skor"] = skor.where(eligible)
    order = _order(table)
    rank = pd.Series(np.arange(1, len(order) + 1), index=order)
    table["peringkat"] = rank.reindex(table.index).where(eligible).astype("Int64")
    n = int(eligible.sum())
    tier = pd.Series(NOT_ELIGIBLE, index=table.index, dtype="object")
    for label, share in reversed(TIERS):
        tier[table["peringkat"].notna() & (table["peringkat"].astype("float64") <= np.ceil(share * n))] = label
    table["jenjang_prioritas"] = tier
    return Scored(table, contrib)


def _order(table: pd.DataFrame) -> pd.Index:
    """Eligible nagari best first. Ties: more desil-1 families first, then the code."""
    eligible = table[table["kk_desil_1"] > 0]
    ordered = eligible.sort_values(["skor", "kk_desil_1", "kode"], ascending=[False, False, True], kind="mergesort")
    return ordered.index


def top_n(scored: Scored, n: int) -> list[str]:
    return list(_order(scored.table)[: max(0, int(n))])


def top_k_per_kabkota(scored: Scored, k: int) -> list[str]:
    """The k best nagari of each kab/kota (fewer where a kab/kota has fewer eligible)."""
    ordered = scored.table.loc[_order(scored.table)]
    picked = ordered.groupby("kode_kabkota", sort=False).head(max(0, int(k)))
    return list(picked.index)


def nagari_affordable(budget: float, cost_per_family: float, families_per_nagari: int = FAMILIES_PER_NAGARI) -> int:
    """How many nagari a budget pays for: each nagari costs its families × cost per family."""
    per_nagari = float(cost_per_family) * int(families_per_nagari)
    return int(budget // per_nagari) if per_nagari > 0 and budget > 0 else 0


def by_budget(
    scored: Scored, budget: float, cost_per_family: float, families_per_nagari: int = FAMILIES_PER_NAGARI
) -> list[str]:
    return top_n(scored, nagari_affordable(budget, cost_per_family, families_per_nagari))


def coverage(frame: pd.DataFrame, selected: list[str], families_per_nagari: int = FAMILIES_PER_NAGARI) -> dict:
    """D1 families in the selected nagari against the province, and how many get assessed."""
    total = int(frame["kk_desil_1"].sum())
    chosen = frame.loc[[k for k in selected if k in frame.index], "kk_desil_1"]
    in_selected = int(chosen.sum())
    assessed = int(np.minimum(chosen, families_per_nagari).sum())
    return {
        "nagari": len(chosen),
        "kk_d1_terpilih": in_selected,
        "kk_d1_provinsi": total,
        "pct_terpilih": 100.0 * in_selected / total if total else None,
        "kk_dinilai": assessed,
        "pct_dinilai": 100.0 * assessed / total if total else None,
    }


def short_name(nama: str) -> str:
    """A kab/kota's name as tables and the deck show it: "Kabupaten Agam" -> "Kab. Agam";
    "Kota Padang" stays."""
    nama = str(nama)
    return "Kab. " + nama.removeprefix("Kabupaten ") if nama.startswith("Kabupaten ") else nama


# ----------------------------------------------------------------------------- targets


class Target(NamedTuple):
    """One target of a plan: the row field, its label and what it counts (the Metodologi
    page shows these)."""

    field: str
    label: str
    definisi: str


GRADUATION_SHARE = Fraction(1, 10)  # a fraction: rounding up is done exactly, in integers
TARGETS = (
    Target(
        "target_usul_dtks",
        "Target KK desil 1 diusulkan ke DTKS",
        "KK desil 1 yang belum terdaftar di DTKS (exclusion error): semuanya diusulkan masuk DTKS.",
    ),
    Target(
        "target_terima_bansos",
        "Target KK desil 1 di DTKS mulai menerima bansos",
        "KK desil 1 yang sudah terdaftar di DTKS tetapi belum menerima bansos reguler; KK yang sudah menerima "
        "tidak dihitung lagi.",
    ),
    Target(
        "target_graduasi",
        "Target KK desil 1 graduasi",
        f"{fmt.persen(float(GRADUATION_SHARE) * 100, 0)} KK desil 1, dibulatkan ke atas: KK yang ditargetkan keluar "
        "dari kemiskinan ekstrem.",
    ),
)
TARGET_FIELDS = ("tahun",) + tuple(t.field for t in TARGETS)
TARGET_LABELS = {t.field: t.label for t in TARGETS} | {"tahun": "Tahun"}
# The families proposed into DTKS are outside it, those who start receiving bansos are in
# it: two separate groups of a nagari's desil-1 families, so together no more than them.
DISJOINT_TARGETS = ("target_usul_dtks", "target_terima_bansos")
YEARS = (2020, 2045)  # the years a plan can be for
TARGET_LIMITS = (
    "Setiap target berupa bilangan bulat, tidak negatif, dan tidak melebihi KK desil 1 nagari itu; target diusulkan "
    "ke DTKS ditambah target mulai menerima bansos tidak melebihi KK desil 1 nagari itu, karena keduanya menghitung "
    "kelompok KK yang berbeda (di luar dan di dalam DTKS). "
    f"Tahun rencana {YEARS[0]}–{YEARS[1]}."
)


def default_targets(region: pd.Series, year: int) -> dict:
    """Targets a plan starts from, each what its definition in TARGETS counts (all editable).
    The two disjoint groups are capped so that together they never exceed the desil-1
    families, even on inconsistent data."""
    d1 = max(0, int(region["kk_desil_1"]))
    usul = min(max(0, int(region["kk_d1_non_dtks"])), d1)
    terima = min(max(0, int(region["kk_d1_dtks_tanpa_bansos"])), d1 - usul)
    graduasi = -(-d1 * GRADUATION_SHARE.numerator // GRADUATION_SHARE.denominator)  # ceiling, in integers
    return {"tahun": int(year), "target_usul_dtks": usul, "target_terima_bansos": terima, "target_graduasi": graduasi}


@dataclass(frozen=True)
class TargetProblem:
    """A target out of range: which nagari and field, the value, and why, in words."""

    kode: str
    nama: str
    field: str
    value: object
    alasan: str

    def detail(self) -> str:
        """The target, its value and why it is out of range, without the nagari."""
        parts = [TARGET_LABELS[self.field], _shown(self.value, self.field), self.alasan]
        return " ".join(p for p in parts if p) + "."

    def text(self) -> str:
        return f"{self.nama}: {self.detail()}"


def _shown(value, field: str = "") -> str:
    """A value as the message quotes it: 5.000, -5, 2,5, 2026 (a year has no separator)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    number = _number(value)
    if number is None:
        return f"\u201c{value}\u201d"
    if number.is_integer():
        return str(int(number)) if field == "tahun" else fmt.angka(number)
    return fmt.angka(number, 2).rstrip("0")


def _number(value) -> float | None:
    """A cell's value as a number; None when it is not one (empty, text, true/false)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Real):
        return float(value) if np.isfinite(float(value)) else None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return number if np.isfinite(number) else None


def value_problem(value, field: str, kk_desil_1) -> str | None:
    """Why one target's value is out of range on its own, or None. The same checks run in
    the browser (assets/kantong/dashAgGridFunctions.js, masalahTarget) to mark the cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "belum diisi"
    number = _number(value)
    if number is None:
        return "bukan angka"
    if not number.is_integer():
        return "bukan bilangan bulat"
    if field == "tahun":
        return None if YEARS[0] <= number <= YEARS[1] else f"di luar {YEARS[0]}–{YEARS[1]}"
    if number < 0:
        return "negatif"
    d1 = _number(kk_desil_1)
    if d1 is not None and number > d1:
        return f"melebihi {fmt.angka(d1)} KK desil 1 nagari ini"
    return None


def row_problems(row: dict) -> dict[str, str]:
    """{field: why} for the out-of-range targets of one plan row."""
    d1 = row.get("kk_desil_1")
    problems = {f: why for f in TARGET_FIELDS if (why := value_problem(row.get(f), f, d1)) is not None}
    a, b = DISJOINT_TARGETS
    if a not in problems and b not in problems and _number(d1) is not None:
        total = _number(row[a]) + _number(row[b])
        if total > _number(d1):
            for field, other in ((a, b), (b, a)):
                problems[field] = (
                    f"ditambah {TARGET_LABELS[other][0].lower()}{TARGET_LABELS[other][1:]} ({_shown(row[other], other)}) "
                    f"= {fmt.angka(total)}, melebihi {fmt.angka(_number(d1))} KK desil 1 nagari ini"
                )
    return problems


def check_targets(rows: list[dict] | None) -> list[TargetProblem]:
    """Every out-of-range target of a plan, in the rows' order."""
    return [
        TargetProblem(str(row.get("kode")), str(row.get("nama")), field, row.get(field), why)
        for row in rows or []
        for field, why in row_problems(row).items()
    ]


# ----------------------------------------------------------------------------- choosing nagari


@dataclass(frozen=True)
class SelectionRule:
    """How nagari are chosen: the k best per kab/kota (2023: k = 1), the N best in the
    province, or as many as a budget pays for at `kk_per_nagari` families per nagari."""

    aturan: str = "per_kabkota"  # "per_kabkota", "teratas" or "anggaran"
    k: int = 1
    n: int = 19
    anggaran: float = 570_000_000
    biaya_per_kk: float = 1_000_000
    kk_per_nagari: int = FAMILIES_PER_NAGARI

    @classmethod
    def from_form(cls, values: dict) -> SelectionRule:
        """From the page's inputs (or a saved plan): empty fields take the defaults."""
        default = cls()
        parsed = {}
        for f in fields(cls):
            value = values.get(f.name)
            if value in (None, ""):
                parsed[f.name] = getattr(default, f.name)
            elif f.name == "aturan":
                parsed[f.name] = str(value)
            else:
                parsed[f.name] = type(getattr(default, f.name))(value)
        return cls(**parsed)

    def as_dict(self) -> dict:
        return asdict(self)

    def select(self, scored: Scored) -> list[str]:
        if self.aturan == "teratas":
            return top_n(scored, self.n)
        if self.aturan == "anggaran":
            return by_budget(scored, self.anggaran, self.biaya_per_kk, self.kk_per_nagari or FAMILIES_PER_NAGARI)
        return top_k_per_kabkota(scored, self.k)


@dataclass(frozen=True)
class StartingPlan:
    bobot: dict[str, float]
    aturan: SelectionRule
    pilihan: list[str]
    rows: list[dict]


def starting_plan(snapshot, year: int) -> StartingPlan:
    """What a plan starts from before anyone changes it, and what the deck shows without a
    saved plan: the default preset's weights and the 2023 rule (the best nagari of each
    kab/kota, SelectionRule's default), with default targets."""
    weights = weights_for(DEFAULT_PRESET)
    scored = scored_for(snapshot, weights)
    rule = SelectionRule()
    chosen = rule.select(scored)
    return StartingPlan(weights, rule, chosen, plan_rows(snapshot.table("desa"), scored, chosen, year))


def selection_summary(frame: pd.DataFrame, scored: Scored, selected: list[str], rule: SelectionRule) -> list[str]:
    """The choice in plain words: how many nagari, how they were chosen, and the figures of
    the rule in use only (the families assessed belong to the budget rule alone)."""
    cov = coverage(frame, selected, rule.kk_per_nagari or FAMILIES_PER_NAGARI)
    by_rule = rule.select(scored)
    if rule.aturan == "teratas":
        how = f"{fmt.angka(rule.n)} nagari dengan skor tertinggi di provinsi"
    elif rule.aturan == "anggaran":
        per_nagari = rule.biaya_per_kk * (rule.kk_per_nagari or FAMILIES_PER_NAGARI)
        how = (
            f"anggaran Rp{fmt.angka(rule.anggaran)} cukup untuk {fmt.angka(len(by_rule))} nagari dengan skor tertinggi "
            f"({fmt.angka(rule.kk_per_nagari)} KK × Rp{fmt.angka(rule.biaya_per_kk)} = Rp{fmt.angka(per_nagari)} "
            "per nagari)"
        )
    else:
        kabkota = frame.loc[[k for k in by_rule if k in frame.index], "kode_kabkota"].nunique()
        how = f"{fmt.angka(rule.k)} nagari dengan skor tertinggi di setiap kab/kota ({fmt.angka(kabkota)} kab/kota)"
    chosen, wanted = set(selected), set(by_rule)
    if chosen == wanted:
        lines = [f"{fmt.angka(cov['nagari'])} nagari dipilih menurut aturan: {how}."]
    else:
        # Ticked by hand, or the weights changed since the rule was applied.
        lines = [
            f"{fmt.angka(cov['nagari'])} nagari dipilih, berbeda dari hasil aturan ({how}) dengan bobot sekarang: "
            f"{fmt.angka(len(chosen - wanted))} nagari di luar hasil aturan, {fmt.angka(len(wanted - chosen))} "
            "nagari hasil aturan tidak dipilih."
        ]
    lines.append(
        f"KK desil 1 di nagari terpilih: {fmt.angka(cov['kk_d1_terpilih'])} KK, {fmt.persen(cov['pct_terpilih'])} "
        f"dari {fmt.angka(cov['kk_d1_provinsi'])} KK desil 1 di provinsi."
    )
    if rule.aturan == "anggaran":
        lines.append(
            f"KK desil 1 yang dinilai (paling banyak {fmt.angka(rule.kk_per_nagari)} KK per nagari): "
            f"{fmt.angka(cov['kk_dinilai'])} KK, {fmt.persen(cov['pct_dinilai'])} dari KK desil 1 di provinsi."
        )
    return lines


def scored_for(snapshot, weights: dict[str, float]) -> Scored:
    """Scores depend only on the snapshot and the weights: computed once per pair."""
    return _scored_cached(snapshot.id, snapshot, tuple(sorted(weights.items())))


@lru_cache(maxsize=32)
def _scored_cached(snapshot_id: str, snapshot, weights: tuple) -> Scored:
    return score(snapshot.table("desa"), dict(weights), _normalised(snapshot_id, snapshot))


@lru_cache(maxsize=4)
def _normalised(snapshot_id: str, snapshot) -> pd.DataFrame:
    return normalise(snapshot.table("desa"))


def ranking_rows(desa: pd.DataFrame, scored: Scored, selected: list[str] | None = None) -> list[dict]:
    """Every nagari with its score, rank, tier, every indicator and whether it is chosen."""
    cols = ["kode", "nama", "nama_kecamatan", "nama_kabkota"] + list(indicators.IDS)
    table = desa[cols].join(scored.table[["skor", "peringkat", "jenjang_prioritas"]])
    table["nama_kabkota_pendek"] = table["nama_kabkota"].map(short_name)
    table["pilih"] = table["kode"].isin(selected or [])
    table = table.sort_values("peringkat", na_position="last")
    table["skor"] = table["skor"].round(2)
    for indikator in indicators.PERSEN_IDS:
        table[indikator] = table[indikator].round(1)
    return table.astype(object).where(table.notna(), None).to_dict("records")


def score_updates(scored: Scored) -> dict:
    """Score, rank and tier of every nagari as parallel lists (compact JSON)."""
    table = scored.table
    skor = table["skor"].round(2)
    return {
        "kode": table["kode"].tolist(),
        "skor": [None if pd.isna(v) else float(v) for v in skor],
        "peringkat": [None if pd.isna(v) else int(v) for v in table["peringkat"]],
        "jenjang": table["jenjang_prioritas"].tolist(),
    }


VERVAL_FIELDS = ("kk_verval", "kk_verval_layak")  # a plan row's verification counts


def plan_rows(
    desa: pd.DataFrame, scored: Scored, selected: list[str], year: int, existing: list[dict] | None = None
) -> list[dict]:
    """The rows of a plan, best rank first: each chosen nagari with its figures and its
    targets; targets already edited (in `existing`) are kept, new nagari start from their
    defaults."""
    kept = {row["kode"]: row for row in (existing or [])}
    ranks = scored.table["peringkat"]
    rows = []
    for kode in sorted(
        (k for k in selected if k in desa.index), key=lambda k: (ranks.get(k) if pd.notna(ranks.get(k)) else 10**9, k)
    ):
        region = desa.loc[kode]
        skor = scored.table.loc[kode, "skor"] if kode in scored.table.index else None
        base = {
            "kode": kode,
            "nama": region["nama"],
            "nama_kecamatan": region["nama_kecamatan"],
            "nama_kabkota": region["nama_kabkota"],
            "nama_kabkota_pendek": short_name(region["nama_kabkota"]),
            "skor": None if pd.isna(skor) else round(float(skor), 2),
            "kk_desil_1": int(region["kk_desil_1"]),
            "kk_d1_non_dtks": int(region["kk_d1_non_dtks"]),
            # What the field verification found so far (kantong.data.with_verval): shown beside
            # the targets, not saved with them (VERVAL_FIELDS).
            **{field: int(region.get(field, 0) or 0) for field in VERVAL_FIELDS},
        }
        targets = default_targets(region, year)
        if kode in kept:
            targets = {k: kept[kode].get(k, targets[k]) for k in TARGET_FIELDS}
        rows.append({**base, **targets})
    return rows
