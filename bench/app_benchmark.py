"""Dashboard benchmark (a script that prints figures, not a test).

    python bench/app_benchmark.py [--snapshots DIR] [--runs 3] [--replays 30]

In one run, in Debian's headless Chromium with the HTTP cache disabled:
  * the first map render of Kantong against a minimal Dash page with one small graph,
    side by side (alternating, median of --runs);
  * per map level (kab/kota, kecamatan, nagari): the bytes on the wire of the first load,
    the bytes of each indicator change, and the server time of the callbacks it fires;
  * server time per callback when the captured requests are replayed --replays times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from etl import config  # noqa: E402
from tests.browser.pages import MAP_READY, choose_indicator, make_driver, text_of, wait_map  # noqa: E402

INDICATOR_CHANGES = [
    ("Persentase KK desil 1 belum masuk DTKS", "pct_d1_non_dtks"),
    ("KK desil 1 di DTKS tanpa bansos", "kk_d1_dtks_tanpa_bansos"),
    ("Cakupan bansos reguler", "pct_d1_bansos"),
    ("Balita dalam keluarga desil 1", "jiwa_d1_balita"),
    ("KK desil 1 belum masuk DTKS", "kk_d1_non_dtks"),
]


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
    for key, name in (("peta.figure", "render_map"), ("url.search", "sync_view"), ("profil.children", "render_profile"),
                      ("cari.options", "search_options")):
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


def timed_load(driver, url: str, ready_js: str) -> float:
    driver.get("about:blank")
    t0 = time.perf_counter()
    driver.get(url)
    WebDriverWait(driver, 60, poll_frequency=0.02).until(lambda d: d.execute_script(ready_js))
    return time.perf_counter() - t0


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=Path, default=config.SNAPSHOT_ROOT)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--replays", type=int, default=30)
    args = ap.parse_args()

    from app import create_app
    from kantong.data import SnapshotStore

    store = SnapshotStore(args.snapshots)
    snapshot = store.latest()
    kantong = create_app(args.snapshots)
    timed = Timed(kantong.server.wsgi_app)
    kantong.server.wsgi_app = timed
    k_url, _ = serve(kantong.server)
    m_url, _ = serve(minimal_app().server)
    print(f"snapshot {snapshot.path.name}: {len(snapshot.table('desa')):,} nagari/desa; machine: 2 cores (headless Chromium)")

    driver = make_driver()
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})

    # --- first render, side by side
    bar_ready = "return !!document.querySelector('#g .js-plotly-plot .bars path');"
    kantong_ready = MAP_READY
    minimal, ours = [], []
    for _ in range(args.runs):
        minimal.append(timed_load(driver, m_url + "/", bar_ready))
        ours.append(timed_load(driver, k_url + "/", kantong_ready))
    m_med, k_med = statistics.median(minimal), statistics.median(ours)
    print(f"\nfirst render (median of {args.runs}, cache off): minimal Dash page {m_med:.2f} s, "
          f"Kantong province map {k_med:.2f} s = {k_med / m_med:.2f}x (goal <= 1.5x)")
    network(driver)

    # --- per level: first load bytes, bytes per indicator change, callback server time
    captured: dict[str, list[str]] = {}
    print("\nlevel       first load (wire)  indicator change (wire, per change)  render_map server ms (median / p95)")
    for level in ("kabkota", "kecamatan", "desa"):
        timed.records.clear()
        driver.get("about:blank")
        network(driver)
        driver.get(f"{k_url}/?tingkat={level}&wilayah=13&indikator=kk_d1_non_dtks&klasifikasi=kuantil&warna=oranye&profil=13")
        wait_map(driver, 60)
        first = sum(r["bytes"] for r in network(driver))
        timed.records.clear()
        changes = []
        for label, kolom in INDICATOR_CHANGES:
            legend = text_of(driver, "#legenda")
            choose_indicator(driver, label)
            WebDriverWait(driver, 30).until(lambda d: f"indikator={kolom}" in d.current_url)
            WebDriverWait(driver, 30).until(lambda d: text_of(d, "#legenda") != legend)
            wait_map(driver, 60)
            done = [r for r in network(driver) if "_dash-update-component" in r["url"]]
            changes.append(sum(r["bytes"] for r in done))
        captured[level] = [body for name, _, body in timed.records if name == "render_map"]
        render = [t * 1000 for name, t, _ in timed.records if name == "render_map"]
        print(f"{level:<11} {first / 1e6:8.2f} MB          median {statistics.median(changes) / 1e3:6.1f} KB, "
              f"max {max(changes) / 1e3:6.1f} KB          {statistics.median(render):6.1f} / {pct(render, 0.95):6.1f}")
    driver.quit()

    # --- replay the captured indicator-change callbacks
    client = kantong.server.test_client()
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
    print("goals: indicator change at nagari level <= 50 KB and <= 100 ms median server time; first page <= 3 MB")


if __name__ == "__main__":
    main()
