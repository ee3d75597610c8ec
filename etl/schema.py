"""Column layouts of the input exports: canonical field -> accepted header names.

Headers are matched after `normalise_header` (case, spaces, slashes and punctuation folded),
so "Desa/Kelurahan", "DESA_KELURAHAN" and "desa kelurahan" are one name. The first alias
found wins; flag fields marked `any_of` OR together every matching column (DTKS extracts
carry BPNT and SEMBAKO_ADAPTIF side by side, for example).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KELUARGA = "keluarga"
INDIVIDU = "individu"
DTKS = "dtks"
KINDS = (KELUARGA, INDIVIDU, DTKS)

KIND_LABEL = {KELUARGA: "P3KE keluarga", INDIVIDU: "P3KE individu", DTKS: "DTKS/DTSEN"}


def normalise_header(name: object) -> str:
    text = "" if name is None else str(name)
    text = re.sub(r"[^0-9a-z]+", " ", text.strip().lower())
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Field:
    name: str
    aliases: tuple[str, ...]
    required: bool = False
    any_of: bool = False  # OR every matching column (program flags)
    pattern: str | None = None  # regex on the normalised header, e.g. "usia 2023"
    is_nik: bool = False  # numeric cells must be kept apart: a number is never a valid NIK


@dataclass(frozen=True)
class Layout:
    kind: str
    fields: tuple[Field, ...]
    # Headers that are known and deliberately not read (so they are not reported as unknown).
    ignored: tuple[str, ...] = field(default_factory=tuple)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def known_headers(self) -> set[str]:
        names = {normalise_header(a) for f in self.fields for a in f.aliases}
        return names | {normalise_header(a) for a in self.ignored}


def _f(name: str, *aliases: str, **kw) -> Field:
    return Field(name, tuple(normalise_header(a) for a in aliases), **kw)


KELUARGA_LAYOUT = Layout(
    KELUARGA,
    (
        _f("id_keluarga", "ID Keluarga P3KE", "ID Keluarga", "IDKeluarga", required=True),
        _f("kode_wilayah", "Kode Kemdagri", "Kode Kemendagri", "Kode Wilayah", "Kode Desa", required=True),
        _f("desil", "Desil Kesejahteraan", "Desil", required=True),
        _f("nama_kabkota", "Kabupaten/Kota", "Kabupaten", "Kab/Kota", "Kota"),
        _f("nama_kecamatan", "Kecamatan"),
        _f("nama_desa", "Desa/Kelurahan", "Desa", "Kelurahan", "Nagari", "Desa/Nagari"),
        _f("nik_kepala", "NIK Kepala Keluarga", "NIK", is_nik=True),
        _f("jenis_kelamin_kepala", "Jenis Kelamin Kepala Keluarga", "Jenis Kelamin"),
        # Read only for the family store (BNBA, etl.families), never for the snapshot.
        _f("alamat", "Alamat"),
        _f("nama_kepala", "Nama Kepala Keluarga", "Kepala Keluarga"),
        _f("jenis_lantai", "Jenis Lantai"),
        _f("kualitas_atap", "Kualitas Atap"),
        _f("kualitas_dinding", "Kualitas Dinding"),
        _f("kualitas_lantai", "Kualitas Lantai"),
        _f("sumber_air_minum", "Sumber Air Minum"),
        _f("fasilitas_bab", "Memiliki fasilitas Buang Air Besar", "Fasilitas Buang Air Besar"),
        _f("resiko_stunting", "Resiko Stunting", "Risiko Stunting"),
        _f("penerima_pkh", "Penerima PKH", any_of=True),
        _f("penerima_sembako", "Penerima BPNT", "Penerima SEMBAKO", any_of=True),
    ),
    ignored=(
        "Dimuktakhirkan Tahun",
        "Dimutakhirkan Tahun",
        "Provinsi",
        "Persentil",
        "Prioritas Verval",
        "NIK Kepala Keluarga Padan Kemdagri",
        "Tanggal Lahir Kepala Keluarga",
        "Status Kawin Kepala Keluarga",
        "Pekerjaan Kepala Keluarga",
        "Status Pekerjaan Kepala Keluarga",
        "Pendidikan Kepala Keluarga",
        "Kepemilikan Rumah",
        "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya",
        "Memiliki Simpanan",
        "Jenis Atap",
        "Jenis Dinding",
        "Sumber Penerangan",
        "Daya Listrik Terpasang",
        "Bahan Bakar Memasak",
        "Penerima BPUM",
        "Penerima BST",
        "Penerima Prakerja",
        "Penerima KUR",
    ),
)

INDIVIDU_LAYOUT = Layout(
    INDIVIDU,
    (
        _f("id_keluarga", "ID Keluarga P3KE", "ID Keluarga", "IDKeluarga", required=True),
        _f("nik", "NIK", "NIK Individu", required=True, is_nik=True),
        _f("id_individu", "ID Individu"),
        _f("tanggal_lahir", "Tanggal Lahir", "Tgl Lahir"),
        # "Usia 2023", "Usia 2024", ...: the release year changes, the meaning does not.
        _f("usia", pattern=r"usia (19|20)\d\d"),
        # Read only for the family store (BNBA, etl.families), never for the snapshot.
        _f("nama", "Nama"),
        _f("jenis_kelamin", "Jenis Kelamin"),
        _f("hubungan", "Hubungan dengan Kepala Keluarga", "Hubungan"),
    ),
    ignored=(
        "Dimuktakhirkan Tahun",
        "Dimutakhirkan Tahun",
        "Kode Kemdagri",
        "Kode Kemendagri",
        "Desil Kesejahteraan",
        "Persentil",
        "Alamat",
        "Prioritas Verval",
        "Padan Dukcapil",
        "Status Kawin",
        "Pekerjaan",
        "Status Pekerjaan",
        "Pendidikan",
        "Kelompok Usia 2023",
        "Kelompok Usia",
        "Usia dibawah 7 tahun",
        "Usia 7-12",
        "Usia 13-15",
        "Usia 16-18",
        "Usia 19-21",
        "Usia 22-59",
        "Usia 60 tahun keatas",
        "Penerima BPNT",
        "Penerima BPUM",
        "Penerima BST",
        "Penerima PKH",
        "Penerima SEMBAKO",
        "Penerima Prakerja",
        "Penerima KUR",
    ),
)

DTKS_LAYOUT = Layout(
    DTKS,
    (
        _f("nik", "Nik", "NIK", "NIK ART", "No NIK", required=True, is_nik=True),
        _f("status", "Status", "Status DTKS", "Status Data"),
        _f("is_nonaktif", "is_nonaktif", "Nonaktif", "Non Aktif"),
        _f("keterangan_meninggal", "keterangan_meninggal", "Meninggal"),
        _f("pkh", "Bansos_Pkh", "PKH", "Bansos PKH", any_of=True),
        _f("sembako", "Bansos_Bpnt", "BPNT", "SEMBAKO", "SEMBAKO_ADAPTIF", "Bansos Sembako", any_of=True),
        _f("pbi", "Pbi_Jkn", "PBI", "PBI JK", "PBI JKN", any_of=True),
        _f(
            "disabilitas",
            "keterangan_disabilitas",
            "Disabilitas",
            "Jenis Disabilitas",
            "Jenis_Disabilitas",
            "Penyandang Disabilitas",
            "Status Disabilitas",
        ),
    ),
    ignored=(
        "ID DTKS",
        "Alamat",
        "Dusun",
        "RT",
        "RW",
        "Nokk",
        "No KK",
        "Nama",
        "Tanggal_Lahir",
        "Tempat_Lahir",
        "Jenis_Kelamin",
        "Pekerjaan",
        "Nama_Ibu_Kandung",
        "Hub_Keluarga",
        "Keterangan_padan",
        "Bansos_Bpnt_Ppkm",
        "BST",
        "BLT",
        "RUTILAHU",
        "PERMAKANAN",
        "YAPI",
        "ATENSI",
        "Provinsi",
        "Kabupaten",
        "Kabupaten/Kota",
        "Kecamatan",
        "Desa",
        "Desa/Kelurahan",
        "Kode Wilayah",
        "Desil",
        "Desil Nasional",
        "Peringkat Nasional",
    ),
)

LAYOUTS = {KELUARGA: KELUARGA_LAYOUT, INDIVIDU: INDIVIDU_LAYOUT, DTKS: DTKS_LAYOUT}


@dataclass
class ColumnMap:
    """Which source columns (by position) feed each canonical field of one file."""

    sources: dict[str, list[int]]
    headers: list[str]
    unknown: list[str]
    missing_optional: list[str]

    def source_names(self, field_name: str) -> list[str]:
        return [self.headers[i] for i in self.sources.get(field_name, [])]


def map_columns(layout: Layout, headers: list[str]) -> tuple[ColumnMap, list[str]]:
    """Map a header row onto the layout. Returns the map and the missing required fields."""
    norm = [normalise_header(h) for h in headers]
    sources: dict[str, list[int]] = {}
    used: set[int] = set()
    for fld in layout.fields:
        hits: list[int] = []
        candidates = list(fld.aliases)
        for alias in candidates:
            # Aliases can fold to one name ("Bansos_Pkh", "Bansos PKH"): a column is taken once.
            idx = [i for i, h in enumerate(norm) if h == alias and i not in used and i not in hits]
            if idx:
                hits.extend(idx[:1])
                if not fld.any_of:
                    break
        if fld.pattern and not hits:
            hits = [i for i, h in enumerate(norm) if re.fullmatch(fld.pattern, h) and i not in used][:1]
        if hits:
            sources[fld.name] = hits
            used.update(hits)
    known = layout.known_headers()
    unknown = [
        headers[i]
        for i, h in enumerate(norm)
        if i not in used and h and h not in known and not h.startswith("kelompok usia")
    ]
    missing_required = [f.name for f in layout.fields if f.required and f.name not in sources]
    missing_optional = [f.name for f in layout.fields if not f.required and f.name not in sources]
    return ColumnMap(sources, list(headers), unknown, missing_optional), missing_required


def display_name(layout: Layout, field_name: str) -> str:
    """The official header of a field, for messages."""
    from_aliases = {
        "id_keluarga": "ID Keluarga P3KE",
        "kode_wilayah": "Kode Kemdagri",
        "desil": "Desil Kesejahteraan",
        "nik": "NIK",
        "nik_kepala": "NIK Kepala Keluarga",
        "usia": "Usia <tahun>",
    }
    return from_aliases.get(field_name, field_name)


def header_score(layout: Layout, cells: list[object]) -> int:
    """How many cells of a candidate row are known headers of this layout."""
    known = layout.known_headers()
    score = 0
    for c in cells:
        h = normalise_header(c)
        if h and (h in known or any(f.pattern and re.fullmatch(f.pattern, h) for f in layout.fields)):
            score += 1
    return score
