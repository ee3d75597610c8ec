"""Accounts, roles, NIK masking and the audit log, without the web app."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kantong.access import Forbidden, Principal, mask_nik
from kantong.accounts import LOCK_MINUTES, MAX_FAILURES, AccountError, AccountStore
from kantong.audit import AuditLog

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "sandi-uji-panjang"


@pytest.fixture
def store(tmp_path):
    return AccountStore(tmp_path / "akun.sqlite")


def test_an_account_logs_in_with_its_password_only(store):
    store.add("kadis", "pimpinan", PASSWORD)
    assert store.login("kadis", PASSWORD).ok
    assert store.login("KADIS ", PASSWORD).ok  # names are case-insensitive
    wrong = store.login("kadis", "bukan-sandinya")
    assert not wrong.ok and wrong.reason == "salah"
    unknown = store.login("siapa", PASSWORD)
    assert not unknown.ok and unknown.reason == "salah"  # the same answer: names are not revealed
    stored = sqlite3.connect(store.path).execute("SELECT hash FROM akun").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_accounts_refuse_bad_roles_regions_and_short_passwords(store):
    with pytest.raises(AccountError, match="minimal 10"):
        store.add("a.b", "tamu", "pendek")
    with pytest.raises(AccountError, match="wajib punya --region"):
        store.add("op.agam", "operator", PASSWORD)
    with pytest.raises(AccountError, match="hanya operator"):
        store.add("kadis", "pimpinan", PASSWORD, "13.06")
    with pytest.raises(AccountError, match="peran tidak dikenal"):
        store.add("x.y", "raja", PASSWORD)
    store.add("op.agam", "operator", PASSWORD, "13.06")
    with pytest.raises(AccountError, match="sudah ada"):
        store.add("op.agam", "operator", PASSWORD, "13.06")
    assert store.get("op.agam").principal() == Principal("op.agam", "operator", "13.06")
    assert store.count() == 1


def test_ten_wrong_passwords_lock_the_account_for_fifteen_minutes(store):
    store.add("op.agam", "operator", PASSWORD, "13.06")
    now = 1_000_000.0
    results = [store.login("op.agam", "salah-salah-salah", now=now + i) for i in range(MAX_FAILURES)]
    assert [r.reason for r in results] == ["salah"] * (MAX_FAILURES - 1) + ["terkunci"]
    assert results[-1].locked_now
    # Locked: even the right password is refused until the lock ends.
    assert store.login("op.agam", PASSWORD, now=now + 60).reason == "terkunci"
    assert store.login("op.agam", PASSWORD, now=now + MAX_FAILURES + LOCK_MINUTES * 60).ok
    # An admin can unlock sooner.
    for i in range(MAX_FAILURES):
        store.login("op.agam", "salah-salah-salah", now=now + 10_000 + i)
    store.unlock("op.agam")
    assert store.login("op.agam", PASSWORD, now=now + 10_100).ok


def test_a_disabled_account_cannot_log_in(store):
    store.add("tamu.rakor", "tamu", PASSWORD)
    store.disable("tamu.rakor")
    assert store.login("tamu.rakor", PASSWORD).reason == "nonaktif"
    store.enable("tamu.rakor")
    assert store.login("tamu.rakor", PASSWORD).ok


def test_roles_and_regions():
    agam = Principal("op.agam", "operator", "13.06")
    assert agam.in_full("13.06") and agam.in_full("13.06.01.2001") and not agam.in_full("13.71")
    assert agam.in_scope("13") and agam.in_scope("13.71")  # totals of other kab/kota, for orientation
    assert not agam.in_scope("13.71.01") and not agam.in_scope("13.71.01.1001")
    with pytest.raises(Forbidden, match="di luar cakupan"):
        agam.check_region("13.71.01.1001")
    tamu = Principal("tamu", "tamu")
    assert tamu.in_full("13.71.01.1001") and not tamu.may("bnba") and not tamu.may("unduh_tabel")
    with pytest.raises(Forbidden, match="tidak berwenang"):
        tamu.require("rencana")
    assert Principal("kadis", "pimpinan").may("bnba") and not Principal("kadis", "pimpinan").may("bnba_nik")


def test_nik_is_masked_to_its_first_six_and_last_four_digits():
    assert mask_nik("1306012345678901") == "130601******8901"
    assert mask_nik("'1306012345678901") == "130601******8901"  # Excel's text mark
    assert mask_nik(None) == "" and mask_nik("123") == "***"


def test_the_audit_log_is_a_chain_that_shows_tampering(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite")
    t0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.timezone.utc)
    log.record("login", "op.agam", "operator", "10.0.0.5", "13.06", waktu=t0)
    log.record(
        "ekspor",
        "op.agam",
        "operator",
        "10.0.0.5",
        "13.06.01",
        waktu=t0 + dt.timedelta(hours=1),
        berkas="bnba_13.06.01.xlsx",
        baris=42,
    )
    log.record("login_gagal", "kadis", None, "10.0.0.9", waktu=t0 + dt.timedelta(days=2))
    assert log.verify() == (3, None)
    rows = log.entries(t0, t0 + dt.timedelta(days=1), wilayah="13.06")
    assert [e.aksi for e in rows] == ["login", "ekspor"] and rows[1].rincian == {
        "berkas": "bnba_13.06.01.xlsx",
        "baris": 42,
    }
    con = sqlite3.connect(log.path)
    with pytest.raises(sqlite3.DatabaseError, match="hanya dapat ditambah"):
        con.execute("UPDATE jejak SET akun = 'orang lain' WHERE id = 2")
    with pytest.raises(sqlite3.DatabaseError, match="hanya dapat ditambah"):
        con.execute("DELETE FROM jejak WHERE id = 1")
    # Someone who drops the trigger to edit a row still breaks the chain.
    con.execute("DROP TRIGGER jejak_tanpa_ubah")
    con.execute("UPDATE jejak SET rincian = '{\"baris\": 1}' WHERE id = 2")
    con.commit()
    assert log.verify() == (2, 2)


def _cli(tmp_path, *args, stdin: str = ""):
    env = {
        **os.environ,
        "KANTONG_USERS": str(tmp_path / "akun.sqlite"),
        "KANTONG_AUDIT": str(tmp_path / "audit.sqlite"),
    }
    return subprocess.run(
        [sys.executable, "-m", "kantong", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_the_command_line_creates_the_first_admin_from_a_piped_password(tmp_path):
    made = _cli(tmp_path, "users", "add", "admin.dinsos", "--role", "admin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert AccountStore(tmp_path / "akun.sqlite").login("admin.dinsos", PASSWORD).ok
    listed = _cli(tmp_path, "users", "list")
    assert "admin.dinsos" in listed.stdout and "admin" in listed.stdout
    refused = _cli(tmp_path, "users", "add", "op.x", "--role", "operator", stdin=PASSWORD + "\n")
    assert refused.returncode == 2 and "wajib punya --region" in refused.stderr and "Traceback" not in refused.stderr
    verified = _cli(tmp_path, "audit", "verify")
    assert verified.returncode == 0 and "utuh: 1 baris" in verified.stdout  # the account change was logged


def test_rows_past_retention_are_removed_archived_and_the_chain_still_verifies(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite")
    now = dt.datetime.now(dt.timezone.utc)
    # Three rows 6, 5 and 4 years old (retention 5 years = 1825 days), two recent ones.
    for years, aksi in ((6, "login"), (5, "ekspor"), (4, "logout")):
        log.record(aksi, "op.agam", "operator", "10.0.0.5", "13.06", waktu=now - dt.timedelta(days=365 * years + 2))
    log.record("login", "kadis", "pimpinan", "10.0.0.9", waktu=now - dt.timedelta(days=1))
    log.record("logout", "kadis", "pimpinan", "10.0.0.9", waktu=now)
    kept = [e.hash for e in log.entries()][2:]
    # Before any rotation nothing can be deleted.
    con = sqlite3.connect(log.path, isolation_level=None)
    with pytest.raises(sqlite3.DatabaseError, match="hanya dapat ditambah"):
        con.execute("DELETE FROM jejak WHERE id = 1")

    rotated = _cli(tmp_path, "audit", "rotate", "--hari", "1825", "--arsip", str(tmp_path / "arsip"))
    assert rotated.returncode == 0, rotated.stderr
    assert "2 baris jejak" in rotated.stdout
    # The two oldest rows are gone, the rest stay as they were, and the rotation is logged.
    rows = log.entries()
    assert [e.hash for e in rows[:3]] == kept and [e.aksi for e in rows] == ["logout", "login", "logout", "rotasi"]
    assert rows[-1].rincian["jumlah"] == 2 and rows[-1].alamat == "baris perintah"
    assert log.verify() == (4, None)
    # The archive holds the removed rows with their hashes, and verifies on its own.
    (archive,) = (tmp_path / "arsip").iterdir()
    assert archive.name.endswith("_1-2.jsonl.gz")
    verified = _cli(tmp_path, "audit", "verify", str(archive))
    assert verified.returncode == 0 and "utuh: 4 baris" in verified.stdout and "Arsip utuh" in verified.stdout
    with gzip.open(archive, "rt") as lines:
        assert [json.loads(line)["aksi"] for line in lines] == ["login", "ekspor"]
    # Rows after the boundary still cannot be deleted.
    with pytest.raises(sqlite3.DatabaseError, match="hanya dapat ditambah"):
        con.execute(f"DELETE FROM jejak WHERE id = {rows[0].id}")
    # Nothing more is that old: a second rotation removes nothing.
    again = _cli(tmp_path, "audit", "rotate", "--hari", "1825")
    assert again.returncode == 0 and "Tidak ada jejak" in again.stdout
    # An archive changed afterwards no longer verifies.
    with gzip.open(archive, "rt") as lines:
        changed = [line.replace("op.agam", "orang.lain") for line in lines]
    with gzip.open(archive, "wt") as out:
        out.writelines(changed)
    broken = _cli(tmp_path, "audit", "verify", str(archive))
    assert broken.returncode == 1 and "ARSIP RUSAK" in broken.stdout
