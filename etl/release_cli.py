"""Command line for data releases (kantong.releases): `python -m etl release ...`.

    python -m etl release list [--json]
    python -m etl release build --nama NAMA --keluarga ... --individu ... --dtks ... --reference-date YYYY-MM-DD [...]
    python -m etl release publish NAMA | discard NAMA | rollback NAMA | delete NAMA

Every subcommand takes `--snapshots FOLDER` (default: KANTONG_SNAPSHOTS or data/snapshots).
`build` takes the input options of `python -m etl build`, writes into staging (the dashboard
does not change) and prints the quality summary. Bad input or a refused step prints the
reason and exits with code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path

from rich.console import Console

from etl import config
from etl.errors import InputError
from kantong import fmt
from kantong.releases import PUBLISHED, STATUS_LABEL, Release, ReleaseError, ReleaseStore

console = Console(stderr=True)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"tanggal harus berformat YYYY-MM-DD: {text!r}") from err


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--snapshots", type=Path, default=None, help="folder snapshot (bawaan: KANTONG_SNAPSHOTS atau data/snapshots)"
    )
    parser = argparse.ArgumentParser(
        prog="python -m etl release",
        description="Rilis data: bangun ke staging, periksa, terbitkan, kembalikan, buang atau hapus.",
    )
    sub = parser.add_subparsers(dest="perintah", required=True)

    lst = sub.add_parser("list", parents=[common], help="daftar rilis dan rilis yang tampil di dasbor")
    lst.add_argument("--json", action="store_true", help="keluaran JSON (dengan SHA-256 tiap berkas sumber)")

    # The input options of `python -m etl build` (etl/__main__.py), with --nama for --out.
    b = sub.add_parser("build", parents=[common], help="bangun rilis ke staging (dasbor belum berubah)")
    b.add_argument("--nama", required=True, help="nama rilis = nama folder snapshot, mis. 2023-08")
    b.add_argument("--keluarga", nargs="+", type=Path, required=True, help="berkas keluarga P3KE (csv/xlsx)")
    b.add_argument("--individu", nargs="+", type=Path, required=True, help="berkas individu P3KE (csv/xlsx)")
    b.add_argument("--dtks", nargs="+", type=Path, required=True, help="ekstrak DTKS/DTSEN per orang (csv/xlsx)")
    b.add_argument("--boundaries", type=Path, default=None, help="berkas atau folder batas wilayah")
    b.add_argument("--reference-date", type=_date, required=True, help="tanggal referensi umur, YYYY-MM-DD")
    b.add_argument("--kode-wilayah", type=Path, default=None, help="daftar kode wilayah resmi, opsional")
    b.add_argument("--kolom-kode", default=None, help="nama kolom kode wilayah pada berkas batas")
    b.add_argument("--kolom-nama", default=None, help="nama kolom nama wilayah pada berkas batas")
    b.add_argument("--crs", default=None, help="CRS berkas batas yang tidak menyebutkannya, mis. EPSG:32747")
    b.add_argument("--threads", type=int, default=None)
    b.add_argument("--tanpa-cache", action="store_true", help="siapkan ulang batas wilayah, abaikan cache")
    b.add_argument(
        "--padanan",
        type=Path,
        default=None,
        help="tabel padanan kode wilayah dari rilis sebelumnya (kode_lama, kode_baru), csv/xlsx, opsional",
    )

    for name, text in (
        ("publish", "terbitkan rilis staging dan tampilkan di dasbor"),
        ("discard", "buang rilis staging (berkasnya dihapus)"),
        ("rollback", "tampilkan lagi rilis terbit yang lebih dulu"),
        ("delete", "hapus rilis terbit yang tidak tampil dan tidak dipakai rencana"),
    ):
        step = sub.add_parser(name, parents=[common], help=text)
        step.add_argument("nama", help="nama rilis")
    return parser


def _build_inputs(args: argparse.Namespace):
    from etl.pipeline import BuildInputs

    return BuildInputs(
        keluarga=args.keluarga,
        individu=args.individu,
        dtks=args.dtks,
        boundaries=args.boundaries or config.BOUNDARIES,
        reference_date=args.reference_date,
        out=Path(args.nama),  # replaced by the staging folder
        kode_wilayah=args.kode_wilayah,
        code_column=args.kolom_kode,
        name_column=args.kolom_nama,
        crs=args.crs,
        threads=args.threads,
        cache_dir=None if args.tanpa_cache else config.CACHE_DIR / "batas",
    )


def _build(store: ReleaseStore, args: argparse.Namespace, akun: str) -> None:
    # Not at the top: etl.__main__ hands "release" to this module. The progress bar and the
    # quality summary are those of `python -m etl build`.
    from etl.__main__ import _report, build_progress

    inputs = _build_inputs(args)
    with build_progress(inputs) as step:
        release, summary = store.build(args.nama, inputs, akun, step, padanan=args.padanan)
    _report(summary, store.staging_dir(release.nama))
    print(
        f"Rilis '{release.nama}' dibangun di staging; dasbor belum berubah. Periksa laporan kualitas, lalu "
        f"terbitkan: python -m etl release publish {release.nama}  (atau buang: python -m etl release discard "
        f"{release.nama})"
    )


def _when(value: str | None, who: str | None) -> str:
    if not value:
        return "–"
    return f"{value[:16].replace('T', ' ')}" + (f" oleh {who}" if who else "")


def _status(release: Release) -> str:
    text = STATUS_LABEL[release.status]
    if release.status == PUBLISHED and release.langsung:
        text += " langsung"
    return text + (", TAMPIL" if release.tampil else "")


def _list(store: ReleaseStore, as_json: bool) -> None:
    releases = store.list()
    if as_json:
        print(json.dumps([{**r.to_json(), "tampil": r.tampil} for r in releases], ensure_ascii=False, indent=2))
        return
    if not releases:
        print(f"Belum ada rilis di {store.root}. Bangun satu: python -m etl release build --nama NAMA ...")
        return
    print(
        f"  {'Nama':<20} {'Status':<24} {'Tanggal referensi':<17} {'Dibangun':<30} {'Diterbitkan':<30} "
        f"{'Baris dimuat':>12} {'KK desil 1':>10}"
    )
    for r in releases:
        mark = "▶" if r.tampil else " "
        print(
            f"{mark} {r.nama:<20} {_status(r):<24} {fmt.tanggal(r.tanggal_referensi):<17} "
            f"{_when(r.dibangun_pada, r.dibangun_oleh):<30} {_when(r.diterbitkan_pada, r.diterbitkan_oleh):<30} "
            f"{fmt.angka(r.baris.get('dimuat')):>12} {fmt.angka(r.kk_desil_1):>10}"
        )


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as done:  # --help, or a usage error argparse has already explained
        return int(done.code or 0)
    store = ReleaseStore(args.snapshots)
    akun = getpass.getuser()
    try:
        if args.perintah == "list":
            _list(store, args.json)
        elif args.perintah == "build":
            _build(store, args, akun)
        elif args.perintah == "publish":
            release = store.publish(args.nama, akun)
            print(f"Rilis '{release.nama}' terbit dan kini tampil di dasbor.")
        elif args.perintah == "discard":
            release = store.discard(args.nama, akun)
            print(f"Rilis '{release.nama}' dibuang; berkas staging-nya dihapus.")
        elif args.perintah == "rollback":
            release = store.rollback(args.nama, akun)
            print(f"Rilis '{release.nama}' kembali tampil di dasbor.")
        else:
            release = store.delete(args.nama, akun)
            print(f"Rilis '{release.nama}' dihapus beserta data keluarganya.")
    except (ReleaseError, InputError) as err:
        print(f"Gagal: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
