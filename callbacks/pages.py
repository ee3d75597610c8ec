"""Which page the address shows, and the snapshot line every page carries.

The page registry (pages.py) drives both ways a page is built:

* the first load: the app's layout function builds the page the browser asked for, read
  from the address the browser sends with its layout request, so the page's own callbacks
  (the map's) start at once instead of after a routing round trip;
* a later change of address inside the app (a navigation link): the routing callback.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask
from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

import ids
import pages as registry
from callbacks import map_view
from kantong import fmt, metode
from kantong.data import SnapshotNotFound
from kantong.view import View
from layouts.main import shell

NOT_FOUND = "Halaman tidak ditemukan."


def snapshot_lines(snapshot) -> tuple[str, str]:
    info = f"Snapshot {snapshot.path.name} · tanggal referensi {fmt.tanggal(snapshot.tanggal_referensi)}"
    source = (
        f"Sumber: P3KE (Kemenko PMK) dan DTKS (Kemensos), tanggal referensi {fmt.tanggal(snapshot.tanggal_referensi)}; "
        f"snapshot dibuat {fmt.tanggal(snapshot.dibuat_pada)}. "
        f"Batas wilayah: {metode.sumber_batas(snapshot.summary)}."  # the dataset's name, not a file name
    )
    return info, source


def page_at(app, pathname: str | None) -> registry.Page | None:
    """The registry's page at a browser path (with the app's prefix), None when there is none."""
    return registry.find(app.strip_relative_path(pathname or "/") or "")


def _principal():
    from flask import g, has_request_context

    return g.get("principal") if has_request_context() else None


def navigation(app) -> list[tuple[str, str, str]]:
    """(href, label, id) of every page with a navigation entry that the person asking may
    open, in registry order."""
    principal = _principal()
    return [
        (app.get_relative_path(page.path), page.title, page.nav_id)
        for page in registry.PAGES
        if page.title and page.allowed(principal)
    ]


def user_menu(app) -> dict | None:
    """Who is logged in, for the bar: name, role and the logout form's token."""
    from flask import has_request_context, session

    principal = _principal()
    if principal is None or not has_request_context():
        return None
    return {
        "nama": principal.nama,
        "peran": principal.label + (f" {principal.wilayah}" if principal.wilayah else ""),
        "csrf": session.get("csrf", ""),
        "keluar": app.get_relative_path("/keluar"),
    }


def build(services: registry.Services, snapshot, pathname: str, search: str | None) -> tuple:
    """The page at an address: (content, snapshot line, source line, class of the root)."""
    info, source = snapshot_lines(snapshot)
    page = page_at(services.app, pathname)
    if page is None:
        return html.Div(html.P(NOT_FOUND), className="container py-4"), info, source, ""
    if not page.allowed(_principal()):
        refused = html.Div(html.P("Akun ini tidak berwenang membuka halaman ini."), className="container py-4")
        return refused, info, source, ""
    route = registry.Route(snapshot=snapshot, pathname=pathname, search=search or "", services=services)
    # Full screen pages (the presentation) hide the navigation bar and footer (assets/kantong/kantong.css).
    return page.layout(route), info, source, "mode-presentasi" if page.full_screen else ""


def first_geometry(services: registry.Services, pathname: str, search: str | None) -> list[str]:
    """The boundary files the page at an address draws on load: the map page's first view.

    plotly.js fetches a map's GeoJSON only once it has started (a second or more after the
    page); the page's head asks for it at once instead (app.py)."""
    page = page_at(services.app, pathname)
    if page is None or page.path != "/":  # the map page: its layout holds the first view's map
        return []
    try:
        snapshot = services.store.latest()
    except SnapshotNotFound:
        return []
    view = View.from_query(search, snapshot)
    return [map_view.geojson_url(services.app, snapshot, view.tingkat)]


def first_preview(services: registry.Services, pathname: str, search: str | None) -> str | None:
    """The address of the map page's first frame (kantong/map_preview.py), for the page's
    head to ask for before plotly.js: an image the layout adds would otherwise wait behind
    the page's scripts."""
    page = page_at(services.app, pathname)
    if page is None or page.path != "/":
        return None
    try:
        snapshot = services.store.latest()
    except SnapshotNotFound:
        return None
    return map_view.preview_url(services.app, snapshot, search)


def requested_address() -> tuple[str, str] | None:
    """The path and query of the page the browser shows, for its layout request.

    The layout is fetched by the page's script (/_dash-layout): the page's own address is
    then the referrer, which the browser sends to its own origin (the index asks for that
    with its referrer policy). None for any other request (Dash also builds the layout once
    on the server's first request, only to check it) and when the browser sent no address."""
    if not flask.has_request_context() or not flask.request.path.endswith("/_dash-layout"):
        return None
    referrer = flask.request.referrer
    if not referrer:
        return None
    address = urlsplit(referrer)  # its host may be a proxy's: only the path and query count
    return address.path or "/", f"?{address.query}" if address.query else ""


def initial_layout(services: registry.Services, snapshot) -> html.Div:
    """The whole first layout: the shell with the page asked for already in it."""
    app = services.app
    address = requested_address()
    if address is None:
        # Unknown address: the shell alone; its address component reports the browser's
        # address when it mounts and the routing callback fills the page.
        info, source = snapshot_lines(snapshot)
        return shell(navigation(app), None, info, source, place=str(snapshot.akar["nama"]), user=user_menu(app))
    pathname, search = address
    content, info, source, class_name = build(services, snapshot, pathname, search)
    return shell(
        navigation(app),
        content,
        info,
        source,
        class_name,
        pathname=pathname,
        search=search,
        place=str(snapshot.akar["nama"]),
        user=user_menu(app),
    )


FIRST_RELEASE_PAGE = "/rilis"
NO_RELEASE = "Belum ada rilis data yang terbit, sehingga belum ada yang dapat ditampilkan."


def empty_layout(services: registry.Services) -> html.Div:
    """The layout before any release is published (a new installation): an admin gets the
    releases page, to upload and publish the first one; everyone else a message saying so.
    Every other page needs a snapshot."""
    app, principal = services.app, _principal()
    page = registry.find(FIRST_RELEASE_PAGE)
    may_publish = page is not None and principal is not None and page.allowed(principal)
    address = requested_address()
    nav = [(app.get_relative_path(page.path), page.title, page.nav_id)] if may_publish else []
    info = "Belum ada rilis data"
    if may_publish and address is not None and page_at(app, address[0]) is page:
        route = registry.Route(snapshot=None, pathname=address[0], search=address[1], services=services)
        content = page.layout(route)
    else:
        text = [html.P(NO_RELEASE)]
        if may_publish:
            text.append(
                html.P(
                    [
                        "Unggah ekspor P3KE dan DTKS, bangun dan terbitkan rilis pertama di halaman ",
                        html.A(page.title, href=app.get_relative_path(page.path), id="rilis-pertama"),
                        ", atau dari baris perintah: ",
                        html.Code("python -m etl release build"),
                        ".",
                    ]
                )
            )
        else:
            text.append(html.P("Hubungi admin provinsi: rilis pertama diterbitkan oleh admin."))
        content = html.Div([html.H1("Kantong", className="h3"), *text], className="container py-5")
    where = {"pathname": address[0], "search": address[1]} if address else {}
    return shell(nav, content, info, "", user=user_menu(app), **where)


def register(services: registry.Services) -> None:
    app, store = services.app, services.store

    # Not on the first load: the layout already holds the page asked for.
    @app.callback(
        Output(ids.HALAMAN, "children"),
        Output(ids.INFO_SNAPSHOT, "children"),
        Output(ids.SUMBER, "children"),
        Output(ids.AKAR, "className"),
        Input(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def render_page(pathname, search):
        try:
            snapshot = store.latest()
        except SnapshotNotFound:
            raise PreventUpdate from None  # no release yet: the first layout (empty_layout) is all there is
        return build(services, snapshot, pathname or "/", search)
