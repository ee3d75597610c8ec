"""The audit log: who did what, when, from where, in which region.

Append-only SQLite (`KANTONG_AUDIT`, default data/audit.sqlite): triggers refuse UPDATE and
DELETE, and each row carries the SHA-256 of the previous row's hash and its own fields, so a
row changed or removed outside the app breaks the chain (`python -m kantong audit verify`).
It never holds a NIK or a person's name: the details of an action are counts, file names,
region codes and reasons.

Rows are kept for the retention period (KANTONG_AUDIT_RETENTION_DAYS) and then removed by
`python -m kantong audit rotate`, optionally written first to a compressed archive file.
Only rows up to a rotation's recorded boundary can be deleted (the delete trigger checks
it), and the boundary keeps the last removed row's hash, so the chain still verifies from
there and an archive file verifies on its own.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

GENESIS = "0" * 64
ACTIONS = {
    "login": "masuk",
    "login_gagal": "gagal masuk",
    "terkunci": "akun terkunci",
    "logout": "keluar",
    "halaman": "membuka halaman",
    "data_keluarga": "melihat data keluarga",
    "ekspor": "mengunduh berkas",
    "ekspor_nik": "mengunduh berkas dengan NIK lengkap",
    "paket_rakor": "membuat Paket Rakor",
    "daftar_verval": "membuat daftar verifikasi keluarga",
    "impor_verval": "mengimpor hasil verifikasi",
    "tindak_lanjut": "mencatat tindak lanjut",
    "rencana": "menyimpan rencana",
    "akun": "mengubah akun",
    "publikasi": "menerbitkan data",
    "rilis_bangun": "membangun rilis data (belum terbit)",
    "rilis_buang": "membuang rilis data belum terbit",
    "rilis_kembali": "menampilkan kembali rilis data lama",
    "rilis_hapus": "menghapus rilis data",
    "rilis_unggah": "mengunggah berkas rilis data",
    "rilis_unggah_batal": "membatalkan unggahan berkas rilis data",
    "rilis_bangun_gagal": "build rilis data gagal",
    "rilis_bangun_batal": "menghentikan build rilis data",
    "rotasi": "menghapus jejak lewat masa simpan",
    "ditolak": "permintaan ditolak",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS jejak (
    id INTEGER PRIMARY KEY,
    waktu TEXT NOT NULL,
    akun TEXT,
    peran TEXT,
    alamat TEXT,
    aksi TEXT NOT NULL,
    wilayah TEXT,
    rincian TEXT NOT NULL,
    hash_sebelum TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jejak_waktu ON jejak (waktu);
CREATE TRIGGER IF NOT EXISTS jejak_tanpa_ubah BEFORE UPDATE ON jejak
BEGIN SELECT RAISE(ABORT, 'jejak audit hanya dapat ditambah'); END;
-- One row per rotation: rows up to sampai_id were removed; hash_terakhir is the last one's.
CREATE TABLE IF NOT EXISTS rotasi (
    id INTEGER PRIMARY KEY,
    waktu TEXT NOT NULL,
    sebelum TEXT NOT NULL,
    sampai_id INTEGER NOT NULL,
    jumlah INTEGER NOT NULL,
    hash_terakhir TEXT NOT NULL,
    berkas TEXT,
    sha256_berkas TEXT
);
CREATE TRIGGER IF NOT EXISTS rotasi_tanpa_ubah BEFORE UPDATE ON rotasi
BEGIN SELECT RAISE(ABORT, 'catatan rotasi hanya dapat ditambah'); END;
CREATE TRIGGER IF NOT EXISTS rotasi_tanpa_hapus BEFORE DELETE ON rotasi
BEGIN SELECT RAISE(ABORT, 'catatan rotasi hanya dapat ditambah'); END;
"""
# Rows may be deleted only up to the last rotation's boundary (written in the same transaction).
DELETE_TRIGGER = """
CREATE TRIGGER jejak_tanpa_hapus BEFORE DELETE ON jejak
WHEN OLD.id > (SELECT COALESCE(MAX(sampai_id), 0) FROM rotasi)
BEGIN SELECT RAISE(ABORT, 'jejak audit hanya dapat ditambah'); END;
"""
FIELDS = ("waktu", "akun", "peran", "alamat", "aksi", "wilayah", "rincian")


@dataclass(frozen=True)
class Entry:
    id: int
    waktu: str
    akun: str | None
    peran: str | None
    alamat: str | None
    aksi: str
    wilayah: str | None
    rincian: dict
    hash: str


@dataclass(frozen=True)
class Rotation:
    jumlah: int  # rows removed
    dari: str  # time of the first and last removed row
    sampai: str
    berkas: Path | None  # the archive file, if one was written


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def _write_archive(folder: Path, rows: list) -> tuple[Path, str]:
    """Rows as gzip JSON lines (every field, the previous hash and the row's hash), written
    to a temporary name, synced and renamed, so a half-written archive never exists."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"jejak-audit_{rows[0][1][:10]}_{rows[-1][1][:10]}_{rows[0][0]}-{rows[-1][0]}.jsonl.gz"
    path = folder / name
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            for row in rows:
                record = {"id": row[0], **dict(zip(FIELDS, row[1:8])), "hash_sebelum": row[8], "hash": row[9]}
                out.write((json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
        raw.flush()
        os.fsync(raw.fileno())
    tmp.replace(path)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def verify_archive(path: Path | str) -> tuple[int, int | None]:
    """(rows checked, id of the first row that does not follow, or None) of an archive file:
    each row's hash follows from its previous hash and fields, and each row follows the one
    before it."""
    n, previous = 0, None
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            n += 1
            start = record["hash_sebelum"] if previous is None else previous
            if record["hash_sebelum"] != start or record["hash"] != row_hash(start, record):
                return n, record["id"]
            previous = record["hash"]
    return n, None


def row_hash(previous: str, fields: dict) -> str:
    canonical = json.dumps([fields[f] for f in FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


class AuditLog:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con:
            con.executescript(SCHEMA)
            # Logs made before rotation existed have a delete trigger without the boundary.
            old = con.execute(
                "SELECT sql FROM sqlite_master WHERE type='trigger' AND name='jejak_tanpa_hapus'"
            ).fetchone()
            if old is None or "rotasi" not in old[0]:
                con.executescript("BEGIN; DROP TRIGGER IF EXISTS jejak_tanpa_hapus;" + DELETE_TRIGGER + "COMMIT;")

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        return con

    def record(
        self,
        aksi: str,
        akun: str | None = None,
        peran: str | None = None,
        alamat: str | None = None,
        wilayah: str | None = None,
        waktu: dt.datetime | None = None,
        **rincian,
    ) -> str:
        """Append one row; returns its hash. `rincian` holds counts, file names, codes and
        reasons (never a NIK or a name)."""
        if aksi not in ACTIONS:
            raise ValueError(f"unknown audit action {aksi!r}")
        stamp = (
            (waktu or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")
        )
        fields = {
            "waktu": stamp,
            "akun": akun,
            "peran": peran,
            "alamat": alamat,
            "aksi": aksi,
            "wilayah": wilayah,
            "rincian": json.dumps(rincian, ensure_ascii=False, sort_keys=True, default=str),
        }
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")  # one writer at a time: the chain stays a chain
            try:
                last = con.execute("SELECT hash FROM jejak ORDER BY id DESC LIMIT 1").fetchone()
                previous = last[0] if last else GENESIS
                digest = row_hash(previous, fields)
                con.execute(
                    f"INSERT INTO jejak ({', '.join(FIELDS)}, hash_sebelum, hash) VALUES ({', '.join('?' * len(FIELDS))}, ?, ?)",
                    (*[fields[f] for f in FIELDS], previous, digest),
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return digest

    def verify(self) -> tuple[int, int | None]:
        """(rows checked, id of the first row whose hash does not follow, or None). After a
        rotation the chain starts from the last removed row's hash."""
        n = 0
        with closing(self._connect()) as con:
            boundary = con.execute("SELECT hash_terakhir FROM rotasi ORDER BY sampai_id DESC LIMIT 1").fetchone()
            previous = boundary[0] if boundary else GENESIS
            rows = con.execute(f"SELECT id, {', '.join(FIELDS)}, hash_sebelum, hash FROM jejak ORDER BY id")
            for row in rows:
                n += 1
                fields = dict(zip(FIELDS, row[1:8]))
                if row[8] != previous or row[9] != row_hash(previous, fields):
                    return n, row[0]
                previous = row[9]
        return n, None

    def rotate(self, before: dt.datetime, archive_dir: Path | str | None = None) -> Rotation | None:
        """Remove the rows older than `before`, first writing them (with their hashes) to a
        gzip JSON-lines file in `archive_dir` if given; the rotation and its boundary are
        recorded, and a `rotasi` row is appended. None when no row is that old."""
        cutoff = before.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                rows = con.execute(
                    f"SELECT id, {', '.join(FIELDS)}, hash_sebelum, hash FROM jejak "
                    "WHERE id <= (SELECT MAX(id) FROM jejak WHERE waktu < ?) ORDER BY id",
                    (cutoff,),
                ).fetchall()
                if not rows:
                    con.execute("ROLLBACK")
                    return None
                path = digest = None
                if archive_dir is not None:
                    path, digest = _write_archive(Path(archive_dir), rows)
                last_id, last_hash = rows[-1][0], rows[-1][-1]
                con.execute(
                    "INSERT INTO rotasi (waktu, sebelum, sampai_id, jumlah, hash_terakhir, berkas, sha256_berkas) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (_now(), cutoff, last_id, len(rows), last_hash, str(path) if path else None, digest),
                )
                con.execute("DELETE FROM jejak WHERE id <= ?", (last_id,))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        rotation = Rotation(len(rows), rows[0][1], rows[-1][1], path)
        self.record(
            "rotasi",
            alamat="baris perintah",
            sebelum=cutoff[:10],
            jumlah=len(rows),
            berkas=path.name if path else None,
        )
        return rotation

    def entries(
        self,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        akun: str | None = None,
        aksi: str | None = None,
        wilayah: str | None = None,
        limit: int | None = None,
    ) -> list[Entry]:
        """Rows in time order, filtered; `wilayah` matches a region and everything inside it."""
        where, params = [], []
        if start is not None:
            where.append("waktu >= ?")
            params.append(start.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds"))
        if end is not None:
            where.append("waktu < ?")
            params.append(end.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds"))
        if akun:
            where.append("akun = ?")
            params.append(akun)
        if aksi:
            where.append("aksi = ?")
            params.append(aksi)
        if wilayah:
            where.append("(wilayah = ? OR wilayah LIKE ?)")
            params += [wilayah, wilayah + ".%"]
        sql = f"SELECT id, {', '.join(FIELDS)}, hash FROM jejak"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id" + (f" DESC LIMIT {int(limit)}" if limit else "")
        with closing(self._connect()) as con:
            rows = con.execute(sql, params).fetchall()
        if limit:
            rows.reverse()
        return [Entry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8]) for r in rows]
