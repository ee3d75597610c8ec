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
active DTKS records of release B at scale 1 (87,879 of 1,934,299 at the default seed): about
3.8% of the P3KE members in DTKS and 5.5% of the persons outside P3KE, whose ages are spread
evenly up to 85 years (so 30% of them are 60 or more). The note names the kind
("DISABILITAS FISIK", …); persons without a disability have an empty cell, "-" or
"TIDAK ADA", mixed (60/25/15%).

Two releases of the same families (`generate_releases`, what `python -m etl demo` builds):
release A with reference date six months before release B's (2023-02-22, B 2023-08-22), so
that comparing releases and measuring a plan made on A show something at once. Release B
is the calibrated one (the province facts above; `generate` writes B alone). Every person
is born by A's reference date; B is the same families six months later, with these known
transitions (rates in TRANSITIONS; "focus nagari" are the FOCUS_NAGARI nagari with the most
desil-1 families of each kab/kota, where a plan made on A is likely to be, and they get the
higher rate):

- new families (only in B, new P3KE IDs) and families that left (only in A);
- a few families whose P3KE ID changes while the head's NIK stays (matched by NIK);
- desil-1 families outside DTKS that enter it (their members get active DTKS records);
- desil-1 families in DTKS without bansos that start receiving it;
- desil-1 families that leave desil 1 (to desil 2 or 3: graduation candidates), and a few
  desil 2-4 families that fall into desil 1;
- one nagari whose code changes (the one with the most desil-1 families of RENAME_KAB that
  has a polygon): B's families carry the new code, and B's folder holds the region-code
  crosswalk (padanan_kode.csv), copies of the boundaries and of the official code list with
  the new code, and transisi_diharapkan.json: the family transitions a comparison of A and B
  must find (etl.compare's TRANSISI columns, per kab/kota and for the province), counted
  from what the ETL will load and match, not from what was planned: a family planned to
  enter DTKS whose only DTKS records are non-active, or whose NIKs Excel mangled, is not
  counted.

Both releases keep every messy feature above; each family, member and DTKS record is drawn
once, so the two releases differ only where a transition was planted.

Generation is streamed: per kab/kota, and within it per block of at most CHUNK_FAMILIES
families (their members and DTKS records with them), appended to the kab/kota's files, so
memory does not grow with the scale. Everything is seeded: the same scale and seed give
byte-identical files (the random streams are per kab/kota and block, so CHUNK_FAMILIES is
part of what "the same" means; the calibrated totals do not depend on it).
"""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from etl import config
from etl.errors import InputError

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
# the earliest reference date (birth dates in the demo reach about 92 years back).
NIK_DAYS = 36_500
P3KE_FIRST_SERIAL = 1  # P3KE members: 0001 up
EXTRA_FIRST_SERIAL = 5001  # DTKS persons outside P3KE: 5001 up, never the members' serials

# The two releases: A this many months before B, each in its own folder of the input folder.
RELEASE_GAP_MONTHS = 6
RELEASE_DIRS = {"a": "rilis-a", "b": "rilis-b"}
# What release B's folder holds beside the exports.
CROSSWALK_NAME = "padanan_kode.csv"  # kode_lama,kode_baru (etl.compare reads it)
EXPECTED_NAME = "transisi_diharapkan.json"
BOUNDARY_DIR = "batas"
CODE_LIST_NAME = "kode_wilayah.csv"

# Transitions from A to B. Shares of families of release B ("baru", "ganti_id", "keluar":
# families of A that are not in B, per family of B), or of a nagari's desil-1 families of B
# as (in the focus nagari, elsewhere). Rates are drawn per nagari and rounded at random, so
# small scales keep the expected totals.
TRANSITIONS = {
    "baru": 0.03,
    "keluar": 0.025,
    "ganti_id": 0.002,  # at least one family per kab/kota
    "masuk_dtks": (0.12, 0.03),
    "mulai_bansos": (0.10, 0.03),
    "keluar_desil_1": (0.12, 0.04),
    "masuk_desil_1": (0.015, 0.015),
}
FOCUS_NAGARI = 3  # per kab/kota: the nagari with the most desil-1 families
RENAME_KAB = "13.06"  # Kabupaten Agam: where a nagari's code changes between the releases

# The family transitions written to transisi_diharapkan.json: etl.compare's TRANSISI columns.
EXPECTED_KEYS = {
    "kk_a": "Keluarga di rilis A",
    "kk_b": "Keluarga di rilis B",
    "tetap": "Keluarga yang ada di kedua rilis",
    "tetap_lewat_nik": "Di antaranya dipadankan lewat NIK kepala (ID keluarga P3KE berganti)",
    "baru": "Keluarga yang hanya ada di rilis B",
    "keluar": "Keluarga yang hanya ada di rilis A",
    "d1_a": "Keluarga desil 1 di rilis A",
    "d1_tetap": "Keluarga desil 1 rilis A yang ada di kedua rilis",
    "d1_masuk_dtks": "Keluarga desil 1 yang masuk DTKS",
    "d1_mulai_bansos": "Keluarga desil 1 yang mulai menerima bansos",
    "d1_keluar_desil_1": "Keluarga desil 1 yang keluar dari desil 1 (calon graduasi)",
    "masuk_desil_1": "Keluarga desil 2–4 yang menjadi desil 1",
}

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
    folder: Path | None = None
    reference_date: str = config.DEMO_REFERENCE_DATE
    # Region files of their own (release B, where a nagari's code changed): None means the
    # defaults (config.BOUNDARIES or the demo's --boundaries, config.KODE_WILAYAH).
    boundaries: Path | None = None
    kode_wilayah: Path | None = None
    padanan: Path | None = None  # the crosswalk from the earlier release's codes

    @property
    def all(self) -> list[Path]:
        return self.keluarga + self.individu + self.dtks


@dataclass
class DemoReleases:
    """The two releases' exports and what a comparison of them must find."""

    a: DemoFiles
    b: DemoFiles
    transisi: dict  # as written to transisi_file (see module docstring)
    transisi_file: Path

    @property
    def all(self) -> list[Path]:
        return self.a.all + self.b.all


def release_a_date(reference_date: str = config.DEMO_REFERENCE_DATE) -> str:
    """Release A's reference date: RELEASE_GAP_MONTHS before release B's (the day kept, or
    the month's last day)."""
    b = dt.date.fromisoformat(reference_date)
    months = b.year * 12 + b.month - 1 - RELEASE_GAP_MONTHS
    year, month = divmod(months, 12)
    return dt.date(year, month + 1, min(b.day, calendar.monthrange(year, month + 1)[1])).isoformat()


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
    scale: float
    # Release A's reference date: every person is born by then, NIKs count back from it.
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
    desa_names: np.ndarray  # per desa, as the official list writes it
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
        scale=scale,
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
        desa_names=desa["nama"].to_numpy(dtype=object),
        polygon_ok=~desa.duplicated(["kec", "nama"], keep=False).to_numpy(),
        cover=kec_cover.loc[desa["kec"]].to_numpy(),
        d1_weight=d1_weight,
        other_weight=other_weight,
        d1_per_kab=d1_per_kab,
        other_per_kab=other_per_kab,
        kab_aid=kab_aid,
    )


@dataclass
class _State:
    """One release's view of a kab/kota's families (per family of the plan)."""

    present: np.ndarray  # in this release's exports
    desil: np.ndarray  # 0 where absent
    in_dtks: np.ndarray  # its members have DTKS records in this release
    aid: np.ndarray  # receives its programmes (in DTKS, and not withheld in this release)
    serial: np.ndarray  # the tail of its P3KE ID in this release (0 where absent)


@dataclass
class _KabPlan:
    """One kab/kota's families over both releases as integer arrays, in file order (by desa,
    desil mixed); each release's files hold the families present in it, in this order."""

    desa: np.ndarray
    size: np.ndarray  # members
    n_kept: np.ndarray  # members with a DTKS record while the family is in DTKS
    any_aid: np.ndarray  # the family's programmes while it is in DTKS and receives them
    pkh: np.ndarray
    sembako: np.ndarray
    pbi: np.ndarray
    dups: np.ndarray  # sorted positions of the families exported twice (in both releases)
    a: _State
    b: _State
    base: _State  # B where the family is in B, else A: what the draws of a family follow
    id_changed: np.ndarray  # in both releases, under a new P3KE ID in B (the head's NIK stays)
    focus: np.ndarray  # desa indices of the kab/kota's focus nagari, most desil-1 families first


def _round_random(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Non-negative values rounded down or up at random, keeping the expected value."""
    low = np.floor(x)
    return (low + (rng.random(len(x)) < x - low)).astype(np.int64)


def _choose(rng: np.random.Generator, desa: np.ndarray, candidates: np.ndarray, quota: np.ndarray) -> np.ndarray:
    """Of the candidates, min(quota[d], their number) in each desa d, at random."""
    idx = np.flatnonzero(candidates)
    order = idx[np.lexsort((rng.random(len(idx)), desa[idx]))]
    chosen = np.zeros(len(desa), bool)
    chosen[order[_rank_within(desa[order]) < quota[desa[order]]]] = True
    return chosen


def _draw_families(
    prov: _Province, k: int, rng: np.random.Generator, desa: np.ndarray, desil: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Size, DTKS membership and programmes of families in `desa` with `desil`."""
    n = len(desa)
    d1 = desil == 1
    size = 1 + np.minimum(rng.poisson(np.where(d1, 3.1, 3.0)), 11)
    p_dtks = np.select([d1, desil == 2, desil == 3], [prov.cover[desa], np.full(n, 0.62), np.full(n, 0.45)], 0.30)
    in_dtks = rng.random(n) < p_dtks
    n_kept = np.where(in_dtks, rng.binomial(size, 0.96), 0)  # some members never registered
    kab_aid = prov.kab_aid[k]
    any_aid = in_dtks & (rng.random(n) < np.where(d1, kab_aid, kab_aid * 0.6))
    pkh = any_aid & (rng.random(n) < 0.55)
    sembako = any_aid & (rng.random(n) < 0.7)
    pbi = any_aid & ((rng.random(n) < 0.8) | ~(pkh | sembako))
    return size, in_dtks, n_kept, any_aid, pkh, sembako, pbi


def _kab_plan(prov: _Province, k: int) -> _KabPlan:
    """Deterministic from (seed, k): computed once to count DTKS members, again to write.
    The families of release B come first (the calibrated draws), then the transitions
    turn them back into release A, and the families that left are drawn in."""
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
    drawn = _draw_families(prov, k, rng, fam_desa, fam_desil)

    # Release A: the transitions, read backwards from B.
    rng = np.random.default_rng([prov.seed, 4, k])
    t = TRANSITIONS
    n_desa = len(prov.kode10)
    new = rng.random(n) < t["baru"]
    stayed = ~new
    d1_b = stayed & (fam_desil == 1)
    d1_count = np.bincount(fam_desa[d1_b], minlength=n_desa)
    ranked = idx[np.lexsort((idx, -d1_count[idx]))]
    focus = ranked[:FOCUS_NAGARI][d1_count[ranked[:FOCUS_NAGARI]] > 0]
    in_focus = np.zeros(n_desa, bool)
    in_focus[focus] = True

    def quota(rates: tuple[float, float]) -> np.ndarray:
        return _round_random(np.where(in_focus, rates[0], rates[1]) * d1_count, rng)

    in_dtks, any_aid = drawn[1], drawn[3]
    desil_a = fam_desil.copy()
    graduated = _choose(rng, fam_desa, stayed & np.isin(fam_desil, (2, 3)), quota(t["keluar_desil_1"]))
    desil_a[graduated] = 1
    fell = _choose(rng, fam_desa, d1_b, quota(t["masuk_desil_1"]))
    desil_a[fell] = rng.choice(np.array([2, 3, 4], dtype=np.int8), n, p=[0.6, 0.3, 0.1])[fell]
    stayed_d1 = d1_b & ~fell
    entered = _choose(rng, fam_desa, stayed_d1 & in_dtks, quota(t["masuk_dtks"]))
    started = _choose(rng, fam_desa, stayed_d1 & in_dtks & ~entered & any_aid, quota(t["mulai_bansos"]))
    id_changed = np.zeros(n, bool)
    if stayed.any():
        n_id = max(1, int(_round_random(np.array([t["ganti_id"] * n]), rng)[0]))
        id_changed[rng.choice(np.flatnonzero(stayed), min(n_id, int(stayed.sum())), replace=False)] = True
    n_dup = max(1, int(n * 0.0025)) if n else 0
    plain = np.flatnonzero(stayed & ~id_changed)
    dups = rng.choice(plain, size=min(n_dup, len(plain)), replace=False)

    # Families that left after A: drawn like the others, listed among them in their desa.
    rng = np.random.default_rng([prov.seed, 5, k])
    n_left = int(_round_random(np.array([t["keluar"] * n]), rng)[0])
    left_d1 = rng.random(n_left) < (d1.sum() / n if n else 0)
    left_desa = np.where(
        left_d1,
        rng.choice(idx, n_left, p=prov.d1_weight[idx] / prov.d1_weight[idx].sum()),
        rng.choice(idx, n_left, p=prov.other_weight[idx] / prov.other_weight[idx].sum()),
    )
    left_desil = np.where(left_d1, 1, rng.choice(np.array([2, 3, 4]), n_left, p=[0.31, 0.33, 0.36])).astype(np.int8)
    left = _draw_families(prov, k, rng, left_desa, left_desil)
    key = np.concatenate([np.arange(n) / max(n, 1), rng.random(n_left)])  # B's order kept, left ones mixed in

    desa = np.concatenate([fam_desa, left_desa])
    pos = np.lexsort((key, desa))
    desa = desa[pos]
    nu = len(desa)

    def merged(b_values, left_values):
        return np.concatenate([b_values, left_values])[pos]

    size, dtks_u, n_kept, any_aid_u, pkh, sembako, pbi = (merged(x, y) for x, y in zip(drawn, left, strict=True))
    in_b = merged(np.ones(n, bool), np.zeros(n_left, bool))
    in_a = merged(stayed, np.ones(n_left, bool))
    desil_b = merged(fam_desil, np.zeros(n_left, np.int8))
    desil_a = merged(desil_a, left_desil)
    dtks_b = merged(in_dtks, np.zeros(n_left, bool))
    dtks_a = merged(in_dtks & ~entered, left[1]) & in_a
    withheld_a = merged(started, np.zeros(n_left, bool))
    id_changed = merged(id_changed, np.zeros(n_left, bool))
    where = np.empty(nu, np.int64)
    where[pos] = np.arange(nu)
    dups = np.sort(where[dups])

    # P3KE IDs: each desa's families of A numbered first; families new in B (and the new ID
    # of a family whose ID changed) after them, so no ID of B is one of A's.
    serial_a = np.zeros(nu, np.int64)
    serial_a[in_a] = _rank_within(desa[in_a]) + 1
    n_a = np.bincount(desa[in_a], minlength=n_desa)
    renumbered = in_b & (~in_a | id_changed)
    serial_b = np.where(in_b, serial_a, 0)
    serial_b[renumbered] = n_a[desa[renumbered]] + _rank_within(desa[renumbered]) + 1

    a = _State(in_a, np.where(in_a, desil_a, 0), dtks_a, any_aid_u & dtks_a & ~withheld_a, serial_a)
    b = _State(in_b, np.where(in_b, desil_b, 0), dtks_b & in_b, any_aid_u & dtks_b & in_b, serial_b)
    base = _State(
        np.ones(nu, bool),
        np.where(in_b, b.desil, a.desil),
        np.where(in_b, b.in_dtks, a.in_dtks),
        np.where(in_b, b.aid, a.aid),
        np.where(in_b, b.serial, a.serial),
    )
    return _KabPlan(
        desa=desa,
        size=size,
        n_kept=n_kept,
        any_aid=any_aid_u,
        pkh=pkh,
        sembako=sembako,
        pbi=pbi,
        dups=dups,
        a=a,
        b=b,
        base=base,
        id_changed=id_changed,
        focus=focus,
    )


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


# The columns of a family or member row that differ between the releases (_view_columns).
MEMBER_COLUMNS = [
    "ID Keluarga P3KE",
    "Dimuktakhirkan Tahun",
    "Kode Kemdagri",
    "Desil Kesejahteraan",
    "Persentil",
    "Alamat",
    "ID Individu",
    "Prioritas Verval",
    "Nama",
    "NIK",
    "Tanggal Lahir",
    "Padan Dukcapil",
    "Jenis Kelamin",
    "Hubungan dengan Kepala Keluarga",
    "Status Kawin",
    "Pekerjaan",
    "Status Pekerjaan",
    "Pendidikan",
    "Usia 2023",
    "Kelompok Usia 2023",
    "Penerima BPNT",
    "Penerima PKH",
    "Penerima SEMBAKO",
]


@dataclass
class _Block:
    """Families lo..hi of a kab/kota's plan: what is the same in both releases, and the
    draws from which each release's own columns are made."""

    lo: int
    hi: int
    family: dict[str, pa.Array]  # family columns that do not depend on the release
    member: dict[str, pa.Array]  # member columns that do not depend on the release
    fam_of: np.ndarray  # per member: its family (0 .. hi-lo)
    pos: np.ndarray  # per member: 0 for the head
    head_idx: np.ndarray  # per family: its head's member row
    birth: np.ndarray  # per member
    code_dotted: np.ndarray  # per family: the code is written with dots
    by_name: np.ndarray  # per family: the code was mangled, only its names place it
    use_label: np.ndarray  # per family: desil written "Desil 1"
    persentil_off: np.ndarray
    bpnt: np.ndarray  # per family: its food aid is listed as BPNT rather than SEMBAKO
    pkh_kept: np.ndarray  # per family: P3KE lists the PKH it receives
    pkh_stray: np.ndarray  # per family: P3KE lists PKH although the family is not in DTKS
    dtks_member: np.ndarray  # members with a DTKS record (when in DTKS), in the DTKS file's order
    dtks: _People  # their DTKS persons (programme flags of the base state)


def _family_block(
    prov: _Province, plan: _KabPlan, k: int, lo: int, hi: int, rng: np.random.Generator, counter: _NikCounter
) -> _Block:
    """Families lo..hi of a kab/kota (present in either release), their members and the
    DTKS records they have while in DTKS."""
    fam_desa = plan.desa[lo:hi]
    size = plan.size[lo:hi].astype(np.int64)
    nf = hi - lo
    d1 = plan.base.desil[lo:hi] == 1

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

    # ------------------------------------------------------------ family rows
    def cat(values, p=None):
        return _pick(rng, values, nf, p)

    use_label = rng.random(nf) < 0.3
    code_dotted = rng.random(nf) < 0.4
    # Families whose code was mangled in the export: only their names place them.
    by_name = (rng.random(nf) < 0.001) & prov.polygon_ok[fam_desa]
    head_nik = pc.take(nik, pa.array(head_idx))
    p_bad = np.where(d1, 0.35, 0.12)
    quality = lambda: pc.if_else(pa.array(rng.random(nf) < p_bad), "JELEK/KUALITAS RENDAH", "BAGUS/KUALITAS TINGGI")  # noqa: E731
    bpnt = rng.random(nf) < 0.5
    pkh_kept = rng.random(nf) > 0.03
    pkh_stray = rng.random(nf) < 0.02
    alamat = _join("JORONG ", _pick(rng, JORONG, nf), ", RT 00", _text(rng.integers(1, 9, nf)))
    persentil_off = rng.integers(0, 10, nf)

    family = {
        "Dimuktakhirkan Tahun": pa.array(np.full(nf, "2022"), type=pa.string()),
        "Provinsi": pa.array(np.full(nf, "SUMATERA BARAT"), type=pa.string()),
        "Kabupaten/Kota": pa.array(prov.kab_upper[fam_desa], type=pa.string()),
        "Kecamatan": pa.array(prov.kec_upper[fam_desa], type=pa.string()),
        "Desa/Kelurahan": pa.array(prov.desa_upper[fam_desa], type=pa.string()),
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
        "Penerima BPUM": _ya_tidak(rng.random(nf) < 0.03),
        "Penerima BST": _ya_tidak(rng.random(nf) < 0.1),
        "Penerima Prakerja": _ya_tidak(rng.random(nf) < 0.01),
        "Penerima KUR": _ya_tidak(rng.random(nf) < 0.02),
    }

    # ------------------------------------------------------------ member rows
    relation = np.where(
        pos == 0, "KEPALA KELUARGA", np.where(pos == 1, "ISTRI/SUAMI", np.where(elder, "ORANG TUA", "ANAK"))
    )
    fam_of_pa = pa.array(fam_of)
    member = {
        "Dimuktakhirkan Tahun": pa.array(np.full(nm, "2022"), type=pa.string()),
        "Alamat": pc.take(alamat, fam_of_pa),
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
    }

    # ------------------------------------------------------------ DTKS records of members
    # The family's n_kept members with a DTKS record: those with the smallest random draw.
    order = np.lexsort((rng.random(nm), fam_of))
    rank = np.empty(nm, np.int64)
    rank[order] = np.arange(nm) - head_idx[fam_of[order]]
    m_idx = np.flatnonzero(rank < plan.n_kept[lo:hi][fam_of])
    d_fam = fam_of[m_idx]
    base = slice(lo, hi)
    people = _People(
        desa=fam_desa[d_fam],
        nik=pc.take(nik, pa.array(m_idx)),
        name=pc.take(person_name, pa.array(m_idx)),
        birth=birth[m_idx],
        female=female[m_idx],
        age=age_exact[m_idx],
        d1=d1[d_fam],
        pkh=(plan.pkh[base] & plan.base.aid[base])[d_fam],
        sembako=(plan.sembako[base] & plan.base.aid[base])[d_fam],
        pbi=(plan.pbi[base] & plan.base.aid[base])[d_fam],
    )
    return _Block(
        lo=lo,
        hi=hi,
        family=family,
        member=member,
        fam_of=fam_of,
        pos=pos,
        head_idx=head_idx,
        birth=birth,
        code_dotted=code_dotted,
        by_name=by_name,
        use_label=use_label,
        persentil_off=persentil_off,
        bpnt=bpnt,
        pkh_kept=pkh_kept,
        pkh_stray=pkh_stray,
        dtks_member=m_idx,
        dtks=people,
    )


@dataclass
class _View:
    """How one release writes the families: its state, reference date and region codes."""

    key: str  # "a" or "b"
    ref: np.datetime64
    dotted: np.ndarray  # per desa of the province: its code in this release
    printed: str  # the export's date, as its title rows give it (YYYY-MM-DD)

    def state(self, plan: _KabPlan) -> _State:
        return plan.a if self.key == "a" else plan.b if self.key == "b" else plan.base


@dataclass
class _Family:
    """One release's family-level arrays of a block."""

    present: np.ndarray
    desil: np.ndarray
    in_dtks: np.ndarray
    aid: np.ndarray
    pkh: np.ndarray
    sembako: np.ndarray
    pbi: np.ndarray
    p3ke_pkh: np.ndarray
    age: np.ndarray  # per member, at the release's reference date


def _family_state(plan: _KabPlan, view: _View, blk: _Block) -> _Family:
    st, s = view.state(plan), slice(blk.lo, blk.hi)
    aid, in_dtks = st.aid[s], st.in_dtks[s]
    pkh = plan.pkh[s] & aid
    return _Family(
        present=st.present[s],
        desil=st.desil[s],
        in_dtks=in_dtks,
        aid=aid,
        pkh=pkh,
        sembako=plan.sembako[s] & aid,
        pbi=plan.pbi[s] & aid,
        p3ke_pkh=(pkh & blk.pkh_kept) | (~in_dtks & blk.pkh_stray),
        age=_age(blk.birth, view.ref),
    )


def _view_tables(prov: _Province, plan: _KabPlan, view: _View, blk: _Block, fam: _Family) -> tuple[pa.Table, pa.Table]:
    """The block's family rows (2023 layout) and member rows as `view`'s release writes
    them, every family of the block included (the caller keeps those present)."""
    fam_desa = plan.desa[blk.lo : blk.hi]
    st = view.state(plan)
    plain = pa.array(prov.kode10[fam_desa], type=pa.string())
    # The P3KE ID keeps the code the family was registered under, whatever happens to it.
    fam_id = _join("P", plain, pc.utf8_lpad(_text(st.serial[blk.lo : blk.hi]), 5, "0"))
    dotted_now = pa.array(view.dotted[fam_desa], type=pa.string())
    plain_now = pc.replace_substring(dotted_now, ".", "")
    code_col = pc.if_else(pa.array(blk.code_dotted), dotted_now, plain_now)
    code_col = pc.if_else(pa.array(blk.by_name), _join(pc.utf8_slice_codeunits(plain, 0, 6), "99"), code_col)
    desil_text = _text(fam.desil)
    persentil = _text(fam.desil.astype(np.int64) * 10 - blk.persentil_off)
    bpnt = fam.sembako & blk.bpnt
    own = {
        "ID Keluarga P3KE": fam_id,
        "Kode Kemdagri": code_col,
        "Desil Kesejahteraan": pc.if_else(pa.array(blk.use_label), _join("Desil ", desil_text), desil_text),
        "Persentil": persentil,
        "Penerima BPNT": _ya_tidak(bpnt),
        "Penerima PKH": _ya_tidak(fam.p3ke_pkh),
        "Penerima SEMBAKO": _ya_tidak(fam.sembako & ~bpnt),
    }
    family = pa.table({c: own[c] if c in own else blk.family[c] for c in P3KE_2023_COLUMNS})

    age = fam.age
    age_band = np.select(
        [age < 6, age < 13, age < 16, age < 19, age < 60], ["<5", "6-12", "13-15", "16-18", "19-59"], "60+"
    )
    fam_of_pa = pa.array(blk.fam_of)
    own = {
        "ID Keluarga P3KE": pc.take(fam_id, fam_of_pa),
        "Kode Kemdagri": pc.take(plain_now, fam_of_pa),
        "Desil Kesejahteraan": pc.take(desil_text, fam_of_pa),
        "Persentil": pc.take(persentil, fam_of_pa),
        "ID Individu": _join(pc.take(fam_id, fam_of_pa), "-", pc.utf8_lpad(_text(blk.pos + 1), 2, "0")),
        "Usia 2023": _text(age),
        "Kelompok Usia 2023": pa.array(age_band.astype(object), type=pa.string()),
        "Penerima BPNT": pc.take(family["Penerima BPNT"], fam_of_pa),
        "Penerima PKH": pc.take(family["Penerima PKH"], fam_of_pa),
        "Penerima SEMBAKO": pc.take(family["Penerima SEMBAKO"], fam_of_pa),
    }
    member = pa.table({c: own[c] if c in own else blk.member[c] for c in MEMBER_COLUMNS})
    return family, member


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

COUNT_KEYS = (
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
)


def _view(prov: _Province, key: str, reference_date: str, dotted: np.ndarray | None = None) -> _View:
    ref = dt.date.fromisoformat(reference_date)
    return _View(
        key=key,
        ref=np.datetime64(reference_date, "D"),
        dotted=prov.dotted if dotted is None else dotted,
        printed=ref.replace(day=1).isoformat(),  # exported at the start of the reference month
    )


def generate(
    out_dir: Path, scale: float = 1.0, seed: int = 2023, reference_date: str = config.DEMO_REFERENCE_DATE
) -> DemoFiles:
    """Write release B's exports alone into `out_dir` (every nagari under its code in the
    official list) and return their paths."""
    prov = _province(scale, seed, release_a_date(reference_date))
    files, _, _ = _write_releases(prov, {"b": (_view(prov, "b", reference_date), Path(out_dir))})
    return files["b"]


def generate_releases(
    input_dir: Path,
    scale: float = 1.0,
    seed: int = 2023,
    reference_date: str = config.DEMO_REFERENCE_DATE,
    boundaries: Path | None = None,
) -> DemoReleases:
    """Write both releases into `input_dir`/rilis-a and rilis-b (see the module docstring):
    the exports, and for B the crosswalk, region files with the renamed nagari and the
    expected transitions. `boundaries`: what B's boundaries are copied from (the default
    config.BOUNDARIES)."""
    input_dir = Path(input_dir)
    boundaries = Path(boundaries or config.BOUNDARIES)
    date_a = release_a_date(reference_date)
    prov = _province(scale, seed, date_a)
    renamed, new_code = _renamed_nagari(prov, boundaries)
    dotted_b = prov.dotted.copy()
    dotted_b[renamed] = new_code
    folders = {key: input_dir / name for key, name in RELEASE_DIRS.items()}
    files, records, focus = _write_releases(
        prov,
        {
            "a": (_view(prov, "a", date_a), folders["a"]),
            "b": (_view(prov, "b", reference_date, dotted_b), folders["b"]),
        },
    )
    old_code = prov.dotted[renamed]
    b = files["b"]
    b.boundaries, b.kode_wilayah = _region_files(boundaries, folders["b"], old_code, new_code)
    b.padanan = folders["b"] / CROSSWALK_NAME
    b.padanan.write_text(f"kode_lama,kode_baru\n{old_code},{new_code}\n", encoding="utf-8")
    transisi = _expected_transitions(prov, records, focus, renamed, new_code)
    transisi.update(
        {
            "rilis_a": {"folder": RELEASE_DIRS["a"], "tanggal_referensi": date_a},
            "rilis_b": {"folder": RELEASE_DIRS["b"], "tanggal_referensi": reference_date},
            "skala": scale,
            "seed": seed,
            "padanan": CROSSWALK_NAME,
            "keterangan": EXPECTED_KEYS,
        }
    )
    path = folders["b"] / EXPECTED_NAME
    path.write_text(json.dumps(transisi, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return DemoReleases(files["a"], b, transisi, path)


def _write_releases(
    prov: _Province, views: dict[str, tuple[_View, Path]]
) -> tuple[dict[str, DemoFiles], dict[str, list[np.ndarray]], dict[int, np.ndarray]]:
    """Every kab/kota's exports of each release in `views` (key -> view and folder); returns
    the files, per family what each release's ETL will find (for the transitions), and the
    focus nagari of each kab/kota."""
    files, counts = {}, {}
    for key, (view, folder) in views.items():
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*"):
            if old.suffix in {".csv", ".xlsx", ".txt"} or old.name == EXPECTED_NAME:
                old.unlink()
        shutil.rmtree(folder / BOUNDARY_DIR, ignore_errors=True)
        files[key] = DemoFiles(folder=folder, reference_date=str(view.ref))
        counts[key] = dict.fromkeys(COUNT_KEYS, 0)

    # DTKS is calibrated to FULL_DTKS_ROWS records in release B: P3KE members with a record,
    # then persons outside P3KE to fill it (the same persons in both releases), spread over
    # kab/kota by their number of desa.
    members_in_dtks = 0
    for k in range(len(prov.kabs)):
        plan = _kab_plan(prov, k)
        members_in_dtks += int(plan.n_kept[plan.b.present & plan.b.in_dtks].sum())
    scale_rows = int(round(FULL_DTKS_ROWS * prov.scale))
    n_extra = max(0, scale_rows - members_in_dtks)
    extra_per_kab = _largest_remainder(n_extra, np.array([len(i) for i in prov.desa_of_kab], dtype=float))

    records: dict[str, list[np.ndarray]] = {}
    focus = {
        k: _write_kab(prov, k, int(extra_per_kab[k]), views, files, counts, records) for k in range(len(prov.kabs))
    }
    for key, (view, folder) in views.items():
        files[key].expected = counts[key]
        (folder / "BACA.txt").write_text(
            "Data demo Kantong: sepenuhnya sintetis (tidak ada orang sungguhan), dibuat oleh `python -m etl demo`.\n"
            f"Rilis {key.upper()}, tanggal referensi {view.ref}.\n",
            encoding="utf-8",
        )
    return files, records, focus


def _blocks(n: int, size: int) -> list[tuple[int, int]]:
    """Even blocks of at most `size`; always at least one (maybe empty) block."""
    parts = max(1, -(-n // max(1, size)))
    bounds = [n * i // parts for i in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


@dataclass
class _Sinks:
    kel: object
    ind: object
    dts: object


def _sinks(prov: _Province, k: int, view: _View, out_dir: Path) -> _Sinks:
    kab = prov.kabs[k]
    name = prov.kab_names[k]
    slug = name.lower().replace("kabupaten ", "kab_").replace("kota ", "kota_").replace(" ", "_")
    title = [
        f"DATA KELUARGA P3KE {name.upper()}",
        "Sumber: Kemenko PMK (data sintetis untuk demo Kantong)",
        f"Dicetak: {view.printed}",
    ][: 1 + k % 3]
    printed = dt.date.fromisoformat(view.printed)
    if kab == XLSX_P3KE_KAB:
        cover = (
            "Keterangan",
            [
                "KETERANGAN EKSPOR DATA P3KE",
                f"Wilayah: {name}, Provinsi Sumatera Barat",
                "Sumber: Kemenko PMK (data sintetis untuk demo Kantong, tidak ada orang sungguhan)",
                "Data dibagi ke beberapa lembar (Data 1, Data 2, ...), masing-masing paling banyak "
                + f"{DEMO_SHEET_ROWS:,}".replace(",", ".")
                + " baris.",
                f"Tanggal ekspor: {printed:%d-%m-%Y}",
            ],
        )
        kel = _XlsxSink(out_dir / f"p3ke_keluarga_{slug}.xlsx", title, cover, DEMO_SHEET_ROWS, printed)
        ind = _XlsxSink(out_dir / f"p3ke_individu_{slug}.xlsx", title, cover, DEMO_SHEET_ROWS, printed)
    else:
        kel = _CsvSink(
            out_dir / f"p3ke_keluarga_{slug}.csv", title + [""], ",", "utf-8-sig" if kab == BOM_P3KE_KAB else "utf-8"
        )
        ind = _CsvSink(out_dir / f"p3ke_individu_{slug}.csv", title, ",")
    if kab == XLSX_DTKS_KAB:
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
            printed,
        )
    elif kab == UTF16_DTKS_KAB:
        dts = _CsvSink(out_dir / f"dtks_{slug}.txt", [], "\t", "utf-16")
    else:
        dts = _CsvSink(out_dir / f"dtks_{slug}.csv", [], DELIMITERS[k % 4])
    return _Sinks(kel, ind, dts)


def _write_kab(
    prov: _Province,
    k: int,
    n_extra: int,
    views: dict[str, tuple[_View, Path]],
    files: dict[str, DemoFiles],
    counts: dict[str, dict],
    records: dict[str, list[np.ndarray]],
) -> np.ndarray:
    """Write kab/kota k's files of every release; returns its focus nagari."""
    kab = prov.kabs[k]
    plan = _kab_plan(prov, k)
    tag = f"{k:02d}"
    xlsx_p3ke = kab == XLSX_P3KE_KAB
    xlsx_dtks = kab == XLSX_DTKS_KAB
    sinks = {key: _sinks(prov, k, view, folder) for key, (view, folder) in views.items()}
    # What both releases share (the rows copied into rejected ones, the NIK cells as Excel left
    # them) is drawn once, from the families as the base state writes them.
    base_view = _View("base", prov.ref, prov.dotted, "")

    member_nik = _NikCounter(prov.n_kec[k], P3KE_FIRST_SERIAL, EXTRA_FIRST_SERIAL - 1)
    extra_nik = _NikCounter(prov.n_kec[k], EXTRA_FIRST_SERIAL, 9999)
    dtks_id = 0
    blocks = _blocks(len(plan.desa), CHUNK_FAMILIES)
    for b, (lo, hi) in enumerate(blocks):
        rng = np.random.default_rng([prov.seed, 2, k, b])
        blk = _family_block(prov, plan, k, lo, hi, rng, member_nik)
        nf, nm = hi - lo, len(blk.fam_of)
        base_f, base_m = _view_tables(prov, plan, base_view, blk, _family_state(plan, base_view, blk))

        # Duplicate family rows (the same family exported twice), after the block's originals.
        dups = plan.dups[(plan.dups >= lo) & (plan.dups < hi)] - lo
        if b == len(blocks) - 1:
            # Rows that must be rejected: a region from another province, and an invalid desil;
            # members of the rejected families, and one whose family ID is unknown.
            bad_region = _bad_family_rows(base_f, rng, 2, kind="region", tag=tag)
            bad_desil = _bad_family_rows(base_f, rng, 1, kind="desil", tag=tag)
            orphans = _orphan_members(base_m, bad_region, rng, tag=tag)
        else:
            bad_region = bad_desil = base_f.slice(0, 0)
            orphans = base_m.slice(0, 0)
        bad = pa.concat_tables([bad_region, bad_desil])

        # NIKs as written: the same cells in both releases.
        heads = pa.concat_arrays(
            [
                base_f["NIK Kepala Keluarga"].combine_chunks(),
                base_f["NIK Kepala Keluarga"].combine_chunks().take(pa.array(dups, type=pa.int64())),
                bad["NIK Kepala Keluarga"].combine_chunks(),
            ]
        )
        nik_m = pa.concat_arrays([base_m["NIK"].combine_chunks(), orphans["NIK"].combine_chunks()])
        if xlsx_p3ke:  # some NIK cells typed as numbers
            f_number = _numeric_cells(heads, rng)
            m_number = _numeric_cells(nik_m, rng)
            head_text, member_text = heads, nik_m
        else:
            head_text, member_text = _mess_nik(heads, rng), _mess_nik(nik_m, rng)
            f_number = np.zeros(len(heads), bool)
            m_number = np.zeros(len(nik_m), bool)
        # A family whose P3KE ID changes keeps its head's NIK readable, so that the two releases
        # can be matched by it.
        clean = np.zeros(len(heads), bool)
        clean[:nf] = plan.id_changed[lo:hi]
        head_text = pc.if_else(pa.array(clean), heads, head_text)
        f_number &= ~clean
        # Which NIKs the ETL can match, from what is written (regular rows come first).
        head_ok = _valid_text_nik(head_text.slice(0, nf), f_number[:nf])
        member_ok = _valid_text_nik(member_text.slice(0, nm), m_number[:nm])

        # DTKS records of the members of families in DTKS in either release.
        dtab_all, planted_all = _dtks_table(prov, k, blk.dtks, rng, dtks_id, messy_nik=not xlsx_dtks)
        dtks_id += dtab_all.num_rows
        m = blk.dtks_member
        d_fam = blk.fam_of[m]
        with_head = member_ok[m] | ((blk.pos[m] == 0) & head_ok[d_fam])
        matchable = planted_all["active"] & ~planted_all["bad_nik"] & with_head
        family_matchable = np.bincount(d_fam[matchable], minlength=nf) > 0

        for key, (view, _) in views.items():
            fam = _family_state(plan, view, blk)
            ftab, mtab = _view_tables(prov, plan, view, blk, fam)
            fkeep = np.concatenate([fam.present, fam.present[dups], np.ones(bad.num_rows, bool)])
            ftab = pa.concat_tables([ftab, ftab.take(pa.array(dups, type=pa.int64())), bad])
            ftab = _set(ftab, "NIK Kepala Keluarga", head_text).filter(pa.array(fkeep))
            mkeep = np.concatenate([fam.present[blk.fam_of], np.ones(orphans.num_rows, bool)])
            mtab = _set(pa.concat_tables([mtab, orphans]), "NIK", member_text).filter(pa.array(mkeep))
            _write_families(sinks[key], kab, ftab, mtab, f_number[fkeep], m_number[mkeep], xlsx_p3ke)

            c = counts[key]
            d1 = fam.present & (fam.desil == 1)
            size = plan.size[lo:hi]
            c["kk_total"] += int(fam.present.sum())
            c["kk_desil_1"] += int(d1.sum())
            c["jiwa_total"] += int(fam.present[blk.fam_of].sum())
            c["kk_dicocokkan_nama"] += int((fam.present & blk.by_name).sum())
            c["kk_d1_lansia_tunggal"] += int((d1 & (size == 1) & (fam.age[blk.head_idx] >= 60)).sum())
            c["keluarga_dup"] += int(fam.present[dups].sum())
            c["keluarga_bad_region"] += bad_region.num_rows
            c["keluarga_bad_desil"] += bad_desil.num_rows
            c["individu_of_rejected"] += bad_region.num_rows
            c["individu_orphan"] += orphans.num_rows - bad_region.num_rows

            # The DTKS records of the members of this release's families in DTKS.
            dkeep = fam.present[d_fam] & fam.in_dtks[d_fam]
            dtab = _dtks_flags(dtab_all, k, fam.pkh[d_fam], fam.sembako[d_fam], fam.pbi[d_fam])
            sinks[key].dts.write(dtab.filter(pa.array(dkeep)))
            planted = {name: values[dkeep] for name, values in planted_all.items()}
            _count_dtks(c, planted)
            counted = planted["active"] & planted["disabled"] & ~planted["bad_nik"] & d1[d_fam[dkeep]]
            c["jiwa_d1_disabilitas"] += int((counted & member_ok[m][dkeep]).sum())
            c["jiwa_d1_disabilitas_dgn_nik_kepala"] += int((counted & with_head[dkeep]).sum())

            # What the ETL will find of each family in this release (the comparison's inputs).
            in_dtks = fam.present & fam.in_dtks & family_matchable
            bansos = fam.present & (fam.p3ke_pkh | fam.sembako | (in_dtks & fam.aid))
            for name, values in (
                ("present", fam.present),
                ("desil", fam.desil),
                ("di_dtks", in_dtks),
                ("bansos", bansos),
            ):
                records.setdefault(f"{key}_{name}", []).append(values)
        records.setdefault("kab", []).append(np.full(nf, k))
        records.setdefault("desa", []).append(plan.desa[lo:hi])
        records.setdefault("id_changed", []).append(plan.id_changed[lo:hi])
        records.setdefault("head_ok", []).append(head_ok)
        del blk, base_f, base_m, dtab_all

    # DTKS persons outside P3KE: the same in every release.
    for b, (lo, hi) in enumerate(_blocks(n_extra, 4 * CHUNK_FAMILIES)):
        if hi == lo:
            continue
        rng = np.random.default_rng([prov.seed, 3, k, b])
        people = _extra_people(prov, k, hi - lo, rng, extra_nik)
        dtab, planted = _dtks_table(prov, k, people, rng, dtks_id, messy_nik=not xlsx_dtks)
        dtks_id += dtab.num_rows
        for key in views:
            sinks[key].dts.write(dtab)
            _count_dtks(counts[key], planted)

    for key, sink in sinks.items():
        files[key].keluarga.append(sink.kel.close())
        files[key].individu.append(sink.ind.close())
        files[key].dtks.append(sink.dts.close())
    return plan.focus


def _write_families(
    sinks: _Sinks,
    kab: str,
    ftab: pa.Table,
    mtab: pa.Table,
    f_number: np.ndarray,
    m_number: np.ndarray,
    xlsx_p3ke: bool,
) -> None:
    """Family and member rows in the kab/kota's layout."""
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
        sinks.kel.write(ftab, {"NIK Kepala Keluarga": f_number})
        sinks.ind.write(mtab, {"NIK": m_number})
    else:
        sinks.kel.write(ftab)
        sinks.ind.write(mtab)


def _dtks_flags(table: pa.Table, k: int, pkh: np.ndarray, sembako: np.ndarray, pbi: np.ndarray) -> pa.Table:
    """DTKS records with the programmes of the release (the kab/kota's layout, _dtks_table)."""
    if k % 2 == 0:
        for column, values in (("Bansos_Bpnt", sembako), ("Bansos_Pkh", pkh), ("Pbi_Jkn", pbi)):
            table = _set(table, column, _ya_tidak(values))
    else:
        for column, values in (("PKH", pkh), ("BPNT", sembako), ("PBI", pbi)):
            table = _set(table, column, pc.if_else(pa.array(values), "1", "0"))
    return table


def _count_dtks(counts: dict, planted: dict) -> None:
    counts["dtks_rows"] += len(planted["active"])
    counts["dtks_nonaktif"] += int((~planted["active"]).sum())
    counts["dtks_bad_nik"] += int(planted["bad_nik"].sum())
    counts["dtks_disabilitas"] += int((planted["active"] & planted["disabled"]).sum())


# ---------------------------------------------------------------------------- release B's extras


def _ogr_files(path: Path) -> list[Path]:
    from etl.boundaries import OGR_SUFFIXES

    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(str(path), "berkas atau folder batas wilayah tidak ditemukan")
    return sorted(p for p in path.iterdir() if p.suffix.lower() in OGR_SUFFIXES and not p.name.startswith("."))


def _text_columns(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """A layer's text columns (where region codes are), as dotted codes where they are codes."""
    from etl.boundaries import normalise_code

    return {
        column: frame[column].map(lambda v: normalise_code(v) if isinstance(v, str) else None)
        for column in frame.columns
        if column != "geometry" and not pd.api.types.is_numeric_dtype(frame[column])
    }


def _code_columns(frame: pd.DataFrame, code: str) -> list[str]:
    """Columns of a boundary layer holding the desa code `code` (dotted or plain)."""
    return [column for column, codes in _text_columns(frame).items() if (codes == code).any()]


def _boundary_desa_codes(boundaries: Path) -> set[str]:
    """Desa codes that have a polygon in the boundary files under `boundaries`."""
    import pyogrio

    codes: set[str] = set()
    for file in _ogr_files(boundaries):
        try:
            layers = [row[0] for row in pyogrio.list_layers(file)]
            for layer in layers:
                frame = pyogrio.read_dataframe(file, layer=layer, read_geometry=False)
                for normal in _text_columns(frame).values():
                    codes |= {c for c in normal.dropna() if len(c) == 13}
        except Exception as err:  # pyogrio raises DataSourceError subclasses
            raise InputError(file.name, f"bukan berkas batas wilayah yang dapat dibaca ({err})") from err
    return codes


def _renamed_nagari(prov: _Province, boundaries: Path) -> tuple[int, str]:
    """The nagari whose code changes in release B (the one with the most desil-1 families
    of RENAME_KAB that has a polygon), and its new code: the next free number in its
    kecamatan."""
    drawn = _boundary_desa_codes(boundaries)
    k = prov.kabs.index(RENAME_KAB)
    plan = _kab_plan(prov, k)
    d1 = np.bincount(plan.desa[plan.b.desil == 1], minlength=len(prov.kode10))
    idx = prov.desa_of_kab[k]
    chosen = next((d for d in idx[np.lexsort((idx, -d1[idx]))] if prov.dotted[d] in drawn and prov.polygon_ok[d]), None)
    if chosen is None:
        raise InputError(str(boundaries), f"batas wilayah tidak memuat satu pun nagari/desa kab/kota {RENAME_KAB}")
    kec = prov.dotted[chosen][:8]
    listed = pd.read_csv(config.KODE_WILAYAH, dtype="string")["kode"]
    taken = {c for c in set(listed.dropna()) | drawn if c.startswith(kec + ".")}
    serial = max(int(c[9:]) for c in taken) + 1
    return int(chosen), f"{kec}.{serial:04d}"


def _region_files(boundaries: Path, folder: Path, old: str, new: str) -> tuple[Path, Path]:
    """Release B's boundaries and official code list: copies of the given ones with the
    renamed nagari under its new code (layers holding it rewritten as GeoJSON, the other
    files copied as they are, with their side files)."""
    import geopandas as gpd
    import pyogrio

    target = folder / BOUNDARY_DIR
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    renamed = 0
    for file in _ogr_files(boundaries):
        layers = [row[0] for row in pyogrio.list_layers(file)]
        frames = [gpd.read_file(file, layer=layer, engine="pyogrio") for layer in layers]
        columns = [_code_columns(frame, old) for frame in frames]
        if not any(columns):
            for part in sorted(file.parent.glob(file.name.split(".")[0] + ".*")) if file.suffix == ".shp" else [file]:
                shutil.copy2(part, target / part.name)
            continue
        stem = file.name.split(".")[0]
        for layer, frame, found in zip(layers, frames, columns, strict=True):
            for column in found:
                text = frame[column].astype(str)
                frame[column] = (
                    frame[column].where(text != old, new).where(text != old.replace(".", ""), new.replace(".", ""))
                )
            renamed += bool(found)
            name = stem if len(layers) == 1 else f"{stem}_{layer}"
            frame.to_file(target / f"{name}.geojson", driver="GeoJSON", engine="pyogrio")
    if not renamed:
        raise InputError(str(boundaries), f"kode nagari {old} tidak ada di berkas batas wilayah")
    codes = pd.read_csv(config.KODE_WILAYAH, dtype="string")
    codes.loc[codes["kode"] == old, "kode"] = new
    code_list = folder / CODE_LIST_NAME
    codes.to_csv(code_list, index=False)
    return target, code_list


def _expected_transitions(
    prov: _Province, records: dict[str, list[np.ndarray]], focus: dict[int, np.ndarray], renamed: int, new_code: str
) -> dict:
    """What etl.compare.compare(A, B) must count (its TRANSISI columns), per kab/kota and for
    the province, from what each release's ETL finds of every family: matched by P3KE ID,
    else by the head's NIK where it is valid as written (unique by construction)."""
    f = pd.DataFrame({name: np.concatenate(parts) for name, parts in records.items()})
    both = f["a_present"] & f["b_present"]
    stayed = both & (~f["id_changed"] | f["head_ok"])
    d1_stayed = stayed & (f["a_desil"] == 1)
    flags = pd.DataFrame(
        {
            "kk_a": f["a_present"],
            "kk_b": f["b_present"],
            "tetap": stayed,
            "tetap_lewat_nik": stayed & f["id_changed"],
            "baru": f["b_present"] & ~stayed,
            "keluar": f["a_present"] & ~stayed,
            "d1_a": f["a_present"] & (f["a_desil"] == 1),
            "d1_tetap": d1_stayed,
            "d1_masuk_dtks": d1_stayed & ~f["a_di_dtks"] & f["b_di_dtks"],
            "d1_mulai_bansos": d1_stayed & ~f["a_bansos"] & f["b_bansos"],
            "d1_keluar_desil_1": d1_stayed & (f["b_desil"] > 1),
            "masuk_desil_1": stayed & (f["a_desil"] > 1) & (f["b_desil"] == 1),
        }
    ).astype("int64")
    per_kab = flags.groupby(f["kab"]).sum()
    kabkota = {}
    for k, code in enumerate(prov.kabs):
        row = per_kab.loc[k] if k in per_kab.index else pd.Series(0, index=flags.columns)
        kabkota[code] = {"nama": prov.kab_names[k], **{c: int(row[c]) for c in flags.columns}}
    in_renamed = f["desa"] == renamed
    return {
        "provinsi": {c: int(flags[c].sum()) for c in flags.columns},
        "kabkota": kabkota,
        "ganti_kode": [
            {
                "kode_lama": prov.dotted[renamed],
                "kode_baru": new_code,
                "nama": prov.desa_names[renamed],
                "kk_a": int((in_renamed & f["a_present"]).sum()),
                "kk_b": int((in_renamed & f["b_present"]).sum()),
            }
        ],
        # Where the transitions run higher (codes of release B).
        "nagari_fokus": {
            code: [new_code if d == renamed else prov.dotted[d] for d in focus[k]] for k, code in enumerate(prov.kabs)
        },
    }


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

    def __init__(
        self,
        path: Path,
        title: list[str],
        text_sheet: tuple[str, list[str]] | None,
        max_rows: int | None,
        created: dt.date,
    ):
        import xlsxwriter

        self.path, self.title, self.max_rows = path, title, max_rows
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
        # The export's date, not today's, so the same seed gives the same bytes.
        self.book.set_properties({"created": dt.datetime.combine(created, dt.time())})
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
