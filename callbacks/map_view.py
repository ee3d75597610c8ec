"""The map and what surrounds it: legend, breadcrumb, title, nagari without polygon, top list."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, Patch, State, html

from etl import indicators
from kantong import figures, fmt, report
from kantong.data import LEVEL_LABEL_SHORT, level_of, parent_codes
from kantong.view import View

TOP_N = 10


def geojson_url(app, snapshot, level: str) -> str:
    # The snapshot id is in the path, so the browser may cache the file for good.
    return app.get_relative_path(f"/geo/{snapshot.id}/{level}.geojson")


def breadcrumb(snapshot, view: View) -> list:
    codes = parent_codes(view.profil) + [view.profil]
    items = []
    for i, kode in enumerate(codes):
        label = _display_name(snapshot, kode)
        if i == len(codes) - 1:
            items.append(html.Span(label, className="fw-semibold", **{"aria-current": "page"}))
        else:
            items.append(html.Button(label, id={"type": "jejak", "kode": kode}, className="btn btn-link btn-sm p-0 align-baseline"))
            items.append(html.Span(" › ", className="text-muted mx-1"))
    return items


def _display_name(snapshot, kode: str) -> str:
    name = snapshot.name(kode)
    return f"Kec. {name}" if level_of(kode) == "kecamatan" else name


def legend(classes: figures.Classes, ind: indicators.Indicator, level: str) -> html.Div:
    rows = [
        html.Div(
            [html.Span(className="swatch", style={"background": colour}), html.Span(label, className="flex-grow-1"),
             html.Span(fmt.angka(n), className="text-muted small ms-2", title=f"jumlah {LEVEL_LABEL_SHORT[level]}")],
            className="d-flex align-items-center legenda-baris",
        )
        for colour, label, n in figures.legend_rows(classes, ind)
    ]
    return html.Div([html.Div(f"{ind.label_pendek} ({ind.satuan})", className="fw-semibold small mb-1")] + rows)


def no_polygon_list(frame, ind) -> html.Div | None:
    missing = frame[~frame["punya_poligon"].astype(bool) & (frame["kk_total"] > 0)]
    if missing.empty:
        return None
    items = [
        html.Li([html.Button(row.nama, id={"type": "buka", "kode": row.kode}, className="btn btn-link btn-sm p-0 align-baseline"),
                 html.Span(f": {fmt.nilai(ind, row.nilai)}", className="small")])
        for row in missing.sort_values("nilai", ascending=ind.arah < 0, na_position="last").itertuples()
    ]
    return dbc.Alert(
        [html.Div(f"{fmt.angka(len(missing))} nagari/desa berpenghuni tanpa poligon (tidak tampil di peta, tetap dihitung):",
                  className="small fw-semibold"),
         html.Ul(items, className="mb-0 small tanpa-poligon-daftar")],
        color="light", className="mb-0 py-2",
    )


def top_list(frame, ind, level: str) -> html.Div:
    ranked = frame.dropna(subset=["nilai"]).sort_values("peringkat").head(TOP_N)
    rows = [
        html.Tr([html.Td(fmt.angka(int(r.peringkat))), html.Td(html.Button(r.nama, id={"type": "buka", "kode": r.kode},
                 className="btn btn-link btn-sm p-0 text-start")), html.Td(fmt.nilai_pendek(ind, r.nilai), className="text-end")])
        for r in ranked.itertuples()
    ]
    return html.Div(
        [
            html.H3(f"{TOP_N} {LEVEL_LABEL_SHORT[level]} teratas", className="h6"),
            html.Div(ind.label, className="small text-muted mb-1"),
            dbc.Table([html.Thead(html.Tr([html.Th("#"), html.Th("Wilayah"), html.Th(ind.satuan, className="text-end")])),
                       html.Tbody(rows)], size="sm", hover=True, className="mb-0 peringkat"),
        ]
    )


def register(app, store) -> None:
    # Fit the view to the map's real size whenever new regions are drawn (assets/kantong/peta.js).
    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="fit"),
        Output("peta-pas", "data"),
        Input("peta-tampil", "data"),
        State("peta", "figure"),
    )

    @app.callback(
        Output("peta", "figure"),
        Output("peta-tampil", "data"),
        Output("legenda", "children"),
        Output("jejak", "children"),
        Output("judul-peta", "children"),
        Output("tanpa-poligon", "children"),
        Output("peringkat", "children"),
        Input("url-peta", "search"),
        State("peta-tampil", "data"),
    )
    def render_map(search, shown):
        snapshot = store.latest()
        view = View.from_query(search, snapshot)
        ind = indicators.get(view.indikator)
        frame, classes = report.view_classes(snapshot, view)
        outline = [view.profil] if level_of(view.profil) == view.tingkat else []
        key = {"snapshot": snapshot.id, "tingkat": view.tingkat, "wilayah": view.wilayah}
        if shown == key:
            # Same regions on screen: send only the values, classes and colours.
            figure = Patch()
            for name, value in figures.map_values(frame, classes, ind).items():
                figure["data"][0][name] = value
            figure["data"][1]["locations"] = outline
            figure["data"][1]["z"] = [0] * len(outline)
        else:
            figure = figures.map_figure(frame, classes, ind, geojson_url(app, snapshot, view.tingkat), outline=outline)
        scope = "Sumatera Barat" if level_of(view.wilayah) == "provinsi" else _display_name(snapshot, view.wilayah)
        title = f"{ind.label} per {LEVEL_LABEL_SHORT[view.tingkat]}, {scope}"
        return (figure, key, legend(classes, ind, view.tingkat), breadcrumb(snapshot, view), title,
                no_polygon_list(frame, ind), top_list(frame, ind, view.tingkat))
