"""Place every family in a desa/nagari/kelurahan: by code first, by names as a reported fallback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from etl.boundaries import PreparedLayer, normalise_code
from etl.duck import registered, temp_table
from etl.errors import InputError
from etl.read import REJECT_SCHEMA

# Kemendagri province codes (Permendagri 58/2021 and the 2022 Papua splits).
PROVINSI = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

CARA_KODE = "kode"
CARA_KODE_TANPA_POLIGON = "kode_tanpa_poligon"
CARA_NAMA = "nama"
# The column a region reject names (the family file's region code).
KOLOM_KODE = "Kode Kemdagri"


def name_key(value: object, level: str) -> str:
    """Case-, spacing- and punctuation-insensitive key; the region-type word is dropped
    (but for kab/kota it is kept apart, since Kab. Solok and Kota Solok differ)."""
    if value is None or pd.isna(value):
        return ""
    text = re.sub(r"[^0-9A-Z]+", " ", str(value).upper()).strip()
    prefixes = {
        "desa": r"^(NAGARI|DESA|KELURAHAN|KEL|KAMPUNG|GAMPONG)\s+",
        "kecamatan": r"^(KECAMATAN|KEC)\s+",
        "kabkota": r"^(KABUPATEN|KAB|KOTA ADMINISTRASI|KOTA)\s+",
    }
    text = re.sub(prefixes[level], "", text)
    return re.sub(r"\s+", "", text)


def kab_type(value: object) -> str:
    if value is None or pd.isna(value):  # a layer dissolved from desa alone has no kab/kota names
        return ""
    text = re.sub(r"[^A-Z ]+", " ", str(value).upper()).strip()
    if text.startswith("KOTA"):
        return "KOTA"
    if text.startswith("KAB"):
        return "KAB"
    return ""


@dataclass
class RegionReference:
    desa: pd.DataFrame  # kode, nama, punya_poligon
    kecamatan: pd.DataFrame  # kode, nama, punya_poligon
    kabkota: pd.DataFrame  # kode, nama, punya_poligon
    provinsi: pd.DataFrame  # kode, nama
    # Every spelling known for a code (boundary file and code list), for name matching.
    aliases: pd.DataFrame | None = None  # tingkat, kode, nama

    def names_of(self, level: str) -> pd.DataFrame:
        own = getattr(self, level)[["kode", "nama"]]
        if self.aliases is None:
            return own
        extra = self.aliases.loc[self.aliases["tingkat"] == level, ["kode", "nama"]]
        return pd.concat([own, extra]).dropna().drop_duplicates(ignore_index=True)


def read_code_list(path: str | Path) -> pd.DataFrame:
    """The official code list (`kode,nama,tingkat`), e.g. 13_kode_wilayah.csv."""
    path = Path(path)
    frame = pd.read_csv(path, dtype="string")
    missing = [c for c in ("kode", "nama") if c not in frame.columns]
    if missing:
        raise InputError(path.name, "kolom wajib tidak ditemukan", kolom=missing[0])
    frame["kode"] = frame["kode"].map(normalise_code).astype("string")
    return frame.dropna(subset=["kode"])


def build_reference(layers: dict[str, PreparedLayer], code_list: pd.DataFrame | None = None) -> RegionReference:
    levels: dict[str, pd.DataFrame] = {}
    aliases = []
    for level, digits in (("desa", 13), ("kecamatan", 8), ("kabkota", 5)):
        frame = pd.DataFrame(
            {
                "kode": layers[level].attributes["kode"].astype("string"),
                "nama": layers[level].attributes["nama"].astype("string"),
            }
        )
        frame["punya_poligon"] = True
        if code_list is not None:
            # The official list's spelling wins for display ("IV Jurai", not "Iv Jurai");
            # the boundary file's spelling stays usable for matching names.
            aliases.append(frame[["kode", "nama"]].assign(tingkat=level))
            listed = code_list[code_list["kode"].str.len() == digits][["kode", "nama"]]
            frame = frame.merge(listed.rename(columns={"nama": "nama_daftar"}), on="kode", how="outer")
            frame["nama"] = frame["nama_daftar"].fillna(frame["nama"])
            frame["punya_poligon"] = frame["punya_poligon"].fillna(False).astype(bool)
            frame = frame.drop(columns="nama_daftar")
        levels[level] = frame.sort_values("kode", ignore_index=True)
    prov_codes = sorted(set(levels["kabkota"]["kode"].str.slice(0, 2)) | set(levels["desa"]["kode"].str.slice(0, 2)))
    prov_names = [PROVINSI.get(c, f"Provinsi {c}") for c in prov_codes]
    levels["provinsi"] = pd.DataFrame({"kode": prov_codes, "nama": prov_names}, dtype="string")
    if code_list is not None:
        named = code_list[code_list["kode"].str.len() == 2].set_index("kode")["nama"]
        levels["provinsi"]["nama"] = levels["provinsi"]["kode"].map(named).fillna(levels["provinsi"]["nama"])
    return RegionReference(**levels, aliases=pd.concat(aliases, ignore_index=True) if aliases else None)


def load_reference(layers: dict[str, PreparedLayer], kode_wilayah: Path | None) -> RegionReference:
    """The reference from the prepared boundaries and, when given, the official code list."""
    code_list = read_code_list(kode_wilayah) if kode_wilayah else None
    return build_reference(layers, code_list)


def resolve(keys: pd.DataFrame, ref: RegionReference) -> pd.DataFrame:
    """Resolve distinct region keys.

    `keys` has kode_desa_data (dotted or null), kode_asli, nama_kabkota, nama_kecamatan,
    nama_desa. Returns the same rows with kode_desa, cara (kode / kode_tanpa_poligon /
    nama) and alasan (the rejection reason, where kode_desa is null).
    """
    out = keys.copy()
    desa_codes = set(ref.desa["kode"])
    polygon_codes = set(ref.desa.loc[ref.desa["punya_poligon"], "kode"])
    kec_codes = set(ref.kecamatan["kode"])

    # Name lookups: kab key -> codes; (kab code, kec key) -> codes; (kec code, desa key) -> codes
    kab_by_name: dict[str, list[tuple[str, str]]] = {}
    kab_names, kec_names, desa_names = (ref.names_of(lvl) for lvl in ("kabkota", "kecamatan", "desa"))
    for kode, nama in zip(kab_names["kode"], kab_names["nama"], strict=True):
        kab_by_name.setdefault(name_key(nama, "kabkota"), []).append((kab_type(nama), kode))
    kec_by_name: dict[tuple[str, str], list[str]] = {}
    for kode, nama in zip(kec_names["kode"], kec_names["nama"], strict=True):
        kec_by_name.setdefault((kode[:5], name_key(nama, "kecamatan")), []).append(kode)
    desa_by_name: dict[tuple[str, str], list[str]] = {}
    for kode, nama in zip(desa_names["kode"], desa_names["nama"], strict=True):
        desa_by_name.setdefault((kode[:8], name_key(nama, "desa")), []).append(kode)

    kode_desa, cara, alasan = [], [], []
    for row in out.itertuples(index=False):
        code = row.kode_desa_data if isinstance(row.kode_desa_data, str) else None
        if code and code in desa_codes and code in polygon_codes:
            kode_desa.append(code), cara.append(CARA_KODE), alasan.append(None)
            continue
        if code and (code in desa_codes or code[:8] in kec_codes):
            kode_desa.append(code), cara.append(CARA_KODE_TANPA_POLIGON), alasan.append(None)
            continue
        found, why = _by_name(row, kab_by_name, kec_by_name, desa_by_name)
        if found:
            kode_desa.append(found), cara.append(CARA_NAMA), alasan.append(None)
        else:
            what = f"kode wilayah tidak dikenal ('{row.kode_asli}')" if row.kode_asli else "kode wilayah kosong"
            kode_desa.append(None), cara.append(None), alasan.append(f"{what}; {why}")
    out["kode_desa"] = pd.array(kode_desa, dtype="string")
    out["cara"] = pd.array(cara, dtype="string")
    out["alasan"] = pd.array(alasan, dtype="string")
    return out


def _by_name(row, kab_by_name, kec_by_name, desa_by_name) -> tuple[str | None, str]:
    if not all(isinstance(name, str) for name in (row.nama_kabkota, row.nama_kecamatan, row.nama_desa)):
        return None, "nama kabupaten/kota, kecamatan dan desa tidak lengkap untuk dicocokkan"
    wanted = kab_type(row.nama_kabkota)
    # "Kab. Solok" must not match "Kota Solok"; a name without a type word matches either,
    # and so does a reference name without one (BIG's WADMKK is the bare name).
    kabs = [
        code
        for typ, code in kab_by_name.get(name_key(row.nama_kabkota, "kabkota"), [])
        if not wanted or not typ or typ == wanted
    ]
    if len(set(kabs)) != 1:
        return None, f"kabupaten/kota '{row.nama_kabkota}' {'ambigu' if kabs else 'tidak ditemukan'}"
    kecs = sorted(set(kec_by_name.get((kabs[0], name_key(row.nama_kecamatan, "kecamatan")), [])))
    if len(kecs) != 1:
        return None, f"kecamatan '{row.nama_kecamatan}' {'ambigu' if kecs else 'tidak ditemukan'} di {row.nama_kabkota}"
    desas = sorted(set(desa_by_name.get((kecs[0], name_key(row.nama_desa, "desa")), [])))
    if len(desas) != 1:
        return None, f"desa '{row.nama_desa}' {'ambigu' if desas else 'tidak ditemukan'} di Kec. {row.nama_kecamatan}"
    return desas[0], ""


# The columns that say where a family row claims to live.
KEY_COLUMNS = ("kode_desa_data", "kode_asli", "nama_kabkota", "nama_kecamatan", "nama_desa")


@dataclass(frozen=True)
class Placement:
    """What placing the families found, for the rejects and the report."""

    rejects: pa.Table  # rows without a desa (REJECT_SCHEMA), column KOLOM_KODE
    by_name: pd.DataFrame  # kode_asli, names, kode_desa, kk: rows placed by their names
    data_names: pd.DataFrame  # kode, nama: the data's name for a desa the boundaries lack


def place_families(
    con: duckdb.DuckDBPyConnection, keluarga: pa.Table, berkas: pa.Table, ref: RegionReference
) -> tuple[pa.Table, Placement]:
    """Place every family row in a desa: each distinct (code, names) key is resolved once,
    then joined back. Returns the rows with a desa (kode_desa and cara added) and the placement."""
    with registered(con, kel=keluarga, berkas=berkas):
        keys = con.sql(f"SELECT DISTINCT {', '.join(KEY_COLUMNS)} FROM kel").df()
        resolved = resolve(keys, ref)
        on = " AND ".join(f"kel.{c} IS NOT DISTINCT FROM r.{c}" for c in KEY_COLUMNS)
        joined = f"SELECT kel.*, r.kode_desa, r.cara, r.alasan FROM kel JOIN resolved r ON {on}"
        with registered(con, resolved=resolved), temp_table(con, "kel_r", joined):
            placement = Placement(
                rejects=_region_rejects(con),
                by_name=con.sql(
                    f"""SELECT kode_asli, nama_kabkota, nama_kecamatan, nama_desa, kode_desa, count(*) AS kk
                        FROM kel_r WHERE cara = '{CARA_NAMA}' GROUP BY ALL ORDER BY kode_desa"""
                ).df(),
                data_names=_data_names(con),
            )
            loaded = con.sql("SELECT * EXCLUDE (alasan) FROM kel_r WHERE kode_desa IS NOT NULL").to_arrow_table()
    return loaded, placement


def _region_rejects(con: duckdb.DuckDBPyConnection) -> pa.Table:
    return (
        con.sql(
            f"""SELECT b.berkas, b.lembar, 'keluarga' AS jenis, _baris AS baris, '{KOLOM_KODE}' AS kolom, alasan,
                kode_asli AS nilai
            FROM kel_r JOIN berkas b USING (_berkas_ke) WHERE kode_desa IS NULL ORDER BY _berkas_ke, _baris"""
        )
        .to_arrow_table()
        .cast(REJECT_SCHEMA)
    )


def _data_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The name the data gives a desa that the boundaries lack (most frequent spelling)."""
    names = con.sql(
        f"""SELECT kode_desa AS kode, mode(nama_desa) AS nama FROM kel_r
            WHERE cara = '{CARA_KODE_TANPA_POLIGON}' AND nama_desa IS NOT NULL GROUP BY 1"""
    ).df()
    names["nama"] = names["nama"].map(lambda s: s.title() if isinstance(s, str) and s.isupper() else s)
    return names
