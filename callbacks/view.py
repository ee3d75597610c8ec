"""The URL is the view's single source of truth: controls, map clicks, the breadcrumb and
search all write the URL; everything else renders from it."""

from __future__ import annotations

from dataclasses import replace

from dash import ALL, Input, Output, ctx, no_update

import ids
from kantong import figures
from kantong.view import View


def next_view(view: View, trigger, value) -> View | None:
    """The view after one user action (None when nothing should change)."""
    if trigger in ("indikator", "klasifikasi", "warna"):
        return replace(view, **{trigger: value}) if value else None
    if trigger == ids.TINGKAT:
        return view.with_level(value) if value else None
    if trigger == ids.PETA:
        kode = figures.clicked_code(value)  # a polygon, or the marker of a nagari without one
        if not kode:
            return None
        return replace(view, profil=kode) if view.tingkat == "desa" else view.open_region(kode)
    if trigger == ids.CARI:
        return view.open_region(value) if value else None
    if isinstance(trigger, dict) and trigger.get("type") in ("jejak", "buka"):
        if not value:  # buttons created by a render, not clicked
            return None
        kode = trigger["kode"]
        if trigger["type"] == "buka" and view.tingkat == "desa" and len(kode) == 13:
            return replace(view, profil=kode)
        return view.open_region(kode)
    return None


def register(app, store) -> None:
    @app.callback(
        Output(ids.URL_PETA, "search"),
        Output(ids.INDIKATOR, "value"),
        Output(ids.TINGKAT, "value"),
        Output(ids.KLASIFIKASI, "value"),
        Output(ids.WARNA, "value"),
        Output(ids.CARI, "value"),
        Input(ids.URL_PETA, "search"),
        Input(ids.INDIKATOR, "value"),
        Input(ids.TINGKAT, "value"),
        Input(ids.KLASIFIKASI, "value"),
        Input(ids.WARNA, "value"),
        Input(ids.PETA, "clickData"),
        Input(ids.CARI, "value"),
        Input({"type": ids.JEJAK, "kode": ALL}, "n_clicks"),
        Input({"type": ids.BUKA, "kode": ALL}, "n_clicks"),
    )
    def sync_view(search, indikator, tingkat, klasifikasi, warna, click, cari, _jejak, _buka):
        snapshot = store.latest()
        view = View.from_query(search, snapshot)
        trigger = ctx.triggered_id
        if trigger is None or trigger == ids.URL_PETA:
            # Page load, reload or back/forward: the URL sets the controls.
            return no_update, view.indikator, view.tingkat, view.klasifikasi, view.warna, no_update
        value = ctx.triggered[0]["value"] if ctx.triggered else None
        new = next_view(view, trigger, value)
        if new is None or new == view:
            return (no_update,) * 6
        tingkat_out = new.tingkat if new.tingkat != tingkat else no_update
        return (
            new.to_query(),
            no_update,
            tingkat_out,
            no_update,
            no_update,
            (None if trigger == ids.CARI else no_update),
        )
