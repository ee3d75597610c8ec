"""Which families to visit: the selection rule of the verification lists.

In each chosen nagari only desil-1 families are listed, those the DTKS register misses
first, then those in DTKS without bansos, then the other desil-1 families. Within each
group the order is a seeded draw: families are sorted by SHA-256 of (seed, id_keluarga),
so the same seed gives the same list whatever the order of the input rows, every family
of a group has the same chance, and the draw can be redone by anyone with the seed.

Pure: DataFrames in, a `VervalList` out. The list writers (lists, form_pdf, xlsform) print
its rule, seed and date on every list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kantong import fmt
from kantong.access import mask_nik

ALASAN_NON_DTKS = "Desil 1, belum di DTKS"
ALASAN_TANPA_BANSOS = "Desil 1, di DTKS tanpa bansos"
ALASAN_LAINNYA = "Desil 1 lainnya"
GROUPS = (ALASAN_NON_DTKS, ALASAN_TANPA_BANSOS, ALASAN_LAINNYA)  # in the order they are taken
DEFAULT_PER_DESA = 30  # as in the province's 2023 verification: 30 families per nagari

REQUIRED_COLUMNS = ("id_keluarga", "kode_desa", "desil", "di_dtks", "bansos")
MEMBER_COLUMNS = ("id_individu", "nama", "nik", "hubungan", "jenis_kelamin", "umur")  # those the lists use
BANSOS_PROGRAMS = (("pkh", "PKH"), ("sembako", "Sembako"), ("pbi", "PBI"))


@dataclass(frozen=True, eq=False)
class NagariList:
    """One nagari's families to visit, in visiting order."""

    kode: str
    nama: str
    nama_kecamatan: str
    nama_kabkota: str
    keluarga: pd.DataFrame  # the chosen families: input columns + alasan, peringkat (1..n)
    anggota: pd.DataFrame  # members of the chosen families (empty without member data)
    tersedia: dict[str, int]  # desil-1 families per group (GROUPS)
    terpilih: dict[str, int]  # chosen per group

    @property
    def jumlah_desil_1(self) -> int:
        return sum(self.tersedia.values())

    @property
    def jumlah_terpilih(self) -> int:
        return sum(self.terpilih.values())

    @property
    def ringkasan(self) -> str:
        """'Terpilih 30 dari 41 keluarga desil 1 (Desil 1, belum di DTKS: 12 dari 12; ...)'."""
        parts = "; ".join(f"{g}: {fmt.angka(self.terpilih[g])} dari {fmt.angka(self.tersedia[g])}" for g in GROUPS)
        return f"Terpilih {fmt.angka(self.jumlah_terpilih)} dari {fmt.angka(self.jumlah_desil_1)} keluarga desil 1 ({parts})"

    @property
    def lokasi(self) -> str:
        """'Nagari X (13.06.01.2001), Kecamatan Y, Kabupaten Z'."""
        parts = [f"{self.nama} ({self.kode})"]
        if self.nama_kecamatan:
            parts.append(f"Kecamatan {self.nama_kecamatan}")
        if self.nama_kabkota:
            parts.append(self.nama_kabkota)
        return ", ".join(parts)


@dataclass(frozen=True, eq=False)
class VervalList:
    aturan: str  # the rule, in Indonesian
    benih: int  # the seed of the draw
    dibuat: dt.date
    per_desa: int | None
    nagari: tuple[NagariList, ...]
    dibuat_oleh: str = ""

    @property
    def keterangan(self) -> str:
        """The line printed on every list: rule, seed, date."""
        return f"Aturan pemilihan: {self.aturan}; benih acak {self.benih}; dibuat {fmt.tanggal(self.dibuat)}"

    @property
    def jumlah_terpilih(self) -> int:
        return sum(n.jumlah_terpilih for n in self.nagari)

    @property
    def wilayah(self) -> str:
        """The smallest region code holding every nagari of the list (for file names)."""
        codes = [n.kode.split(".") for n in self.nagari]
        if not codes:
            return "kosong"
        common = []
        for parts in zip(*codes):
            if len(set(parts)) > 1:
                break
            common.append(parts[0])
        return ".".join(common) or "semua"


def rule_text(per_desa: int | None) -> str:
    jumlah = "semua keluarga desil 1" if per_desa is None else f"paling banyak {fmt.angka(per_desa)} keluarga desil 1"
    return (
        f"{jumlah} per nagari/desa; lebih dahulu yang belum di DTKS, lalu yang di DTKS tanpa bansos, "
        "lalu desil 1 lainnya; di dalam tiap kelompok urutan diundi dengan benih acak "
        "(SHA-256 dari benih dan ID keluarga)"
    )


def draw_key(seed: int, id_keluarga: str) -> str:
    """The family's place in the seeded draw: equal chances, independent of row order."""
    return hashlib.sha256(f"{seed}|{id_keluarga}".encode()).hexdigest()


def select(
    keluarga: pd.DataFrame,
    nagari: Sequence[Mapping] | pd.DataFrame | None = None,
    *,
    per_desa: int | None = DEFAULT_PER_DESA,
    seed: int,
    anggota: pd.DataFrame | None = None,
    dibuat: dt.date | None = None,
    dibuat_oleh: str = "",
) -> VervalList:
    """The families to visit in each chosen nagari.

    `nagari`: the chosen nagari in the order the lists follow, as a plan's rows (kode, nama,
    nama_kecamatan, nama_kabkota); None: every kode_desa of `keluarga`, sorted, named by code.
    Families of other nagari are ignored. `per_desa` None lists every desil-1 family.
    """
    if per_desa is not None and (isinstance(per_desa, bool) or not isinstance(per_desa, int) or per_desa < 1):
        raise ValueError(f"Jumlah keluarga per nagari harus bilangan bulat 1 atau lebih, bukan {per_desa!r}")
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise ValueError(f"Benih acak harus bilangan bulat, bukan {seed!r}") from None
    frame = _desil_1(keluarga)
    regions = _regions(nagari, frame)
    # Only the chosen nagari's families are checked and drawn: a flaw elsewhere in the
    # store does not stop a list.
    frame = _checked(frame[frame["kode_desa"].isin([r["kode"] for r in regions])])
    by_desa = dict(tuple(frame.groupby("kode_desa", sort=False)))
    members = _members(anggota)
    members = members[members["id_keluarga"].isin(frame["id_keluarga"])]
    lists = []
    for region in regions:
        ordered = _ordered(by_desa.get(region["kode"], frame.iloc[:0]), seed)
        chosen = ordered if per_desa is None else ordered.head(per_desa)
        chosen = chosen.assign(peringkat=range(1, len(chosen) + 1)).reset_index(drop=True)
        lists.append(
            NagariList(
                kode=region["kode"],
                nama=region["nama"],
                nama_kecamatan=region["nama_kecamatan"],
                nama_kabkota=region["nama_kabkota"],
                keluarga=chosen.drop(columns=["_grup", "_undian"]),
                anggota=_members_of(members, chosen),
                tersedia={g: int((ordered["alasan"] == g).sum()) for g in GROUPS},
                terpilih={g: int((chosen["alasan"] == g).sum()) for g in GROUPS},
            )
        )
    return VervalList(
        aturan=rule_text(per_desa),
        benih=seed,
        dibuat=dibuat or dt.date.today(),
        per_desa=per_desa,
        nagari=tuple(lists),
        dibuat_oleh=dibuat_oleh,
    )


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """A yes/no column as plain bools; a missing value counts as no."""
    if column not in frame:
        return pd.Series(False, index=frame.index)
    return frame[column].astype("boolean").fillna(False).astype(bool)


def _desil_1(keluarga: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED_COLUMNS if c not in keluarga.columns]
    if missing:
        raise ValueError(f"Data keluarga tidak memuat kolom: {', '.join(missing)}")
    frame = keluarga[pd.to_numeric(keluarga["desil"], errors="coerce") == 1].copy()
    frame["kode_desa"] = frame["kode_desa"].astype(str).str.strip()
    return frame


def _checked(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    no_id = frame["id_keluarga"].isna() | (frame["id_keluarga"].astype(str).str.strip() == "")
    if no_id.any():
        rows = ", ".join(str(i) for i in frame.index[no_id][:5])
        raise ValueError(f"Data keluarga: {int(no_id.sum())} keluarga desil 1 tanpa id_keluarga (baris {rows})")
    frame["id_keluarga"] = frame["id_keluarga"].astype(str).str.strip()
    twice = frame["id_keluarga"][frame["id_keluarga"].duplicated()].unique()
    if len(twice):
        raise ValueError(f"Data keluarga: id_keluarga ganda: {', '.join(sorted(twice)[:5])}")
    frame["di_dtks"] = _flag(frame, "di_dtks")
    frame["bansos"] = _flag(frame, "bansos")
    return frame


def _regions(nagari, frame: pd.DataFrame) -> list[dict[str, str]]:
    if nagari is None:
        return [
            {"kode": k, "nama": k, "nama_kecamatan": "", "nama_kabkota": ""}
            for k in sorted(frame["kode_desa"].unique())
        ]
    rows = nagari.to_dict("records") if isinstance(nagari, pd.DataFrame) else list(nagari)
    regions, seen = [], set()
    for i, row in enumerate(rows, start=1):
        kode = str(row.get("kode") or "").strip()
        if not kode:
            raise ValueError(f"Nagari ke-{i} tanpa kode")
        if kode in seen:
            continue
        seen.add(kode)
        regions.append(
            {
                "kode": kode,
                "nama": _text(row.get("nama")) or kode,
                "nama_kecamatan": _text(row.get("nama_kecamatan")),
                "nama_kabkota": _text(row.get("nama_kabkota")),
            }
        )
    return regions


def _ordered(in_desa: pd.DataFrame, seed: int) -> pd.DataFrame:
    grup = pd.Series(2, index=in_desa.index)
    grup[in_desa["di_dtks"] & ~in_desa["bansos"]] = 1
    grup[~in_desa["di_dtks"]] = 0
    out = in_desa.assign(
        _grup=grup,
        _undian=[draw_key(seed, i) for i in in_desa["id_keluarga"]],
        alasan=[GROUPS[g] for g in grup],
    )
    # id_keluarga last only makes the order total; two SHA-256 keys do not tie in practice.
    return out.sort_values(["_grup", "_undian", "id_keluarga"], kind="stable")


def _members(anggota: pd.DataFrame | None) -> pd.DataFrame:
    if anggota is None or "id_keluarga" not in anggota.columns:
        return pd.DataFrame(columns=["id_keluarga", *MEMBER_COLUMNS])
    members = anggota.copy()
    members["id_keluarga"] = members["id_keluarga"].astype(str).str.strip()
    for column in MEMBER_COLUMNS:
        if column not in members:
            members[column] = None
    return members


def _members_of(members: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """Members of the chosen families: by family rank, the head first, then the oldest."""
    rank = dict(zip(chosen["id_keluarga"], chosen["peringkat"]))
    out = members[members["id_keluarga"].isin(rank)].copy()
    out["peringkat"] = out["id_keluarga"].map(rank).astype(int)
    out["_bukan_kepala"] = ~out["hubungan"].fillna("").astype(str).str.casefold().str.contains("kepala")
    out["_umur"] = -pd.to_numeric(out["umur"], errors="coerce").fillna(-1)
    out["_nama"] = out["nama"].fillna("").astype(str)
    out["_id"] = out["id_individu"].fillna("").astype(str)
    out = out.sort_values(["peringkat", "_bukan_kepala", "_umur", "_nama", "_id"], kind="stable")
    return out.drop(columns=["_bukan_kepala", "_umur", "_nama", "_id"]).reset_index(drop=True)


# --- what the lists show of a family -------------------------------------------------------


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def _int(value) -> int | None:
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else int(number)


def status_bansos(row: Mapping) -> str:
    if not bool(row.get("bansos")):
        return "Tanpa bansos"
    programs = [label for column, label in BANSOS_PROGRAMS if _flag_value(row.get(column))]
    return ", ".join(programs) if programs else "Menerima bansos"


def _flag_value(value) -> bool:
    return False if value is None or (not isinstance(value, bool) and pd.isna(value)) else bool(value)


def family_rows(nagari: NagariList, show_nik: bool = False) -> list[dict[str, object]]:
    """Each chosen family as the lists show it, keyed by the kodes of choices.FAMILY_COLUMNS.
    The NIK is masked unless `show_nik` (a person allowed the full NIK asked for it)."""
    rows = []
    for row in nagari.keluarga.to_dict("records"):
        nik = _text(row.get("nik_kepala"))
        rows.append(
            {
                "no": int(row["peringkat"]),
                "id_keluarga": row["id_keluarga"],
                "kode_desa": row["kode_desa"],
                "nama_kepala": _text(row.get("nama_kepala")),
                "nik_kepala": nik if show_nik else mask_nik(nik),
                "alamat": _text(row.get("alamat")),
                "jiwa": _int(row.get("jiwa")),
                "status_dtks": "Di DTKS" if row["di_dtks"] else "Belum di DTKS",
                "status_bansos": status_bansos(row),
                "alasan": row["alasan"],
            }
        )
    return rows


def member_rows(nagari: NagariList, show_nik: bool = False) -> list[dict[str, object]]:
    """Members of the chosen families: no (the family's), id_keluarga, nama, hubungan,
    jenis_kelamin, umur, nik (masked unless `show_nik`)."""
    return [
        {
            "no": int(row["peringkat"]),
            "id_keluarga": row["id_keluarga"],
            "nama": _text(row.get("nama")),
            "hubungan": _text(row.get("hubungan")),
            "jenis_kelamin": _text(row.get("jenis_kelamin")),
            "umur": _int(row.get("umur")),
            "nik": _text(row.get("nik")) if show_nik else mask_nik(_text(row.get("nik"))),
        }
        for row in nagari.anggota.to_dict("records")
    ]


def member_summary(nagari: NagariList) -> dict[str, str]:
    """Per family: 'Ani (34), Budi (12)', members in list order, for the printed form."""
    summary: dict[str, list[str]] = {}
    for m in member_rows(nagari):
        name = m["nama"] or "–"
        summary.setdefault(m["id_keluarga"], []).append(name if m["umur"] is None else f"{name} ({m['umur']})")
    return {k: ", ".join(v) for k, v in summary.items()}
