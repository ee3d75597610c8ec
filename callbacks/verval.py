"""Verval & asesmen page: make lists, import results, show the results per nagari."""

from __future__ import annotations

import base64
import io
import zipfile

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update
from dash import ctx as dash_ctx
from flask import g, has_request_context, request

import ids
from etl.errors import InputError
from kantong import fmt
from kantong.data import level_of
from kantong.verval import actions, importer, service
from kantong.verval.choices import NEEDS

REJECTIONS_SHOWN = 100


def context(store, results, audit) -> service.Context:
    """The person asking, their scoped snapshot and the stores (in a request)."""
    principal = g.get("principal") if has_request_context() else None
    alamat = request.remote_addr if has_request_context() else None
    return service.Context(store.latest(), results, principal, audit, alamat)


def rekap_table(snapshot, results) -> html.Div:
    """Per nagari of the scope with a list or a result: listed, verified, by presence,
    eligible, proposed into DTKS and the needs, with a link to the map."""
    codes = list(snapshot.table("desa").index)
    rows = results.tallies(codes)
    if not rows:
        return html.P("Belum ada daftar yang dibuat atau hasil yang diimpor di wilayah ini.", className="text-muted")
    head = ["Nagari/desa", "Didaftar", "Terverifikasi", "Ditemukan", "Tidak ditemukan/pindah/meninggal/ganda"]
    head += ["Layak", "Usul DTKS"] + [n.label for n in NEEDS]
    body = []
    for t in rows:
        kode = t["kode_desa"]
        name = snapshot.name(kode) if snapshot.has(kode) else kode
        gone = sum(
            t[k] for k in ("kk_verval_tidak_ditemukan", "kk_verval_pindah", "kk_verval_meninggal", "kk_verval_ganda")
        )
        link = dcc.Link(
            name,
            href=f"/?tingkat=desa&wilayah={kode[:5]}&indikator=kk_verval&profil={kode}",
            title="Lihat di peta",
        )
        cells = [html.Td([link, html.Div(kode, className="small text-muted")])]
        values = [t.get("kk_didaftar", 0), t["kk_verval"], t["kk_verval_ditemukan"], gone, t["kk_verval_layak"]]
        values += [t["kk_usul_dtks"]] + [t.get(f"kk_butuh_{n.kode}", 0) for n in NEEDS]
        cells += [html.Td(fmt.angka(v), className="text-end") for v in values]
        body.append(html.Tr(cells))
    return html.Div(
        dbc.Table(
            [html.Thead(html.Tr([html.Th(h, className="small") for h in head])), html.Tbody(body)],
            size="sm",
            hover=True,
            className="mb-0 small",
        ),
        className="table-responsive",
    )


def list_summary(made: service.MadeList) -> html.Div:
    daftar = made.daftar
    rows = [
        html.Tr(
            [
                html.Td(f"{n.nama} ({n.kode})"),
                html.Td(fmt.angka(n.jumlah_terpilih), className="text-end"),
                html.Td(fmt.angka(n.jumlah_desil_1), className="text-end"),
                html.Td(", ".join(f"{k}: {fmt.angka(v)}" for k, v in n.terpilih.items() if v), className="small"),
            ]
        )
        for n in daftar.nagari
    ]
    return dbc.Alert(
        [
            html.Div(
                f"Daftar #{made.daftar_id} dibuat: {fmt.angka(daftar.jumlah_terpilih)} keluarga di "
                f"{fmt.angka(len(daftar.nagari))} nagari/desa. Berkas: " + ", ".join(sorted(made.files)) + ".",
                className="mb-1",
            ),
            html.Div(daftar.keterangan, className="small mb-2"),
            dbc.Table(
                [
                    html.Thead(
                        html.Tr([html.Th("Nagari/desa"), html.Th("Terpilih"), html.Th("KK desil 1"), html.Th("Alasan")])
                    ),
                    html.Tbody(rows),
                ],
                size="sm",
                className="mb-0 small",
            ),
        ],
        color="success",
    )


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def import_summary(result, outcome) -> html.Div:
    parts = [dbc.Alert(outcome.pesan, color="success" if outcome.impor_id else "secondary", className="mb-2")]
    if result is None:
        return html.Div(parts)
    counts = [
        f"Baris dibaca {fmt.angka(result.rows_read)}",
        f"diterima {fmt.angka(len(result.accepted))}",
        f"ganda (jawaban lama disisihkan) {fmt.angka(len(result.duplicates))}",
        f"belum diisi {fmt.angka(len(result.unanswered))}",
    ]
    counts += [f"ditolak, {importer.REASONS[k]}: {fmt.angka(n)}" for k, n in result.rejected_by_reason.items()]
    parts.append(html.P("; ".join(counts) + ".", className="small"))
    for warning in result.warnings:
        parts.append(dbc.Alert(warning, color="warning", className="py-1 small"))
    if result.rejected:
        rows = [
            html.Tr(
                [
                    html.Td(r.berkas),
                    html.Td(r.lembar or "–"),
                    html.Td(r.baris),
                    html.Td(r.kolom or "–"),
                    html.Td(r.pesan),
                ]
            )
            for r in result.rejected[:REJECTIONS_SHOWN]
        ]
        more = len(result.rejected) - REJECTIONS_SHOWN
        parts += [
            html.H3("Baris yang ditolak", className="h6"),
            dbc.Table(
                [
                    html.Thead(html.Tr([html.Th(h) for h in ("Berkas", "Lembar", "Baris", "Kolom", "Alasan")])),
                    html.Tbody(rows),
                ],
                size="sm",
                className="small",
            ),
        ]
        if more > 0:
            parts.append(html.P(f"… dan {fmt.angka(more)} baris lainnya.", className="small"))
    return html.Div(parts)


def register(app, store, plans, results, audit=None) -> None:
    @app.callback(Output(ids.VERVAL_NAGARI, "value"), Input(ids.VERVAL_RENCANA, "value"), prevent_initial_call=True)
    def nagari_from_plan(rencana):
        if not rencana:
            return no_update
        snapshot = store.latest()
        plan = plans.open(int(rencana))
        # Only the plan's nagari this person may see (an operator's plans hold only theirs).
        return [r["kode"] for r in plan.nagari if level_of(r["kode"]) == "desa" and snapshot.has(r["kode"])]

    for checkbox, wrapper in (
        (ids.VERVAL_NIK, ids.VERVAL_ALASAN_WADAH),
        (ids.VERVAL_TINDAK_NIK, ids.VERVAL_TINDAK_ALASAN_WADAH),
    ):

        @app.callback(Output(wrapper, "style"), Input(checkbox, "value"), prevent_initial_call=True)
        def show_reason(nik):
            return {"display": "block"} if nik else {"display": "none"}

    @app.callback(
        Output(ids.VERVAL_TINDAK_BERKAS, "data"),
        Output(ids.VERVAL_TINDAK_PESAN, "children"),
        Input(ids.VERVAL_TINDAK_USULAN, "n_clicks"),
        Input(ids.VERVAL_TINDAK_KEBUTUHAN, "n_clicks"),
        State(ids.VERVAL_TINDAK_NIK, "value"),
        State(ids.VERVAL_TINDAK_ALASAN, "value"),
        prevent_initial_call=True,
    )
    def action_list(_usulan, _kebutuhan, nik, alasan):
        kind = actions.USULAN if dash_ctx.triggered_id == ids.VERVAL_TINDAK_USULAN else actions.KEBUTUHAN
        try:
            name, data, n = service.action_list(context(store, results, audit), kind, bool(nik), alasan or "")
        except service.VervalError as err:
            return no_update, dbc.Alert(str(err), color="danger", className="mt-2")
        note = dbc.Alert(f"{name}: {fmt.angka(n)} keluarga.", color="success", className="mt-2 py-2 small")
        return dcc.send_bytes(data, name), note

    @app.callback(
        Output(ids.VERVAL_BERKAS, "data"),
        Output(ids.VERVAL_DAFTAR_HASIL, "children"),
        Output(ids.VERVAL_REKAP, "children", allow_duplicate=True),
        Input(ids.VERVAL_BUAT, "n_clicks"),
        State(ids.VERVAL_NAGARI, "value"),
        State(ids.VERVAL_PER_DESA, "value"),
        State(ids.VERVAL_BENIH, "value"),
        State(ids.VERVAL_NIK, "value"),
        State(ids.VERVAL_ALASAN, "value"),
        prevent_initial_call=True,
    )
    def make_list(_n, nagari, per_desa, benih, nik, alasan):
        ctx = context(store, results, audit)
        try:
            seed = int(benih) if benih not in (None, "") else None
            if seed is None or seed < 0:
                raise service.VervalError("Benih undian harus bilangan bulat 0 atau lebih.")
            made = service.make_list(
                ctx,
                list(nagari or []),
                per_desa=None if per_desa == "semua" else int(per_desa or 30),
                seed=seed,
                show_nik=bool(nik),
                alasan=alasan or "",
            )
        except (service.VervalError, ValueError) as err:
            return no_update, dbc.Alert(str(err), color="danger"), no_update
        name = f"{next(iter(made.files)).rsplit('.', 1)[0]}.zip"
        download = dcc.send_bytes(zip_of(made.files), name)
        return download, list_summary(made), rekap_table(ctx.snapshot, results)

    @app.callback(
        Output(ids.VERVAL_IMPOR_HASIL, "children"),
        Output(ids.VERVAL_REKAP, "children", allow_duplicate=True),
        Input(ids.VERVAL_UNGGAH, "contents"),
        State(ids.VERVAL_UNGGAH, "filename"),
        prevent_initial_call=True,
    )
    def import_files(contents, names):
        if not contents:
            return no_update, no_update
        files = [(name, base64.b64decode(c.split(",", 1)[1])) for name, c in zip(names, contents)]
        ctx = context(store, results, audit)
        try:
            result, outcome = service.import_results(ctx, files)
        except (service.VervalError, InputError) as err:
            return dbc.Alert(str(err), color="danger"), no_update
        # The snapshot's verval counts follow the import (kantong.data.with_verval).
        return import_summary(result, outcome), rekap_table(store.latest(), results)


def tallies_frame(snapshot, results) -> pd.DataFrame:
    return pd.DataFrame(results.tallies(list(snapshot.table("desa").index)))
