"""Priority page: weights -> scores, selection rules, manual choice, targets, plans."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, ClientsideFunction, Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

import ids
from callbacks.map_view import geojson_url
from kantong import exports, figures, fmt, priority, render, report
from kantong.plans import Plan
from layouts.main import IMAGE_FORMATS, download_menu
from layouts.priority import plan_options

# The selection rule's inputs, passed to callbacks as one dict (Dash's grouped states).
RULE_STATE = {
    "aturan": State(ids.ATURAN, "value"),
    "k": State(ids.ATURAN_K, "value"),
    "n": State(ids.ATURAN_N, "value"),
    "anggaran": State(ids.ATURAN_ANGGARAN, "value"),
    "biaya_per_kk": State(ids.ATURAN_BIAYA, "value"),
    "kk_per_nagari": State(ids.ATURAN_KK, "value"),
}


def coverage_block(snapshot, selected: list[str], per_nagari: int) -> html.Div:
    cov = priority.coverage(snapshot.table("desa"), selected, per_nagari)
    return dbc.Alert(
        [
            html.B(f"{fmt.angka(cov['nagari'])} nagari dipilih. "),
            f"KK desil 1 yang dinilai: {fmt.angka(cov['kk_dinilai'])} dari {fmt.angka(cov['kk_d1_provinsi'])} KK "
            f"({fmt.persen(cov['pct_dinilai'])}); KK desil 1 di nagari terpilih: {fmt.angka(cov['kk_d1_terpilih'])} "
            f"({fmt.persen(cov['pct_terpilih'])}).",
        ],
        color="info",
        className="py-2 mb-0 small",
        id=ids.CAKUPAN_TEKS,
    )


def contribution_block(snapshot, scored, kode: str) -> html.Div:
    if kode not in scored.table.index or pd.isna(scored.table.loc[kode, "skor"]):
        return html.Div()
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.B(snapshot.name(kode)),
                            f": skor {fmt.angka(scored.table.loc[kode, 'skor'], 1)} "
                            f"(peringkat {fmt.angka(int(scored.table.loc[kode, 'peringkat']))})",
                        ],
                        className="small",
                    ),
                    download_menu(
                        ids.UNDUH_PRIORITAS, [("rincian", "Grafik rincian skor", IMAGE_FORMATS)], label="Unduh grafik"
                    ),
                ],
                className="d-flex justify-content-between align-items-center mt-2",
            ),
            dcc.Graph(
                figure=figures.contribution_figure(report.contribution_parts(scored, kode)),
                config={"displayModeBar": False},
                className="rincian",
            ),
        ],
        id=ids.RINCIAN_ISI,
    )


def _clicked_nagari(click) -> str | None:
    return ((click or {}).get("points") or [{}])[0].get("location")


def register(app, store, plans) -> None:  # noqa: C901  (one closure per callback of the page)

    @app.callback(Output({"type": ids.BOBOT, "indikator": ALL}, "value"), Input(ids.PRESET, "value"))
    def apply_preset(preset):
        if preset not in priority.PRESETS:
            raise PreventUpdate
        weights = priority.weights_for(preset)
        return [weights[o["id"]["indikator"]] for o in ctx.outputs_list]

    # Every slider into one {indicator: weight} store (assets/kantong/prioritas.js).
    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="bobot"),
        Output(ids.BOBOT, "data"),
        Input({"type": ids.BOBOT, "indikator": ALL}, "value"),
    )

    @app.callback(
        Output(ids.GRID_PERINGKAT, "rowData"),
        Output(ids.SKOR_BARU, "data"),
        Output(ids.GRID_TERISI, "data"),
        Input(ids.BOBOT, "data"),
        State(ids.GRID_TERISI, "data"),
        State(ids.PILIHAN, "data"),
    )
    def rescore(weights, filled, selected):
        snapshot = store.latest()
        scored = priority.scored_for(snapshot, weights or {})
        if filled != snapshot.id:
            # First fill, with the nagari already chosen ticked (a plan may have been opened first).
            return priority.ranking_rows(snapshot.table("desa"), scored, selected), no_update, snapshot.id
        # After the first load only the score, rank and tier change: assets/kantong/prioritas.js
        # writes them into the rows the grid holds, instead of resending every indicator.
        return no_update, priority.score_updates(scored), no_update

    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="pilih"),
        Output(ids.PILIH_TERAPKAN, "data"),
        Input(ids.PILIHAN, "data"),
    )

    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="skor"),
        Output(ids.SKOR_TERAPKAN, "data"),
        Input(ids.SKOR_BARU, "data"),
    )

    @app.callback(Output(ids.GRID_PERINGKAT, "filterModel"), Input(ids.SARING_KABKOTA, "value"))
    def filter_kabkota(kode):
        # A client-side filter: the chosen nagari of other kab/kota stay chosen.
        if not kode:
            return {}
        return {"nama_kabkota": {"filterType": "text", "type": "equals", "filter": store.latest().name(kode)}}

    @app.callback(
        output=Output(ids.PILIHAN, "data"),
        inputs={
            "_apply": Input(ids.TERAPKAN, "n_clicks"),
            "changed": Input(ids.GRID_PERINGKAT, "cellValueChanged"),
            "click": Input(ids.PETA_PRIORITAS, "clickData"),
        },
        state={"rule": RULE_STATE, "weights": State(ids.BOBOT, "data"), "current": State(ids.PILIHAN, "data")},
        prevent_initial_call=True,
    )
    def select(_apply, changed, click, rule, weights, current):
        """The choice changes by a rule, a ticked box or a click on the map; the grid and the
        map only show it (assets/kantong/prioritas.js ticks the boxes)."""
        current = list(current or [])
        trigger = ctx.triggered_id
        if trigger == ids.TERAPKAN:
            return priority.SelectionRule.from_form(rule).select(priority.scored_for(store.latest(), weights or {}))
        if trigger == ids.PETA_PRIORITAS:
            kode = _clicked_nagari(click)
            if not kode:
                raise PreventUpdate
            return [c for c in current if c != kode] if kode in current else current + [kode]
        chosen = _ticked(changed, current)
        if chosen == current:
            raise PreventUpdate
        return chosen

    @app.callback(
        Output(ids.GRID_TARGET, "rowData"),
        Output(ids.CAKUPAN, "children"),
        Input(ids.PILIHAN, "data"),
        State(ids.GRID_TARGET, "rowData"),
        State(ids.BOBOT, "data"),
        State(ids.ATURAN_KK, "value"),
    )
    def targets(selected, existing, weights, per_nagari):
        snapshot = store.latest()
        scored = priority.scored_for(snapshot, weights or {})
        year = dt.date.today().year + 1
        rows = priority.plan_rows(snapshot.table("desa"), scored, selected or [], year, existing)
        return rows, coverage_block(snapshot, selected or [], int(per_nagari or priority.FAMILIES_PER_NAGARI))

    @app.callback(
        Output(ids.PETA_PRIORITAS, "figure"),
        Output(ids.PETA_PRIORITAS_TAMPIL, "data"),
        Input(ids.BOBOT, "data"),
        Input(ids.PILIHAN, "data"),
        State(ids.PETA_PRIORITAS_TAMPIL, "data"),
    )
    def render_priority_map(weights, selected, shown):
        snapshot = store.latest()
        if shown != snapshot.id:
            scored = priority.scored_for(snapshot, weights or {})
            return report.score_map_figure(
                snapshot, scored, selected or [], geojson_url(app, snapshot, "desa")
            ), snapshot.id
        patch = Patch()
        if ctx.triggered_id == ids.PILIHAN:
            # Only the outline of the chosen nagari changes.
            outline = [k for k in (selected or []) if k in snapshot.table("desa").index]
            patch["data"][1]["locations"] = outline
            patch["data"][1]["z"] = [0] * len(outline)
        else:
            # New weights: new classes, values and ranks; same regions and geometry.
            for name, value in report.score_map_values(snapshot, priority.scored_for(snapshot, weights or {})).items():
                patch["data"][0][name] = value
        return patch, no_update

    @app.callback(
        Output(ids.RINCIAN_SKOR, "children"),
        Output(ids.RINCIAN_KODE, "data"),
        Input(ids.GRID_PERINGKAT, "cellClicked"),
        Input(ids.PETA_PRIORITAS, "clickData"),
        State(ids.BOBOT, "data"),
        prevent_initial_call=True,
    )
    def breakdown(cell, click, weights):
        snapshot = store.latest()
        kode = _clicked_nagari(click) if ctx.triggered_id == ids.PETA_PRIORITAS else (cell or {}).get("rowId")
        if not kode:
            raise PreventUpdate
        return contribution_block(snapshot, priority.scored_for(snapshot, weights or {}), kode), kode

    # --- plans --------------------------------------------------------------------------

    @app.callback(
        output=[
            Output(ids.RENCANA_PESAN, "children"),
            Output(ids.RENCANA_DAFTAR, "options"),
            Output(ids.RENCANA_DAFTAR, "value"),
            Output(ids.RENCANA_ID, "data"),
            Output(ids.RENCANA_REVISI, "data"),
        ],
        inputs={"_n": Input(ids.RENCANA_SIMPAN, "n_clicks")},
        state={
            "nama": State(ids.RENCANA_NAMA, "value"),
            "penulis": State(ids.RENCANA_PENULIS, "value"),
            "weights": State(ids.BOBOT, "data"),
            "rule": RULE_STATE,
            "rows": State(ids.GRID_TARGET, "rowData"),
            "plan_id": State(ids.RENCANA_ID, "data"),
            "revisi": State(ids.RENCANA_REVISI, "data"),
        },
        prevent_initial_call=True,
    )
    def save_plan(_n, nama, penulis, weights, rule, rows, plan_id, revisi):
        problems = []
        if not (nama or "").strip():
            problems.append("nama rencana")
        if not (penulis or "").strip():
            problems.append("penyusun")
        if not rows:
            problems.append("minimal satu nagari terpilih")
        if problems:
            return [
                dbc.Alert(
                    "Belum dapat disimpan: isi " + ", ".join(problems) + ".", color="warning", className="py-2 small"
                ),
                no_update,
                no_update,
                no_update,
                no_update,
            ]
        snapshot = store.latest()
        plan = Plan(
            plan_id,
            nama.strip(),
            penulis.strip(),
            snapshot.id,
            snapshot.path.name,
            dict(weights or {}),
            priority.SelectionRule.from_form(rule).as_dict(),
            rows,
            revisi=revisi,
        )
        saved = plans.save(plan)
        message = f"Tersimpan: {saved.nama}, revisi {saved.revisi}, oleh {saved.penulis} ({fmt.tanggal(saved.disimpan_pada)})."
        alert = [dbc.Alert(message, color="success", className="py-2 small mb-1", id=ids.RENCANA_TERSIMPAN)]
        if saved.catatan_konflik:
            alert.append(dbc.Alert(saved.catatan_konflik, color="warning", className="py-2 small mb-0"))
        return [alert, plan_options(plans), str(saved.id), saved.id, saved.revisi]

    @app.callback(
        Output({"type": ids.BOBOT, "indikator": ALL}, "value", allow_duplicate=True),
        Output(ids.PILIHAN, "data", allow_duplicate=True),
        Output(ids.GRID_TARGET, "rowData", allow_duplicate=True),
        Output(ids.RENCANA_NAMA, "value"),
        Output(ids.RENCANA_ID, "data", allow_duplicate=True),
        Output(ids.RENCANA_REVISI, "data", allow_duplicate=True),
        Output(ids.RENCANA_PESAN, "children", allow_duplicate=True),
        Output(ids.RENCANA_DAFTAR, "options", allow_duplicate=True),
        Input(ids.RENCANA_BUKA, "n_clicks"),
        Input(ids.RENCANA_DUPLIKAT, "n_clicks"),
        Input(ids.RENCANA_HAPUS, "n_clicks"),
        State(ids.RENCANA_DAFTAR, "value"),
        State(ids.RENCANA_PENULIS, "value"),
        prevent_initial_call=True,
    )
    def plan_actions(_open, _dup, _delete, chosen, penulis):
        if not chosen:
            raise PreventUpdate
        plan_id = int(chosen)
        n_out = len(ctx.outputs_list[0])
        if ctx.triggered_id == ids.RENCANA_HAPUS:
            name = plans.open(plan_id).nama
            plans.delete(plan_id)
            return (
                [no_update] * n_out,
                no_update,
                no_update,
                no_update,
                None,
                None,
                dbc.Alert(f"Rencana \u201c{name}\u201d dihapus.", color="secondary", className="py-2 small"),
                plan_options(plans),
            )
        if ctx.triggered_id == ids.RENCANA_DUPLIKAT:
            source = plans.open(plan_id)
            plan = plans.duplicate(plan_id, f"{source.nama} (salinan)", (penulis or source.penulis).strip())
        else:
            plan = plans.open(plan_id)
        snapshot = store.latest()
        weights = [float(plan.bobot.get(o["id"]["indikator"], 0)) for o in ctx.outputs_list[0]]
        chosen_codes = [row["kode"] for row in plan.nagari]
        notes = [f"Dibuka: {plan.nama}, revisi {plan.revisi} ({plan.penulis}, {fmt.tanggal(plan.disimpan_pada)})."]
        if plan.snapshot_id != snapshot.id:
            notes.append(
                f"Rencana ini disusun pada snapshot {plan.snapshot_nama}; peta dan skor menampilkan snapshot "
                f"{snapshot.path.name}."
            )
        return (
            weights,
            chosen_codes,
            plan.nagari,
            plan.nama,
            plan.id,
            plan.revisi,
            dbc.Alert(" ".join(notes), color="info", className="py-2 small"),
            plan_options(plans),
        )

    @app.callback(
        Output(ids.UNDUH, "data"),
        Input({"type": ids.UNDUH_PRIORITAS, "objek": ALL, "format": ALL}, "n_clicks"),
        State(ids.RENCANA_NAMA, "value"),
        State(ids.RENCANA_PENULIS, "value"),
        State(ids.GRID_TARGET, "rowData"),
        State(ids.BOBOT, "data"),
        State(ids.PILIHAN, "data"),
        State(ids.RINCIAN_KODE, "data"),
        prevent_initial_call=True,
    )
    def export(_clicks, nama, penulis, rows, weights, selected, kode):
        if not ctx.triggered_id or not ctx.triggered[0]["value"]:
            raise PreventUpdate  # a menu was drawn, not clicked
        snapshot = store.latest()
        weights = weights or {}
        objek, format = ctx.triggered_id["objek"], ctx.triggered_id["format"]
        if objek in ("peta", "rincian"):
            return _image_download(snapshot, weights, objek, format, selected or [], kode)
        return _table_download(snapshot, weights, objek, format, rows, nama, penulis)


def _ticked(changed, current: list[str]) -> list[str]:
    """The choice after the "Pilih" boxes a person ticked or cleared in the grid."""
    events = changed if isinstance(changed, list) else [changed or {}]
    chosen = list(current)
    for event in events:
        if event.get("colId") != "pilih":
            continue
        kode = event.get("rowId") or (event.get("data") or {}).get("kode")
        if event.get("value") and kode not in chosen:
            chosen.append(kode)
        elif not event.get("value") and kode in chosen:
            chosen.remove(kode)
    return chosen


def _image_download(snapshot, weights: dict, objek: str, format: str, selected: list[str], kode: str | None):
    scored = priority.scored_for(snapshot, weights)
    if objek == "peta":
        image = render.renderer().render(report.priority_map_print(snapshot, scored, weights, selected), format)
        return dcc.send_bytes(
            image.data,
            exports.file_name("peta", "skor-prioritas", snapshot.akar["nama"], snapshot.tanggal_referensi, ext=format),
        )
    if not kode:
        raise PreventUpdate
    image = render.renderer().render(report.contribution_print(snapshot, scored, weights, kode), format)
    return dcc.send_bytes(
        image.data,
        exports.file_name("grafik-rincian-skor", snapshot.name(kode), snapshot.tanggal_referensi, ext=format),
    )


def _table_download(snapshot, weights: dict, objek: str, format: str, rows, nama, penulis):
    lines = [report.source_line(snapshot), f"Bobot: {report.weights_text(weights)}"]
    if objek == "peringkat":
        scored = priority.scored_for(snapshot, weights)
        frame = pd.DataFrame(priority.ranking_rows(snapshot.table("desa"), scored))
        data = exports.table_bytes(
            format, "Peringkat nagari", frame, report.RANKING_COLUMNS, ["Peringkat prioritas nagari"] + lines
        )
        return dcc.send_bytes(
            data, exports.file_name("peringkat-prioritas", snapshot.path.name, snapshot.tanggal_referensi, ext=format)
        )
    if not rows:
        raise PreventUpdate
    frame = pd.DataFrame(rows)
    frame["tahun"] = frame["tahun"].astype(str)
    title = nama or "Rencana aksi"
    data = exports.table_bytes(
        format, "Rencana", frame, report.PLAN_COLUMNS, [title, f"Disusun oleh {penulis or '—'}"] + lines
    )
    return dcc.send_bytes(data, exports.file_name("rencana", title, snapshot.tanggal_referensi, ext=format))
