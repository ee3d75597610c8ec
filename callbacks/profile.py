"""The profile of the selected region, against its parent and the province."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

import ids
from etl import indicators
from kantong import figures, fmt
from kantong.data import LEVEL_LABEL, level_of, rank_in
from kantong.view import View
from layouts.main import IMAGE_FORMATS, download_menu

# (indicator, denominator) rows of the comparison table, grouped, as the registry places them.
COMPARISON = [
    (section, [(indikator, indicators.get(indikator).penyebut_banding) for indikator in columns])
    for section, columns in indicators.PROFIL.items()
]


def _share(region, indikator: str, penyebut: str) -> float | None:
    den = region[penyebut]
    return None if not den else 100.0 * region[indikator] / den


def _tile(label: str, value: str, sub: str | None, test_id: str) -> dbc.Col:
    return dbc.Col(
        html.Div(
            [
                html.Div(label, className="small text-muted"),
                html.Div(value, className="fs-5 fw-bold", id=test_id),
                html.Div(sub or "\u00a0", className="small"),
            ],
            className="tile",
        ),
        xs=6,
    )


def profile(snapshot, view: View) -> list:
    kode = view.profil
    region = snapshot.region(kode)
    level = level_of(kode)
    top = snapshot.akar  # the province, or the region above the provinces
    # The region the comparison and the first rank refer to: kab/kota for nagari and kecamatan.
    parents = snapshot.parents(kode)
    parent_code = kode[:5] if level in ("kecamatan", "desa") else (parents[-1] if parents else None)
    parent = snapshot.region(parent_code) if parent_code else None
    ind = indicators.get(view.indikator)

    header = [
        html.H2(str(region["nama"]), className="h5 mb-0"),
        html.Div(LEVEL_LABEL[level], className="small text-muted"),
    ]
    if not bool(region.get("punya_poligon", True)):
        header.append(dbc.Badge("tanpa poligon di peta", color="warning", text_color="dark", className="me-1"))
    ranks = []
    if kode != top["kode"]:
        if parent_code and level in ("kecamatan", "desa"):
            r, n = rank_in(snapshot, kode, view.indikator, parent_code)
            ranks.append(f"{fmt.angka(r) if r else '–'} dari {fmt.angka(n)} di {parent['nama']}")
        r, n = rank_in(snapshot, kode, view.indikator, str(top["kode"]))
        ranks.append(f"{fmt.angka(r) if r else '–'} dari {fmt.angka(n)} di {top['nama']}")
        header.append(
            html.Div(
                [html.Span(f"Peringkat {ind.label_pendek}: ", className="text-muted"), "; ".join(ranks)],
                className="small mt-1",
                id=ids.PROFIL_PERINGKAT,
            )
        )

    d1 = int(region["kk_desil_1"])
    tiles = dbc.Row(
        [
            _tile("KK desil 1", fmt.angka(d1), f"{fmt.angka(int(region['jiwa_desil_1']))} jiwa", "profil-kk-desil-1"),
            _tile(
                "Belum masuk DTKS",
                fmt.angka(int(region["kk_d1_non_dtks"])),
                fmt.persen(region["pct_d1_non_dtks"]) + " dari KK desil 1",
                "profil-kk-d1-non-dtks",
            ),
            _tile(
                "Di DTKS tanpa bansos",
                fmt.angka(int(region["kk_d1_dtks_tanpa_bansos"])),
                fmt.persen(region["pct_d1_dtks_tanpa_bansos"]) + " dari KK desil 1",
                "profil-kk-d1-dtks-tanpa-bansos",
            ),
            _tile(
                "Cakupan bansos",
                fmt.persen(region["pct_d1_bansos"]),
                f"{fmt.angka(int(region['kk_d1_bansos']))} KK menerima",
                "profil-pct-d1-bansos",
            ),
        ],
        className="g-2 my-2",
    )

    columns = [("Wilayah ini", region)]
    if parent is not None and parent_code != str(top["kode"]):
        columns.append((str(parent["nama"]), parent))
    if kode != top["kode"]:
        columns.append((LEVEL_LABEL[level_of(str(top["kode"]))], top))
    body = []
    for group, rows in COMPARISON:
        if all(indicators.get(k).sumber == "verval" for k, _ in rows) and not top["kk_verval"]:
            continue  # no field verification result anywhere yet: nothing to compare
        body.append(html.Tr(html.Th(group, colSpan=len(columns) + 1, className="table-light small")))
        for indikator, penyebut in rows:
            i = indicators.get(indikator)
            cells = [html.Td(i.label_pendek, className="small")]
            for j, (_, reg) in enumerate(columns):
                if penyebut is None:  # a count of its own (verification results): the count everywhere
                    text = fmt.nilai_pendek(i, reg[indikator])
                else:
                    share = fmt.persen(_share(reg, indikator, penyebut))
                    text = f"{fmt.angka(reg[indikator])} ({share})" if j == 0 else share
                cells.append(html.Td(text, className="small text-end"))
            body.append(html.Tr(cells))
    table = dbc.Table(
        [
            html.Thead(html.Tr([html.Th("")] + [html.Th(name, className="small text-end") for name, _ in columns])),
            html.Tbody(body),
        ],
        size="sm",
        className="mb-1 profil-banding",
    )
    note = html.Div(
        [
            "Persentase dari KK desil 1 (jiwa: dari jiwa desil 1). ",
            html.Span("Disabilitas: " + indicators.DISABILITAS_CATATAN, id=ids.PROFIL_CATATAN_DISABILITAS),
        ],
        className="form-text",
    )
    desil = dcc.Graph(figure=figures.desil_figure(region), config={"displayModeBar": False}, className="desil")
    desil_heading = html.Div(
        [
            html.H3("Sebaran desil", className="h6 mb-0"),
            download_menu(ids.UNDUH_PETA, [("desil", "Grafik sebaran desil", IMAGE_FORMATS)], label="Unduh grafik"),
        ],
        className="d-flex justify-content-between align-items-center mt-2",
    )
    return header + [tiles, desil_heading, desil, html.Div(table, className="table-responsive"), note]


def register(app, store) -> None:
    @app.callback(Output(ids.PROFIL, "children"), Input(ids.URL_PETA, "search"))
    def render_profile(search):
        snapshot = store.latest()
        return profile(snapshot, View.from_query(search, snapshot))
