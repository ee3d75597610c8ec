"""Priority page: weights -> scores, selection rules, manual choice, targets, plans.

The plan being worked on is kept as a draft in the browser (kantong.plans.Draft) until it
is saved or discarded: `restore_draft` puts the draft on the page when it opens (or, on
"Buang draf", what the draft started from), `plan_actions` a saved plan, `keep_draft`
writes every change back, and the page warns before leaving while something is unsaved
(assets/kantong/prioritas.js reads the mark `draft_status` puts on the page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import dash_bootstrap_components as dbc
import flask
import pandas as pd
from dash import ALL, ClientsideFunction, Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

import ids
from callbacks.map_view import geojson_url
from kantong import exports, figures, fmt, gate, priority, render, report
from kantong.plans import Draft, DraftEntry, Plan, draft_owner, read_draft, write_draft
from layouts.main import IMAGE_FORMATS, download_menu
from layouts.priority import CUSTOM_WEIGHTS, default_plan_name, plan_options, plan_year, target_grid_style

# The selection rule's inputs, passed to callbacks as one dict (Dash's grouped states).
RULE_FIELDS = {
    "aturan": ids.ATURAN,
    "k": ids.ATURAN_K,
    "n": ids.ATURAN_N,
    "anggaran": ids.ATURAN_ANGGARAN,
    "biaya_per_kk": ids.ATURAN_BIAYA,
    "kk_per_nagari": ids.ATURAN_KK,
}
RULE_STATE = {name: State(component, "value") for name, component in RULE_FIELDS.items()}
PLAN_TOTALS = ("kk_desil_1", "kk_d1_non_dtks") + tuple(t.field for t in priority.TARGETS)
CHECK_NOTE = "catatan_pemeriksaan"  # the plan table's column naming out-of-range targets


def coverage_block(snapshot, scored, selected: list[str], rule: priority.SelectionRule) -> html.Div:
    first, *rest = priority.selection_summary(snapshot.table("desa"), scored, selected, rule)
    return dbc.Alert(
        [html.B(first), *[html.Div(line) for line in rest]],
        color="info",
        className="py-2 mb-0 small",
        id=ids.CAKUPAN_TEKS,
    )


def target_check_block(rows: list[dict] | None) -> html.Div:
    """The out-of-range targets in words, under the table (the cells are marked in it)."""
    problems = priority.check_targets(rows)
    if not problems:
        return html.Div()
    return dbc.Alert(
        [
            html.B(
                f"{fmt.angka(len(problems))} target di luar rentang; rencana belum dapat disimpan sebelum diperbaiki."
            ),
            html.Ul([html.Li(p.text()) for p in problems], className="target-periksa-daftar"),
            html.Div(priority.TARGET_LIMITS, className="text-muted"),
        ],
        color="danger",
        className="py-2 mb-0 small",
    )


# --- the state of the page as a draft -----------------------------------------------------


def starting_draft(snapshot) -> Draft:
    """The page's state before anyone changes it (the 2023 rule, default targets)."""
    start = priority.starting_plan(snapshot, plan_year())
    return Draft.from_rows(
        start.rows,
        priority.TARGET_FIELDS,
        bobot=start.bobot,
        aturan=start.aturan.as_dict(),
        pilihan=list(start.pilihan),
        nama=default_plan_name(),
        penulis="",
    )


def plan_draft(plan: Plan) -> Draft:
    return Draft.from_rows(
        plan.nagari,
        priority.TARGET_FIELDS,
        bobot=dict(plan.bobot),
        aturan=priority.SelectionRule.from_form(plan.aturan).as_dict(),
        pilihan=[row["kode"] for row in plan.nagari],
        nama=plan.nama,
        penulis=plan.penulis,
        rencana_id=plan.id,
        revisi=plan.revisi,
    )


def page_draft(weights, rule: dict, selected, rows, nama, penulis, plan_id, revisi) -> Draft:
    """The draft of what the page shows now."""
    return Draft.from_rows(
        rows,
        priority.TARGET_FIELDS,
        bobot={k: float(v or 0) for k, v in (weights or {}).items()},
        aturan=priority.SelectionRule.from_form(rule).as_dict(),
        pilihan=list(selected or []),
        nama=nama or "",
        penulis=penulis or "",
        rencana_id=plan_id,
        revisi=revisi,
    )


def preset_of(weights: dict) -> str:
    """The preset these weights are, or CUSTOM_WEIGHTS."""
    wanted = {c: float(weights.get(c, 0) or 0) for c in priority.CRITERIA}
    return next((name for name in priority.PRESETS if priority.weights_for(name) == wanted), CUSTOM_WEIGHTS)


@dataclasses.dataclass(frozen=True)
class PageState:
    """What is written on the page to show a draft."""

    sliders: list[float]
    preset: str
    rule: list
    pilihan: list[str]
    rows: list[dict]
    nama: str
    penulis: str
    rencana_id: int | None
    revisi: int | None


def page_state(snapshot, draft: Draft, slider_ids: list[str]) -> PageState:
    weights = {c: float(draft.bobot.get(c, 0) or 0) for c in priority.CRITERIA}
    rule = priority.SelectionRule.from_form(draft.aturan).as_dict()
    desa = snapshot.table("desa")
    chosen = [k for k in draft.pilihan if k in desa.index]  # a newer snapshot may lack a nagari
    rows = priority.plan_rows(desa, priority.scored_for(snapshot, weights), chosen, plan_year(), draft.target)
    return PageState(
        [weights.get(i, 0.0) for i in slider_ids],
        preset_of(weights),
        [rule[name] for name in RULE_FIELDS],
        chosen,
        rows,
        draft.nama,
        draft.penulis,
        draft.rencana_id,
        draft.revisi,
    )


def person() -> str:
    """Whose draft the page keeps: the person logged in, once the gate (kantong.gate) puts
    them in flask.g; this browser until then."""
    principal = flask.g.get("principal") if flask.has_request_context() else None
    return draft_owner(getattr(principal, "nama", None))


def _when(stamp: str | None) -> str:
    if not stamp:
        return ""
    return f"{fmt.tanggal(stamp)} pukul {stamp[11:16].replace(':', '.')}"


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def draft_status(entry: DraftEntry | None) -> html.Div:
    """Whether anything is unsaved; `data-rencana-berubah` tells the page's script to warn
    before leaving."""
    if entry is None or not entry.berubah:
        text = "Semua perubahan tersimpan." if entry is not None else ""
        return html.Div(text, className="text-success", **{"data-rencana-berubah": "0"})
    return html.Div(
        f"Perubahan belum disimpan (draf di peramban ini, diubah {_when(entry.diubah_pada)}).",
        className="text-danger fw-semibold",
        **{"data-rencana-berubah": "1"},
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
    return figures.clicked_code(click)  # a polygon, or the marker of a nagari without one


def register(app, store, plans) -> None:  # noqa: C901  (one closure per callback of the page)

    # Not on load: the sliders start at the default preset (layouts/priority.py) or a draft's weights.
    @app.callback(
        Output({"type": ids.BOBOT, "indikator": ALL}, "value"), Input(ids.PRESET, "value"), prevent_initial_call=True
    )
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
        name = priority.short_name(store.latest().name(kode))
        return {"nama_kabkota_pendek": {"filterType": "text", "type": "equals", "filter": name}}

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
        Output(ids.GRID_TARGET, "style"),
        Input(ids.PILIHAN, "data"),
        State(ids.GRID_TARGET, "rowData"),
        State(ids.BOBOT, "data"),
        prevent_initial_call=True,
    )
    def targets(selected, existing, weights):
        """The plan table follows the choice: new nagari get default targets, edited ones
        keep theirs. Rows already matching the choice (a draft or plan just put on the page
        with its rows) are left alone, so a late answer can never put stale rows back. New
        weights change the scores in place (assets/kantong/prioritas.js, skor)."""
        selected = selected or []
        if existing is not None and {r.get("kode") for r in existing} == set(selected):
            return no_update, target_grid_style(len(existing))
        snapshot = store.latest()
        scored = priority.scored_for(snapshot, weights or {})
        rows = priority.plan_rows(snapshot.table("desa"), scored, selected, plan_year(), existing)
        return rows, target_grid_style(len(rows))

    @app.callback(
        Output(ids.CAKUPAN, "children"),
        Input(ids.PILIHAN, "data"),
        Input(ids.BOBOT, "data"),
        *[State(c, "value") for c in RULE_FIELDS.values()],
    )
    def summary(selected, weights, *rule_values):
        snapshot = store.latest()
        rule = priority.SelectionRule.from_form(dict(zip(RULE_FIELDS, rule_values)))
        return coverage_block(snapshot, priority.scored_for(snapshot, weights or {}), selected or [], rule)

    # An edit changes the rows in place, so it does not count as a new rowData for Dash:
    # the edit event is what tells the server (here and in keep_draft).
    @app.callback(
        Output(ids.TARGET_PERIKSA, "children"),
        Input(ids.GRID_TARGET, "rowData"),
        Input(ids.GRID_TARGET, "cellValueChanged"),
    )
    def check_targets(rows, _edited):
        return target_check_block(rows)

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
            desa = snapshot.table("desa")
            outline = [k for k in (selected or []) if k in desa.index]
            figures.set_outline(patch["data"], outline, figures.marker_codes(desa))
        else:
            # New weights: new classes, values and ranks; same regions and geometry.
            scored = priority.scored_for(snapshot, weights or {})
            for trace, props in report.score_map_values(snapshot, scored).items():
                for name, value in props.items():
                    patch["data"][trace][name] = value
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
            Output(ids.RENCANA_DASAR, "data", allow_duplicate=True),
            Output(ids.RENCANA_DRAF, "data", allow_duplicate=True),
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
            "stored": State(ids.RENCANA_DRAF, "data"),
        },
        prevent_initial_call=True,
    )
    def save_plan(_n, nama, penulis, weights, rule, rows, plan_id, revisi, stored):
        missing = []
        if not (nama or "").strip():
            missing.append("nama rencana")
        if not (penulis or "").strip():
            missing.append("penyusun")
        if not rows:
            missing.append("minimal satu nagari terpilih")
        out_of_range = priority.check_targets(rows)
        if missing or out_of_range:
            reasons = ["isi " + ", ".join(missing)] if missing else []
            if out_of_range:
                reasons.append(f"perbaiki {fmt.angka(len(out_of_range))} target di luar rentang (lihat di bawah tabel)")
            alert = dbc.Alert(
                "Belum dapat disimpan: " + "; ".join(reasons) + ".", color="warning", className="py-2 small"
            )
            return [alert] + [no_update] * 6
        snapshot = store.latest()
        plan = Plan(
            plan_id,
            nama.strip(),
            penulis.strip(),
            snapshot.id,
            snapshot.path.name,
            dict(weights or {}),
            priority.SelectionRule.from_form(rule).as_dict(),
            # Verification counts are shown beside the targets, not kept with them: they change
            # with every import (kantong.priority.plan_rows).
            [{k: v for k, v in row.items() if k not in priority.VERVAL_FIELDS} for row in rows],
            revisi=revisi,
        )
        saved = plans.save(plan)
        gate.record("rencana", saved.wilayah, rencana=saved.id, revisi=saved.revisi, nagari=len(saved.nagari))
        message = f"Tersimpan: {saved.nama}, revisi {saved.revisi}, oleh {saved.penulis} ({fmt.tanggal(saved.disimpan_pada)})."
        alert = [dbc.Alert(message, color="success", className="py-2 small mb-1", id=ids.RENCANA_TERSIMPAN)]
        if saved.catatan_konflik:
            alert.append(dbc.Alert(saved.catatan_konflik, color="warning", className="py-2 small mb-0"))
        # Saved: nothing is unsaved any more; the draft now points at the saved revision, so
        # coming back to the page opens it again.
        base = plan_draft(saved)
        drafts = write_draft(stored, person(), DraftEntry(base, base, _now()))
        return [alert, plan_options(plans), str(saved.id), saved.id, saved.revisi, base.to_json(), drafts]

    # The draft as the browser holds it, read once when the page opens (not from the store's
    # later changes, which are this page's own writes).
    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="drafAwal"),
        Output(ids.RENCANA_DRAF_AWAL, "data"),
        Input(ids.RENCANA_DRAF, "modified_timestamp"),
        State(ids.RENCANA_DRAF_AWAL, "data"),
    )

    # What puts a whole state on the page; the same outputs for the draft (restore_draft)
    # and for saved plans (plan_actions), which are two callbacks because they need different
    # permissions (kantong.policy keys callbacks by their first output).
    state_outputs = {
        "sliders": Output({"type": ids.BOBOT, "indikator": ALL}, "value", allow_duplicate=True),
        "preset": Output(ids.PRESET, "value", allow_duplicate=True),
        "rule": [Output(c, "value", allow_duplicate=True) for c in RULE_FIELDS.values()],
        "pilihan": Output(ids.PILIHAN, "data", allow_duplicate=True),
        "rows": Output(ids.GRID_TARGET, "rowData", allow_duplicate=True),
        "nama": Output(ids.RENCANA_NAMA, "value", allow_duplicate=True),
        "penulis": Output(ids.RENCANA_PENULIS, "value", allow_duplicate=True),
        "rencana_id": Output(ids.RENCANA_ID, "data", allow_duplicate=True),
        "revisi": Output(ids.RENCANA_REVISI, "data", allow_duplicate=True),
        "dasar": Output(ids.RENCANA_DASAR, "data", allow_duplicate=True),
        "stored": Output(ids.RENCANA_DRAF, "data", allow_duplicate=True),
        "options": Output(ids.RENCANA_DAFTAR, "options", allow_duplicate=True),
    }
    message_output = {"message": Output(ids.RENCANA_PESAN, "children", allow_duplicate=True)}

    def unchanged() -> dict:
        result = {key: no_update for key in ctx.outputs_grouping}
        result["sliders"] = [no_update] * len(ctx.outputs_grouping["sliders"])
        result["rule"] = [no_update] * len(RULE_FIELDS)
        return result

    def put_on_page(draft: Draft, base: Draft, stored, message: str | None) -> dict:
        """The outputs that show `draft`, compared from now on with `base`."""
        slider_ids = [o["id"]["indikator"] for o in ctx.outputs_grouping["sliders"]]
        state = page_state(store.latest(), draft, slider_ids)
        return {
            "sliders": state.sliders,
            "preset": state.preset,
            "rule": state.rule,
            "pilihan": state.pilihan,
            "rows": state.rows,
            "nama": state.nama,
            "penulis": state.penulis,
            "rencana_id": state.rencana_id,
            "revisi": state.revisi,
            "dasar": base.to_json(),
            "stored": stored,
            "options": plan_options(plans),
            "message": dbc.Alert(message, color="info", className="py-2 small") if message else no_update,
        }

    @app.callback(
        output=state_outputs | message_output,
        inputs={
            "opened": Input(ids.RENCANA_DRAF_AWAL, "data"),
            "_discard": Input(ids.RENCANA_BUANG_KONFIRMASI, "submit_n_clicks"),
        },
        state={"stored": State(ids.RENCANA_DRAF, "data")},
        prevent_initial_call=True,
    )
    def restore_draft(opened, _discard, stored):
        """When the page opens: the draft kept in this browser (or, with none, the page's
        starting state, already shown). "Buang draf": what the draft started from, a saved
        plan or the starting state."""
        snapshot = store.latest()
        owner = person()
        if ctx.triggered_id == ids.RENCANA_DRAF_AWAL:
            entry = read_draft((opened or {}).get("draf"), owner)
            if entry is None:
                return unchanged() | {"dasar": starting_draft(snapshot).to_json()}
            message = (
                f"Draf yang belum disimpan dipulihkan (diubah {_when(entry.diubah_pada)})." if entry.berubah else None
            )
            return put_on_page(entry.kini, entry.dasar, no_update, message)
        entry = read_draft(stored, owner)
        base = entry.dasar if entry is not None else starting_draft(snapshot)
        kept = DraftEntry(base, base, _now()) if base.rencana_id is not None else None
        message = "Draf dibuang: " + (
            f"kembali ke rencana \u201c{base.nama}\u201d revisi {base.revisi}."
            if base.rencana_id is not None
            else "kembali ke usulan awal (1 nagari dengan skor tertinggi per kab/kota)."
        )
        return put_on_page(base, base, write_draft(stored, owner, kept), message)

    @app.callback(
        output=message_output | state_outputs,
        inputs={
            "_open": Input(ids.RENCANA_BUKA, "n_clicks"),
            "_duplicate": Input(ids.RENCANA_DUPLIKAT, "n_clicks"),
            "_delete": Input(ids.RENCANA_HAPUS, "n_clicks"),
        },
        state={
            "stored": State(ids.RENCANA_DRAF, "data"),
            "chosen": State(ids.RENCANA_DAFTAR, "value"),
            "penulis": State(ids.RENCANA_PENULIS, "value"),
            "current_id": State(ids.RENCANA_ID, "data"),
        },
        prevent_initial_call=True,
    )
    def plan_actions(_open, _duplicate, _delete, stored, chosen, penulis, current_id):
        """Open or duplicate a saved plan: the whole plan goes on the page (its author too),
        and it is what the draft is compared with. Delete: the page stays as it is."""
        if not chosen:
            raise PreventUpdate
        snapshot = store.latest()
        owner = person()
        plan_id = int(chosen)
        if ctx.triggered_id == ids.RENCANA_HAPUS:
            name = plans.open(plan_id).nama
            plans.delete(plan_id)
            result = unchanged() | {
                "message": dbc.Alert(f"Rencana \u201c{name}\u201d dihapus.", color="secondary", className="py-2 small"),
                "options": plan_options(plans),
            }
            entry = read_draft(stored, owner)
            if current_id == plan_id and entry is not None:
                # The plan on the page is no longer saved anywhere: it becomes unsaved work.
                base = starting_draft(snapshot)
                kini = dataclasses.replace(entry.kini, rencana_id=None, revisi=None)
                result |= {
                    "rencana_id": None,
                    "revisi": None,
                    "dasar": base.to_json(),
                    "stored": write_draft(stored, owner, DraftEntry(base, kini, _now())),
                }
            return result
        if ctx.triggered_id == ids.RENCANA_DUPLIKAT:
            source = plans.open(plan_id)
            plan = plans.duplicate(plan_id, f"{source.nama} (salinan)", (penulis or source.penulis).strip())
        else:
            plan = plans.open(plan_id)
        notes = [f"Dibuka: {plan.nama}, revisi {plan.revisi} ({plan.penulis}, {fmt.tanggal(plan.disimpan_pada)})."]
        if plan.snapshot_id != snapshot.id:
            notes.append(
                f"Rencana ini disusun pada snapshot {plan.snapshot_nama}; peta dan skor menampilkan snapshot "
                f"{snapshot.path.name}."
            )
        base = plan_draft(plan)
        return put_on_page(base, base, write_draft(stored, owner, DraftEntry(base, base, _now())), " ".join(notes))

    @app.callback(
        output=Output(ids.RENCANA_DRAF, "data", allow_duplicate=True),
        inputs={
            "weights": Input(ids.BOBOT, "data"),
            "rule": {name: Input(c, "value") for name, c in RULE_FIELDS.items()},
            "selected": Input(ids.PILIHAN, "data"),
            "rows": Input(ids.GRID_TARGET, "rowData"),
            "_edited": Input(ids.GRID_TARGET, "cellValueChanged"),
            "nama": Input(ids.RENCANA_NAMA, "value"),
            "penulis": Input(ids.RENCANA_PENULIS, "value"),
        },
        state={
            "base": State(ids.RENCANA_DASAR, "data"),
            "stored": State(ids.RENCANA_DRAF, "data"),
            "plan_id": State(ids.RENCANA_ID, "data"),
            "revisi": State(ids.RENCANA_REVISI, "data"),
        },
        prevent_initial_call=True,
    )
    def keep_draft(weights, rule, selected, rows, _edited, nama, penulis, base, stored, plan_id, revisi):
        """Every change is written to the browser's draft; none before the page has put its
        state on (`base` unset), so the draft kept from before is never overwritten unread."""
        base = Draft.from_json(base)
        if base is None:
            raise PreventUpdate
        owner = person()
        now = page_draft(weights, rule, selected, rows, nama, penulis, plan_id, revisi)
        previous = read_draft(stored, owner)
        same = previous is not None and previous.kini.content() == now.content()
        entry = DraftEntry(base, now, previous.diubah_pada if same else _now())
        # Nothing changed on the starting state: no draft (the page opens the same way).
        kept = None if not entry.berubah and now.rencana_id is None else entry
        updated = write_draft(stored, owner, kept)
        if updated == stored:
            raise PreventUpdate
        return updated

    @app.callback(
        Output(ids.RENCANA_DRAF_STATUS, "children"),
        Output(ids.RENCANA_BUANG, "disabled"),
        Input(ids.RENCANA_DRAF, "data"),
    )
    def show_draft_status(stored):
        entry = read_draft(stored, person())
        return draft_status(entry), entry is None or not entry.berubah

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
        if objek not in ("peringkat", "rencana"):
            raise PreventUpdate  # no menu offers it
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
        name = exports.file_name(
            "peta", "skor-prioritas", snapshot.akar["nama"], snapshot.tanggal_referensi, ext=format
        )
        gate.record("ekspor", snapshot.scope, berkas=name)
        return dcc.send_bytes(image.data, name)
    if not kode:
        raise PreventUpdate
    image = render.renderer().render(report.contribution_print(snapshot, scored, weights, kode), format)
    name = exports.file_name("grafik-rincian-skor", snapshot.name(kode), snapshot.tanggal_referensi, ext=format)
    gate.record("ekspor", kode, berkas=name)
    return dcc.send_bytes(image.data, name)


def _table_download(snapshot, weights: dict, objek: str, format: str, rows, nama, penulis):
    lines = [report.source_line(snapshot), f"Bobot: {report.weights_text(weights)}"]
    if objek == "peringkat":
        scored = priority.scored_for(snapshot, weights)
        frame = pd.DataFrame(priority.ranking_rows(snapshot.table("desa"), scored))
        data = exports.table_bytes(
            format, "Peringkat nagari", frame, report.RANKING_COLUMNS, ["Peringkat prioritas nagari"] + lines
        )
        name = exports.file_name("peringkat-prioritas", snapshot.path.name, snapshot.tanggal_referensi, ext=format)
        gate.record("ekspor", snapshot.scope, berkas=name, baris=len(frame))
        return dcc.send_bytes(data, name)
    if not rows:
        raise PreventUpdate
    title = nama or "Rencana aksi"
    frame, columns, notes = plan_table(rows)
    data = exports.table_bytes(
        format,
        "Rencana",
        frame,
        columns,
        [title, f"Disusun oleh {penulis or '—'}"] + notes + lines,
        totals=PLAN_TOTALS,
    )
    name = exports.file_name("rencana", title, snapshot.tanggal_referensi, ext=format)
    gate.record("ekspor", snapshot.scope, berkas=name, baris=len(frame))
    return dcc.send_bytes(data, name)


def plan_table(rows: list[dict]) -> tuple[pd.DataFrame, list[exports.Column], list[str]]:
    """The plan table as downloaded: the year and targets as numbers (summed in a last row),
    and, when a target is out of range, a column saying which and why, and a line above the
    table, so that it never leaves the page unmarked."""
    frame = pd.DataFrame(rows)
    for field in priority.TARGET_FIELDS:
        # A value that is not a number stays empty in the cell; the note column names it.
        frame[field] = pd.to_numeric(frame[field], errors="coerce") if field in frame else None
    problems = priority.check_targets(rows)
    if not problems:
        return frame, report.PLAN_COLUMNS, []
    by_row: dict[str, list[str]] = {}
    for problem in problems:
        by_row.setdefault(problem.kode, []).append(problem.detail())
    frame[CHECK_NOTE] = [" ".join(by_row.get(str(kode), [])) for kode in frame["kode"]]
    columns = report.PLAN_COLUMNS + [exports.Column(CHECK_NOTE, "Catatan pemeriksaan target")]
    note = (
        f"PERHATIAN: {fmt.angka(len(problems))} target di luar rentang belum diperbaiki "
        "(lihat kolom Catatan pemeriksaan target)."
    )
    return frame, columns, [note]
