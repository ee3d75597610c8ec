"""Rilis data page: the uploaded files' kinds, the build job and its polling, the
confirmations and the steps on releases (publish, discard, rollback, delete)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, no_update
from flask import g, has_request_context, request

import ids
from etl import config
from kantong import gate, release_job, release_upload
from kantong.releases import PUBLISHED, STAGING, STATUS_LABEL, ReleaseError, ReleaseStore, check_name
from layouts.rilis import files_table, job_panel, release_table, report

AUTO_NAME = re.compile(r"\d{4}-\d{2}")
REQUIRED_KINDS = (release_upload.KELUARGA, release_upload.INDIVIDU, release_upload.DTKS)

# What each action asks before it is done, and the label of the button that confirms it.
CONFIRM = {
    "terbitkan": (
        "Terbitkan rilis '{nama}'? Setelah terbit, semua pengguna melihat data rilis ini di dasbor.{ganti}",
        "Ya, terbitkan",
    ),
    "buang": (
        "Buang rilis staging '{nama}'? Berkas snapshot dan data keluarganya dihapus dan tidak dapat dipulihkan; "
        "rilis tetap tercatat sebagai dibuang.",
        "Ya, buang",
    ),
    "kembalikan": (
        "Tampilkan lagi rilis '{nama}'? Dasbor semua pengguna akan menampilkan data rilis ini.{ganti}",
        "Ya, tampilkan",
    ),
    "hapus": (
        "Hapus rilis '{nama}' beserta data keluarganya? Ini tidak dapat dibatalkan; catatannya tetap di daftar "
        "dan jejak audit.",
        "Ya, hapus",
    ),
    "hentikan": (
        "Hentikan build rilis '{nama}'? Yang sudah dibangun di staging dihapus; berkas unggahan tetap.",
        "Ya, hentikan",
    ),
    "hapus_unggahan": (
        "Hapus semua {n} berkas unggahan yang belum dibangun? Berkasnya harus diunggah lagi.",
        "Ya, hapus",
    ),
}


def _principal():
    return g.get("principal") if has_request_context() else None


def _address() -> str:
    return (request.remote_addr if has_request_context() else None) or "-"


def _store(services) -> ReleaseStore:
    """The release store, recording steps with the asker's address (as the audit log does)."""
    base = services.releases
    return ReleaseStore(base.root, base.audit, base.plans_db, alamat=_address())


def _work(services) -> Path:
    return Path(services.work or config.CACHE_DIR / "app")


def _alert(text, color: str = "danger"):
    return dbc.Alert(text, color=color, className="small py-2 mb-2", dismissable=color != "danger")


def chosen_files(values, id_list) -> dict[str, str | None]:
    """{file name: kind} from the page's kind selectors."""
    if not isinstance(values, list) or not isinstance(id_list, list):
        return {}
    return {str(i.get("berkas")): v for i, v in zip(id_list, values) if isinstance(i, dict)}


def build_inputs(services, akun: str, alamat: str, nama: str, tanggal: str, kinds: dict[str, str | None]):
    """The job's inputs from the form, or a ValueError with the message for the officer."""
    work = _work(services)
    if not tanggal or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", tanggal.strip()):
        raise ValueError("Tanggal referensi wajib diisi dengan format YYYY-MM-DD, mis. 2024-03-01.")
    try:
        reference = dt.date.fromisoformat(tanggal.strip())
    except ValueError:
        raise ValueError(f"Tanggal referensi {tanggal!r} tidak ada di kalender.") from None
    nama = (nama or "").strip() or f"{reference:%Y-%m}"
    try:
        check_name(nama)
    except ReleaseError as err:
        raise ValueError(str(err)) from None
    session = release_upload.current_session(work, akun)
    files = {f.nama: f for f in session.files()} if session is not None else {}
    if not files:
        raise ValueError("Belum ada berkas yang diunggah.")
    chosen = {n: kinds.get(n) for n in files}
    unset = [n for n, k in chosen.items() if k not in release_upload.KINDS]
    if unset:
        raise ValueError(f"Pilih jenis berkas {', '.join(unset[:5])}" + (" dan lainnya." if len(unset) > 5 else "."))
    used = {n: k for n, k in chosen.items() if k != release_upload.ABAIKAN}
    partial = [n for n in used if not files[n].selesai]
    if partial:
        raise ValueError(
            f'Berkas {", ".join(partial[:5])} belum lengkap terunggah: unggah ulang atau tandai "Tidak dipakai".'
        )
    by_kind = {
        k: sorted(session.file_path(n).resolve().as_posix() for n, kk in used.items() if kk == k)
        for k in release_upload.KINDS
    }
    missing = [release_upload.KIND_LABEL[k] for k in REQUIRED_KINDS if not by_kind[k]]
    if missing:
        raise ValueError(
            f"Belum ada berkas {', '.join(missing)}: setiap rilis memerlukan P3KE keluarga, P3KE individu dan DTKS."
        )
    if len(by_kind[release_upload.PADANAN]) > 1:
        raise ValueError("Pilih paling banyak satu tabel padanan kode wilayah.")
    store = services.releases
    taken = next((r for r in store.list() if r.nama == nama and r.status in (STAGING, PUBLISHED)), None)
    if taken is not None:
        raise ValueError(
            f"Nama rilis '{nama}' sudah dipakai (status {STATUS_LABEL[taken.status]}). "
            "Pilih nama lain, atau buang/hapus rilis itu lebih dulu."
        )
    running = release_job.running(work)
    if running is not None:
        raise ValueError(
            f"Build rilis '{running.get('nama')}' oleh {running.get('akun')} sedang berjalan; satu build pada satu waktu "
            "(setiap build memakai memori server yang besar). Tunggu hingga selesai."
        )
    # The repository's code list belongs to its own boundaries (Sumatera Barat): with
    # boundaries of the officer's own, only those boundaries place the regions.
    own_boundaries = bool(by_kind[release_upload.BATAS])
    return release_job.JobInputs(
        nama=nama,
        tanggal_referensi=reference.isoformat(),
        akun=akun,
        alamat=alamat,
        root=str(Path(store.root).resolve()),
        audit_db=str(Path(store.audit.path).resolve()),
        plans_db=str(Path(store.plans_db).resolve()),
        keluarga=by_kind[release_upload.KELUARGA],
        individu=by_kind[release_upload.INDIVIDU],
        dtks=by_kind[release_upload.DTKS],
        batas=by_kind[release_upload.BATAS],
        padanan=by_kind[release_upload.PADANAN][0] if by_kind[release_upload.PADANAN] else None,
        kode_wilayah=str(config.KODE_WILAYAH) if not own_boundaries and config.KODE_WILAYAH.is_file() else None,
        cache_dir=str(config.CACHE_DIR / "batas"),
        sesi=str(session.path.resolve()),
    )


def compare_link(app, previous: str | None, nama: str):
    if not previous or previous == nama:
        return None
    href = app.get_relative_path("/perbandingan") + "?" + urlencode({"a": previous, "b": nama})
    return dcc.Link("Bandingkan dengan rilis sebelumnya", href=href, id="rilis-bandingkan", className="alert-link")


def confirmation(services, aksi: str, nama: str) -> str:
    text, _ = CONFIRM[aksi]
    if aksi == "hentikan":
        state = release_job.status(_work(services), nama)
        return text.format(nama=(state or {}).get("nama", nama))
    if aksi == "hapus_unggahan":
        session = release_upload.current_session(_work(services), _principal().nama)
        return text.format(n=len(session.files()) if session else 0)
    shown = next((r.nama for r in services.releases.list() if r.tampil), None)
    ganti = (
        f" Rilis yang tampil sekarang ('{shown}') tetap tersimpan dan dapat ditampilkan lagi."
        if shown and shown != nama
        else ""
    )
    return text.format(nama=nama, ganti=ganti)


def perform(services, aksi: str, nama: str):
    """Do a confirmed action; returns (message, release to review next or no_update)."""
    app, principal = services.app, _principal()
    if principal is None or not principal.may("publikasi"):
        return _alert("Akun ini tidak berwenang menerbitkan rilis data."), no_update
    work = _work(services)
    if aksi == "hentikan":
        state = release_job.cancel(work, nama)
        if state is None:
            return _alert("Build itu tidak ditemukan."), no_update
        if state.get("status") == release_job.RUNNING:
            gate.record("rilis_bangun_batal", snapshot=state.get("nama"), tugas=nama)
            return _alert(f"Build rilis '{state.get('nama')}' sedang dihentikan…", "secondary"), no_update
        return _alert(
            f"Build rilis '{state.get('nama')}' sudah {release_job.STATUS_LABEL[state['status']]}.", "secondary"
        ), no_update
    if aksi == "hapus_unggahan":
        session = release_upload.find_session(work, nama, principal.nama)
        if session is None:
            return _alert("Berkas unggahan itu sudah tidak ada.", "secondary"), no_update
        with session.locked():
            if session.in_use():
                return _alert("Berkas unggahan sedang dipakai build; hentikan build lebih dulu."), no_update
            files = session.files()
            session.delete()
        gate.record("rilis_unggah_batal", sesi=nama, berkas=[{"berkas": f.nama, "ukuran": f.ukuran} for f in files])
        return _alert(f"{len(files)} berkas unggahan dihapus.", "secondary"), no_update
    store = _store(services)
    try:
        if aksi == "terbitkan":
            previous = next((r.nama for r in store.list() if r.tampil), None)
            release = store.publish(nama, principal.nama)
            link = compare_link(app, previous, release.nama)
            text = [f"Rilis '{release.nama}' terbit dan kini tampil di dasbor. "] + ([link, "."] if link else [])
            return _alert(text, "success"), None
        if aksi == "buang":
            release = store.discard(nama, principal.nama)
            return _alert(f"Rilis '{release.nama}' dibuang; berkas staging-nya dihapus.", "success"), None
        if aksi == "kembalikan":
            release = store.rollback(nama, principal.nama)
            return _alert(f"Rilis '{release.nama}' kembali tampil di dasbor.", "success"), no_update
        if aksi == "hapus":
            release = store.delete(nama, principal.nama)
            return _alert(f"Rilis '{release.nama}' dihapus beserta data keluarganya.", "success"), no_update
    except ReleaseError as err:
        return _alert(str(err)), no_update
    return _alert("Aksi tidak dikenal."), no_update


def register(services) -> None:
    register_build(services)
    register_actions(services)


def register_build(services) -> None:
    """The uploaded files, the release's name and the build job with its polling."""
    app = services.app

    @app.callback(Output(ids.RILIS_BERKAS, "children"), Input(ids.RILIS_SESI, "data"), prevent_initial_call=True)
    def uploaded(_sesi):
        # The session is the asker's own, looked up on the server: the store only says "look again".
        principal = _principal()
        return files_table(release_upload.current_session(_work(services), principal.nama) if principal else None)

    @app.callback(
        Output(ids.RILIS_NAMA, "value"),
        Input(ids.RILIS_TANGGAL, "value"),
        State(ids.RILIS_NAMA, "value"),
        prevent_initial_call=True,
    )
    def default_name(tanggal, nama):
        # The name follows the date while it is the default form (YYYY-MM) or empty.
        text = (tanggal or "").strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) or (nama and not AUTO_NAME.fullmatch(nama.strip())):
            return no_update
        return text[:7]

    @app.callback(
        Output(ids.RILIS_TUGAS, "data"),
        Output(ids.RILIS_BANGUN_PESAN, "children"),
        Input(ids.RILIS_BANGUN, "n_clicks"),
        State(ids.RILIS_NAMA, "value"),
        State(ids.RILIS_TANGGAL, "value"),
        State({"type": ids.RILIS_JENIS, "berkas": ALL}, "value"),
        State({"type": ids.RILIS_JENIS, "berkas": ALL}, "id"),
        prevent_initial_call=True,
    )
    def start_build(_n, nama, tanggal, kinds, kind_ids):
        principal = _principal()
        try:
            inputs = build_inputs(services, principal.nama, _address(), nama, tanggal, chosen_files(kinds, kind_ids))
        except ValueError as err:
            return no_update, _alert(str(err))
        job_id = release_job.start(_work(services), inputs)
        return job_id, None

    @app.callback(
        Output(ids.RILIS_TUGAS_PANEL, "children"),
        Output(ids.RILIS_INTERVAL, "disabled"),
        Output(ids.RILIS_BANGUN, "disabled"),
        Output(ids.RILIS_PERIKSA, "data", allow_duplicate=True),
        Output(ids.RILIS_DAFTAR, "children", allow_duplicate=True),
        Output(ids.RILIS_BERKAS, "children", allow_duplicate=True),
        Input(ids.RILIS_INTERVAL, "n_intervals"),
        Input(ids.RILIS_TUGAS, "data"),
        prevent_initial_call=True,
    )
    def poll(_n, job_id):
        state = release_job.status(_work(services), job_id) if job_id else None
        if state is None or state.get("status") == release_job.RUNNING:
            running = state is not None
            return job_panel(state), not running, running, no_update, no_update, no_update
        # Ended: the list and the uploaded files change (a build removes the files it used).
        principal = _principal()
        session = release_upload.current_session(_work(services), principal.nama) if principal else None
        review = state["nama"] if state.get("status") == release_job.DONE else no_update
        return job_panel(state), True, False, review, release_table(services.releases), files_table(session)


def register_actions(services) -> None:
    """Confirmations, the steps on releases and the quality report."""
    app = services.app

    @app.callback(
        Output(ids.RILIS_KONFIRMASI, "is_open"),
        Output(ids.RILIS_KONFIRMASI_TEKS, "children"),
        Output(ids.RILIS_KONFIRMASI_YA, "children"),
        Output(ids.RILIS_KONFIRMASI_AKSI, "data"),
        Output(ids.RILIS_PERIKSA, "data", allow_duplicate=True),
        Input({"type": ids.RILIS_AKSI, "aksi": ALL, "nama": ALL, "tempat": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def ask(_clicks):
        # A button drawn anew fires with no click: only a click asks.
        clicked = ctx.triggered_id
        if not isinstance(clicked, dict) or not any(t.get("value") for t in ctx.triggered):
            return no_update, no_update, no_update, no_update, no_update
        aksi, nama = clicked.get("aksi"), clicked.get("nama")
        if aksi == "periksa":
            return no_update, no_update, no_update, no_update, nama
        if aksi not in CONFIRM:
            return no_update, no_update, no_update, no_update, no_update
        return True, confirmation(services, aksi, nama), CONFIRM[aksi][1], {"aksi": aksi, "nama": nama}, no_update

    @app.callback(
        Output(ids.RILIS_KONFIRMASI, "is_open", allow_duplicate=True),
        Input(ids.RILIS_KONFIRMASI_BATAL, "n_clicks"),
        prevent_initial_call=True,
    )
    def dismiss(_n):
        return False

    @app.callback(
        Output(ids.RILIS_PESAN, "children"),
        Output(ids.RILIS_KONFIRMASI, "is_open", allow_duplicate=True),
        Output(ids.RILIS_DAFTAR, "children", allow_duplicate=True),
        Output(ids.RILIS_PERIKSA, "data", allow_duplicate=True),
        Output(ids.RILIS_BERKAS, "children", allow_duplicate=True),
        Input(ids.RILIS_KONFIRMASI_YA, "n_clicks"),
        State(ids.RILIS_KONFIRMASI_AKSI, "data"),
        prevent_initial_call=True,
    )
    def confirmed(_n, pending):
        if not isinstance(pending, dict) or pending.get("aksi") not in CONFIRM:
            return no_update, False, no_update, no_update, no_update
        aksi, nama = pending["aksi"], str(pending.get("nama") or "")
        message, review = perform(services, aksi, nama)
        files = no_update
        if aksi == "hapus_unggahan":
            files = files_table(release_upload.current_session(_work(services), _principal().nama))
        # A stopped build's panel follows from the polling, which runs until the job has ended.
        return message, False, release_table(services.releases), review, files

    @app.callback(Output(ids.RILIS_LAPORAN, "children"), Input(ids.RILIS_PERIKSA, "data"), prevent_initial_call=True)
    def show_report(nama):
        return report(app, services.releases, nama if isinstance(nama, str) else None)
