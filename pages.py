"""The pages of the dashboard, in one list.

Each page is one `Page`: its path, its title in the navigation bar (None: no entry, as for
the presentation mode), the function that builds its layout, the function that registers
its callbacks, and its flags. The navigation bar (layouts.main.shell), the routing (the
first layout and later address changes, callbacks.pages) and the callback registration
(callbacks.register_all) all read this list, so a new page is one new entry here.

A layout function takes a `Route` (the newest snapshot, the address asked for and the
app's services) and returns the page's components. A callback function takes the app's
`Services` and registers the page's callbacks; a function named by several pages is
registered once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callbacks import admin, exports, map_view, presentation, priority, profile, progress, rakor, search, verval, view
from callbacks import perbandingan as perbandingan_callbacks
from callbacks import rilis as rilis_callbacks
from kantong.data import Snapshot, SnapshotCache
from layouts import admin as admin_layout
from layouts import method
from layouts import perbandingan as perbandingan_layout
from layouts import presentation as presentation_layout
from layouts import priority as priority_layout
from layouts import rakor as rakor_layout
from layouts import rilis as rilis_layout
from layouts import verval as verval_layout
from layouts.main import map_page


@dataclass(frozen=True)
class Services:
    """What pages and their callbacks use: the app, the stores they read, shared caches."""

    app: Any  # dash.Dash
    store: Any  # kantong.data.SnapshotStore
    plans: Any  # kantong.plans.PlanStore
    decks: Path  # where built Paket Rakor decks are kept
    map_cache: SnapshotCache | None = None  # the map's pieces per view, shared by the workers
    accounts: Any = None  # kantong.accounts.AccountStore
    audit: Any = None  # kantong.audit.AuditLog
    results: Any = None  # kantong.verval.results.ResultStore: field verification
    releases: Any = None  # kantong.releases.ReleaseStore: data releases
    comparisons: Any = None  # kantong.comparisons.ComparisonStore: comparisons between releases
    work: Path | None = None  # background-job state and uploads (app's work_dir)


@dataclass(frozen=True)
class Route:
    """What a page is built from: the newest snapshot and the address (path and query)."""

    snapshot: Snapshot
    pathname: str  # as the browser shows it, with any prefix
    search: str  # the query with its "?", or ""
    services: Services

    @property
    def principal(self):
        """The person asking (kantong.gate), or None outside a request."""
        from flask import g, has_request_context

        return g.get("principal") if has_request_context() else None

    @property
    def plans(self):
        return self.services.plans


@dataclass(frozen=True)
class Page:
    path: str  # without the app's prefix: "/", "/prioritas"
    title: str | None  # the navigation bar's label; None: no entry
    layout: Callable[[Route], Any]
    callbacks: Callable[[Services], None] | None = None
    full_screen: bool = False  # no navigation bar or footer (the presentation mode)
    grid: bool = False  # holds an AG Grid: a first load of this page brings the grid's script at once
    plotly: bool = False  # draws a graph on load: a first load of this page asks for plotly.js at once
    permission: str | None = None  # what a role must be allowed (kantong.access); None: everyone logged in

    def allowed(self, principal) -> bool:
        return self.permission is None or principal is None or principal.may(self.permission)

    @property
    def nav_id(self) -> str:
        return f"nav-{self.path.strip('/') or 'peta'}"


def _map_layout(r: Route):
    # The first view is drawn with the page, so the map needs no callback on a first load.
    first = map_view.first_view(r.services.app, r.snapshot, r.search, r.services.map_cache)
    return map_page(r.snapshot, r.search, pathname=r.pathname, first=first)


def _map_callbacks(s: Services) -> None:
    view.register(s.app, s.store)
    map_view.register(s.app, s.store, cache=s.map_cache)
    profile.register(s.app, s.store)
    search.register(s.app, s.store)
    exports.register(s.app, s.store)


def _priority_callbacks(s: Services) -> None:
    priority.register(s.app, s.store, s.plans)
    progress.register(s.app, s.plans, s.comparisons, s.results)


def _rakor_callbacks(s: Services) -> None:
    rakor.register(s.app, s.store, s.plans, s.decks, s.audit, comparisons=s.comparisons, results=s.results)


def _presentation_callbacks(s: Services) -> None:
    presentation.register(s.app, s.store, s.plans, comparisons=s.comparisons, results=s.results)


def _verval_layout(r: Route):
    return verval_layout.page(r.snapshot, r.plans, r.principal, verval.rekap_table(r.snapshot, r.services.results))


def _verval_callbacks(s: Services) -> None:
    verval.register(s.app, s.store, s.plans, s.results, s.audit)


def _admin_callbacks(s: Services) -> None:
    admin.register(s.app, s.accounts, s.audit)


PAGES: tuple[Page, ...] = (
    Page("/", "Peta", _map_layout, _map_callbacks, plotly=True),
    Page(
        "/prioritas",
        "Prioritas & target",
        lambda r: priority_layout.page(r.snapshot, r.plans),
        _priority_callbacks,
        grid=True,
        plotly=True,
    ),
    Page(
        "/rakor",
        "Paket Rakor",
        lambda r: rakor_layout.page(r.snapshot, r.plans),
        _rakor_callbacks,
        permission="paket_rakor",
    ),
    Page("/verval", "Verval & asesmen", _verval_layout, _verval_callbacks, permission="bnba"),
    # --- perbandingan (comparison page): its Page entry here
    Page(
        "/perbandingan",
        "Perbandingan rilis",
        perbandingan_layout.page,
        perbandingan_callbacks.register,
        grid=True,
        plotly=True,
    ),
    # --- rilis (data releases page): its Page entry here
    Page("/rilis", "Rilis data", rilis_layout.page, rilis_callbacks.register, permission="publikasi"),
    Page("/metodologi", "Metodologi", lambda r: method.page(r.snapshot)),
    Page(
        "/presentasi",
        None,
        lambda r: presentation_layout.page(r.snapshot, r.search),
        _presentation_callbacks,
        full_screen=True,
        plotly=True,
        permission="presentasi",
    ),
    Page("/admin", "Admin", lambda r: admin_layout.page(r.snapshot, r.principal), _admin_callbacks, permission="akun"),
)


def find(path: str, pages: tuple[Page, ...] = PAGES) -> Page | None:
    """The page at a path (without the app's prefix; a trailing slash is ignored)."""
    wanted = "/" + path.strip("/")
    return next((page for page in pages if page.path == wanted), None)


def register_callbacks(services: Services, pages: tuple[Page, ...] = PAGES) -> None:
    """Register every page's callbacks, each function once."""
    for function in dict.fromkeys(page.callbacks for page in pages if page.callbacks):
        function(services)
