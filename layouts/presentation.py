"""Presentation mode: one kab/kota at a time, full screen, large type, no controls."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import dcc, html

import ids
from etl import indicators
from kantong import rakor
from kantong.view import DEFAULT_INDICATOR


def params(search: str | None) -> dict:
    query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}
    indikator = query.get("indikator") if query.get("indikator") in indicators.BY_ID else DEFAULT_INDICATOR
    try:
        ke = max(0, int(query.get("ke", 0)))
    except ValueError:
        ke = 0
    return {"indikator": indikator, "rencana": query.get("rencana", rakor.AUTOMATIC), "ke": ke}


def page(snapshot, search: str | None) -> html.Div:
    p = params(search)
    steps = 1 + len(snapshot.table("kabkota"))  # the province, then each kab/kota
    return html.Div(
        [
            dcc.Store(
                id=ids.PRESENTASI_PARAM, data={"indikator": p["indikator"], "rencana": p["rencana"], "langkah": steps}
            ),
            dcc.Store(id=ids.PRESENTASI_KE, data=min(p["ke"], steps - 1)),
            dcc.Store(id=ids.PRESENTASI_HITUNG),  # clicks counted so far (assets/kantong/presentasi.js)
            dcc.Store(id=ids.PRESENTASI_TAMPIL),
            dcc.Store(id=ids.PRESENTASI_PAS),
            html.Header(
                [
                    html.Div(
                        [
                            html.H1(id=ids.PRESENTASI_JUDUL, className="presentasi-judul"),
                            html.Div(id=ids.PRESENTASI_SUBJUDUL, className="presentasi-subjudul"),
                        ]
                    ),
                    html.Div(
                        [
                            html.Button(
                                "Provinsi",
                                id=ids.PRESENTASI_AWAL,
                                className="presentasi-tombol presentasi-teks",
                                title="Kembali ke peta provinsi (Home)",
                            ),
                            html.Button(
                                "‹",
                                id=ids.PRESENTASI_MUNDUR,
                                className="presentasi-tombol",
                                title="Sebelumnya (←)",
                                **{"aria-label": "kab/kota sebelumnya"},
                            ),
                            html.Span(id=ids.PRESENTASI_POSISI, className="presentasi-posisi"),
                            html.Button(
                                "›",
                                id=ids.PRESENTASI_MAJU,
                                className="presentasi-tombol",
                                title="Berikutnya (→)",
                                **{"aria-label": "kab/kota berikutnya"},
                            ),
                            html.Button(
                                "Layar penuh",
                                id=ids.PRESENTASI_LAYAR_PENUH,
                                className="presentasi-tombol presentasi-teks",
                                title="Layar penuh (F)",
                            ),
                            dcc.Link(
                                "✕",
                                href="/rakor",
                                className="presentasi-tombol presentasi-keluar",
                                title="Keluar dari mode presentasi",
                            ),
                        ],
                        className="presentasi-kendali",
                    ),
                ],
                className="presentasi-kepala",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dcc.Graph(
                                id=ids.PRESENTASI_PETA,
                                className="presentasi-peta",
                                figure={"data": [], "layout": {}},
                                config={"displayModeBar": False, "scrollZoom": True},
                            ),
                            # Over the map's corner, so the legend is always in sight.
                            html.Div(id=ids.PRESENTASI_LEGENDA, className="presentasi-legenda"),
                        ],
                        lg=8,
                        className="position-relative",
                    ),
                    dbc.Col(html.Div(id=ids.PRESENTASI_ANGKA), lg=4),
                ],
                className="g-3",
            ),
        ],
        className="presentasi",
    )
