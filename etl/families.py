"""The family store (BNBA): loaded families and their members by name and address, in the
columns kantong/families.py fixes, built beside the snapshot but never written into it.

Only loaded rows are here: a family rejected (duplicate ID, desil outside 1-4, no region...)
is in neither table, nor are its members. The family flags and counts are the ones the
indicators were counted from (etl.match.match_families), so a list of families agrees with
the map.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from etl.duck import registered

# Bumped when the columns change; the reader refuses a store of another version.
FAMILY_SCHEMA_VERSION = 1

KELUARGA_SCHEMA = pa.schema(
    [
        ("id_keluarga", pa.string()),
        ("kode_desa", pa.string()),
        ("alamat", pa.string()),
        ("nama_kepala", pa.string()),
        ("nik_kepala", pa.string()),
        ("jenis_kelamin_kepala", pa.string()),
        ("desil", pa.int32()),
        ("di_dtks", pa.bool_()),
        ("bansos", pa.bool_()),
        ("pkh", pa.bool_()),
        ("sembako", pa.bool_()),
        ("pbi", pa.bool_()),
        ("rumah_tidak_layak", pa.bool_()),
        ("air_tidak_layak", pa.bool_()),
        ("tanpa_jamban", pa.bool_()),
        ("risiko_stunting", pa.bool_()),
        ("lantai_tanah", pa.bool_()),
        ("jiwa", pa.int32()),
        ("balita", pa.int32()),
        ("anak", pa.int32()),
        ("lansia", pa.int32()),
        ("disabilitas", pa.int32()),
    ]
)

ANGGOTA_SCHEMA = pa.schema(
    [
        ("id_keluarga", pa.string()),
        ("id_individu", pa.string()),
        ("nik", pa.string()),
        ("nama", pa.string()),
        ("jenis_kelamin", pa.string()),
        ("tanggal_lahir", pa.date32()),
        ("umur", pa.int32()),
        ("hubungan", pa.string()),
    ]
)

# After the head's columns, every column comes from match_families: what the indicators counted.
_HEAD = ("id_keluarga", "kode_desa", "alamat", "nama_kepala", "nik_kepala", "jenis_kelamin_kepala")
_FROM_MATCH = KELUARGA_SCHEMA.names[len(_HEAD) :]


def keluarga_table(con: duckdb.DuckDBPyConnection, keluarga: pa.Table, families: pa.Table) -> pa.Table:
    """One row per loaded family (`keluarga`: the placed, deduplicated family rows with `kk`;
    `families`: match_families' output), sorted by nagari then family ID, so that one
    nagari's families lie in one or two row groups of the file."""
    kel = keluarga.select(["kk", "id_keluarga", "alamat", "nama_kepala", "nik_kepala", "jenis_kelamin_kepala"])
    fam = families.select(["kk", "kode_desa", *_FROM_MATCH])
    flags = ", ".join(f"f.{name}" for name in _FROM_MATCH)
    with registered(con, bnba_kel=kel, bnba_fam=fam):
        table = con.sql(
            f"""SELECT k.id_keluarga, f.kode_desa, k.alamat, k.nama_kepala, k_nik16(k.nik_kepala) AS nik_kepala,
                    k.jenis_kelamin_kepala, {flags}
                FROM bnba_fam f JOIN bnba_kel k USING (kk)
                ORDER BY f.kode_desa, k.id_keluarga"""
        ).to_arrow_table()
    return table.cast(KELUARGA_SCHEMA)


def anggota_table(con: duckdb.DuckDBPyConnection, keluarga: pa.Table, individu: pa.Table) -> pa.Table:
    """One row per loaded member (`individu`: split_individu output, with `kk`), sorted by
    family ID and, inside a family, in the order of the export."""
    kel = keluarga.select(["kk", "id_keluarga"])
    ind = individu.select(
        [
            "kk",
            "_berkas_ke",
            "_baris",
            "id_individu",
            "nik",
            "nama",
            "jenis_kelamin",
            "tanggal_lahir",
            "umur",
            "hubungan",
        ]
    )
    with registered(con, bnba_kel=kel, bnba_ind=ind):
        table = con.sql(
            """SELECT k.id_keluarga, i.id_individu, k_nik16(i.nik) AS nik, i.nama, i.jenis_kelamin,
                   i.tanggal_lahir, i.umur, i.hubungan
               FROM bnba_ind i JOIN bnba_kel k USING (kk)
               ORDER BY k.id_keluarga, i._berkas_ke, i._baris"""
        ).to_arrow_table()
    return table.cast(ANGGOTA_SCHEMA)


def sumber(
    build_id: str, snapshot_name: str, reference_date: dt.date, dibuat_pada: str, tables: dict[str, pa.Table]
) -> dict:
    """sumber.json: which snapshot build the store belongs to (the same `id_build` is in
    that snapshot's summary.json), and what it holds."""
    return {
        "versi_skema": FAMILY_SCHEMA_VERSION,
        "id_build": build_id,
        "snapshot": snapshot_name,
        "dibuat_pada": dibuat_pada,
        "tanggal_referensi": reference_date.isoformat(),
        **{name: table.num_rows for name, table in tables.items()},
    }
