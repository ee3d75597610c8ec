"""Match P3KE families against DTKS by member NIK, and derive the family table the
indicators are counted from (one row per loaded family)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from etl.duck import registered

# Columns of the family table that indicator filters (etl.indicators) may use.
FAMILY_COLUMNS = (
    "kode_desa",
    "desil",
    "di_dtks",
    "bansos",
    "pkh",
    "sembako",
    "pbi",
    "kepala_perempuan",
    "lantai_tanah",
    "rumah_tidak_layak",
    "air_tidak_layak",
    "tanpa_jamban",
    "risiko_stunting",
    "jiwa",
    "balita",
    "anak",
    "lansia",
    "lansia_tunggal",
    "disabilitas",
)


def match_families(
    con: duckdb.DuckDBPyConnection, keluarga: pa.Table, individu: pa.Table, dtks: pa.Table
) -> tuple[pa.Table, dict]:
    """Family flags: in DTKS when any valid member NIK (the head's from the family file
    included) has an active DTKS record; bansos from the P3KE flags or those records.
    `disabilitas` counts the family's NIKs whose active DTKS record notes a disability:
    P3KE carries no disability column, so members not found in DTKS cannot be counted."""
    with registered(con, kel=keluarga, ind=individu, dtks=dtks):
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE dtks_aktif AS
            SELECT nik, bool_or(pkh) AS pkh, bool_or(sembako) AS sembako, bool_or(pbi) AS pbi,
                bool_or(disabilitas) AS disabilitas
            FROM dtks WHERE aktif GROUP BY nik;

            CREATE OR REPLACE TEMP TABLE nik_keluarga AS
            SELECT DISTINCT kk, nik FROM (
                SELECT kk, nik FROM ind WHERE nik IS NOT NULL
                UNION ALL
                SELECT kk, nik_kepala FROM kel WHERE nik_kepala IS NOT NULL
            );

            CREATE OR REPLACE TEMP TABLE keluarga_dtks AS
            SELECT n.kk, bool_or(d.pkh) AS pkh, bool_or(d.sembako) AS sembako, bool_or(d.pbi) AS pbi,
                   count(*) AS nik_padan, count(*) FILTER (WHERE d.disabilitas) AS disabilitas
            FROM nik_keluarga n JOIN dtks_aktif d USING (nik) GROUP BY 1;

            CREATE OR REPLACE TEMP TABLE anggota AS
            SELECT kk, count(*) AS jiwa,
                count(*) FILTER (WHERE umur < 5) AS balita,
                count(*) FILTER (WHERE umur < 18) AS anak,
                count(*) FILTER (WHERE umur >= 60) AS lansia,
                count(*) FILTER (WHERE umur IS NULL) AS umur_tidak_diketahui
            FROM ind GROUP BY 1;
            """
        )
        families = con.sql(
            """
            SELECT k.kk, k.kode_desa, k.desil,
                d.kk IS NOT NULL AS di_dtks,
                k.p3ke_pkh OR coalesce(d.pkh, false) AS pkh,
                k.p3ke_sembako OR coalesce(d.sembako, false) AS sembako,
                coalesce(d.pbi, false) AS pbi,
                k.p3ke_pkh OR k.p3ke_sembako OR coalesce(d.pkh OR d.sembako OR d.pbi, false) AS bansos,
                k.kepala_perempuan, k.lantai_tanah, k.rumah_tidak_layak, k.air_tidak_layak,
                k.tanpa_jamban, k.risiko_stunting,
                coalesce(a.jiwa, 0) AS jiwa, coalesce(a.balita, 0) AS balita,
                coalesce(a.anak, 0) AS anak, coalesce(a.lansia, 0) AS lansia,
                coalesce(a.jiwa = 1 AND a.lansia = 1, false) AS lansia_tunggal,
                coalesce(d.disabilitas, 0) AS disabilitas
            FROM kel k
            LEFT JOIN keluarga_dtks d USING (kk)
            LEFT JOIN anggota a USING (kk)
            """
        ).to_arrow_table()
        row = con.sql(
            """
            SELECT
                (SELECT count(*) FROM dtks) AS dtks_dimuat,
                (SELECT count(*) FROM dtks WHERE aktif) AS dtks_aktif,
                (SELECT count(*) FROM dtks WHERE NOT aktif) AS dtks_tidak_aktif,
                (SELECT count(*) FROM dtks_aktif) AS dtks_nik_unik_aktif,
                (SELECT count(*) FROM dtks_aktif WHERE disabilitas) AS dtks_nik_aktif_disabilitas,
                (SELECT count(*) FROM nik_keluarga) AS nik_p3ke_valid_unik,
                (SELECT count(*) FROM nik_keluarga n WHERE EXISTS (SELECT 1 FROM dtks_aktif d WHERE d.nik = n.nik))
                    AS nik_p3ke_padan,
                (SELECT count(*) FROM kel) AS kk,
                (SELECT count(*) FROM keluarga_dtks) AS kk_padan,
                (SELECT count(*) FROM kel WHERE NOT EXISTS (SELECT 1 FROM nik_keluarga n WHERE n.kk = kel.kk))
                    AS kk_tanpa_nik_valid,
                (SELECT count(*) FROM kel WHERE NOT EXISTS (SELECT 1 FROM anggota a WHERE a.kk = kel.kk))
                    AS kk_tanpa_anggota,
                (SELECT coalesce(sum(umur_tidak_diketahui), 0) FROM anggota) AS jiwa_umur_tidak_diketahui
            """
        ).fetchall()[0]
        names = [
            "dtks_dimuat",
            "dtks_aktif",
            "dtks_tidak_aktif",
            "dtks_nik_unik_aktif",
            "dtks_nik_aktif_disabilitas",
            "nik_p3ke_valid_unik",
            "nik_p3ke_padan",
            "kk",
            "kk_padan",
            "kk_tanpa_nik_valid",
            "kk_tanpa_anggota",
            "jiwa_umur_tidak_diketahui",
        ]
        stats = {k: int(v) for k, v in zip(names, row, strict=True)}
        con.execute("DROP TABLE dtks_aktif; DROP TABLE nik_keluarga; DROP TABLE keluarga_dtks; DROP TABLE anggota")
    return families, stats
