"""The priority page's card "Kemajuan rencana": a saved plan's targets against a later
release and the field (kantong/progress.py; callbacks/progress.py fills it)."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

import ids
from kantong import progress as kemajuan
from layouts.priority import GRID_LOCALE

FIELD_ONLY = "lapangan"  # the release choice "no later release: the field only"
LEVELS = (("kabkota", "Per kab/kota"), ("desa", "Per nagari"))


def _count(field: str, header: str, width: int = 110) -> dict:
    return {
        "field": field,
        "headerName": header,
        "type": "rightAligned",
        "width": width,
        "valueFormatter": {"function": "angka(params.value, 0)"},
    }


def _share(field: str, header: str) -> dict:
    return {
        "field": field,
        "headerName": header,
        "type": "rightAligned",
        "width": 92,
        "valueFormatter": {"function": "persen(params.value)"},  # sent in percent (callbacks/progress.py)
    }


def columns(level: str, with_release: bool) -> list[dict]:
    """The grid's columns: the region, then per target its target, realised and share (the
    realised ones only with a later release), the exclusion error before and after, and the
    field's counts."""
    if level == "desa":
        head = [
            {"field": "nama", "headerName": "Nagari/desa", "pinned": "left", "width": 170, "tooltipField": "nama"},
            {"field": "nama_kabkota_pendek", "headerName": "Kab/kota", "width": 160, "tooltipField": "nama_kabkota"},
        ]
    else:
        head = [
            {
                "field": "nama_kabkota_pendek",
                "headerName": "Kab/kota",
                "pinned": "left",
                "width": 175,
                "tooltipField": "nama_kabkota",
            },
            _count("nagari", "Nagari", 80),
        ]
    groups = []
    for m in kemajuan.MEASURES:
        children = [_count(f"target_{m.kunci}", "Target", 82)]
        if with_release:
            children += [_count(f"realisasi_{m.kunci}", "Realisasi", 92), _share(f"capaian_{m.kunci}", "Capaian")]
        groups.append({"headerName": m.label, "children": children})
    if with_release:
        groups.append(
            {
                "headerName": "KK desil 1 belum DTKS",
                "children": [_count("kk_d1_non_dtks_a", "Rilis rencana"), _count("kk_d1_non_dtks_b", "Rilis kini")],
            }
        )
    groups.append(
        {
            "headerName": "Hasil lapangan",
            "children": [
                _count("kk_verval", "Diverifikasi"),
                _count("kk_verval_layak", "Layak", 90),
                _count("kk_usul_dtks", "Usul DTKS", 100),
                _count("kk_bantuan_disalurkan", "KK menerima bantuan", 130),
            ],
        }
    )
    if level == "desa" and with_release:
        groups.append({"field": "status_teks", "headerName": "Kode wilayah", "width": 150})
    return head + groups


def card() -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Kemajuan rencana", className="h6 mb-0"),
                html.Div(
                    "Target rencana tersimpan dibandingkan dengan rilis data sesudah rilis tempat rencana dibuat, "
                    "dan dengan hasil verval serta tindak lanjut yang disalurkan. Keluar dari desil 1 adalah calon "
                    "graduasi yang perlu dikonfirmasi di lapangan.",
                    className="form-text mb-2",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("Rencana", className="small mb-0", html_for=ids.KEMAJUAN_RENCANA),
                                dbc.Select(id=ids.KEMAJUAN_RENCANA, options=[], size="sm"),
                            ],
                            md=5,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Diukur dengan rilis", className="small mb-0", html_for=ids.KEMAJUAN_RILIS),
                                dbc.Select(id=ids.KEMAJUAN_RILIS, options=[], size="sm"),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            dbc.RadioItems(
                                id=ids.KEMAJUAN_TINGKAT,
                                options=[{"label": label, "value": value} for value, label in LEVELS],
                                value="kabkota",
                                inline=True,
                                className="small",
                            ),
                            md=2,
                        ),
                        dbc.Col(
                            dbc.Button(
                                "Unduh tabel (xlsx)", id=ids.KEMAJUAN_UNDUH, size="sm", color="primary", outline=True
                            ),
                            md=2,
                            className="text-md-end",
                        ),
                    ],
                    className="g-2 align-items-end mb-2",
                ),
                dcc.Loading(
                    [
                        html.Div(id=ids.KEMAJUAN_RINGKASAN, **{"aria-live": "polite"}),
                        dag.AgGrid(
                            id=ids.KEMAJUAN_GRID,
                            columnDefs=columns("kabkota", True),
                            rowData=[],
                            defaultColDef={"resizable": True, "sortable": True, "wrapHeaderText": True},
                            dashGridOptions={
                                "localeText": GRID_LOCALE,
                                "domLayout": "autoHeight",
                                "tooltipShowDelay": 200,
                            },
                            className="mb-1",
                        ),
                        html.Div(id=ids.KEMAJUAN_CATATAN, className="small"),
                    ],
                    delay_show=300,
                ),
                dcc.Download(id=ids.KEMAJUAN_BERKAS),
            ]
        ),
        className="shadow-sm mb-2",
    )
