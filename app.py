"""Kantong dashboard.

    python app.py                      # development server on http://127.0.0.1:8050
    gunicorn app:server -w 2 -b 0.0.0.0:8050   # production

The app serves every asset itself (Dash bundles, Bootstrap CSS, boundary GeoJSON): it
works with no internet connection. Its pages are listed once, in pages.py.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from html import escape as html_escape
from pathlib import Path

import dash
import dash_bootstrap_components as dbc  # noqa: F401  (registers the components)
import diskcache
import flask
from dash import DiskcacheManager
from flask import Response, abort, request, send_file

from callbacks import errors, map_view, register_all
from callbacks import pages as routing
from etl import config
from kantong import gate, rakor, release_upload, render
from kantong.accounts import AccountStore
from kantong.audit import AuditLog
from kantong.comparisons import ComparisonStore
from kantong.data import ScopedStore, SnapshotNotFound, SnapshotStore
from kantong.plans import PlanStore, ScopedPlans
from kantong.releases import ReleaseStore
from kantong.verval.results import ResultStore
from kantong.view import View

# The page's own address goes with its requests to this server (and only to it): the
# layout request carries it, so the first layout holds the page asked for (callbacks/pages.py).
INDEX = """<!DOCTYPE html>
<html lang="id">
<head>{%metas%}<meta name="referrer" content="same-origin"><title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""

# The AG Grid bundle (1.3 MB, 0.36 MB compressed) is needed only where a grid is drawn.
GRID_SCRIPT = re.compile(
    r'<script src="(?P<src>[^"]*/_dash-component-suites/dash_ag_grid/dash_ag_grid[^"]*\.js)"></script>'
)


# Where dcc.Graph loads plotly.js from when the app serves its scripts itself.
PLOTLY_JS = "{}_dash-component-suites/plotly/package_data/plotly.min.js"

# A boundary file the page's map draws first. plotly.js asks for it (an XHR, same-origin
# credentials: hence `crossorigin`) only once it has started and made the map; asked for with
# the page, it is there by then, and plotly's request takes the preloaded response (also with
# the browser's cache disabled).
GEOJSON_PRELOAD = '<link rel="preload" as="fetch" crossorigin href="{href}">'
# The map page's first frame: asked for before plotly.js, so it is on screen long before it.
PREVIEW_PRELOAD = '<link rel="preload" as="image" fetchpriority="high" href="{href}">'


class KantongDash(dash.Dash):
    # (path, query) -> boundary files the page draws on load (callbacks.pages.first_geometry).
    first_geometry = staticmethod(lambda pathname, search: [])
    # (path, query) -> the address of the map page's first frame, if the page has one.
    first_preview = staticmethod(lambda pathname, search: None)

    def interpolate_index(self, **kwargs):
        """The page's HTML, with the scripts the page asked for (pages.py) needs first.

        A page without a grid leaves the AG Grid bundle out: assets/kantong/aggrid_lazy.js
        loads it when a grid first renders (after moving to such a page inside the app).
        A page with a grid (`grid=True`) keeps it, so its grid draws at once. A page with
        a graph on load (`plotly=True`) has plotly.js preloaded."""
        page = routing.page_at(self, request.path) if flask.has_request_context() else None
        if page is None or not page.grid:
            kwargs["scripts"] = GRID_SCRIPT.sub(
                lambda m: f"<script>window.kantongAgGridSrc = {json.dumps(m.group('src'))};</script>",
                kwargs.get("scripts", ""),
                count=1,
            )
        if page is not None and page.plotly:
            # plotly.js (4.8 MB, 1.4 MB compressed) is fetched by the first graph that mounts,
            # after the layout; asked for with the page, it is there when the graph wants it.
            href = PLOTLY_JS.format(self.config.requests_pathname_prefix)
            query = request.query_string.decode("latin-1")
            search = f"?{query}" if query else ""
            preview = self.first_preview(request.path, search)
            if preview:
                kwargs["metas"] = kwargs.get("metas", "") + PREVIEW_PRELOAD.format(href=html_escape(preview))
            kwargs["metas"] = kwargs.get("metas", "") + f'<link rel="preload" as="script" href="{href}">'
            # The map's boundaries, fetched with the page rather than after plotly.js has started.
            for url in self.first_geometry(request.path, search):
                kwargs["metas"] += GEOJSON_PRELOAD.format(href=html_escape(url))
        return super().interpolate_index(**kwargs)


def create_app(
    snapshot_root=None, plans_db=None, work_dir=None, users_db=None, audit_db=None, verval_db=None
) -> dash.Dash:
    """`work_dir` holds background-job state, built decks and the map's shared cache
    (default data/cache/app); `users_db` the accounts, `audit_db` the audit log and
    `verval_db` the field verification results (default KANTONG_USERS, KANTONG_AUDIT,
    KANTONG_VERVAL)."""
    # Every page, callback and route reads snapshots through the scoped store: what it gets
    # is already limited to the person asking (kantong.gate puts them in flask.g).
    # Field verification results: kept per family, shown on the map as the verval indicators.
    results = ResultStore(verval_db or config.VERVAL_DB)
    store = ScopedStore(SnapshotStore(snapshot_root), verval=results)
    accounts = AccountStore(users_db or config.USERS_DB)
    audit = AuditLog(audit_db or config.AUDIT_DB)
    plans = ScopedPlans(PlanStore(plans_db or config.PLANS_DB))
    work = Path(work_dir) if work_dir else config.CACHE_DIR / "app"
    decks = work / "paket"
    # Background callbacks (the Paket Rakor) run in their own process; their progress and
    # results live on disk, so every gunicorn worker can answer the page's polling.
    jobs = DiskcacheManager(diskcache.Cache(str(work / "tugas")), expire=3600)
    app = KantongDash(
        __name__,
        title="Kantong · Peta kantong kemiskinan",
        compress=True,
        serve_locally=True,
        update_title=None,
        index_string=INDEX,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        suppress_callback_exceptions=True,
        background_callback_manager=jobs,
        on_error=errors.on_error,
    )
    server = app.server
    server.config["COMPRESS_MIMETYPES"] = server.config.get("COMPRESS_MIMETYPES", []) + ["application/geo+json"]

    @server.route("/geo/<snapshot_id>/<level>.geojson")
    def geojson(snapshot_id: str, level: str):
        try:
            snapshot = store.by_id(snapshot_id)
        except SnapshotNotFound:
            abort(404)
        if level not in snapshot.map_levels:
            abort(404)
        # Only the features in the asker's scope; the scoped snapshot's id (in the map's URL)
        # keeps one person's file apart from another's in a browser's cache.
        body = snapshot.geojson_gzip(level)
        headers = {"Cache-Control": "private, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            return Response(body, mimetype="application/geo+json", headers={**headers, "Content-Encoding": "gzip"})
        return Response(gzip.decompress(body), mimetype="application/geo+json", headers=headers)

    @server.route("/unduh/paket/<token>/<name>")
    def deck_download(token: str, name: str):
        principal = flask.g.get("principal")
        path = rakor.deck_file(decks, token, name, principal.nama if principal else None)
        if path is None:
            abort(404)
        gate.record("ekspor", berkas=name)
        return send_file(path, as_attachment=True, download_name=name, max_age=0)

    releases = ReleaseStore(store.root, audit=audit, plans_db=plans_db or config.PLANS_DB, alamat="dasbor")
    comparisons = ComparisonStore(releases, work / "perbandingan")
    services = register_all(
        app,
        store,
        plans,
        decks,
        work,
        accounts=accounts,
        audit=audit,
        results=results,
        releases=releases,
        comparisons=comparisons,
    )
    # --- rilis: the upload routes are registered here
    release_upload.register(server, services)

    @server.route("/peta-awal/<snapshot_id>.svg")
    def map_preview(snapshot_id: str):
        # The map page's first frame (kantong/map_preview.py) for the view in the query.
        try:
            snapshot = store.by_id(snapshot_id)
        except SnapshotNotFound:
            abort(404)
        query = request.query_string.decode("latin-1")
        body = map_view.preview_gzip(snapshot, View.from_query(f"?{query}", snapshot), services.map_cache)
        if body is None:
            abort(404)
        headers = {"Cache-Control": "private, max-age=86400", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            return Response(body, mimetype="image/svg+xml", headers={**headers, "Content-Encoding": "gzip"})
        return Response(gzip.decompress(body), mimetype="image/svg+xml", headers=headers)

    app.kantong_accounts, app.kantong_audit, app.kantong_root = accounts, audit, store.root
    app.first_geometry = lambda pathname, search: routing.first_geometry(services, pathname, search)
    app.first_preview = lambda pathname, search: routing.first_preview(services, pathname, search)

    def layout():
        # The shell with the page asked for already in it (pages.py, callbacks/pages.py).
        try:
            snapshot = store.latest()
        except SnapshotNotFound:
            return routing.empty_layout(services)  # a new installation: the first release comes first
        return routing.initial_layout(services, snapshot)

    app.layout = layout
    # The gate in front of every request (kantong/gate.py).
    gate.install(app, accounts, audit)
    return app


app = create_app(os.environ.get("KANTONG_SNAPSHOTS"), os.environ.get("KANTONG_PLANS"))
server = app.server
if os.environ.get("KANTONG_WARM_RENDERER", "1") != "0":
    render.warm_in_background()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8050")), debug=False)
