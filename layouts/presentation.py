"""Presentation mode: one kab/kota at a time, full screen, large type, no controls."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import dcc, html

from etl import indicators
from kantong import rakor
from kantong.view import DEFAULT_INDICATOR


def params(search: str | None) -> dict:
    query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}
    indikator = query.get("indikator") if query.get("indikator") in indicators.BY_KOLOM else DEFAULT_INDICATOR
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
                id="presentasi-param", data={"indikator": p["indikator"], "rencana": p["rencana"], "langkah": steps}
            ),
            dcc.Store(id="presentasi-ke", data=min(p["ke"], steps - 1)),
            dcc.Store(id="presentasi-hitung"),  # clicks counted so far (assets/kantong/presentasi.js)
            dcc.Store(id="presentasi-tampil"),
            dcc.Store(id="presentasi-pas"),
            html.Header(
                [
                    html.Div(
                        [
                            html.H1(id="presentasi-judul", className="presentasi-judul"),
                            html.Div(id="presentasi-subjudul", className="presentasi-subjudul"),
                        ]
                    ),
                    html.Div(
                        [
                            html.Button(
                                "Provinsi",
                                id="presentasi-awal",
                                className="presentasi-tombol presentasi-teks",
                                title="Kembali ke peta provinsi (Home)",
                            ),
                            html.Button(
                                "‹",
                                id="presentasi-mundur",
                                className="presentasi-tombol",
                                title="Sebelumnya (←)",
                                **{"aria-label": "kab/kota sebelumnya"},
                            ),
                            html.Span(id="presentasi-posisi", className="presentasi-posisi"),
                            html.Button(
                                "›",
                                id="presentasi-maju",
                                className="presentasi-tombol",
                                title="Berikutnya (→)",
                                **{"aria-label": "kab/kota berikutnya"},
                            ),
                            html.Button(
                                "Layar penuh",
                                id="presentasi-layar-penuh",
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
                                id="presentasi-peta",
                                className="presentasi-peta",
                                figure={"data": [], "layout": {}},
                                config={"displayModeBar": False, "scrollZoom": True},
                            ),
                            # Over the map's corner, so the legend is always in sight.
                            html.Div(id="presentasi-legenda", className="presentasi-legenda"),
                        ],
                        lg=8,
                        className="position-relative",
                    ),
                    dbc.Col(html.Div(id="presentasi-angka"), lg=4),
                ],
                className="g-3",
            ),
        ],
        className="presentasi",
    )
