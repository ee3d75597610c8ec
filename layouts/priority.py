"""Priority nagari and targets: weights, selection rules, ranking table, map, plan."""

from __future__ import annotations

import datetime as dt

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

import ids
from etl import indicators
from kantong import priority
from layouts.main import DROPDOWN_LABELS, IMAGE_FORMATS, TABLE_FORMATS, download_menu

CUSTOM_WEIGHTS = "disesuaikan"
# The tables' rows are this high (px, AG Grid's default 42 shows a third fewer); the plan
# table grows with its rows up to the window's height.
TARGET_ROW_HEIGHT = 32

# Every text AG Grid (community) shows or reads out, in Indonesian: filters, pagination,
# messages, and what screen readers announce (the "aria" keys).
GRID_LOCALE = {
    # filters
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
    "inRangeStart": "Dari",
    "inRangeEnd": "Sampai",
    "before": "Sebelum",
    "after": "Sesudah",
    "empty": "Pilih satu",
    "filterOoo": "Saring…",
    "dateFormatOoo": "hh/bb/tttt",
    "andCondition": "DAN",
    "orCondition": "ATAU",
    "blank": "Kosong",
    "notBlank": "Tidak kosong",
    "blanks": "(Kosong)",
    "true": "Ya",
    "false": "Tidak",
    "applyFilter": "Terapkan",
    "resetFilter": "Atur ulang",
    "clearFilter": "Hapus",
    "cancelFilter": "Batal",
    "textFilter": "Saringan teks",
    "numberFilter": "Saringan angka",
    "dateFilter": "Saringan tanggal",
    "selectAll": "Pilih semua",
    "selectAllSearchResults": "Pilih semua hasil pencarian",
    "searchOoo": "Cari…",
    "noMatches": "Tidak ada yang cocok",
    # messages
    "noRowsToShow": "Tidak ada baris",
    "noMatchingRows": "Tidak ada baris yang cocok",
    "loadingOoo": "Memuat…",
    "loadingError": "GALAT",
    "exportingOoo": "Mengekspor…",
    "invalidDate": "Tanggal tidak sah",
    "invalidNumber": "Angka tidak sah",
    "invalidBigInt": "Bilangan bulat besar tidak sah",
    "invalidSelectionValidation": "Pilihan tidak sah.",
    # pagination
    "page": "Halaman",
    "of": "dari",
    "to": "sampai",
    "more": "lainnya",
    "firstPage": "Halaman pertama",
    "previousPage": "Halaman sebelumnya",
    "nextPage": "Halaman berikutnya",
    "lastPage": "Halaman terakhir",
    "pageLastRowUnknown": "?",
    "pageSizeSelectorLabel": "Baris per halaman:",
    "ariaPageSizeSelectorLabel": "Baris per halaman",
    "footerTotal": "Jumlah",
    "rowDragRow": "baris",
    "rowDragRows": "baris",
    # numbers in the grid's own texts (row counts): 1.265
    "thousandSeparator": ".",
    "decimalSeparator": ",",
    # screen readers
    "ariaChecked": "dicentang",
    "ariaUnchecked": "tidak dicentang",
    "ariaIndeterminate": "sebagian",
    "ariaColumn": "Kolom",
    "ariaColumnGroup": "Kelompok kolom",
    "ariaColumnFiltered": "Kolom disaring",
    "ariaColumnSelectAll": "Centang atau hapus centang semua kolom",
    "ariaColumnGroupExpansion": "Tekan ENTER untuk membuka atau menutup kelompok kolom ini",
    "ariaColumnCellSelection": "Tekan Enter untuk memilih atau membatalkan pilihan semua sel yang tampak di kolom ini",
    "ariaColumnGroupCellSelection": (
        "Tekan Enter untuk memilih atau membatalkan pilihan semua sel yang tampak di kelompok kolom ini"
    ),
    "ariaDateFilterInput": "Isian saringan tanggal",
    "ariaDefaultListName": "Daftar",
    "ariaFilterColumn": "Tekan CTRL ENTER untuk membuka saringan",
    "ariaFilterColumnsInput": "Isian saringan kolom",
    "ariaFilterFromValue": "Saring dari nilai",
    "ariaFilterInput": "Isian saringan",
    "ariaFilterList": "Daftar saringan",
    "ariaFilterMenuOpen": "Buka menu saringan",
    "ariaFilterToValue": "Saring sampai nilai",
    "ariaFilterValue": "Nilai saringan",
    "ariaFilteringOperator": "Operator saringan",
    "ariaHeaderSelection": "Kolom dengan pilihan di judul",
    "ariaHidden": "tersembunyi",
    "ariaVisible": "tampak",
    "ariaInputEditor": "Isian penyunting",
    "ariaMenuColumn": "Tekan ALT PANAH BAWAH untuk membuka menu kolom",
    "ariaRowDeselect": "Tekan SPASI untuk membatalkan pilihan baris ini",
    "ariaRowSelect": "Tekan SPASI untuk memilih baris ini",
    "ariaRowSelectAll": "Tekan SPASI untuk memilih atau membatalkan pilihan semua baris",
    "ariaRowToggleSelection": "Tekan SPASI untuk memilih atau membatalkan pilihan baris",
    "ariaRowSelectionDisabled": "Baris ini tidak dapat dipilih",
    "ariaSearch": "Cari",
    "ariaSearchFilterValues": "Cari nilai saringan",
    "ariaSortableColumn": "Tekan ENTER untuk mengurutkan",
    "ariaSortableColumnWithCellSelection": "Tekan ALT ENTER untuk mengurutkan",
    "ariaToggleCellValue": "Tekan SPASI untuk mengubah nilai sel",
    "ariaToggleVisibility": "Tekan SPASI untuk menampilkan atau menyembunyikan",
    "ariaSkeletonCellLoading": "Data baris sedang dimuat",
    "ariaSkeletonCellLoadingFailed": "Baris gagal dimuat",
    "ariaDeferSkeletonCellLoading": "Sel sedang dimuat",
    "ariaHasNote": "Sel ini memiliki catatan.",
    "ariaPendingChange": "Perubahan belum disimpan",
    "ariaValidationErrorPrefix": "Pemeriksaan isian sel",
    "ariaLabelColumnMenu": "Menu kolom",
    "ariaLabelColumnFilter": "Saringan kolom",
    "ariaLabelCellEditor": "Penyunting sel",
    "ariaLabelDialog": "Dialog",
    "ariaLabelSelectField": "Kolom pilihan",
    "ariaLabelTooltip": "Keterangan",
    "tooltipValidationErrorSeparator": ". ",
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
        # Short names ("Kab. Agam") as the deck shows them: the full ones are cut at 1366 px.
        {"field": "nama_kabkota_pendek", "headerName": "Kab/kota", "width": 200, "filter": "agTextColumnFilter"},
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
    # No minimum nor precision in the editor: a typed -5 or 2,5 is kept and marked (the
    # editor would silently drop it), and the words under the table say why.
    checked = {
        "editable": True,
        "cellEditor": "agNumberCellEditor",
        "cellClass": ["sel-sunting", "ag-right-aligned-cell"],  # the class "rightAligned" would give
        "cellClassRules": {"sel-salah": "masalahTarget(params.data, params.colDef.field, params.api) !== ''"},
        "tooltipValueGetter": {"function": "masalahTarget(params.data, params.colDef.field, params.api) || undefined"},
        "type": "rightAligned",
    }
    return [
        # Names keep their width when the table is fitted to its card (the numbers give way):
        # "Kab. Kepulauan Mentawai" is the longest short name.
        {"field": "nama", "headerName": "Nagari/desa", "width": 230, "minWidth": 150, "pinned": "left"},
        {
            "field": "nama_kabkota_pendek",
            "headerName": "Kab/kota",
            "width": 200,
            "minWidth": 198,
            "tooltipField": "nama_kabkota",
        },
        {
            "field": "skor",
            "headerName": "Skor",
            "width": 70,
            "type": "rightAligned",
            "valueFormatter": {"function": "angka(params.value, 1)"},
        },
        {
            "field": "kk_desil_1",
            "headerName": "KK desil 1",
            "width": 90,
            "type": "rightAligned",
            "valueFormatter": {"function": "angka(params.value, 0)"},
        },
        {
            "field": "kk_d1_non_dtks",
            "headerName": "Belum DTKS",
            "width": 90,
            "type": "rightAligned",
            "valueFormatter": {"function": "angka(params.value, 0)"},
        },
        {
            "field": "kk_verval",
            "headerName": "Verval",
            "headerTooltip": "KK yang hasil verifikasi lapangannya sudah diimpor (halaman Verval & asesmen)",
            "width": 75,
            "minWidth": 72,
            "type": "rightAligned",
            "valueFormatter": {"function": "angka(params.value, 0)"},
        },
        {
            "field": "kk_verval_layak",
            "headerName": "Layak",
            "headerTooltip": "KK terverifikasi yang ditemukan dan dinilai layak",
            "width": 76,
            "minWidth": 76,
            "type": "rightAligned",
            "valueFormatter": {"function": "angka(params.value, 0)"},
        },
        {"field": "tahun", "headerName": "Tahun", "width": 75, "minWidth": 72, **checked},
    ] + [
        {
            "field": target.field,
            "headerName": target.label,
            "headerTooltip": target.definisi,
            "width": 170,
            **checked,
            "valueFormatter": {"function": "angkaTarget(params.value)"},
        }
        for target in priority.TARGETS
    ]


def weights_card(weights: dict[str, float]) -> dbc.Card:
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
                        value=weights.get(indikator, 0),
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
                    options=[{"label": p, "value": p} for p in priority.PRESETS]
                    # Shown when an opened plan or a draft has weights of no preset.
                    + [{"label": "Bobot disesuaikan", "value": CUSTOM_WEIGHTS, "disabled": True}],
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


def target_grid_style(n_rows: int) -> dict:
    """As tall as its rows (all shown when they fit), at most the window's height."""
    rows = max(3, int(n_rows)) * TARGET_ROW_HEIGHT + 80  # the header wraps onto 2-3 lines
    return {"height": f"min({rows}px, calc(100vh - 120px))"}


def plan_card(plans, start: priority.StartingPlan) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H2("Target dan rencana aksi", className="h6 mb-0"),
                        html.Div(id=ids.RENCANA_DRAF_STATUS, className="small"),
                    ],
                    className="d-flex justify-content-between align-items-center flex-wrap gap-2",
                ),
                html.Div(
                    "Target dapat disunting langsung di tabel (sel berlatar kuning); sel bergaris merah berisi target "
                    "di luar rentang.",
                    className="form-text mb-1",
                ),
                dag.AgGrid(
                    id=ids.GRID_TARGET,
                    columnDefs=target_columns(),
                    rowData=start.rows,
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
                        "rowHeight": TARGET_ROW_HEIGHT,
                        "tooltipShowDelay": 200,
                    },
                    style=target_grid_style(len(start.rows)),
                    className="mb-1",
                ),
                html.Div(id=ids.TARGET_PERIKSA, className="mb-2", **{"aria-live": "polite"}),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("Nama rencana", className="small mb-0", html_for=ids.RENCANA_NAMA),
                                dbc.Input(id=ids.RENCANA_NAMA, value=default_plan_name(), size="sm"),
                            ],
                            md=4,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Disusun oleh", className="small mb-0", html_for=ids.RENCANA_PENULIS),
                                dbc.Input(id=ids.RENCANA_PENULIS, value="", placeholder="nama dan jabatan", size="sm"),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            html.Div(
                                [
                                    dbc.Button("Simpan", id=ids.RENCANA_SIMPAN, color="success", size="sm"),
                                    dcc.ConfirmDialogProvider(
                                        dbc.Button(
                                            "Buang draf",
                                            id=ids.RENCANA_BUANG,
                                            color="secondary",
                                            size="sm",
                                            outline=True,
                                        ),
                                        id=ids.RENCANA_BUANG_KONFIRMASI,
                                        message="Buang perubahan yang belum disimpan? Halaman kembali ke rencana "
                                        "tersimpan yang dibuka, atau ke usulan awal (1 nagari per kab/kota).",
                                    ),
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
                # The plan being worked on, kept in this browser until it is saved or discarded
                # (kantong.plans.read_draft: keyed by owner, so a later login can scope it).
                dcc.Store(id=ids.RENCANA_DRAF, storage_type="local"),
                dcc.Store(id=ids.RENCANA_DRAF_AWAL),  # read once on opening (assets/kantong/prioritas.js)
                dcc.Store(id=ids.RENCANA_DASAR),  # what the draft is compared with; set once the page has loaded
                dcc.Download(id=ids.UNDUH),
            ]
        ),
        className="shadow-sm mb-2",
    )


def default_plan_name(today: dt.date | None = None) -> str:
    return f"Rencana Aksi {plan_year(today)}"


def plan_year(today: dt.date | None = None) -> int:
    """The year new targets are for: next year."""
    return (today or dt.date.today()).year + 1


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


def scope_note(snapshot) -> list:
    """An operator's page holds only their kab/kota's nagari: say that scores are scaled
    among them, not across the province (docs/akses-dan-data-pribadi.md)."""
    if snapshot.scope is None:
        return []
    name = priority.short_name(snapshot.name(snapshot.scope))
    return [
        dbc.Alert(
            f"Skor prioritas dihitung di antara nagari {name} saja (akun operator kab/kota): "
            "nilai 0 dan 1 adalah nagari terendah dan tertinggi di kab/kota ini, bukan di provinsi.",
            color="info",
            className="py-2 small mb-2",
            id=ids.CAKUPAN_SKOR,
        )
    ]


def page(snapshot, plans) -> dbc.Container:
    from layouts import progress as progress_layout  # it uses this module's grid settings

    # With no draft in the browser, the page opens with the 2023 rule applied, as the deck's
    # automatic plan; a draft replaces it once read (callbacks/priority.py, restore_draft).
    start = priority.starting_plan(snapshot, plan_year())
    return dbc.Container(
        [
            dcc.Store(id=ids.PILIHAN, data=start.pilihan),
            dcc.Store(id=ids.BOBOT),  # {indicator: weight}, from the sliders (assets/kantong/prioritas.js)
            # Which snapshot the table and the map were filled from; until then, send them whole.
            dcc.Store(id=ids.GRID_TERISI),
            dcc.Store(id=ids.SKOR_BARU),
            dcc.Store(id=ids.SKOR_TERAPKAN),
            dcc.Store(id=ids.PILIH_TERAPKAN),
            dcc.Store(id=ids.PETA_PRIORITAS_TAMPIL),
            dcc.Store(id=ids.RINCIAN_KODE),  # the nagari whose score breakdown is shown
            *scope_note(snapshot),
            dbc.Row(
                [
                    dbc.Col(weights_card(start.bobot), lg=3, className="mb-2"),
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
                                                        # As tall as the ranking beside it, which fits the window.
                                                        style={"height": "max(440px, calc(100vh - 250px))"},
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
                                                                    labels=DROPDOWN_LABELS,
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
                                                            "rowHeight": TARGET_ROW_HEIGHT,
                                                        },
                                                        # As many rows as the window holds.
                                                        style={"height": "max(420px, calc(100vh - 180px))"},
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
                        ],
                        lg=9,
                    ),
                ],
                className="g-2",
            ),
            # The plan takes the page's whole width: names whole, targets in columns wide enough.
            plan_card(plans, start),
            progress_layout.card(),
        ],
        fluid=True,
    )
