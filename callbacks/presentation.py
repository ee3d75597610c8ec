"""Presentation mode: arrow keys step through the province and each kab/kota, stopping at
the first and the last (a presenter pressing → once too often stays on the last slide)."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, html

import ids
from callbacks import map_view
from callbacks.map_view import geojson_url, legend
from etl import indicators
from kantong import figures, fmt, rakor, report
from kantong import progress as kemajuan
from kantong.view import View

PALETTE = "kontras"  # high contrast: survives a washed-out projector
BORDER = "#303030"
TOP_KABKOTA = 5
# As many nagari as a kab/kota slide of the deck lists, so the list always fits beside the map.
NAGARI_SHOWN = rakor.NAGARI_PER_KABKOTA_SLIDE


def _tile(label: str, value: str, note: str) -> html.Div:
    return html.Div(
        [
            html.Div(label, className="presentasi-label"),
            html.Div(value, className="presentasi-nilai"),
            html.Div(note, className="presentasi-catatan"),
        ],
        className="presentasi-angka",
    )


def nagari_line(row: dict, prog) -> str:
    """A priority nagari on a kab/kota step: its targets, or, once the plan's progress is
    measured against a later release, what was realised of them."""
    if prog is None or not prog.has_release:
        return f"{fmt.angka(row.get('kk_desil_1'))} KK desil 1, usul DTKS {fmt.angka(row.get('target_usul_dtks'))} KK"
    found = prog.nagari[prog.nagari["kode"] == str(row["kode"])]
    if found.empty:
        return f"{fmt.angka(row.get('kk_desil_1'))} KK desil 1"
    r = found.iloc[0]
    return "; ".join(
        f"{m.pendek} {kemajuan.count_text(r[f'realisasi_{m.kunci}'])}/{fmt.angka(r[f'target_{m.kunci}'])}"
        for m in kemajuan.MEASURES
    )


def progress_block(prog) -> list:
    """The province step's progress of the plan: realised of target per target."""
    total = prog.provinsi
    heading = f"Kemajuan rencana (rilis {prog.rilis_b})"
    return [
        html.H2(heading, className="presentasi-daftar-judul", title=prog.subtitle()),
        html.Ul(
            [
                html.Li(
                    f"{m.label}: {kemajuan.count_text(total[f'realisasi_{m.kunci}'])} dari "
                    f"{fmt.angka(total[f'target_{m.kunci}'])} KK ({kemajuan.share_text(total[f'capaian_{m.kunci}'])})"
                )
                for m in kemajuan.MEASURES
            ],
            className="presentasi-daftar",
        ),
    ]


def step_view(snapshot, indikator: str, ke: int) -> View:
    top = str(snapshot.akar["kode"])
    if ke == 0:  # the province (or the provinces), then each kab/kota
        return View(tingkat=snapshot.map_levels[0], wilayah=top, indikator=indikator, warna=PALETTE, profil=top)
    kode = str(snapshot.table("kabkota").index[ke - 1])
    return View(tingkat="desa", wilayah=kode, indikator=indikator, warna=PALETTE, profil=kode)


def register(app, store, plans, comparisons=None, results=None) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="langkah"),
        Output(ids.PRESENTASI_KE, "data"),
        Output(ids.PRESENTASI_HITUNG, "data"),
        Input(ids.PRESENTASI_MAJU, "n_clicks"),
        Input(ids.PRESENTASI_MUNDUR, "n_clicks"),
        Input(ids.PRESENTASI_AWAL, "n_clicks"),
        State(ids.PRESENTASI_KE, "data"),
        State(ids.PRESENTASI_HITUNG, "data"),
        State(ids.PRESENTASI_PARAM, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="ujungPresentasi"),
        Output(ids.PRESENTASI_MUNDUR, "disabled"),
        Output(ids.PRESENTASI_MAJU, "disabled"),
        Input(ids.PRESENTASI_KE, "data"),
        State(ids.PRESENTASI_PARAM, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="kantong", function_name="fitPresentasi"),
        Output(ids.PRESENTASI_PAS, "data"),
        Input(ids.PRESENTASI_TAMPIL, "data"),
        State(ids.PRESENTASI_PETA, "figure"),
    )

    @app.callback(
        Output(ids.PRESENTASI_JUDUL, "children"),
        Output(ids.PRESENTASI_SUBJUDUL, "children"),
        Output(ids.PRESENTASI_POSISI, "children"),
        Output(ids.PRESENTASI_PETA, "figure"),
        Output(ids.PRESENTASI_ANGKA, "children"),
        Output(ids.PRESENTASI_LEGENDA, "children"),
        Output(ids.PRESENTASI_TAMPIL, "data"),
        Output(ids.URL, "search"),
        Input(ids.PRESENTASI_KE, "data"),
        State(ids.PRESENTASI_PARAM, "data"),
    )
    def show(ke, param):
        snapshot = store.latest()
        steps = 1 + len(snapshot.table("kabkota"))
        ke = min(max(int(ke or 0), 0), steps - 1)
        ind = indicators.get(param["indikator"])
        view = step_view(snapshot, ind.id, ke)
        plan = rakor.plan_for(snapshot, plans, param.get("rencana"), comparisons=comparisons, results=results)
        region = snapshot.region(view.wilayah)
        frame, classes = report.view_classes(snapshot, view)
        chosen = [r for r in plan.rows if str(r["kode"]).startswith(view.wilayah + ".")]
        figure = figures.map_figure(
            frame,
            classes,
            ind,
            geojson_url(app, snapshot, view.tingkat),
            outline=kemajuan.codes_now(plan.kemajuan, [r["kode"] for r in chosen]) if ke else [],
            border=BORDER,
        )
        figure.update_layout(hoverlabel={"font": {"size": 20}})

        tiles = [
            _tile(label, value, note)
            for label, value, note in (rakor.key_fact(region, k) for k in rakor.KEY_INDICATORS)
        ]
        if ke == 0:
            top = frame.dropna(subset=["nilai"]).sort_values("peringkat").head(TOP_KABKOTA)
            heading = f"{map_view.top_title(ind, view.tingkat, TOP_KABKOTA)}: {ind.label_pendek}"
            # A rate with the count it rests on, as on the map page's list.
            basis = indicators.get(ind.penyebut) if ind.is_rate else None
            items = [
                html.Li(
                    f"{r.nama}: {fmt.nilai(ind, r.nilai)}"
                    + (f" (dari {fmt.nilai(basis, getattr(r, ind.penyebut))})" if basis else "")
                )
                for r in top.itertuples()
            ]
        else:
            heading = f"Nagari prioritas ({plan.nama})"
            items = [html.Li(f"{r['nama']}: " + nagari_line(r, plan.kemajuan)) for r in chosen[:NAGARI_SHOWN]] or [
                html.Li("Belum ada nagari prioritas dipilih.")
            ]
        side = tiles + [
            html.H2(heading, className="presentasi-daftar-judul", title=heading),
            html.Ol(items, className="presentasi-daftar"),
        ]
        if ke == 0 and plan.kemajuan is not None and plan.kemajuan.has_release:
            side += progress_block(plan.kemajuan)
        if ke and len(chosen) > NAGARI_SHOWN:
            side.append(
                html.P(
                    f"dan {fmt.angka(len(chosen) - NAGARI_SHOWN)} nagari prioritas lain",
                    className="presentasi-lainnya",
                )
            )
        subtitle = f"{ind.label} · data per {fmt.tanggal(snapshot.tanggal_referensi)}"
        shown = {"snapshot": snapshot.id, "ke": ke, "indikator": ind.id}
        search = f"?indikator={ind.id}&rencana={param.get('rencana') or rakor.AUTOMATIC}&ke={ke}"
        return (
            str(region["nama"]),
            subtitle,
            f"{ke + 1}/{steps}",
            figure,
            side,
            legend(classes, ind, view.tingkat, approximate=len(figures.marker_codes(frame))),
            shown,
            search,
        )
