"""Which page the address shows, and the snapshot line every page carries."""

from __future__ import annotations

from dash import Input, Output, State, html

from kantong import fmt
from layouts import method, presentation, priority, rakor
from layouts.main import map_page


def snapshot_lines(snapshot) -> tuple[str, str]:
    info = f"Snapshot {snapshot.path.name} · tanggal referensi {fmt.tanggal(snapshot.tanggal_referensi)}"
    source = (
        f"Sumber: P3KE (Kemenko PMK) dan DTKS (Kemensos), tanggal referensi {fmt.tanggal(snapshot.tanggal_referensi)}; "
        f"snapshot dibuat {fmt.tanggal(snapshot.dibuat_pada)}. "
        f"Batas wilayah: {snapshot.summary['sumber']['batas_wilayah']['desa']['sumber']}."
    )
    return info, source


def register(app, store, plans) -> None:
    @app.callback(Output("halaman", "children"), Output("info-snapshot", "children"), Output("sumber", "children"),
                  Output("akar", "className"), Input("url", "pathname"), State("url", "search"))
    def render_page(pathname, search):
        snapshot = store.latest()
        info, source = snapshot_lines(snapshot)
        path = app.strip_relative_path(pathname or "/") or ""
        if path == "prioritas":
            page = priority.page(snapshot, plans)
        elif path == "metodologi":
            page = method.page(snapshot)
        elif path == "rakor":
            page = rakor.page(snapshot, plans)
        elif path == "presentasi":
            # Full screen: no navigation bar or footer, only the map and the figures.
            return presentation.page(snapshot, search), info, source, "mode-presentasi"
        elif path == "":
            page = map_page()
        else:
            page = html.Div(html.P("Halaman tidak ditemukan."), className="container py-4")
        return page, info, source, ""
