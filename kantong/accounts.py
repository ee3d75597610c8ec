"""Local accounts: who may log in, with which role and region.

Accounts live in SQLite (`KANTONG_USERS`, default data/akun.sqlite). Passwords are hashed
with Argon2id; there is no default account and no default password. After
MAX_FAILURES wrong passwords in a row an account is locked for LOCK_MINUTES (an admin can
unlock it sooner). Roles and regions belong to the app: a later login through an identity
provider (OIDC) resolves to the same `Principal`, so pages never see where a login came from.
"""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kantong.access import ROLES, Principal

MAX_FAILURES = 10
LOCK_MINUTES = 15
MIN_PASSWORD = 10
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
KABKOTA_PATTERN = re.compile(r"^\d{2}\.\d{2}$")

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when a name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("kantong-bukan-akun")


class AccountError(ValueError):
    """A request the account store refuses, with the reason in Indonesian."""


@dataclass(frozen=True)
class Account:
    nama: str
    peran: str
    wilayah: str | None
    aktif: bool
    gagal: int
    terkunci_sampai: float | None
    dibuat: float
    login_terakhir: float | None

    def principal(self) -> Principal:
        return Principal(self.nama, self.peran, self.wilayah)

    def locked(self, now: float | None = None) -> bool:
        return self.terkunci_sampai is not None and self.terkunci_sampai > (now or time.time())


@dataclass(frozen=True)
class LoginResult:
    """ok: the account logged in; otherwise `reason` is one of salah (wrong name or
    password: the same answer for both), terkunci (locked) or nonaktif (disabled)."""

    ok: bool
    reason: str = ""
    account: Account | None = None
    locked_now: bool = False  # this failure locked the account


SCHEMA = """
CREATE TABLE IF NOT EXISTS akun (
    nama TEXT PRIMARY KEY,
    peran TEXT NOT NULL,
    wilayah TEXT,
    hash TEXT NOT NULL,
    aktif INTEGER NOT NULL DEFAULT 1,
    gagal INTEGER NOT NULL DEFAULT 0,
    terkunci_sampai REAL,
    dibuat REAL NOT NULL,
    diubah REAL NOT NULL,
    login_terakhir REAL
);
"""


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"kata sandi minimal {MIN_PASSWORD} karakter")
    if password.strip() != password or not password.strip():
        raise AccountError("kata sandi tidak boleh diawali atau diakhiri spasi")


class AccountStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con, con:
            con.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.row_factory = sqlite3.Row
        return con

    @staticmethod
    def _account(row: sqlite3.Row | None) -> Account | None:
        if row is None:
            return None
        return Account(
            row["nama"],
            row["peran"],
            row["wilayah"],
            bool(row["aktif"]),
            int(row["gagal"]),
            row["terkunci_sampai"],
            row["dibuat"],
            row["login_terakhir"],
        )

    def get(self, nama: str) -> Account | None:
        with closing(self._connect()) as con:
            return self._account(con.execute("SELECT * FROM akun WHERE nama = ?", (nama,)).fetchone())

    def all(self) -> list[Account]:
        with closing(self._connect()) as con:
            return [self._account(r) for r in con.execute("SELECT * FROM akun ORDER BY nama")]

    def count(self) -> int:
        with closing(self._connect()) as con:
            return int(con.execute("SELECT count(*) FROM akun").fetchone()[0])

    def add(self, nama: str, peran: str, password: str, wilayah: str | None = None) -> Account:
        nama = nama.strip().lower()
        if not NAME_PATTERN.match(nama):
            raise AccountError("nama akun 3–40 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung")
        if peran not in ROLES:
            raise AccountError(f"peran tidak dikenal: {peran} (pilih {', '.join(ROLES)})")
        if peran == "operator":
            if not wilayah or not KABKOTA_PATTERN.match(wilayah):
                raise AccountError("operator wajib punya --region berupa kode kab/kota, misalnya 13.06")
        elif wilayah:
            raise AccountError("hanya operator yang dibatasi pada satu kab/kota (--region)")
        check_password(password)
        now = time.time()
        try:
            with closing(self._connect()) as con, con:
                con.execute(
                    "INSERT INTO akun (nama, peran, wilayah, hash, dibuat, diubah) VALUES (?, ?, ?, ?, ?, ?)",
                    (nama, peran, wilayah, _hasher.hash(password), now, now),
                )
        except sqlite3.IntegrityError:
            raise AccountError(f"akun {nama} sudah ada") from None
        return self.get(nama)

    def _update(self, nama: str, sql: str, params: tuple) -> None:
        with closing(self._connect()) as con, con:
            changed = con.execute(f"UPDATE akun SET {sql}, diubah = ? WHERE nama = ?", (*params, time.time(), nama))
            if changed.rowcount == 0:
                raise AccountError(f"akun {nama} tidak ada")

    def set_password(self, nama: str, password: str) -> None:
        check_password(password)
        self._update(nama, "hash = ?, gagal = 0, terkunci_sampai = NULL", (_hasher.hash(password),))

    def disable(self, nama: str) -> None:
        self._update(nama, "aktif = 0", ())

    def enable(self, nama: str) -> None:
        self._update(nama, "aktif = 1", ())

    def unlock(self, nama: str) -> None:
        self._update(nama, "gagal = 0, terkunci_sampai = NULL", ())

    def remove(self, nama: str) -> None:
        with closing(self._connect()) as con, con:
            if con.execute("DELETE FROM akun WHERE nama = ?", (nama,)).rowcount == 0:
                raise AccountError(f"akun {nama} tidak ada")

    def login(self, nama: str, password: str, now: float | None = None) -> LoginResult:
        """Check a name and password; count failures and lock after MAX_FAILURES."""
        now = time.time() if now is None else now
        nama = (nama or "").strip().lower()
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")  # failures from two workers at once both count
            try:
                row = con.execute("SELECT * FROM akun WHERE nama = ?", (nama,)).fetchone()
                account = self._account(row)
                if account is None:
                    _verify(_DUMMY_HASH, password)
                    con.execute("ROLLBACK")
                    return LoginResult(False, "salah")
                if account.locked(now):
                    con.execute("ROLLBACK")
                    return LoginResult(False, "terkunci", account)
                if not _verify(row["hash"], password):
                    failures = account.gagal + 1
                    lock = failures >= MAX_FAILURES
                    con.execute(
                        "UPDATE akun SET gagal = ?, terkunci_sampai = ? WHERE nama = ?",
                        (0 if lock else failures, now + LOCK_MINUTES * 60 if lock else None, nama),
                    )
                    con.execute("COMMIT")
                    return LoginResult(False, "terkunci" if lock else "salah", account, locked_now=lock)
                if not account.aktif:
                    con.execute("ROLLBACK")
                    return LoginResult(False, "nonaktif", account)
                updates = "gagal = 0, terkunci_sampai = NULL, login_terakhir = ?"
                params = [now]
                if _hasher.check_needs_rehash(row["hash"]):
                    updates += ", hash = ?"
                    params.append(_hasher.hash(password))
                con.execute(f"UPDATE akun SET {updates} WHERE nama = ?", (*params, nama))
                con.execute("COMMIT")
                return LoginResult(
                    True, "", self._account(con.execute("SELECT * FROM akun WHERE nama = ?", (nama,)).fetchone())
                )
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
