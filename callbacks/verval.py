"""Verval & asesmen page: make lists, import results, show the results per nagari."""

from __future__ import annotations

import base64
import binascii
import io
import zipfile
from collections import Counter

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from dash import ctx as dash_ctx
from flask import g, has_request_context, request

import ids
from etl.errors import InputError
from kantong import fmt
from kantong.data import level_of
from kantong.gate import MAX_UPLOAD_BYTES
from kantong.verval import actions, followups, importer, service
from kantong.verval.choices import NEEDS
from kantong.verval.results import PENYEDIA, STATUS, FollowUp
from layouts.verval import follow_up_nagari_options

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
    head = ["Nagari/desa", "Didaftar", "Terverifikasi", "Ditemukan", "Tidak ditemukan dll."]
    head += ["Layak", "Usul DTKS"] + [n.label for n in NEEDS]
    titles = {"Tidak ditemukan dll.": "Tidak ditemukan, pindah, meninggal atau data ganda"}
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
            [
                html.Thead(html.Tr([html.Th(h, className="small", title=titles.get(h)) for h in head])),
                html.Tbody(body),
            ],
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


MAX_SEED = 2**63 - 1  # what the results store keeps as a whole number


def whole_number(value, label: str, low: int, high: int) -> int:
    """A whole number typed in a field, within its limits, or an Indonesian message."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or not low <= int(text) <= high:
        raise service.VervalError(f"{label} harus bilangan bulat {fmt.angka(low)} sampai {fmt.angka(high)}.")
    return int(text)


def uploaded_files(contents, names) -> list[tuple[str, bytes]]:
    """The files of a dcc.Upload (data URLs), decoded; anything else is a clear message."""
    if not isinstance(contents, list) or not isinstance(names, list) or len(contents) != len(names):
        raise service.VervalError("Unggahan tidak lengkap: pilih berkasnya lagi.")
    files = []
    for name, content in zip(names, contents):
        try:
            files.append((str(name), base64.b64decode(str(content).split(",", 1)[1], validate=True)))
        except (IndexError, ValueError, binascii.Error):
            raise service.VervalError(f"Berkas {name} tidak terbaca saat diunggah: pilih berkasnya lagi.") from None
    if sum(len(data) for _, data in files) > MAX_UPLOAD_BYTES:
        raise service.VervalError(f"Unggahan lebih dari {MAX_UPLOAD_BYTES // 2**20} MB: bagi menjadi beberapa berkas.")
    return files


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
    @app.callback(Output(ids.VERVAL_NAGARI_TERPILIH, "children"), Input(ids.VERVAL_NAGARI, "value"))
    def chosen_nagari(nagari):
        codes = [str(k) for k in nagari] if isinstance(nagari, list) else []
        if not codes:
            return ""
        snapshot = store.latest()
        names = [f"{snapshot.name(k)} ({k})" for k in codes if snapshot.has(k)]
        return f"Terpilih {fmt.angka(len(names))} nagari/desa: " + "; ".join(names) + "."

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
            made = service.make_list(
                ctx,
                [str(k) for k in nagari] if isinstance(nagari, list) else [],
                per_desa=None if per_desa == "semua" else whole_number(per_desa, "Keluarga per nagari", 1, 10_000),
                seed=whole_number(benih, "Benih undian", 0, MAX_SEED),
                show_nik=nik is True,
                alasan=alasan if isinstance(alasan, str) else "",
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
        try:
            files = uploaded_files(contents, names)
        except service.VervalError as err:
            return dbc.Alert(str(err), color="danger"), no_update
        ctx = context(store, results, audit)
        try:
            result, outcome = service.import_results(ctx, files)
        except (service.VervalError, InputError) as err:
            return dbc.Alert(str(err), color="danger"), no_update
        # The snapshot's verval counts follow the import (kantong.data.with_verval).
        return import_summary(result, outcome), rekap_table(store.latest(), results)

    register_follow_ups(app, store, results, audit)


# --- follow-ups (tindak lanjut) ---------------------------------------------------------------

ROWS_SHOWN = 200  # rows of the open needs and of the follow-ups shown on the page


def _place(snapshot, kode: str, **props) -> html.Td:
    name = snapshot.name(kode) if snapshot.has(kode) else kode
    return html.Td([name, html.Div(kode, className="small text-muted")], **props)


# Long tables scroll inside their box, their header kept in view.
SCROLL_BOX = {"maxHeight": "28rem", "overflowY": "auto"}
STICKY = {"position": "sticky", "top": 0, "background": "#fff", "zIndex": 1}


def _table(head: list[str], body: list, numeric: frozenset[int] = frozenset()) -> html.Div:
    cells = [
        html.Th(h, className="small" + (" text-end" if i in numeric else ""), style=STICKY) for i, h in enumerate(head)
    ]
    return html.Div(
        dbc.Table([html.Thead(html.Tr(cells)), html.Tbody(body)], size="sm", className="mb-0 small"),
        className="table-responsive border-bottom",
        style=SCROLL_BOX,
    )


def open_needs_table(snapshot, needs: list[dict]) -> html.Div:
    """Per nagari and need: eligible families, taken up, not yet, and the agency; a
    nagari's name spans its needs' rows."""
    if not needs:
        return html.P(
            "Tidak ada kebutuhan keluarga layak yang belum ditindaklanjuti di wilayah ini.",
            className="text-muted small",
        )
    labels = {c.kode: c.label for c in NEEDS}
    shown = needs[:ROWS_SHOWN]
    span = Counter(n["kode_desa"] for n in shown)
    body, previous = [], None
    for n in shown:
        first = [_place(snapshot, n["kode_desa"], rowSpan=span[n["kode_desa"]])] if n["kode_desa"] != previous else []
        previous = n["kode_desa"]
        body.append(
            html.Tr(
                first
                + [
                    html.Td(labels.get(n["kebutuhan"], n["kebutuhan"])),
                    html.Td(fmt.angka(n["keluarga"]), className="text-end"),
                    html.Td(fmt.angka(n["ditindaklanjuti"]), className="text-end"),
                    html.Td(fmt.angka(n["belum"]), className="text-end fw-semibold"),
                    html.Td(n["lembaga"]),
                ]
            )
        )
    waiting = sum(n["belum"] for n in needs)
    nagari = len({n["kode_desa"] for n in needs})
    parts = [
        html.P(
            f"{fmt.angka(waiting)} kebutuhan keluarga di {fmt.angka(nagari)} nagari/desa belum diambil program "
            "(keluarga dengan dua kebutuhan dihitung pada keduanya).",
            className="small mb-1",
        ),
        _table(
            ["Nagari/desa", "Kebutuhan", "Keluarga layak", "Sudah ditindaklanjuti", "Belum", "Dinas/lembaga terkait"],
            body,
            numeric=frozenset({2, 3, 4}),
        ),
    ]
    if len(needs) > ROWS_SHOWN:
        parts.append(
            html.P(
                f"… dan {fmt.angka(len(needs) - ROWS_SHOWN)} baris lainnya (lengkap dalam templat tindak lanjut).",
                className="small",
            )
        )
    return html.Div(parts)


def follow_ups_table(snapshot, recorded: list) -> html.Div:
    """The follow-ups recorded in the scope, newest first."""
    if not recorded:
        return html.P("Belum ada tindak lanjut yang dicatat di wilayah ini.", className="text-muted small")
    needs = {c.kode: c.label for c in NEEDS}
    kinds = {c.kode: c.label for c in PENYEDIA.choices}
    statuses = {c.kode: c.label for c in STATUS.choices}
    newest = sorted(recorded, key=lambda f: f.id or 0, reverse=True)
    body = [
        html.Tr(
            [
                html.Td(f"#{f.id}"),
                _place(snapshot, f.kode_desa),
                html.Td(f.id_keluarga or html.Span("Seluruh nagari", className="fst-italic")),
                html.Td(needs.get(f.kebutuhan, f.kebutuhan)),
                html.Td(f.program),
                html.Td(", ".join(x for x in (kinds.get(f.jenis_penyedia, f.jenis_penyedia), f.nama_penyedia) if x)),
                html.Td(f.sumber_dana or "–"),
                html.Td(statuses.get(f.status, f.status)),
                html.Td(fmt.tanggal(f.tanggal)),
                html.Td([f.dicatat_oleh or "", html.Div(fmt.tanggal(f.dicatat_pada), className="text-muted")]),
            ]
        )
        for f in newest[:ROWS_SHOWN]
    ]
    head = ["No", "Nagari/desa", "Keluarga", "Kebutuhan", "Program", "Penyedia", "Sumber dana", "Status", "Tanggal"]
    parts = [_table([*head, "Dicatat oleh"], body)]
    if len(newest) > ROWS_SHOWN:
        parts.append(
            html.P(f"… dan {fmt.angka(len(newest) - ROWS_SHOWN)} tindak lanjut lebih lama.", className="small")
        )
    return html.Div(parts)


def follow_up_tables(ctx: service.Context) -> tuple:
    """The open needs and the follow-ups of the person's scope, as the page shows them."""
    try:
        return (
            open_needs_table(ctx.snapshot, service.open_needs(ctx)),
            follow_ups_table(ctx.snapshot, service.follow_ups(ctx)),
        )
    except service.VervalError as err:
        return dbc.Alert(str(err), color="danger"), None


def family_note(ctx: service.Context, fu) -> str | None:
    """A word when a follow-up for a family answers a need its assessment did not record
    (kept all the same: the office may know more than the form)."""
    if not fu.id_keluarga:
        return None
    needs = {c.kode: c.label for c in NEEDS}
    mine = next(
        (f for f in service.eligible_families(ctx, fu.kode_desa, log=False) if f["id_keluarga"] == fu.id_keluarga), None
    )
    if mine is None:
        return f"Catatan: keluarga {fu.id_keluarga} belum tercatat ditemukan dan layak pada hasil asesmen."
    if fu.kebutuhan not in mine["kebutuhan"]:
        recorded = ", ".join(needs.get(k, k) for k in mine["kebutuhan"]) or "tidak ada"
        return (
            f"Catatan: {needs.get(fu.kebutuhan, fu.kebutuhan)} tidak tercatat sebagai kebutuhan keluarga "
            f"{fu.id_keluarga} pada hasil asesmen (tercatat: {recorded})."
        )
    return None


def follow_up_saved(snapshot, fu, note: str | None = None) -> dbc.Alert:
    needs = {c.kode: c.label for c in NEEDS}
    who = f"keluarga {fu.id_keluarga}" if fu.id_keluarga else "seluruh keluarga"
    provider = ", ".join(x for x in (PENYEDIA.label_of(fu.jenis_penyedia), fu.nama_penyedia) if x)
    when = f", {fmt.tanggal(fu.tanggal)}" if fu.tanggal else ""
    text = (
        f"Tindak lanjut #{fu.id} tersimpan: {needs.get(fu.kebutuhan, fu.kebutuhan)} untuk {who} di "
        f"{snapshot.name(fu.kode_desa)} ({fu.kode_desa}) — {fu.program} ({provider}), "
        f"{STATUS.label_of(fu.status).lower()}{when}."
    )
    return dbc.Alert(
        [text, html.Div(note, className="mt-1")] if note else text, color="success", className="py-2 small"
    )


def follow_up_import_summary(outcome) -> html.Div:
    parts = [
        dbc.Alert(
            outcome.pesan,
            color="success" if outcome.tersimpan else ("warning" if outcome.ditolak else "secondary"),
            className="mb-2 small",
        )
    ]
    if outcome.ditolak:
        rows = [
            html.Tr([html.Td(r.lembar or "–"), html.Td(r.baris), html.Td(r.kolom or "–"), html.Td(r.pesan)])
            for r in outcome.ditolak[:REJECTIONS_SHOWN]
        ]
        parts += [
            html.H4("Baris yang ditolak", className="h6"),
            dbc.Table(
                [html.Thead(html.Tr([html.Th(h) for h in ("Lembar", "Baris", "Kolom", "Alasan")])), html.Tbody(rows)],
                size="sm",
                className="small",
            ),
        ]
        more = len(outcome.ditolak) - REJECTIONS_SHOWN
        if more > 0:
            parts.append(html.P(f"… dan {fmt.angka(more)} baris lainnya.", className="small"))
    return html.Div(parts)


def family_options(families: list[dict]) -> list[dict]:
    needs = {c.kode: c.label for c in NEEDS}
    return [
        {
            "label": f"{f['id_keluarga']} — {f['nama_kepala'] or '(tanpa nama)'}"
            + (f" ({', '.join(needs.get(n, n) for n in f['kebutuhan'])})" if f["kebutuhan"] else ""),
            "value": f["id_keluarga"],
        }
        for f in families
    ]


def register_follow_ups(app, store, results, audit=None) -> None:
    @app.callback(
        Output(ids.VERVAL_TL_BELUM, "children"),
        Output(ids.VERVAL_TL_DAFTAR, "children"),
        Input(ids.VERVAL_TL_MUAT, "data"),
    )
    def load_follow_ups(_):
        return follow_up_tables(context(store, results, audit))

    @app.callback(
        Output(ids.VERVAL_TL_NAGARI, "options"),
        Output(ids.VERVAL_TL_BELUM, "children", allow_duplicate=True),
        Output(ids.VERVAL_TL_DAFTAR, "children", allow_duplicate=True),
        Input(ids.VERVAL_IMPOR_HASIL, "children"),
        prevent_initial_call=True,
    )
    def after_results_import(_summary):
        # New answers bring nagari with eligible families and needs to take up.
        ctx = context(store, results, audit)
        return (follow_up_nagari_options(ctx.snapshot), *follow_up_tables(ctx))

    @app.callback(
        Output(ids.VERVAL_TL_KELUARGA, "options"),
        Output(ids.VERVAL_TL_KELUARGA, "value"),
        Input(ids.VERVAL_TL_NAGARI, "value"),
        prevent_initial_call=True,
    )
    def families_of_nagari(kode):
        if not kode:
            return [], None
        try:
            return family_options(service.eligible_families(context(store, results, audit), str(kode))), None
        except service.VervalError:
            return [], None

    @app.callback(
        Output(ids.VERVAL_TL_PESAN, "children"),
        Output(ids.VERVAL_TL_BELUM, "children", allow_duplicate=True),
        Output(ids.VERVAL_TL_DAFTAR, "children", allow_duplicate=True),
        Input(ids.VERVAL_TL_SIMPAN, "n_clicks"),
        State(ids.VERVAL_TL_NAGARI, "value"),
        State(ids.VERVAL_TL_KELUARGA, "value"),
        State(ids.VERVAL_TL_KEBUTUHAN, "value"),
        State(ids.VERVAL_TL_PROGRAM, "value"),
        State(ids.VERVAL_TL_JENIS, "value"),
        State(ids.VERVAL_TL_PENYEDIA, "value"),
        State(ids.VERVAL_TL_SUMBER, "value"),
        State(ids.VERVAL_TL_STATUS, "value"),
        State(ids.VERVAL_TL_TANGGAL, "value"),
        State(ids.VERVAL_TL_KETERANGAN, "value"),
        prevent_initial_call=True,
    )
    def save_follow_up(_n, nagari, keluarga, kebutuhan, program, jenis, penyedia, sumber, status, tanggal, keterangan):
        ctx = context(store, results, audit)
        # The date field sends TTTT-BB-HH; a browser without one sends what was typed.
        date = followups.parse_date(str(tanggal)) if tanggal else None
        if tanggal and date is None:
            message = f"Tanggal '{tanggal}' tidak dikenali; tulis TTTT-BB-HH, mis. 2025-03-15."
            return dbc.Alert(message, color="danger", className="py-2 small"), no_update, no_update
        fu = FollowUp(
            kode_desa=str(nagari or ""),
            id_keluarga=keluarga or None,
            kebutuhan=kebutuhan or "",
            program=program or "",
            jenis_penyedia=jenis or "",
            nama_penyedia=penyedia,
            sumber_dana=sumber,
            status=status or "direncanakan",
            tanggal=date,
            keterangan=keterangan,
        )
        try:
            saved = service.add_follow_up(ctx, fu)
        except service.VervalError as err:
            return dbc.Alert(str(err), color="danger", className="py-2 small"), no_update, no_update
        return (follow_up_saved(ctx.snapshot, saved, family_note(ctx, saved)), *follow_up_tables(ctx))

    @app.callback(
        Output(ids.VERVAL_TL_TEMPLAT_BERKAS, "data"),
        Output(ids.VERVAL_TL_TEMPLAT_PESAN, "children"),
        Input(ids.VERVAL_TL_TEMPLAT, "n_clicks"),
        prevent_initial_call=True,
    )
    def follow_up_template(_n):
        try:
            name, data, n = service.follow_up_template(context(store, results, audit))
        except service.VervalError as err:
            return no_update, dbc.Alert(str(err), color="danger", className="mt-2 py-2 small")
        note = f"{name}: {fmt.angka(n)} baris kebutuhan yang belum ditindaklanjuti."
        return dcc.send_bytes(data, name), html.Div(note, className="form-text")

    @app.callback(
        Output(ids.VERVAL_TL_IMPOR_HASIL, "children"),
        Output(ids.VERVAL_TL_BELUM, "children", allow_duplicate=True),
        Output(ids.VERVAL_TL_DAFTAR, "children", allow_duplicate=True),
        Input(ids.VERVAL_TL_UNGGAH, "contents"),
        State(ids.VERVAL_TL_UNGGAH, "filename"),
        prevent_initial_call=True,
    )
    def import_follow_ups(contents, name):
        if not contents:
            return no_update, no_update, no_update
        ctx = context(store, results, audit)
        try:
            [(file_name, data)] = uploaded_files([contents], [name or "templat.xlsx"])
            outcome = service.import_follow_ups(ctx, file_name, data)
        except (service.VervalError, InputError) as err:
            return dbc.Alert(str(err), color="danger", className="small"), no_update, no_update
        return (follow_up_import_summary(outcome), *follow_up_tables(ctx))
