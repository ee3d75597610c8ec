"""Synthetic P3KE and DTKS exports for every nagari/desa/kelurahan of Sumatera Barat.

No real person is in here: names are drawn from short lists of common given names, NIKs are
built from the region code, a date of birth and a serial. The data is calibrated to the
province facts in ../shared/data/README.md (79,272 desil-1 families; kab/kota population)
and is as messy as real exports, on purpose: title rows above the header, NIKs stored as
numbers, duplicate family IDs, "Desil 1" strings, codes with and without dots, an older
column layout, xlsx and csv with four delimiters, non-active DTKS rows, families whose
region is known only by name, and a few rows that must be rejected.

Everything is seeded: the same scale and seed give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
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

# Which kab/kota gets which export quirk (all real codes; the quirks are invented).
XLSX_P3KE_KAB = "13.74"  # Kota Padang Panjang: P3KE as xlsx with numeric NIK cells
OLD_LAYOUT_KAB = "13.73"  # Kota Sawahlunto: the older 30-column family layout
AGE_BAND_KAB = "13.77"  # Kota Pariaman: individual file with age-band flags, no "Usia 2023"
XLSX_DTKS_KAB = "13.72"  # Kota Solok: DTKS as xlsx
DELIMITERS = (",", ";", "|", "\t")

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
    "ID Keluarga P3KE", "Dimuktakhirkan Tahun", "Provinsi", "Kabupaten/Kota", "Kecamatan",
    "Desa/Kelurahan", "Kode Kemdagri", "Desil Kesejahteraan", "Persentil", "Alamat",
    "Prioritas Verval", "Nama Kepala Keluarga", "NIK Kepala Keluarga",
    "NIK Kepala Keluarga Padan Kemdagri", "Jenis Kelamin Kepala Keluarga",
    "Tanggal Lahir Kepala Keluarga", "Status Kawin Kepala Keluarga", "Pekerjaan Kepala Keluarga",
    "Status Pekerjaan Kepala Keluarga", "Pendidikan Kepala Keluarga", "Kepemilikan Rumah",
    "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya", "Jenis Atap", "Kualitas Atap",
    "Jenis Dinding", "Kualitas Dinding", "Jenis Lantai", "Kualitas Lantai", "Sumber Penerangan",
    "Daya Listrik Terpasang", "Bahan Bakar Memasak", "Sumber Air Minum",
    "Memiliki fasilitas Buang Air Besar", "Resiko Stunting", "Penerima BPNT", "Penerima BPUM",
    "Penerima BST", "Penerima PKH", "Penerima SEMBAKO", "Penerima Prakerja", "Penerima KUR",
]
P3KE_OLD_COLUMNS = [
    "ID Keluarga P3KE", "Dimuktakhirkan Tahun", "Provinsi", "Kabupaten/Kota", "Kecamatan",
    "Desa/Kelurahan", "Kode Kemdagri", "Desil Kesejahteraan", "Alamat", "Kepala Keluarga", "NIK",
    "Jenis Kelamin", "Tanggal Lahir Kepala Keluarga", "Status Kawin Kepala Keluarga",
    "Pekerjaan Kepala Keluarga", "Pendidikan Kepala Keluarga", "Kepemilikan Rumah",
    "Memiliki Simpanan", "Jenis Atap", "Jenis Dinding", "Jenis Lantai", "Sumber Penerangan",
    "Bahan Bakar Memasak", "Sumber Air Minum", "Memiliki Fasilitas Buang Air Besar",
    "Resiko Stunting", "Penerima BPNT", "Penerima BPUM", "Penerima BST", "Penerima PKH",
    "Penerima SEMBAKO",
]


@dataclass
class DemoFiles:
    keluarga: list[Path] = field(default_factory=list)
    individu: list[Path] = field(default_factory=list)
    dtks: list[Path] = field(default_factory=list)
    # What the generator planted, for tests and the build's sanity check.
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
    return pc.binary_join_element_wise(*[p if isinstance(p, pa.Array) else pa.scalar(p) for p in parts], "")


def _fmt_date(dates: np.ndarray, style: str) -> pa.Array:
    frame = pd.DatetimeIndex(dates)
    fmt = "%Y-%m-%d" if style == "iso" else "%d-%m-%Y"
    return pa.array(frame.strftime(fmt).to_numpy(dtype=object), type=pa.string())


def generate(out_dir: Path, scale: float = 1.0, seed: int = 2023, reference_date: str = config.DEMO_REFERENCE_DATE) -> DemoFiles:
    """Write the demo exports into `out_dir` and return their paths."""
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*"):
        if old.suffix in {".csv", ".xlsx", ".txt"}:
            old.unlink()
    ref = np.datetime64(reference_date)

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
    fam_desa = []
    fam_desil = []
    for k, kab in enumerate(kabs):
        idx = np.flatnonzero(desa["kab"].to_numpy() == kab)
        d1 = rng.multinomial(d1_per_kab[k], d1_weight[idx] / d1_weight[idx].sum())
        ot = rng.multinomial(other_per_kab[k], other_weight[idx] / other_weight[idx].sum())
        fam_desa.append(np.repeat(idx, d1))
        fam_desil.append(np.ones(d1.sum(), dtype=np.int8))
        fam_desa.append(np.repeat(idx, ot))
        fam_desil.append(rng.choice(np.array([2, 3, 4], dtype=np.int8), ot.sum(), p=[0.31, 0.33, 0.36]))
    fam_desa = np.concatenate(fam_desa)
    fam_desil = np.concatenate(fam_desil)
    order = np.lexsort((rng.random(len(fam_desa)), fam_desa))  # families listed by desa, desil mixed
    fam_desa, fam_desil = fam_desa[order], fam_desil[order]
    nf = len(fam_desa)

    kode10 = desa["kode"].str.replace(".", "", regex=False).to_numpy(dtype=object)
    serial = pd.Series(fam_desa).groupby(fam_desa).cumcount().to_numpy() + 1
    fam_id = pa.array([f"P{k}{s:05d}" for k, s in zip(kode10[fam_desa], serial)], type=pa.string())
    d1 = fam_desil == 1

    # Households and members.
    size = 1 + np.minimum(rng.poisson(np.where(d1, 3.1, 3.0)), 11)
    fam_of = np.repeat(np.arange(nf), size)
    pos = np.arange(len(fam_of)) - np.repeat(np.cumsum(size) - size, size)
    nm = len(fam_of)
    head_female = rng.random(nf) < np.where(d1, 0.24, 0.14)
    head_age = np.clip(rng.normal(48, 13, nf), 22, 88).astype(int)
    female = rng.random(nm) < 0.5
    female[pos == 0] = head_female
    spouse = pos == 1
    female[spouse] = ~head_female[fam_of[spouse]]
    age = np.empty(nm, dtype=int)
    age[pos == 0] = head_age
    age[spouse] = np.clip(head_age[fam_of[spouse]] - rng.integers(-2, 8, spouse.sum()), 18, 90)
    child = pos >= 2
    max_child_age = np.clip(head_age[fam_of[child]] - 19, 0, 30)
    age[child] = (rng.random(child.sum()) * (max_child_age + 1)).astype(int)
    elder = child & (rng.random(nm) < 0.06)
    age[elder] = rng.integers(60, 92, elder.sum())
    birth = ref - (age * 365.25).astype("timedelta64[D]") - rng.integers(1, 365, nm).astype("timedelta64[D]")
    birth_pd = pd.DatetimeIndex(birth.astype("datetime64[ns]"))
    age_exact = (ref.astype(object).year - birth_pd.year) - (
        (birth_pd.month > ref.astype(object).month)
        | ((birth_pd.month == ref.astype(object).month) & (birth_pd.day > ref.astype(object).day))
    ).astype(int)

    # NIK: kecamatan of registration (6), birth date with day + 40 for women (6), serial (4).
    region6 = pd.Series(kode10[fam_desa[fam_of]]).str.slice(0, 6).to_numpy(dtype=object)
    day = birth_pd.day.to_numpy() + np.where(female, 40, 0)
    dob6 = np.char.add(np.char.add(np.char.zfill(day.astype(str), 2), np.char.zfill(birth_pd.month.to_numpy().astype(str), 2)),
                       np.char.zfill((birth_pd.year.to_numpy() % 100).astype(str), 2))
    key = pd.Series(region6.astype(str)) + pd.Series(dob6)
    nik_serial = key.groupby(key).cumcount().to_numpy() + 1
    nik = (key + pd.Series(np.char.zfill(nik_serial.astype(str), 4))).to_numpy(dtype=object)

    given = np.where(female, GIVEN_FEMALE[rng.integers(0, len(GIVEN_FEMALE), nm)], GIVEN_MALE[rng.integers(0, len(GIVEN_MALE), nm)])
    person_name = pa.array((pd.Series(given) + " " + pd.Series(SECOND_NAME[rng.integers(0, len(SECOND_NAME), nm)])).to_numpy(dtype=object), type=pa.string())

    # DTKS: coverage of D1 families varies by kecamatan (pockets of exclusion error).
    kec_cover = pd.Series(np.clip(rng.beta(7, 2, len(kec_codes)), 0.25, 0.97), index=kec_codes)
    p_dtks = np.select(
        [fam_desil == 1, fam_desil == 2, fam_desil == 3],
        [kec_cover.loc[desa["kec"].to_numpy()[fam_desa]].to_numpy(), np.full(nf, 0.62), np.full(nf, 0.45)],
        0.30,
    )
    in_dtks = rng.random(nf) < p_dtks
    kab_of_fam = desa["kab"].to_numpy()[fam_desa]
    kab_aid = pd.Series(rng.uniform(0.62, 0.9, len(kabs)), index=kabs).loc[kab_of_fam].to_numpy()
    any_aid = in_dtks & (rng.random(nf) < np.where(d1, kab_aid, kab_aid * 0.6))
    pkh = any_aid & (rng.random(nf) < 0.55)
    sembako = any_aid & (rng.random(nf) < 0.7)
    pbi = any_aid & ((rng.random(nf) < 0.8) | ~(pkh | sembako))

    files = DemoFiles()
    files.expected = {"kk_total": nf, "kk_desil_1": int(d1.sum()), "jiwa_total": nm}

    # ---------------------------------------------------------------- P3KE family files
    def cat(values, p=None):
        return _pick(rng, values, nf, p)

    desil_text = pa.array(fam_desil.astype(str))
    desil_labelled = _join("Desil ", desil_text)
    use_label = rng.random(nf) < 0.3
    dotted = pa.array(desa["kode"].to_numpy(dtype=object)[fam_desa], type=pa.string())
    plain = pa.array(kode10[fam_desa], type=pa.string())
    code_col = pc.if_else(pa.array(rng.random(nf) < 0.4), dotted, plain)
    kab_name = pa.array(names.loc[desa["kab"]].str.upper().to_numpy(dtype=object)[fam_desa], type=pa.string())
    kec_name = pa.array(names.loc[desa["kec"]].str.upper().to_numpy(dtype=object)[fam_desa], type=pa.string())
    desa_name = pa.array(desa["nama"].str.upper().to_numpy(dtype=object)[fam_desa], type=pa.string())

    # Families whose code was mangled in the export: only their names place them.
    unique_names = ~desa.duplicated(["kec", "nama"], keep=False).to_numpy()
    polygon_ok = unique_names[fam_desa]
    by_name = (rng.random(nf) < 0.001) & polygon_ok
    code_col = pc.if_else(pa.array(by_name), _join(pc.utf8_slice_codeunits(plain, 0, 6), "99"), code_col)
    files.expected["kk_dicocokkan_nama"] = int(by_name.sum())

    head_idx = np.cumsum(size) - size
    head_nik_text = pa.array(nik[head_idx], type=pa.string())
    head_birth = _fmt_date(birth[head_idx], "iso")
    floor = cat(["TANAH", "SEMEN", "KAYU/PAPAN", "KERAMIK/MARMER/GRANIT", "BAMBU"], [0.12, 0.38, 0.25, 0.2, 0.05])
    p_bad = np.where(d1, 0.35, 0.12)
    quality = lambda: pc.if_else(pa.array(rng.random(nf) < p_bad), "JELEK/KUALITAS RENDAH", "BAGUS/KUALITAS TINGGI")  # noqa: E731
    water = cat(["LEDENG/PAM", "SUMUR BOR", "SUMUR TERLINDUNG", "SUMUR TIDAK TERLINDUNG", "AIR HUJAN",
                 "AIR PERMUKAAN (SUNGAI/DANAU/WADUK/KOLAM/IRIGASI)", "AIR KEMASAN/ISI ULANG", "LAINNYA"],
                [0.22, 0.14, 0.22, 0.12, 0.03, 0.09, 0.15, 0.03])
    toilet = cat(["MILIK SENDIRI", "UMUM/BERSAMA", "KOSONG", "LAINNYA"], [0.62, 0.18, 0.15, 0.05])
    stunting = cat(["BERESIKO STUNTING", "TIDAK BERESIKO STUNTING", "BUKAN TARGET SASARAN"], [0.22, 0.48, 0.30])
    bpnt_col = sembako & (rng.random(nf) < 0.5)
    p3ke_pkh = (pkh & (rng.random(nf) > 0.03)) | (~in_dtks & (rng.random(nf) < 0.02))
    alamat = _join("JORONG ", _pick(rng, JORONG, nf), ", RT 00", pa.array(rng.integers(1, 9, nf).astype(str)))

    family = {
        "ID Keluarga P3KE": fam_id,
        "Dimuktakhirkan Tahun": pa.array(np.full(nf, "2022"), type=pa.string()),
        "Provinsi": pa.array(np.full(nf, "SUMATERA BARAT"), type=pa.string()),
        "Kabupaten/Kota": kab_name,
        "Kecamatan": kec_name,
        "Desa/Kelurahan": desa_name,
        "Kode Kemdagri": code_col,
        "Desil Kesejahteraan": pc.if_else(pa.array(use_label), desil_labelled, desil_text),
        "Persentil": pa.array((fam_desil.astype(int) * 10 - rng.integers(0, 10, nf)).astype(str)),
        "Alamat": alamat,
        "Prioritas Verval": cat(["NORMAL", "KELUARGA TIDAK ADA USIA 17+ TAHUN"], [0.98, 0.02]),
        "Nama Kepala Keluarga": pc.take(person_name, pa.array(head_idx)),
        "NIK Kepala Keluarga": head_nik_text,
        "NIK Kepala Keluarga Padan Kemdagri": head_nik_text,
        "Jenis Kelamin Kepala Keluarga": pc.if_else(pa.array(head_female), "PEREMPUAN", "LAKI-LAKI"),
        "Tanggal Lahir Kepala Keluarga": head_birth,
        "Status Kawin Kepala Keluarga": cat(["KAWIN", "CERAI HIDUP", "CERAI MATI", "BELUM KAWIN"], [0.78, 0.06, 0.12, 0.04]),
        "Pekerjaan Kepala Keluarga": cat(["PETANI", "NELAYAN", "BURUH", "PEDAGANG", "TIDAK BEKERJA", "LAINNYA"], [0.38, 0.06, 0.24, 0.12, 0.1, 0.1]),
        "Status Pekerjaan Kepala Keluarga": cat(["BERUSAHA SENDIRI", "BURUH/KARYAWAN", "PEKERJA BEBAS", "TIDAK BEKERJA"]),
        "Pendidikan Kepala Keluarga": cat(["TIDAK/BELUM SEKOLAH", "SD/SEDERAJAT", "SMP/SEDERAJAT", "SMA/SEDERAJAT", "PERGURUAN TINGGI"], [0.12, 0.42, 0.22, 0.2, 0.04]),
        "Kepemilikan Rumah": cat(["MILIK SENDIRI", "KONTRAK/SEWA", "BEBAS SEWA/MENUMPANG", "DINAS", "LAINNYA"], [0.7, 0.08, 0.18, 0.01, 0.03]),
        "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya": cat(["Ya", "Tidak"], [0.2, 0.8]),
        "Jenis Atap": cat(["SENG", "GENTENG", "IJUK/RUMBIA", "ASBES", "LAINNYA"], [0.72, 0.08, 0.06, 0.1, 0.04]),
        "Kualitas Atap": quality(),
        "Jenis Dinding": cat(["TEMBOK", "KAYU/PAPAN", "BAMBU", "LAINNYA"], [0.45, 0.4, 0.1, 0.05]),
        "Kualitas Dinding": quality(),
        "Jenis Lantai": floor,
        "Kualitas Lantai": quality(),
        "Sumber Penerangan": cat(["LISTRIK PLN", "LISTRIK NON PLN", "BUKAN LISTRIK"], [0.9, 0.06, 0.04]),
        "Daya Listrik Terpasang": cat(["=<900 WATT", ">900 WATT", "KOSONG"], [0.7, 0.15, 0.15]),
        "Bahan Bakar Memasak": cat(["GAS 3 KG", "KAYU BAKAR", "MINYAK TANAH", "LAINNYA"], [0.55, 0.38, 0.04, 0.03]),
        "Sumber Air Minum": water,
        "Memiliki fasilitas Buang Air Besar": toilet,
        "Resiko Stunting": stunting,
        "Penerima BPNT": _ya_tidak(bpnt_col),
        "Penerima BPUM": _ya_tidak(rng.random(nf) < 0.03),
        "Penerima BST": _ya_tidak(rng.random(nf) < 0.1),
        "Penerima PKH": _ya_tidak(p3ke_pkh),
        "Penerima SEMBAKO": _ya_tidak(sembako & ~bpnt_col),
        "Penerima Prakerja": _ya_tidak(rng.random(nf) < 0.01),
        "Penerima KUR": _ya_tidak(rng.random(nf) < 0.02),
    }
    family_table = pa.table(family)

    # ---------------------------------------------------------------- P3KE individual files
    member_nik = pa.array(nik, type=pa.string())
    age_band = np.select([age_exact < 6, age_exact < 13, age_exact < 16, age_exact < 19, age_exact < 60],
                         ["<5", "6-12", "13-15", "16-18", "19-59"], "60+")
    relation = np.where(pos == 0, "KEPALA KELUARGA", np.where(pos == 1, "ISTRI/SUAMI", np.where(elder, "ORANG TUA", "ANAK")))
    fam_of_pa = pa.array(fam_of)
    member = {
        "ID Keluarga P3KE": pc.take(fam_id, fam_of_pa),
        "Dimuktakhirkan Tahun": pa.array(np.full(nm, "2022"), type=pa.string()),
        "Kode Kemdagri": pc.take(plain, fam_of_pa),
        "Desil Kesejahteraan": pc.take(desil_text, fam_of_pa),
        "Persentil": pc.take(family["Persentil"], fam_of_pa),
        "Alamat": pc.take(alamat, fam_of_pa),
        "ID Individu": _join(pc.take(fam_id, fam_of_pa), "-", pa.array(np.char.zfill((pos + 1).astype(str), 2))),
        "Prioritas Verval": pa.array(np.full(nm, "NORMAL"), type=pa.string()),
        "Nama": person_name,
        "NIK": member_nik,
        "Tanggal Lahir": _fmt_date(birth, "iso"),
        "Padan Dukcapil": _pick(rng, ["PADAN", "TIDAK PADAN", "KOSONG"], nm, [0.93, 0.05, 0.02]),
        "Jenis Kelamin": pc.if_else(pa.array(female), "PEREMPUAN", "LAKI-LAKI"),
        "Hubungan dengan Kepala Keluarga": pa.array(relation.astype(object), type=pa.string()),
        "Status Kawin": pa.array(np.where(pos <= 1, "KAWIN", "BELUM KAWIN").astype(object), type=pa.string()),
        "Pekerjaan": pa.array(np.where(age_exact < 15, "BELUM/TIDAK BEKERJA", "PETANI").astype(object), type=pa.string()),
        "Status Pekerjaan": pa.array(np.where(age_exact < 15, "TIDAK BEKERJA", "BERUSAHA SENDIRI").astype(object), type=pa.string()),
        "Pendidikan": _pick(rng, ["SD/SEDERAJAT", "SMP/SEDERAJAT", "SMA/SEDERAJAT"], nm),
        "Usia 2023": pa.array(age_exact.astype(str)),
        "Kelompok Usia 2023": pa.array(age_band.astype(object), type=pa.string()),
        "Penerima BPNT": pc.take(family["Penerima BPNT"], fam_of_pa),
        "Penerima PKH": pc.take(family["Penerima PKH"], fam_of_pa),
        "Penerima SEMBAKO": pc.take(family["Penerima SEMBAKO"], fam_of_pa),
    }
    member_table = pa.table(member)

    # ---------------------------------------------------------------- DTKS person records
    keep_member = np.repeat(in_dtks, size) & (rng.random(nm) > 0.04)  # some members never registered
    m_idx = np.flatnonzero(keep_member)
    n_extra = max(0, int(round(FULL_DTKS_ROWS * scale)) - len(m_idx))
    # Non-P3KE people in DTKS: serials from 5001 up never collide with the P3KE members'.
    extra_desa = rng.integers(0, len(desa), n_extra)
    extra_birth = ref - rng.integers(365, 365 * 85, n_extra).astype("timedelta64[D]")
    extra_female = rng.random(n_extra) < 0.5
    eb = pd.DatetimeIndex(extra_birth.astype("datetime64[ns]"))
    extra_key = (
        pd.Series(kode10[extra_desa]).str.slice(0, 6)
        + pd.Series(np.char.zfill((eb.day.to_numpy() + np.where(extra_female, 40, 0)).astype(str), 2))
        + pd.Series(np.char.zfill(eb.month.to_numpy().astype(str), 2))
        + pd.Series(np.char.zfill((eb.year.to_numpy() % 100).astype(str), 2))
    )
    extra_nik = (extra_key + pd.Series(np.char.zfill((5001 + extra_key.groupby(extra_key).cumcount().to_numpy()).astype(str), 4))).to_numpy(dtype=object)
    extra_any = rng.random(n_extra) < 0.45
    d_fam = fam_of[m_idx]
    dtks_desa = np.concatenate([fam_desa[d_fam], extra_desa])
    n_dtks = len(dtks_desa)
    d_pkh = np.concatenate([pkh[d_fam], extra_any & (rng.random(n_extra) < 0.4)])
    d_sembako = np.concatenate([sembako[d_fam], extra_any & (rng.random(n_extra) < 0.6)])
    d_pbi = np.concatenate([pbi[d_fam], extra_any & (rng.random(n_extra) < 0.8)])
    d_nik = np.concatenate([nik[m_idx], extra_nik])
    d_birth = np.concatenate([birth[m_idx], extra_birth])
    d_female = np.concatenate([female[m_idx], extra_female])
    d_name = pa.concat_arrays([pc.take(person_name, pa.array(m_idx)),
                               pa.array((pd.Series(np.where(extra_female, GIVEN_FEMALE[rng.integers(0, len(GIVEN_FEMALE), n_extra)], GIVEN_MALE[rng.integers(0, len(GIVEN_MALE), n_extra)])) + " " + pd.Series(SECOND_NAME[rng.integers(0, len(SECOND_NAME), n_extra)])).to_numpy(dtype=object), type=pa.string())])
    nonaktif = rng.random(n_dtks) < 0.025
    meninggal = ~nonaktif & (rng.random(n_dtks) < 0.008)
    d_kk = np.concatenate([pc.take(plain, pa.array(d_fam)).to_numpy(zero_copy_only=False), kode10[extra_desa]]).astype(object)
    dtks_nik_text = pa.array(d_nik, type=pa.string())
    files.expected["dtks_rows"] = n_dtks

    # ---------------------------------------------------------------- messiness and writing
    n_written = {"keluarga_dup": 0, "keluarga_bad_region": 0, "keluarga_bad_desil": 0, "individu_orphan": 0,
                 "individu_of_rejected": 0, "dtks_bad_nik": 0}
    fam_kab_arr = kab_of_fam
    mem_kab_arr = kab_of_fam[fam_of]
    dtks_kab_arr = desa["kab"].to_numpy()[dtks_desa]
    for k, kab in enumerate(kabs):
        slug = names.loc[kab].lower().replace("kabupaten ", "kab_").replace("kota ", "kota_").replace(" ", "_")
        fidx = np.flatnonzero(fam_kab_arr == kab)
        midx = np.flatnonzero(mem_kab_arr == kab)
        didx = np.flatnonzero(dtks_kab_arr == kab)
        ftab = family_table.take(pa.array(fidx))
        mtab = member_table.take(pa.array(midx))
        # Duplicate family rows (the same family exported twice).
        dups = rng.choice(len(fidx), size=max(1, int(len(fidx) * 0.0025)), replace=False) if len(fidx) else np.array([], int)
        n_written["keluarga_dup"] += len(dups)
        # Rows that must be rejected: a region from another province, and an invalid desil.
        bad_region = _bad_family_rows(ftab, rng, 2, kind="region", tag=f"{k:02d}")
        bad_desil = _bad_family_rows(ftab, rng, 1, kind="desil", tag=f"{k:02d}")
        n_written["keluarga_bad_region"] += bad_region.num_rows
        n_written["keluarga_bad_desil"] += bad_desil.num_rows
        ftab = pa.concat_tables([ftab, ftab.take(pa.array(np.sort(dups))), bad_region, bad_desil])
        # Members of the rejected families, and members whose family ID is unknown.
        orphans = _orphan_members(mtab, bad_region, rng, tag=f"{k:02d}")
        n_written["individu_of_rejected"] += bad_region.num_rows
        n_written["individu_orphan"] += orphans.num_rows - bad_region.num_rows
        mtab = pa.concat_tables([mtab, orphans])
        xlsx_p3ke = kab == XLSX_P3KE_KAB
        if not xlsx_p3ke:
            ftab = ftab.set_column(ftab.schema.get_field_index("NIK Kepala Keluarga"), "NIK Kepala Keluarga",
                                   _mess_nik(ftab["NIK Kepala Keluarga"].combine_chunks(), rng))
            mtab = mtab.set_column(mtab.schema.get_field_index("NIK"), "NIK", _mess_nik(mtab["NIK"].combine_chunks(), rng))
        if kab == OLD_LAYOUT_KAB:
            ftab = ftab.rename_columns([{"Nama Kepala Keluarga": "Kepala Keluarga", "NIK Kepala Keluarga": "NIK",
                                         "Jenis Kelamin Kepala Keluarga": "Jenis Kelamin",
                                         "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya": "Memiliki Simpanan",
                                         "Memiliki fasilitas Buang Air Besar": "Memiliki Fasilitas Buang Air Besar"}.get(c, c)
                                        for c in ftab.column_names]).select(P3KE_OLD_COLUMNS)
        if kab == AGE_BAND_KAB:
            age_num = pc.cast(mtab["Usia 2023"], pa.int32())
            bands = [("Usia dibawah 7 tahun", 0, 6), ("Usia 7-12", 7, 12), ("Usia 13-15", 13, 15), ("Usia 16-18", 16, 18),
                     ("Usia 19-21", 19, 21), ("Usia 22-59", 22, 59), ("Usia 60 tahun keatas", 60, 200)]
            mtab = mtab.drop_columns(["Usia 2023", "Kelompok Usia 2023"]).rename_columns(
                ["Kode Kemendagri" if c == "Kode Kemdagri" else c for c in mtab.drop_columns(["Usia 2023", "Kelompok Usia 2023"]).column_names])
            for label, lo, hi in bands:
                mtab = mtab.append_column(label, pc.if_else(pc.and_(pc.greater_equal(age_num, lo), pc.less_equal(age_num, hi)), "1", "0"))
            # Dates written day first in this export.
            dates = pc.strptime(mtab["Tanggal Lahir"], "%Y-%m-%d", "s")
            mtab = mtab.set_column(mtab.schema.get_field_index("Tanggal Lahir"), "Tanggal Lahir", pc.strftime(dates, "%d-%m-%Y"))
        title = [f"DATA KELUARGA P3KE {names.loc[kab].upper()}", "Sumber: Kemenko PMK (data sintetis untuk demo Kantong)",
                 "Dicetak: 2023-08-01"][: 1 + k % 3]
        if xlsx_p3ke:
            files.keluarga.append(_write_xlsx(out_dir / f"p3ke_keluarga_{slug}.xlsx", ftab, title, nik_cols=("NIK Kepala Keluarga",), rng=rng))
            files.individu.append(_write_xlsx(out_dir / f"p3ke_individu_{slug}.xlsx", mtab, title, nik_cols=("NIK",), rng=rng))
        else:
            files.keluarga.append(_write_csv(out_dir / f"p3ke_keluarga_{slug}.csv", ftab, title + [""], ","))
            files.individu.append(_write_csv(out_dir / f"p3ke_individu_{slug}.csv", mtab, title, ","))

        # DTKS file: two layouts, four delimiters.
        dt_nik = pc.take(dtks_nik_text, pa.array(didx))
        bad_nik = rng.random(len(didx)) < 0.003
        dt_nik_messy = pc.if_else(pa.array(bad_nik), _join(pc.utf8_slice_codeunits(dt_nik, 0, 1), ".", pc.utf8_slice_codeunits(dt_nik, 1, 5), "E+15"), dt_nik)
        n_written["dtks_bad_nik"] += int(bad_nik.sum()) if kab != XLSX_DTKS_KAB else 0
        flags = lambda arr: pc.if_else(pa.array(arr[didx]), "1", "0")  # noqa: E731
        yt = lambda arr: _ya_tidak(arr[didx])  # noqa: E731
        n = len(didx)
        common = {
            "ID DTKS": pa.array([f"DTKS{kab.replace('.', '')}{i:08d}" for i in range(n)], type=pa.string()),
            "Alamat": _join("JORONG ", _pick(rng, JORONG, n)),
            "Nokk": pa.array(d_kk[didx], type=pa.string()),
            "Nik": dt_nik_messy if kab != XLSX_DTKS_KAB else dt_nik,
            "Nama": pc.take(d_name, pa.array(didx)),
            "Tanggal_Lahir": _fmt_date(d_birth[didx], "iso"),
            "Jenis_Kelamin": pc.if_else(pa.array(d_female[didx]), "PEREMPUAN", "LAKI-LAKI"),
        }
        if k % 2 == 0:
            dtab = pa.table({
                **common,
                "Dusun": _pick(rng, JORONG, n), "RT": pa.array(rng.integers(1, 9, n).astype(str)),
                "Hub_Keluarga": _pick(rng, ["KEPALA KELUARGA", "ISTRI", "ANAK", "LAINNYA"], n),
                "Keterangan_padan": _pick(rng, ["PADAN DUKCAPIL", "BELUM PADAN"], n, [0.95, 0.05]),
                "Bansos_Bpnt": yt(d_sembako), "Bansos_Pkh": yt(d_pkh), "Bansos_Bpnt_Ppkm": yt(d_sembako & False),
                "Pbi_Jkn": yt(d_pbi),
                "Status": pc.if_else(pa.array((nonaktif | meninggal)[didx]), "NONAKTIF", "AKTIF"),
            })
        else:
            dtab = pa.table({
                **common,
                "PKH": flags(d_pkh), "BPNT": flags(d_sembako), "PBI": flags(d_pbi),
                "BST": flags(rng.random(n_dtks) < 0.05), "BLT": flags(rng.random(n_dtks) < 0.05),
                "SEMBAKO_ADAPTIF": flags(np.zeros(n_dtks, bool)), "RUTILAHU": flags(rng.random(n_dtks) < 0.01),
                "is_nonaktif": pc.if_else(pa.array(nonaktif[didx]), "true", "false"),
                "keterangan_disabilitas": pa.nulls(n, pa.string()),
                "keterangan_meninggal": pc.if_else(pa.array(meninggal[didx]), "MENINGGAL", pa.scalar(None, pa.string())),
                "Kabupaten/Kota": pa.array(np.full(n, names.loc[kab].upper()), type=pa.string()),
            })
        if kab == XLSX_DTKS_KAB:
            files.dtks.append(_write_xlsx(out_dir / f"dtks_{slug}.xlsx", dtab, [], nik_cols=(), rng=rng))
        else:
            files.dtks.append(_write_csv(out_dir / f"dtks_{slug}.csv", dtab, [], DELIMITERS[k % 4]))
    files.expected.update(n_written)
    files.expected["dtks_nonaktif"] = int((nonaktif | meninggal).sum())
    (out_dir / "BACA.txt").write_text(
        "Data demo Kantong: sepenuhnya sintetis (tidak ada orang sungguhan), dibuat oleh `python -m etl demo`.\n",
        encoding="utf-8",
    )
    return files


def _mess_nik(col: pa.Array, rng: np.random.Generator) -> pa.Array:
    """What Excel and hand editing do to NIKs in csv exports."""
    n = len(col)
    r = rng.random(n)
    sci = _join(pc.utf8_slice_codeunits(col, 0, 1), ".", pc.utf8_slice_codeunits(col, 1, 5), "E+15")
    out = pc.if_else(pa.array(r < 0.004), sci, col)  # saved as a number, shown in scientific notation
    out = pc.if_else(pa.array((r >= 0.004) & (r < 0.014)), _join("'", col), out)  # leading apostrophe: still valid
    out = pc.if_else(pa.array((r >= 0.014) & (r < 0.017)), pa.scalar(None, pa.string()), out)  # empty
    out = pc.if_else(pa.array((r >= 0.017) & (r < 0.018)), pc.utf8_slice_codeunits(col, 0, 15), out)  # a digit lost
    return out


def _bad_family_rows(ftab: pa.Table, rng, n: int, kind: str, tag: str) -> pa.Table:
    if ftab.num_rows == 0:
        return ftab.slice(0, 0)
    rows = ftab.take(pa.array(rng.choice(ftab.num_rows, n, replace=False))).to_pylist()
    for i, row in enumerate(rows):
        row["ID Keluarga P3KE"] = f"X{kind[0].upper()}{tag}{i:03d}"
        if kind == "region":  # a family of another province, mixed into this export
            row.update({"Kode Kemdagri": "1201012001", "Kabupaten/Kota": "KABUPATEN NIAS",
                        "Kecamatan": "IDANOGAWO", "Desa/Kelurahan": "TETEHOSI"})
        else:
            row["Desil Kesejahteraan"] = "Desil 5"
    return pa.Table.from_pylist(rows, schema=ftab.schema)


def _orphan_members(mtab: pa.Table, rejected_families: pa.Table, rng, tag: str) -> pa.Table:
    """One member for each rejected family, and one member with an ID nobody has."""
    if mtab.num_rows == 0:
        return mtab.slice(0, 0)
    ids = rejected_families["ID Keluarga P3KE"].to_pylist() + [f"XO{tag}000"]
    rows = mtab.take(pa.array(rng.choice(mtab.num_rows, len(ids), replace=False))).to_pylist()
    for i, (row, fam) in enumerate(zip(rows, ids)):
        row["ID Keluarga P3KE"] = fam
        row["ID Individu"] = f"{fam}-{i:02d}"
    return pa.Table.from_pylist(rows, schema=mtab.schema)


def _write_csv(path: Path, table: pa.Table, title: list[str], delimiter: str) -> Path:
    with path.open("wb") as fh:
        for line in title:
            fh.write((line + "\n").encode("utf-8"))
        pacsv.write_csv(table, fh, write_options=pacsv.WriteOptions(delimiter=delimiter, quoting_style="needed"))
    return path


def _write_xlsx(path: Path, table: pa.Table, title: list[str], nik_cols: tuple[str, ...], rng) -> Path:
    """An Excel export as offices make them: title rows, some NIK cells typed as numbers."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    book.set_properties({"created": dt.datetime(2023, 8, 1)})  # fixed, so the same seed gives the same bytes
    sheet = book.add_worksheet("Data")
    bold = book.add_format({"bold": True})
    for r, line in enumerate(title):
        sheet.write_string(r, 0, line, bold)
    start = len(title) + (1 if title else 0)
    cols = table.column_names
    for c, name in enumerate(cols):
        sheet.write_string(start, c, name, bold)
    columns = [table[c].to_pylist() for c in cols]
    as_number = {c: rng.random(table.num_rows) < 0.03 for c in nik_cols}
    for i in range(table.num_rows):
        row = start + 1 + i
        for c, name in enumerate(cols):
            v = columns[c][i]
            if v is None:
                continue
            if name in as_number and as_number[name][i] and v.isdigit():
                sheet.write_number(row, c, float(v))  # Excel keeps 15 significant digits
            else:
                sheet.write_string(row, c, v)
    book.close()
    return path
