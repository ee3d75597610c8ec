"""A small, messy, hand-checkable set of exports (all people invented).

Reference date 2023-08-22. The expected numbers in EXPECTED_PROVINSI were counted by hand
from the rows below; each family's story:

F1  13.01.01.2001  desil "Desil 1", 10-digit code. Head A (female). In DTKS via A (active,
    PKH). P3KE PKH = Ya. Earth floor, unprotected well, no toilet, stunting risk.
    Members A (38), B (2: balita, anak).
F2  13.01.01.2001  desil "1", dotted code. Head NIK stored as a number in the family file
    (invalid), but members C, D are valid text in the individual file; D is active in DTKS
    with no programme -> in DTKS without bansos. Roof JELEK -> unfit house; surface water;
    toilet "UMUM / BERSAMA" (has one). Members C (63), D (60: birthday tomorrow), J (13,
    NIK with a leading apostrophe, date 15/06/2010).
F3  13.01.01.2002  desil 2. Member E, active in DTKS with PKH. (Not desil 1.)
F1' duplicate of F1 on a later line -> rejected.
F5  code "13010299" (unplaceable), names "KAB. CONTOH / KECAMATAN DUA / NAGARI GAMMA" ->
    resolved by name to 13.01.02.2001. Head NIK empty. Member G stored as a number in the
    xlsx (invalid), so G's active DTKS record cannot match -> not in DTKS. Age 70 from
    "Usia 2023" (no birth date).
F6  13.01.02.2002, a nagari without polygon under an existing kecamatan -> accepted,
    flagged. Head H (female "P") valid in the family file only; H active in DTKS with PBI ->
    in DTKS, bansos. Member K (4) has a NONAKTIF DTKS record with PKH -> PKH not counted.
    Water LAINNYA, toilet cell empty.
F7  code of another province, unknown names -> rejected; its member rejected too.
F8  "Desil 5" -> rejected.      F9  empty ID -> rejected.      line 13: too few columns.
F10 13.71.01.1001 (kota). Head I valid; I's DTKS record says deceased -> not in DTKS, but
    P3KE "Penerima SEMBAKO" = Ya -> receives bansos. Members I (73, Excel date cell),
    one with an empty NIK (13), one with a 15-digit NIK (18: turned 18 yesterday).

Disability (DTKS notes): A's active record notes "DISABILITAS FISIK" -> F1 counts 1 person;
D's says "TIDAK ADA" and H's "-" (none); E's is in a desil-2 family; K's record is NONAKTIF,
G's NIK is invalid on the P3KE side and I's record says deceased -> none of those counts.
Elderly living alone: F5 is the only desil-1 family with a single member aged 60+ (G, 70).

Formats: keluarga.csv is UTF-8 with a byte-order mark; individu.xlsx has a cover sheet
("Sampul") and its data split over "Data 1" (title row, header on row 2, 9 members) and
"Data 2" (header repeated on row 1, 4 members: F99 and F7's on rows 4 and 5);
dtks_b.txt is Excel's "Unicode Text" (UTF-16 LE with BOM, tabs, CRLF).

For the family store (BNBA) the family file also carries "Alamat" and "Nama Kepala
Keluarga" (FAMILY_BNBA, after its other columns) and the individual file "Jenis Kelamin"
and "Hubungan dengan Kepala Keluarga" (MEMBER_BNBA): messy spacing, a sex typed as a number
(2 -> P), lower case ("Pria" -> L) and an unknown code ("X" -> none).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

REFERENCE_DATE = dt.date(2023, 8, 22)

A, B, C, D = "1301014101850001", "1301010109200002", "1301012208600003", "1301012308620004"
E, G, H, I = "1301010101900005", "1301020101530006", "1301024505950007", "1371010101500008"
J, K = "1301011506100009", "1301022208190010"

FAMILY_HEADER = [
    "ID Keluarga P3KE",
    "Kabupaten/Kota",
    "Kecamatan",
    "Desa/Kelurahan",
    "Kode Kemdagri",
    "Desil Kesejahteraan",
    "NIK Kepala Keluarga",
    "Jenis Kelamin Kepala Keluarga",
    "Jenis Lantai",
    "Kualitas Atap",
    "Kualitas Dinding",
    "Kualitas Lantai",
    "Sumber Air Minum",
    "Memiliki fasilitas Buang Air Besar",
    "Resiko Stunting",
    "Penerima BPNT",
    "Penerima PKH",
    "Penerima SEMBAKO",
    "Catatan Petugas",
]
GOOD = ["BAGUS/KUALITAS TINGGI"] * 3
FAMILY_ROWS = [
    [
        "F1",
        "KAB. CONTOH",
        "SATU",
        "ALPHA",
        "1301012001",
        "Desil 1",
        A,
        "PEREMPUAN",
        "TANAH",
        *GOOD,
        "SUMUR TIDAK TERLINDUNG",
        "KOSONG",
        "BERESIKO STUNTING",
        "Tidak",
        "Ya",
        "Tidak",
        "",
    ],
    [
        "F2",
        "KAB. CONTOH",
        "SATU",
        "ALPHA",
        "13.01.01.2001",
        "1",
        "1.30101E+15",
        "LAKI-LAKI",
        "SEMEN",
        "JELEK/KUALITAS RENDAH",
        "BAGUS/KUALITAS TINGGI",
        "BAGUS/KUALITAS TINGGI",
        "AIR PERMUKAAN (SUNGAI/DANAU)",
        "UMUM / BERSAMA",
        "TIDAK BERESIKO STUNTING",
        "Tidak",
        "Tidak",
        "Tidak",
        "",
    ],
    [
        "F3",
        "KAB. CONTOH",
        "SATU",
        "BETA",
        "1301012002",
        "2",
        E,
        "LAKI-LAKI",
        "SEMEN",
        *GOOD,
        "LEDENG/PAM",
        "MILIK SENDIRI",
        "TIDAK BERESIKO STUNTING",
        "0",
        "0",
        "0",
        "",
    ],
    [
        "F1",
        "KAB. CONTOH",
        "SATU",
        "ALPHA",
        "1301012001",
        "Desil 1",
        A,
        "PEREMPUAN",
        "TANAH",
        *GOOD,
        "SUMUR TIDAK TERLINDUNG",
        "KOSONG",
        "BERESIKO STUNTING",
        "Tidak",
        "Ya",
        "Tidak",
        "ganda",
    ],
    [
        "F5",
        "KAB. CONTOH",
        "KECAMATAN DUA",
        "NAGARI  GAMMA",
        "13010299",
        "Desil 1",
        "",
        "LAKI-LAKI",
        "KAYU/PAPAN",
        *GOOD,
        "LEDENG/PAM",
        "MILIK SENDIRI",
        "BUKAN TARGET SASARAN",
        "Tidak",
        "Tidak",
        "Tidak",
        "",
    ],
    [
        "F6",
        "KAB. CONTOH",
        "DUA",
        "NAGARI EPSILON",
        "1301022002",
        "1",
        H,
        "P",
        "SEMEN",
        *GOOD,
        "LAINNYA",
        "",
        "TIDAK BERESIKO STUNTING",
        "Tidak",
        "Tidak",
        "Tidak",
        "",
    ],
    [
        "F7",
        "KAB. NIAS",
        "IDANOGAWO",
        "TETEHOSI",
        "1201012001",
        "1",
        "1201010101800011",
        "LAKI-LAKI",
        "SEMEN",
        *GOOD,
        "LEDENG/PAM",
        "MILIK SENDIRI",
        "",
        "Tidak",
        "Tidak",
        "Tidak",
        "",
    ],
    [
        "F8",
        "KAB. CONTOH",
        "SATU",
        "ALPHA",
        "1301012001",
        "Desil 5",
        "1301010101800012",
        "LAKI-LAKI",
        "SEMEN",
        *GOOD,
        "LEDENG/PAM",
        "MILIK SENDIRI",
        "",
        "Tidak",
        "Tidak",
        "Tidak",
        "",
    ],
    [
        "",
        "KAB. CONTOH",
        "SATU",
        "ALPHA",
        "1301012001",
        "1",
        "1301010101800013",
        "LAKI-LAKI",
        "SEMEN",
        *GOOD,
        "LEDENG/PAM",
        "MILIK SENDIRI",
        "",
        "Tidak",
        "Tidak",
        "Tidak",
        "",
    ],
    None,  # a line with too few columns
    [
        "F10",
        "KOTA CONTOH",
        "KOTA SATU",
        "DELTA",
        "1371011001",
        "1",
        I,
        "LAKI-LAKI",
        "KERAMIK/MARMER/GRANIT",
        *GOOD,
        "AIR KEMASAN/ISI ULANG",
        "MILIK SENDIRI",
        "TIDAK BERESIKO STUNTING",
        "Tidak",
        "Tidak",
        "Ya",
        "",
    ],
]

# "Alamat", "Nama Kepala Keluarga" of each row of FAMILY_ROWS, written after its columns.
FAMILY_BNBA_HEADER = ["Alamat", "Nama Kepala Keluarga"]
FAMILY_BNBA = [
    ["Jorong  Koto Tangah, RT 001 ", "Warga Satu"],  # F1
    ["JORONG PASAR", "  Warga   Tiga"],  # F2
    ["Jorong Balai Baru", "Warga Enam"],  # F3
    ["Jorong Lain", "Warga Satu Ganda"],  # F1's rejected copy
    ["", "Warga Tujuh"],  # F5
    ["Jorong Ateh", "Warga Kepala"],  # F6
    ["Dusun Tetehosi", "Warga Empatbelas"],  # F7, rejected
    ["Jorong Pasar", "Warga Limabelas"],  # F8, rejected
    ["Jorong Pasar", "Warga Enambelas"],  # no ID, rejected
    None,
    ["Jl. Delta No. 5", "Warga Sembilan"],  # F10
]

EXPECTED_PROVINSI = {
    "kk_total": 6,
    "kk_desil_1": 5,
    "kk_desil_2": 1,
    "kk_desil_3": 0,
    "kk_desil_4": 0,
    "jiwa_total": 11,
    "jiwa_desil_1": 10,
    "kk_d1_dtks": 3,
    "kk_d1_non_dtks": 2,
    "kk_d1_bansos": 3,
    "kk_d1_dtks_tanpa_bansos": 1,
    "kk_d1_pkh": 1,
    "kk_d1_sembako": 1,
    "kk_d1_pbi": 1,
    "pct_d1_non_dtks": 40.0,
    "pct_d1_dtks_tanpa_bansos": 20.0,
    "pct_d1_bansos": 60.0,
    "jiwa_d1_balita": 2,
    "jiwa_d1_anak": 4,
    "jiwa_d1_lansia": 4,
    "jiwa_d1_disabilitas": 1,
    "kk_d1_disabilitas": 1,
    "pct_jiwa_d1_disabilitas": 10.0,
    "pct_kk_d1_disabilitas": 20.0,
    "kk_d1_lansia_tunggal": 1,
    "kk_d1_kepala_perempuan": 2,
    "kk_d1_lantai_tanah": 1,
    "kk_d1_rumah_tidak_layak": 2,
    "kk_d1_air_tidak_layak": 3,
    "kk_d1_tanpa_jamban": 2,
    "kk_d1_risiko_stunting": 1,
}


def write_family_csv(path: Path) -> Path:
    lines = ["DATA KELUARGA P3KE (UJI)", "Sumber: uji;;;", ";".join(FAMILY_HEADER)]
    lines[-1] += ";" + ";".join(FAMILY_BNBA_HEADER)
    for row, bnba in zip(FAMILY_ROWS, FAMILY_BNBA, strict=True):
        lines.append("F11;KAB. CONTOH;SATU" if row is None else ";".join(row + bnba))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


# "Jenis Kelamin", "Hubungan dengan Kepala Keluarga" of each member row, after its columns.
MEMBER_BNBA_HEADER = ["Jenis Kelamin", "Hubungan dengan Kepala Keluarga"]
MEMBER_BNBA = [
    ["PEREMPUAN", "KEPALA KELUARGA"],  # F1-1
    ["L", "ANAK"],  # F1-2
    ["LAKI-LAKI", "KEPALA KELUARGA"],  # F2-1
    [2.0, "ISTRI"],  # F2-2: a number cell
    ["Pria", "Anak"],  # F2-3
    ["LAKI-LAKI", "KEPALA KELUARGA"],  # F3-1
    ["1", "KEPALA KELUARGA"],  # F5-1
    ["P", "  Anak   Kandung "],  # F6-2
    ["LAKI-LAKI", "KEPALA KELUARGA"],  # F10-1
    ["X", "CUCU"],  # F10-2
    ["", ""],  # F10-3
    ["LAKI-LAKI", "KEPALA KELUARGA"],  # F99-1, rejected
    ["LAKI-LAKI", "KEPALA KELUARGA"],  # F7-1, rejected
]


def write_individu_xlsx(path: Path) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Sampul").write_string(0, 0, "Data individu P3KE Kab. Contoh: dua lembar data")
    first, second = book.add_worksheet("Data 1"), book.add_worksheet("Data 2")
    first.write_string(0, 0, "DATA INDIVIDU P3KE (UJI)")
    header = ["ID Keluarga P3KE", "ID Individu", "Nama", "NIK", "Tanggal Lahir", "Usia 2023"] + MEMBER_BNBA_HEADER
    for c, h in enumerate(header):
        first.write_string(1, c, h)
        second.write_string(0, c, h)
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    rows = [
        ("F1", "F1-1", "Warga Satu", A, "1985-01-01", "38"),
        ("F1", "F1-2", "Warga Dua", B, "2020-09-01", "2"),
        ("F2", "F2-1", "Warga Tiga", C, "1960-08-22", "63"),
        ("F2", "F2-2", "Warga Empat", D, "1962-08-23", "61"),
        ("F2", "F2-3", "Warga Lima", "'" + J, "15/06/2010", ""),
        ("F3", "F3-1", "Warga Enam", E, "1990-01-01", "33"),
        ("F5", "F5-1", "Warga Tujuh", float(G), "", "70"),  # a NIK typed as a number
        ("F6", "F6-2", "Warga Delapan", K, "2019-08-22", "4"),
        ("F10", "F10-1", "Warga Sembilan", I, dt.datetime(1950, 1, 1), "73"),  # a real date cell
        ("F10", "F10-2", "Warga Sepuluh", "", "2010-01-01", "13"),
        ("F10", "F10-3", "Warga Sebelas", "130171010101000", "2005-08-21", "18"),
        ("F99", "F99-1", "Warga Duabelas", "1301010101800014", "1980-01-01", "43"),
        ("F7", "F7-1", "Warga Tigabelas", "1201010101800011", "1980-01-01", "43"),
    ]
    rows = [row + tuple(bnba) for row, bnba in zip(rows, MEMBER_BNBA, strict=True)]
    placed = [(first, r) for r in range(2, 11)] + [(second, r) for r in range(1, 5)]
    for (sheet, r), row in zip(placed, rows):
        for c, v in enumerate(row):
            if isinstance(v, float):
                sheet.write_number(r, c, v)
            elif isinstance(v, dt.datetime):
                sheet.write_datetime(r, c, v, date_fmt)
            elif v != "":
                sheet.write_string(r, c, v)
    book.close()
    return path


def write_dtks(folder: Path) -> list[Path]:
    a = folder / "dtks_a.csv"
    a.write_text(
        "ID DTKS|Nik|Nama|Bansos_Pkh|Bansos_Bpnt|Pbi_Jkn|Status|Disabilitas\n"
        f"D1|{A}|Warga Satu|Ya|Tidak|Tidak|AKTIF|DISABILITAS FISIK\n"
        f"D2|{D}|Warga Empat|0|0|0|AKTIF|TIDAK ADA\n"
        f"D3|{E}|Warga Enam|1|0|0|AKTIF|DISABILITAS SENSORIK NETRA\n"
        f"D4|{H}|Warga Kepala|Tidak|Tidak|Ya|AKTIF|-\n"
        f"D5|{K}|Warga Delapan|Ya|Tidak|Tidak|NONAKTIF|DISABILITAS MENTAL\n"
        f"D6|{G}|Warga Tujuh|Ya|Ya|Ya|AKTIF|DISABILITAS GANDA\n",
        encoding="utf-8",
    )
    b = folder / "dtks_b.txt"  # Excel's "Unicode Text"
    text = (
        "NIK\tPKH\tBPNT\tPBI\tis_nonaktif\tketerangan_meninggal\tketerangan_disabilitas\r\n"
        f"{I}\t0\t1\t0\tfalse\tMENINGGAL\tDISABILITAS FISIK\r\n"
        "1.30101E+15\t1\t0\t0\tfalse\t\t\r\n"
        "9999999999999999\t0\t0\t1\ttrue\t\t\r\n"
        "\t0\t0\t0\tfalse\t\t\r\n"
    )
    b.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    return [a, b]


def _square(x: float, y: float, size: float = 0.1) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def write_boundaries(folder: Path) -> Path:
    """A desa layer in BIG's column names only; kecamatan and kab/kota must be dissolved."""
    folder.mkdir(parents=True, exist_ok=True)
    feats = [
        ("13.01.01.2001", "Alpha", "Satu", "Contoh", _square(100.0, -1.0)),
        ("13.01.01.2002", "Beta", "Satu", "Contoh", _square(100.1, -1.0)),
        ("13.01.02.2001", "Gamma", "Dua", "Contoh", _square(100.0, -1.1)),
        ("13.71.01.1001", "Delta", "Kota Satu", "Kota Contoh", _square(100.3, -1.0)),
    ]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"KDEPUM": k, "WADMKD": n, "WADMKC": kc, "WADMKK": kb}, "geometry": g}
            for k, n, kc, kb, g in feats
        ],
    }
    path = folder / "desa_big.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    return folder


def write_all(folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "keluarga": [write_family_csv(folder / "keluarga.csv")],
        "individu": [write_individu_xlsx(folder / "individu.xlsx")],
        "dtks": write_dtks(folder),
        "boundaries": write_boundaries(folder / "batas"),
    }


def build_inputs(folder: Path, out: Path):
    """Write every fixture file under `folder` and return the ETL inputs that build them into `out`."""
    from etl.pipeline import BuildInputs

    paths = write_all(folder)
    return BuildInputs(
        keluarga=paths["keluarga"],
        individu=paths["individu"],
        dtks=paths["dtks"],
        boundaries=paths["boundaries"],
        reference_date=REFERENCE_DATE,
        out=out,
    )


# ----------------------------------------------------------------------------- another province

OTHER_PROVINCE = "63"  # Kalimantan Selatan's code; every name and person below is invented
OTHER_DESA = [  # kode, desa, kecamatan, kab/kota, D1 families, of them outside DTKS
    ("63.01.01.2001", "Sungai Alang", "Hulu Satu", "Kabupaten Banua Uji", 12, 3),
    ("63.01.01.2002", "Pantai Hambawang", "Hulu Satu", "Kabupaten Banua Uji", 4, 4),
    ("63.01.02.2001", "Tanjung Uji", "Hulu Dua", "Kabupaten Banua Uji", 20, 10),
    ("63.71.01.1001", "Kelurahan Pasar Uji", "Kota Uji Tengah", "Kota Uji", 8, 0),
]


def write_other_province(folder: Path) -> dict:
    """A small province of its own codes: 2 kab/kota, 3 kecamatan, 4 desa (as a desa-only
    boundary layer) and, per desa, the D1 families above with one member each, those in
    DTKS having an active record. Expected D1 families: 44, of them 17 outside DTKS."""
    folder.mkdir(parents=True, exist_ok=True)
    family = [
        "ID Keluarga P3KE,Kabupaten/Kota,Kecamatan,Desa/Kelurahan,Kode Kemdagri,Desil Kesejahteraan,NIK Kepala Keluarga"
    ]
    members = ["ID Keluarga P3KE,NIK,Tanggal Lahir"]
    dtks = ["NIK,PKH,BPNT,PBI,Status"]
    features = []
    for d, (kode, desa, kec, kab, d1, outside) in enumerate(OTHER_DESA):
        digits = kode.replace(".", "")
        for i in range(d1):
            nik = f"{digits[:6]}0101{80 + d:02d}{i + 1:04d}"
            family.append(f"U{d}{i:03d},{kab.upper()},{kec.upper()},{desa.upper()},{digits},1,{nik}")
            members.append(f"U{d}{i:03d},{nik},1980-01-01")
            if i >= outside:
                dtks.append(f"{nik},1,0,1,AKTIF")
        x, y = 115.0 + 0.1 * d, -3.0
        features.append(
            {
                "type": "Feature",
                "properties": {"kode": kode, "nama": desa},
                "geometry": _square(x, y) if d < 3 else _square(x + 0.2, y),
            }
        )
    (folder / "keluarga_uji.csv").write_text("\n".join(family) + "\n", encoding="utf-8")
    (folder / "individu_uji.csv").write_text("\n".join(members) + "\n", encoding="utf-8")
    (folder / "dtks_uji.csv").write_text("\n".join(dtks) + "\n", encoding="utf-8")
    batas = folder / "batas_uji"
    batas.mkdir(exist_ok=True)
    (batas / "desa.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return {
        "keluarga": [folder / "keluarga_uji.csv"],
        "individu": [folder / "individu_uji.csv"],
        "dtks": [folder / "dtks_uji.csv"],
        "boundaries": batas,
    }


def other_province_inputs(folder: Path, out: Path):
    from etl.pipeline import BuildInputs

    paths = write_other_province(folder)
    return BuildInputs(
        keluarga=paths["keluarga"],
        individu=paths["individu"],
        dtks=paths["dtks"],
        boundaries=paths["boundaries"],
        reference_date=REFERENCE_DATE,
        out=out,
    )


def build_two_provinces(folder: Path) -> Path:
    """The hand-counted Sumatera Barat fixture and the other province built into one
    snapshot under folder/snapshots/dua; returns the snapshot root."""
    import shutil

    from etl.pipeline import BuildInputs, build

    ours, other = write_all(folder / "sb"), write_other_province(folder / "lain")
    batas = folder / "batas"
    batas.mkdir()
    shutil.copy(ours["boundaries"] / "desa_big.geojson", batas / "desa_sb.geojson")
    shutil.copy(other["boundaries"] / "desa.geojson", batas / "desa_lain.geojson")
    build(
        BuildInputs(
            keluarga=ours["keluarga"] + other["keluarga"],
            individu=ours["individu"] + other["individu"],
            dtks=ours["dtks"] + other["dtks"],
            boundaries=batas,
            reference_date=REFERENCE_DATE,
            out=folder / "snapshots" / "dua",
        )
    )
    return folder / "snapshots"


def built_root(folder: Path) -> Path:
    """`folder` with the fixture's snapshot built in it (folder/snapshots/a)."""
    from etl.pipeline import build

    build(build_inputs(folder / "input", folder / "snapshots" / "a"))
    return folder


def fixture_app(root: Path):
    """The dashboard on a built_root folder, with its own plans, accounts, audit log and
    verification results there."""
    from app import create_app

    return create_app(
        root / "snapshots",
        root / "rencana.sqlite",
        root / "app",
        users_db=root / "akun.sqlite",
        audit_db=root / "audit.sqlite",
        verval_db=root / "verval.sqlite",
    )
