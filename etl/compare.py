"""Comparing two data releases: what changed between snapshot A and snapshot B, per region
and per family (`python -m etl compare RELEASE_A RELEASE_B --out DIR [--crosswalk FILE]`).

A release is a snapshot folder plus its family store (kantong/families.py). The steps:

1. Region codes. A's nagari codes are carried into B's codes first, through an optional
   crosswalk (kode_lama -> kode_baru; by default the one B was published with, its
   padanan_kode.csv). The crosswalk rows and the codes of A still in B
   form groups (connected old/new codes):
   - one old code, one new code: the same nagari (`sama`, or `ganti_kode` when renamed);
   - several old codes, one new code: merged (`digabung`); A's counts are summed into it;
   - two or more new codes: the boundaries changed (a nagari split). A nagari's families
     cannot be shared out among its parts, so there is no per-nagari change: the old code
     is listed as `dipecah` (with A's values) and each new code as `pemekaran` (with B's).
     Above the nagari, A's values are counted where all the new codes lie (usually one
     kecamatan), so kecamatan, kab/kota and province totals still compare like with like.
     Where the new codes lie in different kecamatan (or kab/kota), A's values go to the
     region of the old code if it is kept, else of the lowest new code, and every region
     concerned is marked `batas_berubah`, with no change computed for it at that level;
   - a code of A in no group (not in B, not in the crosswalk): `hanya_a`, reported in
     `tidak_cocok`; a code of B in none: `hanya_b`. Neither is dropped: both count in
     their parents' totals.
   Crosswalk rows whose old code is not in A are unused (an official table may list more
   nagari); rows whose new code is not in B are not applied and are reported too. A
   kecamatan (or kab/kota) of A whose nagari the crosswalk all carried elsewhere is listed
   as `hanya_a` without values: they are counted where they went, never twice.
2. Regions (`perubahan_<level>`): per region and P3KE indicator, the value in A (counted
   in B's regions, as above), in B, and the change: B − A for counts, percentage points for
   rates. `kecil` marks small numbers: a rate whose denominator is under 5 in A or B, or a
   count under 5 in both (a region missing on one side counts as 0 there).
3. Families (`transisi_<level>`, `matriks_desil`): matched by P3KE family ID, failing that
   by the head's NIK when it is valid and unique among the heads of each release. A family
   is `tetap` (in both), `baru` (only in B) or `keluar` (only in A). Families in B (stayed
   and new) are counted in B's nagari, families in A (stayed and left) in A's nagari
   through the crosswalk; `TRANSISI` says which column is counted where. Kecamatan, kab/kota
   and province rows are sums of their nagari rows.

`compare()` returns every table and checks the invariants (families in A = tetap + keluar,
in B = tetap + baru, the desil matrix and every level adding up to the province); `write()`
puts them in a folder as Parquet with `ringkasan.json`. No NIK or name is in any output.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl import config, indicators, workbook
from etl.duck import registered
from etl.errors import InputError
from etl.families import FAMILY_SCHEMA_VERSION
from etl.read import detect_encoding
from etl.schema import normalise_header
from etl.write import atomic_dir, write_summary

LEVELS = ("desa", "kecamatan", "kabkota", "provinsi")
# Length of the dotted code of each level above the nagari.
PARENT_DIGITS = {"kecamatan": 8, "kabkota": 5, "provinsi": 2}
COUNTS = indicators.JUMLAH_IDS

# Below this a change is "small numbers" (the map says so instead of showing a big swing).
KECIL = 5

# Region statuses.
SAMA = "sama"
GANTI_KODE = "ganti_kode"
DIGABUNG = "digabung"
DIPECAH = "dipecah"
PEMEKARAN = "pemekaran"
HANYA_A = "hanya_a"
HANYA_B = "hanya_b"
STATUS_WILAYAH = (SAMA, GANTI_KODE, DIGABUNG, DIPECAH, PEMEKARAN, HANYA_A, HANYA_B)
COMPARABLE = (SAMA, GANTI_KODE, DIGABUNG)

# Family statuses, and how a stayed family was matched.
TETAP = "tetap"
BARU = "baru"
KELUAR = "keluar"
LEWAT_ID = "id_keluarga"
LEWAT_NIK = "nik_kepala"
# The desil of a family that is not in a release (new in B, or left after A).
TANPA_DESIL = "–"
DESIL_LABELS = ("1", "2", "3", "4", TANPA_DESIL)

_STAYED = f"status = '{TETAP}'"
_D1_STAYED = f"{_STAYED} AND desil_a = 1"
# Per nagari: (column, the nagari a family is counted in: "a" its A code through the
# crosswalk, "b" its B code; which families; meaning). Per nagari kk_a = tetap_asal + keluar
# and kk_b = tetap + baru.
TRANSISI: tuple[tuple[str, str, str, str], ...] = (
    ("kk_a", "a", "true", "Keluarga di rilis A"),
    ("kk_b", "b", "true", "Keluarga di rilis B"),
    ("tetap", "b", _STAYED, "Keluarga yang ada di kedua rilis, di nagari rilis B"),
    ("tetap_lewat_nik", "b", f"{_STAYED} AND cocok_lewat = '{LEWAT_NIK}'", "Di antaranya dipadankan lewat NIK kepala"),
    ("tetap_asal", "a", _STAYED, "Keluarga yang ada di kedua rilis, di nagari rilis A"),
    ("baru", "b", f"status = '{BARU}'", "Keluarga yang hanya ada di rilis B"),
    ("keluar", "a", f"status = '{KELUAR}'", "Keluarga yang hanya ada di rilis A"),
    ("pindah_masuk", "b", "pindah", "Keluarga tetap yang pindah ke nagari ini"),
    ("pindah_keluar", "a", "pindah", "Keluarga tetap yang pindah dari nagari ini"),
    ("d1_a", "a", "desil_a = 1", "Keluarga desil 1 di rilis A"),
    ("d1_tetap", "b", _D1_STAYED, "Keluarga desil 1 rilis A yang ada di kedua rilis"),
    ("d1_masuk_dtks", "b", f"{_D1_STAYED} AND NOT di_dtks_a AND di_dtks_b", "Di antaranya masuk DTKS"),
    ("d1_mulai_bansos", "b", f"{_D1_STAYED} AND NOT bansos_a AND bansos_b", "Di antaranya mulai menerima bansos"),
    ("d1_keluar_desil_1", "b", f"{_D1_STAYED} AND desil_b > 1", "Di antaranya keluar dari desil 1 (calon graduasi)"),
    ("masuk_desil_1", "b", f"{_STAYED} AND desil_a > 1 AND desil_b = 1", "Keluarga desil 2–4 yang menjadi desil 1"),
    # The same three changes counted where the families lived in A: a plan made on A is
    # measured by what became of its nagari's families, wherever they live now (kantong.progress).
    (
        "d1_masuk_dtks_asal",
        "a",
        f"{_D1_STAYED} AND NOT di_dtks_a AND di_dtks_b",
        "Desil 1 masuk DTKS, di nagari rilis A",
    ),
    (
        "d1_mulai_bansos_asal",
        "a",
        f"{_D1_STAYED} AND NOT bansos_a AND bansos_b",
        "Desil 1 mulai menerima bansos, di nagari rilis A",
    ),
    ("d1_keluar_desil_1_asal", "a", f"{_D1_STAYED} AND desil_b > 1", "Desil 1 keluar dari desil 1, di nagari rilis A"),
)
TRANSISI_COLUMNS = tuple(t[0] for t in TRANSISI)

FAMILY_COLUMNS = ["id_keluarga", "kode_desa", "nik_kepala", "desil", "di_dtks", "bansos"]
KELUARGA_FILE = "keluarga.parquet"
SUMBER_FILE = "sumber.json"
RINGKASAN_FILE = "ringkasan.json"
CROSSWALK_FILE = "padanan_kode.csv"  # kept in a release's snapshot folder (kantong.releases)

_DOTTED_DESA = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
_PLAIN_DESA = re.compile(r"\d{10}")


class CompareError(Exception):
    """Bad input that stops the comparison (exit code 2); the message says which release
    or folder, and what is wrong."""


# ----------------------------------------------------------------------------- releases


@dataclass(frozen=True)
class Release:
    """A snapshot's region tables and where its family store's families are."""

    path: Path
    summary: dict
    tables: dict[str, pd.DataFrame]  # per level: kode, nama and every count indicator (float)
    keluarga_file: Path

    @property
    def info(self) -> dict:
        return {
            "snapshot": self.path.name,
            "folder": str(self.path),
            "tanggal_referensi": self.summary.get("tanggal_referensi"),
            "dibuat_pada": self.summary.get("dibuat_pada"),
            "id_build": self.summary.get("id_build"),
        }


def resolve_release(text: str | Path) -> Path:
    """A release given on the command line: a snapshot folder, or the name of one under
    etl.config.SNAPSHOT_ROOT."""
    path = Path(text)
    if path.is_dir():
        return path
    named = config.SNAPSHOT_ROOT / str(text)
    if named.is_dir() and len(path.parts) == 1:
        return named
    raise CompareError(f"snapshot '{text}' tidak ditemukan (bukan folder, juga tidak ada di {config.SNAPSHOT_ROOT})")


def load_release(path: str | Path, label: str = "") -> Release:
    """The region tables of the snapshot at `path` and its family store, checked to belong
    to the same build (a store left from an older build of the same name is refused)."""
    path = Path(path)
    who = f"Rilis {label} ({path})" if label else f"Rilis {path}"
    if not path.is_dir():
        raise CompareError(f"{who}: folder snapshot tidak ditemukan")
    try:
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise CompareError(f"{who}: bukan folder snapshot (summary.json tidak ada)") from err
    except (OSError, ValueError) as err:
        raise CompareError(f"{who}: summary.json tidak dapat dibaca ({err})") from err
    tables = {level: _level_table(path / f"{level}.parquet", who) for level in LEVELS}
    return Release(path=path, summary=summary, tables=tables, keluarga_file=_family_file(path, summary, who))


def _level_table(file: Path, who: str) -> pd.DataFrame:
    try:
        names = pq.read_schema(file).names
        if "kode" not in names or "nama" not in names:
            raise CompareError(f"{who}: {file.name} tidak memuat kolom 'kode' dan 'nama'")
        frame = pd.read_parquet(file, columns=["kode", "nama", *[c for c in COUNTS if c in names]])
    except FileNotFoundError as err:
        raise CompareError(f"{who}: {file.name} tidak ada; snapshot tidak lengkap") from err
    except (OSError, pa.ArrowException) as err:
        raise CompareError(f"{who}: {file.name} tidak dapat dibaca ({err})") from err
    out = pd.DataFrame({"kode": frame["kode"].astype(str), "nama": frame["nama"].astype(str)})
    for column in COUNTS:
        # A snapshot of an older catalogue lacks the newer indicators: no value, not zero.
        out[column] = frame[column].astype("float64") if column in frame.columns else np.nan
    return out


def _family_file(path: Path, summary: dict, who: str) -> Path:
    folder = config.family_dir(path)
    keluarga = folder / KELUARGA_FILE
    if not keluarga.is_file():
        raise CompareError(
            f"{who}: penyimpanan keluarga tidak ditemukan ({keluarga}); bangun ulang snapshot dengan `python -m etl build`"
        )
    try:
        sumber = json.loads((folder / SUMBER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise CompareError(f"{who}: {folder / SUMBER_FILE} tidak ada atau tidak dapat dibaca") from err
    build = summary.get("id_build")
    if not isinstance(sumber, dict) or not build or sumber.get("id_build") != build:
        raise CompareError(f"{who}: penyimpanan keluarga di {folder} berasal dari build lain, bukan dari snapshot ini")
    if sumber.get("versi_skema") != FAMILY_SCHEMA_VERSION:
        raise CompareError(
            f"{who}: penyimpanan keluarga di {folder} berversi skema {sumber.get('versi_skema')}, "
            f"yang dapat dibaca versi {FAMILY_SCHEMA_VERSION}; bangun ulang snapshot"
        )
    return keluarga


def read_keluarga(release: Release, label: str = "") -> pa.Table:
    """The columns the comparison needs of every family of a release, one row per family."""
    who = f"Rilis {label} ({release.path})" if label else f"Rilis {release.path}"
    try:
        table = pq.read_table(release.keluarga_file, columns=FAMILY_COLUMNS)
    except (OSError, pa.ArrowException) as err:
        raise CompareError(f"{who}: {release.keluarga_file} tidak dapat dibaca ({err})") from err
    check_keluarga(table, who)
    return table


def check_keluarga(table: pa.Table, who: str) -> None:
    """Family IDs are present and unique (the family store's contract): matching by ID
    relies on it."""
    ids = table.column("id_keluarga")
    if ids.null_count:
        raise CompareError(f"{who}: {ids.null_count} keluarga tanpa ID keluarga di penyimpanan keluarga")
    if pc.count_distinct(ids).as_py() != table.num_rows:
        raise CompareError(f"{who}: ID keluarga berulang di penyimpanan keluarga; bangun ulang snapshot")


# ----------------------------------------------------------------------------- crosswalk

_CROSSWALK_HEADERS = {
    "kode_lama": ("kode lama", "kode asal", "kode awal"),
    "kode_baru": ("kode baru", "kode sekarang", "kode tujuan"),
}
_HEADER_SEARCH_ROWS = 10
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


def empty_crosswalk() -> pd.DataFrame:
    return pd.DataFrame(
        {"kode_lama": pd.Series(dtype=str), "kode_baru": pd.Series(dtype=str), "baris": pd.Series(dtype="Int64")}
    )


def read_crosswalk(path: str | Path) -> pd.DataFrame:
    """A region code crosswalk (kode_lama, kode_baru; one row per pair, so a split is one
    old code on two rows) from csv/txt (`,` `;` tab or `|`) or a workbook (every sheet
    whose header carries both columns). Codes may be dotted (13.01.01.2001) or plain
    (1301012001). Returns kode_lama, kode_baru (dotted) and `baris`, the row in the file.
    Bad input raises InputError naming the file, sheet, row and column."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path.name, f"berkas tabel padanan tidak dapat dibaca ({err.strerror or err})") from err
    if not data.strip():
        raise InputError(path.name, "berkas tabel padanan kosong")
    if data.startswith(_ZIP) or data.startswith(_OLE):
        sheets = _workbook_rows(path.name, data)
    else:
        sheets = [(None, _text_rows(path.name, data))]
    pairs: list[tuple[str, str, int]] = []
    found = False
    for sheet, rows in sheets:
        header = _crosswalk_header(rows)
        if header is None:
            continue
        found = True
        pairs += _crosswalk_pairs(path.name, sheet, rows, header)
    if not found:
        raise _missing_columns(path.name, sheets)
    frame = pd.DataFrame(pairs, columns=["kode_lama", "kode_baru", "baris"])
    frame["baris"] = frame["baris"].astype("Int64")
    return frame.drop_duplicates(["kode_lama", "kode_baru"], ignore_index=True)


def _text_rows(name: str, data: bytes) -> list[tuple[int, list[object]]]:
    codec, _ = detect_encoding(data)
    text = data.decode(codec, errors="replace").lstrip("\ufeff")
    head = "\n".join(text.splitlines()[:_HEADER_SEARCH_ROWS])
    # The delimiter that splits the header into both columns; "," when none does.
    delimiter = next((d for d in (",", ";", "\t", "|") if _crosswalk_header(_csv_rows(name, head, d)) is not None), ",")
    return _csv_rows(name, text, delimiter)


def _csv_rows(name: str, text: str, delimiter: str) -> list[tuple[int, list[object]]]:
    """Non-empty records with the line each starts on."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, line = [], 1
    try:
        for record in reader:
            if any(c.strip() for c in record):
                rows.append((line, list(record)))
            line = reader.line_num + 1
    except csv.Error as err:
        raise InputError(name, f"tidak dapat dibaca sebagai CSV ({err})", baris=line) from err
    return rows


def _workbook_rows(name: str, data: bytes) -> list[tuple[str, list[tuple[int, list[object]]]]]:
    """Each sheet's non-empty rows with their row numbers."""
    return [
        (sheet, [(i + 1, r) for i, r in enumerate(rows) if any(c not in (None, "") for c in r)])
        for sheet, rows in workbook.sheets(name, data)
    ]


def _crosswalk_header(rows: list[tuple[int, list[object]]]) -> tuple[int, dict[str, int], list[str]] | None:
    """(position in `rows`, column index of kode_lama and kode_baru, header texts) of the
    first row among the first few that names both columns."""
    for position, (_, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        names = [normalise_header(c) for c in cells]
        columns = {}
        for field_name, aliases in _CROSSWALK_HEADERS.items():
            index = next((i for i, n in enumerate(names) if n in aliases), None)
            if index is not None:
                columns[field_name] = index
        if len(columns) == len(_CROSSWALK_HEADERS):
            return position, columns, ["" if c is None else str(c).strip() for c in cells]
    return None


def _missing_columns(name: str, sheets: list[tuple[str | None, list[tuple[int, list[object]]]]]) -> InputError:
    """The error for a file with no header naming both columns: the missing one, where one is found."""
    for sheet, rows in sheets:
        for _, cells in rows[:_HEADER_SEARCH_ROWS]:
            names = {normalise_header(c) for c in cells}
            present = [f for f, aliases in _CROSSWALK_HEADERS.items() if names & set(aliases)]
            if present:
                missing = next(f for f in _CROSSWALK_HEADERS if f not in present)
                return InputError(name, "kolom wajib tidak ditemukan", kolom=missing, lembar=sheet)
    return InputError(name, "kolom 'kode_lama' dan 'kode_baru' tidak ditemukan pada baris judul kolom")


def _crosswalk_pairs(
    name: str, sheet: str | None, rows: list[tuple[int, list[object]]], header: tuple[int, dict[str, int], list[str]]
) -> list[tuple[str, str, int]]:
    position, columns, texts = header
    pairs = []
    for line, cells in rows[position + 1 :]:
        codes = []
        for field_name in _CROSSWALK_HEADERS:
            index = columns[field_name]
            value = cells[index] if index < len(cells) else None
            code = desa_code(value)
            if code is None:
                shown = "kosong" if value is None or str(value).strip() == "" else f"tidak valid: {value!r}"
                raise InputError(
                    name,
                    f"kode nagari/desa {shown} (tulis 13.01.01.2001 atau 1301012001)",
                    kolom=texts[index] or field_name,
                    baris=line,
                    lembar=sheet,
                )
            codes.append(code)
        pairs.append((codes[0], codes[1], line))
    return pairs


def desa_code(value: object) -> str | None:
    """A nagari/desa code in dotted form from dotted or plain digits (a workbook may hold it
    as a number); None when it is not one."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = re.sub(r"[\s'\"]", "", str(value))
    if _DOTTED_DESA.fullmatch(text):
        return text
    if _PLAIN_DESA.fullmatch(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return None


# ----------------------------------------------------------------------------- code map


@dataclass(frozen=True)
class CodeMap:
    """How A's nagari codes are carried into B's (see the module docstring)."""

    tepi: pd.DataFrame  # kode_a, kode_b: where each code of A may lie in B (crosswalk, or the same code)
    kunci: pd.DataFrame  # kode_a, kunci: the comparison row A's values and families are counted in
    # One row per nagari compared: kode, status, kode_lama (A codes behind it), batas_berubah,
    # ada_a, ada_b (has values of A, of B) and the parent codes it is summed into.
    desa: pd.DataFrame
    batas_berubah: dict[str, frozenset[str]]  # per level above the nagari: regions split across
    padanan_salah: pd.DataFrame  # crosswalk rows of A codes whose new code is not in B
    padanan_dipakai: int
    padanan_tidak_terpakai: int


def code_map(codes_a: Iterable[str], codes_b: Iterable[str], crosswalk: pd.DataFrame | None = None) -> CodeMap:
    a_codes, b_codes = sorted(set(codes_a)), sorted(set(codes_b))
    in_a, in_b = set(a_codes), set(b_codes)
    cw = empty_crosswalk() if crosswalk is None else crosswalk
    used = cw[cw["kode_lama"].isin(in_a)]
    salah = used[~used["kode_baru"].isin(in_b)].reset_index(drop=True)
    applied = used[used["kode_baru"].isin(in_b)]
    named = set(applied["kode_lama"])
    edges = sorted(
        set(zip(applied["kode_lama"], applied["kode_baru"])) | {(a, a) for a in a_codes if a in in_b and a not in named}
    )
    key, home, sources, status = {}, {}, defaultdict(set), {}
    split: set[str] = set()
    changed: dict[str, set[str]] = {level: set() for level in PARENT_DIGITS}
    for old, new in _groups(edges):
        if len(new) == 1:
            (b,) = new
            key.update(dict.fromkeys(old, b))
            sources[b] |= old
            status[b] = SAMA if old == {b} else GANTI_KODE if len(old) == 1 else DIGABUNG
            continue
        for a, b in edges:
            if b in new:
                sources[b].add(a)
                status.setdefault(b, PEMEKARAN)
        for a in old:
            key[a] = a
            home[a] = a if a in new else min(new)
            split.add(a)
        for level, digits in PARENT_DIGITS.items():
            parents = {b[:digits] for b in new}
            if len(parents) > 1:
                changed[level] |= parents
    for a in split:  # a split old code's row is never compared, whatever else lands there
        status[a] = DIPECAH
        sources[a] = {a}
    for a in a_codes:
        if a not in key:
            key[a] = a
            status[a], sources[a] = HANYA_A, {a}
    for b in b_codes:
        status.setdefault(b, HANYA_B)
    return CodeMap(
        tepi=pd.DataFrame(edges, columns=["kode_a", "kode_b"]),
        kunci=pd.DataFrame({"kode_a": list(key), "kunci": list(key.values())}),
        desa=_desa_rows(status, sources, home, set(key.values()), in_b),
        batas_berubah={level: frozenset(codes) for level, codes in changed.items()},
        padanan_salah=salah,
        padanan_dipakai=len(applied),
        padanan_tidak_terpakai=len(cw) - len(used),
    )


def _groups(edges: list[tuple[str, str]]) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Connected groups of (old codes, new codes) of the edges old -> new."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(node: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        root_a, root_b = find(("a", a)), find(("b", b))
        if root_a != root_b:
            parent[root_a] = root_b
    members: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for node in list(parent):
        side, code = node
        members[find(node)][0 if side == "a" else 1].add(code)
    return sorted((frozenset(old), frozenset(new)) for old, new in members.values())


def _desa_rows(
    status: dict[str, str], sources: dict[str, set[str]], home: dict[str, str], keyed: set[str], in_b: set[str]
) -> pd.DataFrame:
    codes = sorted(status)
    frame = pd.DataFrame({"kode": codes, "status": [status[c] for c in codes]})
    frame["kode_lama"] = pd.Series(["; ".join(sorted(sources[c])) or None for c in codes], dtype=object)
    frame["batas_berubah"] = frame["status"].isin([DIPECAH, PEMEKARAN])
    frame["ada_a"] = frame["kode"].isin(keyed)
    frame["ada_b"] = frame["kode"].isin(in_b)
    # A split old code that is not kept lies, above the nagari, where its new codes lie.
    anchor = pd.Series([c if c in in_b else home.get(c, c) for c in codes])
    for level, digits in PARENT_DIGITS.items():
        frame[f"kode_{level}"] = anchor.str.slice(0, digits)
    return frame


# ----------------------------------------------------------------------------- regions


@dataclass(frozen=True)
class LevelValues:
    """One level's regions as compared: `wilayah` (index kode: nama, status, batas_berubah,
    parent codes), and the counts of A (in B's regions) and of B, NaN where a region is
    not in that release."""

    wilayah: pd.DataFrame
    a: pd.DataFrame
    b: pd.DataFrame


def region_levels(tables_a: dict[str, pd.DataFrame], tables_b: dict[str, pd.DataFrame], cmap: CodeMap) -> dict:
    """Per level, the regions compared and the counts of each release in them."""
    rows = cmap.desa.set_index("kode", drop=False)
    rows.index.name = None
    desa_a = tables_a["desa"].assign(kode=tables_a["desa"]["kode"].map(cmap.kunci.set_index("kode_a")["kunci"]))
    a = desa_a.groupby("kode")[list(COUNTS)].sum(min_count=1).reindex(rows.index)
    b = tables_b["desa"].set_index("kode")[list(COUNTS)].reindex(rows.index)
    a.loc[~rows["ada_a"].to_numpy()] = np.nan
    names = _names(tables_a["desa"], tables_b["desa"])
    wilayah = rows[["kode", "status", "kode_lama", "batas_berubah", *[f"kode_{p}" for p in PARENT_DIGITS]]].copy()
    wilayah.insert(1, "nama", [names.get(c, f"({c})") for c in rows.index])
    out = {"desa": LevelValues(wilayah, a, b)}
    for level in PARENT_DIGITS:
        out[level] = _upper_level(level, rows, a, b, tables_a, tables_b, cmap.batas_berubah[level])
    return out


def _names(table_a: pd.DataFrame, table_b: pd.DataFrame) -> dict[str, str]:
    """Region names, B's where a code is in both."""
    return {**dict(zip(table_a["kode"], table_a["nama"])), **dict(zip(table_b["kode"], table_b["nama"]))}


def _upper_level(
    level: str,
    rows: pd.DataFrame,
    a: pd.DataFrame,
    b: pd.DataFrame,
    tables_a: dict[str, pd.DataFrame],
    tables_b: dict[str, pd.DataFrame],
    changed: frozenset[str],
) -> LevelValues:
    table_a, table_b, desa_a, desa_b = tables_a[level], tables_b[level], tables_a["desa"], tables_b["desa"]
    parent = rows[f"kode_{level}"]
    sums_a = a.groupby(parent).sum(min_count=1)
    sums_b = b.groupby(parent).sum(min_count=1)
    has_a = rows["ada_a"].groupby(parent).any()
    has_b = rows["ada_b"].groupby(parent).any()
    digits = PARENT_DIGITS[level]
    sums_a, has_a = _with_listed(sums_a, has_a, table_a, parent, desa_a["kode"].str.slice(0, digits))
    sums_b, has_b = _with_listed(sums_b, has_b, table_b, parent, desa_b["kode"].str.slice(0, digits))
    codes = sorted(set(sums_a.index) | set(sums_b.index))
    has_a, has_b = has_a.reindex(codes, fill_value=False), has_b.reindex(codes, fill_value=False)
    sums_a = sums_a.reindex(codes)
    sums_b = sums_b.reindex(codes)
    sums_a.loc[~has_a.to_numpy()] = np.nan
    sums_b.loc[~has_b.to_numpy()] = np.nan
    status = np.where(has_a & has_b, SAMA, np.where(has_a, HANYA_A, HANYA_B))
    names = _names(table_a, table_b)
    wilayah = pd.DataFrame(
        {"kode": codes, "nama": [names.get(c, f"({c})") for c in codes], "status": status}, index=codes
    )
    wilayah["batas_berubah"] = wilayah["kode"].isin(changed)
    for parent_level, digits in PARENT_DIGITS.items():
        if digits < PARENT_DIGITS[level]:
            wilayah[f"kode_{parent_level}"] = wilayah["kode"].str.slice(0, digits)
    return LevelValues(wilayah, sums_a, sums_b)


def _with_listed(
    sums: pd.DataFrame, has: pd.Series, table: pd.DataFrame, parent: pd.Series, own_parents: pd.Series
) -> tuple[pd.DataFrame, pd.Series]:
    """Regions a release lists that no compared nagari lies in are kept: with their own
    values when they have no nagari at all (none in practice), without values when the
    crosswalk carried all their nagari elsewhere (counted there, so never twice)."""
    listed = table.set_index("kode")[list(COUNTS)]
    extra = listed.loc[~listed.index.isin(set(parent))].copy()
    if extra.empty:
        return sums, has
    extra.loc[extra.index.isin(set(own_parents))] = np.nan
    return pd.concat([sums, extra]), pd.concat([has, pd.Series(True, index=extra.index)])


def changes(values: LevelValues) -> pd.DataFrame:
    """One row per region and P3KE indicator: nilai_a, nilai_b, perubahan (B − A; points
    for rates; empty where the region is not compared) and `kecil`."""
    ids = list(indicators.IDS)
    a = indicators.add_rates(values.a.copy())[ids]
    b = indicators.add_rates(values.b.copy())[ids]
    wilayah = values.wilayah
    n, k = len(wilayah), len(ids)
    compared = (wilayah["status"].isin(COMPARABLE) & ~wilayah["batas_berubah"]).to_numpy()
    small = pd.DataFrame(index=wilayah.index)
    for ind in indicators.INDICATORS:
        if ind.is_rate:
            small[ind.id] = (a[ind.penyebut].fillna(0) < KECIL) | (b[ind.penyebut].fillna(0) < KECIL)
        else:
            small[ind.id] = (a[ind.id].fillna(0) < KECIL) & (b[ind.id].fillna(0) < KECIL)
    out = {column: np.repeat(wilayah[column].to_numpy(), k) for column in wilayah.columns}
    out["indikator"] = np.tile(ids, n)
    out["satuan"] = np.tile([indicators.get(i).satuan for i in ids], n)
    out["nilai_a"] = a.to_numpy(dtype="float64").ravel()
    out["nilai_b"] = b.to_numpy(dtype="float64").ravel()
    out["perubahan"] = np.where(np.repeat(compared, k), out["nilai_b"] - out["nilai_a"], np.nan)
    out["kecil"] = small[ids].to_numpy(dtype=bool).ravel()
    return pd.DataFrame(out)


# ----------------------------------------------------------------------------- families

_PAIR_SQL = f"""
WITH nik_a AS (
    SELECT nik_kepala FROM kel_a WHERE regexp_full_match(nik_kepala, '[0-9]{{16}}')
    GROUP BY nik_kepala HAVING count(*) = 1
), nik_b AS (
    SELECT nik_kepala FROM kel_b WHERE regexp_full_match(nik_kepala, '[0-9]{{16}}')
    GROUP BY nik_kepala HAVING count(*) = 1
), by_id AS (
    SELECT id_keluarga AS id_a, id_keluarga AS id_b, '{LEWAT_ID}' AS cocok_lewat
    FROM kel_a WHERE id_keluarga IN (SELECT id_keluarga FROM kel_b)
), rest_a AS (
    SELECT id_keluarga, nik_kepala FROM kel_a
    WHERE id_keluarga NOT IN (SELECT id_keluarga FROM kel_b) AND nik_kepala IN (SELECT nik_kepala FROM nik_a)
), rest_b AS (
    SELECT id_keluarga, nik_kepala FROM kel_b
    WHERE id_keluarga NOT IN (SELECT id_keluarga FROM kel_a) AND nik_kepala IN (SELECT nik_kepala FROM nik_b)
), by_nik AS (
    SELECT ra.id_keluarga AS id_a, rb.id_keluarga AS id_b, '{LEWAT_NIK}' AS cocok_lewat
    FROM rest_a ra JOIN rest_b rb USING (nik_kepala)
), pairs AS (
    SELECT * FROM by_id UNION ALL SELECT * FROM by_nik
)
SELECT a.id_keluarga AS id_keluarga_a, b.id_keluarga AS id_keluarga_b,
       CASE WHEN a.id_keluarga IS NULL THEN '{BARU}' WHEN b.id_keluarga IS NULL THEN '{KELUAR}' ELSE '{TETAP}' END
           AS status,
       p.cocok_lewat,
       a.kode_desa AS kode_desa_a, k.kunci AS kunci_a, b.kode_desa AS kode_desa_b,
       a.desil AS desil_a, b.desil AS desil_b,
       a.di_dtks AS di_dtks_a, b.di_dtks AS di_dtks_b, a.bansos AS bansos_a, b.bansos AS bansos_b,
       (a.id_keluarga IS NOT NULL AND b.id_keluarga IS NOT NULL AND t.kode_a IS NULL) AS pindah
FROM kel_a a
LEFT JOIN pairs p ON p.id_a = a.id_keluarga
FULL JOIN kel_b b ON b.id_keluarga = p.id_b
LEFT JOIN kunci k ON k.kode_a = a.kode_desa
LEFT JOIN tepi t ON t.kode_a = a.kode_desa AND t.kode_b = b.kode_desa
ORDER BY coalesce(b.kode_desa, k.kunci), coalesce(b.id_keluarga, a.id_keluarga)
"""


def pair_families(con: duckdb.DuckDBPyConnection, kel_a: pa.Table, kel_b: pa.Table, cmap: CodeMap) -> pa.Table:
    """One row per family of A or B: its IDs, status, how it was matched, its nagari in A
    (and the comparison row it counts in), in B, its desil, DTKS and bansos flags on each
    side and whether it moved (a stayed family whose B nagari is not its A nagari, nor
    one the crosswalk carries it to). No NIK is kept."""
    tepi = pa.Table.from_pandas(cmap.tepi, preserve_index=False)
    kunci = pa.Table.from_pandas(cmap.kunci, preserve_index=False)
    with registered(con, kel_a=kel_a, kel_b=kel_b, kunci=kunci, tepi=tepi):
        return con.sql(_PAIR_SQL).to_arrow_table()


def _transisi_sql(side: str) -> str:
    place = "kunci_a" if side == "a" else "kode_desa_b"
    counts = ",\n".join(
        f"CAST(count(*) FILTER (WHERE {where}) AS BIGINT) AS {name}" for name, s, where, _ in TRANSISI if s == side
    )
    return f"SELECT {place} AS kode, {counts} FROM keluarga WHERE {place} IS NOT NULL GROUP BY {place}"


def family_transitions(con: duckdb.DuckDBPyConnection, keluarga: pa.Table, wilayah: pd.DataFrame) -> pd.DataFrame:
    """TRANSISI per comparison nagari row (`wilayah`: the desa level's rows)."""
    with registered(con, keluarga=keluarga):
        side_a = con.sql(_transisi_sql("a")).df().set_index("kode")
        side_b = con.sql(_transisi_sql("b")).df().set_index("kode")
    unknown = (set(side_a.index) | set(side_b.index)) - set(wilayah.index)
    if unknown:  # every family's nagari is a comparison row by construction
        raise AssertionError(f"families in nagari outside the comparison: {sorted(unknown)[:5]}")
    counts = pd.concat([side_a, side_b], axis=1).reindex(wilayah.index).fillna(0).astype("int64")
    return pd.concat([wilayah, counts[list(TRANSISI_COLUMNS)]], axis=1)


def roll_up(transisi_desa: pd.DataFrame, levels: dict[str, LevelValues]) -> dict[str, pd.DataFrame]:
    """Transitions at every level: sums of the nagari rows into their parents."""
    out = {"desa": transisi_desa.reset_index(drop=True)}
    columns = list(TRANSISI_COLUMNS)
    for level in PARENT_DIGITS:
        wilayah = levels[level].wilayah
        sums = transisi_desa.groupby(transisi_desa[f"kode_{level}"])[columns].sum()
        sums = sums.reindex(wilayah.index).fillna(0).astype("int64")
        out[level] = pd.concat([wilayah, sums], axis=1).reset_index(drop=True)
    return out


def desil_matrix(con: duckdb.DuckDBPyConnection, keluarga: pa.Table) -> pd.DataFrame:
    """Families by desil in A (rows, `dari`) and in B (columns), "–" for a family not in
    that release; `jumlah` is the row total."""
    with registered(con, keluarga=keluarga):
        cells = con.sql(
            f"""SELECT coalesce(CAST(desil_a AS VARCHAR), '{TANPA_DESIL}') AS dari,
                       coalesce(CAST(desil_b AS VARCHAR), '{TANPA_DESIL}') AS ke, count(*) AS n
                FROM keluarga GROUP BY ALL"""
        ).df()
    matrix = cells.pivot_table(index="dari", columns="ke", values="n", aggfunc="sum", fill_value=0)
    matrix = matrix.reindex(index=list(DESIL_LABELS), columns=list(DESIL_LABELS), fill_value=0).astype("int64")
    matrix.columns = [str(c) for c in matrix.columns]
    matrix["jumlah"] = matrix.sum(axis=1)
    return matrix.rename_axis(index="dari").reset_index()


def desil_matrix_kabkota(con: duckdb.DuckDBPyConnection, keluarga: pa.Table) -> pd.DataFrame:
    """The desil matrix per kab/kota, long (kode_kabkota, dari, ke, n; empty cells left out),
    so that an operator sees their own kab/kota's. A family counts in its kab/kota in B, or
    in A when it left; the cells add up to `desil_matrix`."""
    with registered(con, keluarga=keluarga):
        return con.sql(
            f"""SELECT left(coalesce(kode_desa_b, kunci_a), {PARENT_DIGITS["kabkota"]}) AS kode_kabkota,
                       coalesce(CAST(desil_a AS VARCHAR), '{TANPA_DESIL}') AS dari,
                       coalesce(CAST(desil_b AS VARCHAR), '{TANPA_DESIL}') AS ke, count(*) AS n
                FROM keluarga GROUP BY ALL ORDER BY ALL"""
        ).df()


# ----------------------------------------------------------------------------- report


def unmatched(cmap: CodeMap, desa_a: pd.DataFrame) -> pd.DataFrame:
    """Codes of A found neither in B nor through the crosswalk, and crosswalk rows whose new
    code is not in B: kode, nama (in A), kode_baru, baris_padanan, alasan, kk_total_a."""
    info = desa_a.set_index("kode")
    rows = []
    for code in cmap.desa.loc[cmap.desa["status"] == HANYA_A, "kode"]:
        rows.append((code, None, None, "kode rilis A tidak ada di rilis B dan tidak ada di tabel padanan"))
    for old, new, line in cmap.padanan_salah[["kode_lama", "kode_baru", "baris"]].itertuples(index=False):
        rows.append((old, new, line, "kode baru pada tabel padanan tidak ada di rilis B; baris tidak diterapkan"))
    frame = pd.DataFrame(rows, columns=["kode", "kode_baru", "baris_padanan", "alasan"])
    frame.insert(1, "nama", [str(info["nama"].get(c, f"({c})")) for c in frame["kode"]])
    frame["baris_padanan"] = frame["baris_padanan"].astype("Int64")
    frame["kk_total_a"] = [info["kk_total"].get(c, np.nan) for c in frame["kode"]]
    frame["kk_total_a"] = frame["kk_total_a"].astype("float64").fillna(0).astype("int64")
    for column in ("kode", "nama", "kode_baru", "alasan"):
        frame[column] = frame[column].astype("str").where(frame[column].notna(), None)
    return frame.sort_values(["kode", "baris_padanan"], ignore_index=True)


@dataclass
class Comparison:
    """Everything compared: per level `perubahan` (region changes, long) and `transisi`
    (family transitions), the desil matrix, the unmatched codes, one row per family
    (`keluarga`, IDs only, not written) and `ringkasan` (totals and invariant checks)."""

    rilis_a: dict
    rilis_b: dict
    perubahan: dict[str, pd.DataFrame]
    transisi: dict[str, pd.DataFrame]
    matriks_desil: pd.DataFrame
    tidak_cocok: pd.DataFrame
    keluarga: pa.Table
    ringkasan: dict = field(default_factory=dict)
    matriks_desil_kabkota: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def invarian_gagal(self) -> list[str]:
        return [name for name, ok in self.ringkasan.get("invarian", {}).items() if not ok]


def compare(
    snapshot_a_path: str | Path, snapshot_b_path: str | Path, crosswalk: str | Path | pd.DataFrame | None = None
) -> Comparison:
    """Compare release A (earlier) with release B. `crosswalk`: a file (read_crosswalk) or
    a frame with kode_lama, kode_baru (dotted codes)."""
    started = time.perf_counter()
    release_a, release_b = load_release(snapshot_a_path, "A"), load_release(snapshot_b_path, "B")
    kept = release_b.path / CROSSWALK_FILE
    if crosswalk is None and kept.is_file():  # the crosswalk B was published with (kantong.releases)
        crosswalk = kept
    padanan, padanan_berkas = _crosswalk_input(crosswalk)
    kel_a, kel_b = read_keluarga(release_a, "A"), read_keluarga(release_b, "B")
    codes_a = set(release_a.tables["desa"]["kode"]) | set(pc.unique(kel_a.column("kode_desa")).to_pylist())
    codes_b = set(release_b.tables["desa"]["kode"]) | set(pc.unique(kel_b.column("kode_desa")).to_pylist())
    cmap = code_map(codes_a - {None}, codes_b - {None}, padanan)
    levels = region_levels(release_a.tables, release_b.tables, cmap)
    perubahan = {level: changes(levels[level]) for level in LEVELS}
    with duckdb.connect() as con:
        keluarga = pair_families(con, kel_a, kel_b, cmap)
        transisi = roll_up(family_transitions(con, keluarga, levels["desa"].wilayah), levels)
        matriks = desil_matrix(con, keluarga)
        matriks_kabkota = desil_matrix_kabkota(con, keluarga)
    comparison = Comparison(
        rilis_a=release_a.info,
        rilis_b=release_b.info,
        perubahan=perubahan,
        transisi=transisi,
        matriks_desil=matriks,
        tidak_cocok=unmatched(cmap, release_a.tables["desa"]),
        keluarga=keluarga,
        matriks_desil_kabkota=matriks_kabkota,
    )
    checks = invariants(comparison, kel_a.num_rows, kel_b.num_rows, release_a.tables, release_b.tables)
    comparison.ringkasan = summarise(comparison, cmap, padanan_berkas, checks)
    comparison.ringkasan["durasi_detik"] = round(time.perf_counter() - started, 2)
    return comparison


def _crosswalk_input(crosswalk: str | Path | pd.DataFrame | None) -> tuple[pd.DataFrame | None, str | None]:
    if crosswalk is None:
        return None, None
    if isinstance(crosswalk, pd.DataFrame):
        frame = pd.DataFrame({c: crosswalk[c].map(desa_code) for c in ("kode_lama", "kode_baru")})
        bad = frame.isna().any(axis=1)
        if bad.any():
            raise CompareError(
                f"tabel padanan: kode nagari/desa tidak valid pada baris data ke-{int(bad.argmax()) + 1}"
            )
        frame["baris"] = crosswalk["baris"].to_numpy() if "baris" in crosswalk else range(2, len(frame) + 2)
        frame["baris"] = frame["baris"].astype("Int64")
        return frame, None
    return read_crosswalk(crosswalk), Path(crosswalk).name


def invariants(
    comparison: Comparison, n_a: int, n_b: int, tables_a: dict[str, pd.DataFrame], tables_b: dict[str, pd.DataFrame]
) -> dict[str, bool]:
    """The checks every comparison must pass (a failure is a bug, not bad input)."""
    status = pd.Series(comparison.keluarga.column("status").to_pandas()).value_counts()
    tetap, baru, keluar = (int(status.get(s, 0)) for s in (TETAP, BARU, KELUAR))
    m = comparison.matriks_desil.set_index("dari")[list(DESIL_LABELS)]
    known = list(DESIL_LABELS[:4])
    checks = {
        "keluarga_a_sama_dengan_tetap_ditambah_keluar": n_a == tetap + keluar,
        "keluarga_b_sama_dengan_tetap_ditambah_baru": n_b == tetap + baru,
        "matriks_desil_baris_sama_dengan_keluarga_a": int(m.loc[known].to_numpy().sum()) == n_a,
        "matriks_desil_kolom_sama_dengan_keluarga_b": int(m[known].to_numpy().sum()) == n_b,
        "matriks_desil_total_sama_dengan_tetap_baru_keluar": int(m.to_numpy().sum()) == tetap + baru + keluar
        and int(m.loc[TANPA_DESIL, TANPA_DESIL]) == 0,
    }
    rows_ok = True
    for frame in comparison.transisi.values():
        rows_ok &= bool((frame["kk_a"] == frame["tetap_asal"] + frame["keluar"]).all())
        rows_ok &= bool((frame["kk_b"] == frame["tetap"] + frame["baru"]).all())
    checks["transisi_tiap_wilayah_seimbang"] = rows_ok
    per_kab = comparison.matriks_desil_kabkota
    checks["matriks_desil_kabkota_sama_dengan_matriks"] = int(per_kab["n"].sum()) == int(m.to_numpy().sum())
    top = comparison.transisi["provinsi"][list(TRANSISI_COLUMNS)].sum()
    checks["transisi_tiap_tingkat_sama_dengan_provinsi"] = all(
        comparison.transisi[level][list(TRANSISI_COLUMNS)].sum().equals(top) for level in LEVELS
    )
    checks["transisi_sama_dengan_jumlah_keluarga"] = int(top["kk_a"]) == n_a and int(top["kk_b"]) == n_b
    counts = list(COUNTS)
    totals = {lvl: _value_totals(comparison.perubahan[lvl], counts) for lvl in LEVELS}
    checks["perubahan_tiap_tingkat_sama_dengan_provinsi"] = all(
        np.allclose(totals[lvl], totals["provinsi"], equal_nan=True) for lvl in LEVELS
    )
    published = np.array(
        [
            tables_a["provinsi"][counts].sum(min_count=1).to_numpy(),
            tables_b["provinsi"][counts].sum(min_count=1).to_numpy(),
        ]
    )
    checks["provinsi_sama_dengan_snapshot"] = bool(np.allclose(totals["provinsi"], published, equal_nan=True))
    desa = comparison.perubahan["desa"]
    kk = desa[desa["indikator"] == "kk_total"].set_index("kode")
    per_desa = comparison.transisi["desa"].set_index("kode")
    checks["keluarga_per_nagari_sama_dengan_kk_total"] = bool(
        (kk["nilai_a"].fillna(0).reindex(per_desa.index) == per_desa["kk_a"]).all()
        and (kk["nilai_b"].fillna(0).reindex(per_desa.index) == per_desa["kk_b"]).all()
    )
    return checks


def _value_totals(frame: pd.DataFrame, counts: list[str]) -> np.ndarray:
    """[A totals, B totals] of the count indicators over a level's regions."""
    rows = frame[frame["indikator"].isin(counts)]
    grouped = rows.groupby("indikator")[["nilai_a", "nilai_b"]].sum(min_count=1).reindex(counts)
    return grouped.to_numpy().T


def summarise(comparison: Comparison, cmap: CodeMap, padanan_berkas: str | None, checks: dict) -> dict:
    provinsi = comparison.transisi["provinsi"][list(TRANSISI_COLUMNS)].sum()
    total = {name: int(provinsi[name]) for name in TRANSISI_COLUMNS}
    desa_status = comparison.transisi["desa"]["status"].value_counts()
    return {
        "rilis_a": comparison.rilis_a,
        "rilis_b": comparison.rilis_b,
        "keluarga": {
            "a": total["kk_a"],
            "b": total["kk_b"],
            "tetap": total["tetap"],
            "tetap_lewat_nik": total["tetap_lewat_nik"],
            "baru": total["baru"],
            "keluar": total["keluar"],
            "pindah_nagari": total["pindah_masuk"],
        },
        "desil_1": {
            "a": total["d1_a"],
            "tetap": total["d1_tetap"],
            "masuk_dtks": total["d1_masuk_dtks"],
            "mulai_bansos": total["d1_mulai_bansos"],
            "keluar_desil_1": total["d1_keluar_desil_1"],
            "masuk_desil_1_dari_desil_2_4": total["masuk_desil_1"],
        },
        "wilayah": {
            "nagari_per_status": {s: int(desa_status.get(s, 0)) for s in STATUS_WILAYAH},
            "batas_berubah": {level: len(codes) for level, codes in cmap.batas_berubah.items()},
            "kode_a_tidak_cocok": int((comparison.tidak_cocok["baris_padanan"].isna()).sum()),
        },
        "padanan": {
            "berkas": padanan_berkas,
            "baris_dipakai": cmap.padanan_dipakai,
            "baris_tidak_terpakai": cmap.padanan_tidak_terpakai,
            "baris_kode_baru_tidak_ada": len(cmap.padanan_salah),
        },
        "matriks_desil": {
            str(dari): {label: int(n) for label, n in row.items()}
            for dari, row in comparison.matriks_desil.set_index("dari")[list(DESIL_LABELS)].iterrows()
        },
        "ambang_kecil": KECIL,
        "invarian": checks,
    }


# ----------------------------------------------------------------------------- writing


def write(comparison: Comparison, out_dir: str | Path) -> Path:
    """The comparison's tables as Parquet and ringkasan.json in `out_dir`, which appears
    only when complete. An existing folder is replaced only if it holds an earlier
    comparison (its ringkasan.json), never another folder's files."""
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / RINGKASAN_FILE).is_file())):
        raise CompareError(f"folder keluaran {out} sudah berisi berkas lain; pilih folder baru atau kosong")
    with atomic_dir(out) as folder:
        for level in LEVELS:
            _write_frame(comparison.perubahan[level], folder / f"perubahan_{level}.parquet")
            _write_frame(comparison.transisi[level], folder / f"transisi_{level}.parquet")
        _write_frame(comparison.matriks_desil, folder / "matriks_desil.parquet")
        _write_frame(comparison.matriks_desil_kabkota, folder / "matriks_desil_kabkota.parquet")
        _write_frame(comparison.tidak_cocok, folder / "tidak_cocok.parquet")
        write_summary(comparison.ringkasan, folder / RINGKASAN_FILE)
    return out


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False, compression="zstd")


# ----------------------------------------------------------------------------- command line


def report_lines(comparison: Comparison) -> list[str]:
    """What the command line prints: the totals in Indonesian."""
    from kantong.fmt import angka, tanggal

    r = comparison.ringkasan
    kel, d1, wil = r["keluarga"], r["desil_1"], r["wilayah"]
    status = wil["nagari_per_status"]

    def rilis(info: dict) -> str:
        date = info.get("tanggal_referensi")
        return f"{info['snapshot']}" + (f" (tanggal referensi {tanggal(date)})" if date else "")

    lines = [
        f"Rilis A: {rilis(comparison.rilis_a)}; rilis B: {rilis(comparison.rilis_b)}",
        f"Keluarga P3KE: A {angka(kel['a'])}, B {angka(kel['b'])}; tetap {angka(kel['tetap'])} "
        f"(dipadankan lewat NIK kepala keluarga {angka(kel['tetap_lewat_nik'])}, pindah nagari "
        f"{angka(kel['pindah_nagari'])}); baru {angka(kel['baru'])}; keluar {angka(kel['keluar'])}",
        f"Keluarga desil 1 rilis A yang tetap: {angka(d1['tetap'])} dari {angka(d1['a'])}; masuk DTKS "
        f"{angka(d1['masuk_dtks'])}; mulai menerima bansos {angka(d1['mulai_bansos'])}; keluar dari desil 1 "
        f"(calon graduasi) {angka(d1['keluar_desil_1'])}. Keluarga desil 2–4 yang menjadi desil 1: "
        f"{angka(d1['masuk_desil_1_dari_desil_2_4'])}",
        "Nagari/desa: "
        + "; ".join(f"{_STATUS_LABEL[s]} {angka(status[s])}" for s in STATUS_WILAYAH if status[s] or s == SAMA),
    ]
    if wil["kode_a_tidak_cocok"]:
        lines.append(
            f"Perhatian: {angka(wil['kode_a_tidak_cocok'])} kode nagari/desa rilis A tidak ada di rilis B dan tidak ada "
            "di tabel padanan (lihat tidak_cocok.parquet)"
        )
    if r["padanan"]["baris_kode_baru_tidak_ada"]:
        lines.append(
            f"Perhatian: {angka(r['padanan']['baris_kode_baru_tidak_ada'])} baris tabel padanan memuat kode baru yang "
            "tidak ada di rilis B dan tidak diterapkan (lihat tidak_cocok.parquet)"
        )
    return lines


_STATUS_LABEL = {
    SAMA: "kode sama",
    GANTI_KODE: "ganti kode",
    DIGABUNG: "digabung",
    DIPECAH: "dipecah",
    PEMEKARAN: "hasil pemekaran",
    HANYA_A: "hanya di rilis A",
    HANYA_B: "hanya di rilis B",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl compare", description="Bandingkan dua rilis data (snapshot dan penyimpanan keluarganya)"
    )
    parser.add_argument("rilis_a", help="rilis awal: folder snapshot, atau nama folder di bawah folder snapshot")
    parser.add_argument("rilis_b", help="rilis berikutnya: folder snapshot, atau nama folder di bawah folder snapshot")
    parser.add_argument("--out", type=Path, required=True, help="folder keluaran (Parquet dan ringkasan.json)")
    parser.add_argument(
        "--crosswalk", type=Path, default=None, help="tabel padanan kode (kode_lama, kode_baru), csv/xlsx"
    )
    args = parser.parse_args(argv)
    try:
        comparison = compare(resolve_release(args.rilis_a), resolve_release(args.rilis_b), args.crosswalk)
        write(comparison, args.out)
    except (CompareError, InputError) as err:
        print(f"Gagal: {err}", file=sys.stderr)
        return 2
    for line in report_lines(comparison):
        print(line)
    from kantong.fmt import angka

    print(f"Hasil: {args.out} ({angka(comparison.ringkasan['durasi_detik'], 1)} detik)")
    if comparison.invarian_gagal:
        print("Pemeriksaan konsistensi gagal: " + ", ".join(comparison.invarian_gagal), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
