"""Kantong dashboard.

    python app.py                      # development server on http://127.0.0.1:8050
    gunicorn app:server -w 2 -b 0.0.0.0:8050   # production

The app serves every asset itself (Dash bundles, Bootstrap CSS, boundary GeoJSON): it
works with no internet connection.
"""

from __future__ import annotations

import os
from pathlib import Path

import dash
import dash_bootstrap_components as dbc  # noqa: F401  (registers the components)
import diskcache
from dash import DiskcacheManager, html
from flask import Response, abort, request, send_file

from callbacks import register_all
from etl import config
from kantong import rakor, render
from kantong.data import MAP_LEVELS, SnapshotNotFound, SnapshotStore
from kantong.plans import PlanStore
from layouts.main import shell

INDEX = """<!DOCTYPE html>
<html lang="id">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""


def create_app(snapshot_root=None, plans_db=None, work_dir=None) -> dash.Dash:
    """`work_dir` holds background-job state and built decks (default data/cache/app)."""
    store = SnapshotStore(snapshot_root)
    plans = PlanStore(plans_db or config.PLANS_DB)
    work = Path(work_dir) if work_dir else config.CACHE_DIR / "app"
    decks = work / "paket"
    # Background callbacks (the Paket Rakor) run in their own process; their progress and
    # results live on disk, so every gunicorn worker can answer the page's polling.
    jobs = DiskcacheManager(diskcache.Cache(str(work / "tugas")), expire=3600)
    app = dash.Dash(
        __name__,
        title="Kantong · Peta kantong kemiskinan Sumatera Barat",
        compress=True,
        serve_locally=True,
        update_title=None,
        index_string=INDEX,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        suppress_callback_exceptions=True,
        background_callback_manager=jobs,
    )
    server = app.server
    server.config["COMPRESS_MIMETYPES"] = server.config.get("COMPRESS_MIMETYPES", []) + ["application/geo+json"]

    def page():
        try:
            store.latest()
        except SnapshotNotFound as err:
            return html.Div([html.H1("Kantong", className="h3"), html.P(str(err))], className="container py-5")
        return shell()

    app.layout = page

    @server.route("/geo/<snapshot_id>/<level>.geojson")
    def geojson(snapshot_id: str, level: str):
        if level not in MAP_LEVELS:
            abort(404)
        try:
            snapshot = store.by_id(snapshot_id)
        except SnapshotNotFound:
            abort(404)
        body = snapshot.geojson_gzip(level)
        headers = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            return Response(body, mimetype="application/geo+json", headers={**headers, "Content-Encoding": "gzip"})
        return Response(snapshot.geojson_path(level).read_bytes(), mimetype="application/geo+json", headers=headers)

    @server.route("/unduh/paket/<token>/<name>")
    def deck_download(token: str, name: str):
        path = rakor.deck_file(decks, token, name)
        if path is None:
            abort(404)
        return send_file(path, as_attachment=True, download_name=name, max_age=0)

    register_all(app, store, plans, decks)
    return app


app = create_app(os.environ.get("KANTONG_SNAPSHOTS"), os.environ.get("KANTONG_PLANS"))
server = app.server
if os.environ.get("KANTONG_WARM_RENDERER", "1") != "0":
    render.warm_in_background()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8050")), debug=False)
