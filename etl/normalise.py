"""Interpret the text the reader lifted: codes, desil, flags, NIK validity, dates, ages.

Two stages. The per-row stage (`row_sql`) runs inside each file's scan, so raw text is
never held in memory. The split stage (`split_*`) works on all files of a kind together
and separates loaded rows from rejected ones, each rejection with a reason in Indonesian
and the column at fault. All of it is vectorised SQL in DuckDB over Arrow.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from etl.duck import registered, temp_table
from etl.read import REJECT_SCHEMA

# NIK validity classes. Only `valid` is ever matched.
NIK_STATUS_LABEL = {
    "valid": "valid",
    "kosong": "kosong",
    "angka": "tersimpan sebagai angka (digit terakhir hilang)",
    "bukan_digit": "memuat karakter bukan angka",
    "panjang_salah": "bukan 16 digit",
    "nol": "semua nol",
}

# Macros take values that the inner query has already trimmed (columns), so no expensive
# expression is repeated when a macro mentions its argument several times.
_MACROS = r"""
CREATE OR REPLACE MACRO k_trim(x) AS nullif(trim(x), '');
CREATE OR REPLACE MACRO k_up(x) AS upper(nullif(trim(x), ''));
CREATE OR REPLACE MACRO k_nik_clean(x) AS nullif(replace(ltrim(trim(x), ''''), ' ', ''), '');
CREATE OR REPLACE MACRO k_kode_clean(x) AS nullif(replace(replace(replace(trim(x), ' ', ''), '''', ''), '"', ''), '');
CREATE OR REPLACE MACRO k_flag(u) AS coalesce(u IN ('YA', 'Y', '1', '1.0', 'TRUE', 'BENAR', 'ADA'), false);
CREATE OR REPLACE MACRO k_any_flag(xs) AS
    coalesce(list_bool_or(list_transform(xs, lambda v: k_flag(upper(trim(v))))), false);
CREATE OR REPLACE MACRO k_nik_status(c, as_number) AS CASE
    WHEN c IS NULL THEN 'kosong'
    WHEN as_number THEN 'angka'
    WHEN regexp_full_match(c, '[0-9]{16}') THEN CASE WHEN c = '0000000000000000' THEN 'nol' ELSE 'valid' END
    -- a number Excel wrote out: 1.30601E+15, 1306012345678900.0, 1,30601E+15
    WHEN regexp_full_match(c, '[0-9]+([.,][0-9]*)?[eE][+-]?[0-9]+|[0-9]+\.[0-9]+') THEN 'angka'
    WHEN regexp_full_match(c, '[0-9]+') THEN 'panjang_salah'
    ELSE 'bukan_digit' END;
CREATE OR REPLACE MACRO k_kode10(c) AS CASE
    WHEN regexp_full_match(c, '[0-9]{10}') THEN c
    WHEN regexp_full_match(c, '[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}') THEN replace(c, '.', '')
    WHEN regexp_full_match(c, '[0-9]{10}\.0+') THEN left(c, 10)
    -- a code cell that Excel turned into a number shown in scientific notation
    WHEN regexp_full_match(c, '[0-9]\.[0-9]+[eE]\+?0?9') THEN CAST(CAST(CAST(c AS DOUBLE) AS BIGINT) AS VARCHAR)
    END;
CREATE OR REPLACE MACRO k_dotted(k10) AS CASE WHEN length(k10) = 10 THEN
    substr(k10, 1, 2) || '.' || substr(k10, 3, 2) || '.' || substr(k10, 5, 2) || '.' || substr(k10, 7, 4) END;
CREATE OR REPLACE MACRO k_kode_desa(x) AS k_dotted(k_kode10(k_kode_clean(x)));
CREATE OR REPLACE MACRO mask_nik(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN length(x) >= 10 THEN left(x, 6) || repeat('*', length(x) - 10) || right(x, 4)
    ELSE repeat('*', length(x)) END;
CREATE OR REPLACE MACRO k_desil(u) AS CASE
    WHEN u IN ('1', '2', '3', '4') THEN CAST(u AS INTEGER)
    ELSE try_cast(regexp_extract(u, '^(DESIL)?\s*([1-4])(\.0+)?$', 2) AS INTEGER) END;
CREATE OR REPLACE MACRO k_date(t) AS CAST(coalesce(
    try_strptime(left(t, 10), ['%Y-%m-%d', '%d-%m-%Y', '%d/%m/%Y', '%Y/%m/%d']),
    CASE WHEN regexp_full_match(t, '[0-9]{5}(\.0+)?')  -- an Excel serial day number
         THEN DATE '1899-12-30' + CAST(CAST(t AS DOUBLE) AS INTEGER) END
    ) AS DATE);
-- A DTKS disability note: any text but the ways of saying "none".
CREATE OR REPLACE MACRO k_disabilitas(u) AS coalesce(
    NOT (u IN ('-', '0', '0.0', 'N', 'T', 'TIDAK', 'TIDAK ADA', 'BUKAN', 'NORMAL', 'FALSE', 'NONE',
               'NON DISABILITAS', 'BUKAN PENYANDANG DISABILITAS', 'TIDAK DISABILITAS')
         OR starts_with(u, 'TIDAK ')), false);
CREATE OR REPLACE MACRO k_age(birth, ref) AS CASE
    WHEN birth IS NOT NULL AND birth <= ref THEN date_sub('year', birth, ref) END;
-- Names, addresses, relationships: whitespace runs (also non-breaking spaces) made one
-- space, ends trimmed, case kept as the export gives it. Most cells need only the trim, and
-- the plain tests are cheaper than the regular expression on millions of names.
CREATE OR REPLACE MACRO k_text(x) AS CASE
    WHEN contains(x, '  ') OR contains(x, chr(9)) OR contains(x, chr(10)) OR contains(x, chr(13))
         OR contains(x, chr(160))
    THEN nullif(trim(regexp_replace(x, '[\s\x{00A0}]+', ' ', 'g')), '')
    ELSE nullif(trim(x), '') END;
CREATE OR REPLACE MACRO k_jenis_kelamin(u) AS CASE
    WHEN u IN ('LAKI-LAKI', 'LAKI LAKI', 'L', '1', 'PRIA') THEN 'L'
    WHEN u IN ('PEREMPUAN', 'P', '2', 'WANITA') THEN 'P' END;
-- A valid NIK (carried as an integer) as its 16 digits again.
CREATE OR REPLACE MACRO k_nik16(n) AS lpad(CAST(n AS VARCHAR), 16, '0');
"""

# Per-row normalisation; {src} is the file's canonical text columns.
KELUARGA_ROW_SQL = r"""
SELECT
    id_keluarga, k_dotted(k_kode10(kode_c)) AS kode_desa_data, kode_asli, k_desil(desil_u) AS desil, desil_asli,
    nama_kabkota, nama_kecamatan, nama_desa,
    -- Valid NIKs travel as 64-bit integers: matching millions of them is then a fast integer join.
    CASE WHEN k_nik_status(nik_c, nik_kepala_angka) = 'valid' THEN CAST(nik_c AS BIGINT) END AS nik_kepala,
    k_nik_status(nik_c, nik_kepala_angka) AS status_nik_kepala,
    coalesce(jk_u IN ('PEREMPUAN', 'P', 'WANITA', 'F', '2'), false) AS kepala_perempuan,
    k_jenis_kelamin(jk_u) AS jenis_kelamin_kepala, alamat, nama_kepala,
    coalesce(lantai_u = 'TANAH', false) AS lantai_tanah,
    coalesce(lantai_u = 'TANAH', false)
        OR coalesce(contains(atap_u, 'JELEK') OR contains(atap_u, 'KUALITAS RENDAH'), false)
        OR coalesce(contains(dinding_u, 'JELEK') OR contains(dinding_u, 'KUALITAS RENDAH'), false)
        OR coalesce(contains(kual_lantai_u, 'JELEK') OR contains(kual_lantai_u, 'KUALITAS RENDAH'), false)
        AS rumah_tidak_layak,
    coalesce(contains(air_u, 'TIDAK TERLINDUNG') OR contains(air_u, 'PERMUKAAN') OR air_u = 'LAINNYA', false)
        AS air_tidak_layak,
    -- An empty cell is a family with no facility recorded, as KOSONG is.
    coalesce(replace(replace(bab_u, ' /', '/'), '/ ', '/'), 'KOSONG') NOT IN ('MILIK SENDIRI', 'UMUM/BERSAMA')
        AS tanpa_jamban,
    coalesce(stunting_u IN ('BERESIKO STUNTING', 'BERISIKO STUNTING'), false) AS risiko_stunting,
    p3ke_pkh, p3ke_sembako
FROM (
    SELECT
        k_trim(id_keluarga) AS id_keluarga, k_kode_clean(kode_wilayah) AS kode_c, k_trim(kode_wilayah) AS kode_asli,
        k_up(desil) AS desil_u, k_trim(desil) AS desil_asli,
        k_trim(nama_kabkota) AS nama_kabkota, k_trim(nama_kecamatan) AS nama_kecamatan, k_trim(nama_desa) AS nama_desa,
        k_nik_clean(nik_kepala) AS nik_c, nik_kepala_angka, k_up(jenis_kelamin_kepala) AS jk_u,
        k_text(alamat) AS alamat, k_text(nama_kepala) AS nama_kepala,
        k_up(jenis_lantai) AS lantai_u, k_up(kualitas_atap) AS atap_u, k_up(kualitas_dinding) AS dinding_u,
        k_up(kualitas_lantai) AS kual_lantai_u, k_up(sumber_air_minum) AS air_u,
        k_up(fasilitas_bab) AS bab_u, k_up(resiko_stunting) AS stunting_u,
        k_any_flag(penerima_pkh) AS p3ke_pkh, k_any_flag(penerima_sembako) AS p3ke_sembako
    FROM {src}
)
"""

INDIVIDU_ROW_SQL = r"""
SELECT id_keluarga, id_individu,
    CASE WHEN k_nik_status(nik_c, nik_angka) = 'valid' THEN CAST(nik_c AS BIGINT) END AS nik,
    k_nik_status(nik_c, nik_angka) AS status_nik,
    tanggal_lahir,
    coalesce(k_age(tanggal_lahir, DATE '{reference_date}'), try_cast(regexp_extract(usia, '^[0-9]+') AS INTEGER))
        AS umur,
    nama, k_jenis_kelamin(jk_u) AS jenis_kelamin, hubungan
FROM (
    SELECT k_trim(id_keluarga) AS id_keluarga, k_trim(id_individu) AS id_individu,
        k_nik_clean(nik) AS nik_c, nik_angka, k_date(k_trim(tanggal_lahir)) AS tanggal_lahir, k_trim(usia) AS usia,
        k_text(nama) AS nama, k_up(jenis_kelamin) AS jk_u, k_text(hubungan) AS hubungan
    FROM {src}
)
"""

DTKS_ROW_SQL = r"""
SELECT nik_c, k_nik_status(nik_c, nik_angka) AS status_nik,
    NOT (
        coalesce(starts_with(status_u, 'NON') OR starts_with(status_u, 'TIDAK AKTIF'), false)
        OR k_flag(nonaktif_u)
        OR coalesce(meninggal_u NOT IN ('-', '0', 'TIDAK', 'HIDUP', 'FALSE', 'N'), false)
    ) AS aktif,
    pkh, sembako, pbi, k_disabilitas(disabilitas_u) AS disabilitas
FROM (
    SELECT k_nik_clean(nik) AS nik_c, nik_angka, k_up(status) AS status_u, k_up(is_nonaktif) AS nonaktif_u,
        k_up(keterangan_meninggal) AS meninggal_u,
        k_any_flag(pkh) AS pkh, k_any_flag(sembako) AS sembako, k_any_flag(pbi) AS pbi,
        k_up(disabilitas) AS disabilitas_u
    FROM {src}
)
"""


def row_sql(kind: str, reference_date: dt.date | None = None) -> str:
    """The per-row normalisation query of one kind, with {src} left for the reader."""
    if kind == "keluarga":
        return KELUARGA_ROW_SQL
    if kind == "individu":
        if reference_date is None:
            raise ValueError("individu needs the reference date for ages")
        return INDIVIDU_ROW_SQL.replace("{reference_date}", reference_date.isoformat())
    return DTKS_ROW_SQL


def connect(threads: int | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    install_macros(con)
    return con


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_MACROS)


def _rejects(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    table = con.sql(sql).to_arrow_table()
    return table.select(REJECT_SCHEMA.names).cast(REJECT_SCHEMA)


def split_keluarga(con: duckdb.DuckDBPyConnection, rows: pa.Table, berkas: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Family rows without an ID or with a desil outside 1-4 are rejected here. Duplicate
    IDs are rejected after region resolution (see `dedupe_keluarga`), so a copy with a
    usable region is never discarded in favour of one without."""
    with registered(con, kel_rows=rows, berkas=berkas):
        rejects = _rejects(
            con,
            """
            SELECT b.berkas, b.lembar, 'keluarga' AS jenis, _baris AS baris,
                CASE WHEN id_keluarga IS NULL THEN 'ID Keluarga P3KE' ELSE 'Desil Kesejahteraan' END AS kolom,
                CASE WHEN id_keluarga IS NULL THEN 'ID keluarga kosong'
                     ELSE 'desil tidak valid (harus 1 sampai 4)' END AS alasan,
                CASE WHEN id_keluarga IS NULL THEN NULL ELSE desil_asli END AS nilai
            FROM kel_rows JOIN berkas b USING (_berkas_ke)
            WHERE id_keluarga IS NULL OR desil IS NULL
            ORDER BY _berkas_ke, _baris
            """,
        )
        loaded = con.sql(
            "SELECT * EXCLUDE (desil_asli) FROM kel_rows WHERE id_keluarga IS NOT NULL AND desil IS NOT NULL"
        ).to_arrow_table()
    return loaded, rejects


def dedupe_keluarga(con: duckdb.DuckDBPyConnection, keluarga: pa.Table, berkas: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Keep the first row of each family ID (file order); reject the later copies."""
    copies = """
        SELECT id_keluarga, _berkas_ke, _baris,
            row_number() OVER w AS _ke,
            first(_berkas_ke) OVER w AS _pertama_berkas,
            first(_baris) OVER w AS _pertama_baris
        FROM kel
        WHERE id_keluarga IN (SELECT id_keluarga FROM kel GROUP BY 1 HAVING count(*) > 1)
        WINDOW w AS (PARTITION BY id_keluarga ORDER BY _berkas_ke, _baris
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        """
    with registered(con, kel=keluarga, berkas=berkas), temp_table(con, "kel_dup", copies):
        rejects = _rejects(
            con,
            """
            SELECT b.berkas, b.lembar, 'keluarga' AS jenis, r._baris AS baris, 'ID Keluarga P3KE' AS kolom,
                'ID keluarga duplikat (sudah ada di ' || p.berkas || coalesce(', lembar ''' || p.lembar || '''', '')
                    || ' baris ' || r._pertama_baris || ')' AS alasan,
                r.id_keluarga AS nilai
            FROM kel_dup r JOIN berkas b ON b._berkas_ke = r._berkas_ke
            JOIN berkas p ON p._berkas_ke = r._pertama_berkas
            WHERE r._ke > 1 ORDER BY r._berkas_ke, r._baris
            """,
        )
        # `kk`: a compact integer key for the family, used by every later join.
        loaded = con.sql(
            """SELECT kel.*, CAST(row_number() OVER () AS INTEGER) AS kk
               FROM kel ANTI JOIN (SELECT _berkas_ke, _baris FROM kel_dup WHERE _ke > 1) d USING (_berkas_ke, _baris)"""
        ).to_arrow_table()
    return loaded, rejects


def rejected_family_ids(
    con: duckdb.DuckDBPyConnection, rows: pa.Table, rejects: pa.Table, berkas: pa.Table, loaded: pa.Table
) -> pa.Table:
    """(id_keluarga, alasan) of rejected family rows whose ID was not loaded from any row,
    so that `split_individu` can give their members the family's reason."""
    raw = rows.select(["_berkas_ke", "_baris", "id_keluarga"])
    with registered(con, raw=raw, rej=rejects, berkas=berkas, loaded=loaded.select(["id_keluarga"])):
        return con.sql(
            """SELECT raw.id_keluarga, min(rej.alasan) AS alasan
               FROM rej JOIN berkas b ON b.berkas = rej.berkas AND b.lembar IS NOT DISTINCT FROM rej.lembar
               JOIN raw ON raw._berkas_ke = b._berkas_ke AND raw._baris = rej.baris
               WHERE raw.id_keluarga IS NOT NULL
                 AND raw.id_keluarga NOT IN (SELECT id_keluarga FROM loaded)
               GROUP BY 1"""
        ).to_arrow_table()


def split_individu(
    con: duckdb.DuckDBPyConnection,
    rows: pa.Table,
    berkas: pa.Table,
    keluarga_ids: pa.Table,
    keluarga_ditolak: pa.Table,
) -> tuple[pa.Table, pa.Table]:
    """Members must belong to a loaded family (`keluarga_ids`: id_keluarga, kk); loaded
    members carry the family's integer key `kk`.

    `keluarga_ditolak` holds (id_keluarga, alasan) of family rows that were rejected, so a
    member of such a family is rejected with that reason rather than "unknown family".
    """
    members = """
        SELECT i.*, k.kk,
            CASE
                WHEN i.id_keluarga IS NULL THEN 'ID keluarga kosong'
                WHEN k.id_keluarga IS NULL AND t.alasan IS NOT NULL THEN 'keluarganya ditolak: ' || t.alasan
                WHEN k.id_keluarga IS NULL THEN 'ID keluarga tidak ada di berkas keluarga'
                WHEN i.id_individu IS NOT NULL AND d.id_individu IS NOT NULL
                     AND (i._berkas_ke, i._baris) <> (d._berkas_ke, d._baris) THEN 'ID individu duplikat'
            END AS alasan
        FROM ind_rows i
        LEFT JOIN kel k USING (id_keluarga)
        LEFT JOIN (SELECT id_keluarga, min(alasan) AS alasan FROM kel_tolak GROUP BY 1) t USING (id_keluarga)
        LEFT JOIN (SELECT id_individu, arg_min(_berkas_ke, (_berkas_ke, _baris)) AS _berkas_ke,
                          arg_min(_baris, (_berkas_ke, _baris)) AS _baris
                   FROM ind_rows WHERE id_individu IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d
            ON d.id_individu = i.id_individu
        """
    with (
        registered(con, ind_rows=rows, berkas=berkas, kel=keluarga_ids, kel_tolak=keluarga_ditolak),
        temp_table(con, "individu_c", members),
    ):
        rejects = _rejects(
            con,
            """
            SELECT b.berkas, b.lembar, 'individu' AS jenis, _baris AS baris,
                CASE WHEN alasan = 'ID individu duplikat' THEN 'ID Individu' ELSE 'ID Keluarga P3KE' END AS kolom,
                alasan,
                CASE WHEN alasan = 'ID individu duplikat' THEN id_individu ELSE id_keluarga END AS nilai
            FROM individu_c JOIN berkas b USING (_berkas_ke)
            WHERE alasan IS NOT NULL ORDER BY _berkas_ke, _baris
            """,
        )
        loaded = con.sql(
            """SELECT _berkas_ke, _baris, kk, nik, status_nik, umur,
                   id_individu, nama, jenis_kelamin, tanggal_lahir, hubungan
               FROM individu_c WHERE alasan IS NULL"""
        ).to_arrow_table()
    return loaded, rejects


def split_dtks(con: duckdb.DuckDBPyConnection, rows: pa.Table, berkas: pa.Table) -> tuple[pa.Table, pa.Table, pa.Table]:
    """A DTKS record with an invalid NIK can never be matched, so it is rejected with the
    reason. Non-active and deceased records are loaded (and counted) but never count as
    "in DTKS". Returns (loaded, rejects, NIK status counts per file)."""
    labels = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in NIK_STATUS_LABEL.items())
    with registered(con, dtks_rows=rows, berkas=berkas):
        rejects = _rejects(
            con,
            f"""
            SELECT b.berkas, b.lembar, 'dtks' AS jenis, _baris AS baris, 'NIK' AS kolom,
                'NIK tidak valid: ' || CASE status_nik {labels} END AS alasan,
                mask_nik(nik_c) AS nilai
            FROM dtks_rows JOIN berkas b USING (_berkas_ke)
            WHERE status_nik <> 'valid' ORDER BY _berkas_ke, _baris
            """,
        )
        loaded = con.sql(
            """SELECT _berkas_ke, _baris, CAST(nik_c AS BIGINT) AS nik, aktif, pkh, sembako, pbi, disabilitas
               FROM dtks_rows WHERE status_nik = 'valid'"""
        ).to_arrow_table()
        stats = con.sql("SELECT _berkas_ke, status_nik, count(*) AS n FROM dtks_rows GROUP BY ALL").to_arrow_table()
    return loaded, rejects, stats
