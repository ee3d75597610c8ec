"""The page: controls on the left, the map in the middle, the region profile on the right."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

import ids
from etl import indicators
from kantong import exports
from kantong.data import LEVEL_LABEL, MAP_LEVELS, Snapshot
from kantong.view import CLASSIFICATIONS, PALETTES, View

MAP_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
}


IMAGE_FORMATS = ("png", "svg", "pdf")
# xlsx first; of the two csv, first the one Excel set to Indonesian opens as columns.
TABLE_FORMATS = (exports.XLSX, exports.CSV_ID, exports.CSV)
FORMAT_LABEL = {
    "png": "PNG (gambar, resolusi 2×)",
    "svg": "SVG (vektor)",
    "pdf": "PDF",
    exports.XLSX: "Excel (.xlsx)",
    exports.CSV_ID: "CSV untuk Excel (pemisah titik koma, desimal koma)",
    exports.CSV: "CSV untuk aplikasi lain (pemisah koma, desimal titik)",
}


# Every text of a dropdown in Indonesian: dcc fills the keys left out with English, among them
# the name of the icon-only "×" that clears a choice ("Clear selection").
DROPDOWN_LABELS = {
    "select_all": "Pilih semua",
    "deselect_all": "Batalkan semua pilihan",
    "selected_count": "{num_selected} dipilih",
    "search": "Cari",
    "clear_search": "Hapus pencarian",
    "clear_selection": "Hapus pilihan",
    "no_options_found": "Tidak ditemukan",
}


def download_menu(
    kind: str, sections: list[tuple[str, str, tuple[str, ...]]], label: str = "Unduh", align_end: bool = True
) -> dbc.DropdownMenu:
    """One "Unduh" menu; each section is (object, heading, formats). Item ids carry the
    object and the format, so one callback per page serves every download."""
    items = []
    for i, (objek, heading, formats) in enumerate(sections):
        if i:
            items.append(dbc.DropdownMenuItem(divider=True))
        items.append(dbc.DropdownMenuItem(heading, header=True))
        items += [
            dbc.DropdownMenuItem(FORMAT_LABEL[f], id={"type": kind, "objek": objek, "format": f}) for f in formats
        ]
    return dbc.DropdownMenu(
        items, label=label, size="sm", color="secondary", align_end=align_end, className="unduh-menu"
    )


def indicator_options() -> list[dict]:
    options = []
    for group in dict.fromkeys(i.kelompok for i in indicators.CATALOGUE):
        for ind in indicators.CATALOGUE:
            if ind.kelompok == group:
                options.append(
                    {
                        "label": ind.label,
                        "value": ind.id,
                        "title": ind.definisi,
                        "search": f"{ind.label} {ind.id} {group}",
                    }
                )
    return options


def _field(label: str, control, help_text: str | None = None) -> html.Div:
    return html.Div(
        [dbc.Label(label, className="fw-semibold small mb-1"), control]
        + ([html.Div(help_text, className="form-text")] if help_text else []),
        className="mb-3",
    )


def controls(view: View | None = None, legend=None, levels: tuple[str, ...] = MAP_LEVELS) -> dbc.Card:
    """The map's controls, set to `view` (the view in the address) when given."""
    value = (lambda name: getattr(view, name)) if view is not None else (lambda name: None)
    return dbc.Card(
        dbc.CardBody(
            [
                _field(
                    "Cari wilayah",
                    dcc.Dropdown(
                        id=ids.CARI,
                        options=[],
                        placeholder="Nama nagari, kecamatan atau kab/kota…",
                        searchable=True,
                        clearable=True,
                        labels=DROPDOWN_LABELS,
                    ),
                ),
                _field(
                    "Indikator",
                    dcc.Dropdown(
                        id=ids.INDIKATOR,
                        options=indicator_options(),
                        value=value("indikator"),
                        clearable=False,
                        searchable=True,
                        optionHeight=50,
                        labels=DROPDOWN_LABELS,
                    ),
                ),
                _field(
                    "Tingkat peta",
                    dbc.RadioItems(
                        id=ids.TINGKAT,
                        options=[
                            {"label": LEVEL_LABEL[k] if k != "desa" else "Nagari/desa", "value": k} for k in levels
                        ],
                        value=value("tingkat"),
                    ),
                ),
                _field(
                    "Klasifikasi",
                    dbc.Select(
                        id=ids.KLASIFIKASI,
                        value=value("klasifikasi"),
                        options=[{"label": v, "value": k} for k, v in CLASSIFICATIONS.items()],
                    ),
                ),
                _field(
                    "Skema warna",
                    dbc.Select(
                        id=ids.WARNA,
                        value=value("warna"),
                        options=[{"label": v[0], "value": k} for k, v in PALETTES.items()],
                    ),
                ),
                html.Div(legend, id=ids.LEGENDA, className="legenda"),
            ]
        ),
        className="h-100 shadow-sm",
    )


def _user_menu(user: dict) -> html.Form:
    """The account logged in and a logout button (a POST with the session's CSRF token)."""
    return html.Form(
        [
            html.Span([html.B(user["nama"]), f" · {user['peran']}"], className="navbar-text small navbar-info me-2"),
            dcc.Input(type="hidden", name="csrf", value=user["csrf"]),
            html.Button("Keluar", type="submit", className="btn btn-sm btn-outline-light", id=ids.KELUAR),
        ],
        action=user["keluar"],
        method="post",
        className="d-flex align-items-center ms-3 mb-0",
    )


def shell(
    nav: list[tuple[str, str, str]],
    content,
    info: str,
    source: str,
    class_name: str = "",
    pathname: str | None = None,
    search: str | None = None,
    place: str = "",
    user: dict | None = None,
) -> html.Div:
    """What every page has: the URL, the navigation bar with the snapshot and the person
    logged in (`user`: nama, peran, csrf, keluar), the source line.

    `nav` is (href, label, id) per entry of the page registry (pages.py). `content` is the
    page asked for, built with the layout so that its callbacks start on the first load;
    `pathname` and `search` are the address it was built for: the address component then
    has nothing to report when it mounts, so routing does not run again (without them, as
    when the browser sent no address, routing fills the page from the browser's address)."""
    return html.Div(
        id=ids.AKAR,
        className=class_name,
        children=[
            dcc.Location(id=ids.URL, refresh=False, **({"pathname": pathname, "search": search} if pathname else {})),
            dbc.Navbar(
                dbc.Container(
                    [
                        html.Span(
                            [
                                html.B("Kantong"),
                                html.Span(f" · {place}" if place else "", className="d-none d-xxl-inline"),
                            ],
                            className="navbar-brand mb-0",
                        ),
                        dbc.Nav(
                            [
                                dbc.NavItem(dbc.NavLink(label, href=href, active="exact", id=nav_id))
                                for href, label, nav_id in nav
                            ],
                            navbar=True,
                            className="me-auto",
                        ),
                        # Colours of the bar's texts: assets/kantong/kantong.css (contrast 4.5:1 or more).
                        html.Span(info, id=ids.INFO_SNAPSHOT, className="navbar-text small navbar-info"),
                    ]
                    + ([_user_menu(user)] if user else []),
                    fluid=True,
                ),
                color="primary",
                dark=True,
                className="mb-2 py-1 kantong-navbar",
            ),
            html.Div(content, id=ids.HALAMAN),
            dbc.Container(html.Footer(source, id=ids.SUMBER, className="small text-muted py-2"), fluid=True),
        ],
    )


EMPTY_FIGURE = {"data": [], "layout": {}}


def map_page(
    snapshot: Snapshot, search: str | None = None, pathname: str | None = None, first: dict | None = None
) -> dbc.Container:
    """The map page for the address `pathname` + `search`: the controls show its view.

    `first` (callbacks.map_view.first_view) is everything the page shows for that view:
    the map, its legend, title and lists, the profile. With it the page is complete as
    served and the map's callbacks wait for the first change; without it they fill it."""
    view = View.from_query(search, snapshot)
    first = first or {}
    return dbc.Container(
        [
            # The map's own view of the address: its callbacks exist only while this page does.
            # Given the address the page was built for, it has nothing to report when it mounts.
            dcc.Location(id=ids.URL_PETA, refresh=False, **({"pathname": pathname, "search": search} if first else {})),
            # What the map shows now (per page, so a new map starts empty).
            dcc.Store(id=ids.PETA_TAMPIL, data=first.get("shown")),
            dcc.Store(id=ids.PETA_PAS),
            dcc.Download(id=ids.UNDUH_PETA_BERKAS),
            dbc.Row(
                [
                    dbc.Col(controls(view, first.get("legend"), snapshot.map_levels), lg=3, md=4, className="mb-2"),
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(
                                [
                                    html.Nav(
                                        first.get("breadcrumb"),
                                        id=ids.JEJAK,
                                        className="jejak mb-1",
                                        **{"aria-label": "jejak wilayah"},
                                    ),
                                    html.Div(
                                        [
                                            html.H2(first.get("title"), id=ids.JUDUL_PETA, className="h6 mb-1"),
                                            html.Div(
                                                [
                                                    dbc.Button(
                                                        "Presentasi",
                                                        id=ids.MULAI_PRESENTASI,
                                                        href=first.get("presentation", "/presentasi"),
                                                        size="sm",
                                                        color="primary",
                                                        outline=True,
                                                        title="Mode presentasi layar penuh: panah kiri/kanan berpindah kab/kota",
                                                    ),
                                                    download_menu(
                                                        ids.UNDUH_PETA,
                                                        [
                                                            ("peta", "Peta ini", IMAGE_FORMATS),
                                                            ("tabel", "Tabel wilayah di peta ini", TABLE_FORMATS),
                                                        ],
                                                    ),
                                                ],
                                                className="d-flex gap-2 flex-shrink-0",
                                            ),
                                        ],
                                        className="d-flex justify-content-between align-items-start gap-2",
                                    ),
                                    html.Div(
                                        [
                                            dcc.Loading(
                                                dcc.Graph(
                                                    id=ids.PETA,
                                                    config=MAP_CONFIG,
                                                    className="peta",
                                                    figure=first.get("figure", EMPTY_FIGURE),
                                                ),
                                                delay_show=400,
                                                type="circle",
                                            ),
                                            # The same map as a picture until the interactive
                                            # one is ready (kantong/map_preview.py, peta.css).
                                            first.get("preview")
                                            and html.Img(
                                                src=first["preview"],
                                                alt=first.get("title"),
                                                id=ids.PETA_AWAL,
                                                className="peta-awal",
                                            ),
                                        ],
                                        className="peta-kotak",
                                    ),
                                    html.Div(first.get("missing"), id=ids.TANPA_POLIGON, className="mt-2"),
                                ]
                            ),
                            className="h-100 shadow-sm",
                        ),
                        lg=6,
                        md=8,
                        className="mb-2",
                    ),
                    # Beside the map, first: the answer to "which nagari first" (the top list),
                    # then the profile of the region chosen on the map or in the list.
                    dbc.Col(
                        [
                            dbc.Card(
                                dbc.CardBody(html.Div(first.get("top"), id=ids.PERINGKAT), className="py-2"),
                                className="shadow-sm mb-2 kartu-peringkat",
                            ),
                            dbc.Card(
                                dbc.CardBody(html.Div(first.get("profile"), id=ids.PROFIL)), className="shadow-sm"
                            ),
                        ],
                        lg=3,
                        md=12,
                        className="mb-2",
                    ),
                ],
                className="g-2",
            ),
        ],
        fluid=True,
    )
