"""Releases to compare (etl/compare.py), built by the real pipeline from the hand-checkable
fixture (tests/fixtures.py) and from copies of its input files changed family by family.

Release A is the fixture as it is: F1, F2 (13.01.01.2001), F3 (desil 2, 13.01.01.2002),
F5 (13.01.02.2001, "Gamma"), F6 (13.01.02.2002, a nagari only the data knows), F10
(13.71.01.1001); all desil 1 but F3.

Release B, a later export (all people invented):
    F1   desil 1 -> 3: leaves desil 1 (a graduation candidate).
    F2   D's DTKS record now has PKH: starts receiving bansos (already in DTKS).
    F3   its P3KE ID became "F3X" and its desil 2 -> 1: matched only by the head's NIK (E).
    F5   nagari Gamma got the code 13.01.02.2003 (boundary layer and family file): the
         crosswalk 13.01.02.2001 -> 13.01.02.2003 carries it over.
    F6   gone; with it 13.01.02.2002, which no boundary knows, is not in B at all.
    F10  I's DTKS record no longer says deceased: enters DTKS.
    F20  new: desil 1 in 13.01.01.2002, head NIK_F20, not in DTKS.

Release C splits nagari Alpha: 13.01.01.2001 keeps F1, F2 moves to the new nagari
13.01.01.2003 ("Alpha Baru", same kecamatan); everything else as in A.
"""

from __future__ import annotations

import json
from pathlib import Path

from etl import config
from etl.pipeline import BuildInputs, build
from tests import fixtures

NIK_F20 = "1301010101950020"
GAMMA_LAMA, GAMMA_BARU = "13.01.02.2001", "13.01.02.2003"
ALPHA, ALPHA_BARU = "13.01.01.2001", "13.01.01.2003"

INDIVIDU_HEADER = [
    "ID Keluarga P3KE",
    "ID Individu",
    "Nama",
    "NIK",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Hubungan dengan Kepala Keluarga",
]
# The fixture's members (its individu.xlsx) as text rows; G's NIK as Excel mangled it.
MEMBERS = [
    ("F1", "F1-1", "Warga Satu", fixtures.A, "1985-01-01", "P", "KEPALA KELUARGA"),
    ("F1", "F1-2", "Warga Dua", fixtures.B, "2020-09-01", "L", "ANAK"),
    ("F2", "F2-1", "Warga Tiga", fixtures.C, "1960-08-22", "L", "KEPALA KELUARGA"),
    ("F2", "F2-2", "Warga Empat", fixtures.D, "1962-08-23", "P", "ISTRI"),
    ("F2", "F2-3", "Warga Lima", fixtures.J, "2010-06-15", "L", "ANAK"),
    ("F3", "F3-1", "Warga Enam", fixtures.E, "1990-01-01", "L", "KEPALA KELUARGA"),
    ("F5", "F5-1", "Warga Tujuh", "1.30102E+15", "1953-01-01", "L", "KEPALA KELUARGA"),
    ("F6", "F6-2", "Warga Delapan", fixtures.K, "2019-08-22", "P", "ANAK"),
    ("F10", "F10-1", "Warga Sembilan", fixtures.I, "1950-01-01", "L", "KEPALA KELUARGA"),
    ("F10", "F10-2", "Warga Sepuluh", "", "2010-01-01", "", "CUCU"),
    ("F10", "F10-3", "Warga Sebelas", "130171010101000", "2005-08-21", "", ""),
]
F20_ROW = [
    "F20",
    "KAB. CONTOH",
    "SATU",
    "BETA",
    "1301012002",
    "1",
    NIK_F20,
    "LAKI-LAKI",
    "SEMEN",
    *fixtures.GOOD,
    "LEDENG/PAM",
    "MILIK SENDIRI",
    "TIDAK BERESIKO STUNTING",
    "Tidak",
    "Tidak",
    "Tidak",
    "",
    "Jorong Baru",
    "Warga Duapuluh",
]


def snapshot_path(root: Path, name: str) -> Path:
    return root / "snapshots" / name


def _inputs(files: dict, out: Path) -> BuildInputs:
    return BuildInputs(
        keluarga=files["keluarga"],
        individu=files["individu"],
        dtks=files["dtks"],
        boundaries=files["boundaries"],
        reference_date=fixtures.REFERENCE_DATE,
        out=out,
        families_out=config.family_dir(out),
    )


def build_release_a(root: Path) -> Path:
    out = snapshot_path(root, "a")
    build(_inputs(fixtures.write_all(root / "masukan_a"), out))
    return out


def build_release_b(root: Path) -> Path:
    folder = root / "masukan_b"
    files = fixtures.write_all(folder)  # then changed file by file
    _write_family_csv(files["keluarga"][0], _family_rows_b())
    files["individu"] = [_write_members(folder / "individu.csv", _members_b())]
    _replace_text(
        files["dtks"][0],
        "utf-8",
        f"D2|{fixtures.D}|Warga Empat|0|0|0|AKTIF",
        f"D2|{fixtures.D}|Warga Empat|Ya|0|0|AKTIF",
    )
    _replace_text(files["dtks"][1], "utf-16", "false\tMENINGGAL\t", "false\t\t")
    _recode_boundary(files["boundaries"], GAMMA_LAMA, GAMMA_BARU)
    out = snapshot_path(root, "b")
    build(_inputs(files, out))
    return out


def build_release_c(root: Path) -> Path:
    folder = root / "masukan_c"
    files = fixtures.write_all(folder)
    rows = []
    for row, bnba in _fixture_rows():
        if row[0] == "F2":
            row[4] = ALPHA_BARU.replace(".", "")
        rows.append(row + bnba)
    _write_family_csv(files["keluarga"][0], rows)
    _add_boundary(files["boundaries"], ALPHA_BARU, "Alpha Baru", ALPHA)
    out = snapshot_path(root, "c")
    build(_inputs(files, out))
    return out


def _fixture_rows() -> list[tuple[list[str], list[str]]]:
    """The fixture's family rows (without its line of too few columns), as copies."""
    return [(list(r), list(b)) for r, b in zip(fixtures.FAMILY_ROWS, fixtures.FAMILY_BNBA) if r is not None]


def _family_rows_b() -> list[list[str]]:
    rows = []
    for row, bnba in _fixture_rows():
        if row[0] == "F6":
            continue
        if row[0] == "F1":
            row[5] = "Desil 3"
        elif row[0] == "F3":
            row[0], row[5] = "F3X", "1"
        elif row[0] == "F5":
            row[4] = GAMMA_BARU.replace(".", "")
        rows.append(row + bnba)
    return rows + [F20_ROW]


def _members_b() -> list[tuple[str, ...]]:
    renamed = {"F3": "F3X"}
    members = [(renamed.get(m[0], m[0]),) + m[1:] for m in MEMBERS if m[0] != "F6"]
    return members + [("F20", "F20-1", "Warga Duapuluh", NIK_F20, "1995-01-01", "L", "KEPALA KELUARGA")]


def _write_family_csv(path: Path, rows: list[list[str]]) -> None:
    header = fixtures.FAMILY_HEADER + fixtures.FAMILY_BNBA_HEADER
    lines = ["DATA KELUARGA P3KE (UJI, RILIS BERIKUTNYA)", ";".join(header)] + [";".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def _write_members(path: Path, members: list[tuple[str, ...]]) -> Path:
    lines = [";".join(INDIVIDU_HEADER)] + [";".join(m) for m in members]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _replace_text(path: Path, encoding: str, old: str, new: str) -> None:
    text = path.read_text(encoding=encoding)
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding=encoding)


def _boundary_file(folder: Path) -> tuple[Path, dict]:
    path = folder / "desa_big.geojson"
    return path, json.loads(path.read_text(encoding="utf-8"))


def _recode_boundary(folder: Path, old: str, new: str) -> None:
    path, collection = _boundary_file(folder)
    for feature in collection["features"]:
        if feature["properties"]["KDEPUM"] == old:
            feature["properties"]["KDEPUM"] = new
    path.write_text(json.dumps(collection), encoding="utf-8")


def _add_boundary(folder: Path, kode: str, nama: str, beside: str) -> None:
    """A new nagari: a square south of `beside`'s (the fixture's squares are 0.1° wide)."""
    path, collection = _boundary_file(folder)
    source = next(f for f in collection["features"] if f["properties"]["KDEPUM"] == beside)
    ring = [[x, y - 0.3] for x, y in source["geometry"]["coordinates"][0]]
    properties = dict(source["properties"], KDEPUM=kode, WADMKD=nama)
    feature = {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    collection["features"].append(feature)
    path.write_text(json.dumps(collection), encoding="utf-8")
