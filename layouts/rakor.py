"""Paket Rakor: build the meeting deck (PowerPoint and PDF) and start the presentation."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

import ids
from kantong import rakor
from kantong.view import DEFAULT_INDICATOR
from layouts.main import DROPDOWN_LABELS, indicator_options
from layouts.priority import plan_options


def plan_choices(plans) -> list[dict]:
    return [
        {"label": "Usulan otomatis: 1 nagari skor tertinggi per kab/kota", "value": rakor.AUTOMATIC}
    ] + plan_options(plans)


def default_choice(plans) -> str:
    """The plan saved most recently (plans.list() is newest first); the automatic proposal
    only when none is saved."""
    saved = plans.list()
    return str(saved[0]["id"]) if saved else rakor.AUTOMATIC


def page(snapshot, plans) -> dbc.Container:
    n_kabkota = len(snapshot.table("kabkota"))
    choices = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Indikator peta", className="fw-semibold small mb-1", html_for=ids.RAKOR_INDIKATOR),
                    dcc.Dropdown(
                        labels=DROPDOWN_LABELS,
                        id=ids.RAKOR_INDIKATOR,
                        options=indicator_options(),
                        value=DEFAULT_INDICATOR,
                        clearable=False,
                        searchable=True,
                        optionHeight=50,
                    ),
                ],
                md=6,
            ),
            dbc.Col(
                [
                    dbc.Label(
                        "Rencana (nagari prioritas dan target)",
                        className="fw-semibold small mb-1",
                        html_for=ids.RAKOR_RENCANA,
                    ),
                    dbc.Select(id=ids.RAKOR_RENCANA, options=plan_choices(plans), value=default_choice(plans)),
                ],
                md=6,
            ),
        ],
        className="g-3 mb-3",
    )
    deck = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Paket Rakor", className="h5"),
                html.P(
                    f"Satu klik menyusun berkas PowerPoint dan PDF dengan isi yang sama: slide judul, peta provinsi, "
                    f"tabel nagari prioritas dan target, satu slide untuk setiap kab/kota ({n_kabkota}: peta nagari, "
                    f"angka kunci, nagari prioritasnya) dan slide metodologi. Semua dibuat di server ini, tanpa internet.",
                    className="small text-muted",
                ),
                # Which plan the deck will show (callbacks/rakor.py, plan_note), as its title slide says.
                html.Div(id=ids.RAKOR_RENCANA_INFO, className="small mb-2", **{"aria-live": "polite"}),
                dbc.Button("Buat Paket Rakor", id=ids.RAKOR_BUAT, color="primary"),
                html.Div(
                    [
                        dbc.Progress(
                            id=ids.RAKOR_PROGRES,
                            value=0,
                            striped=True,
                            animated=True,
                            className="mb-1",
                            style={"height": "1.4rem"},
                        ),
                        html.Div(id=ids.RAKOR_STATUS, className="small text-muted", **{"aria-live": "polite"}),
                    ],
                    id=ids.RAKOR_PROGRES_WADAH,
                    style={"display": "none"},
                    className="mt-3",
                ),
                html.Div(id=ids.RAKOR_HASIL, className="mt-3"),
            ]
        ),
        className="shadow-sm h-100",
    )
    show = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Mode presentasi", className="h5"),
                html.P(
                    "Peta layar penuh dengan huruf besar dan warna kontras tinggi untuk proyektor. Berjalan tanpa "
                    "internet di laptop ini.",
                    className="small text-muted",
                ),
                html.Ul(
                    [
                        html.Li([html.Kbd("→"), " / ", html.Kbd("←"), " kab/kota berikutnya / sebelumnya"]),
                        html.Li([html.Kbd("F"), " layar penuh; ", html.Kbd("Esc"), " keluar layar penuh"]),
                        html.Li([html.Kbd("Home"), " kembali ke peta provinsi"]),
                    ],
                    className="small",
                ),
                dbc.Button(
                    "Mulai presentasi", id=ids.RAKOR_PRESENTASI, href="/presentasi", color="primary", outline=True
                ),
            ]
        ),
        className="shadow-sm h-100",
    )
    return dbc.Container(
        [
            choices,
            dbc.Row([dbc.Col(deck, lg=7, className="mb-2"), dbc.Col(show, lg=5, className="mb-2")], className="g-2"),
        ],
        fluid=True,
        className="py-2",
    )
