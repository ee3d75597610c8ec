"""The admin page's callbacks: accounts and the audit log. The policy lets only an admin's
session fire them; each also checks the principal itself and logs what it changes."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update
from flask import g, request

import ids
from kantong import exports, fmt
from kantong.access import ROLE_LABEL
from kantong.accounts import AccountError
from kantong.audit import ACTIONS

AUDIT_ROWS_SHOWN = 500
AUDIT_COLUMNS = [
    exports.Column("waktu", "Waktu (UTC)", exports.TEXT, 24),
    exports.Column("akun", "Akun", exports.TEXT, 18),
    exports.Column("peran", "Peran", exports.TEXT, 10),
    exports.Column("alamat", "Alamat", exports.TEXT, 16),
    exports.Column("aksi", "Aksi", exports.TEXT, 28),
    exports.Column("wilayah", "Wilayah", exports.TEXT, 14),
    exports.Column("rincian", "Rincian", exports.TEXT, 60),
]


def _when(timestamp: float | None) -> str:
    return dt.datetime.fromtimestamp(timestamp).strftime("%d-%m-%Y %H.%M") if timestamp else "—"


def accounts_table(accounts) -> dbc.Table:
    rows = []
    for a in accounts:
        state = "aktif" if a.aktif else "nonaktif"
        if a.locked():
            state += ", terkunci"
        rows.append(
            html.Tr(
                [
                    html.Td(a.nama),
                    html.Td(ROLE_LABEL.get(a.peran, a.peran)),
                    html.Td(a.wilayah or "—"),
                    html.Td(state),
                    html.Td(_when(a.login_terakhir)),
                ]
            )
        )
    head = html.Thead(html.Tr([html.Th(h) for h in ("Akun", "Peran", "Kab/kota", "Status", "Terakhir masuk")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, className="small mb-0")


def _period(dari: str | None, sampai: str | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    def day(text):
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc) if text else None

    start, end = day(dari), day(sampai)
    return start, (end + dt.timedelta(days=1) if end else None)


def audit_frame(audit, dari, sampai, akun, aksi, wilayah, limit: int | None = None) -> pd.DataFrame:
    start, end = _period(dari, sampai)
    entries = audit.entries(
        start,
        end,
        akun=(akun or "").strip() or None,
        aksi=aksi or None,
        wilayah=(wilayah or "").strip() or None,
        limit=limit,
    )
    return pd.DataFrame(
        [
            {
                "waktu": e.waktu,
                "akun": e.akun or "—",
                "peran": e.peran or "—",
                "alamat": e.alamat or "—",
                "aksi": ACTIONS.get(e.aksi, e.aksi),
                "wilayah": e.wilayah or "—",
                "rincian": ", ".join(f"{k}: {v}" for k, v in e.rincian.items()),
            }
            for e in entries
        ],
        columns=[c.key for c in AUDIT_COLUMNS],
    )


def register(app, accounts, audit) -> None:
    @app.callback(
        Output(ids.ADMIN_AKUN_TABEL, "children"),
        Output(ids.ADMIN_AKUN_PILIH, "options"),
        Output(ids.ADMIN_AKUN_PESAN, "children"),
        Input(ids.ADMIN_AKUN_BUAT, "n_clicks"),
        Input(ids.ADMIN_AKUN_JALANKAN, "n_clicks"),
        State(ids.ADMIN_AKUN_NAMA, "value"),
        State(ids.ADMIN_AKUN_PERAN, "value"),
        State(ids.ADMIN_AKUN_WILAYAH, "value"),
        State(ids.ADMIN_AKUN_SANDI, "value"),
        State(ids.ADMIN_AKUN_PILIH, "value"),
        State(ids.ADMIN_AKUN_AKSI, "value"),
    )
    def manage(_buat, _jalankan, nama, peran, wilayah, sandi, pilih, aksi):
        principal = g.principal
        principal.require("akun")
        message = None
        try:
            if ctx.triggered_id == ids.ADMIN_AKUN_BUAT:
                made = accounts.add(nama or "", peran or "", sandi or "", wilayah or None)
                detail = {"perintah": "tambah", "target": made.nama, "peran_target": made.peran}
                message = dbc.Alert(f"Akun {made.nama} dibuat.", color="success", className="py-2 small")
            elif ctx.triggered_id == ids.ADMIN_AKUN_JALANKAN:
                if not pilih:
                    raise AccountError("pilih akun lebih dulu")
                if pilih == principal.nama and aksi in ("disable", "remove"):
                    raise AccountError("akun sendiri tidak dapat dinonaktifkan atau dihapus")
                if aksi == "set-password":
                    accounts.set_password(pilih, sandi or "")
                else:
                    {
                        "disable": accounts.disable,
                        "enable": accounts.enable,
                        "unlock": accounts.unlock,
                        "remove": accounts.remove,
                    }[aksi](pilih)
                detail = {"perintah": aksi, "target": pilih}
                message = dbc.Alert(f"{pilih}: selesai.", color="success", className="py-2 small")
            if message is not None:
                audit.record("akun", principal.nama, principal.peran, request.remote_addr, **detail)
        except AccountError as err:
            message = dbc.Alert(f"Tidak dapat: {err}.", color="danger", className="py-2 small")
        everyone = accounts.all()
        options = [{"label": f"{a.nama} ({a.peran})", "value": a.nama} for a in everyone]
        return accounts_table(everyone), options, message

    @app.callback(
        Output(ids.ADMIN_AUDIT_TABEL, "children"),
        Output(ids.ADMIN_AUDIT_RANTAI, "children"),
        Input(ids.ADMIN_AUDIT_TAMPIL, "n_clicks"),
        State(ids.ADMIN_AUDIT_DARI, "value"),
        State(ids.ADMIN_AUDIT_SAMPAI, "value"),
        State(ids.ADMIN_AUDIT_AKUN, "value"),
        State(ids.ADMIN_AUDIT_AKSI, "value"),
        State(ids.ADMIN_AUDIT_WILAYAH, "value"),
    )
    def show_audit(_n, dari, sampai, akun, aksi, wilayah):
        g.principal.require("audit")
        frame = audit_frame(audit, dari, sampai, akun, aksi, wilayah, limit=AUDIT_ROWS_SHOWN)
        n, broken = audit.verify()
        chain = (
            html.Span(f"Rantai hash utuh ({fmt.angka(n)} baris diperiksa).", className="text-success")
            if broken is None
            else html.Strong(
                f"Rantai hash RUSAK mulai baris {fmt.angka(broken)}: jejak telah diubah di luar aplikasi.",
                className="text-danger",
            )
        )
        if frame.empty:
            return html.P("Tidak ada catatan untuk saringan ini.", className="small text-muted"), chain
        head = html.Thead(html.Tr([html.Th(c.header) for c in AUDIT_COLUMNS]))
        body = html.Tbody([html.Tr([html.Td(v) for v in row]) for row in frame.itertuples(index=False)])
        note = html.P(
            f"{fmt.angka(len(frame))} catatan terakhir ditampilkan (paling banyak {fmt.angka(AUDIT_ROWS_SHOWN)}); "
            "unduh xlsx untuk semuanya.",
            className="small text-muted",
        )
        return html.Div(
            [note, dbc.Table([head, body], size="sm", striped=True, responsive=True, className="small")]
        ), chain

    @app.callback(
        Output(ids.ADMIN_AUDIT_BERKAS, "data"),
        Input(ids.ADMIN_AUDIT_UNDUH, "n_clicks"),
        State(ids.ADMIN_AUDIT_DARI, "value"),
        State(ids.ADMIN_AUDIT_SAMPAI, "value"),
        State(ids.ADMIN_AUDIT_AKUN, "value"),
        State(ids.ADMIN_AUDIT_AKSI, "value"),
        State(ids.ADMIN_AUDIT_WILAYAH, "value"),
        prevent_initial_call=True,
    )
    def export_audit(n, dari, sampai, akun, aksi, wilayah):
        principal = g.principal
        principal.require("audit")
        if not n:
            return no_update
        frame = audit_frame(audit, dari, sampai, akun, aksi, wilayah)
        name = exports.file_name("jejak-audit", dari or "awal", sampai or "kini", ext="xlsx")
        lines = [f"Jejak audit Kantong, {dari or 'awal'} s.d. {sampai or 'kini'}", "Waktu dalam UTC."]
        data = exports.table_bytes("xlsx", "Jejak audit", frame, AUDIT_COLUMNS, lines)
        audit.record("ekspor", principal.nama, principal.peran, request.remote_addr, berkas=name, baris=len(frame))
        return dcc.send_bytes(data, name)
