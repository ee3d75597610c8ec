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
from kantong.releases import ReleaseError

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


# --- the demo: two releases of the same synthetic families, a plan on the first ---------------

DEMO_AUTHOR = "demo"  # who the demo's plan is by


def demo_release_names(out: Path, reference_date_a: str) -> tuple[str, str]:
    """The demo's releases: A named after B's folder and A's month ("demo-2023-02"), B the
    folder's own name ("demo"), so B is what `--out` names, as before releases."""
    return f"{out.name}-{reference_date_a[:7]}", out.name


def demo_plan_name(reference_date_a: str) -> str:
    """The demo plan's name: "Rencana demo Februari 2023" for a release A of 22 February 2023."""
    from kantong.fmt import tanggal

    return "Rencana demo " + tanggal(reference_date_a).split(" ", 1)[1]


def run_demo(args: argparse.Namespace) -> None:
    """`python -m etl demo`: both releases' exports, then (unless --hanya-buat) release A and
    release B built and published through the release store (B last, so it is shown), the
    demo plan saved on A, the field verification demo on B."""
    import getpass

    from etl.demo import generate_releases

    t0 = time.perf_counter()
    with console.status("Membuat data demo sintetis (dua rilis)…"):
        made = generate_releases(args.input_dir, scale=args.skala, seed=args.seed, boundaries=args.boundaries)
    for label, files in (("A", made.a), ("B", made.b)):
        size = sum(p.stat().st_size for p in files.all)
        console.print(
            f"Data demo rilis {label} (tanggal referensi {files.reference_date}): {len(files.all)} berkas, "
            f"{_fmt(round(size / 1e6))} MB di {files.folder}"
        )
    console.print(f"Dibuat dalam {_fmt(time.perf_counter() - t0)} detik.")
    for line in transition_lines(made.transisi, made.transisi_file):
        console.print(line)
    if args.hanya_buat:
        return

    akun = getpass.getuser()
    out = Path(args.out)
    nama_a, nama_b = demo_release_names(out, made.a.reference_date)
    inputs = {
        nama_a: (made.a, args.boundaries or config.BOUNDARIES, config.KODE_WILAYAH),
        nama_b: (made.b, made.b.boundaries, made.b.kode_wilayah),
    }
    order, current = _demo_build_order(out.parent, nama_a, nama_b)
    for nama in order:
        files, boundaries, kode_wilayah = inputs[nama]
        _replace_demo_release(out.parent, nama, akun, spare=nama_b if nama == nama_a else nama_a)
        build_release(
            out.parent,
            nama,
            BuildInputs(
                keluarga=files.keluarga,
                individu=files.individu,
                dtks=files.dtks,
                boundaries=boundaries,
                reference_date=dt.date.fromisoformat(files.reference_date),
                out=out.parent / nama,
                kode_wilayah=kode_wilayah,
                cache_dir=config.CACHE_DIR / "batas",
            ),
            akun,
            padanan=files.padanan,
        )
    if current is not None:
        from kantong.releases import ReleaseStore

        ReleaseStore(out.parent).rollback(current, akun)
    plan = save_demo_plan(out.parent, nama_a, akun)
    console.print(
        f"Rencana '{plan.nama}' (nomor {plan.id}, revisi {plan.revisi}, oleh {plan.penulis}) pada rilis {nama_a}: "
        f"{len(plan.nagari)} nagari, satu per kab/kota. Rilis yang tampil: {nama_b}; bandingkan dengan "
        f"[bold].venv/bin/python -m etl compare {out.parent / nama_a} {out.parent / nama_b} --out perbandingan/[/]"
    )
    _demo_verval(out, args.input_dir)
    _first_admin_hint()


def transition_lines(transisi: dict, path: Path) -> list[str]:
    """The planted transitions in a few Indonesian lines."""
    from kantong.fmt import tanggal

    p = transisi["provinsi"]
    lines = [
        f"Transisi yang ditanam, rilis A ({tanggal(transisi['rilis_a']['tanggal_referensi'])}) ke rilis B "
        f"({tanggal(transisi['rilis_b']['tanggal_referensi'])}): keluarga A {_fmt(p['kk_a'])}, B {_fmt(p['kk_b'])}; "
        f"tetap {_fmt(p['tetap'])} (dipadankan lewat NIK kepala keluarga karena ID P3KE berganti "
        f"{_fmt(p['tetap_lewat_nik'])}); keluar {_fmt(p['keluar'])}; baru {_fmt(p['baru'])}.",
        f"Keluarga desil 1 rilis A yang tetap: {_fmt(p['d1_tetap'])} dari {_fmt(p['d1_a'])}; masuk DTKS "
        f"{_fmt(p['d1_masuk_dtks'])}; mulai menerima bansos {_fmt(p['d1_mulai_bansos'])}; keluar dari desil 1 "
        f"(calon graduasi) {_fmt(p['d1_keluar_desil_1'])}. Keluarga desil 2–4 yang menjadi desil 1: "
        f"{_fmt(p['masuk_desil_1'])}.",
    ]
    for change in transisi["ganti_kode"]:
        lines.append(
            f"Ganti kode nagari: {change['nama']} {change['kode_lama']} → {change['kode_baru']} "
            f"({_fmt(change['kk_b'])} keluarga di rilis B; tabel padanan {transisi['padanan']})."
        )
    lines.append(f"Rincian per kab/kota: {path}")
    return lines


def _demo_build_order(root: Path, nama_a: str, nama_b: str) -> tuple[list[str], str | None]:
    """The order the demo's releases are rebuilt in, and the one to make current again at
    the end, if any. A before B, so B is published last and shown; but when A is shown and
    B is not there to show meanwhile (an earlier run stopped between the two), B first, then
    A, then B made current again: the store never deletes the release shown."""
    from kantong.releases import PUBLISHED, ReleaseStore

    releases = {r.nama: r for r in ReleaseStore(root).list()}
    a, b = releases.get(nama_a), releases.get(nama_b)
    if a is not None and a.tampil and (b is None or b.status != PUBLISHED):
        return [nama_b, nama_a], nama_b
    return [nama_a, nama_b], None


def _replace_demo_release(root: Path, nama: str, akun: str, spare: str) -> None:
    """Clear the way for rebuilding the demo release `nama`: a leftover staging build is
    discarded, a published one deleted (after showing `spare`, if `nama` is shown).

    A saved plan names its release, and the rebuilt release of that name holds the same
    synthetic families: the demo's own plan goes on referring to it (and gets a new
    revision), as does any plan someone made on a demo release. So the plan check of
    ReleaseStore.delete is turned off here."""
    from kantong.releases import PUBLISHED, STAGING, ReleaseStore

    store = ReleaseStore(root)
    try:
        release = store.get(nama)
    except ReleaseError:
        return
    if release.status == STAGING:
        store.discard(nama, akun)
    elif release.status == PUBLISHED:
        if release.tampil:
            store.rollback(spare, akun)
        store.delete(nama, akun, periksa_rencana=False)


def build_release(root: Path, nama: str, inputs: BuildInputs, akun: str, padanan: Path | None = None) -> dict:
    """Build `inputs` as the release `nama` under `root` through the release store, with the
    progress bar and report of a build, and publish it."""
    from kantong.releases import ReleaseStore

    store = ReleaseStore(root)
    console.print(f"[bold]Rilis {nama}[/] (tanggal referensi {inputs.reference_date.isoformat()})")
    with build_progress(inputs) as step:
        _, summary = store.build(nama, inputs, akun, step, padanan=padanan)
    store.publish(nama, akun)
    _report(summary, store.snapshot_dir(nama))
    return summary


def save_demo_plan(root: Path, nama_a: str, akun: str):
    """The demo plan on release A, so that progress against a plan shows something at once:
    the default preset's weights and the 2023 rule (the best nagari of each kab/kota), with
    default targets for A's year. A plan of that name by the demo gets a new revision."""
    from kantong import priority
    from kantong.audit import AuditLog
    from kantong.data import SnapshotStore
    from kantong.plans import Plan, PlanStore

    snapshot = SnapshotStore(root).by_name(nama_a)
    start = priority.starting_plan(snapshot, int(snapshot.tanggal_referensi[:4]))
    nama = demo_plan_name(snapshot.tanggal_referensi)
    plans = PlanStore(config.PLANS_DB)
    earlier = next((p for p in plans.list() if p["nama"] == nama and p["dibuat_oleh"] == DEMO_AUTHOR), None)
    saved = plans.save(
        Plan(
            id=earlier["id"] if earlier else None,
            nama=nama,
            penulis=DEMO_AUTHOR,
            snapshot_id=snapshot.base_id,
            snapshot_nama=nama_a,
            bobot=start.bobot,
            aturan=start.aturan.as_dict(),
            # Verification counts are shown beside the targets, never saved (as the page does).
            nagari=[{k: v for k, v in row.items() if k not in priority.VERVAL_FIELDS} for row in start.rows],
            revisi=earlier["revisi"] if earlier else None,
        )
    )
    AuditLog(config.AUDIT_DB).record(
        "rencana",
        akun=akun,
        alamat="baris perintah",
        rencana=saved.id,
        revisi=saved.revisi,
        nagari=len(saved.nagari),
    )
    return saved


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
    d = sub.add_parser(
        "demo",
        help="buat data demo sintetis untuk seluruh Sumatera Barat (dua rilis berselang enam bulan), "
        "bangun dan terbitkan keduanya",
    )
    d.add_argument(
        "--skala", type=float, default=1.0, help="1 = skala provinsi penuh (600.000 KK); 0,05 untuk uji cepat"
    )
    d.add_argument("--seed", type=int, default=2023)
    d.add_argument("--input-dir", type=Path, default=config.DEMO_INPUT, help="folder berkas demo yang dibuat")
    d.add_argument(
        "--out",
        type=Path,
        default=config.SNAPSHOT_ROOT / "demo",
        help="folder snapshot rilis B (rilis A di sebelahnya, bernama <nama>-<tahun>-<bulan>)",
    )
    d.add_argument("--boundaries", type=Path, default=None)
    d.add_argument("--hanya-buat", action="store_true", help="hanya buat berkas demo kedua rilis, tanpa membangun")

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
            run_demo(args)
    except (InputError, ReleaseError) as err:
        console.print(f"[bold red]Gagal:[/] {err}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
