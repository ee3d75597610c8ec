"""The audit log: who did what, when, from where, in which region.

Append-only SQLite (`KANTONG_AUDIT`, default data/audit.sqlite): triggers refuse UPDATE and
DELETE, and each row carries the SHA-256 of the previous row's hash and its own fields, so a
row changed or removed outside the app breaks the chain (`python -m kantong audit verify`).
It never holds a NIK or a person's name: the details of an action are counts, file names,
region codes and reasons.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
    "rencana": "menyimpan rencana",
    "akun": "mengubah akun",
    "publikasi": "menerbitkan data",
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
CREATE TRIGGER IF NOT EXISTS jejak_tanpa_hapus BEFORE DELETE ON jejak
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


def row_hash(previous: str, fields: dict) -> str:
    canonical = json.dumps([fields[f] for f in FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


class AuditLog:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con:
            con.executescript(SCHEMA)

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
        """(rows checked, id of the first row whose hash does not follow, or None)."""
        previous = GENESIS
        n = 0
        with closing(self._connect()) as con:
            rows = con.execute(f"SELECT id, {', '.join(FIELDS)}, hash_sebelum, hash FROM jejak ORDER BY id")
            for row in rows:
                n += 1
                fields = dict(zip(FIELDS, row[1:8]))
                if row[8] != previous or row[9] != row_hash(previous, fields):
                    return n, row[0]
                previous = row[9]
        return n, None

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
