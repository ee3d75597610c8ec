"""Perbandingan rilis: the controls -> the comparison (kantong.comparisons, within the
asker's scope) -> the map (kantong.figures_banding), the tables and the downloads.

Two callbacks draw the page: one what depends on the pair of releases and the region (the
headline, the transitions, the desil matrix, the unmatched codes), one what depends on the
indicator too (the map, its legend, the per-region changes). The first of them to ask for
a pair computes it (a few seconds for a whole province; the other waits for it); later asks
are read from the comparison store's cache.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

import ids
from callbacks.errors import message_figure
from callbacks.map_view import geojson_url
from etl import indicators
from kantong import comparisons, exports, figures, fmt, gate, render, report
from kantong import figures_banding as fb
from kantong.comparisons import ComparisonError, ComparisonView
from kantong.data import LEVEL_LABEL_SHORT, SnapshotNotFound
from kantong.view import DEFAULT_INDICATOR
from layouts import perbandingan as layout

CONTROLS = (ids.BANDING_A, ids.BANDING_B, ids.BANDING_INDIKATOR, ids.BANDING_TINGKAT, ids.BANDING_WILAYAH)
_KK = indicators.get("kk_total")  # for the change in families, written as the map writes a count


def _view(a, b, indikator, tingkat, wilayah) -> ComparisonView:
    """The controls as a view (their values are checked again when the comparison is read)."""
    return ComparisonView(
        a=a or None,
        b=b or None,
        indikator=indikator if indikator in indicators.IDS else DEFAULT_INDICATOR,
        tingkat=tingkat if tingkat in ("kabkota", "kecamatan", "desa") else "kabkota",
        # The province's own code (the drop-down's first entry) is no kab/kota: the whole province.
        wilayah=wilayah if comparisons.KABKOTA_CODE.fullmatch(wilayah or "") else None,
    )


def load(services, view: ComparisonView) -> tuple[comparisons.ComparisonResult, ComparisonView]:
    """The comparison of the view's pair as the person asking may see it, and the view with
    its region checked against their scope."""
    if services.comparisons is None:
        raise ComparisonError("Perbandingan rilis tidak tersedia di server ini.")
    if not view.a or not view.b:
        raise ComparisonError("Pilih rilis A dan rilis B.")
    principal = services.store.principal()
    scope = None if principal is None or principal.sees_all else principal.wilayah
    result = services.comparisons.result(view.a, view.b, scope)
    wilayah = comparisons.checked_wilayah(result, view.wilayah, principal)
    return result, ComparisonView(view.a, view.b, view.indikator, view.tingkat, wilayah)


def _dates(services) -> dict[str, str]:
    return {r.nama: r.tanggal_referensi for r in services.comparisons.comparable()}


def _release_text(nama: str, dates: dict[str, str]) -> str:
    date = dates.get(nama)
    return f"{nama} (tanggal referensi {fmt.tanggal(date)})" if date else nama


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows for a grid: NaN as empty."""
    out = frame[columns].astype(object)
    return out.where(out.notna(), None).to_dict("records")


def _alert(text: str, colour: str = "warning") -> dbc.Alert:
    return dbc.Alert(text, color=colour, className="small py-2 mb-2")


# ----------------------------------------------------------------------------- the headline


def _tile(label: str, value: str, note: str | None = None) -> dbc.Col:
    return dbc.Col(
        html.Div(
            [html.Div(label, className="small text-muted"), html.Div(value, className="fw-semibold")]
            + ([html.Div(note, className="small text-muted")] if note else []),
            className="tile",
        ),
        xs=6,
        className="mb-1",
    )


def headline_block(result, view: ComparisonView, dates: dict[str, str]) -> html.Div:
    """Families in A and B, stayed, new and left; what became of A's desil-1 families."""
    top = comparisons.headline(result, view.wilayah)
    change = top.keluarga_b - top.keluarga_a
    notes = []
    if dates.get(view.a, "") > dates.get(view.b, ""):
        notes.append(_alert("Rilis A lebih baru daripada rilis B: perubahan dibaca sebagai B − A.", "info"))
    failed = comparisons.invariant_failures(result)
    if failed:
        notes.append(
            _alert("Pemeriksaan konsistensi perbandingan gagal (" + ", ".join(failed) + "); laporkan ke admin.")
        )
    # Families in both releases counted where they live in B; some lived elsewhere in A.
    moved = top.tetap_asal - top.tetap
    moved_note = (
        f"pindah antarwilayah: bersih {fmt.angka(abs(moved))} {'keluar' if moved > 0 else 'masuk'}" if moved else None
    )
    d1 = [
        html.Li(f"masuk DTKS: {fmt.angka(top.d1_masuk_dtks)}"),
        html.Li(f"mulai menerima bansos: {fmt.angka(top.d1_mulai_bansos)}"),
        html.Li(
            [
                f"keluar dari desil 1: {fmt.angka(top.d1_keluar_desil_1)} ",
                html.Span(f"({comparisons.GRADUASI_NOTE})", className="text-muted"),
            ]
        ),
    ]
    return html.Div(
        notes
        + [
            html.Div(
                [
                    html.B(top.nama),
                    f": rilis A {_release_text(view.a, dates)} → rilis B {_release_text(view.b, dates)}",
                ],
                className="small mb-1",
            ),
            dbc.Row(
                [
                    _tile("Keluarga P3KE rilis A", fmt.angka(top.keluarga_a)),
                    _tile(
                        "Keluarga P3KE rilis B",
                        fmt.angka(top.keluarga_b),
                        f"{fb.signed(float(change), _KK)} KK" if change else "sama dengan rilis A",
                    ),
                    _tile("Tetap (di kedua rilis)", fmt.angka(top.tetap), moved_note),
                    _tile("Baru / keluar", f"{fmt.angka(top.baru)} / {fmt.angka(top.keluar)}"),
                ],
                className="g-1",
            ),
            html.Div(
                [
                    html.Div(
                        f"Keluarga desil 1 rilis A: {fmt.angka(top.d1_a)}; yang ada di kedua rilis: "
                        f"{fmt.angka(top.d1_tetap)}, di antaranya",
                        className="small mt-1",
                    ),
                    html.Ul(d1, className="small mb-1 ps-3"),
                    html.Div(
                        f"Keluarga desil 2–4 yang menjadi desil 1: {fmt.angka(top.masuk_desil_1)}",
                        className="small",
                    ),
                ]
            ),
            html.Div(_crosswalk_line(result), className="form-text mt-1"),
        ]
    )


def _crosswalk_line(result) -> str:
    padanan = result.ringkasan.get("padanan", {})
    if not padanan.get("berkas"):
        return "Tanpa tabel padanan kode: nagari dicocokkan menurut kodenya."
    return (
        f"Tabel padanan kode {padanan['berkas']}: {fmt.angka(padanan.get('baris_dipakai', 0))} baris dipakai, "
        f"{fmt.angka(padanan.get('baris_kode_baru_tidak_ada', 0))} baris kode barunya tidak ada di rilis B."
    )


# ----------------------------------------------------------------------------- the map


def _regions(services, result, view: ComparisonView):
    """The view's regions with their changes and places in release B (as the asker may see
    it), their classes, B's snapshot and the name of the area shown."""
    changes = comparisons.region_changes(result, view.tingkat, view.indikator, view.wilayah)
    snapshot = comparisons.snapshot_of(services.store, view.b)
    frame = fb.map_frame(changes, snapshot.table(view.tingkat))
    scale = fb.scale_for(frame, indicators.get(view.indikator))
    area = comparisons.headline(result, view.wilayah if view.tingkat != "kabkota" else None).nama
    return changes, frame, scale, snapshot, area


def map_view(services, result, view: ComparisonView) -> dict:
    """The map of the view and what goes with it: legend, title, note, the changes table."""
    ind = indicators.get(view.indikator)
    changes, frame, scale, snapshot, area = _regions(services, result, view)
    level = LEVEL_LABEL_SHORT[view.tingkat]
    figure = fb.change_map(
        frame,
        scale,
        ind,
        geojson_url(services.app, snapshot, view.tingkat),
        (view.a, view.b),
        uirevision=f"{view.tingkat}/{view.wilayah}",
    )
    missing = int((~frame["di_peta"]).sum())
    unplaced = int((frame["di_peta"] & ~frame["punya_poligon"] & ~figures.approximate_mask(frame)).sum())
    note = []
    if missing:
        note.append(f"{fmt.angka(missing)} {level} yang tidak ada di rilis B tidak tampil di peta (ada di tabel).")
    if unplaced:
        note.append(f"{fmt.angka(unplaced)} {level} tanpa poligon dan tanpa lokasi perkiraan (ada di tabel).")
    changes = changes.assign(
        perubahan_teks=[fb.signed(v, ind) for v in changes["perubahan"]],
        kecil_label=np.where(changes["kecil"] & changes["sebanding"], "ya", ""),
    )
    # Nagari of one kab/kota need not name it on every row.
    grid_columns = layout.change_columns(view.tingkat, ind, parent=view.wilayah is None)
    columns = [c["field"] for c in grid_columns] + ["perubahan_teks"]
    return {
        "figure": figure,
        "legend": layout.legend(fb.legend_rows(scale, ind), fb.legend_title(ind), fb.legend_notes(scale), level),
        "title": f"{ind.label}: perubahan per {level}, {area}",
        "note": " ".join(note),
        "rows": _records(changes, columns),
        "columns": grid_columns,
    }


def print_figure(services, result, view: ComparisonView):
    """The view's map for PNG, SVG and PDF, with title, releases and source; and the name of
    the area it shows."""
    ind = indicators.get(view.indikator)
    _, frame, scale, snapshot, area = _regions(services, result, view)
    dates = _dates(services)
    inside = view.wilayah if view.tingkat != "kabkota" and view.wilayah else str(snapshot.akar["kode"])
    context = []
    if inside != str(snapshot.akar["kode"]):
        context = [o for kode, o in snapshot.outlines("kabkota").items() if kode != inside]
    text = figures.PrintText(
        title=f"Perubahan {ind.label}: {area}",
        subtitle=f"Rilis {_release_text(view.a, dates)} → rilis {_release_text(view.b, dates)} · "
        f"per {LEVEL_LABEL_SHORT[view.tingkat]}",
        source=f"Sumber: P3KE (Kemenko PMK) dan DTKS (Kemensos), rilis {view.a} dan {view.b}; perubahan = B − A "
        f"({comparisons.change_unit(ind)}); angka kecil: {comparisons.SMALL_NOTE}. "
        f"Diolah {report.publisher(snapshot)} (Kantong).",
    )
    outlines = report.outlines_for(snapshot, view.tingkat, inside)
    return fb.print_change_map(frame, scale, ind, outlines, text, context=context), area


# ----------------------------------------------------------------------------- callbacks


# Fit the map to its regions at the size it really has: the server's view is a guess for a
# map of about 560 x 480 px. Once plotly has drawn a figure, a view that is still the
# figure's own is replaced by the fitted one (MapLibre's jumpTo, written into plotly's layout
# as assets/kantong/peta.js does for the main map: no redraw of the regions); a view the user
# zoomed, which plotly keeps through an indicator change (uirevision), is left alone.
# `data-kantong-fit` tells tests the view is settled.
FIT_MAP = """
function (figure) {
    const noUpdate = window.dash_clientside.no_update;
    const map = figure && figure.layout && figure.layout.map;
    const bbox = figure && figure.layout && figure.layout.meta && figure.layout.meta.bbox;
    if (!bbox || !map || !map.center) { return noUpdate; }
    const wanted = JSON.stringify(bbox);
    const started = Date.now();
    const attempt = function () {
        const gd = document.querySelector('#%(map)s .js-plotly-plot');
        const full = gd && gd._fullLayout && gd._fullLayout.map;
        const sub = full && full._subplot;
        const ready = sub && sub.map && sub.traceHash && Object.keys(sub.traceHash).length > 0
            && JSON.stringify((gd.layout.meta || {}).bbox) === wanted && !gd.classList.contains('dash-graph--pending');
        if (!ready) {
            if (Date.now() - started < 60000) { setTimeout(attempt, 40); }
            return;
        }
        const guess = full.zoom === map.zoom && full.center.lon === map.center.lon && full.center.lat === map.center.lat;
        const cam = guess && sub.map.cameraForBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], {padding: 12});
        if (cam) {
            full.center = {lon: cam.center.lng, lat: cam.center.lat};
            full.zoom = cam.zoom;
            if (full._input) { full._input.center = Object.assign({}, full.center); full._input.zoom = cam.zoom; }
            sub.map.jumpTo({center: cam.center, zoom: cam.zoom});
        }
        gd.setAttribute('data-kantong-fit', wanted);
    };
    attempt();
    return noUpdate;
}
""" % {"map": ids.BANDING_PETA}


def register(services) -> None:
    app = services.app
    controls = [Input(c, "value") for c in CONTROLS]
    states = [State(c, "value") for c in CONTROLS]

    app.clientside_callback(FIT_MAP, Output(ids.BANDING_PAS, "data"), Input(ids.BANDING_PETA, "figure"))

    @app.callback(Output(ids.BANDING_URL, "search"), *controls, prevent_initial_call=True)
    def keep_address(a, b, indikator, tingkat, wilayah):
        # The view in the address, so it can be bookmarked and shared.
        return _view(a, b, indikator, tingkat, wilayah).to_query()

    @app.callback(
        Output(ids.BANDING_RINGKASAN, "children"),
        Output(ids.BANDING_GRID_TRANSISI, "rowData"),
        Output(ids.BANDING_GRID_TRANSISI, "columnDefs"),
        Output(ids.BANDING_TRANSISI_JUDUL, "children"),
        Output(ids.BANDING_MATRIKS, "children"),
        Output(ids.BANDING_TIDAK_COCOK, "children"),
        Input(ids.BANDING_A, "value"),
        Input(ids.BANDING_B, "value"),
        Input(ids.BANDING_TINGKAT, "value"),
        Input(ids.BANDING_WILAYAH, "value"),
    )
    def show_pair(a, b, tingkat, wilayah):
        try:
            result, view = load(services, _view(a, b, None, tingkat, wilayah))
        except ComparisonError as err:
            return _alert(str(err)), [], layout.transition_columns(tingkat or "kabkota"), None, None, None
        transitions = comparisons.region_transitions(result, view.tingkat, view.wilayah)
        columns = layout.transition_columns(view.tingkat)
        matrix, covers = comparisons.desil_matrix(result, view.wilayah)
        title = f"Transisi keluarga per {LEVEL_LABEL_SHORT[view.tingkat]}"
        if covers:
            title_matrix = comparisons.headline(result, covers).nama
            matrix_block = html.Div([html.Div(title_matrix, className="small mb-1"), layout.matrix_table(matrix, a, b)])
        else:
            matrix_block = layout.matrix_table(matrix, a, b)
        return (
            headline_block(result, view, _dates(services)),
            _records(transitions, [c["field"] for c in columns]),
            columns,
            title,
            matrix_block,
            layout.unmatched_table(result.tidak_cocok),
        )

    @app.callback(
        Output(ids.BANDING_PETA, "figure"),
        Output(ids.BANDING_LEGENDA, "children"),
        Output(ids.BANDING_JUDUL, "children"),
        Output(ids.BANDING_PETA_CATATAN, "children"),
        Output(ids.BANDING_GRID_PERUBAHAN, "rowData"),
        Output(ids.BANDING_GRID_PERUBAHAN, "columnDefs"),
        Output(ids.BANDING_PERUBAHAN_JUDUL, "children"),
        *controls,
    )
    def show_values(a, b, indikator, tingkat, wilayah):
        try:
            result, view = load(services, _view(a, b, indikator, tingkat, wilayah))
            drawn = map_view(services, result, view)
        except (ComparisonError, SnapshotNotFound) as err:
            text = str(err) if isinstance(err, ComparisonError) else f"Rilis {b} tidak ditemukan."
            return message_figure(text, "-"), None, layout.TITLE, None, [], [], "Perubahan per wilayah"
        level = LEVEL_LABEL_SHORT[view.tingkat]
        return (
            drawn["figure"],
            drawn["legend"],
            drawn["title"],
            drawn["note"],
            drawn["rows"],
            drawn["columns"],
            f"Perubahan {indicators.get(view.indikator).label_pendek} per {level}",
        )

    @app.callback(
        Output(ids.BANDING_WILAYAH, "value"),
        Output(ids.BANDING_TINGKAT, "value"),
        Input(ids.BANDING_PETA, "clickData"),
        State(ids.BANDING_TINGKAT, "value"),
        prevent_initial_call=True,
    )
    def drill_down(click, tingkat):
        # A click on a kab/kota opens its nagari; anything else changes nothing.
        kode = figures.clicked_code(click)
        principal = services.store.principal()
        if tingkat != "kabkota" or not kode or not comparisons.KABKOTA_CODE.fullmatch(kode):
            raise PreventUpdate
        if principal is not None and not principal.in_full(kode):
            raise PreventUpdate  # another kab/kota: its nagari are outside the scope
        return kode, "desa"

    @app.callback(
        Output(ids.BANDING_UNDUH_TABEL_BERKAS, "data"),
        Input({"type": ids.BANDING_UNDUH_TABEL, "objek": ALL, "format": ALL}, "n_clicks"),
        *states,
        prevent_initial_call=True,
    )
    def download_tables(_clicks, a, b, indikator, tingkat, wilayah):
        if not ctx.triggered_id or not ctx.triggered[0]["value"]:
            raise PreventUpdate  # a menu was drawn, not clicked
        result, view = load(services, _view(a, b, indikator, tingkat, wilayah))
        snapshot = comparisons.snapshot_of(services.store, view.b)
        area = comparisons.headline(result, view.wilayah).nama
        source = (
            f"Sumber: P3KE (Kemenko PMK) dan DTKS (Kemensos), rilis {view.a} dan {view.b}; "
            f"diolah {report.publisher(snapshot)} (Kantong)."
        )
        data = comparisons.workbook(result, view, source)
        name = comparisons.workbook_name(result, view, area)
        rows = len(comparisons.region_changes(result, view.tingkat, view.indikator, view.wilayah))
        gate.record("ekspor", view.wilayah or result.wilayah, berkas=name, baris=rows)
        return dcc.send_bytes(data, name)

    @app.callback(
        Output(ids.BANDING_UNDUH_PETA_BERKAS, "data"),
        Input({"type": ids.BANDING_UNDUH_PETA, "objek": ALL, "format": ALL}, "n_clicks"),
        *states,
        prevent_initial_call=True,
    )
    def download_map(_clicks, a, b, indikator, tingkat, wilayah):
        if not ctx.triggered_id or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        format = ctx.triggered_id["format"]
        if format not in render.FORMATS:
            raise PreventUpdate
        result, view = load(services, _view(a, b, indikator, tingkat, wilayah))
        figure, area = print_figure(services, result, view)
        image = render.renderer().render(figure, format)
        name = exports.file_name("peta-perubahan", view.indikator, area, f"{view.a}-ke-{view.b}", ext=format)
        gate.record("ekspor", view.wilayah or result.wilayah, berkas=name)
        return dcc.send_bytes(image.data, name)
