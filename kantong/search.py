"""Find a region by name, tolerant of Minangkabau and Indonesian spellings.

Nagari names mix both languages (Koto/Kota, Aia/Air) and write numbers as Minang or
Indonesian words, Roman numerals or digits ("Tigo Koto", "III Koto"; "Ampek Angkek", "IV
Angkek"; "Duo Baleh", "XII"), and users type any of them. Names and queries are folded to
one spelling, numbers to digits, before matching; a close spelling (difflib) is the
fallback.
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
    "GADANG": "BESAR",
    "KETEK": "KECIL",
    "ATEH": "ATAS",
    "TANGAH": "TENGAH",
    "MUDIAK": "MUDIK",
    "MUDIEK": "MUDIK",
    "HILIA": "HILIR",
    "HILIE": "HILIR",
    "BUKIK": "BUKIT",
    "LUAK": "LUHAK",
    "LUBUAK": "LUBUK",
    "TANJUANG": "TANJUNG",
    "PASIA": "PASIR",
    "PASIE": "PASIR",
    "PARIK": "PARIT",
    # the tens words of compound numbers (see _NUMBERS)
    "BALEH": "BELAS",
    "PULUAH": "PULUH",
}
# Numbers, whether written in Minang, in Indonesian or as Roman numerals, as digits.
_NUMBERS = {
    **dict.fromkeys(("CIEK", "ASO", "SATU", "I"), "1"),
    **dict.fromkeys(("DUO", "DUA", "II"), "2"),
    **dict.fromkeys(("TIGO", "TIGA", "III"), "3"),
    **dict.fromkeys(("AMPEK", "AMPAT", "EMPAT", "IV"), "4"),
    **dict.fromkeys(("LIMO", "LIMA", "V"), "5"),
    **dict.fromkeys(("ANAM", "ENAM", "VI"), "6"),
    **dict.fromkeys(("TUJUAH", "TUJUH", "VII"), "7"),
    **dict.fromkeys(("SALAPAN", "LAPAN", "DELAPAN", "VIII"), "8"),
    **dict.fromkeys(("SAMBILAN", "SEMBILAN", "IX"), "9"),
    **dict.fromkeys(("SAPULUAH", "SEPULUH", "X"), "10"),
    **dict.fromkeys(("SABALEH", "SEBELAS", "XI"), "11"),
    **dict.fromkeys(("DUOBALEH", "DUABELAS", "XII"), "12"),
    "XIII": "13",
    "XIV": "14",
    "XV": "15",
    "XX": "20",
}
# Dropped in front of a name; "Kota"/"Kabupaten" stay, since Kota Solok and Kab. Solok differ.
_TYPE_WORDS = {"NAGARI", "DESA", "KELURAHAN", "KEL", "KECAMATAN", "KEC"}


def _word(words: list[str], i: int) -> str:
    w = words[i]
    # "2 x 11 Kayu Tanam": an x between numbers is "times", not ten.
    if w == "X" and 0 < i < len(words) - 1 and words[i - 1].isdigit() and words[i + 1].isdigit():
        return w
    return _NUMBERS.get(w, _WORDS.get(w, w))


def _compound(words: list[str]) -> list[str]:
    """ "3 BELAS" -> "13", "5 PULUH" -> "50", "2 PULUH 1" -> "21" (Duo Baleh, Limo Puluah)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        after = words[i + 1] if i + 1 < len(words) else ""
        if w.isdigit() and 1 <= int(w) <= 9 and after == "BELAS":
            out.append(str(10 + int(w)))
            i += 2
        elif w.isdigit() and 1 <= int(w) <= 9 and after == "PULUH":
            value = 10 * int(w)
            i += 2
            if i < len(words) and words[i].isdigit() and 1 <= int(words[i]) <= 9:
                value += int(words[i])
                i += 1
            out.append(str(value))
        else:
            out.append(w)
            i += 1
    return out


def _plain(text: str) -> str:
    """Upper case, words of letters and digits separated by single spaces."""
    text = re.sub(r"[^0-9A-Z]+", " ", str(text).upper())
    return re.sub(r"(?<=[0-9])(?=[A-Z])|(?<=[A-Z])(?=[0-9])", " ", text).strip()


def fold(text: str) -> str:
    """One spelling for Minangkabau and Indonesian word forms; numbers (Minang, Indonesian,
    Roman) as digits: fold("Tigo Koto") == fold("III Koto") == "3 KOTA"."""
    words = _plain(text).split()
    if len(words) > 1 and words[0] in _TYPE_WORDS:
        words = words[1:]
    return " ".join(_compound([_word(words, i) for i in range(len(words))]))


def _pattern(q: str) -> re.Pattern:
    """`q` anywhere in a folded name, but a number only as a whole number ("3" is not in "13")."""
    return re.compile(
        ("(?<![0-9])" if q[:1].isdigit() else "") + re.escape(q) + ("(?![0-9])" if q[-1:].isdigit() else "")
    )


def search(snapshot: Snapshot, query: str, limit: int = 12) -> pd.DataFrame:
    """Regions whose folded name contains the folded query; close spellings after."""
    q = fold(query)
    if len(_plain(query)) < 2 or not q:  # "IV" is long enough, though it folds to "4"
        return snapshot.all_regions.iloc[0:0]
    regions = _folded(snapshot)
    # The name as folded, or as written (so that "Ampe", half of "Ampek", finds it too).
    typed = _plain(query)
    hits = regions[regions["lipat"].str.contains(_pattern(q)) | regions["polos"].str.contains(typed, regex=False)]
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
    return hits.head(limit).drop(columns=["_skor", "_tingkat", "lipat", "polos"])


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
    regions["polos"] = regions["nama"].map(_plain)
    return regions
