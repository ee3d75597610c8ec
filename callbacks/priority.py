"""Priority page: weights -> scores, selection rules, manual choice, targets, plans."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, ClientsideFunction, Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from etl import indicators
from kantong import exports, figures, fmt, priority, render, report
from kantong.plans import Plan
from callbacks.map_view import geojson_url
from layouts.main import IMAGE_FORMATS, download_menu
from layouts.priority import plan_options

def weights_from(values: list, outputs: list) -> dict[str, float]:
    return {o["id"]["kolom"]: float(v or 0) for o, v in zip(outputs, values)}


@lru_cache(maxsize=32)
def _scored_cached(snapshot_id: str, snapshot, weights: tuple) -> priority.Scored:
    desa = snapshot.table("desa")
    return priority.score(desa, dict(weights), _normalised(snapshot_id, snapshot))


@lru_cache(maxsize=4)
def _normalised(snapshot_id: str, snapshot) -> pd.DataFrame:
    return priority.normalise(snapshot.table("desa"))


def scored_for(snapshot, weights: dict[str, float]) -> priority.Scored:
    """Scores depend only on the snapshot and the weights: computed once per pair."""
    return _scored_cached(snapshot.id, snapshot, tuple(sorted(weights.items())))


def ranking_rows(snapshot, scored: priority.Scored, selected: list[str] | None = None) -> list[dict]:
    desa = snapshot.table("desa")
    cols = ["kode", "nama", "nama_kecamatan", "nama_kabkota"] + list(indicators.KOLOM)
    table = desa[cols].join(scored.table[["skor", "peringkat", "tingkat_prioritas"]])
    table["pilih"] = table["kode"].isin(selected or [])
    table = table.sort_values("peringkat", na_position="last")
    table["skor"] = table["skor"].round(2)
    for kolom in indicators.PERSEN_KOLOM:
        table[kolom] = table[kolom].round(1)
    return table.astype(object).where(table.notna(), None).to_dict("records")


def score_updates(scored: priority.Scored) -> dict:
    """Score, rank and tier of every nagari as parallel lists (compact JSON)."""
    table = scored.table
    skor = table["skor"].round(2)
    return {
        "kode": table["kode"].tolist(),
        "skor": [None if pd.isna(v) else float(v) for v in skor],
        "peringkat": [None if pd.isna(v) else int(v) for v in table["peringkat"]],
        "tingkat": table["tingkat_prioritas"].tolist(),
    }


def selection_rule(scored, rule: str, k, n, budget, cost, per_nagari) -> list[str]:
    if rule == "teratas":
        return priority.top_n(scored, int(n or 0))
    if rule == "anggaran":
        return priority.by_budget(scored, float(budget or 0), float(cost or 0), int(per_nagari or priority.FAMILIES_PER_NAGARI))
    return priority.top_k_per_kabkota(scored, int(k or 1))


def coverage_block(snapshot, selected: list[str], per_nagari: int) -> html.Div:
    cov = priority.coverage(snapshot.table("desa"), selected, per_nagari)
    return dbc.Alert(
        [
            html.B(f"{fmt.angka(cov['nagari'])} nagari dipilih. "),
            f"KK desil 1 yang dinilai: {fmt.angka(cov['kk_dinilai'])} dari {fmt.angka(cov['kk_d1_provinsi'])} KK "
            f"({fmt.persen(cov['pct_dinilai'])}); KK desil 1 di nagari terpilih: {fmt.angka(cov['kk_d1_terpilih'])} "
            f"({fmt.persen(cov['pct_terpilih'])}).",
        ],
        color="info", className="py-2 mb-0 small", id="cakupan-teks",
    )


def target_rows(snapshot, scored, selected: list[str], existing: list[dict] | None, year: int) -> list[dict]:
    """Keep edited targets of nagari still chosen; new ones start from their defaults."""
    kept = {row["kode"]: row for row in (existing or [])}
    desa = snapshot.table("desa")
    rows = []
    for kode in sorted(selected, key=lambda k: (scored.table.loc[k, "peringkat"] if k in scored.table.index else 10**9, k)):
        if kode not in desa.index:
            continue
        region = desa.loc[kode]
        base = {"kode": kode, "nama": region["nama"], "nama_kecamatan": region["nama_kecamatan"],
                "nama_kabkota": region["nama_kabkota"], "skor": round(float(scored.table.loc[kode, "skor"] or 0), 2),
                "kk_desil_1": int(region["kk_desil_1"]), "kk_d1_non_dtks": int(region["kk_d1_non_dtks"])}
        targets = {k: kept[kode][k] for k in ("tahun", "target_usul_dtks", "target_terima_bansos", "target_graduasi")} \
            if kode in kept else priority.default_targets(region, year)
        rows.append({**base, **targets})
    return rows


def priority_map(snapshot, scored, selected: list[str], geojson) -> object:
    frame, classes = report.score_map_frame(snapshot, scored)
    desa = snapshot.table("desa")
    return figures.map_figure(frame, classes, report.SKOR, geojson, outline=[k for k in selected if k in desa.index])


def priority_map_values(snapshot, scored) -> dict:
    frame, classes = report.score_map_frame(snapshot, scored)
    return figures.map_values(frame, classes, report.SKOR)


def contribution_block(snapshot, scored, kode: str) -> html.Div:
    if kode not in scored.table.index or pd.isna(scored.table.loc[kode, "skor"]):
        return html.Div()
    return html.Div(
        [
            html.Div(
                [html.Div([html.B(snapshot.name(kode)), f": skor {fmt.angka(scored.table.loc[kode, 'skor'], 1)} "
                           f"(peringkat {fmt.angka(int(scored.table.loc[kode, 'peringkat']))})"], className="small"),
                 download_menu("unduh-prioritas", [("rincian", "Grafik rincian skor", IMAGE_FORMATS)], label="Unduh grafik")],
                className="d-flex justify-content-between align-items-center mt-2",
            ),
            dcc.Graph(figure=figures.contribution_figure(report.contribution_parts(scored, kode)),
                      config={"displayModeBar": False}, className="rincian"),
        ],
        id="rincian-isi",
    )


def register(app, store, plans) -> None:

    @app.callback(Output({"type": "bobot", "kolom": ALL}, "value"), Input("preset", "value"))
    def apply_preset(preset):
        if preset not in priority.PRESETS:
            raise PreventUpdate
        weights = priority.weights_for(preset)
        return [weights[o["id"]["kolom"]] for o in ctx.outputs_list]

    @app.callback(
        Output("grid-peringkat", "rowData"),
        Output("skor-baru", "data"),
        Output("grid-terisi", "data"),
        Input({"type": "bobot", "kolom": ALL}, "value"),
        State("grid-terisi", "data"),
        State("pilihan", "data"),
    )
    def rescore(values, filled, selected):
        snapshot = store.latest()
        scored = scored_for(snapshot, weights_from(values, ctx.inputs_list[0]))
        if filled != snapshot.id:
            # First fill, with the nagari already chosen ticked (a plan may have been opened first).
            return ranking_rows(snapshot, scored, selected), no_update, snapshot.id
        # After the first load only the score, rank and tier change: assets/kantong/prioritas.js
        # writes them into the rows the grid holds, instead of resending every indicator.
        return no_update, score_updates(scored), no_update

    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="pilih"),
        Output("pilih-terapkan", "data"),
        Input("pilihan", "data"),
    )

    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="skor"),
        Output("skor-terapkan", "data"),
        Input("skor-baru", "data"),
    )

    @app.callback(Output("grid-peringkat", "filterModel"), Input("saring-kabkota", "value"))
    def filter_kabkota(kode):
        # A client-side filter: the chosen nagari of other kab/kota stay chosen.
        if not kode:
            return {}
        return {"nama_kabkota": {"filterType": "text", "type": "equals", "filter": store.latest().name(kode)}}

    @app.callback(
        Output("pilihan", "data"),
        Input("terapkan", "n_clicks"),
        Input("grid-peringkat", "cellValueChanged"),
        Input("peta-prioritas", "clickData"),
        State("aturan", "value"), State("aturan-k", "value"), State("aturan-n", "value"),
        State("aturan-anggaran", "value"), State("aturan-biaya", "value"), State("aturan-kk", "value"),
        State({"type": "bobot", "kolom": ALL}, "value"),
        State("pilihan", "data"),
        prevent_initial_call=True,
    )
    def select(_apply, changed, click, rule, k, n, budget, cost, per_nagari, values, current):
        """The choice changes by a rule, a ticked box or a click on the map; the grid and the
        map only show it (assets/kantong/prioritas.js ticks the boxes)."""
        current = list(current or [])
        trigger = ctx.triggered_id
        if trigger == "terapkan":
            snapshot = store.latest()
            weights = weights_from(values, ctx.states_list[6])
            return selection_rule(scored_for(snapshot, weights), rule, k, n, budget, cost, per_nagari)
        if trigger == "peta-prioritas":
            kode = ((click or {}).get("points") or [{}])[0].get("location")
            if not kode:
                raise PreventUpdate
            return [c for c in current if c != kode] if kode in current else current + [kode]
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
        if chosen == current:
            raise PreventUpdate
        return chosen

    @app.callback(
        Output("grid-target", "rowData"),
        Output("cakupan", "children"),
        Input("pilihan", "data"),
        State("grid-target", "rowData"),
        State({"type": "bobot", "kolom": ALL}, "value"),
        State("aturan-kk", "value"),
    )
    def targets(selected, existing, values, per_nagari):
        snapshot = store.latest()
        scored = scored_for(snapshot, weights_from(values, ctx.states_list[1]))
        year = dt.date.today().year + 1
        rows = target_rows(snapshot, scored, selected or [], existing, year)
        return rows, coverage_block(snapshot, selected or [], int(per_nagari or priority.FAMILIES_PER_NAGARI))

    @app.callback(
        Output("peta-prioritas", "figure"),
        Output("peta-prioritas-tampil", "data"),
        Input({"type": "bobot", "kolom": ALL}, "value"),
        Input("pilihan", "data"),
        State("peta-prioritas-tampil", "data"),
    )
    def render_priority_map(values, selected, shown):
        snapshot = store.latest()
        if shown != snapshot.id:
            scored = scored_for(snapshot, weights_from(values, ctx.inputs_list[0]))
            return priority_map(snapshot, scored, selected or [], geojson_url(app, snapshot, "desa")), snapshot.id
        patch = Patch()
        if ctx.triggered_id == "pilihan":
            # Only the outline of the chosen nagari changes.
            outline = [k for k in (selected or []) if k in snapshot.table("desa").index]
            patch["data"][1]["locations"] = outline
            patch["data"][1]["z"] = [0] * len(outline)
        else:
            # New weights: new classes, values and ranks; same regions and geometry.
            scored = scored_for(snapshot, weights_from(values, ctx.inputs_list[0]))
            for name, value in priority_map_values(snapshot, scored).items():
                patch["data"][0][name] = value
        return patch, no_update

    @app.callback(
        Output("rincian-skor", "children"),
        Output("rincian-kode", "data"),
        Input("grid-peringkat", "cellClicked"),
        Input("peta-prioritas", "clickData"),
        State({"type": "bobot", "kolom": ALL}, "value"),
        prevent_initial_call=True,
    )
    def breakdown(cell, click, values):
        snapshot = store.latest()
        if ctx.triggered_id == "peta-prioritas":
            kode = ((click or {}).get("points") or [{}])[0].get("location")
        else:
            kode = (cell or {}).get("rowId")
        if not kode:
            raise PreventUpdate
        return contribution_block(snapshot, scored_for(snapshot, weights_from(values, ctx.states_list[0])), kode), kode

    # --- plans --------------------------------------------------------------------------

    @app.callback(
        Output("rencana-pesan", "children"),
        Output("rencana-daftar", "options"),
        Output("rencana-daftar", "value"),
        Output("rencana-id", "data"),
        Output("rencana-revisi", "data"),
        Input("rencana-simpan", "n_clicks"),
        State("rencana-nama", "value"), State("rencana-penulis", "value"),
        State({"type": "bobot", "kolom": ALL}, "value"),
        State("aturan", "value"), State("aturan-k", "value"), State("aturan-n", "value"),
        State("aturan-anggaran", "value"), State("aturan-biaya", "value"), State("aturan-kk", "value"),
        State("grid-target", "rowData"), State("rencana-id", "data"), State("rencana-revisi", "data"),
        prevent_initial_call=True,
    )
    def save_plan(_n, nama, penulis, values, rule, k, n, budget, cost, per_nagari, rows, plan_id, revisi):
        problems = []
        if not (nama or "").strip():
            problems.append("nama rencana")
        if not (penulis or "").strip():
            problems.append("penyusun")
        if not rows:
            problems.append("minimal satu nagari terpilih")
        if problems:
            return dbc.Alert("Belum dapat disimpan: isi " + ", ".join(problems) + ".", color="warning", className="py-2 small"), \
                no_update, no_update, no_update, no_update
        snapshot = store.latest()
        weights = weights_from(values, ctx.states_list[2])
        plan = Plan(plan_id, nama.strip(), penulis.strip(), snapshot.id, snapshot.path.name, weights,
                    {"aturan": rule, "k": k, "n": n, "anggaran": budget, "biaya_per_kk": cost, "kk_per_nagari": per_nagari},
                    rows, revisi=revisi)
        saved = plans.save(plan)
        message = f"Tersimpan: {saved.nama}, revisi {saved.revisi}, oleh {saved.penulis} ({fmt.tanggal(saved.disimpan_pada)})."
        alert = [dbc.Alert(message, color="success", className="py-2 small mb-1", id="rencana-tersimpan")]
        if saved.catatan_konflik:
            alert.append(dbc.Alert(saved.catatan_konflik, color="warning", className="py-2 small mb-0"))
        return alert, plan_options(plans), str(saved.id), saved.id, saved.revisi

    @app.callback(
        Output({"type": "bobot", "kolom": ALL}, "value", allow_duplicate=True),
        Output("pilihan", "data", allow_duplicate=True),
        Output("grid-target", "rowData", allow_duplicate=True),
        Output("rencana-nama", "value"),
        Output("rencana-id", "data", allow_duplicate=True),
        Output("rencana-revisi", "data", allow_duplicate=True),
        Output("rencana-pesan", "children", allow_duplicate=True),
        Output("rencana-daftar", "options", allow_duplicate=True),
        Input("rencana-buka", "n_clicks"),
        Input("rencana-duplikat", "n_clicks"),
        Input("rencana-hapus", "n_clicks"),
        State("rencana-daftar", "value"),
        State("rencana-penulis", "value"),
        prevent_initial_call=True,
    )
    def plan_actions(_open, _dup, _delete, chosen, penulis):
        if not chosen:
            raise PreventUpdate
        plan_id = int(chosen)
        n_out = len(ctx.outputs_list[0])
        if ctx.triggered_id == "rencana-hapus":
            name = plans.open(plan_id).nama
            plans.delete(plan_id)
            return ([no_update] * n_out, no_update, no_update, no_update, None, None,
                    dbc.Alert(f"Rencana \u201c{name}\u201d dihapus.", color="secondary", className="py-2 small"),
                    plan_options(plans))
        if ctx.triggered_id == "rencana-duplikat":
            source = plans.open(plan_id)
            plan = plans.duplicate(plan_id, f"{source.nama} (salinan)", (penulis or source.penulis).strip())
        else:
            plan = plans.open(plan_id)
        snapshot = store.latest()
        weights = [float(plan.bobot.get(o["id"]["kolom"], 0)) for o in ctx.outputs_list[0]]
        chosen_codes = [row["kode"] for row in plan.nagari]
        notes = [f"Dibuka: {plan.nama}, revisi {plan.revisi} ({plan.penulis}, {fmt.tanggal(plan.disimpan_pada)})."]
        if plan.snapshot_id != snapshot.id:
            notes.append(f"Rencana ini disusun pada snapshot {plan.snapshot_nama}; peta dan skor menampilkan snapshot "
                         f"{snapshot.path.name}.")
        return (weights, chosen_codes, plan.nagari, plan.nama, plan.id, plan.revisi,
                dbc.Alert(" ".join(notes), color="info", className="py-2 small"), plan_options(plans))

    @app.callback(
        Output("unduh", "data"),
        Input({"type": "unduh-prioritas", "objek": ALL, "format": ALL}, "n_clicks"),
        State("rencana-nama", "value"), State("rencana-penulis", "value"),
        State("grid-target", "rowData"), State({"type": "bobot", "kolom": ALL}, "value"),
        State("pilihan", "data"), State("rincian-kode", "data"),
        prevent_initial_call=True,
    )
    def export(_clicks, nama, penulis, rows, values, selected, kode):
        if not ctx.triggered_id or not ctx.triggered[0]["value"]:
            raise PreventUpdate  # a menu was drawn, not clicked
        objek, format = ctx.triggered_id["objek"], ctx.triggered_id["format"]
        snapshot = store.latest()
        weights = weights_from(values, ctx.states_list[3])
        scored = scored_for(snapshot, weights)
        if objek == "peta":
            image = render.renderer().render(report.priority_map_print(snapshot, scored, weights, selected or []), format)
            return dcc.send_bytes(image.data, exports.file_name("peta", "skor-prioritas", "Sumatera Barat",
                                                                snapshot.tanggal_referensi, ext=format))
        if objek == "rincian":
            if not kode:
                raise PreventUpdate
            image = render.renderer().render(report.contribution_print(snapshot, scored, weights, kode), format)
            return dcc.send_bytes(image.data, exports.file_name("grafik-rincian-skor", snapshot.name(kode),
                                                                snapshot.tanggal_referensi, ext=format))
        lines = [report.source_line(snapshot), f"Bobot: {report.weights_text(weights)}"]
        if objek == "peringkat":
            frame = pd.DataFrame(ranking_rows(snapshot, scored))
            data = exports.table_bytes(format, "Peringkat nagari", frame, RANKING_COLUMNS, ["Peringkat prioritas nagari"] + lines)
            return dcc.send_bytes(data, exports.file_name("peringkat-prioritas", snapshot.path.name,
                                                          snapshot.tanggal_referensi, ext=format))
        if not rows:
            raise PreventUpdate
        frame = pd.DataFrame(rows)
        frame["tahun"] = frame["tahun"].astype(str)
        title = nama or "Rencana aksi"
        data = exports.table_bytes(format, "Rencana", frame, PLAN_COLUMNS, [title, f"Disusun oleh {penulis or '—'}"] + lines)
        return dcc.send_bytes(data, exports.file_name("rencana", title, snapshot.tanggal_referensi, ext=format))


RANKING_COLUMNS = [
    exports.Column("peringkat", "Peringkat", exports.INT), exports.Column("kode", "Kode"),
    exports.Column("nama", "Nagari/desa"), exports.Column("nama_kecamatan", "Kecamatan"),
    exports.Column("nama_kabkota", "Kab/kota"), exports.Column("skor", "Skor", exports.FLOAT),
    exports.Column("tingkat_prioritas", "Tingkat prioritas"),
] + report.indicator_columns()

PLAN_COLUMNS = [
    exports.Column("kode", "Kode"), exports.Column("nama", "Nagari/desa"),
    exports.Column("nama_kecamatan", "Kecamatan"), exports.Column("nama_kabkota", "Kab/kota"),
    exports.Column("skor", "Skor", exports.FLOAT), exports.Column("kk_desil_1", "KK desil 1", exports.INT),
    exports.Column("kk_d1_non_dtks", "KK desil 1 belum DTKS", exports.INT),
    exports.Column("tahun", "Tahun", exports.TEXT),
    exports.Column("target_usul_dtks", "Target diusulkan ke DTKS", exports.INT),
    exports.Column("target_terima_bansos", "Target KK D1 menerima bansos", exports.INT),
    exports.Column("target_graduasi", "Target KK D1 graduasi", exports.INT),
]
