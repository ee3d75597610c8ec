"""Administration from the command line: accounts and the audit log.

    python -m kantong users add NAME --role ROLE [--region KODE]   # password from stdin or a prompt
    python -m kantong users list | set-password NAME | disable NAME | enable NAME | unlock NAME | remove NAME
    python -m kantong audit verify [ARSIP ...]
    python -m kantong audit rotate [--hari 1825] [--arsip FOLDER]      # remove rows past retention
    python -m kantong audit access --dari 2026-11-01 --sampai 2026-11-04 [--wilayah 13.06]
    python -m kantong verval daftar --desa KODE [KODE ...] | --rencana ID [--per-desa 30|semua] [--seed N] --out DIR
    python -m kantong verval impor FILE [FILE ...] [--json]

Wrong use or a refused change prints the reason and exits with code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sqlite3
import sys
from pathlib import Path

from etl import config
from etl.errors import InputError
from kantong.access import ROLES
from kantong.accounts import AccountError, AccountStore
from kantong.audit import ACTIONS, AuditLog, verify_archive
from kantong.data import SnapshotNotFound


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
        for aksi in ("data_keluarga", "daftar_verval", "impor_verval", "ekspor", "ekspor_nik")
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


def _per_desa(text: str) -> int | None:
    if text.strip().lower() == "semua":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("harus bilangan bulat positif atau 'semua'") from None
    if value < 1:
        raise argparse.ArgumentTypeError("harus bilangan bulat positif atau 'semua'")
    return value


def _verval_context(audit: AuditLog):
    from kantong.data import SnapshotStore
    from kantong.verval.results import ResultStore
    from kantong.verval.service import Context

    return Context(SnapshotStore(config.SNAPSHOT_ROOT).latest(), ResultStore(config.VERVAL_DB), None, audit)


def _verval(args, audit: AuditLog) -> int:
    from kantong.verval import service

    ctx = _verval_context(audit)
    if args.perintah == "daftar":
        codes = list(args.desa or [])
        if args.rencana is not None:
            from kantong.plans import PlanStore

            codes += [row["kode"] for row in PlanStore(config.PLANS_DB).open(args.rencana).nagari]
        made = service.make_list(ctx, codes, per_desa=args.per_desa, seed=args.seed)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name, data in made.files.items():
            (out / name).write_bytes(data)
            print(f"{out / name}  ({len(data) / 1024:,.0f} KB)".replace(",", "."))
        print(made.daftar.keterangan)
        for n in made.daftar.nagari:
            print(f"  {n.kode}  {n.nama:<30} {n.jumlah_terpilih:>4} dari {n.jumlah_desil_1:>5} KK desil 1")
        print(
            f"Daftar #{made.daftar_id}: {made.daftar.jumlah_terpilih} keluarga di {len(made.daftar.nagari)} nagari/desa."
        )
        return 0
    result, outcome = service.import_results(ctx, [Path(f) for f in args.berkas])
    tallies = service.tallies(ctx)
    if len(tallies):
        names = {k: ctx.snapshot.name(k) for k in tallies["kode_desa"] if ctx.snapshot.has(k)}
        tallies.insert(1, "nama", tallies["kode_desa"].map(names))
    report = _import_report(result, outcome, tallies)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        _print_import(report)
    return 0


def _import_report(result, outcome, tallies) -> dict:
    from kantong.verval.importer import REASONS

    report = {"pesan": outcome.pesan, "berkas": [], "dibaca": 0, "diterima": 0, "ditolak": {}, "ganda": 0}
    if result is not None:
        report.update(
            berkas=[{"nama": f.nama, "bentuk": f.bentuk, "baris": f.baris} for f in result.files],
            dibaca=result.rows_read,
            diterima=len(result.accepted),
            ditolak={REASONS[k]: n for k, n in result.rejected_by_reason.items()},
            ganda=len(result.duplicates),
            belum_diisi=len(result.unanswered),
            penolakan=[str(r) for r in result.rejected],
            peringatan=list(result.warnings),
        )
    report["per_nagari"] = tallies.to_dict("records") if len(tallies) else []
    return report


TALLY_SHOWN = (
    "kk_verval",
    "kk_verval_ditemukan",
    "kk_verval_tidak_ditemukan",
    "kk_verval_pindah",
    "kk_verval_meninggal",
    "kk_verval_ganda",
    "kk_verval_layak",
    "kk_usul_dtks",
)


def _print_import(report: dict) -> None:
    from kantong.verval.choices import NEEDS

    need_label = {f"kk_butuh_{c.kode}": c.label for c in NEEDS}
    print(report["pesan"])
    for f in report["berkas"]:
        print(f"  {f['nama']}: {f['bentuk'] or '-'}, {f['baris']} baris")
    print(f"Baris dibaca {report['dibaca']}, diterima {report['diterima']}, ganda {report['ganda']}.")
    for reason, n in report["ditolak"].items():
        print(f"  ditolak, {reason}: {n}")
    for line in report.get("penolakan", [])[:50]:
        print(f"    {line}")
    if report["per_nagari"]:
        print(
            "Per nagari: terverifikasi / ditemukan / tidak ditemukan / pindah / meninggal / ganda / layak / usul DTKS"
        )
        for t in report["per_nagari"]:
            needs = ", ".join(f"{need_label[k]} {v}" for k, v in t.items() if k in need_label and v)
            counts = " / ".join(str(t[k]) for k in TALLY_SHOWN)
            print(f"  {t['kode_desa']} {t.get('nama') or '':<24} {counts}" + (f"; kebutuhan: {needs}" if needs else ""))


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
    verval = sub.add_parser("verval", help="verifikasi dan asesmen lapangan").add_subparsers(
        dest="perintah", required=True
    )
    daftar = verval.add_parser("daftar", help="buat daftar keluarga (xlsx, PDF, XLSForm) untuk nagari terpilih")
    daftar.add_argument("--desa", nargs="+", help="kode nagari/desa, misalnya 13.06.01.2001")
    daftar.add_argument("--rencana", type=int, help="nomor rencana tersimpan: nagari pilihannya")
    daftar.add_argument("--per-desa", type=_per_desa, default=30, help="jumlah keluarga per nagari, atau 'semua'")
    daftar.add_argument("--seed", type=int, default=2023, help="benih undian (hasil sama untuk benih sama)")
    daftar.add_argument("--out", required=True, help="folder tujuan")
    impor = verval.add_parser("impor", help="impor hasil (xlsx daftar, ekspor ODK Central atau KoboToolbox)")
    impor.add_argument("berkas", nargs="+")
    impor.add_argument("--json", action="store_true", help="cetak ringkasan sebagai satu objek JSON")
    args = ap.parse_args(argv)
    if args.bagian == "verval" and args.perintah == "daftar" and not (args.desa or args.rencana is not None):
        ap.error("sebutkan --desa atau --rencana")
    log = AuditLog(config.AUDIT_DB)
    try:
        if args.bagian == "users":
            return _users(args, AccountStore(config.USERS_DB), log)
        if args.bagian == "verval":
            return _verval(args, log)
        return _audit(args, log)
    except (AccountError, ValueError, OSError, sqlite3.Error, LookupError) as err:
        print(f"Galat: {err}", file=sys.stderr)
        return 2
    except (InputError, SnapshotNotFound) as err:
        print(f"Galat: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
