"""Verification results counted per nagari: the values of the catalogue's verval indicators
(etl.indicators.VERVAL), which the data layer adds to a snapshot's tables at every level."""

from __future__ import annotations

import pandas as pd

from etl import indicators
from kantong.verval import choices

# keberadaan -> the count it goes to
_PRESENCE = {
    "ditemukan": "kk_verval_ditemukan",
    "tidak_ditemukan": "kk_verval_tidak_ditemukan",
    "pindah": "kk_verval_pindah",
    "meninggal": "kk_verval_meninggal",
    "ganda": "kk_verval_ganda",
}


def counts_by_desa(results: pd.DataFrame) -> pd.DataFrame:
    """One row per nagari code (index) with every verval count, from the latest result per
    family: columns id_keluarga, kode_desa, keberadaan, kelayakan, usulan_dtks,
    kebutuhan_utama, kebutuhan_lain (a list of need codes). A need counts a family once,
    whether it was named as the main need or another one, and only for eligible families:
    support goes to families verified as extreme poor."""
    columns = list(indicators.VERVAL_JUMLAH_IDS)
    if results.empty:
        return pd.DataFrame(columns=columns, dtype="int64")
    r = results.drop_duplicates("id_keluarga", keep="last")
    found = r["keberadaan"] == "ditemukan"
    layak = found & (r["kelayakan"] == "layak")
    flags = pd.DataFrame(index=r.index)
    flags["kk_verval"] = True
    for kode, column in _PRESENCE.items():
        flags[column] = r["keberadaan"] == kode
    flags["kk_verval_layak"] = layak
    flags["kk_usul_dtks"] = layak & (r["usulan_dtks"] == "ya")
    others = r["kebutuhan_lain"].apply(lambda v: set(v) if isinstance(v, (list, tuple, set)) else set())
    for need in choices.NEEDS:
        named = (r["kebutuhan_utama"] == need.kode) | others.apply(lambda s, k=need.kode: k in s)
        flags[f"kk_butuh_{need.kode}"] = layak & named
    counts = flags.astype("int64").groupby(r["kode_desa"]).sum()
    counts.index.name = None
    return counts[columns]
