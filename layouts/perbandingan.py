"""Perbandingan rilis: what changed between two published releases, within the asker's scope.

Controls and legend on the left, the map of the change in the middle, the headline and the
desil matrix on the right; below, per-region changes, the codes that did not match and the
family transitions. The view is in the address (kantong.comparisons.ComparisonView), so a
link such as /perbandingan?a=2023-08&b=2024-03 opens a given pair.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

import ids
from etl import compare as cmp
from etl import indicators
from kantong import comparisons, fmt
from kantong.data import LEVEL_LABEL, MAP_LEVELS
from layouts.main import DROPDOWN_LABELS, FORMAT_LABEL, IMAGE_FORMATS, MAP_CONFIG
from layouts.priority import GRID_LOCALE

TITLE = "Perbandingan rilis"
ROW_HEIGHT = 30
LOADING_TEXT = (
    "Menghitung perbandingan… Pasangan rilis yang baru pertama kali dibandingkan memerlukan beberapa detik; "
    "setelah itu hasilnya diambil dari simpanan."
)
DEFAULT_GRID = {"resizable": True, "sortable": True, "filter": True, "wrapHeaderText": True, "autoHeaderHeight": True}
# Read-only tables: the arrow keys move between cells, Tab leaves the table (the ARIA grid
# pattern), so a keyboard user does not tab through a thousand cells to reach the next table.
GRID_OPTIONS = {
    "localeText": GRID_LOCALE,
    "animateRows": False,
    "rowHeight": ROW_HEIGHT,
    "tabToNextCell": {"function": "false"},
    "tabToNextHeader": {"function": "false"},
}


def indicator_options() -> list[dict]:
    """The registry's P3KE indicators (the ones a release holds), by group."""
    return [
        {"label": ind.label, "value": ind.id, "title": ind.definisi, "search": f"{ind.label} {ind.id} {ind.kelompok}"}
        for ind in indicators.INDICATORS
    ]


def release_options(releases) -> list[dict]:
    return [{"label": comparisons.release_label(r), "value": r.nama} for r in releases]


def wilayah_options(snapshot, principal) -> list[dict]:
    """The province (its code: the whole of it) and every kab/kota; an operator's own only."""
    kabkota = snapshot.table("kabkota")
    if principal is not None and not principal.sees_all:
        return [{"label": str(kabkota.loc[principal.wilayah, "nama"]), "value": principal.wilayah}]
    return [{"label": f"Seluruh {snapshot.akar['nama']}", "value": str(snapshot.akar["kode"])}] + [
        {"label": str(r.nama), "value": str(r.kode)} for r in kabkota.sort_values("kode").itertuples()
    ]


def _field(label: str, control, html_for: str | None = None) -> html.Div:
    return html.Div([dbc.Label(label, className="fw-semibold small mb-1", html_for=html_for), control])


def controls(releases, view: comparisons.ComparisonView, snapshot, principal) -> dbc.Card:
    """The pair, the indicator, the level and the region, in one row above the map."""
    own = principal is not None and not principal.sees_all
    release = lambda cid, value: dbc.Select(id=cid, options=release_options(releases), value=value, size="sm")
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    dbc.Col(_field("Rilis A (awal)", release(ids.BANDING_A, view.a), ids.BANDING_A), lg=2, md=6),
                    dbc.Col(_field("Rilis B (berikutnya)", release(ids.BANDING_B, view.b), ids.BANDING_B), lg=2, md=6),
                    dbc.Col(
                        _field(
                            "Indikator",
                            dcc.Dropdown(
                                id=ids.BANDING_INDIKATOR,
                                options=indicator_options(),
                                value=view.indikator,
                                clearable=False,
                                searchable=True,
                                optionHeight=50,
                                labels=DROPDOWN_LABELS,
                                className="banding-indikator",
                            ),
                        ),
                        lg=3,
                        md=6,
                    ),
                    dbc.Col(
                        _field(
                            "Tingkat",
                            dbc.RadioItems(
                                id=ids.BANDING_TINGKAT,
                                options=[
                                    {"label": LEVEL_LABEL[k] if k != "desa" else "Nagari/desa", "value": k}
                                    for k in MAP_LEVELS
                                ],
                                value=view.tingkat,
                                inline=True,
                                className="small",
                            ),
                        ),
                        lg=3,
                        md=6,
                    ),
                    dbc.Col(
                        _field(
                            "Wilayah",
                            dbc.Select(
                                id=ids.BANDING_WILAYAH,
                                options=wilayah_options(snapshot, principal),
                                value=view.wilayah or str(snapshot.akar["kode"]),
                                size="sm",
                                disabled=own,
                            ),
                            ids.BANDING_WILAYAH,
                        ),
                        lg=2,
                        md=6,
                    ),
                ],
                className="g-2 align-items-start",
            ),
            className="py-2",
        ),
        className="shadow-sm mb-2",
    )


def download_menu(principal) -> dbc.DropdownMenu:
    """The map as an image for everyone who may download images; the tables (one workbook)
    for those who may download tables. Two item types, so each download is its own
    callback with its own permission (kantong.policy)."""
    items = [dbc.DropdownMenuItem("Peta perubahan", header=True)] + [
        dbc.DropdownMenuItem(FORMAT_LABEL[f], id={"type": ids.BANDING_UNDUH_PETA, "objek": "peta", "format": f})
        for f in IMAGE_FORMATS
    ]
    if principal is None or principal.may("unduh_tabel"):
        items += [
            dbc.DropdownMenuItem(divider=True),
            dbc.DropdownMenuItem("Tabel perbandingan (satu lembar per tabel)", header=True),
            dbc.DropdownMenuItem(
                FORMAT_LABEL["xlsx"], id={"type": ids.BANDING_UNDUH_TABEL, "objek": "tabel", "format": "xlsx"}
            ),
        ]
    return dbc.DropdownMenu(items, label="Unduh", size="sm", color="secondary", align_end=True, className="unduh-menu")


def map_card(principal) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [html.H2(id=ids.BANDING_JUDUL, className="h6 mb-1"), download_menu(principal)],
                    className="d-flex justify-content-between align-items-start gap-2",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            dcc.Loading(
                                dcc.Graph(
                                    id=ids.BANDING_PETA,
                                    config=MAP_CONFIG,
                                    figure={"data": [], "layout": {}},
                                    style={"height": "max(380px, calc(100vh - 270px))"},
                                ),
                                delay_show=300,
                                type="circle",
                            ),
                            md=8,
                        ),
                        dbc.Col(html.Div(id=ids.BANDING_LEGENDA, className="legenda"), md=4),
                    ],
                    className="g-2",
                ),
                html.Div(
                    "Arahkan kursor ke wilayah untuk nilai rilis A, rilis B dan perubahannya; klik kab/kota untuk "
                    "melihat nagarinya.",
                    className="form-text mt-1",
                ),
                html.Div(id=ids.BANDING_PETA_CATATAN, className="small text-muted"),
            ]
        ),
        className="h-100 shadow-sm",
    )


def summary_card() -> dbc.Card:
    spinner = html.Div(
        [dbc.Spinner(size="sm", color="primary", spinner_class_name="me-2"), html.Span(LOADING_TEXT)],
        className="d-flex align-items-start small p-2 bg-white border rounded shadow-sm",
        role="status",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Ringkasan", className="h6 mb-1"),
                dcc.Loading(
                    # Tall enough for the message shown while a pair is first computed.
                    html.Div(id=ids.BANDING_RINGKASAN, style={"minHeight": "7rem"}, **{"aria-live": "polite"}),
                    custom_spinner=spinner,
                    delay_show=200,
                    overlay_style={"visibility": "visible", "opacity": 0.35},
                ),
                html.H2("Matriks desil", className="h6 mt-3 mb-1"),
                html.Div(id=ids.BANDING_MATRIKS),
            ],
            className="p-2",
        ),
        className="h-100 shadow-sm",
    )


def changes_card() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Perubahan per wilayah", id=ids.BANDING_PERUBAHAN_JUDUL, className="h6 mb-1"),
                html.Div(
                    "Diurutkan menurut besarnya perubahan, naik atau turun; angka kecil dan wilayah yang tidak "
                    "dapat dibandingkan di bawah.",
                    className="form-text mt-0 mb-1",
                ),
                dag.AgGrid(
                    id=ids.BANDING_GRID_PERUBAHAN,
                    columnDefs=[],
                    rowData=[],
                    getRowId="params.data.kode",
                    defaultColDef=DEFAULT_GRID,
                    dashGridOptions=GRID_OPTIONS,
                    style={"height": "440px"},
                ),
            ]
        ),
        className="h-100 shadow-sm",
    )


def unmatched_card() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Kode nagari/desa yang tidak cocok", className="h6 mb-1"),
                html.Div(
                    "Kode rilis A yang tidak ada di rilis B dan tidak ada di tabel padanan, dan baris tabel padanan "
                    "yang kode barunya tidak ada di rilis B. Keluarganya tetap dihitung di wilayah induknya.",
                    className="form-text mt-0 mb-1",
                ),
                html.Div(id=ids.BANDING_TIDAK_COCOK),
            ]
        ),
        className="h-100 shadow-sm",
    )


def transitions_card() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Transisi keluarga per wilayah", id=ids.BANDING_TRANSISI_JUDUL, className="h6 mb-1"),
                html.Div(
                    "Keluarga dipadankan lewat ID keluarga P3KE, atau lewat NIK kepala keluarga. Keluarga rilis B "
                    "dihitung di nagari rilis B, keluarga yang keluar di nagari rilis A.",
                    className="form-text mt-0 mb-1",
                ),
                dag.AgGrid(
                    id=ids.BANDING_GRID_TRANSISI,
                    columnDefs=transition_columns("kabkota"),
                    rowData=[],
                    getRowId="params.data.kode",
                    defaultColDef=DEFAULT_GRID,
                    dashGridOptions=GRID_OPTIONS,
                    style={"height": "420px"},
                ),
            ]
        ),
        className="shadow-sm",
    )


# ----------------------------------------------------------------------------- grid columns


def _count(field: str, header: str, width: int = 110, tooltip: str | None = None) -> dict:
    return {
        "field": field,
        "headerName": header,
        "headerTooltip": tooltip or header,
        "type": "rightAligned",
        "filter": "agNumberColumnFilter",
        "width": width,
        "valueFormatter": {"function": "angka(params.value, 0)"},
    }


LEVEL_HEADER = {"kabkota": "Kab/kota", "kecamatan": "Kecamatan", "desa": "Nagari/desa"}


def _names(level: str, parent: bool = True) -> list[dict]:
    """Code and name; for kecamatan and nagari of the whole province, their kab/kota too."""
    columns = [
        {"field": "kode", "headerName": "Kode", "width": 122, "filter": "agTextColumnFilter", "pinned": "left"},
        {"field": "nama", "headerName": LEVEL_HEADER[level], "width": 170, "filter": "agTextColumnFilter"},
    ]
    if parent and level in ("desa", "kecamatan"):
        columns.append(
            {"field": "nama_kabkota", "headerName": "Kab/kota", "width": 150, "filter": "agTextColumnFilter"}
        )
    return columns


def change_columns(level: str, ind: indicators.Indicator, parent: bool = True) -> list[dict]:
    """kode, nama (and kab/kota when `parent`), status, A, B, perubahan, kecil; values as the
    registry formats them."""
    value = "persen(params.value)" if ind.is_rate else "angka(params.value, 0)"
    numbers = [
        {
            "field": field,
            "headerName": header,
            "headerTooltip": f"{ind.label}, {header.lower()}",
            "type": "rightAligned",
            "filter": "agNumberColumnFilter",
            "width": 92,
            "valueFormatter": {"function": value},
        }
        for field, header in (("nilai_a", "Rilis A"), ("nilai_b", "Rilis B"))
    ]
    return (
        _names(level, parent)
        + [{"field": "status_label", "headerName": "Status", "width": 115, "filter": "agTextColumnFilter"}]
        + numbers
        + [
            {
                "field": "perubahan",
                "headerName": f"Perubahan ({comparisons.change_unit(ind)})",
                "headerTooltip": "Rilis B − rilis A" + (" dalam poin persen" if ind.is_rate else ""),
                "type": "rightAligned",
                "filter": "agNumberColumnFilter",
                "width": 118,
                # The sign and the precision the map's hover shows (kantong.figures_banding.signed).
                "valueFormatter": {"function": "params.data.perubahan_teks"},
            },
            {
                "field": "kecil_label",
                "headerName": "Angka kecil (< 5)",
                "headerTooltip": f"Angka kecil: {comparisons.SMALL_NOTE}",
                "width": 92,
                "filter": "agTextColumnFilter",
            },
        ]
    )


def transition_columns(level: str) -> list[dict]:
    """kode, nama, status and the transitions, headed by etl.compare.TRANSISI's meanings."""
    return (
        _names(level, parent=False)
        + [{"field": "status_label", "headerName": "Status", "width": 115, "filter": "agTextColumnFilter"}]
        + [
            _count(name, comparisons.TRANSISI_LABEL[name], width=108, tooltip=comparisons.TRANSISI_LABEL[name])
            for name in comparisons.TABLE_TRANSISI
        ]
    )


# ----------------------------------------------------------------------------- tables in HTML


def matrix_table(matrix, a: str, b: str) -> html.Div:
    """Families by desil in A (rows) and in B (columns); "–": not in that release."""
    labels = list(cmp.DESIL_LABELS)
    head = html.Thead(
        html.Tr(
            [html.Th("A ↓ / B →", scope="col")]
            + [html.Th(label, scope="col", className="text-end") for label in labels]
            + [html.Th("Jumlah", scope="col", className="text-end")]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(str(row["dari"]), scope="row")]
                + [html.Td(fmt.angka(int(row[label])), className="text-end") for label in labels]
                + [html.Td(fmt.angka(int(row["jumlah"])), className="text-end fw-semibold")]
            )
            for _, row in matrix.iterrows()
        ]
    )
    return html.Div(
        [
            dbc.Table([head, body], size="sm", bordered=True, className="mb-1 small matriks-desil"),
            html.Div(
                f"Baris: desil di rilis A ({a}); kolom: desil di rilis B ({b}). – = tidak ada di rilis itu "
                "(keluarga baru di B, atau keluar setelah A).",
                className="form-text mt-0",
            ),
        ]
    )


def unmatched_table(frame) -> html.Div:
    """Every unmatched code with its reason; said in words when there is none."""
    if frame.empty:
        return html.P("Semua kode nagari/desa rilis A cocok dengan rilis B.", className="small mb-0")
    head = html.Thead(
        html.Tr(
            [
                html.Th("Kode rilis A", scope="col"),
                html.Th("Nama", scope="col"),
                html.Th("Kode baru", scope="col"),
                html.Th("Baris padanan", scope="col", className="text-end"),
                html.Th("Keluarga di A", scope="col", className="text-end"),
                html.Th("Alasan", scope="col"),
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(r.kode),
                html.Td(r.nama),
                html.Td(r.kode_baru if isinstance(r.kode_baru, str) else "–"),
                html.Td("–" if pd.isna(r.baris_padanan) else str(int(r.baris_padanan)), className="text-end"),
                html.Td(fmt.angka(int(r.kk_total_a)), className="text-end"),
                html.Td(r.alasan),
            ]
        )
        for r in frame.itertuples()
    ]
    return html.Div(
        [
            html.Div(f"{fmt.angka(len(frame))} kode tidak cocok.", className="small fw-semibold mb-1"),
            html.Div(
                dbc.Table([head, html.Tbody(rows)], size="sm", className="mb-0 small"),
                style={"maxHeight": "380px", "overflowY": "auto"},
                tabIndex=0,  # scrollable: reachable by keyboard
                **{"aria-label": "Daftar kode yang tidak cocok"},
            ),
        ]
    )


def legend(rows: list[tuple[str, str, int]], title: str, notes: list[str], level_word: str) -> html.Div:
    return html.Div(
        [html.Div(title, className="fw-semibold small mb-1")]
        + [
            html.Div(
                [
                    html.Span(className="swatch", style={"background": colour}),
                    html.Span(label, className="flex-grow-1"),
                    html.Span(fmt.angka(n), className="text-muted small ms-2", title=f"jumlah {level_word}"),
                ],
                className="d-flex align-items-center legenda-baris",
            )
            for colour, label, n in rows
        ]
        + [html.Div(note, className="form-text mt-1") for note in notes]
    )


# ----------------------------------------------------------------------------- the page


def no_pair(message: str) -> dbc.Container:
    return dbc.Container(
        [html.H1(TITLE, className="h5 mt-2"), dbc.Alert(message, color="info", className="small")], fluid=True
    )


def page(route) -> dbc.Container:
    store = route.services.comparisons
    releases = store.comparable() if store is not None else []
    if len(releases) < 2:
        return no_pair(
            "Perbandingan memerlukan paling sedikit dua rilis data yang sudah terbit. Rilis yang ada: "
            + (", ".join(r.nama for r in releases) or "belum ada")
            + ". Bangun dan terbitkan rilis berikutnya (python -m etl release build … lalu release publish)."
        )
    principal = route.principal
    view = comparisons.ComparisonView.from_query(route.search, [r.nama for r in releases], principal)
    return dbc.Container(
        [
            # The page's own view of the address: changes of the controls are written into it.
            dcc.Location(id=ids.BANDING_URL, refresh=False),
            dcc.Store(id=ids.BANDING_PAS),
            dcc.Download(id=ids.BANDING_UNDUH_PETA_BERKAS),
            dcc.Download(id=ids.BANDING_UNDUH_TABEL_BERKAS),
            html.H1(TITLE, className="visually-hidden"),
            controls(releases, view, route.snapshot, principal),
            dbc.Row(
                [
                    dbc.Col(map_card(principal), lg=7, className="mb-2"),
                    dbc.Col(summary_card(), lg=5, className="mb-2"),
                ],
                className="g-2",
            ),
            dbc.Row(
                [
                    dbc.Col(changes_card(), lg=8, className="mb-2"),
                    dbc.Col(unmatched_card(), lg=4, className="mb-2"),
                ],
                className="g-2",
            ),
            transitions_card(),
        ],
        fluid=True,
        className="mb-3",
    )
