"""Methodology: how Kantong counts, colours and ranks, for a reader who is not an analyst.

The wording is kantong/metode.py's (shared with the deck's method slide); indicators are
named by their labels, and their column codes appear only in the appendix.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from etl import indicators
from kantong import fmt, metode, priority


def _table(headers: list[str], rows: list[list], class_name: str = "") -> dbc.Table:
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in headers])),
            html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
        ],
        size="sm",
        responsive=True,
        className=class_name,
    )


def _section(bagian: metode.Bagian, *extra) -> html.Section:
    """A section: its title, paragraphs, anything particular to it (a table), its points."""
    paragraphs = [html.P(p, className="rumus" if p.startswith("skor =") else None) for p in bagian.paragraf]
    points = [html.Ul([html.Li(b) for b in bagian.butir])] if bagian.butir else []
    return html.Section(
        [html.H2(bagian.judul, className="h5 mt-4")] + paragraphs + list(extra) + points, id=f"metode-{bagian.kunci}"
    )


def _extra(kunci: str) -> list:
    """The tables that go with a section."""
    if kunci == "klasifikasi":
        return [
            _table(
                ["Cara", "Cara kerjanya", "Kapan dipakai"],
                [[html.B(k.nama), k.cara, k.kapan] for k in metode.KLASIFIKASI],
                "small",
            )
        ]
    if kunci == "skor":
        return [
            _table(
                ["Preset", "Bobot"],
                [[name, metode.bobot_teks(weights)] for name, weights in priority.PRESETS.items()],
                "small",
            )
        ]
    return []


def page(snapshot) -> dbc.Container:
    sections = metode.bagian()
    catalogue = [[html.B(i.label), i.satuan, i.kelompok, metode.definisi(i)] for i in indicators.CATALOGUE]
    contents = [(b.kunci, b.judul) for b in sections] + [
        ("indikator", "Definisi indikator"),
        ("sumber", "Sumber data"),
        ("lampiran", "Lampiran: kode kolom"),
    ]
    return dbc.Container(
        dbc.Card(
            dbc.CardBody(
                [
                    html.H1("Metodologi", className="h4"),
                    html.P(
                        "Halaman ini menjelaskan dari mana angka Kantong berasal, bagaimana peta diwarnai, dan "
                        "bagaimana nagari prioritas dipilih.",
                        className="lead fs-6",
                    ),
                    html.Nav(
                        html.Ul(
                            [html.Li(html.A(judul, href=f"#metode-{kunci}")) for kunci, judul in contents],
                            className="small mb-0",
                        ),
                        **{"aria-label": "Isi halaman metodologi"},
                    ),
                    *[_section(b, *_extra(b.kunci)) for b in sections],
                    html.Section(
                        [
                            html.H2("Definisi indikator", className="h5 mt-4"),
                            _table(["Indikator", "Satuan", "Kelompok", "Definisi"], catalogue, "small"),
                        ],
                        id="metode-indikator",
                    ),
                    html.Section(
                        [
                            html.H2("Sumber data", className="h5 mt-4"),
                            html.P(
                                f"{metode.sumber_data(snapshot)} Data snapshot {snapshot.path.name} diolah "
                                f"{fmt.tanggal(snapshot.dibuat_pada)}."
                            ),
                        ],
                        id="metode-sumber",
                    ),
                    html.Section(
                        [
                            html.H2("Lampiran: kode kolom", className="h6 mt-4"),
                            html.P(
                                "Untuk yang membaca berkas data (parquet, csv) secara langsung: nama kolom setiap "
                                "indikator.",
                                className="small text-muted",
                            ),
                            _table(
                                ["Kode kolom", "Indikator"],
                                [[html.Code(kode), label] for kode, label in metode.kode_kolom()],
                                "small lampiran-kode",
                            ),
                        ],
                        id="metode-lampiran",
                    ),
                ]
            ),
            className="shadow-sm",
        ),
        fluid="lg",
    )
