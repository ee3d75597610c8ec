"""Paket Rakor page: the deck is built in a background job with progress; the page stays usable."""

from __future__ import annotations

import dataclasses
import time
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import Input, Output, State, html

import ids
from kantong import data, fmt, gate, priority, rakor, render
from kantong import progress as kemajuan


def _size(n: int) -> str:
    return f"{fmt.angka(n / 1_000_000, 1)} MB" if n >= 100_000 else f"{fmt.angka(n / 1000)} KB"


def result_links(app, token: str, files: list[tuple[str, int]], slides: int, seconds: float) -> html.Div:
    labels = {"pptx": "Unduh PowerPoint", "pdf": "Unduh PDF"}
    buttons = [
        html.A(
            f"{labels[name.rsplit('.', 1)[1]]} ({_size(size)})",
            href=app.get_relative_path(f"/unduh/paket/{token}/{name}"),
            download=name,
            className="btn btn-success me-2 mb-2",
            id=ids.rakor_unduh(name.rsplit(".", 1)[1]),
        )
        for name, size in files
    ]
    return html.Div(
        [
            html.Div(buttons),
            html.Div(
                f"{fmt.angka(slides)} slide, disusun dalam {fmt.angka(seconds, 1)} detik. Tautan berlaku 24 jam.",
                className="small text-muted",
            ),
        ]
    )


def marked(plan: rakor.PlanRows) -> rakor.PlanRows:
    """The plan with its out-of-range targets said where the deck describes the plan (the
    table slides and the method slide), so they never reach the meeting unmarked. A plan
    saved before targets were checked may hold them."""
    problems = priority.check_targets(plan.rows)
    if not problems:
        return plan
    listed = " ".join(p.text() for p in problems[:5])
    more = f" Dan {fmt.angka(len(problems) - 5)} lainnya." if len(problems) > 5 else ""
    note = f"PERHATIAN: {fmt.angka(len(problems))} target di luar rentang belum diperbaiki. {listed}{more}"
    return dataclasses.replace(plan, keterangan=f"{plan.keterangan} {note}")


def progress_note(plan: rakor.PlanRows, comparisons) -> str:
    """Whether the deck will carry the plan's progress slides, and measured against what."""
    if plan.rilis is None or comparisons is None:
        return ""
    later = kemajuan.later_releases(comparisons, plan.rilis)
    if later:
        return (
            f" Paket memuat slide kemajuan rencana: target dibandingkan dengan rilis {later[0].nama} "
            f"({fmt.tanggal(later[0].tanggal_referensi)}) dan hasil lapangan."
        )
    return (
        f" Belum ada rilis sesudah rilis rencana ({plan.rilis}): slide kemajuan hanya memuat hasil lapangan, bila ada."
    )


def plan_note(plan: rakor.PlanRows, comparisons=None) -> html.Div:
    """Which plan the deck is built from, in the build dialog, with any target out of range."""
    lines = [
        html.Div(
            [
                html.B("Rencana yang dipakai: "),
                plan.keterangan,
                f" {fmt.angka(len(plan.rows))} nagari/desa.",
                progress_note(plan, comparisons),
            ]
        )
    ]
    problems = priority.check_targets(plan.rows)
    if problems:
        lines.append(
            dbc.Alert(
                [
                    html.B(
                        f"{fmt.angka(len(problems))} target di luar rentang: perbaiki di halaman Prioritas & target. "
                        "Paket yang dibuat sekarang menandainya."
                    ),
                    html.Ul([html.Li(p.text()) for p in problems[:10]], className="mb-0"),
                ],
                color="warning",
                className="py-2 mt-2 mb-0 small",
            )
        )
    return html.Div(lines)


def register(app, store, plans, decks_dir, audit=None, comparisons=None, results=None) -> None:
    @app.callback(
        Output(ids.RAKOR_HASIL, "children"),
        Input(ids.RAKOR_BUAT, "n_clicks"),
        State(ids.RAKOR_INDIKATOR, "value"),
        State(ids.RAKOR_RENCANA, "value"),
        background=True,
        running=[
            (Output(ids.RAKOR_BUAT, "disabled"), True, False),
            (Output(ids.RAKOR_PROGRES_WADAH, "style"), {"display": "block"}, {"display": "none"}),
        ],
        progress=[
            Output(ids.RAKOR_PROGRES, "value"),
            Output(ids.RAKOR_PROGRES, "label"),
            Output(ids.RAKOR_STATUS, "children"),
        ],
        progress_default=[0, "", ""],
        interval=500,
        prevent_initial_call=True,
    )
    def build_deck(set_progress, _n, indikator, rencana):
        started = time.perf_counter()
        snapshot = store.latest()
        plan = marked(rakor.plan_for(snapshot, plans, rencana, comparisons=comparisons, results=results))

        def progress(done: int, total: int, label: str) -> None:
            share = round(100 * done / total) if total else 0
            set_progress((share, f"{share}%", label))

        # This job runs in its own process: it starts a browser of its own and stops it after.
        renderer = render.renderer()
        try:
            deck = rakor.build(snapshot, indikator, plan, renderer, progress)
        except render.RenderError as err:
            return dbc.Alert(f"Paket Rakor gagal dibuat: {err}", color="danger")
        finally:
            renderer.close()
        # The job runs as the person who started it (kantong.gate shares them with the job).
        principal = data.current_principal()
        token, files = rakor.save_deck(deck, decks_dir, principal.nama if principal else None)
        gate.record_job(audit, "paket_rakor", snapshot.scope, berkas=deck.stem, slide=len(deck.slides))
        return html.Div(
            [
                html.Div(f"Dibuat dari: {plan.nama}.", className="small mb-1"),
                result_links(app, token, files, len(deck.slides), time.perf_counter() - started),
            ]
        )

    @app.callback(Output(ids.RAKOR_RENCANA_INFO, "children"), Input(ids.RAKOR_RENCANA, "value"))
    def show_plan(rencana):
        return plan_note(rakor.plan_for(store.latest(), plans, rencana), comparisons)

    @app.callback(
        Output(ids.RAKOR_PRESENTASI, "href"), Input(ids.RAKOR_INDIKATOR, "value"), Input(ids.RAKOR_RENCANA, "value")
    )
    def presentation_link(indikator, rencana):
        return app.get_relative_path("/presentasi") + "?" + urlencode({"indikator": indikator, "rencana": rencana})
