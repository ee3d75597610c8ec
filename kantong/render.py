"""Static images of figures (PNG, SVG, PDF) rendered by Kaleido with the system Chromium.

One headless Chromium per process is started on first use and reused: starting it takes
about a second, a render afterwards a fraction of that. Kaleido runs on its own event
loop in a background thread; callers in any thread submit figures to that loop, so
concurrent requests render side by side in separate tabs and never receive each other's
images (Kaleido's own sync server hands results back in queue order, which is unsafe
under a threaded web server).

No internet is needed: plotly.js comes from the plotly package, MathJax is off, and the
browser is the system's (BROWSER_PATH, default /usr/bin/chromium).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import threading
from concurrent.futures import Future
from dataclasses import dataclass

import plotly.graph_objects as go

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
PNG_SCALE = 2  # PNG at twice the logical size: sharp on a projector and in print
TABS = 2  # one per core on the reference machine
TIMEOUT_S = 60


class RenderError(RuntimeError):
    pass


def browser_path() -> str | None:
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@dataclass(frozen=True)
class Image:
    data: bytes
    format: str

    @property
    def mimetype(self) -> str:
        return FORMATS[self.format]


class Renderer:
    """A long-lived Kaleido; `render` is safe to call from any thread."""

    def __init__(self, tabs: int = TABS):
        self.tabs = tabs
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def _start(self) -> None:
        import kaleido

        path = browser_path()
        if not path:
            raise RenderError("Chromium tidak ditemukan: pasang paket chromium atau setel BROWSER_PATH.")
        os.environ.setdefault("BROWSER_PATH", path)
        loop = asyncio.new_event_loop()
        ready: Future = Future()

        async def open_browser():
            k = kaleido.Kaleido(n=self.tabs, mathjax=False, timeout=TIMEOUT_S, path=path)
            await k.open()
            return k

        def run():
            asyncio.set_event_loop(loop)
            try:
                ready.set_result(loop.run_until_complete(open_browser()))
            except BaseException as err:  # noqa: BLE001 - handed to the caller
                ready.set_exception(err)
                return
            loop.run_forever()

        threading.Thread(target=run, name="kaleido", daemon=True).start()
        self._kaleido = ready.result(timeout=TIMEOUT_S)
        self._loop = loop
        self._pid = os.getpid()

    def _ensure(self) -> None:
        # A forked worker (background jobs) inherits the object but not the thread.
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._start()

    def warm(self) -> None:
        self._ensure()

    def close(self) -> None:
        """Stop this process's browser (a background job does so before it exits)."""
        with self._lock:
            if self._pid != os.getpid() or self._loop is None:
                return
            asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(timeout=TIMEOUT_S)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._pid = self._loop = self._kaleido = None

    def render(self, fig: go.Figure | dict, format: str = "png", scale: float | None = None) -> Image:
        return self.render_many([fig], format, scale)[0]

    def render_many(self, figs: list, format: str = "png", scale: float | None = None) -> list[Image]:
        """Render figures concurrently (one per free tab); results in input order."""
        if format not in FORMATS:
            raise ValueError(format)
        self._ensure()
        scale = scale if scale is not None else (PNG_SCALE if format == "png" else 1)

        async def one(fig):
            layout = fig.layout if isinstance(fig, go.Figure) else fig.get("layout", {})
            width = layout["width"] or 1000
            height = layout["height"] or 700
            opts = {"format": format, "width": width, "height": height, "scale": scale}
            return await self._kaleido.calc_fig(fig, opts=opts)

        async def all_of():
            return await asyncio.gather(*(one(f) for f in figs))

        future = asyncio.run_coroutine_threadsafe(all_of(), self._loop)
        try:
            results = future.result(timeout=TIMEOUT_S * max(1, len(figs)))
        except Exception as err:
            raise RenderError(f"Gagal membuat gambar {format.upper()}: {err}") from err
        return [Image(bytes(data), format) for data in results]


_renderer = Renderer()
_log = logging.getLogger(__name__)


def warm_in_background() -> None:
    """Start the browser while the app starts, so the first download does not wait for it."""

    def warm():
        try:
            _renderer.warm()
        except Exception as err:  # noqa: BLE001 - the app runs without exports; the first export reports it
            _log.warning("Renderer could not start: %s", err)

    threading.Thread(target=warm, name="kaleido-warm", daemon=True).start()


def renderer() -> Renderer:
    """The process's renderer (a shared browser, not user state)."""
    return _renderer
