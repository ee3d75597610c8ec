"""Presentation mode: one kab/kota at a time, full screen, large type, no controls.

The slide is a grid that fills the screen (assets/kantong/presentasi.css): the title and the
buttons above; the legend, the map and the key figures side by side below, none over another."""

from __future__ import annotations

from urllib.parse import parse_qs

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


def _button(symbol: str, button_id: str, label: str, keys: str, shortcut: str, disabled: bool) -> html.Button:
    """A button showing only a symbol: its name for screen readers is `label`, its tooltip the key too."""
    return html.Button(
        html.Span(symbol, **{"aria-hidden": "true"}),
        id=button_id,
        className="presentasi-tombol",
        title=f"{label} ({keys})",
        disabled=disabled,
        **{"aria-label": label, "aria-keyshortcuts": shortcut},
    )


def page(snapshot, search: str | None) -> html.Div:
    p = params(search)
    steps = 1 + len(snapshot.table("kabkota"))  # the province, then each kab/kota
    ke = min(p["ke"], steps - 1)
    return html.Div(
        [
            dcc.Store(
                id=ids.PRESENTASI_PARAM, data={"indikator": p["indikator"], "rencana": p["rencana"], "langkah": steps}
            ),
            dcc.Store(id=ids.PRESENTASI_KE, data=ke),
            dcc.Store(id=ids.PRESENTASI_HITUNG),  # clicks counted so far (assets/kantong/presentasi.js)
            dcc.Store(id=ids.PRESENTASI_TAMPIL),
            dcc.Store(id=ids.PRESENTASI_PAS),
            html.Header(
                [
                    html.Div(
                        [
                            html.H1(id=ids.PRESENTASI_JUDUL, className="presentasi-judul"),
                            html.Div(id=ids.PRESENTASI_SUBJUDUL, className="presentasi-subjudul"),
                        ],
                        className="presentasi-kepala-teks",
                    ),
                    html.Div(
                        [
                            html.Button(
                                "Provinsi",
                                id=ids.PRESENTASI_AWAL,
                                className="presentasi-tombol presentasi-teks",
                                title="Kembali ke peta provinsi (Home)",
                                **{"aria-keyshortcuts": "Home"},
                            ),
                            # Disabled at the ends: the slides stop there (no wrapping round).
                            _button("‹", ids.PRESENTASI_MUNDUR, "Wilayah sebelumnya", "←", "ArrowLeft PageUp", ke == 0),
                            html.Span(id=ids.PRESENTASI_POSISI, className="presentasi-posisi"),
                            _button(
                                "›",
                                ids.PRESENTASI_MAJU,
                                "Wilayah berikutnya",
                                "→",
                                "ArrowRight PageDown",
                                ke == steps - 1,
                            ),
                            html.Button(
                                "Layar penuh",
                                id=ids.PRESENTASI_LAYAR_PENUH,
                                className="presentasi-tombol presentasi-teks",
                                title="Layar penuh (F)",
                                # Kept in step with the browser's full screen by assets/kantong/presentasi.js.
                                **{"aria-pressed": "false", "aria-keyshortcuts": "F"},
                            ),
                            dcc.Link(
                                [
                                    html.Span("✕", **{"aria-hidden": "true"}),
                                    # dcc.Link takes no aria-label: its name is this hidden text.
                                    html.Span("Keluar dari mode presentasi", className="visually-hidden"),
                                ],
                                href="/rakor",
                                className="presentasi-tombol presentasi-keluar",
                                title="Keluar dari mode presentasi",
                            ),
                        ],
                        className="presentasi-kendali",
                        role="group",
                        **{"aria-label": "Navigasi presentasi"},
                    ),
                ],
                className="presentasi-kepala",
            ),
            html.Main(
                [
                    # Beside the map, not over it: on a projector every region of the map is in sight.
                    html.Div(id=ids.PRESENTASI_LEGENDA, className="presentasi-legenda"),
                    dcc.Graph(
                        id=ids.PRESENTASI_PETA,
                        className="presentasi-peta",
                        figure={"data": [], "layout": {}},
                        config={"displayModeBar": False, "scrollZoom": True},
                    ),
                    html.Aside(id=ids.PRESENTASI_ANGKA, className="presentasi-samping"),
                ],
                className="presentasi-isi",
            ),
        ],
        className="presentasi",
    )
