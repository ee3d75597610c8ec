"""Synthetic P3KE and DTKS exports for every nagari/desa/kelurahan of Sumatera Barat.

No real person is in here: names are drawn from short lists of common given names, NIKs are
built from the region code, a date of birth and a serial. The data is calibrated to the
province facts (79,272 desil-1 families in the 2023 report; the kab/kota population in
data/wilayah/) and is as messy as real exports, on purpose:

- title rows above the header (one to three), and a blank line after them in the family csv;
- NIKs stored as numbers (scientific notation in csv, numeric cells in xlsx), with a leading
  apostrophe, empty, or with a digit lost (15 digits);
- region codes with and without dots; desil as "1" or "Desil 1";
- the older 30-column family layout (13.73 Kota Sawahlunto); an individual file with age-band
  flags instead of "Usia 2023" and day-first dates (13.77 Kota Pariaman);
- csv with four delimiters (, ; | tab); the family csv of 13.05 Kabupaten Padang Pariaman in
  UTF-8 with a byte-order mark; the DTKS file of 13.75 Kota Bukittinggi saved by Excel as
  "Unicode Text" (UTF-16 LE with a byte-order mark, tab-separated, CRLF line ends);
- P3KE as xlsx (13.74 Kota Padang Panjang) with numeric NIK cells, a cover sheet
  "Keterangan" first and the data split over sheets "Data 1", "Data 2", … of at most
  DEMO_SHEET_ROWS rows each (title rows on the first data sheet only, the header repeated
  on every data sheet); DTKS as xlsx (13.72 Kota Solok) with a notes sheet "Petunjuk" first
  and the data on the second sheet;
- two DTKS layouts (Status AKTIF/NONAKTIF and "Disabilitas"; or is_nonaktif,
  keterangan_disabilitas, keterangan_meninggal), non-active and deceased records;
- duplicate family rows (a family exported twice, the copy after the original), families
  whose region is known only by name, rows of another province, an invalid desil, and
  members whose family ID is unknown or rejected.

Disability notes in DTKS: a person has a disability with probability 2% under 18, 3% at
18-59 and 12% at 60 or more, times 1.3 in a desil-1 family. These rates are assumptions made
for this demo, not figures from a source: they only follow the known shape of disability
prevalence (rising steeply with age, higher among the poorest). They give about 4.5% of the
active DTKS records at scale 1 (87,743 of 1,934,344 at the default seed): about 3.8% of the
P3KE members in DTKS and 5.5% of the persons outside P3KE, whose ages are spread evenly up to
85 years (so 30% of them are 60 or more). The note names the kind ("DISABILITAS FISIK", …);
persons without a disability have an empty cell, "-" or "TIDAK ADA", mixed (60/25/15%).

Generation is streamed: per kab/kota, and within it per block of at most CHUNK_FAMILIES
families (their members and DTKS records with them), appended to the kab/kota's files, so
memory does not grow with the scale. Everything is seeded: the same scale and seed give
byte-identical files (the random streams are per kab/kota and block, so CHUNK_FAMILIES is
part of what "the same" means; the calibrated totals do not depend on it).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from etl import config

FULL_FAMILIES = 600_000  # P3KE desil 1-4 families in the province at scale 1
FULL_D1 = 79_272  # desil-1 families, from the 2023 report
FULL_DTKS_ROWS = 2_000_000

# At most this many families (with their members and DTKS records) are held in memory at a
# time; the DTKS persons outside P3KE come in blocks of 4x as many records.
CHUNK_FAMILIES = 50_000
# Data rows per sheet of the multi-sheet P3KE workbooks.
DEMO_SHEET_ROWS = 10_000

# Which kab/kota gets which export quirk (all real codes; the quirks are invented).
XLSX_P3KE_KAB = "13.74"  # Kota Padang Panjang: P3KE as xlsx (cover sheet, data over several sheets)
OLD_LAYOUT_KAB = "13.73"  # Kota Sawahlunto: the older 30-column family layout
AGE_BAND_KAB = "13.77"  # Kota Pariaman: individual file with age-band flags, no "Usia 2023"
XLSX_DTKS_KAB = "13.72"  # Kota Solok: DTKS as xlsx, notes sheet first
UTF16_DTKS_KAB = "13.75"  # Kota Bukittinggi: DTKS as Excel "Unicode Text" (UTF-16 LE, tab, CRLF)
BOM_P3KE_KAB = "13.05"  # Kabupaten Padang Pariaman: family csv in UTF-8 with a byte-order mark
DELIMITERS = (",", ";", "|", "\t")

# NIK serial counters are kept per (kecamatan, sex, birth day) over this many days back from
# the reference date (birth dates in the demo reach about 92 years back).
NIK_DAYS = 36_500
P3KE_FIRST_SERIAL = 1  # P3KE members: 0001 up
EXTRA_FIRST_SERIAL = 5001  # DTKS persons outside P3KE: 5001 up, never the members' serials

DISABILITY_KINDS = np.array(
    [
        "DISABILITAS FISIK",
        "DISABILITAS SENSORIK NETRA",
        "DISABILITAS SENSORIK RUNGU/WICARA",
        "DISABILITAS MENTAL",
        "DISABILITAS INTELEKTUAL",
        "DISABILITAS GANDA",
    ]
)
DISABILITY_KIND_P = [0.40, 0.14, 0.13, 0.12, 0.12, 0.09]
NO_DISABILITY = ("-", "TIDAK ADA")  # besides an empty cell
NO_DISABILITY_P = [0.60, 0.25, 0.15]  # empty, "-", "TIDAK ADA"

GIVEN_MALE = np.array(
    "Ahmad Andi Arif Budi Dedi Doni Edi Fajar Fauzi Hendra Irwan Joni Khairul Mulyadi Nasrul "
    "Rahmat Rizal Syafri Yusuf Zulkifli Afrizal Darmawan Efendi Gusnaldi Hasan Indra Jasman "
    "Kamal Nofri Rudi".split()
)
GIVEN_FEMALE = np.array(
    "Ani Desi Eva Fitri Gustina Hayati Indah Jusmaniar Kartini Lena Mardiana Nurhayati Rosmawati "
    "Sari Syafrida Wati Yanti Yulia Zuraida Asnidar Elfi Erni Misra Nelmi Rahmi Rosna Suryani "
    "Upik Wirda Yusnidar".split()
)
SECOND_NAME = np.array(
    "Putra Putri Saputra Sari Wati Hidayat Rahman Yusuf Amir Syahrial Kurnia Lestari Pratama "
    "Utama Jaya Wijaya Harahap Chaniago Piliang Koto Sikumbang Tanjung Caniago Melayu".split()
)
JORONG = np.array("Koto Tangah|Balai Baru|Kampung Dalam|Pasar|Lubuk|Sungai|Padang|Ateh|Bawah|Tengah".split("|"))

P3KE_2023_COLUMNS = [
    "ID Keluarga P3KE",
    "Dimuktakhirkan Tahun",
    "Provinsi",
    "Kabupaten/Kota",
    "Kecamatan",
    "Desa/Kelurahan",
    "Kode Kemdagri",
    "Desil Kesejahteraan",
    "Persentil",
    "Alamat",
    "Prioritas Verval",
    "Nama Kepala Keluarga",
    "NIK Kepala Keluarga",
    "NIK Kepala Keluarga Padan Kemdagri",
    "Jenis Kelamin Kepala Keluarga",
    "Tanggal Lahir Kepala Keluarga",
    "Status Kawin Kepala Keluarga",
    "Pekerjaan Kepala Keluarga",
    "Status Pekerjaan Kepala Keluarga",
    "Pendidikan Kepala Keluarga",
    "Kepemilikan Rumah",
    "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya",
    "Jenis Atap",
    "Kualitas Atap",
    "Jenis Dinding",
    "Kualitas Dinding",
    "Jenis Lantai",
    "Kualitas Lantai",
    "Sumber Penerangan",
    "Daya Listrik Terpasang",
    "Bahan Bakar Memasak",
    "Sumber Air Minum",
    "Memiliki fasilitas Buang Air Besar",
    "Resiko Stunting",
    "Penerima BPNT",
    "Penerima BPUM",
    "Penerima BST",
    "Penerima PKH",
    "Penerima SEMBAKO",
    "Penerima Prakerja",
    "Penerima KUR",
]
P3KE_OLD_COLUMNS = [
    "ID Keluarga P3KE",
    "Dimuktakhirkan Tahun",
    "Provinsi",
    "Kabupaten/Kota",
    "Kecamatan",
    "Desa/Kelurahan",
    "Kode Kemdagri",
    "Desil Kesejahteraan",
    "Alamat",
    "Kepala Keluarga",
    "NIK",
    "Jenis Kelamin",
    "Tanggal Lahir Kepala Keluarga",
    "Status Kawin Kepala Keluarga",
    "Pekerjaan Kepala Keluarga",
    "Pendidikan Kepala Keluarga",
    "Kepemilikan Rumah",
    "Memiliki Simpanan",
    "Jenis Atap",
    "Jenis Dinding",
    "Jenis Lantai",
    "Sumber Penerangan",
    "Bahan Bakar Memasak",
    "Sumber Air Minum",
    "Memiliki Fasilitas Buang Air Besar",
    "Resiko Stunting",
    "Penerima BPNT",
    "Penerima BPUM",
    "Penerima BST",
    "Penerima PKH",
    "Penerima SEMBAKO",
]
AGE_BANDS = [
    ("Usia dibawah 7 tahun", 0, 6),
    ("Usia 7-12", 7, 12),
    ("Usia 13-15", 13, 15),
    ("Usia 16-18", 16, 18),
    ("Usia 19-21", 19, 21),
    ("Usia 22-59", 22, 59),
    ("Usia 60 tahun keatas", 60, 200),
]


@dataclass
class DemoFiles:
    keluarga: list[Path] = field(default_factory=list)
    individu: list[Path] = field(default_factory=list)
    dtks: list[Path] = field(default_factory=list)
    # What the generator planted, for tests and the build's sanity check:
    #   kk_total, kk_desil_1, jiwa_total: regular families and their members (what loads);
    #   kk_dicocokkan_nama: families whose code was mangled, placed by name only;
    #   dtks_rows, dtks_nonaktif (NONAKTIF or deceased), dtks_bad_nik (scientific notation);
    #   keluarga_dup, keluarga_bad_region, keluarga_bad_desil, individu_orphan,
    #   individu_of_rejected: rows that must be rejected;
    #   dtks_disabilitas: active DTKS records (neither NONAKTIF nor deceased) with a
    #     disability note, whatever their NIK;
    #   jiwa_d1_disabilitas: distinct members of loaded desil-1 families whose NIK in the
    #     individual file is a valid text NIK as written (apostrophe allowed; not empty, not
    #     15 digits, not scientific notation, not a numeric xlsx cell) and whose DTKS record
    #     is active, has a valid NIK as written in the DTKS file and notes a disability;
    #   jiwa_d1_disabilitas_dgn_nik_kepala: the same, counting a head also when only the
    #     family file's NIK Kepala Keluarga is valid (the ETL matches that NIK too);
    #   kk_d1_lansia_tunggal: loaded desil-1 families with exactly one member in the
    #     individual file, aged 60 or more at the reference date.
    expected: dict = field(default_factory=dict)

    @property
    def all(self) -> list[Path]:
        return self.keluarga + self.individu + self.dtks


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    share = total * weights / weights.sum()
    base = np.floor(share).astype(np.int64)
    rest = total - base.sum()
    base[np.argsort(-(share - base), kind="stable")[:rest]] += 1
    return base


def _pick(rng: np.random.Generator, values, n: int, p=None) -> pa.Array:
    values = pa.array(values, type=pa.string())
    return pc.take(values, pa.array(rng.choice(len(values), size=n, p=p)))


def _ya_tidak(mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(mask), "Ya", "Tidak")


def _join(*parts) -> pa.Array:
    """Concatenate strings element-wise; parts are arrays or plain strings."""
    arrays = [p.combine_chunks() if isinstance(p, pa.ChunkedArray) else p for p in parts]
    return pc.binary_join_element_wise(*[p if isinstance(p, pa.Array) else pa.scalar(p) for p in arrays], "")


def _text(values: np.ndarray) -> pa.Array:
    """Integers as decimal text."""
    return pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string())


def _iso_date(dates: np.ndarray) -> pa.Array:
    return pa.array(dates.astype("datetime64[D]")).cast(pa.string())


def _ymd(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    m = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, d


def _age(birth: np.ndarray, ref: np.datetime64) -> np.ndarray:
    """Completed years at the reference date."""
    y, m, d = _ymd(birth)
    ry, rm, rd = (int(v[0]) for v in _ymd(np.array([ref])))
    return ry - y - ((m > rm) | ((m == rm) & (d > rd))).astype(np.int64)


def _rank_within(key: np.ndarray) -> np.ndarray:
    """0, 1, 2, … for the successive occurrences of each key value, in array order."""
    n = len(key)
    if n == 0:
        return np.zeros(0, np.int64)
    order = np.argsort(key, kind="stable")
    ks = key[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    rank_sorted = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    rank = np.empty(n, np.int64)
    rank[order] = rank_sorted
    return rank


def _names(rng: np.random.Generator, female: np.ndarray) -> pa.Array:
    n = len(female)
    given = np.where(
        female, GIVEN_FEMALE[rng.integers(0, len(GIVEN_FEMALE), n)], GIVEN_MALE[rng.integers(0, len(GIVEN_MALE), n)]
    )
    return _join(pa.array(given), " ", pa.array(SECOND_NAME[rng.integers(0, len(SECOND_NAME), n)]))


# ---------------------------------------------------------------------------- province facts


@dataclass
class _Province:
    """Province-level facts and draws: small, fixed size whatever the scale."""

    seed: int
    ref: np.datetime64
    kabs: list[str]
    kab_names: list[str]
    desa_of_kab: list[np.ndarray]  # desa indices per kab/kota
    kode10: np.ndarray  # per desa, "1306012001"
    dotted: np.ndarray  # per desa, "13.06.01.2001"
    region6: np.ndarray  # per desa, the kecamatan part of the NIK as an integer (130601)
    kec_local: np.ndarray  # per desa, the index of its kecamatan within its kab/kota
    n_kec: np.ndarray  # per kab/kota, its number of kecamatan
    kab_upper: np.ndarray
    kec_upper: np.ndarray
    desa_upper: np.ndarray
    polygon_ok: np.ndarray  # per desa: its name is unique in its kecamatan, so it can be placed by name
    cover: np.ndarray  # per desa: DTKS coverage of desil-1 families in its kecamatan
    d1_weight: np.ndarray
    other_weight: np.ndarray
    d1_per_kab: np.ndarray
    other_per_kab: np.ndarray
    kab_aid: np.ndarray


def _province(scale: float, seed: int, reference_date: str) -> _Province:
    rng = np.random.default_rng(seed)
    codes = pd.read_csv(config.KODE_WILAYAH, dtype="string")
    pop = pd.read_csv(config.PENDUDUK_KABKOTA, dtype={"kode": "string"})
    desa = codes[codes["tingkat"] == "desa"].reset_index(drop=True)
    names = codes.set_index("kode")["nama"]
    desa["kab"] = desa["kode"].str.slice(0, 5)
    desa["kec"] = desa["kode"].str.slice(0, 8)
    kabs = pop.sort_values("kode")["kode"].tolist()
    population = pop.set_index("kode").loc[kabs, "penduduk_total"].to_numpy(dtype=float)

    n_fam = int(round(FULL_FAMILIES * scale))
    n_d1 = int(round(FULL_D1 * scale))
    # Poverty differs by kab/kota: more in Mentawai and the rural kabupaten, less in the kota.
    severity = rng.uniform(0.75, 1.35, len(kabs))
    severity[[i for i, k in enumerate(kabs) if k.startswith("13.7")]] *= 0.55
    severity[kabs.index("13.09")] *= 2.4
    d1_per_kab = _largest_remainder(n_d1, population * severity)
    other_per_kab = _largest_remainder(n_fam - n_d1, population * np.sqrt(severity))

    # Pockets: D1 families cluster in some kecamatan and, within them, in some nagari.
    kec_codes = desa["kec"].unique()
    kec_effect = pd.Series(rng.lognormal(0, 0.6, len(kec_codes)), index=kec_codes)
    d1_weight = kec_effect.loc[desa["kec"]].to_numpy() * rng.lognormal(0, 0.9, len(desa))
    other_weight = rng.lognormal(0, 0.45, len(desa))
    # DTKS: coverage of D1 families varies by kecamatan (pockets of exclusion error).
    kec_cover = pd.Series(np.clip(rng.beta(7, 2, len(kec_codes)), 0.25, 0.97), index=kec_codes)
    kab_aid = rng.uniform(0.62, 0.9, len(kabs))

    kab_arr = desa["kab"].to_numpy(dtype=object)
    kode10 = desa["kode"].str.replace(".", "", regex=False).to_numpy(dtype=object)
    desa_of_kab = [np.flatnonzero(kab_arr == kab) for kab in kabs]
    kec_local = np.zeros(len(desa), np.int64)
    n_kec = np.zeros(len(kabs), np.int64)
    for k, idx in enumerate(desa_of_kab):
        local, uniques = pd.factorize(desa["kec"].to_numpy(dtype=object)[idx])
        kec_local[idx] = local
        n_kec[k] = len(uniques)
    return _Province(
        seed=seed,
        ref=np.datetime64(reference_date, "D"),
        kabs=kabs,
        kab_names=[names.loc[k] for k in kabs],
        desa_of_kab=desa_of_kab,
        kode10=kode10,
        dotted=desa["kode"].to_numpy(dtype=object),
        region6=np.array([int(c[:6]) for c in kode10], dtype=np.int64),
        kec_local=kec_local,
        n_kec=n_kec,
        kab_upper=names.loc[desa["kab"]].str.upper().to_numpy(dtype=object),
        kec_upper=names.loc[desa["kec"]].str.upper().to_numpy(dtype=object),
        desa_upper=desa["nama"].str.upper().to_numpy(dtype=object),
        polygon_ok=~desa.duplicated(["kec", "nama"], keep=False).to_numpy(),
        cover=kec_cover.loc[desa["kec"]].to_numpy(),
        d1_weight=d1_weight,
        other_weight=other_weight,
        d1_per_kab=d1_per_kab,
        other_per_kab=other_per_kab,
        kab_aid=kab_aid,
    )


@dataclass
class _KabPlan:
    """One kab/kota's families as integer arrays, in file order (by desa, desil mixed)."""

    desa: np.ndarray
    desil: np.ndarray
    serial: np.ndarray  # the family's number within its desa (the tail of its ID)
    size: np.ndarray  # members
    in_dtks: np.ndarray
    n_kept: np.ndarray  # members with a DTKS record (0 when the family is not in DTKS)
    dups: np.ndarray  # sorted positions of the families exported twice


def _kab_plan(prov: _Province, k: int) -> _KabPlan:
    """Deterministic from (seed, k): computed once to count DTKS members, again to write."""
    rng = np.random.default_rng([prov.seed, 1, k])
    idx = prov.desa_of_kab[k]
    d1 = rng.multinomial(prov.d1_per_kab[k], prov.d1_weight[idx] / prov.d1_weight[idx].sum())
    ot = rng.multinomial(prov.other_per_kab[k], prov.other_weight[idx] / prov.other_weight[idx].sum())
    fam_desa = np.concatenate([np.repeat(idx, d1), np.repeat(idx, ot)])
    fam_desil = np.concatenate(
        [
            np.ones(d1.sum(), dtype=np.int8),
            rng.choice(np.array([2, 3, 4], dtype=np.int8), ot.sum(), p=[0.31, 0.33, 0.36]),
        ]
    )
    n = len(fam_desa)
    order = np.lexsort((rng.random(n), fam_desa))  # families listed by desa, desil mixed
    fam_desa, fam_desil = fam_desa[order], fam_desil[order]
    starts = np.flatnonzero(np.r_[True, fam_desa[1:] != fam_desa[:-1]]) if n else np.zeros(0, np.int64)
    serial = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) + 1
    is_d1 = fam_desil == 1
    size = 1 + np.minimum(rng.poisson(np.where(is_d1, 3.1, 3.0)), 11)
    p_dtks = np.select(
        [fam_desil == 1, fam_desil == 2, fam_desil == 3],
        [prov.cover[fam_desa], np.full(n, 0.62), np.full(n, 0.45)],
        0.30,
    )
    in_dtks = rng.random(n) < p_dtks
    n_kept = np.where(in_dtks, rng.binomial(size, 0.96), 0)  # some members never registered
    n_dup = max(1, int(n * 0.0025)) if n else 0
    dups = np.sort(rng.choice(n, size=n_dup, replace=False)) if n else np.zeros(0, np.int64)
    return _KabPlan(fam_desa, fam_desil, serial, size, in_dtks, n_kept, dups)


# ---------------------------------------------------------------------------- people


class _NikCounter:
    """Serials per (kecamatan, sex, birth date) within one kab/kota, kept across its blocks.
    Kecamatan are nested in kab/kota, so NIKs are unique across the province."""

    def __init__(self, n_kec: int, first_serial: int, last_serial: int):
        self.count = np.zeros(max(1, n_kec) * 2 * NIK_DAYS, np.int32)
        self.first, self.last = first_serial, last_serial

    def nik(self, prov: _Province, desa: np.ndarray, birth: np.ndarray, female: np.ndarray) -> pa.Array:
        offset = (prov.ref - birth).astype(np.int64)
        if len(offset) and (offset.min() < 0 or offset.max() >= NIK_DAYS):
            raise ValueError("tanggal lahir di luar rentang NIK demo")
        key = (prov.kec_local[desa] * 2 + female) * NIK_DAYS + offset
        serial = self.count[key] + _rank_within(key) + self.first
        if len(serial) and serial.max() > self.last:
            raise ValueError(f"nomor urut NIK demo habis (> {self.last}): skala terlalu besar")
        np.add.at(self.count, key, 1)
        y, m, d = _ymd(birth)
        value = prov.region6[desa] * 10**10 + (d + 40 * female) * 10**8 + m * 10**6 + (y % 100) * 10**4 + serial
        return _text(value)


@dataclass
class _People:
    """DTKS persons of one block, before the DTKS file's own draws."""

    desa: np.ndarray
    nik: pa.Array
    name: pa.Array
    birth: np.ndarray
    female: np.ndarray
    age: np.ndarray
    d1: np.ndarray  # member of a desil-1 family
    pkh: np.ndarray
    sembako: np.ndarray
    pbi: np.ndarray


@dataclass
class _Block:
    family: pa.Table  # regular family rows, 2023 layout
    member: pa.Table  # regular member rows
    fam_of: np.ndarray  # per member: its family (row of `family`)
    pos: np.ndarray  # per member: 0 for the head
    d1: np.ndarray  # per family
    dtks_member: np.ndarray  # members with a DTKS record, in the DTKS file's order
    dtks: _People
    by_name: int
    lansia_tunggal_d1: int


def _family_block(
    prov: _Province, plan: _KabPlan, k: int, lo: int, hi: int, rng: np.random.Generator, counter: _NikCounter
) -> _Block:
    """Families lo..hi of a kab/kota, their members and their DTKS records."""
    fam_desa = plan.desa[lo:hi]
    fam_desil = plan.desil[lo:hi]
    size = plan.size[lo:hi].astype(np.int64)
    in_dtks = plan.in_dtks[lo:hi]
    nf = hi - lo
    d1 = fam_desil == 1

    # Households and members.
    fam_of = np.repeat(np.arange(nf), size)
    head_idx = np.cumsum(size) - size
    nm = len(fam_of)
    pos = np.arange(nm) - head_idx[fam_of]
    head_female = rng.random(nf) < np.where(d1, 0.24, 0.14)
    head_age = np.clip(rng.normal(48, 13, nf), 22, 88).astype(np.int64)
    female = rng.random(nm) < 0.5
    female[head_idx] = head_female
    spouse = pos == 1
    female[spouse] = ~head_female[fam_of[spouse]]
    age = np.empty(nm, dtype=np.int64)
    age[head_idx] = head_age
    age[spouse] = np.clip(head_age[fam_of[spouse]] - rng.integers(-2, 8, spouse.sum()), 18, 90)
    child = pos >= 2
    max_child_age = np.clip(head_age[fam_of[child]] - 19, 0, 30)
    age[child] = (rng.random(child.sum()) * (max_child_age + 1)).astype(np.int64)
    elder = child & (rng.random(nm) < 0.06)
    age[elder] = rng.integers(60, 92, elder.sum())
    birth = (
        prov.ref
        - (age * 365.25).astype(np.int64).astype("timedelta64[D]")
        - rng.integers(1, 365, nm).astype("timedelta64[D]")
    )
    age_exact = _age(birth, prov.ref)

    # NIK: kecamatan of registration (6), birth date with day + 40 for women (6), serial (4).
    nik = counter.nik(prov, fam_desa[fam_of], birth, female)
    person_name = _names(rng, female)

    kab_aid = prov.kab_aid[k]
    any_aid = in_dtks & (rng.random(nf) < np.where(d1, kab_aid, kab_aid * 0.6))
    pkh = any_aid & (rng.random(nf) < 0.55)
    sembako = any_aid & (rng.random(nf) < 0.7)
    pbi = any_aid & ((rng.random(nf) < 0.8) | ~(pkh | sembako))

    # ------------------------------------------------------------ family rows
    def cat(values, p=None):
        return _pick(rng, values, nf, p)

    desil_text = _text(fam_desil)
    use_label = rng.random(nf) < 0.3
    dotted = pa.array(prov.dotted[fam_desa], type=pa.string())
    plain = pa.array(prov.kode10[fam_desa], type=pa.string())
    code_col = pc.if_else(pa.array(rng.random(nf) < 0.4), dotted, plain)
    # Families whose code was mangled in the export: only their names place them.
    by_name = (rng.random(nf) < 0.001) & prov.polygon_ok[fam_desa]
    code_col = pc.if_else(pa.array(by_name), _join(pc.utf8_slice_codeunits(plain, 0, 6), "99"), code_col)
    fam_id = _join("P", plain, pc.utf8_lpad(_text(plan.serial[lo:hi]), 5, "0"))

    head_nik = pc.take(nik, pa.array(head_idx))
    p_bad = np.where(d1, 0.35, 0.12)
    quality = lambda: pc.if_else(pa.array(rng.random(nf) < p_bad), "JELEK/KUALITAS RENDAH", "BAGUS/KUALITAS TINGGI")  # noqa: E731
    bpnt_col = sembako & (rng.random(nf) < 0.5)
    p3ke_pkh = (pkh & (rng.random(nf) > 0.03)) | (~in_dtks & (rng.random(nf) < 0.02))
    alamat = _join("JORONG ", _pick(rng, JORONG, nf), ", RT 00", _text(rng.integers(1, 9, nf)))
    persentil = _text(fam_desil.astype(np.int64) * 10 - rng.integers(0, 10, nf))

    family = {
        "ID Keluarga P3KE": fam_id,
        "Dimuktakhirkan Tahun": pa.array(np.full(nf, "2022"), type=pa.string()),
        "Provinsi": pa.array(np.full(nf, "SUMATERA BARAT"), type=pa.string()),
        "Kabupaten/Kota": pa.array(prov.kab_upper[fam_desa], type=pa.string()),
        "Kecamatan": pa.array(prov.kec_upper[fam_desa], type=pa.string()),
        "Desa/Kelurahan": pa.array(prov.desa_upper[fam_desa], type=pa.string()),
        "Kode Kemdagri": code_col,
        "Desil Kesejahteraan": pc.if_else(pa.array(use_label), _join("Desil ", desil_text), desil_text),
        "Persentil": persentil,
        "Alamat": alamat,
        "Prioritas Verval": cat(["NORMAL", "KELUARGA TIDAK ADA USIA 17+ TAHUN"], [0.98, 0.02]),
        "Nama Kepala Keluarga": pc.take(person_name, pa.array(head_idx)),
        "NIK Kepala Keluarga": head_nik,
        "NIK Kepala Keluarga Padan Kemdagri": head_nik,
        "Jenis Kelamin Kepala Keluarga": pc.if_else(pa.array(head_female), "PEREMPUAN", "LAKI-LAKI"),
        "Tanggal Lahir Kepala Keluarga": _iso_date(birth[head_idx]),
        "Status Kawin Kepala Keluarga": cat(
            ["KAWIN", "CERAI HIDUP", "CERAI MATI", "BELUM KAWIN"], [0.78, 0.06, 0.12, 0.04]
        ),
        "Pekerjaan Kepala Keluarga": cat(
            ["PETANI", "NELAYAN", "BURUH", "PEDAGANG", "TIDAK BEKERJA", "LAINNYA"], [0.38, 0.06, 0.24, 0.12, 0.1, 0.1]
        ),
        "Status Pekerjaan Kepala Keluarga": cat(
            ["BERUSAHA SENDIRI", "BURUH/KARYAWAN", "PEKERJA BEBAS", "TIDAK BEKERJA"]
        ),
        "Pendidikan Kepala Keluarga": cat(
            ["TIDAK/BELUM SEKOLAH", "SD/SEDERAJAT", "SMP/SEDERAJAT", "SMA/SEDERAJAT", "PERGURUAN TINGGI"],
            [0.12, 0.42, 0.22, 0.2, 0.04],
        ),
        "Kepemilikan Rumah": cat(
            ["MILIK SENDIRI", "KONTRAK/SEWA", "BEBAS SEWA/MENUMPANG", "DINAS", "LAINNYA"], [0.7, 0.08, 0.18, 0.01, 0.03]
        ),
        "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya": cat(["Ya", "Tidak"], [0.2, 0.8]),
        "Jenis Atap": cat(["SENG", "GENTENG", "IJUK/RUMBIA", "ASBES", "LAINNYA"], [0.72, 0.08, 0.06, 0.1, 0.04]),
        "Kualitas Atap": quality(),
        "Jenis Dinding": cat(["TEMBOK", "KAYU/PAPAN", "BAMBU", "LAINNYA"], [0.45, 0.4, 0.1, 0.05]),
        "Kualitas Dinding": quality(),
        "Jenis Lantai": cat(
            ["TANAH", "SEMEN", "KAYU/PAPAN", "KERAMIK/MARMER/GRANIT", "BAMBU"], [0.12, 0.38, 0.25, 0.2, 0.05]
        ),
        "Kualitas Lantai": quality(),
        "Sumber Penerangan": cat(["LISTRIK PLN", "LISTRIK NON PLN", "BUKAN LISTRIK"], [0.9, 0.06, 0.04]),
        "Daya Listrik Terpasang": cat(["=<900 WATT", ">900 WATT", "KOSONG"], [0.7, 0.15, 0.15]),
        "Bahan Bakar Memasak": cat(["GAS 3 KG", "KAYU BAKAR", "MINYAK TANAH", "LAINNYA"], [0.55, 0.38, 0.04, 0.03]),
        "Sumber Air Minum": cat(
            [
                "LEDENG/PAM",
                "SUMUR BOR",
                "SUMUR TERLINDUNG",
                "SUMUR TIDAK TERLINDUNG",
                "AIR HUJAN",
                "AIR PERMUKAAN (SUNGAI/DANAU/WADUK/KOLAM/IRIGASI)",
                "AIR KEMASAN/ISI ULANG",
                "LAINNYA",
            ],
            [0.22, 0.14, 0.22, 0.12, 0.03, 0.09, 0.15, 0.03],
        ),
        "Memiliki fasilitas Buang Air Besar": cat(
            ["MILIK SENDIRI", "UMUM/BERSAMA", "KOSONG", "LAINNYA"], [0.62, 0.18, 0.15, 0.05]
        ),
        "Resiko Stunting": cat(
            ["BERESIKO STUNTING", "TIDAK BERESIKO STUNTING", "BUKAN TARGET SASARAN"], [0.22, 0.48, 0.30]
        ),
        "Penerima BPNT": _ya_tidak(bpnt_col),
        "Penerima BPUM": _ya_tidak(rng.random(nf) < 0.03),
        "Penerima BST": _ya_tidak(rng.random(nf) < 0.1),
        "Penerima PKH": _ya_tidak(p3ke_pkh),
        "Penerima SEMBAKO": _ya_tidak(sembako & ~bpnt_col),
        "Penerima Prakerja": _ya_tidak(rng.random(nf) < 0.01),
        "Penerima KUR": _ya_tidak(rng.random(nf) < 0.02),
    }

    # ------------------------------------------------------------ member rows
    age_band = np.select(
        [age_exact < 6, age_exact < 13, age_exact < 16, age_exact < 19, age_exact < 60],
        ["<5", "6-12", "13-15", "16-18", "19-59"],
        "60+",
    )
    relation = np.where(
        pos == 0, "KEPALA KELUARGA", np.where(pos == 1, "ISTRI/SUAMI", np.where(elder, "ORANG TUA", "ANAK"))
    )
    fam_of_pa = pa.array(fam_of)
    member = {
        "ID Keluarga P3KE": pc.take(fam_id, fam_of_pa),
        "Dimuktakhirkan Tahun": pa.array(np.full(nm, "2022"), type=pa.string()),
        "Kode Kemdagri": pc.take(plain, fam_of_pa),
        "Desil Kesejahteraan": pc.take(desil_text, fam_of_pa),
        "Persentil": pc.take(persentil, fam_of_pa),
        "Alamat": pc.take(alamat, fam_of_pa),
        "ID Individu": _join(pc.take(fam_id, fam_of_pa), "-", pc.utf8_lpad(_text(pos + 1), 2, "0")),
        "Prioritas Verval": pa.array(np.full(nm, "NORMAL"), type=pa.string()),
        "Nama": person_name,
        "NIK": nik,
        "Tanggal Lahir": _iso_date(birth),
        "Padan Dukcapil": _pick(rng, ["PADAN", "TIDAK PADAN", "KOSONG"], nm, [0.93, 0.05, 0.02]),
        "Jenis Kelamin": pc.if_else(pa.array(female), "PEREMPUAN", "LAKI-LAKI"),
        "Hubungan dengan Kepala Keluarga": pa.array(relation.astype(object), type=pa.string()),
        "Status Kawin": pa.array(np.where(pos <= 1, "KAWIN", "BELUM KAWIN").astype(object), type=pa.string()),
        "Pekerjaan": pa.array(
            np.where(age_exact < 15, "BELUM/TIDAK BEKERJA", "PETANI").astype(object), type=pa.string()
        ),
        "Status Pekerjaan": pa.array(
            np.where(age_exact < 15, "TIDAK BEKERJA", "BERUSAHA SENDIRI").astype(object), type=pa.string()
        ),
        "Pendidikan": _pick(rng, ["SD/SEDERAJAT", "SMP/SEDERAJAT", "SMA/SEDERAJAT"], nm),
        "Usia 2023": _text(age_exact),
        "Kelompok Usia 2023": pa.array(age_band.astype(object), type=pa.string()),
        "Penerima BPNT": pc.take(family["Penerima BPNT"], fam_of_pa),
        "Penerima PKH": pc.take(family["Penerima PKH"], fam_of_pa),
        "Penerima SEMBAKO": pc.take(family["Penerima SEMBAKO"], fam_of_pa),
    }

    # ------------------------------------------------------------ DTKS records of members
    # The family's n_kept members with a DTKS record: those with the smallest random draw.
    order = np.lexsort((rng.random(nm), fam_of))
    rank = np.empty(nm, np.int64)
    rank[order] = np.arange(nm) - head_idx[fam_of[order]]
    m_idx = np.flatnonzero(rank < plan.n_kept[lo:hi][fam_of])
    d_fam = fam_of[m_idx]
    people = _People(
        desa=fam_desa[d_fam],
        nik=pc.take(nik, pa.array(m_idx)),
        name=pc.take(person_name, pa.array(m_idx)),
        birth=birth[m_idx],
        female=female[m_idx],
        age=age_exact[m_idx],
        d1=d1[d_fam],
        pkh=pkh[d_fam],
        sembako=sembako[d_fam],
        pbi=pbi[d_fam],
    )
    return _Block(
        family=pa.table(family),
        member=pa.table(member),
        fam_of=fam_of,
        pos=pos,
        d1=d1,
        dtks_member=m_idx,
        dtks=people,
        by_name=int(by_name.sum()),
        lansia_tunggal_d1=int((d1 & (size == 1) & (age_exact[head_idx] >= 60)).sum()),
    )


def _extra_people(prov: _Province, k: int, n: int, rng: np.random.Generator, counter: _NikCounter) -> _People:
    """DTKS persons who are not in P3KE, spread uniformly over the kab/kota's desa."""
    idx = prov.desa_of_kab[k]
    desa = idx[rng.integers(0, len(idx), n)]
    birth = prov.ref - rng.integers(365, 365 * 85, n).astype("timedelta64[D]")
    female = rng.random(n) < 0.5
    nik = counter.nik(prov, desa, birth, female)
    any_aid = rng.random(n) < 0.45
    return _People(
        desa=desa,
        nik=nik,
        name=_names(rng, female),
        birth=birth,
        female=female,
        age=_age(birth, prov.ref),
        d1=np.zeros(n, bool),
        pkh=any_aid & (rng.random(n) < 0.4),
        sembako=any_aid & (rng.random(n) < 0.6),
        pbi=any_aid & (rng.random(n) < 0.8),
    )


def _disability_notes(rng: np.random.Generator, age: np.ndarray, d1: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """The DTKS disability note and whether it names a disability (rates: module docstring)."""
    n = len(age)
    rate = np.where(age < 18, 0.02, np.where(age < 60, 0.03, 0.12)) * np.where(d1, 1.3, 1.0)
    disabled = rng.random(n) < rate
    kind = pc.take(pa.array(DISABILITY_KINDS), pa.array(rng.choice(len(DISABILITY_KINDS), n, p=DISABILITY_KIND_P)))
    none = rng.choice(3, n, p=NO_DISABILITY_P)
    none_text = pc.take(pa.array([None, *NO_DISABILITY], type=pa.string()), pa.array(none))
    return pc.if_else(pa.array(disabled), kind, none_text), disabled


def _sci(col: pa.Array) -> pa.Array:
    """A NIK as Excel shows a number: 1.3060E+15."""
    return _join(pc.utf8_slice_codeunits(col, 0, 1), ".", pc.utf8_slice_codeunits(col, 1, 5), "E+15")


def _dtks_table(
    prov: _Province, k: int, people: _People, rng: np.random.Generator, first_id: int, messy_nik: bool
) -> tuple[pa.Table, dict]:
    """DTKS records in the kab/kota's layout, and what was planted in them."""
    kab = prov.kabs[k]
    n = len(people.birth)
    nonaktif = rng.random(n) < 0.025
    meninggal = ~nonaktif & (rng.random(n) < 0.008)
    bad_nik = (rng.random(n) < 0.003) if messy_nik else np.zeros(n, bool)
    note, disabled = _disability_notes(rng, people.age, people.d1)
    common = {
        "ID DTKS": _join(f"DTKS{kab.replace('.', '')}", pc.utf8_lpad(_text(first_id + np.arange(n)), 8, "0")),
        "Alamat": _join("JORONG ", _pick(rng, JORONG, n)),
        "Nokk": pa.array(prov.kode10[people.desa], type=pa.string()),
        "Nik": pc.if_else(pa.array(bad_nik), _sci(people.nik), people.nik),
        "Nama": people.name,
        "Tanggal_Lahir": _iso_date(people.birth),
        "Jenis_Kelamin": pc.if_else(pa.array(people.female), "PEREMPUAN", "LAKI-LAKI"),
    }
    if k % 2 == 0:
        table = pa.table(
            {
                **common,
                "Dusun": _pick(rng, JORONG, n),
                "RT": _text(rng.integers(1, 9, n)),
                "Hub_Keluarga": _pick(rng, ["KEPALA KELUARGA", "ISTRI", "ANAK", "LAINNYA"], n),
                "Keterangan_padan": _pick(rng, ["PADAN DUKCAPIL", "BELUM PADAN"], n, [0.95, 0.05]),
                "Bansos_Bpnt": _ya_tidak(people.sembako),
                "Bansos_Pkh": _ya_tidak(people.pkh),
                "Bansos_Bpnt_Ppkm": _ya_tidak(np.zeros(n, bool)),
                "Pbi_Jkn": _ya_tidak(people.pbi),
                "Disabilitas": note,
                "Status": pc.if_else(pa.array(nonaktif | meninggal), "NONAKTIF", "AKTIF"),
            }
        )
    else:
        flags = lambda arr: pc.if_else(pa.array(arr), "1", "0")  # noqa: E731
        table = pa.table(
            {
                **common,
                "PKH": flags(people.pkh),
                "BPNT": flags(people.sembako),
                "PBI": flags(people.pbi),
                "BST": flags(rng.random(n) < 0.05),
                "BLT": flags(rng.random(n) < 0.05),
                "SEMBAKO_ADAPTIF": flags(np.zeros(n, bool)),
                "RUTILAHU": flags(rng.random(n) < 0.01),
                "is_nonaktif": pc.if_else(pa.array(nonaktif), "true", "false"),
                "keterangan_disabilitas": note,
                "keterangan_meninggal": pc.if_else(pa.array(meninggal), "MENINGGAL", pa.scalar(None, pa.string())),
                "Kabupaten/Kota": pa.array(np.full(n, prov.kab_names[k].upper()), type=pa.string()),
            }
        )
    active = ~(nonaktif | meninggal)
    return table, {"active": active, "bad_nik": bad_nik, "disabled": disabled}


# ---------------------------------------------------------------------------- writing


def generate(
    out_dir: Path, scale: float = 1.0, seed: int = 2023, reference_date: str = config.DEMO_REFERENCE_DATE
) -> DemoFiles:
    """Write the demo exports into `out_dir` and return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*"):
        if old.suffix in {".csv", ".xlsx", ".txt"}:
            old.unlink()
    prov = _province(scale, seed, reference_date)

    # DTKS is calibrated to FULL_DTKS_ROWS records: P3KE members with a record, then persons
    # outside P3KE to fill it, spread over kab/kota by their number of desa.
    members_in_dtks = sum(int(_kab_plan(prov, k).n_kept.sum()) for k in range(len(prov.kabs)))
    n_extra = max(0, int(round(FULL_DTKS_ROWS * scale)) - members_in_dtks)
    extra_per_kab = _largest_remainder(n_extra, np.array([len(i) for i in prov.desa_of_kab], dtype=float))

    files = DemoFiles()
    counts = dict.fromkeys(
        [
            "kk_total",
            "kk_desil_1",
            "jiwa_total",
            "kk_dicocokkan_nama",
            "dtks_rows",
            "keluarga_dup",
            "keluarga_bad_region",
            "keluarga_bad_desil",
            "individu_orphan",
            "individu_of_rejected",
            "dtks_bad_nik",
            "dtks_nonaktif",
            "dtks_disabilitas",
            "jiwa_d1_disabilitas",
            "jiwa_d1_disabilitas_dgn_nik_kepala",
            "kk_d1_lansia_tunggal",
        ],
        0,
    )
    for k in range(len(prov.kabs)):
        _write_kab(prov, k, int(extra_per_kab[k]), out_dir, files, counts)
    files.expected = counts
    (out_dir / "BACA.txt").write_text(
        "Data demo Kantong: sepenuhnya sintetis (tidak ada orang sungguhan), dibuat oleh `python -m etl demo`.\n",
        encoding="utf-8",
    )
    return files


def _blocks(n: int, size: int) -> list[tuple[int, int]]:
    """Even blocks of at most `size`; always at least one (maybe empty) block."""
    parts = max(1, -(-n // max(1, size)))
    bounds = [n * i // parts for i in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def _write_kab(prov: _Province, k: int, n_extra: int, out_dir: Path, files: DemoFiles, counts: dict) -> None:
    kab = prov.kabs[k]
    name = prov.kab_names[k]
    slug = name.lower().replace("kabupaten ", "kab_").replace("kota ", "kota_").replace(" ", "_")
    plan = _kab_plan(prov, k)
    tag = f"{k:02d}"
    title = [
        f"DATA KELUARGA P3KE {name.upper()}",
        "Sumber: Kemenko PMK (data sintetis untuk demo Kantong)",
        "Dicetak: 2023-08-01",
    ][: 1 + k % 3]
    xlsx_p3ke = kab == XLSX_P3KE_KAB
    xlsx_dtks = kab == XLSX_DTKS_KAB
    if xlsx_p3ke:
        cover = (
            "Keterangan",
            [
                "KETERANGAN EKSPOR DATA P3KE",
                f"Wilayah: {name}, Provinsi Sumatera Barat",
                "Sumber: Kemenko PMK (data sintetis untuk demo Kantong, tidak ada orang sungguhan)",
                "Data dibagi ke beberapa lembar (Data 1, Data 2, ...), masing-masing paling banyak "
                + f"{DEMO_SHEET_ROWS:,}".replace(",", ".")
                + " baris.",
                "Tanggal ekspor: 01-08-2023",
            ],
        )
        kel = _XlsxSink(out_dir / f"p3ke_keluarga_{slug}.xlsx", title, cover, DEMO_SHEET_ROWS)
        ind = _XlsxSink(out_dir / f"p3ke_individu_{slug}.xlsx", title, cover, DEMO_SHEET_ROWS)
    else:
        kel = _CsvSink(
            out_dir / f"p3ke_keluarga_{slug}.csv", title + [""], ",", "utf-8-sig" if kab == BOM_P3KE_KAB else "utf-8"
        )
        ind = _CsvSink(out_dir / f"p3ke_individu_{slug}.csv", title, ",")
    if xlsx_dtks:
        dts = _XlsxSink(
            out_dir / f"dtks_{slug}.xlsx",
            [],
            (
                "Petunjuk",
                [
                    "PETUNJUK",
                    "Data DTKS per individu, hasil unduhan SIKS-NG (data sintetis untuk demo Kantong).",
                    "Data ada di lembar berikutnya: satu baris per orang.",
                    "Data bersifat rahasia: gunakan hanya untuk keperluan dinas.",
                ],
            ),
            None,
        )
    elif kab == UTF16_DTKS_KAB:
        dts = _CsvSink(out_dir / f"dtks_{slug}.txt", [], "\t", "utf-16")
    else:
        dts = _CsvSink(out_dir / f"dtks_{slug}.csv", [], DELIMITERS[k % 4])

    member_nik = _NikCounter(prov.n_kec[k], P3KE_FIRST_SERIAL, EXTRA_FIRST_SERIAL - 1)
    extra_nik = _NikCounter(prov.n_kec[k], EXTRA_FIRST_SERIAL, 9999)
    dtks_id = 0
    blocks = _blocks(len(plan.desa), CHUNK_FAMILIES)
    for b, (lo, hi) in enumerate(blocks):
        rng = np.random.default_rng([prov.seed, 2, k, b])
        blk = _family_block(prov, plan, k, lo, hi, rng, member_nik)
        nf, nm = blk.family.num_rows, blk.member.num_rows
        counts["kk_total"] += nf
        counts["kk_desil_1"] += int(blk.d1.sum())
        counts["jiwa_total"] += nm
        counts["kk_dicocokkan_nama"] += blk.by_name
        counts["kk_d1_lansia_tunggal"] += blk.lansia_tunggal_d1

        # Duplicate family rows (the same family exported twice), after the block's originals.
        dups = plan.dups[(plan.dups >= lo) & (plan.dups < hi)] - lo
        counts["keluarga_dup"] += len(dups)
        fparts = [blk.family, blk.family.take(pa.array(dups, type=pa.int64()))]
        mparts = [blk.member]
        if b == len(blocks) - 1:
            # Rows that must be rejected: a region from another province, and an invalid desil;
            # members of the rejected families, and one whose family ID is unknown.
            bad_region = _bad_family_rows(blk.family, rng, 2, kind="region", tag=tag)
            bad_desil = _bad_family_rows(blk.family, rng, 1, kind="desil", tag=tag)
            orphans = _orphan_members(blk.member, bad_region, rng, tag=tag)
            fparts += [bad_region, bad_desil]
            mparts.append(orphans)
            counts["keluarga_bad_region"] += bad_region.num_rows
            counts["keluarga_bad_desil"] += bad_desil.num_rows
            counts["individu_of_rejected"] += bad_region.num_rows
            counts["individu_orphan"] += orphans.num_rows - bad_region.num_rows
        ftab = pa.concat_tables(fparts)
        mtab = pa.concat_tables(mparts)
        if xlsx_p3ke:  # some NIK cells typed as numbers
            f_number = _numeric_cells(ftab["NIK Kepala Keluarga"], rng)
            m_number = _numeric_cells(mtab["NIK"], rng)
        else:
            ftab = _set(ftab, "NIK Kepala Keluarga", _mess_nik(ftab["NIK Kepala Keluarga"].combine_chunks(), rng))
            mtab = _set(mtab, "NIK", _mess_nik(mtab["NIK"].combine_chunks(), rng))
            f_number = np.zeros(ftab.num_rows, bool)
            m_number = np.zeros(mtab.num_rows, bool)
        # Which NIKs the ETL can match, from what is written (regular rows come first).
        head_ok = _valid_text_nik(ftab["NIK Kepala Keluarga"].slice(0, nf), f_number[:nf])
        member_ok = _valid_text_nik(mtab["NIK"].slice(0, nm), m_number[:nm])

        if kab == OLD_LAYOUT_KAB:
            ftab = ftab.rename_columns(
                [
                    {
                        "Nama Kepala Keluarga": "Kepala Keluarga",
                        "NIK Kepala Keluarga": "NIK",
                        "Jenis Kelamin Kepala Keluarga": "Jenis Kelamin",
                        "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya": "Memiliki Simpanan",
                        "Memiliki fasilitas Buang Air Besar": "Memiliki Fasilitas Buang Air Besar",
                    }.get(c, c)
                    for c in ftab.column_names
                ]
            ).select(P3KE_OLD_COLUMNS)
        if kab == AGE_BAND_KAB:
            mtab = _age_band_layout(mtab)
        if xlsx_p3ke:
            kel.write(ftab, {"NIK Kepala Keluarga": f_number})
            ind.write(mtab, {"NIK": m_number})
        else:
            kel.write(ftab)
            ind.write(mtab)

        # DTKS records of this block's members.
        dtab, planted = _dtks_table(prov, k, blk.dtks, rng, dtks_id, messy_nik=not xlsx_dtks)
        dtks_id += dtab.num_rows
        dts.write(dtab)
        _count_dtks(counts, planted)
        counted = planted["active"] & planted["disabled"] & ~planted["bad_nik"] & blk.dtks.d1
        m = blk.dtks_member
        counts["jiwa_d1_disabilitas"] += int((counted & member_ok[m]).sum())
        with_head = member_ok[m] | ((blk.pos[m] == 0) & head_ok[blk.fam_of[m]])
        counts["jiwa_d1_disabilitas_dgn_nik_kepala"] += int((counted & with_head).sum())
        del blk, ftab, mtab, dtab

    # DTKS persons outside P3KE.
    for b, (lo, hi) in enumerate(_blocks(n_extra, 4 * CHUNK_FAMILIES)):
        if hi == lo:
            continue
        rng = np.random.default_rng([prov.seed, 3, k, b])
        people = _extra_people(prov, k, hi - lo, rng, extra_nik)
        dtab, planted = _dtks_table(prov, k, people, rng, dtks_id, messy_nik=not xlsx_dtks)
        dtks_id += dtab.num_rows
        dts.write(dtab)
        _count_dtks(counts, planted)

    files.keluarga.append(kel.close())
    files.individu.append(ind.close())
    files.dtks.append(dts.close())


def _count_dtks(counts: dict, planted: dict) -> None:
    counts["dtks_rows"] += len(planted["active"])
    counts["dtks_nonaktif"] += int((~planted["active"]).sum())
    counts["dtks_bad_nik"] += int(planted["bad_nik"].sum())
    counts["dtks_disabilitas"] += int((planted["active"] & planted["disabled"]).sum())


def _set(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(column), column, values)


def _age_band_layout(mtab: pa.Table) -> pa.Table:
    """Kota Pariaman's individual export: age-band flags, "Kode Kemendagri", day-first dates."""
    age_num = pc.cast(mtab["Usia 2023"], pa.int32())
    out = mtab.drop_columns(["Usia 2023", "Kelompok Usia 2023"])
    out = out.rename_columns(["Kode Kemendagri" if c == "Kode Kemdagri" else c for c in out.column_names])
    for label, lo, hi in AGE_BANDS:
        out = out.append_column(
            label, pc.if_else(pc.and_(pc.greater_equal(age_num, lo), pc.less_equal(age_num, hi)), "1", "0")
        )
    dates = pc.strptime(out["Tanggal Lahir"], "%Y-%m-%d", "s")
    return _set(out, "Tanggal Lahir", pc.strftime(dates, "%d-%m-%Y").combine_chunks())


def _numeric_cells(col, rng: np.random.Generator) -> np.ndarray:
    """Which cells of a workbook column are typed as numbers (3% of those holding digits)."""
    return (rng.random(len(col)) < 0.03) & _bools(pc.utf8_is_digit(col))


def _valid_text_nik(col, as_number: np.ndarray) -> np.ndarray:
    """What the ETL counts as a valid NIK: 16 digits after trimming and a leading apostrophe,
    not all zeros, and not a numeric spreadsheet cell."""
    clean = pc.replace_substring(pc.utf8_ltrim(pc.utf8_trim_whitespace(col), "'"), " ", "")
    ok = pc.and_(pc.match_substring_regex(clean, r"^[0-9]{16}$"), pc.not_equal(clean, "0" * 16))
    return _bools(ok) & ~as_number


def _bools(values) -> np.ndarray:
    """A boolean Arrow array (chunked or not; null as false) as numpy."""
    values = pc.fill_null(values, False)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.to_numpy(zero_copy_only=False).astype(bool)


def _mess_nik(col: pa.Array, rng: np.random.Generator) -> pa.Array:
    """What Excel and hand editing do to NIKs in csv exports."""
    n = len(col)
    r = rng.random(n)
    out = pc.if_else(pa.array(r < 0.004), _sci(col), col)  # saved as a number, shown in scientific notation
    out = pc.if_else(pa.array((r >= 0.004) & (r < 0.014)), _join("'", col), out)  # leading apostrophe: still valid
    out = pc.if_else(pa.array((r >= 0.014) & (r < 0.017)), pa.scalar(None, pa.string()), out)  # empty
    out = pc.if_else(pa.array((r >= 0.017) & (r < 0.018)), pc.utf8_slice_codeunits(col, 0, 15), out)  # a digit lost
    return out


def _bad_family_rows(ftab: pa.Table, rng, n: int, kind: str, tag: str) -> pa.Table:
    if ftab.num_rows == 0:
        return ftab.slice(0, 0)
    rows = ftab.take(pa.array(rng.choice(ftab.num_rows, n, replace=ftab.num_rows < n))).to_pylist()
    for i, row in enumerate(rows):
        row["ID Keluarga P3KE"] = f"X{kind[0].upper()}{tag}{i:03d}"
        if kind == "region":  # a family of another province, mixed into this export
            row.update(
                {
                    "Kode Kemdagri": "1201012001",
                    "Kabupaten/Kota": "KABUPATEN NIAS",
                    "Kecamatan": "IDANOGAWO",
                    "Desa/Kelurahan": "TETEHOSI",
                }
            )
        else:
            row["Desil Kesejahteraan"] = "Desil 5"
    return pa.Table.from_pylist(rows, schema=ftab.schema)


def _orphan_members(mtab: pa.Table, rejected_families: pa.Table, rng, tag: str) -> pa.Table:
    """One member for each rejected family, and one member with an ID nobody has (copies of
    existing member rows, NIK included)."""
    if mtab.num_rows == 0:
        return mtab.slice(0, 0)
    ids = rejected_families["ID Keluarga P3KE"].to_pylist() + [f"XO{tag}000"]
    rows = mtab.take(pa.array(rng.choice(mtab.num_rows, len(ids), replace=mtab.num_rows < len(ids)))).to_pylist()
    for i, (row, fam) in enumerate(zip(rows, ids)):
        row["ID Keluarga P3KE"] = fam
        row["ID Individu"] = f"{fam}-{i:02d}"
    return pa.Table.from_pylist(rows, schema=mtab.schema)


class _CsvSink:
    """A delimited text file written block by block: title lines, the header once, rows.
    `encoding` "utf-16" is Excel's "Unicode Text": UTF-16 LE with a BOM and CRLF line ends."""

    def __init__(self, path: Path, title: list[str], delimiter: str, encoding: str = "utf-8"):
        self.path, self.delimiter, self.encoding = path, delimiter, encoding
        self.fh = path.open("wb")
        self.header = True
        if encoding == "utf-8-sig":
            self.fh.write(codecs.BOM_UTF8)
        elif encoding == "utf-16":
            self.fh.write(codecs.BOM_UTF16_LE)
        self._text("".join(line + "\n" for line in title))

    def _text(self, text: str) -> None:
        if self.encoding == "utf-16":
            self.fh.write(text.replace("\n", "\r\n").encode("utf-16-le"))
        else:
            self.fh.write(text.encode("utf-8"))

    def write(self, table: pa.Table) -> None:
        if self.encoding == "utf-16":  # as Excel writes it: nothing quoted, the header neither
            if self.header:
                self._text(self.delimiter.join(table.column_names) + "\n")
            buf = io.BytesIO()
            pacsv.write_csv(
                table,
                buf,
                write_options=pacsv.WriteOptions(include_header=False, delimiter=self.delimiter, quoting_style="none"),
            )
            self._text(buf.getvalue().decode("utf-8"))
        else:
            pacsv.write_csv(
                table,
                self.fh,
                write_options=pacsv.WriteOptions(
                    include_header=self.header, delimiter=self.delimiter, quoting_style="needed"
                ),
            )
        self.header = False

    def close(self) -> Path:
        self.fh.close()
        return self.path


class _XlsxSink:
    """An Excel export as offices make them, written block by block in constant memory:
    an optional text sheet first (cover or notes), title rows, data sheets of at most
    `max_rows` rows ("Data 1", "Data 2", …; one sheet "Data" when None) with the header
    repeated on each, and some NIK cells typed as numbers."""

    def __init__(self, path: Path, title: list[str], text_sheet: tuple[str, list[str]] | None, max_rows: int | None):
        import xlsxwriter

        self.path, self.title, self.max_rows = path, title, max_rows
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
        self.book.set_properties({"created": dt.datetime(2023, 8, 1)})  # fixed, so the same seed gives the same bytes
        self.bold = self.book.add_format({"bold": True})
        if text_sheet:
            sheet_name, lines = text_sheet
            sheet = self.book.add_worksheet(sheet_name)
            sheet.write_string(0, 0, lines[0], self.bold)
            for r, line in enumerate(lines[1:], start=1):
                sheet.write_string(r, 0, line)
        self.sheet = None
        self.n_sheets = 0
        self.columns: list[str] = []

    def _new_sheet(self) -> None:
        self.n_sheets += 1
        self.sheet = self.book.add_worksheet(f"Data {self.n_sheets}" if self.max_rows else "Data")
        row = 0
        if self.n_sheets == 1 and self.title:
            for row, line in enumerate(self.title):
                self.sheet.write_string(row, 0, line, self.bold)
            row = len(self.title) + 1
        for c, name in enumerate(self.columns):
            self.sheet.write_string(row, c, name, self.bold)
        self.row = row + 1
        self.in_sheet = 0

    def write(self, table: pa.Table, as_number: dict[str, np.ndarray] | None = None) -> None:
        if self.sheet is None:
            self.columns = table.column_names
            self._new_sheet()
        as_number = as_number or {}
        columns = [table[c].to_pylist() for c in self.columns]
        numeric = [as_number.get(c) for c in self.columns]
        for i in range(table.num_rows):
            if self.max_rows and self.in_sheet >= self.max_rows:
                self._new_sheet()
            sheet, row = self.sheet, self.row
            for c, values in enumerate(columns):
                v = values[i]
                if v is None:
                    continue
                if numeric[c] is not None and numeric[c][i]:
                    sheet.write_number(row, c, float(v))  # Excel keeps 15 significant digits
                else:
                    sheet.write_string(row, c, v)
            self.row += 1
            self.in_sheet += 1

    def close(self) -> Path:
        self.book.close()
        return self.path
