"""The page: controls on the left, the map in the middle, the region profile on the right."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from etl import indicators
from kantong.data import LEVEL_LABEL
from kantong.view import CLASSIFICATIONS, PALETTES

MAP_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
}


IMAGE_FORMATS = ("png", "svg", "pdf")
TABLE_FORMATS = ("xlsx", "csv")
FORMAT_LABEL = {"png": "PNG (gambar, resolusi 2×)", "svg": "SVG (vektor)", "pdf": "PDF",
                "xlsx": "Excel (.xlsx)", "csv": "CSV (pemisah koma)"}


def download_menu(kind: str, sections: list[tuple[str, str, tuple[str, ...]]], label: str = "Unduh",
                  align_end: bool = True) -> dbc.DropdownMenu:
    """One "Unduh" menu; each section is (object, heading, formats). Item ids carry the
    object and the format, so one callback per page serves every download."""
    items = []
    for i, (objek, heading, formats) in enumerate(sections):
        if i:
            items.append(dbc.DropdownMenuItem(divider=True))
        items.append(dbc.DropdownMenuItem(heading, header=True))
        items += [dbc.DropdownMenuItem(FORMAT_LABEL[f], id={"type": kind, "objek": objek, "format": f}) for f in formats]
    return dbc.DropdownMenu(items, label=label, size="sm", color="secondary", align_end=align_end, className="unduh-menu")


def indicator_options() -> list[dict]:
    options = []
    for group in dict.fromkeys(i.kelompok for i in indicators.INDICATORS):
        for ind in indicators.INDICATORS:
            if ind.kelompok == group:
                options.append({"label": ind.label, "value": ind.kolom, "title": ind.definisi,
                                "search": f"{ind.label} {ind.kolom} {group}"})
    return options


def _field(label: str, control, help_text: str | None = None) -> html.Div:
    return html.Div(
        [dbc.Label(label, className="fw-semibold small mb-1"), control]
        + ([html.Div(help_text, className="form-text")] if help_text else []),
        className="mb-3",
    )


def controls() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                _field(
                    "Cari wilayah",
                    dcc.Dropdown(id="cari", options=[], placeholder="Nama nagari, kecamatan atau kab/kota…",
                                 searchable=True, clearable=True,
                                 labels={"search": "Cari", "no_options_found": "Tidak ditemukan"}),
                ),
                _field("Indikator", dcc.Dropdown(id="indikator", options=indicator_options(), clearable=False,
                                                 searchable=True, optionHeight=50)),
                _field(
                    "Tingkat peta",
                    dbc.RadioItems(
                        id="tingkat",
                        options=[{"label": LEVEL_LABEL[k] if k != "desa" else "Nagari/desa", "value": k}
                                 for k in ("kabkota", "kecamatan", "desa")],
                    ),
                ),
                _field("Klasifikasi", dbc.Select(id="klasifikasi", options=[{"label": v, "value": k} for k, v in CLASSIFICATIONS.items()])),
                _field("Skema warna", dbc.Select(id="warna", options=[{"label": v[0], "value": k} for k, v in PALETTES.items()])),
                html.Div(id="legenda", className="legenda"),
            ]
        ),
        className="h-100 shadow-sm",
    )


PAGES = (("/", "Peta"), ("/prioritas", "Prioritas & target"), ("/rakor", "Paket Rakor"), ("/metodologi", "Metodologi"))


def shell() -> html.Div:
    """What every page has: the URL, the navigation bar with the snapshot, the source line."""
    return html.Div(
        id="akar",
        children=[
            dcc.Location(id="url", refresh=False),
            dbc.Navbar(
                dbc.Container(
                    [
                        html.Span([html.B("Kantong"), html.Span(" · Sumatera Barat", className="d-none d-md-inline")],
                                  className="navbar-brand mb-0"),
                        dbc.Nav([dbc.NavItem(dbc.NavLink(label, href=href, active="exact", id=f"nav-{href.strip('/') or 'peta'}"))
                                 for href, label in PAGES], navbar=True, className="me-auto"),
                        html.Span(id="info-snapshot", className="navbar-text small text-white-50"),
                    ],
                    fluid=True,
                ),
                color="primary", dark=True, className="mb-2 py-1",
            ),
            html.Div(id="halaman"),
            dbc.Container(html.Footer(id="sumber", className="small text-muted py-2"), fluid=True),
        ],
    )


def map_page() -> dbc.Container:
    return dbc.Container(
        [
            # The map's own view of the address: its callbacks exist only while this page does.
            dcc.Location(id="url-peta", refresh=False),
            dcc.Store(id="peta-tampil"),  # what the map shows now (per page, so a new map starts empty)
            dcc.Store(id="peta-pas"),
            dcc.Download(id="unduh-peta-berkas"),
            dbc.Row(
                [
                    dbc.Col(controls(), lg=3, md=4, className="mb-2"),
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(
                                [
                                    html.Nav(id="jejak", className="jejak mb-1", **{"aria-label": "jejak wilayah"}),
                                    html.Div(
                                        [
                                            html.H2(id="judul-peta", className="h6 mb-1"),
                                            html.Div(
                                                [
                                                    dbc.Button("Presentasi", id="mulai-presentasi", href="/presentasi",
                                                               size="sm", color="primary", outline=True,
                                                               title="Mode presentasi layar penuh: panah kiri/kanan berpindah kab/kota"),
                                                    download_menu("unduh-peta", [("peta", "Peta ini", IMAGE_FORMATS),
                                                                                 ("tabel", "Tabel wilayah di peta ini", TABLE_FORMATS)]),
                                                ],
                                                className="d-flex gap-2 flex-shrink-0",
                                            ),
                                        ],
                                        className="d-flex justify-content-between align-items-start gap-2",
                                    ),
                                    dcc.Loading(
                                        dcc.Graph(id="peta", config=MAP_CONFIG, className="peta", figure={"data": [], "layout": {}}),
                                        delay_show=400, type="circle",
                                    ),
                                    html.Div(id="tanpa-poligon", className="mt-2"),
                                ]
                            ),
                            className="h-100 shadow-sm",
                        ),
                        lg=6, md=8, className="mb-2",
                    ),
                    dbc.Col(
                        dbc.Card(dbc.CardBody([html.Div(id="profil"), html.Hr(), html.Div(id="peringkat")]),
                                 className="h-100 shadow-sm"),
                        lg=3, md=12, className="mb-2",
                    ),
                ],
                className="g-2",
            ),
        ],
        fluid=True,
    )
