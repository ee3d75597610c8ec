"""Progress of a plan (kemajuan rencana): its targets per nagari against what happened.

A plan is made on one release (A) with three targets per nagari (kantong.priority.TARGETS).
What was realised comes from two places:

- a later release (B), compared with A (kantong.comparisons): of the nagari's desil-1
  families in A, how many entered DTKS, started receiving bansos, and left desil 1
  (graduation candidates, to be confirmed in the field). They are counted where the families
  lived in A (etl.compare's `*_asal` columns), so a family that moved still counts for the
  nagari the plan chose, and a renamed nagari (the crosswalk) keeps its progress;
- the field: families verified, verified as eligible (layak), proposed into DTKS by the
  verifiers, and support delivered (follow-ups with status `disalurkan`).

Per nagari, per kab/kota and for the province: target, realised and the share reached
(realised / target; none when the target is 0). Pure functions on frames: the priority
page, the Paket Rakor and the presentation mode all show what `measure` returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from etl import compare as cmp
from kantong import fmt
from kantong.priority import TARGET_LABELS, short_name


class Measure(NamedTuple):
    """One target and what realises it in a later release."""

    kunci: str  # suffix of the progress columns
    target: str  # the plan row's target field
    realisasi: str  # etl.compare's transition column, counted in A's nagari
    label: str  # short, for tables and slides
    pendek: str  # shorter, in running text


MEASURES = (
    Measure("usul_dtks", "target_usul_dtks", "d1_masuk_dtks_asal", "Masuk DTKS", "masuk DTKS"),
    Measure("terima_bansos", "target_terima_bansos", "d1_mulai_bansos_asal", "Mulai menerima bansos", "mulai bansos"),
    Measure(
        "graduasi",
        "target_graduasi",
        "d1_keluar_desil_1_asal",
        "Keluar dari desil 1 (calon graduasi)",
        "keluar desil 1",
    ),
)
MEASURE_LABELS = {m.kunci: f"{TARGET_LABELS[m.target]} → {m.label.lower()}" for m in MEASURES}
# From the field (kantong.verval.results): tallies and delivered follow-ups.
FIELD_COLUMNS = ("kk_verval", "kk_verval_layak", "kk_usul_dtks", "kk_bantuan_disalurkan", "tindak_disalurkan")
FIELD_LABELS = {
    "kk_verval": "KK diverifikasi",
    "kk_verval_layak": "KK layak",
    "kk_usul_dtks": "KK diusulkan ke DTKS (verval)",
    "kk_bantuan_disalurkan": "KK menerima bantuan (tindak lanjut disalurkan)",
    "tindak_disalurkan": "Tindak lanjut disalurkan",
}
COUNT_COLUMNS = (
    "kk_desil_1",
    *[c for m in MEASURES for c in (f"target_{m.kunci}", f"realisasi_{m.kunci}")],
    "kk_d1_non_dtks_a",
    "kk_d1_non_dtks_b",
    *FIELD_COLUMNS,
)


@dataclass(frozen=True)
class Progress:
    """A plan's progress: `nagari` (one row per plan nagari in scope), `kabkota` (sums per
    kab/kota) and `provinsi` (the sum of all), each with COUNT_COLUMNS and `capaian_<kunci>`
    (realised / target, NaN when the target is 0 or there is no later release)."""

    rencana: str
    rilis_a: str
    tanggal_a: str
    rilis_b: str | None  # None: measured against the field only
    tanggal_b: str | None
    nagari: pd.DataFrame
    kabkota: pd.DataFrame
    provinsi: pd.Series
    catatan: list[str] = field(default_factory=list)

    @property
    def has_release(self) -> bool:
        return self.rilis_b is not None

    def subtitle(self) -> str:
        """Which release and date the progress is measured against, in words."""
        a = f"rilis {self.rilis_a} ({fmt.tanggal(self.tanggal_a)})"
        if not self.has_release:
            return f"Rencana dibuat pada {a}; belum ada rilis sesudahnya: hanya hasil lapangan."
        return f"Rencana dibuat pada {a}, diukur dengan rilis {self.rilis_b} ({fmt.tanggal(self.tanggal_b)})."


def _share(realised: pd.Series, target: pd.Series) -> pd.Series:
    target = target.astype("float64")
    return (realised.astype("float64") / target).where(target > 0)


def _with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    for m in MEASURES:
        frame[f"capaian_{m.kunci}"] = _share(frame[f"realisasi_{m.kunci}"], frame[f"target_{m.kunci}"])
    return frame


def comparison_row_of(transisi_desa: pd.DataFrame) -> dict[str, str]:
    """A's nagari code -> the comparison row its families are counted in (the same code, the
    renamed one, the merged one, or the old code of a split nagari)."""
    out: dict[str, str] = {}
    for kode, lama in transisi_desa[["kode", "kode_lama"]].itertuples(index=False):
        for old in str(lama or "").split("; "):
            if old:
                out.setdefault(old, kode)
    return out


def measure(
    rows: list[dict],
    transisi_desa: pd.DataFrame | None,
    perubahan_desa: pd.DataFrame | None,
    lapangan: pd.DataFrame | None,
    wilayah: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per plan nagari (within `wilayah`, an operator's kab/kota, when given) with
    its targets, what the later release (transisi/perubahan of the desa level; None: no
    later release) and the field (`lapangan`, indexed by nagari code with FIELD_COLUMNS)
    show; and notes on nagari the later release could not follow."""
    plan = pd.DataFrame(rows)
    if plan.empty:
        plan = pd.DataFrame(columns=["kode", "nama", "nama_kabkota", "kk_desil_1"])
    if wilayah:
        plan = plan[plan["kode"].astype(str).str.startswith(wilayah + ".")]
    out = pd.DataFrame(
        {
            "kode": plan["kode"].astype(str).to_numpy(),
            "nama": plan["nama"].to_numpy(),
            "kode_kabkota": plan["kode"].astype(str).str.slice(0, 5).to_numpy(),
            "nama_kabkota": plan.get("nama_kabkota", pd.Series("", index=plan.index)).to_numpy(),
            "kk_desil_1": pd.to_numeric(plan.get("kk_desil_1"), errors="coerce").fillna(0).astype("int64").to_numpy(),
        }
    )
    for m in MEASURES:
        values = pd.to_numeric(plan.get(m.target, pd.Series(0, index=plan.index)), errors="coerce")
        out[f"target_{m.kunci}"] = values.fillna(0).astype("int64").to_numpy()
    notes: list[str] = []
    out["kode_b"], out["status_wilayah"] = None, None
    if transisi_desa is not None:
        where = comparison_row_of(transisi_desa)
        trans = transisi_desa.set_index("kode")
        kode_b = [where.get(k) for k in out["kode"]]  # None: not followed into B
        out["kode_b"] = pd.Series(kode_b, index=out.index, dtype=object)
        out["status_wilayah"] = [trans["status"].get(k) if k else cmp.HANYA_A for k in kode_b]
        for m in MEASURES:
            out[f"realisasi_{m.kunci}"] = [float(trans[m.realisasi].get(k, np.nan)) if k else np.nan for k in kode_b]
        excl = (
            perubahan_desa[perubahan_desa["indikator"] == "kk_d1_non_dtks"].set_index("kode")
            if perubahan_desa is not None
            else pd.DataFrame(columns=["nilai_a", "nilai_b"])
        )
        comparable = out["status_wilayah"].isin(cmp.COMPARABLE)
        out["kk_d1_non_dtks_a"] = [excl["nilai_a"].get(k, np.nan) if k else np.nan for k in kode_b]
        out["kk_d1_non_dtks_b"] = [excl["nilai_b"].get(k, np.nan) if k else np.nan for k in kode_b]
        out.loc[~comparable, ["kk_d1_non_dtks_a", "kk_d1_non_dtks_b"]] = np.nan
        for kode, nama, status in out[["kode", "nama", "status_wilayah"]].itertuples(index=False):
            if status == cmp.HANYA_A:
                notes.append(f"{nama} ({kode}) tidak ada di rilis pembanding dan tidak ada di tabel padanan.")
            elif status == cmp.DIPECAH:
                notes.append(
                    f"{nama} ({kode}) dimekarkan; keluarganya tetap dihitung untuk nagari asal, "
                    "tetapi angka exclusion error tidak dapat dibandingkan."
                )
            elif status == cmp.DIGABUNG:
                notes.append(f"{nama} ({kode}) digabung dengan nagari lain; angkanya angka gabungan.")
    else:
        for column in (*(f"realisasi_{m.kunci}" for m in MEASURES), "kk_d1_non_dtks_a", "kk_d1_non_dtks_b"):
            out[column] = np.nan
    for column in FIELD_COLUMNS:
        out[column] = 0
    if lapangan is not None and not lapangan.empty:
        for i, (kode, kode_b) in enumerate(out[["kode", "kode_b"]].itertuples(index=False)):
            codes = {kode} | ({kode_b} if isinstance(kode_b, str) else set())
            found = lapangan.reindex([c for c in codes if c in lapangan.index])
            out.loc[out.index[i], list(FIELD_COLUMNS)] = found[list(FIELD_COLUMNS)].sum().to_numpy()
    out[list(FIELD_COLUMNS)] = out[list(FIELD_COLUMNS)].astype("int64")
    return _with_shares(out), notes


def roll_up(nagari: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Sums per kab/kota and for all; a realised count stays NaN only when every nagari's is."""
    counts = list(COUNT_COLUMNS)
    kab = nagari.groupby(["kode_kabkota", "nama_kabkota"], sort=True)[counts].sum(min_count=1).reset_index()
    kab.insert(2, "nagari", nagari.groupby(["kode_kabkota", "nama_kabkota"], sort=True).size().to_numpy())
    kab = _with_shares(kab)
    total = nagari[counts].sum(min_count=1)
    total["nagari"] = len(nagari)
    for m in MEASURES:
        total[f"capaian_{m.kunci}"] = (
            total[f"realisasi_{m.kunci}"] / total[f"target_{m.kunci}"] if total[f"target_{m.kunci}"] > 0 else np.nan
        )
    return kab, total


def field_counts(results, codes: list[str]) -> pd.DataFrame:
    """FIELD_COLUMNS per nagari code from a verval ResultStore (tallies and delivered support)."""
    tallies = pd.DataFrame(results.tallies(codes))
    frame = (
        tallies.set_index("kode_desa")[["kk_verval", "kk_verval_layak", "kk_usul_dtks"]]
        if not tallies.empty
        else pd.DataFrame(columns=["kk_verval", "kk_verval_layak", "kk_usul_dtks"])
    )
    delivered = pd.DataFrame.from_dict(results.delivered_by_desa(codes), orient="index")
    if delivered.empty:
        delivered = pd.DataFrame(columns=["kk_bantuan_disalurkan", "tindak_disalurkan"])
    frame = frame.join(delivered, how="outer") if not frame.empty else delivered.reindex(columns=list(FIELD_COLUMNS))
    return frame.reindex(columns=list(FIELD_COLUMNS)).fillna(0).astype("int64")


def later_releases(comparisons, rilis_a: str, found: list | None = None) -> list:
    """The published releases after A (by reference date, then build time), latest first;
    `found`: comparisons.comparable() when the caller has read it already."""
    found = comparisons.comparable() if found is None else found
    names = [r.nama for r in found]
    if rilis_a not in names:
        return []
    return list(reversed(found[names.index(rilis_a) + 1 :]))


def plan_progress(
    plan, comparisons, results, rilis_b: str | None = None, wilayah: str | None = None, field_only: bool = False
) -> Progress:
    """A saved plan's progress against `rilis_b` (default: the latest release after the
    plan's, if any) and the field results, within `wilayah`; `field_only`: the field alone."""
    rilis_a = plan.snapshot_nama
    found = comparisons.comparable()
    later = later_releases(comparisons, rilis_a, found)
    if field_only:
        rilis_b = None
    elif rilis_b is None and later:
        rilis_b = later[0].nama
    if rilis_b is not None and rilis_b not in {r.nama for r in later}:
        raise ValueError(f"rilis {rilis_b} bukan rilis sesudah rilis rencana ({rilis_a})")
    comparison = comparisons.result(rilis_a, rilis_b, wilayah) if rilis_b else None
    codes = [str(r.get("kode")) for r in plan.nagari]
    if comparison is not None:
        where = comparison_row_of(comparison.transisi["desa"])
        codes += [where[c] for c in codes if c in where]
    lapangan = field_counts(results, sorted(set(codes))) if results is not None else None
    nagari, notes = measure(
        plan.nagari,
        comparison.transisi["desa"] if comparison else None,
        comparison.perubahan["desa"] if comparison else None,
        lapangan,
        wilayah,
    )
    kab, total = roll_up(nagari)
    dates = {r.nama: r.tanggal_referensi for r in found}
    return Progress(
        rencana=plan.nama,
        rilis_a=rilis_a,
        tanggal_a=dates.get(rilis_a, ""),
        rilis_b=rilis_b,
        tanggal_b=dates.get(rilis_b) if rilis_b else None,
        nagari=nagari,
        kabkota=kab,
        provinsi=total,
        catatan=notes,
    )


def codes_now(prog: Progress | None, codes: list[str]) -> list[str]:
    """Plan nagari codes as the later release spells them (a renamed nagari's new code), to
    outline them on its map."""
    if prog is None or "kode_b" not in prog.nagari:
        return list(codes)
    now = {k: b for k, b in prog.nagari[["kode", "kode_b"]].itertuples(index=False) if isinstance(b, str)}
    return [now.get(str(k), str(k)) for k in codes]


def share_text(value) -> str:
    """12,5% ; "–" when there is no share (target 0, or no later release)."""
    return "–" if value is None or pd.isna(value) else fmt.persen(float(value) * 100, 1)


def count_text(value) -> str:
    return "–" if value is None or pd.isna(value) else fmt.angka(int(value))


def region_label(row) -> str:
    return short_name(str(row.get("nama_kabkota", "")))
