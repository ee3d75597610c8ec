"""Dashboard benchmark (a script that prints figures, not a test).

    python bench/app_benchmark.py [--snapshots DIR] [--runs 3] [--replays 30]

In one run, in Debian's headless Chromium with the HTTP cache disabled:
  * the first map render of Kantong against a minimal Dash page with one small graph,
    side by side (alternating, median of --runs): the map shown (its first frame, drawn by
    the server, or the interactive map) and the interactive map ready, timed by the page's
    own clock (and, for comparison, from outside after the page's load event). Both are served the same way (Werkzeug,
    threaded, compressed, scripts served locally); the minimal page runs in a process of
    its own that imports nothing but Dash, so it loads only what a minimal page loads.
    Kantong runs with a fresh work dir (its map cache starts empty);
  * per map level (kab/kota, kecamatan, nagari): the bytes on the wire of the first load,
    the bytes of each indicator change, and the server time of the callbacks it fires;
  * server time per callback when the captured requests are replayed --replays times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

import ids  # noqa: E402
from etl import config, indicators  # noqa: E402
from tests.browser.pages import MAP_READY, MAP_SHOWN, choose_indicator, make_driver, text_of, wait_map  # noqa: E402

# Indicator changes made per map level (labels from the catalogue, as the dropdown shows them).
INDICATOR_CHANGES = ["pct_d1_non_dtks", "kk_d1_dtks_tanpa_bansos", "pct_d1_bansos", "jiwa_d1_balita", "kk_d1_non_dtks"]
GOAL_RATIO = 1.2
GOAL_FIRST_LOAD_MB = 2.0


class Timed:
    """WSGI middleware: server time of each callback request, by its outputs."""

    def __init__(self, app):
        self.app = app
        self.records: list[tuple[str, float, bytes]] = []

    def __call__(self, environ, start_response):
        if "_dash-update-component" not in environ.get("PATH_INFO", ""):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        import io

        environ["wsgi.input"] = io.BytesIO(body)
        output = json.loads(body or b"{}").get("output", "?")
        t0 = time.perf_counter()
        result = b"".join(self.app(environ, start_response))
        self.records.append((_callback_name(output), time.perf_counter() - t0, body))
        return [result]


def _callback_name(output: str) -> str:
    for key, name in (
        ("peta.figure", "render_map"),
        ("url.search", "sync_view"),
        ("profil.children", "render_profile"),
        ("cari.options", "search_options"),
    ):
        if key in output:
            return name
    return output[:40]


def serve(wsgi) -> tuple[str, object]:
    httpd = make_server("127.0.0.1", 0, wsgi, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_port}", httpd


def minimal_app():
    import dash
    from dash import dcc, html

    app = dash.Dash(__name__, compress=True, serve_locally=True)
    app.layout = html.Div([dcc.Graph(id="g", figure={"data": [{"type": "bar", "x": [1, 2, 3], "y": [3, 1, 2]}]})])
    return app


def serve_minimal_in_own_process() -> tuple[str, subprocess.Popen]:
    """The minimal page, served as Kantong is, by a process that imports only Dash: in this
    process every component library Kantong imports would be added to its page too."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--minimal-server"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
    )
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise RuntimeError(f"minimal server did not start: {url!r}")
    urllib.request.urlopen(url + "/", timeout=30).read()
    return url, proc


def run_minimal_server() -> None:
    """Serve the minimal page until the benchmark stops it (or is gone)."""
    import os

    parent = os.getppid()
    url, httpd = serve(minimal_app().server)
    print(url, flush=True)
    while os.getppid() == parent:
        time.sleep(1)
    httpd.shutdown()


def change_indicator(driver, indikator: str) -> None:
    """Choose an indicator in the map's dropdown and wait until the map shows it; typing into
    the dropdown is tried again once if the address did not change."""
    label = indicators.get(indikator).label
    for attempt in range(2):
        choose_indicator(driver, label)
        try:
            WebDriverWait(driver, 15).until(lambda d: f"indikator={indikator}" in d.current_url)
            return
        except Exception:
            if attempt:
                raise


def network(driver) -> list[dict]:
    """Finished responses since the last call: url and bytes on the wire."""
    sent, done = {}, []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        params = msg.get("params", {})
        if msg["method"] == "Network.requestWillBeSent":
            sent[params["requestId"]] = params["request"]
        elif msg["method"] == "Network.loadingFinished" and params["requestId"] in sent:
            req = sent[params["requestId"]]
            done.append({"url": req["url"], "bytes": params["encodedDataLength"]})
    return done


BENCH_ACCOUNT = "bench.admin"


def log_in(driver, url: str, app) -> None:
    """Kantong's pages need a session (kantong/gate.py): the browser logs in once, as a person
    does, before anything is timed; its session cookie then goes with every load. The minimal
    page needs none."""
    if not hasattr(app, "kantong_accounts"):
        return
    from tests.auth import browser_login, ensure_account

    ensure_account(app, BENCH_ACCOUNT, "admin")
    browser_login(driver, url, BENCH_ACCOUNT)


def timed_load(driver, url: str, ready_js: str) -> float:
    driver.get("about:blank")
    t0 = time.perf_counter()
    driver.get(url)
    WebDriverWait(driver, 60, poll_frequency=0.02).until(lambda d: d.execute_script(ready_js))
    return time.perf_counter() - t0


# Seen from inside the page: the first animation frame at which each condition holds, in ms
# from the start of the navigation (performance.now()). driver.get() returns only after the
# page's load event, which waits for every preloaded file (plotly.js among them) even when the
# map has long been on screen; the page's own clock does not.
PAINT_WATCH = """
(function () {
  const checks = {%s};
  const seen = window.__paint = {};
  const tick = function () {
    for (const key of Object.keys(checks)) {
      if (!(key in seen)) { try { if (checks[key]()) { seen[key] = performance.now(); } } catch (e) {} }
    }
    if (Object.keys(seen).length < Object.keys(checks).length) { requestAnimationFrame(tick); }
  };
  requestAnimationFrame(tick);
})();
"""


def watch_paint(driver, conditions: dict[str, str]) -> None:
    """Have every page the driver opens note when each condition (a function body) holds."""
    body = ", ".join(f"{json.dumps(k)}: new Function({json.dumps(v)})" for k, v in conditions.items())
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAINT_WATCH % body})


def painted_load(driver, url: str, keys: list[str]) -> tuple[float, dict[str, float]]:
    """Open `url`; the wall time until the first key's condition is seen after the load
    event, and the page's own time (s) at which each key's condition first held."""
    driver.get("about:blank")
    t0 = time.perf_counter()
    driver.get(url)
    WebDriverWait(driver, 60, poll_frequency=0.02).until(
        lambda d: d.execute_script(f"return !!window.__paint && {json.dumps(keys[0])} in window.__paint")
    )
    wall = time.perf_counter() - t0
    WebDriverWait(driver, 60, poll_frequency=0.02).until(
        lambda d: d.execute_script(f"return {json.dumps(keys)}.every(k => k in (window.__paint || {{}}))")
    )
    seen = driver.execute_script("return window.__paint")
    return wall, {k: seen[k] / 1000 for k in keys}


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=Path, default=config.SNAPSHOT_ROOT)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--replays", type=int, default=30)
    ap.add_argument("--minimal-server", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.minimal_server:
        return run_minimal_server()

    from app import create_app
    from kantong.data import SnapshotStore

    store = SnapshotStore(args.snapshots)
    snapshot = store.latest()
    work = tempfile.TemporaryDirectory(prefix="kantong-bench-")
    folder = Path(work.name)
    kantong = create_app(
        args.snapshots,
        folder / "rencana.sqlite",
        folder / "app",
        users_db=folder / "akun.sqlite",
        audit_db=folder / "audit.sqlite",
    )
    timed = Timed(kantong.server.wsgi_app)
    kantong.server.wsgi_app = timed
    k_url, _ = serve(kantong.server)
    m_url, minimal_proc = serve_minimal_in_own_process()
    print(
        f"snapshot {snapshot.path.name}: {len(snapshot.table('desa')):,} nagari/desa; machine: 2 cores (headless Chromium)"
    )

    driver = make_driver()
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    log_in(driver, k_url, kantong)

    # --- first render, side by side
    bar_ready = "return !!document.querySelector('#g .js-plotly-plot .bars path');"
    watch_paint(driver, {"bar": bar_ready, "shown": MAP_SHOWN, "ready": MAP_READY})
    minimal, shown, ready, minimal_wall, shown_wall = [], [], [], [], []
    for _ in range(args.runs):
        wall, seen = painted_load(driver, m_url + "/", ["bar"])
        minimal.append(seen["bar"])
        minimal_wall.append(wall)
        wall, seen = painted_load(driver, k_url + "/", ["shown", "ready"])
        shown.append(seen["shown"])
        ready.append(seen["ready"])
        shown_wall.append(wall)
    minimal_proc.terminate()
    m_med, s_med, r_med = statistics.median(minimal), statistics.median(shown), statistics.median(ready)
    print(
        f"\nfirst render (median of {args.runs} alternating loads, cache off, the page's own clock from the start "
        f"of navigation): minimal Dash page {m_med:.2f} s; Kantong province map shown {s_med:.2f} s = "
        f"{s_med / m_med:.2f}x (goal <= {GOAL_RATIO}x), interactive {r_med:.2f} s = {r_med / m_med:.2f}x"
    )
    print(
        "  minimal: "
        + " ".join(f"{t:.2f}" for t in minimal)
        + "; shown: "
        + " ".join(f"{t:.2f}" for t in shown)
        + "; interactive: "
        + " ".join(f"{t:.2f}" for t in ready)
    )
    mw, sw = statistics.median(minimal_wall), statistics.median(shown_wall)
    print(
        f"  seen from outside (after the load event, which waits for the preloaded plotly.js): minimal {mw:.2f} s, "
        f"Kantong shown {sw:.2f} s = {sw / mw:.2f}x"
    )
    network(driver)

    # --- per level: first load bytes, bytes per indicator change, callback server time
    captured: dict[str, list[str]] = {}
    largest: dict[str, list[dict]] = {}
    print("\nlevel       first load (wire)  indicator change (wire, per change)  render_map server ms (median / p95)")
    for level in ("kabkota", "kecamatan", "desa"):
        timed.records.clear()
        driver.get("about:blank")
        network(driver)
        driver.get(
            f"{k_url}/?tingkat={level}&wilayah=13&indikator=kk_d1_non_dtks&klasifikasi=kuantil&warna=oranye&profil=13"
        )
        wait_map(driver, 60)
        loaded = network(driver)
        first = sum(r["bytes"] for r in loaded)
        largest.setdefault(level, sorted(loaded, key=lambda r: -r["bytes"])[:4])
        timed.records.clear()
        changes = []
        for indikator in INDICATOR_CHANGES:
            legend = text_of(driver, f"#{ids.LEGENDA}")
            change_indicator(driver, indikator)
            WebDriverWait(driver, 30).until(lambda d, before=legend: text_of(d, f"#{ids.LEGENDA}") != before)
            wait_map(driver, 60)
            done = [r for r in network(driver) if "_dash-update-component" in r["url"]]
            changes.append(sum(r["bytes"] for r in done))
        captured[level] = [body for name, _, body in timed.records if name == "render_map"]
        render = [t * 1000 for name, t, _ in timed.records if name == "render_map"]
        print(
            f"{level:<11} {first / 1e6:8.2f} MB          median {statistics.median(changes) / 1e3:6.1f} KB, "
            f"max {max(changes) / 1e3:6.1f} KB          {statistics.median(render):6.1f} / {pct(render, 0.95):6.1f}"
        )
    driver.quit()
    print(
        "largest responses of the first load at kab/kota level: "
        + ", ".join(
            f"{r['url'].split('?')[0].rsplit('/', 1)[-1]} {r['bytes'] / 1e3:.0f} KB" for r in largest["kabkota"]
        )
    )

    # --- replay the captured indicator-change callbacks
    client = kantong.server.test_client()
    if hasattr(kantong, "kantong_accounts"):
        from tests.auth import login

        login(client, kantong, BENCH_ACCOUNT)
    print(f"\nserver time per callback, {args.replays} replays of the captured indicator changes (ms, median / p95):")
    for level, bodies in captured.items():
        times = []
        for i in range(args.replays):
            body = bodies[i % len(bodies)]
            t0 = time.perf_counter()
            resp = client.post("/_dash-update-component", data=body, content_type="application/json")
            times.append((time.perf_counter() - t0) * 1000)
            assert resp.status_code == 200, resp.status_code
        print(f"  render_map at {level:<9}: {statistics.median(times):6.1f} / {pct(times, 0.95):6.1f}")
    print(
        f"goals: indicator change at nagari level <= 50 KB and <= 100 ms median server time; "
        f"first page <= {GOAL_FIRST_LOAD_MB:.0f} MB"
    )
    work.cleanup()


if __name__ == "__main__":
    main()
