"""Priority nagari and targets: weights, selection rules, ranking table, map, plan."""

from __future__ import annotations

import datetime as dt

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

import ids
from etl import indicators
from kantong import priority
from layouts.main import IMAGE_FORMATS, TABLE_FORMATS, download_menu

GRID_LOCALE = {
    "contains": "Memuat",
    "notContains": "Tidak memuat",
    "equals": "Sama dengan",
    "notEqual": "Tidak sama dengan",
    "startsWith": "Diawali",
    "endsWith": "Diakhiri",
    "lessThan": "Kurang dari",
    "greaterThan": "Lebih dari",
    "lessThanOrEqual": "Kurang dari atau sama dengan",
    "greaterThanOrEqual": "Lebih dari atau sama dengan",
    "inRange": "Di antara",
    "filterOoo": "Saring…",
    "andCondition": "DAN",
    "orCondition": "ATAU",
    "blank": "Kosong",
    "notBlank": "Tidak kosong",
    "noRowsToShow": "Tidak ada baris",
    "loadingOoo": "Memuat…",
    "page": "Halaman",
    "of": "dari",
    "to": "sampai",
    "applyFilter": "Terapkan",
    "resetFilter": "Atur ulang",
    "clearFilter": "Hapus",
    "selectAll": "Pilih semua",
    "searchOoo": "Cari…",
}


def _number_col(indikator: str, header: str, pct: bool = False, width: int = 120) -> dict:
    return {
        "field": indikator,
        "headerName": header,
        "type": "rightAligned",
        "filter": "agNumberColumnFilter",
        "width": width,
        "valueFormatter": {"function": "persen(params.value)" if pct else "angka(params.value, 0)"},
        "headerTooltip": indicators.get(indikator).definisi if indikator in indicators.BY_ID else header,
    }


def ranking_columns() -> list[dict]:
    cols = [
        # Ticking this box adds a nagari to the choice; it changes only when a person clicks it.
        {
            "field": "pilih",
            "headerName": "Pilih",
            "cellDataType": "boolean",
            "editable": True,
            "width": 75,
            "pinned": "left",
            "filter": True,
        },
        {
            "field": "peringkat",
            "headerName": "#",
            "width": 80,
            "type": "rightAligned",
            "filter": "agNumberColumnFilter",
            "pinned": "left",
        },
        {"field": "nama", "headerName": "Nagari/desa", "width": 190, "filter": "agTextColumnFilter", "pinned": "left"},
        {"field": "nama_kecamatan", "headerName": "Kecamatan", "width": 150, "filter": "agTextColumnFilter"},
        {"field": "nama_kabkota", "headerName": "Kab/kota", "width": 170, "filter": "agTextColumnFilter"},
        {
            "field": "skor",
            "headerName": "Skor",
            "width": 100,
            "type": "rightAligned",
            "filter": "agNumberColumnFilter",
            "valueFormatter": {"function": "angka(params.value, 1)"},
            "sort": "desc",
        },
        {"field": "jenjang_prioritas", "headerName": "Jenjang", "width": 150, "filter": "agTextColumnFilter"},
    ]
    for ind in indicators.INDICATORS:
        cols.append(_number_col(ind.id, ind.label_pendek, pct=ind.is_rate))
    return cols


def target_columns() -> list[dict]:
    editable = {
        "editable": True,
        "cellEditor": "agNumberCellEditor",
        "cellEditorParams": {"min": 0, "precision": 0},
        "cellClass": "sel-sunting",
        "type": "rightAligned",
        "valueFormatter": {"function": "angka(params.value, 0)"},
    }
    return [
        {"field": "nama", "headerName": "Nagari/desa", "width": 180, "pinned": "left"},
        {"field": "nama_kabkota", "headerName": "Kab/kota", "width": 160},
        {
            "field": "skor",
            "headerName": "Skor",
            "width": 90,
            "type": "rightAligned",
            "valueFormatter": {"function": "angka(params.value, 1)"},
        },
        {
            "field": "kk_desil_1",
            "headerName": "KK desil 1",
            "width": 110,
            "type": "rightAligned",
            "valueFormatter": {"function": "angka(params.value, 0)"},
        },
        {
            "field": "kk_d1_non_dtks",
            "headerName": "Belum DTKS",
            "width": 110,
            "type": "rightAligned",
            "valueFormatter": {"function": "angka(params.value, 0)"},
        },
        {
            "field": "tahun",
            "headerName": "Tahun",
            "width": 95,
            **{**editable, "valueFormatter": None},
            "cellEditorParams": {"min": 2020, "max": 2045, "precision": 0},
        },
        {"field": "target_usul_dtks", "headerName": "Target diusulkan ke DTKS (KK)", "width": 170, **editable},
        {"field": "target_terima_bansos", "headerName": "Target KK D1 menerima bansos", "width": 170, **editable},
        {"field": "target_graduasi", "headerName": "Target KK D1 graduasi", "width": 150, **editable},
    ]


def weights_card() -> dbc.Card:
    sliders = []
    for indikator in priority.CRITERIA:
        ind = indicators.get(indikator)
        sliders.append(
            html.Div(
                [
                    html.Label(
                        ind.label_pendek, className="small mb-0", title=ind.definisi, htmlFor=f"bobot-{indikator}"
                    ),
                    dcc.Slider(
                        id={"type": ids.BOBOT, "indikator": indikator},
                        min=0,
                        max=5,
                        step=1,
                        value=0,
                        marks={i: str(i) for i in range(6)},
                        className="bobot-slider",
                    ),
                ],
                className="mb-1",
            )
        )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Bobot indikator", className="h6"),
                dbc.Label("Preset", className="small fw-semibold mb-1", html_for=ids.PRESET),
                dbc.Select(
                    id=ids.PRESET,
                    options=[{"label": p, "value": p} for p in priority.PRESETS],
                    value=priority.DEFAULT_PRESET,
                    className="mb-2",
                ),
                html.Div(sliders, className="bobot-daftar"),
                html.Div(
                    [
                        "Skor = rata-rata berbobot indikator yang diskalakan 0–1. ",
                        dcc.Link("Metodologi", href="/metodologi"),
                    ],
                    className="form-text",
                ),
            ]
        ),
        className="shadow-sm h-100",
    )


def rules_card() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Aturan pemilihan", className="h6"),
                dbc.RadioItems(
                    id=ids.ATURAN,
                    options=[
                        {"label": "k teratas per kab/kota", "value": "per_kabkota"},
                        {"label": "N teratas di provinsi", "value": "teratas"},
                        {"label": "Berdasarkan anggaran", "value": "anggaran"},
                    ],
                    value="per_kabkota",
                    inline=True,
                    className="mb-2",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("k per kab/kota", className="small mb-0", html_for=ids.ATURAN_K),
                                dbc.Input(id=ids.ATURAN_K, type="number", min=1, max=50, step=1, value=1, size="sm"),
                            ],
                            xs=6,
                            md=2,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("N nagari", className="small mb-0", html_for=ids.ATURAN_N),
                                dbc.Input(id=ids.ATURAN_N, type="number", min=1, max=2000, step=1, value=19, size="sm"),
                            ],
                            xs=6,
                            md=2,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Anggaran (Rp)", className="small mb-0", html_for=ids.ATURAN_ANGGARAN),
                                dbc.Input(
                                    id=ids.ATURAN_ANGGARAN,
                                    type="number",
                                    min=0,
                                    step=1_000_000,
                                    value=570_000_000,
                                    size="sm",
                                ),
                            ],
                            xs=6,
                            md=3,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Biaya per KK (Rp)", className="small mb-0", html_for=ids.ATURAN_BIAYA),
                                dbc.Input(
                                    id=ids.ATURAN_BIAYA, type="number", min=1, step=50_000, value=1_000_000, size="sm"
                                ),
                            ],
                            xs=6,
                            md=2,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("KK per nagari", className="small mb-0", html_for=ids.ATURAN_KK),
                                dbc.Input(
                                    id=ids.ATURAN_KK,
                                    type="number",
                                    min=1,
                                    max=500,
                                    step=1,
                                    value=priority.FAMILIES_PER_NAGARI,
                                    size="sm",
                                ),
                            ],
                            xs=6,
                            md=1,
                        ),
                        dbc.Col(
                            dbc.Button(
                                "Terapkan aturan", id=ids.TERAPKAN, color="primary", size="sm", className="mt-3 w-100"
                            ),
                            xs=6,
                            md=2,
                        ),
                    ],
                    className="g-2 align-items-end",
                ),
                html.Div(id=ids.CAKUPAN, className="mt-2"),
            ]
        ),
        className="shadow-sm mb-2",
    )


def plan_card(plans) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Target dan rencana aksi", className="h6"),
                html.Div("Target dapat disunting langsung di tabel (sel berlatar kuning).", className="form-text mb-1"),
                dag.AgGrid(
                    id=ids.GRID_TARGET,
                    columnDefs=target_columns(),
                    rowData=[],
                    getRowId="params.data.kode",
                    columnSize="responsiveSizeToFit",
                    defaultColDef={
                        "resizable": True,
                        "sortable": True,
                        "wrapHeaderText": True,
                        "autoHeaderHeight": True,
                    },
                    dashGridOptions={
                        "localeText": GRID_LOCALE,
                        "stopEditingWhenCellsLoseFocus": True,
                        "singleClickEdit": True,
                        "domLayout": "normal",
                    },
                    style={"height": "300px"},
                    className="mb-2",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("Nama rencana", className="small mb-0", html_for=ids.RENCANA_NAMA),
                                dbc.Input(
                                    id=ids.RENCANA_NAMA, value=f"Rencana Aksi {dt.date.today().year + 1}", size="sm"
                                ),
                            ],
                            md=4,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Disusun oleh", className="small mb-0", html_for=ids.RENCANA_PENULIS),
                                dbc.Input(id=ids.RENCANA_PENULIS, placeholder="nama dan jabatan", size="sm"),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            html.Div(
                                [
                                    dbc.Button("Simpan", id=ids.RENCANA_SIMPAN, color="success", size="sm"),
                                    download_menu(
                                        ids.UNDUH_PRIORITAS,
                                        [("rencana", "Tabel rencana", TABLE_FORMATS)],
                                        label="Unduh tabel",
                                        align_end=False,
                                    ),
                                ],
                                className="mt-3 d-flex gap-2",
                            ),
                            md=5,
                        ),
                    ],
                    className="g-2 align-items-end",
                ),
                html.Div(id=ids.RENCANA_PESAN, className="mt-2"),
                html.Hr(),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("Rencana tersimpan", className="small mb-0", html_for=ids.RENCANA_DAFTAR),
                                dbc.Select(id=ids.RENCANA_DAFTAR, options=plan_options(plans), size="sm"),
                            ],
                            md=6,
                        ),
                        dbc.Col(
                            dbc.ButtonGroup(
                                [
                                    dbc.Button("Buka", id=ids.RENCANA_BUKA, size="sm", color="primary", outline=True),
                                    dbc.Button(
                                        "Duplikat", id=ids.RENCANA_DUPLIKAT, size="sm", color="primary", outline=True
                                    ),
                                    dbc.Button("Hapus", id=ids.RENCANA_HAPUS, size="sm", color="danger", outline=True),
                                ],
                                className="mt-3",
                            ),
                            md=6,
                        ),
                    ],
                    className="g-2 align-items-end",
                ),
                dcc.Store(id=ids.RENCANA_ID),
                dcc.Store(id=ids.RENCANA_REVISI),
                dcc.Download(id=ids.UNDUH),
            ]
        ),
        className="shadow-sm mb-2",
    )


def plan_options(plans) -> list[dict]:
    from kantong import fmt

    return [
        {
            "label": f"{p['nama']} — {p['jumlah_nagari']} nagari, revisi {p['revisi']}, {p['penulis']}, "
            f"{fmt.tanggal(p['disimpan_pada'])} (snapshot {p['snapshot_nama']})",
            "value": str(p["id"]),
        }
        for p in plans.list()
    ]


def page(snapshot, plans) -> dbc.Container:
    return dbc.Container(
        [
            dcc.Store(id=ids.PILIHAN, data=[]),
            dcc.Store(id=ids.BOBOT),  # {indicator: weight}, from the sliders (assets/kantong/prioritas.js)
            # Which snapshot the table and the map were filled from; until then, send them whole.
            dcc.Store(id=ids.GRID_TERISI),
            dcc.Store(id=ids.SKOR_BARU),
            dcc.Store(id=ids.SKOR_TERAPKAN),
            dcc.Store(id=ids.PILIH_TERAPKAN),
            dcc.Store(id=ids.PETA_PRIORITAS_TAMPIL),
            dcc.Store(id=ids.RINCIAN_KODE),  # the nagari whose score breakdown is shown
            dbc.Row(
                [
                    dbc.Col(weights_card(), lg=3, className="mb-2"),
                    dbc.Col(
                        [
                            rules_card(),
                            dbc.Row(
                                [
                                    dbc.Col(
                                        dbc.Card(
                                            dbc.CardBody(
                                                [
                                                    html.Div(
                                                        [
                                                            html.H2("Peta skor prioritas", className="h6 mb-1"),
                                                            download_menu(
                                                                ids.UNDUH_PRIORITAS,
                                                                [("peta", "Peta skor prioritas", IMAGE_FORMATS)],
                                                            ),
                                                        ],
                                                        className="d-flex justify-content-between align-items-start",
                                                    ),
                                                    html.Div(
                                                        "Klik nagari di peta untuk menambah atau mengeluarkannya dari pilihan.",
                                                        className="form-text",
                                                    ),
                                                    dcc.Graph(
                                                        id=ids.PETA_PRIORITAS,
                                                        className="peta-prioritas",
                                                        config={"displaylogo": False, "scrollZoom": True},
                                                        figure={"data": [], "layout": {}},
                                                    ),
                                                    html.Div(id=ids.RINCIAN_SKOR),
                                                ]
                                            ),
                                            className="shadow-sm h-100",
                                        ),
                                        lg=5,
                                        className="mb-2",
                                    ),
                                    dbc.Col(
                                        dbc.Card(
                                            dbc.CardBody(
                                                [
                                                    dbc.Row(
                                                        [
                                                            dbc.Col(
                                                                html.H2("Peringkat nagari", className="h6 mb-1"),
                                                                width="auto",
                                                            ),
                                                            dbc.Col(
                                                                dcc.Dropdown(
                                                                    id=ids.SARING_KABKOTA,
                                                                    placeholder="Semua kab/kota",
                                                                    clearable=True,
                                                                    options=[
                                                                        {"label": r.nama, "value": r.kode}
                                                                        for r in snapshot.table("kabkota").itertuples()
                                                                    ],
                                                                ),
                                                                md=4,
                                                            ),
                                                            dbc.Col(
                                                                download_menu(
                                                                    ids.UNDUH_PRIORITAS,
                                                                    [("peringkat", "Tabel peringkat", TABLE_FORMATS)],
                                                                ),
                                                                width="auto",
                                                            ),
                                                        ],
                                                        className="g-2 align-items-center mb-1",
                                                    ),
                                                    dag.AgGrid(
                                                        id=ids.GRID_PERINGKAT,
                                                        columnDefs=ranking_columns(),
                                                        rowData=[],
                                                        getRowId="params.data.kode",
                                                        defaultColDef={
                                                            "resizable": True,
                                                            "sortable": True,
                                                            "filter": True,
                                                            "floatingFilter": False,
                                                        },
                                                        dashGridOptions={
                                                            "localeText": GRID_LOCALE,
                                                            "animateRows": False,
                                                            "singleClickEdit": True,
                                                        },
                                                        style={"height": "520px"},
                                                    ),
                                                ]
                                            ),
                                            className="shadow-sm h-100",
                                        ),
                                        lg=7,
                                        className="mb-2",
                                    ),
                                ],
                                className="g-2",
                            ),
                            plan_card(plans),
                        ],
                        lg=9,
                    ),
                ],
                className="g-2",
            ),
        ],
        fluid=True,
    )
