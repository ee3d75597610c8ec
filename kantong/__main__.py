"""Administration from the command line: accounts and the audit log.

    python -m kantong users add NAME --role ROLE [--region KODE]   # password from stdin or a prompt
    python -m kantong users list | set-password NAME | disable NAME | enable NAME | unlock NAME | remove NAME
    python -m kantong audit verify [ARSIP ...]
    python -m kantong audit rotate [--hari 1825] [--arsip FOLDER]      # remove rows past retention
    python -m kantong audit access --dari 2026-11-01 --sampai 2026-11-04 [--wilayah 13.06]

Wrong use or a refused change prints the reason and exits with code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sqlite3
import sys
from pathlib import Path

from etl import config
from kantong.access import ROLES
from kantong.accounts import AccountError, AccountStore
from kantong.audit import ACTIONS, AuditLog, verify_archive


def _password(prompt_twice: bool = True) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Kata sandi: ")
    if prompt_twice and getpass.getpass("Ulangi kata sandi: ") != first:
        raise AccountError("kedua kata sandi tidak sama")
    return first


def _users(args, store: AccountStore, audit: AuditLog) -> int:
    if args.perintah == "list":
        rows = store.all()
        if not rows:
            print("Belum ada akun. Buat admin pertama: python -m kantong users add NAMA --role admin")
        for a in rows:
            state = "aktif" if a.aktif else "nonaktif"
            if a.locked():
                state += ", terkunci"
            last = dt.datetime.fromtimestamp(a.login_terakhir).strftime("%Y-%m-%d %H:%M") if a.login_terakhir else "-"
            print(f"{a.nama:<24} {a.peran:<9} {a.wilayah or '-':<6} {state:<18} terakhir masuk {last}")
        return 0
    if args.perintah == "add":
        account = store.add(args.nama, args.role, _password(), args.region)
        detail = {"perintah": "tambah", "target": account.nama, "peran_target": account.peran}
        print(f"Akun {account.nama} ({account.peran}{', ' + account.wilayah if account.wilayah else ''}) dibuat.")
    elif args.perintah == "set-password":
        store.set_password(args.nama, _password())
        detail = {"perintah": "ganti_sandi", "target": args.nama}
        print(f"Kata sandi {args.nama} diganti; kunci dibuka.")
    else:
        action = {"disable": store.disable, "enable": store.enable, "unlock": store.unlock, "remove": store.remove}
        action[args.perintah](args.nama)
        detail = {"perintah": args.perintah, "target": args.nama}
        print(f"{args.perintah}: {args.nama} selesai.")
    audit.record("akun", alamat="baris perintah", **detail)
    return 0


def _audit(args, audit: AuditLog) -> int:
    if args.perintah == "verify":
        n, broken = audit.verify()
        if broken is not None:
            print(f"RANTAI RUSAK: baris {broken} tidak cocok dengan hash baris sebelumnya ({n} baris diperiksa).")
            return 1
        print(f"Rantai jejak audit utuh: {n} baris diperiksa.")
        for path in args.arsip:
            if not Path(path).is_file():
                raise ValueError(f"berkas arsip tidak ada: {path}")
            n, broken = verify_archive(path)
            if broken is not None:
                print(f"ARSIP RUSAK: {path}, baris {broken} tidak cocok ({n} baris diperiksa).")
                return 1
            print(f"Arsip utuh: {path}, {n} baris.")
        return 0
    if args.perintah == "rotate":
        if args.hari < 1:
            raise ValueError("--hari harus 1 atau lebih")
        before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=args.hari)
        done = audit.rotate(before, args.arsip)
        if done is None:
            print(f"Tidak ada jejak yang lebih tua dari {args.hari} hari.")
            return 0
        print(f"{done.jumlah} baris jejak ({done.dari[:10]} s.d. {done.sampai[:10]}) dihapus dari log.")
        if done.berkas:
            print(f"Arsipnya: {done.berkas}")
        return 0
    start = dt.datetime.fromisoformat(args.dari).replace(tzinfo=dt.timezone.utc)
    end = dt.datetime.fromisoformat(args.sampai).replace(tzinfo=dt.timezone.utc) + dt.timedelta(days=1)
    rows = [
        e
        for aksi in ("data_keluarga", "ekspor", "ekspor_nik")
        for e in audit.entries(start, end, aksi=aksi, wilayah=args.wilayah)
    ]
    rows.sort(key=lambda e: e.id)
    print(f"Akses data keluarga {args.dari} s.d. {args.sampai}" + (f", wilayah {args.wilayah}" if args.wilayah else ""))
    for e in rows:
        print(
            f"{e.waktu}  {e.akun or '-':<20} {e.peran or '-':<9} {ACTIONS[e.aksi]:<36} {e.wilayah or '-':<14} {e.rincian}"
        )
    print(f"{len(rows)} akses.")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kantong", description="Administrasi Kantong: akun dan jejak audit")
    sub = ap.add_subparsers(dest="bagian", required=True)
    users = sub.add_parser("users", help="akun pengguna").add_subparsers(dest="perintah", required=True)
    add = users.add_parser("add", help="buat akun (kata sandi dari stdin atau ditanyakan)")
    add.add_argument("nama")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--region", help="kode kab/kota untuk operator, misalnya 13.06")
    users.add_parser("list", help="daftar akun")
    for name in ("set-password", "disable", "enable", "unlock", "remove"):
        users.add_parser(name).add_argument("nama")
    audit = sub.add_parser("audit", help="jejak audit").add_subparsers(dest="perintah", required=True)
    verify = audit.add_parser("verify", help="periksa rantai hash (dan berkas arsip yang disebut)")
    verify.add_argument("arsip", nargs="*", help="berkas arsip hasil rotate --arsip")
    rotate = audit.add_parser("rotate", help="hapus jejak yang lewat masa simpan")
    rotate.add_argument(
        "--hari",
        type=int,
        default=config.AUDIT_RETENTION_DAYS,
        help=f"masa simpan dalam hari (bawaan KANTONG_AUDIT_RETENTION_DAYS = {config.AUDIT_RETENTION_DAYS})",
    )
    rotate.add_argument("--arsip", help="folder untuk menyimpan baris yang dihapus (gzip JSON lines) lebih dahulu")
    access = audit.add_parser("access", help="siapa mengakses data keluarga dalam suatu periode")
    access.add_argument("--dari", required=True, help="YYYY-MM-DD")
    access.add_argument("--sampai", required=True, help="YYYY-MM-DD (termasuk)")
    access.add_argument("--wilayah", help="kode wilayah (beserta isinya)")
    args = ap.parse_args(argv)
    log = AuditLog(config.AUDIT_DB)
    try:
        if args.bagian == "users":
            return _users(args, AccountStore(config.USERS_DB), log)
        return _audit(args, log)
    except (AccountError, ValueError, OSError, sqlite3.Error) as err:
        print(f"Galat: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
