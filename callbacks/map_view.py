"""The map and what surrounds it: legend, breadcrumb, title, nagari without polygon, top list."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, Patch, State, html

import ids
from etl import config, indicators
from kantong import data, figures, fmt, map_preview, report
from kantong import view as view_module
from kantong.data import LEVEL_LABEL_SHORT, SnapshotCache, code_fingerprint, level_of
from kantong.view import View

TOP_N = 10


def geojson_url(app, snapshot, level: str) -> str:
    # The snapshot id is in the path, so the browser may cache the file for good.
    return app.get_relative_path(f"/geo/{snapshot.id}/{level}.geojson")


def breadcrumb(snapshot, view: View) -> list:
    codes = snapshot.parents(view.profil) + [view.profil]
    items = []
    for i, kode in enumerate(codes):
        label = _display_name(snapshot, kode)
        if i == len(codes) - 1:
            items.append(html.Span(label, className="fw-semibold", **{"aria-current": "page"}))
        else:
            items.append(
                html.Button(
                    label, id={"type": ids.JEJAK, "kode": kode}, className="btn btn-link btn-sm p-0 align-baseline"
                )
            )
            items.append(html.Span(" › ", className="text-muted mx-1"))
    return items


def _display_name(snapshot, kode: str) -> str:
    name = snapshot.name(kode)
    return f"Kec. {name}" if level_of(kode) == "kecamatan" else name


def legend(classes: figures.Classes, ind: indicators.Indicator, level: str, approximate: int = 0) -> html.Div:
    """The map's legend; `approximate` nagari without a polygon are drawn as markers."""
    rows = [
        html.Div(
            [
                html.Span(className="swatch", style={"background": colour}),
                html.Span(label, className="flex-grow-1"),
                html.Span(fmt.angka(n), className="text-muted small ms-2", title=f"jumlah {LEVEL_LABEL_SHORT[level]}"),
            ],
            className="d-flex align-items-center legenda-baris",
        )
        for colour, label, n in figures.legend_rows(classes, ind)
    ]
    if approximate:
        rows.append(
            html.Div(
                [
                    html.Span(className="swatch swatch-titik", **{"aria-hidden": "true"}),
                    html.Span(
                        "Titik: nagari tanpa poligon, lokasi perkiraan di dalam kecamatannya (warna = kelasnya)",
                        className="flex-grow-1",
                    ),
                    html.Span(fmt.angka(approximate), className="text-muted small ms-2", title="jumlah nagari/desa"),
                ],
                className="d-flex align-items-center legenda-baris legenda-titik",
            )
        )
    note = figures.class_warning(classes)
    parts = [html.Div(f"{ind.label_pendek} ({ind.satuan})", className="fw-semibold small mb-1")] + rows
    if note:
        parts.append(html.Div(note, className="small legenda-peringatan mt-1", role="note"))
    return html.Div(parts)


def no_polygon_list(frame, ind) -> html.Div | None:
    """Populated nagari that are on the map neither as a polygon nor as a marker (their
    kecamatan has no polygon either): listed, so they stay one click away."""
    missing = frame[~frame["punya_poligon"].astype(bool) & (frame["kk_total"] > 0) & ~figures.approximate_mask(frame)]
    if missing.empty:
        return None
    items = [
        html.Li(
            [
                html.Button(
                    row.nama,
                    id={"type": ids.BUKA, "kode": row.kode},
                    className="btn btn-link btn-sm p-0 align-baseline",
                ),
                html.Span(f": {fmt.nilai(ind, row.nilai)}", className="small"),
            ]
        )
        for row in missing.sort_values("nilai", ascending=ind.arah < 0, na_position="last").itertuples()
    ]
    return dbc.Alert(
        [
            html.Div(
                f"{fmt.angka(len(missing))} nagari/desa berpenghuni tanpa poligon dan tanpa lokasi perkiraan "
                "(tidak tampil di peta, tetap dihitung):",
                className="small fw-semibold",
            ),
            html.Ul(items, className="mb-0 small tanpa-poligon-daftar"),
        ],
        color="light",
        className="mb-0 py-2",
    )


def top_title(ind: indicators.Indicator, level: str, n: int = TOP_N) -> str:
    """The top list's title: the highest need first, which for an indicator where more is
    better (bansos coverage) is the lowest value."""
    return f"{n} {LEVEL_LABEL_SHORT[level]} " + ("terendah" if ind.arah < 0 else "tertinggi")


def top_list(frame, ind, level: str) -> html.Div:
    ranked = frame.dropna(subset=["nilai"])
    if not ind.is_rate and ind.arah > 0:
        # A count of 0 is no "highest": listed, ten nagari with nothing read as ten with a need.
        ranked = ranked[ranked["nilai"] > 0]
    ranked = ranked.sort_values("peringkat").head(TOP_N)
    basis = indicators.get(ind.penyebut) if ind.is_rate else None
    rows = [
        html.Tr(
            [
                html.Td(fmt.angka(int(r.peringkat))),
                html.Td(
                    html.Button(
                        r.nama, id={"type": ids.BUKA, "kode": r.kode}, className="btn btn-link btn-sm p-0 text-start"
                    )
                ),
                html.Td(fmt.nilai_pendek(ind, r.nilai), className="text-end"),
            ]
            # A rate with the count it rests on: 100% of 2 families is not 100% of 900.
            + ([html.Td(fmt.angka(getattr(r, ind.penyebut)), className="text-end text-muted")] if basis else [])
        )
        for r in ranked.itertuples()
    ]
    head = [html.Th("#"), html.Th("Wilayah"), html.Th(ind.satuan, className="text-end")]
    if basis:
        head.append(html.Th(f"dari {basis.label_pendek}", className="text-end", title=basis.label))
    table = (
        dbc.Table([html.Thead(html.Tr(head)), html.Tbody(rows)], size="sm", hover=True, className="mb-0 peringkat")
        if rows
        else html.P(f"Tidak ada {LEVEL_LABEL_SHORT[level]} dengan nilai di atas 0.", className="small mb-0")
    )
    note = (
        [
            html.Div(
                f"Hanya {fmt.angka(len(rows))} {LEVEL_LABEL_SHORT[level]} dengan nilai di atas 0.",
                className="small text-muted mt-1",
            )
        ]
        if rows and len(rows) < TOP_N and len(frame.dropna(subset=["nilai"])) > len(rows)
        else []
    )
    return html.Div(
        [html.H3(top_title(ind, level), className="h6"), html.Div(ind.label, className="small text-muted mb-1"), table]
        + note
    )


def view_pieces(app, snapshot, view: View) -> dict:
    """What the map callback sends for a view, apart from the whole figure, the profile's
    outline and the breadcrumb: the map's per-indicator values (all a Patch needs), legend,
    title, nagari without polygon and the top list. It depends only on the snapshot and
    the view's level, wilayah, indicator, classification and colours."""
    ind = indicators.get(view.indikator)
    frame, classes = report.view_classes(snapshot, view)
    return {
        "values": figures.map_values(frame, classes, ind),
        "markers": figures.marker_values(frame, classes, ind),
        "marker_codes": figures.marker_codes(frame),
        "legend": legend(classes, ind, view.tingkat, approximate=len(figures.marker_codes(frame))),
        "title": map_title(snapshot, view),
        "missing": no_polygon_list(frame, ind),
        "top": top_list(frame, ind, view.tingkat),
    }


def map_title(snapshot, view: View) -> str:
    ind = indicators.get(view.indikator)
    return f"{ind.label} per {LEVEL_LABEL_SHORT[view.tingkat]}, {_display_name(snapshot, view.wilayah)}"


def view_figure(app, snapshot, view: View) -> dict:
    """The whole map of a view, without outline (as plain JSON-ready data)."""
    frame, classes = report.view_classes(snapshot, view)
    ind = indicators.get(view.indikator)
    return figures.map_figure(frame, classes, ind, geojson_url(app, snapshot, view.tingkat)).to_plotly_json()


def with_outline(figure: dict, outline: list[str]) -> dict:
    """A copy of a cached figure with the profile's region outlined (figures.OUTLINE_TRACES
    and, for a nagari drawn as a marker, its ring); the cached figure itself is never changed."""
    data = list(figure["data"])
    figures.set_outline(data, outline, list(data[figures.HALO_TRACE].get("ids") or []))
    return {**figure, "data": data}


def pieces_cache(work_dir) -> SnapshotCache | None:
    """The map pieces of every view (and the profile of the first view), shared by the
    server's workers (work_dir/peta). Keyed by snapshot id and a fingerprint of the code
    that computes them, so a new snapshot or a new version of the app starts afresh."""
    if work_dir is None:
        return None
    from callbacks import profile

    version = code_fingerprint(
        sys.modules[__name__], profile, figures, map_preview, report, fmt, data, view_module, indicators, config
    )
    return SnapshotCache(Path(work_dir) / "peta", version=version)


def _cached(cache: SnapshotCache | None, snapshot, view: View, kind: str, compute):
    params = (kind, view.tingkat, view.wilayah, view.indikator, view.klasifikasi, view.warna, config.MIN_PENYEBUT)
    return cache.get(snapshot, params, compute) if cache is not None else compute()


def pieces_for(app, snapshot, view: View, cache: SnapshotCache | None) -> dict:
    return _cached(cache, snapshot, view, "potongan", lambda: view_pieces(app, snapshot, view))


def figure_for(app, snapshot, view: View, cache: SnapshotCache | None) -> dict:
    return _cached(cache, snapshot, view, "peta", lambda: view_figure(app, snapshot, view))


def preview_gzip(snapshot, view: View, cache: SnapshotCache | None) -> bytes | None:
    """The map of a view as a picture (kantong.map_preview), gzip-compressed, shown until
    the interactive map is ready; the chosen region's outline is drawn on it as on the map."""

    def compute():
        frame, classes = report.view_classes(snapshot, view)
        box = figures.bounding_box(frame)
        if box is None:
            return None
        decimals = map_preview.decimals_for(box)
        paths = snapshot.compact_paths(view.tingkat, decimals)
        svg = map_preview.preview_svg(frame, classes, paths, decimals, map_title(snapshot, view), outline_of(view))
        return gzip.compress(svg.encode("utf-8"), 6) if svg else None

    # The outline is part of the picture, so the chosen region is part of the key.
    return _cached(cache, snapshot, view, "pratinjau:" + ",".join(outline_of(view)), compute)


def preview_url(app, snapshot, search: str | None) -> str:
    return app.get_relative_path(f"/peta-awal/{snapshot.id}.svg") + (search or "")


def shown_key(snapshot, view: View) -> dict:
    """Which regions the map shows: the same key means only values and colours change."""
    return {"snapshot": snapshot.id, "tingkat": view.tingkat, "wilayah": view.wilayah}


def outline_of(view: View) -> list[str]:
    return [view.profil] if level_of(view.profil) == view.tingkat else []


def first_view(app, snapshot, search: str | None, cache: SnapshotCache | None) -> dict:
    """Everything the map page shows for the view in the address, for its layout: the map's
    callbacks then have nothing to do on a first load (the browser draws the map as soon as
    plotly.js is there), and the profile, the presentation link and the figure all match."""
    from callbacks import profile

    view = View.from_query(search, snapshot)
    pieces = pieces_for(app, snapshot, view, cache)
    compute_profile = lambda: profile.profile(snapshot, view)
    profile_key = ("profil", view.profil, view.indikator, config.MIN_PENYEBUT)
    return {
        "figure": with_outline(figure_for(app, snapshot, view, cache), outline_of(view)),
        "shown": shown_key(snapshot, view),
        "legend": pieces["legend"],
        "breadcrumb": breadcrumb(snapshot, view),
        "title": pieces["title"],
        "missing": pieces["missing"],
        "top": pieces["top"],
        "profile": cache.get(snapshot, profile_key, compute_profile) if cache is not None else compute_profile(),
        "presentation": app.get_relative_path("/presentasi") + f"?indikator={view.indikator}",
        "preview": preview_url(app, snapshot, search),
    }


def register(app, store, cache: SnapshotCache | None = None) -> None:
    """`cache` (see pieces_cache) shares each view's pieces between requests and workers;
    without it every request computes them."""
    # Fit the view to the map's real size whenever new regions are drawn (assets/kantong/peta.js).
    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="fit"),
        Output(ids.PETA_PAS, "data"),
        Input(ids.PETA_TAMPIL, "data"),
        State(ids.PETA, "figure"),
    )

    @app.callback(
        Output(ids.PETA, "figure"),
        Output(ids.PETA_TAMPIL, "data"),
        Output(ids.LEGENDA, "children"),
        Output(ids.JEJAK, "children"),
        Output(ids.JUDUL_PETA, "children"),
        Output(ids.TANPA_POLIGON, "children"),
        Output(ids.PERINGKAT, "children"),
        Input(ids.URL_PETA, "search"),
        State(ids.PETA_TAMPIL, "data"),
        prevent_initial_call=True,  # the page's layout holds the first view (first_view)
    )
    def render_map(search, shown):
        snapshot = store.latest()
        view = View.from_query(search, snapshot)
        pieces = pieces_for(app, snapshot, view, cache)
        outline = outline_of(view)
        key = shown_key(snapshot, view)
        if shown == key:
            # Same regions on screen: send only the values, classes and colours.
            figure = Patch()
            for name, value in pieces["values"].items():
                figure["data"][figures.VALUE_TRACE][name] = value
            for name, value in pieces["markers"].items():
                figure["data"][figures.MARKER_TRACE][name] = value
            figures.set_outline(figure["data"], outline, pieces["marker_codes"])
        else:
            figure = with_outline(figure_for(app, snapshot, view, cache), outline)
        return (
            figure,
            key,
            pieces["legend"],
            breadcrumb(snapshot, view),
            pieces["title"],
            pieces["missing"],
            pieces["top"],
        )
