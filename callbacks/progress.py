"""The priority page's "Kemajuan rencana": choose a saved plan and a later release, see
targets, realised and the share reached per kab/kota or nagari, download the table."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

import ids
from kantong import data, exports, fmt, gate
from kantong import progress as kemajuan
from kantong.comparisons import ComparisonError
from kantong.priority import short_name
from layouts import progress as layout


def _wilayah() -> str | None:
    """The kab/kota an operator is limited to; None for the province's roles."""
    who = data.current_principal()
    return None if who is None or who.sees_all else who.wilayah


def plan_choices(plans, comparisons) -> tuple[list[dict], str | None]:
    """The saved plans (the asker's), and the one to show first: the latest saved that a
    later release can measure, else the latest saved."""
    listed = plans.list()
    options = [
        {"label": f"{p['nama']} (rilis {p['snapshot_nama']}, {p['jumlah_nagari']} nagari)", "value": str(p["id"])}
        for p in listed
    ]
    if not listed:
        return options, None
    measurable = [p for p in listed if kemajuan.later_releases(comparisons, p["snapshot_nama"])]
    first = max(measurable or listed, key=lambda p: (p["disimpan_pada"], p["id"]))
    return options, str(first["id"])


def release_choices(plan, comparisons) -> tuple[list[dict], str]:
    later = kemajuan.later_releases(comparisons, plan.snapshot_nama)
    options = [{"label": f"{r.nama} ({fmt.tanggal(r.tanggal_referensi)})", "value": r.nama} for r in later]
    options.append({"label": "Tanpa rilis pembanding (hasil lapangan saja)", "value": layout.FIELD_ONLY})
    return options, (later[0].nama if later else layout.FIELD_ONLY)


def _tile(label: str, real, target, share) -> dbc.Col:
    value = None if share is None or pd.isna(share) else float(share) * 100
    return dbc.Col(
        html.Div(
            [
                html.Div(label, className="small text-muted"),
                html.Div(
                    [
                        html.Span(kemajuan.count_text(real), className="fs-5 fw-semibold"),
                        html.Span(f" dari target {fmt.angka(target)} KK · ", className="small"),
                        html.Span(kemajuan.share_text(share), className="small fw-semibold"),
                    ]
                ),
                # The share is in the text beside it: a label inside a short bar would be cut.
                dbc.Progress(
                    value=min(value or 0, 100),
                    hide_label=True,
                    color="success" if value is not None and value >= 100 else "primary",
                    style={"height": "0.6rem"},
                    className="mt-1",
                ),
            ],
            className="border rounded p-2 h-100",
        ),
        md=3,
    )


def summary(prog: kemajuan.Progress) -> html.Div:
    total = prog.provinsi
    tiles = []
    if prog.has_release:
        tiles += [
            _tile(m.label, total[f"realisasi_{m.kunci}"], total[f"target_{m.kunci}"], total[f"capaian_{m.kunci}"])
            for m in kemajuan.MEASURES
        ]
    before, after = total.get("kk_d1_non_dtks_a"), total.get("kk_d1_non_dtks_b")
    field_lines = [
        html.Div("Hasil lapangan", className="small text-muted"),
        html.Div(
            f"{fmt.angka(total['kk_verval'])} KK diverifikasi, {fmt.angka(total['kk_verval_layak'])} layak, "
            f"{fmt.angka(total['kk_usul_dtks'])} diusulkan ke DTKS; {fmt.angka(total['kk_bantuan_disalurkan'])} KK "
            "menerima bantuan (tindak lanjut disalurkan).",
            className="small",
        ),
    ]
    if prog.has_release and not (pd.isna(before) or pd.isna(after)):
        field_lines.append(
            html.Div(
                f"KK desil 1 belum DTKS di nagari rencana: {fmt.angka(before)} → {fmt.angka(after)}.",
                className="small",
            )
        )
    tiles.append(dbc.Col(html.Div(field_lines, className="border rounded p-2 h-100"), md=3))
    where = "" if prog.nagari.empty else f" {fmt.angka(len(prog.nagari))} nagari rencana."
    return html.Div(
        [html.P(prog.subtitle() + where, className="small mb-1"), dbc.Row(tiles, className="g-2 mb-2")],
    )


def grid_rows(prog: kemajuan.Progress, level: str) -> list[dict]:
    frame = (prog.nagari if level == "desa" else prog.kabkota).copy()
    frame["nama_kabkota_pendek"] = frame["nama_kabkota"].map(lambda n: short_name(str(n)))
    for m in kemajuan.MEASURES:
        frame[f"capaian_{m.kunci}"] = frame[f"capaian_{m.kunci}"] * 100  # the grid shows percent
    if level == "desa":
        frame["status_teks"] = [_status_text(s, k, b) for s, k, b in frame[["status_wilayah", "kode", "kode_b"]].values]
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


STATUS_TEXT = {
    "sama": "",
    "ganti_kode": "kode baru {b}",
    "digabung": "digabung ke {b}",
    "dipecah": "dimekarkan",
    "hanya_a": "tidak ada di rilis pembanding",
}


def _status_text(status, kode, kode_b) -> str:
    if not isinstance(status, str):
        return ""
    return STATUS_TEXT.get(status, status).format(b=kode_b)


def export_table(prog: kemajuan.Progress) -> bytes:
    """Both levels in one workbook: shares in percent, realised empty without a later release."""
    count = exports.INT
    measure_cols = []
    for m in kemajuan.MEASURES:
        measure_cols += [
            exports.Column(f"target_{m.kunci}", f"{m.label}: target", count),
            exports.Column(f"realisasi_{m.kunci}", f"{m.label}: realisasi", count),
            exports.Column(f"capaian_pct_{m.kunci}", f"{m.label}: capaian", exports.PCT),
        ]
    rest = [
        exports.Column("kk_d1_non_dtks_a", "KK desil 1 belum DTKS, rilis rencana", count),
        exports.Column("kk_d1_non_dtks_b", "KK desil 1 belum DTKS, rilis pembanding", count),
        *(exports.Column(c, kemajuan.FIELD_LABELS[c], count) for c in kemajuan.FIELD_COLUMNS),
    ]

    def pct(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        for m in kemajuan.MEASURES:
            frame[f"capaian_pct_{m.kunci}"] = frame[f"capaian_{m.kunci}"] * 100
        return frame

    lines = [f"Kemajuan rencana: {prog.rencana}", prog.subtitle(), *prog.catatan]
    kab = [
        exports.Column("kode_kabkota", "Kode"),
        exports.Column("nama_kabkota", "Kab/kota"),
        exports.Column("nagari", "Nagari", count),
    ]
    nagari = [
        exports.Column("kode", "Kode"),
        exports.Column("nama", "Nagari/desa"),
        exports.Column("nama_kabkota", "Kab/kota"),
        exports.Column("status_wilayah", "Status kode di rilis pembanding"),
        exports.Column("kode_b", "Kode di rilis pembanding"),
    ]
    return exports.xlsx_bytes(
        [
            ("Per kab-kota", pct(prog.kabkota), kab + measure_cols + rest, lines),
            ("Per nagari", pct(prog.nagari), nagari + measure_cols + rest, lines),
        ]
    )


def register(app, plans, comparisons, results) -> None:
    def progress_of(rencana: str, rilis: str | None) -> kemajuan.Progress:
        if not str(rencana).isascii() or not str(rencana).isdigit():
            raise KeyError(rencana)  # not a plan id: as if unknown
        plan = plans.open(int(rencana))
        field_only = rilis == layout.FIELD_ONLY
        return kemajuan.plan_progress(
            plan, comparisons, results, None if field_only else rilis, wilayah=_wilayah(), field_only=field_only
        )

    @app.callback(
        Output(ids.KEMAJUAN_RENCANA, "options"),
        Output(ids.KEMAJUAN_RENCANA, "value"),
        Input(ids.RENCANA_DAFTAR, "options"),  # saved plans change: so does this list
        State(ids.KEMAJUAN_RENCANA, "value"),
    )
    def list_plans(_saved, current):
        options, first = plan_choices(plans, comparisons)
        keep = current if any(o["value"] == current for o in options) else first
        return options, keep

    @app.callback(
        Output(ids.KEMAJUAN_RILIS, "options"),
        Output(ids.KEMAJUAN_RILIS, "value"),
        Input(ids.KEMAJUAN_RENCANA, "value"),
    )
    def list_releases(rencana):
        if not rencana:
            return [], None
        try:
            return release_choices(plans.open(int(rencana)), comparisons)
        except (KeyError, ValueError):
            return [], None

    @app.callback(
        Output(ids.KEMAJUAN_RINGKASAN, "children"),
        Output(ids.KEMAJUAN_GRID, "columnDefs"),
        Output(ids.KEMAJUAN_GRID, "rowData"),
        Output(ids.KEMAJUAN_CATATAN, "children"),
        Input(ids.KEMAJUAN_RILIS, "value"),
        Input(ids.KEMAJUAN_TINGKAT, "value"),
        State(ids.KEMAJUAN_RENCANA, "value"),
    )
    def show(rilis, level, rencana):
        if not rencana:
            note = html.P(
                "Belum ada rencana tersimpan. Simpan rencana di atas; kemajuannya dapat diukur setelah rilis data "
                "berikutnya terbit atau hasil verval diimpor.",
                className="small mb-0",
            )
            return note, no_update, [], ""
        if not rilis:
            raise PreventUpdate  # the release list is being filled for this plan
        try:
            prog = progress_of(rencana, rilis)
        except KeyError:
            return dbc.Alert("Rencana tidak ditemukan (mungkin baru dihapus).", color="warning"), no_update, [], ""
        except (ValueError, ComparisonError) as err:
            return dbc.Alert(f"Kemajuan tidak dapat diukur: {err}", color="warning"), no_update, [], ""
        level = level if level in ("kabkota", "desa") else "kabkota"
        notes = html.Ul([html.Li(n) for n in prog.catatan], className="mb-0") if prog.catatan else ""
        return summary(prog), layout.columns(level, prog.has_release), grid_rows(prog, level), notes

    @app.callback(
        Output(ids.KEMAJUAN_BERKAS, "data"),
        Input(ids.KEMAJUAN_UNDUH, "n_clicks"),
        State(ids.KEMAJUAN_RENCANA, "value"),
        State(ids.KEMAJUAN_RILIS, "value"),
        prevent_initial_call=True,
    )
    def download(_n, rencana, rilis):
        if not rencana:
            raise PreventUpdate
        try:
            prog = progress_of(rencana, rilis)
        except (KeyError, ValueError, ComparisonError):
            raise PreventUpdate from None
        name = exports.file_name("kemajuan", prog.rencana, prog.rilis_b or "lapangan", ext=exports.XLSX)
        gate.record("ekspor", _wilayah(), berkas=name, baris=len(prog.nagari))
        return dcc.send_bytes(export_table(prog), name)
