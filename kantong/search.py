"""Find a region by name, tolerant of Minangkabau and Indonesian spellings.

Nagari names mix both languages (Koto/Kota, Aia/Air, Tigo/Tiga, Ampek/Empat), and users
type either. Names and queries are folded to one spelling before matching; a close
spelling (difflib) is the fallback.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from kantong.data import LEVEL_LABEL_SHORT, Snapshot

# Minangkabau -> Indonesian word forms common in place names.
_WORDS = {
    "KOTO": "KOTA",
    "AIA": "AIR",
    "AIE": "AIR",
    "AIR": "AIR",
    "SUNGAI": "SUNGAI",
    "SUNGAYANG": "SUNGAYANG",
    "DUO": "DUA",
    "TIGO": "TIGA",
    "AMPEK": "EMPAT",
    "LIMO": "LIMA",
    "ANAM": "ENAM",
    "TUJUAH": "TUJUH",
    "SALAPAN": "DELAPAN",
    "SAMBILAN": "SEMBILAN",
    "SAPULUAH": "SEPULUH",
    "SABALAS": "SEBELAS",
    "DUOBALEH": "DUABELAS",
    "GADANG": "BESAR",
    "KETEK": "KECIL",
    "BARU": "BARU",
    "ATEH": "ATAS",
    "TANGAH": "TENGAH",
    "MUDIAK": "MUDIK",
    "HILIA": "HILIR",
    "HILIE": "HILIR",
    "BUKIK": "BUKIT",
    "BATU": "BATU",
    "BATANG": "BATANG",
    "LUAK": "LUHAK",
    "PADANG": "PADANG",
    "LUBUAK": "LUBUK",
    "TANJUANG": "TANJUNG",
    "PASIA": "PASIR",
    "PASIE": "PASIR",
    "SALO": "SALO",
    "PARIK": "PARIT",
}
# Dropped in front of a name; "Kota"/"Kabupaten" stay, since Kota Solok and Kab. Solok differ.
_TYPE_WORDS = {"NAGARI", "DESA", "KELURAHAN", "KEL", "KECAMATAN", "KEC"}
_ROMAN = {
    "I": "1",
    "II": "2",
    "III": "3",
    "IV": "4",
    "V": "5",
    "VI": "6",
    "VII": "7",
    "VIII": "8",
    "IX": "9",
    "X": "10",
    "XI": "11",
    "XII": "12",
    "XIII": "13",
    "XIV": "14",
    "XV": "15",
    "XX": "20",
}


def fold(text: str) -> str:
    """One spelling for Minangkabau and Indonesian word forms, Roman numerals as digits."""
    words = re.sub(r"[^0-9A-Z]+", " ", str(text).upper()).split()
    if len(words) > 1 and words[0] in _TYPE_WORDS:
        words = words[1:]
    return " ".join(_ROMAN.get(w, _WORDS.get(w, w)) for w in words)


def search(snapshot: Snapshot, query: str, limit: int = 12) -> pd.DataFrame:
    """Regions whose folded name contains the folded query; close spellings after."""
    q = fold(query)
    if len(q) < 2:
        return snapshot.all_regions.iloc[0:0]
    regions = _folded(snapshot)
    hits = regions[regions["lipat"].str.contains(q, regex=False)]
    # Exact names first, then names that start with the query, then the rest.
    hits = hits.assign(
        _skor=(hits["lipat"] != q).astype(int) * 5
        + (~hits["lipat"].str.startswith(q)).astype(int) * 5
        + hits["lipat"].str.len() / 100
    )
    if len(hits) < limit:
        close = difflib.get_close_matches(q, regions["lipat"].unique().tolist(), n=limit, cutoff=0.75)
        extra = regions[regions["lipat"].isin(close) & ~regions.index.isin(hits.index)]
        closeness = [1.0 - difflib.SequenceMatcher(None, q, s).ratio() for s in extra["lipat"]]
        extra = extra.assign(_skor=50.0 + np.asarray(closeness, dtype="float64"))
        hits = pd.concat([hits, extra])
    order = {"provinsi": 0, "kabkota": 1, "kecamatan": 2, "desa": 3}
    hits = hits.assign(_tingkat=hits["tingkat"].map(order)).sort_values(["_skor", "_tingkat", "nama"])
    return hits.head(limit).drop(columns=["_skor", "_tingkat", "lipat"])


def label(row) -> str:
    """'Nagari X — Kec. Y, Kabupaten Z' for a search result."""
    parents = [p for p in (row.get("nama_kecamatan"), row.get("nama_kabkota")) if isinstance(p, str)]
    where = ", ".join(([f"Kec. {parents[0]}"] if len(parents) == 2 else []) + parents[-1:])
    kind = LEVEL_LABEL_SHORT[row["tingkat"]]
    return f"{row['nama']} ({kind}{', ' + where if where else ''})"


def _folded(snapshot: Snapshot) -> pd.DataFrame:
    return _folded_cached(snapshot.id, snapshot)


@lru_cache(maxsize=4)
def _folded_cached(snapshot_id: str, snapshot: Snapshot) -> pd.DataFrame:
    regions = snapshot.all_regions.copy()
    regions["lipat"] = regions["nama"].map(fold)
    return regions
