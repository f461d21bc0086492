"""Benchmark the public map at 1k, 10k and 100k deliveries, beside folium's one-Marker-per-point.

For each size it builds a fresh SQLite database through the app factory (bulk inserts of
organisations in real GeoNames cities, donations, needs, allocations, and two-leg shipments
through a hub for a tenth of them) and reports:
- the map page's HTML size;
- the data endpoint's size (raw and gzip) and server time, cold (first request after a
  change) and cached (median of 20 requests that send the bytes already compressed);
- in headless chromium: the time from navigation start until the page says it has drawn
  (``window.aidMapReady``) and the longest main-thread block (PerformanceObserver 'longtask');
- the same figures for folium's own approach on the same data: one ``folium.Marker`` with a
  ``Popup`` per delivery inside a ``MarkerCluster`` plus one ``PolyLine`` per route, rendered
  in a child process with a time cap.

Usage: python benchmarks/map.py [--sizes 1000 10000 100000] [--folium-cap 120]
       [--browser-cap 90] [--workdir DIR]
Needs no network: tiles are blocked in the browser, every asset is served by the app.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
HUBS = [(50.64, 5.44), (61.17, -150.0), (25.25, 55.36), (50.03, 8.56)]  # LGG ANC DXB FRA
ITEMS = ["MASK_SURG", "RESP_KN95", "RESP_N95", "GLOVE_EXAM", "GOWN_ISO", "COVERALL",
         "FACE_SHIELD", "TEST_PCR", "VENT_INV", "THERM_IR"]
LONGTASKS = """
window.__longest = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__longest = Math.max(window.__longest, entry.duration);
  }
}).observe({type: "longtask", buffered: true});
"""


# ---- the database ------------------------------------------------------------------------

def cities(gazetteer: Path, count: int) -> list[tuple[float, float, str]]:
    """The most populous GeoNames places: (lat, lon, country)."""
    with sqlite3.connect(gazetteer) as db:
        return list(db.execute("SELECT lat, lon, cc FROM place ORDER BY population DESC LIMIT ?",
                               (count,)))


def make_app(workdir: Path, size: int) -> Any:
    from aidregistry.app import create_app

    os.environ["AIDREGISTRY_INSTANCE_PATH"] = str(workdir / "instance")
    url = f"sqlite:///{workdir / f'map-{size}.sqlite'}"
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "AIDREGISTRY_ENV": "testing",
                       "SECRET_KEY": secrets.token_urlsafe(48),
                       "AIDREGISTRY_GAZETTEER_PATH": str(workdir / "gazetteer.sqlite"),
                       "RATELIMIT_ENABLED": False})


def organisations(rng: random.Random, places: list[tuple[float, float, str]], count: int,
                  role: str, first_id: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    kinds = ["municipal_government", "foundation", "business", "provincial_government"] \
        if role == "donor" else ["municipal_government", "hospital", "ngo", "state_government"]
    rows = []
    for k in range(count):
        lat, lon, cc = places[rng.randrange(len(places))]
        precision = rng.choices(["city", "exact", "region"], [6, 2, 2])[0]
        rows.append({"id": first_id + k, "name": f"{role.title()} {k}", "kind": rng.choice(kinds),
                     "role": role, "country": cc, "city": "City", "state": "verified",
                     "lat": min(89.0, max(-89.0, lat + rng.uniform(-0.03, 0.03))),
                     "lon": min(179.9, max(-179.9, lon + rng.uniform(-0.03, 0.03))),
                     "location_precision": precision, "contact_email": f"c{first_id + k}@x.org",
                     "created_at": now, "updated_at": now, "version": 1})
    return rows


def registry_organisations(rng: random.Random, gazetteer: Path
                           ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """2,000 donors at the 800 most populous places, 5,000 recipients at the first 3,000."""
    places = cities(gazetteer, 3000)
    return (organisations(rng, places[:800], 2000, "donor", 1),
            organisations(rng, places, 5000, "recipient", 2001))


def fill(app: Any, size: int, seed: int = 42) -> None:
    """Bulk-insert ``size`` public allocations and everything they hang on."""
    from sqlalchemy import insert

    from aidregistry.extensions import db
    from aidregistry.models import Allocation, Base, Donation, Need, Organisation
    from aidregistry.models.shipment import Shipment, ShipmentLeg, ShipmentLine
    from aidregistry.services.catalogue import load_catalogue

    rng = random.Random(seed)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        load_catalogue(db.session)
        places = cities(Path(app.config["AIDREGISTRY_GAZETTEER_PATH"]), 3000)
        donors_n, recipients_n = max(20, size // 50), max(40, size // 20)
        donors = organisations(rng, places[:800], donors_n, "donor", 1)
        recipients = organisations(rng, places, recipients_n, "recipient", donors_n + 1)
        db.session.execute(insert(Organisation), donors + recipients)
        now, day0 = datetime.now(UTC), date(2020, 2, 1)
        today = now.date()
        lots, asks = max(10, size // 5), max(20, size // 3)
        donations = [_record(k + 1, rng.choice(donors), rng.choice(ITEMS), now,
                             available_from=day0 + timedelta(days=rng.randrange(120)))
                     for k in range(lots)]
        needs = [_record(k + 1, rng.choice(recipients), donations[k % lots]["item_code"], now,
                         priority=rng.randint(1, 4), needed_by=today + timedelta(days=9),
                         expires_on=today + timedelta(days=30))
                 for k in range(asks)]
        allocations, shipments, legs, lines = [], [], [], []
        for k in range(size):
            donation = donations[k % lots]
            need = needs[rng.randrange(asks)]
            quantity = rng.choice([100, 1_000, 5_000, 20_000, 100_000])
            donation["quantity"] += quantity
            donation["allocated"] += quantity
            need["quantity"] += quantity
            need["allocated"] += quantity
            status = rng.choices(["confirmed", "shipped", "delivered"], [3, 2, 5])[0]
            allocations.append({"id": k + 1, "donation_id": donation["id"],
                                "need_id": need["id"], "quantity": quantity, "status": status,
                                "proposed_by": "import", "explanation": {},
                                "created_at": now, "updated_at": now})
            if status != "confirmed" and k % 10 == 0:
                _ship(rng, k + 1, donation, need, quantity, status, now, shipments, legs, lines)
        for model, rows in ((Donation, donations), (Need, needs), (Allocation, allocations),
                            (Shipment, shipments), (ShipmentLeg, legs), (ShipmentLine, lines)):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start:start + 5000])
        db.session.commit()


def _record(ident: int, org: dict[str, Any], item: str, now: datetime,
            **fields: Any) -> dict[str, Any]:
    return {"id": ident, "organisation_id": org["id"], "item_code": item, "quantity": 1,
            "allocated": 0, "place": "City", "lat": org["lat"], "lon": org["lon"],
            "status": "available" if "available_from" in fields else "open",
            "created_at": now, "updated_at": now, "version": 1, **fields}


def _ship(rng: random.Random, allocation_id: int, donation: dict[str, Any],
          need: dict[str, Any], quantity: int, status: str, now: datetime,
          shipments: list[dict[str, Any]], legs: list[dict[str, Any]],
          lines: list[dict[str, Any]]) -> None:
    ident = len(shipments) + 1
    hub = rng.choice(HUBS)
    shipments.append({"id": ident, "donor_id": donation["organisation_id"],
                      "recipient_id": need["organisation_id"],
                      "status": "delivered" if status == "delivered" else "in_transit",
                      "created_at": now, "updated_at": now, "version": 1})
    lines.append({"shipment_id": ident, "allocation_id": allocation_id, "quantity": quantity,
                  "status_before": "confirmed"})
    for sequence, (a, b) in enumerate(((donation, hub), (hub, need)), start=1):
        origin = (a["lat"], a["lon"]) if isinstance(a, dict) else a
        target = (b["lat"], b["lon"]) if isinstance(b, dict) else b
        legs.append({"shipment_id": ident, "sequence": sequence, "mode": "air", "origin": "A",
                     "origin_lat": origin[0], "origin_lon": origin[1], "destination": "B",
                     "destination_lat": target[0], "destination_lon": target[1],
                     "customs": "none"})


# ---- the server side ---------------------------------------------------------------------

def server_figures(app: Any) -> dict[str, Any]:
    from aidregistry.web.map.views import cache_of

    client = app.test_client()
    page = client.get("/map/")
    cache_of(app).clear()
    started = time.perf_counter()
    cold = client.get("/map/data.json", headers={"Accept-Encoding": "gzip"})
    cold_ms = (time.perf_counter() - started) * 1000
    raw = client.get("/map/data.json").data
    cached = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get("/map/data.json", headers={"Accept-Encoding": "gzip"})
        cached.append((time.perf_counter() - started) * 1000)
    revalidated = client.get("/map/data.json", headers={"If-None-Match": response.headers["ETag"]})
    return {"html": len(page.data), "raw": len(raw), "gzip": len(cold.data),
            "cold_ms": cold_ms, "cached_ms": statistics.median(cached),
            "status_304": revalidated.status_code}


# ---- the browser -------------------------------------------------------------------------

class Server:
    """The app in a thread on 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def browser_median(url: str, ready: str, cap_s: float, runs: int = 3) -> dict[str, Any]:
    """The median of ``runs`` page loads, each in a fresh browser (the first that fails ends)."""
    results = []
    for _ in range(runs):
        result = browser_figures(url, ready, cap_s)
        if result["ready_ms"] is None:
            return result
        results.append(result)
    results.sort(key=lambda r: r["ready_ms"])
    middle = dict(results[len(results) // 2])
    middle["longest_ms"] = statistics.median(r["longest_ms"] for r in results)
    middle["note"] = (f"median of {runs}; longest block per run "
                      + "/".join(f"{r['longest_ms']:.0f}" for r in results) + " ms")
    return middle


def browser_figures(url: str, ready: str, cap_s: float) -> dict[str, Any]:
    """Milliseconds from navigation start until ``ready`` is true, and the longest task."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            "http://127.0.0.1") else route.abort())
        page.add_init_script(LONGTASKS)
        started = time.monotonic()
        try:
            page.goto(url, timeout=cap_s * 1000, wait_until="commit")
            while not page.evaluate(f"() => Boolean({ready})"):
                if time.monotonic() - started > cap_s:
                    note = f"not drawn in {cap_s:.0f} s"
                    return {"ready_ms": None, "longest_ms": None, "note": note}
                time.sleep(0.05)
            ready_ms = page.evaluate("() => performance.now()")
            page.wait_for_timeout(500)  # tasks that run just after drawing count too
            longest = page.evaluate("() => window.__longest")
            draw = page.evaluate("() => document.getElementById('map-frame')?.dataset.drawMs")
        except Exception as error:  # a crash or a timeout is a result here
            return {"ready_ms": None, "longest_ms": None, "note": type(error).__name__}
        finally:
            browser.close()
    return {"ready_ms": ready_ms, "longest_ms": longest,
            "note": f"draw() {draw} ms" if draw else ""}


# ---- folium's own approach ---------------------------------------------------------------

def folium_safe(text: str) -> str:
    """HTML-escape and neutralise template-literal characters (research/folium.md §5)."""
    import html

    return (html.escape(text, quote=True).replace("`", "&#96;").replace("$", "&#36;")
            .replace("\\", "&#92;"))


def folium_page(database: str, out: str) -> None:
    """Child process: one Marker with a Popup per delivery, one PolyLine per route."""
    import folium
    from folium import plugins

    db = sqlite3.connect(database)
    rows = db.execute("""
        SELECT d.lat, d.lon, n.lat, n.lon, o.name, a.quantity, d.item_code
        FROM allocation a JOIN donation d ON d.id = a.donation_id JOIN need n ON n.id = a.need_id
        JOIN organisation o ON o.id = d.organisation_id""").fetchall()
    started = time.perf_counter()
    m = folium.Map(location=[30, 10], zoom_start=2, tiles=None, maxZoom=18, prefer_canvas=True)
    # This map's own lists: local assets, with jQuery, which folium's Popup needs.
    m.default_js = [("leaflet", "/assets/leaflet/1.9.3/leaflet.js"),
                    ("jquery", "/assets/jquery/3.7.1/jquery.min.js")]
    m.default_css = [("leaflet_css", "/assets/leaflet/1.9.3/leaflet.css")]
    cluster = plugins.MarkerCluster().add_to(m)
    cluster.default_js = [("markerclusterjs",
                           "/assets/leaflet-markercluster/1.4.1/leaflet.markercluster.js")]
    cluster.default_css = [
        ("markerclustercss", "/assets/leaflet-markercluster/1.4.1/MarkerCluster.css"),
        ("markerclusterdefaultcss",
         "/assets/leaflet-markercluster/1.4.1/MarkerCluster.Default.css")]
    routes = set()
    for d_lat, d_lon, n_lat, n_lon, name, quantity, item in rows:
        folium.Marker([n_lat, n_lon], popup=folium.Popup(
            folium_safe(f"{name}: {quantity} {item}"))).add_to(cluster)
        routes.add((round(d_lat, 2), round(d_lon, 2), round(n_lat, 2), round(n_lon, 2)))
    for d_lat, d_lon, n_lat, n_lon in routes:
        folium.PolyLine([[d_lat, d_lon], [n_lat, n_lon]], weight=2).add_to(m)
    from branca.element import Element

    m.get_root().html.add_child(Element(
        "<script>window.addEventListener('load', () => requestAnimationFrame(() => "
        "requestAnimationFrame(() => { window.aidMapReady = true; })));</script>"))
    html = m.get_root().render()
    Path(out).write_text(html)
    print(json.dumps({"render_s": time.perf_counter() - started}))


def folium_figures(app: Any, server: Server, workdir: Path, size: int, cap_s: float,
                   browser_cap: float) -> dict[str, Any]:
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    out = workdir / f"folium-{size}.html"
    try:
        done = subprocess.run([sys.executable, __file__, "--folium-child", database, str(out)],
                              capture_output=True, text=True, timeout=cap_s, check=True)
    except subprocess.TimeoutExpired:
        return {"note": f"render not finished in {cap_s:.0f} s (stopped)"}
    except subprocess.CalledProcessError as error:
        return {"note": f"render failed: {error.stderr.strip().splitlines()[-1]}"}
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["html"] = out.stat().st_size
    figures.update(browser_median(f"{server.url}/bench/folium-{size}", "window.aidMapReady",
                                  browser_cap))
    return figures


def serve_folium_pages(app: Any, workdir: Path) -> None:
    from flask import Response

    def page(size: int) -> Response:
        response = Response((workdir / f"folium-{size}.html").read_bytes(), mimetype="text/html")
        # folium's page is all inline scripts; the benchmark lets them run.
        response.headers["Content-Security-Policy"] = "default-src 'self' 'unsafe-inline'"
        return response

    app.add_url_rule("/bench/folium-<int:size>", "bench_folium", page)


# ---- the report --------------------------------------------------------------------------

def kb(n: float | None) -> str:
    return "–" if n is None else (f"{n / 1e6:,.2f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} kB")


def ms(n: float | None) -> str:
    return "–" if n is None else f"{n:,.0f} ms"


def run(sizes: list[int], workdir: Path, folium_cap: float, browser_cap: float,
        reuse: bool = False) -> None:
    import logging

    from aidregistry.geocoding.gazetteer import OfflineGazetteer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    OfflineGazetteer(workdir / "gazetteer.sqlite").close()
    lines = ["| deliveries | approach | page HTML | data raw / gzip | server cold / cached "
             "| drawn in browser | longest block | note |",
             "|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        started = time.perf_counter()
        app = make_app(workdir, size)
        if not (workdir / f"map-{size}.sqlite").exists() or not reuse:
            fill(app, size)
        print(f"{size:,} deliveries generated in {time.perf_counter() - started:.1f} s",
              flush=True)
        serve_folium_pages(app, workdir)
        ours = server_figures(app)
        server = Server(app)
        try:
            seen = browser_median(f"{server.url}/map/", "window.aidMapReady", browser_cap)
            theirs = folium_figures(app, server, workdir, size, folium_cap, browser_cap) \
                if folium_cap > 0 else {"note": "skipped"}
        finally:
            server.close()
        lines.append(f"| {size:,} | shell + cached JSON + canvas | {kb(ours['html'])} | "
                     f"{kb(ours['raw'])} / {kb(ours['gzip'])} | {ms(ours['cold_ms'])} / "
                     f"{ms(ours['cached_ms'])} (304: {ours['status_304']}) | "
                     f"{ms(seen['ready_ms'])} | {ms(seen['longest_ms'])} | {seen['note']} |")
        render = theirs.get("render_s")
        lines.append(f"| {size:,} | folium Marker+Popup per delivery | {kb(theirs.get('html'))} "
                     f"| (in the page) | render {'–' if render is None else f'{render:,.1f} s'} "
                     f"| {ms(theirs.get('ready_ms'))} | {ms(theirs.get('longest_ms'))} | "
                     f"{theirs.get('note', '')} |")
        print("\n".join(lines[-2:]), flush=True)
    print("\n" + "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--folium-cap", type=float, default=120.0,
                        help="seconds for folium's render; 0 skips folium")
    parser.add_argument("--browser-cap", type=float, default=90.0)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true",
                        help="keep databases already in --workdir instead of generating them")
    parser.add_argument("--folium-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.folium_child:
        folium_page(*args.folium_child)
        return
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run(args.sizes, args.workdir, args.folium_cap, args.browser_cap, args.reuse)
        return
    with tempfile.TemporaryDirectory(prefix="aidregistry-map-bench-") as tmp:
        run(args.sizes, Path(tmp), args.folium_cap, args.browser_cap)


if __name__ == "__main__":
    main()
