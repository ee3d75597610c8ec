"""Downloads from the map page: the map, the table of its regions, the desil chart."""

from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, dcc
from dash.exceptions import PreventUpdate

import ids
from kantong import exports, gate, render, report
from kantong.view import View


def register(app, store) -> None:
    @app.callback(
        Output(ids.UNDUH_PETA_BERKAS, "data"),
        Input({"type": ids.UNDUH_PETA, "objek": ALL, "format": ALL}, "n_clicks"),
        State(ids.URL_PETA, "search"),
        prevent_initial_call=True,
    )
    def download_view(_clicks, search):
        if not ctx.triggered_id or not ctx.triggered[0]["value"]:
            raise PreventUpdate  # a menu was drawn, not clicked
        objek, format = ctx.triggered_id["objek"], ctx.triggered_id["format"]
        snapshot = store.latest()
        view = View.from_query(search, snapshot)
        if objek == "peta":
            image = render.renderer().render(report.map_print(snapshot, view), format)
            name = report.map_file(snapshot, view, format)
            gate.record("ekspor", view.wilayah, berkas=name)
            return dcc.send_bytes(image.data, name)
        if objek == "desil":
            image = render.renderer().render(report.desil_print(snapshot, view.profil), format)
            name = report.desil_file(snapshot, view.profil, format)
            gate.record("ekspor", view.profil, berkas=name)
            return dcc.send_bytes(image.data, name)
        if objek != "tabel":
            raise PreventUpdate  # no menu offers it
        frame, columns, lines = report.view_table(snapshot, view)
        data = exports.table_bytes(format, "Wilayah", frame, columns, lines)
        name = report.table_file(snapshot, view, format)
        gate.record("ekspor", view.wilayah, berkas=name, baris=len(frame))
        return dcc.send_bytes(data, name)

    @app.callback(Output(ids.MULAI_PRESENTASI, "href"), Input(ids.URL_PETA, "search"))
    def presentation_link(search):
        snapshot = store.latest()
        view = View.from_query(search, snapshot)
        return app.get_relative_path("/presentasi") + f"?indikator={view.indikator}"
