"""Command line: `python -m etl build ...` and `python -m etl demo`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from etl import config
from etl.errors import InputError
from etl.pipeline import BuildInputs, build, total_steps

console = Console(stderr=True)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"tanggal harus berformat YYYY-MM-DD: {text!r}") from err


def _fmt(n) -> str:
    """Indonesian number format: 1.234.567 and 12,5."""
    if isinstance(n, int):
        return f"{n:,}".replace(",", ".")
    if n is None:
        return "–"
    return f"{n:,.1f}".replace(",", "#").replace(".", ",").replace("#", ".")


@contextmanager
def build_progress(inputs: BuildInputs):
    """A progress bar over the build's steps; yields the `step` callback the build calls
    with each step's label (etl.pipeline.build)."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("Memulai", total=total_steps(inputs))
        first = [True]

        def step(label: str) -> None:
            if not first[0]:
                progress.advance(task)
            first[0] = False
            progress.update(task, description=label)

        yield step
        progress.update(task, completed=total_steps(inputs), description="Selesai")


def run_build(inputs: BuildInputs) -> dict:
    with build_progress(inputs) as step:
        summary = build(inputs, step)
    _report(summary, inputs.out)
    _record_publish(summary, inputs.out)
    return summary


def _record_publish(summary: dict, out: Path) -> None:
    """A new snapshot is what the dashboard shows from now on: the audit log says who
    published it (the operating-system account at the command line) and what it holds."""
    import getpass

    from kantong.audit import AuditLog

    AuditLog(config.AUDIT_DB).record(
        "publikasi",
        akun=getpass.getuser(),
        alamat="baris perintah",
        snapshot=out.name,
        dimuat=summary["baris"]["dimuat"],
        ditolak=summary["baris"]["ditolak"],
    )


def _report(summary: dict, out: Path) -> None:
    table = Table(title="Baris per berkas", title_justify="left")
    for col in ("Berkas", "Jenis", "Format", "Dibaca", "Dimuat", "Ditolak", "NIK tidak valid"):
        table.add_column(col, justify="right" if col not in ("Berkas", "Jenis", "Format") else "left")
    for f in summary["berkas"]:
        bad_nik = sum(v for k, v in f["nik"].items() if k != "valid")
        form = f"{f['format']}, {f['pengodean']}" if f["pengodean"] else f"{f['format']}, {len(f['lembar'])} lembar"
        table.add_row(
            f["berkas"], f["jenis"], form, _fmt(f["baris_dibaca"]), _fmt(f["dimuat"]), _fmt(f["ditolak"]), _fmt(bad_nik)
        )
    console.print(table)
    for f in summary["berkas"]:
        for sheet in f["lembar_dilewati"]:
            console.print(f"[yellow]Lembar dilewati:[/] {f['berkas']}, lembar '{sheet['lembar']}': {sheet['alasan']}")
    for level, meta in summary["sumber"]["batas_wilayah"].items():
        for note in meta.get("catatan", []):
            console.print(f"[yellow]Batas {level}:[/] {note}")
    prov, pc = summary["provinsi"], summary["pencocokan"]
    console.print(
        f"KK P3KE: [bold]{_fmt(prov.get('kk_total'))}[/]  KK desil 1: [bold]{_fmt(prov.get('kk_desil_1'))}[/]  "
        f"belum di DTKS: [bold]{_fmt(prov.get('kk_d1_non_dtks'))}[/] ({_fmt(prov.get('pct_d1_non_dtks'))}%)  "
        f"di DTKS tanpa bansos: [bold]{_fmt(prov.get('kk_d1_dtks_tanpa_bansos'))}[/]"
    )
    console.print(
        f"Baris dibaca {_fmt(summary['baris']['dibaca'])}, dimuat {_fmt(summary['baris']['dimuat'])}, "
        f"ditolak {_fmt(summary['baris']['ditolak'])}; padan DTKS KK desil 1: {_fmt(pc['pct_kk_d1_padan_dtks'])}%; "
        f"wilayah lewat nama: {_fmt(len(summary['wilayah']['dicocokkan_nama']))}; "
        f"desa berpenghuni tanpa poligon: {_fmt(len(summary['wilayah']['tanpa_poligon']))}"
    )
    console.print(
        f"Snapshot: [bold]{out}[/] (laporan kualitas: {out / 'laporan_kualitas.xlsx'}) "
        f"dalam {summary['durasi_detik']['total']:.1f} detik"
    )


def _demo_verval(out: Path, input_dir: Path) -> None:
    """The demo's field verification: lists for the priority nagari and a filled Kobo export,
    imported, so the map's "Hasil verval & asesmen" indicators show results at once."""
    from kantong.audit import AuditLog
    from kantong.data import SnapshotStore
    from kantong.verval import demo
    from kantong.verval.results import ResultStore

    snapshot = SnapshotStore(out.parent).by_name(out.name)
    made, (result, outcome) = demo.run(
        snapshot, ResultStore(config.VERVAL_DB), AuditLog(config.AUDIT_DB), input_dir / "verval"
    )
    from kantong.verval.importer import REASONS

    rejected = "; ".join(f"{REASONS[k]}: {n}" for k, n in (result.rejected_by_reason if result else {}).items())
    console.print(
        f"Verval demo: daftar {made.daftar.jumlah_terpilih} keluarga di {len(made.daftar.nagari)} nagari "
        f"({input_dir / 'verval'}); {outcome.pesan}"
        + (f" Ditolak: {rejected}; jawaban ganda disisihkan: {len(result.duplicates)}." if result else "")
    )


def _first_admin_hint() -> None:
    """The dashboard needs a login: say how to make the first account, if there is none."""
    from kantong.accounts import AccountStore

    if not config.USERS_DB.exists() or AccountStore(config.USERS_DB).count() == 0:
        console.print(
            "Dasbor memerlukan akun. Buat admin pertama (kata sandi ditanyakan, minimal 10 karakter):\n"
            "  [bold].venv/bin/python -m kantong users add admin --role admin[/]\n"
            "lalu jalankan [bold].venv/bin/python app.py[/] dan masuk di http://127.0.0.1:8050/masuk"
        )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Releases (build into staging, publish, discard, rollback, delete) and comparisons have
    # their own command lines.
    if argv[:1] == ["release"]:
        from etl import release_cli

        return release_cli.main(argv[1:])
    if argv[:1] == ["compare"]:
        from etl import compare

        return compare.main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m etl", description="ETL Kantong: P3KE + DTKS + batas wilayah → snapshot indikator"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="bangun snapshot dari berkas ekspor P3KE dan DTKS")
    b.add_argument("--keluarga", nargs="+", type=Path, required=True, help="berkas keluarga P3KE (csv/xlsx)")
    b.add_argument("--individu", nargs="+", type=Path, required=True, help="berkas individu P3KE (csv/xlsx)")
    b.add_argument("--dtks", nargs="+", type=Path, required=True, help="ekstrak DTKS/DTSEN per orang (csv/xlsx)")
    b.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        help="berkas atau folder batas wilayah (GeoJSON, Shapefile, zip, GeoPackage)",
    )
    b.add_argument("--reference-date", type=_date, required=True, help="tanggal referensi umur, YYYY-MM-DD")
    b.add_argument("--out", type=Path, required=True, help="folder snapshot yang ditulis")
    b.add_argument(
        "--kode-wilayah", type=Path, default=None, help="daftar kode wilayah resmi (kode,nama,tingkat), opsional"
    )
    b.add_argument(
        "--kolom-kode", default=None, help="nama kolom kode wilayah pada berkas batas (jika tidak terdeteksi)"
    )
    b.add_argument("--kolom-nama", default=None, help="nama kolom nama wilayah pada berkas batas")
    b.add_argument(
        "--crs",
        default=None,
        help="CRS berkas batas yang tidak menyebutkannya (mis. Shapefile tanpa .prj), mis. EPSG:32747",
    )
    b.add_argument("--threads", type=int, default=None)
    b.add_argument("--tanpa-cache", action="store_true", help="siapkan ulang batas wilayah, abaikan cache")

    # Listed for --help; `main` hands "release" to etl.release_cli before this parser runs.
    sub.add_parser("release", help="kelola rilis data: list, build (ke staging), publish, discard, rollback, delete")
    sub.add_parser("compare", help="bandingkan dua rilis: perubahan per wilayah dan transisi keluarga (Parquet)")
    d = sub.add_parser("demo", help="buat data demo sintetis untuk seluruh Sumatera Barat lalu bangun snapshot")
    d.add_argument(
        "--skala", type=float, default=1.0, help="1 = skala provinsi penuh (600.000 KK); 0,05 untuk uji cepat"
    )
    d.add_argument("--seed", type=int, default=2023)
    d.add_argument("--input-dir", type=Path, default=config.DEMO_INPUT, help="folder berkas demo yang dibuat")
    d.add_argument("--out", type=Path, default=config.SNAPSHOT_ROOT / "demo", help="folder snapshot")
    d.add_argument("--boundaries", type=Path, default=None)
    d.add_argument("--hanya-buat", action="store_true", help="hanya buat berkas demo, tanpa membangun snapshot")

    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            run_build(
                BuildInputs(
                    keluarga=args.keluarga,
                    individu=args.individu,
                    dtks=args.dtks,
                    boundaries=args.boundaries or config.BOUNDARIES,
                    reference_date=args.reference_date,
                    out=args.out,
                    kode_wilayah=args.kode_wilayah,
                    code_column=args.kolom_kode,
                    name_column=args.kolom_nama,
                    crs=args.crs,
                    threads=args.threads,
                    cache_dir=None if args.tanpa_cache else config.CACHE_DIR / "batas",
                )
            )
        else:
            from etl.demo import generate

            t0 = time.perf_counter()
            with console.status("Membuat data demo sintetis…"):
                files = generate(args.input_dir, scale=args.skala, seed=args.seed)
            size = sum(p.stat().st_size for p in files.all)
            console.print(
                f"Data demo: {len(files.all)} berkas, {size / 1e6:,.0f} MB di {args.input_dir} "
                f"({time.perf_counter() - t0:.1f} detik)"
            )
            if not args.hanya_buat:
                run_build(
                    BuildInputs(
                        keluarga=files.keluarga,
                        individu=files.individu,
                        dtks=files.dtks,
                        boundaries=args.boundaries or config.BOUNDARIES,
                        reference_date=dt.date.fromisoformat(config.DEMO_REFERENCE_DATE),
                        out=args.out,
                        kode_wilayah=config.KODE_WILAYAH,
                        cache_dir=config.CACHE_DIR / "batas",
                    )
                )
                _demo_verval(args.out, args.input_dir)
                _first_admin_hint()
    except InputError as err:
        console.print(f"[bold red]Gagal:[/] {err}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
