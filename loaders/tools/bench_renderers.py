"""SVG (``choropleth``) against MapLibre (``choroplethmap``): one county map drawn both ways.

Part of ``python -m loaders bench`` (step ``renderers``, issue 21), and runnable alone:
``python -m loaders.tools.bench_renderers --repeat 5``. For each GeoJSON file (the
national counties and one province) a standalone page per renderer is written and served
from loopback by a thread: plotly.js from the plotly package's offline bundle, the
geometry passed by URL as the app passes it (so fetching and parsing it is timed), every
county coloured by a deterministic z in 0–100, hover on. Each run opens the page in a new
Chromium context (``--disable-gpu``: MapLibre's WebGL is drawn in software, SwiftShader).

When a page counts as drawn (timed from ``page.goto`` in Python):

- both: ``Plotly.newPlot``'s promise resolved, then two animation frames (the frame
  holding the drawing has been produced, not only the DOM or the GL calls issued);
- SVG: at least one ``.choroplethlocation`` path per feature;
- MapLibre: the map is idle, as its ``idle`` event means (style and sources loaded, no
  tile pending, no camera moving, no repaint scheduled), awaited if not yet so.

After the timing, a screenshot of the plot must show the counties: at least
:data:`MIN_INKED` of its pixels not background (no colour bar or mode bar is drawn, so
only the map can ink it). A run whose map is not drawn is not timed.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import hashlib
import http.server
import json
import math
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from loaders import geo, paths

RENDERERS = ("svg", "maplibre")
# The files measured by the bench: the national counties and the largest province file
# (Sichuan, 643 KB), the heaviest one-province map.
FILES = {
    "national": paths.STATIC_GEO_DIR / "counties_national.json",
    "province": paths.STATIC_GEO_DIR / "counties_51.json",
}
VIEWPORT = {"width": 1440, "height": 1000}
# The app's map: 620 px tall, margins for the notes above and the colour bar below.
HEIGHT = 620
MARGIN = {"l": 0, "r": 0, "t": 24, "b": 70}
# The national map's fixed extent, as the app's maps use it.
CHINA_LON, CHINA_LAT = geo.CHINA_LON, geo.CHINA_LAT
# MapLibre's world is 512 px wide at zoom 0.
TILE = 512
# A drawn map inks at least this share of the plot's pixels (China inks about a fifth).
MIN_INKED = 0.05
# MapLibre draws no feature that is off the map or smaller than a pixel: nationally, one
# county south of China's fixed extent and nine Hong Kong and Macau districts (2,865 of
# 2,875). SVG keeps a path for each, seen or not.
MIN_RENDERED = {"svg": 1.0, "maplibre": 0.99}
TIMEOUT = 120_000

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{renderer}</title><link rel="icon" href="data:,">
<style>body {{ margin: 0 }}</style>
<script src="/plotly.min.js"></script></head>
<body><div id="map"></div>
<script>
const RENDERER = {renderer_json}, FEATURES = {features}, FIGURE = {figure};
const gd = document.getElementById("map");
window.bench = {{}};
function frames(n) {{
  return new Promise((done) => {{
    const step = (k) => (k ? requestAnimationFrame(() => step(k - 1)) : done());
    step(n);
  }});
}}
function maplibre() {{ return gd._fullLayout?.map?._subplot?.map; }}
function idle() {{
  const map = maplibre();
  // NOTE: _frameRequest (private) is set while a repaint is scheduled: without one, the
  // last frame ended idle and the 'idle' event has already fired.
  if (map.loaded() && map.areTilesLoaded() && !map.isMoving() && !map._frameRequest) {{
    return Promise.resolve();
  }}
  return new Promise((done) => map.once("idle", done));
}}
function paths() {{
  const n = document.querySelectorAll(".choroplethlocation").length;
  return n >= FEATURES ? Promise.resolve() : Promise.reject(new Error(`${{n}} paths`));
}}
function settled() {{ return (RENDERER === "svg" ? paths() : idle()).then(() => frames(2)); }}
// Counties drawn: SVG paths, or distinct features MapLibre rendered in the viewport.
function drawnFeatures() {{
  if (RENDERER === "svg") return document.querySelectorAll(".choroplethlocation").length;
  const map = maplibre();
  return map ? new Set(map.queryRenderedFeatures().map((f) => f.id)).size : 0;
}}
window.restyle = (z) => {{
  const start = performance.now();
  return Plotly.restyle(gd, {{z: [z]}}).then(settled).then(() => performance.now() - start);
}};
window.inked = (png) => new Promise((done) => {{
  const image = new Image();
  image.onload = () => {{
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    let inked = 0;
    for (let i = 0; i < pixels.length; i += 4) {{
      if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 3 * 245) inked += 1;
    }}
    done(inked / (pixels.length / 4));
  }};
  image.src = "data:image/png;base64," + png;
}});
window.bench.start = performance.now();
Plotly.newPlot(gd, FIGURE.data, FIGURE.layout, {config})
  .then(() => {{ window.bench.plotted = performance.now(); return settled(); }})
  .then(() => {{ window.bench.drawn = performance.now(); }})
  .catch((error) => {{ window.bench.error = String((error && error.stack) || error); }});
</script></body></html>
"""


# ---------------------------------------------------------------------------------------
# the pages: data, figures, the HTML
# ---------------------------------------------------------------------------------------
def z_values(adcodes: list[str], seed: int = 0) -> list[float]:
    """Return a deterministic pseudo-random value in 0–100 for each adcode.

    Examples
    --------
    >>> z_values(["330102", "330105"])
    [56.47, 28.79]
    >>> z_values(["330102"], seed=1) != z_values(["330102"])
    True
    """
    out = []
    for adcode in adcodes:
        digest = hashlib.blake2b(f"{seed}:{adcode}".encode(), digest_size=4).digest()
        out.append(int.from_bytes(digest, "big") % 10_001 / 100)
    return out


def _points(coordinates: Any) -> Iterator[tuple[float, float]]:
    if coordinates and isinstance(coordinates[0], int | float):
        yield coordinates[0], coordinates[1]
        return
    for part in coordinates:
        yield from _points(part)


def bounds(geojson: dict[str, Any]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return the (lon, lat) ranges of every coordinate of a FeatureCollection.

    Examples
    --------
    >>> square = {"type": "Polygon", "coordinates": [[[1, 2], [3, 2], [3, 5], [1, 2]]]}
    >>> bounds({"features": [{"geometry": square}]})
    ((1, 3), (2, 5))
    """
    lons, lats = zip(
        *(p for f in geojson["features"] for p in _points(f["geometry"]["coordinates"])),
        strict=True,
    )
    return (min(lons), max(lons)), (min(lats), max(lats))


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def map_view(
    lon: tuple[float, float], lat: tuple[float, float], width: float, height: float
) -> tuple[dict[str, float], float]:
    """Return the MapLibre centre and zoom that fit the (lon, lat) ranges in the frame.

    ``choroplethmap`` has no ``fitbounds`` (plotly.js fits only point traces), so the
    view is computed as ``geo``'s lon/lat ranges are given: Web Mercator, 512 px tiles.

    Examples
    --------
    >>> centre, zoom = map_view((73.4, 135.2), (17.6, 53.7), 1440, 526)
    >>> round(centre["lon"], 1), round(centre["lat"], 1), round(zoom, 2)
    (104.3, 37.8, 3.01)
    """
    y0, y1 = _mercator(lat[0]), _mercator(lat[1])
    across = math.log2(width * 360 / (TILE * (lon[1] - lon[0])))
    down = math.log2(height * 2 * math.pi / (TILE * (y1 - y0)))
    middle = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2)) - math.pi / 2)
    return {"lon": (lon[0] + lon[1]) / 2, "lat": middle}, min(across, down)


def figure(renderer: str, url: str, geojson: dict[str, Any], *, national: bool) -> Any:
    """Return the test figure: every county of ``geojson`` coloured by :func:`z_values`.

    ``svg`` is a ``go.Choropleth`` on ``geo`` laid out as the app's map (Mercator, China's
    fixed extent, or ``fitbounds="locations"`` for a province); ``maplibre`` a
    ``go.Choroplethmap`` on a blank ``white-bg`` style (no tiles: no network) centred and
    zoomed to China's extent or to the province's bounds (a province fills more of the
    frame than ``geo``'s ``fitbounds`` leaves it). Neither has the app's South China Sea
    inset nor its province outlines.
    """
    import plotly.graph_objects as go

    adcodes = [f["properties"]["adcode"] for f in geojson["features"]]
    common = {
        "geojson": url,
        "featureidkey": "properties.adcode",
        "locations": adcodes,
        "z": z_values(adcodes),
        "zmin": 0,
        "zmax": 100,
        "colorscale": "Viridis",
        "showscale": False,  # only the map may ink the screenshot
        "text": [f"County {a}" for a in adcodes],
        "hovertemplate": "%{text}<br>z %{z:.1f}<extra></extra>",
        "marker": {"line": {"color": "#ffffff", "width": 0.2}},
    }
    layout: dict[str, Any] = {"height": HEIGHT, "margin": MARGIN, "dragmode": False}
    if renderer == "svg":
        geo: dict[str, Any] = {"visible": False, "showframe": False}
        geo |= {"projection": {"type": "mercator"}, "bgcolor": "rgba(0,0,0,0)"}
        if national:
            geo |= {"lonaxis": {"range": list(CHINA_LON)}, "lataxis": {"range": list(CHINA_LAT)}}
        else:
            geo |= {"fitbounds": "locations"}
        return go.Figure(go.Choropleth(**common), layout | {"geo": geo})
    lon, lat = (CHINA_LON, CHINA_LAT) if national else bounds(geojson)
    size = (VIEWPORT["width"] - MARGIN["l"] - MARGIN["r"], HEIGHT - MARGIN["t"] - MARGIN["b"])
    centre, zoom = map_view(lon, lat, *size)
    layout["map"] = {"style": "white-bg", "center": centre, "zoom": zoom}
    return go.Figure(go.Choroplethmap(**common), layout)


def page_html(renderer: str, fig: Any, features: int) -> str:
    """Return the standalone page drawing ``fig`` and reporting when it is drawn."""
    config = {"topojsonURL": "/topojson/", "displayModeBar": False, "scrollZoom": False}
    return PAGE.format(
        renderer=renderer,
        renderer_json=json.dumps(renderer),
        features=features,
        figure=fig.to_json(),
        config=json.dumps(config),
    )


# ---------------------------------------------------------------------------------------
# the server: a folder on loopback, counting the bytes it sends
# ---------------------------------------------------------------------------------------
class _Handler(http.server.SimpleHTTPRequestHandler):
    sent: dict[str, int]

    def copyfile(self, source: Any, outputfile: Any) -> None:
        before = source.tell()
        super().copyfile(source, outputfile)
        self.sent[self.path] = self.sent.get(self.path, 0) + source.tell() - before

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[tuple[str, dict[str, int]]]:
    """Serve ``folder`` on a free loopback port from a thread.

    Yields the base URL and a dict of bytes sent per path (clear it between runs).
    """
    sent: dict[str, int] = {}
    handler = type("Handler", (_Handler,), {"sent": sent})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", sent
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def write_pages(folder: Path, files: dict[str, Path]) -> dict[str, int]:
    """Write plotly.js, the GeoJSON and one page per view and renderer into ``folder``.

    Returns the number of features per view; pages are named ``{view}-{renderer}.html``.
    """
    import plotly

    package = Path(plotly.__file__).parent
    shutil.copyfile(package / "package_data" / "plotly.min.js", folder / "plotly.min.js")
    shutil.copytree(paths.STATIC_DIR / "topojson", folder / "topojson")
    (folder / "geo").mkdir()
    features = {}
    for view, path in files.items():
        shutil.copyfile(path, folder / "geo" / path.name)
        geojson = json.loads(path.read_text("utf-8"))
        features[view] = len(geojson["features"])
        for renderer in RENDERERS:
            fig = figure(renderer, f"/geo/{path.name}", geojson, national=view == "national")
            html = page_html(renderer, fig, features[view])
            (folder / f"{view}-{renderer}.html").write_text(html, "utf-8")
    return features


# ---------------------------------------------------------------------------------------
# the runs
# ---------------------------------------------------------------------------------------
@dataclass
class Run:
    """One run of a page in a new context: its timings and what it drew."""

    seconds: float | None = None
    restyle_seconds: float | None = None
    hover_seconds: float | None = None
    features: int = 0
    inked: float = 0.0
    plotly_seconds: float = 0.0
    newplot_seconds: float = 0.0
    screenshot_seconds: float = 0.0
    bytes_sent: dict[str, int] = field(default_factory=dict)
    error: str = ""


DRAWN = "() => window.bench && (window.bench.drawn !== undefined || !!window.bench.error)"
HOVER = "() => !!document.querySelector('.hoverlayer .hovertext')"


def _inked(page: Any, png: bytes) -> float:
    """Return the share of the pixels of a screenshot (PNG) that are not background."""
    return float(page.evaluate("(png) => window.inked(png)", base64.b64encode(png).decode()))


def _hover(page: Any) -> float | None:
    """Seconds from the mouse entering the plot's centre to the hover label shown."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator("#map .svg-container").bounding_box()
    page.mouse.move(1, VIEWPORT["height"] - 1)
    start = time.perf_counter()
    page.mouse.move(
        box["x"] + box["width"] / 2, box["y"] + (MARGIN["t"] + HEIGHT - MARGIN["b"]) / 2
    )
    try:
        page.wait_for_function(HOVER, timeout=10_000)
    except PlaywrightTimeout:  # no county under the centre: reported as not measured
        return None
    return time.perf_counter() - start


def run_page(browser: Any, url: str, renderer: str, features: int, sent: dict[str, int]) -> Run:
    """Open ``url`` in a new context; time it drawn, a restyle and a hover; check the ink."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    run = Run()
    try:
        sent.clear()
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        try:
            page.wait_for_function(DRAWN, timeout=TIMEOUT)
        except PlaywrightTimeout:
            run.error = f"not drawn in {TIMEOUT / 1000:.0f} s"
            return run
        seconds = time.perf_counter() - start
        bench = page.evaluate("() => window.bench")
        run.bytes_sent = dict(sent)
        run.features = int(page.evaluate("() => drawnFeatures()"))
        start = time.perf_counter()
        png = page.locator("#map .svg-container").screenshot()
        # A screenshot waits for a frame rasterised and read back: a bound on any tail
        # of drawing after "drawn" (raster threads, the GPU process), plus its own cost.
        run.screenshot_seconds = time.perf_counter() - start
        run.inked = _inked(page, png)
        run.error = bench.get("error") or "; ".join(errors)
        # In the page, from navigation: plotly.js loaded and run; newPlot called → drawn.
        run.plotly_seconds = bench.get("start", 0) / 1000
        if "drawn" in bench:
            run.newplot_seconds = (bench["drawn"] - bench["start"]) / 1000
        drawn = run.features >= MIN_RENDERED[renderer] * features and run.inked >= MIN_INKED
        if run.error or not drawn:
            return run
        run.seconds = seconds
        z = z_values([str(i) for i in range(features)], seed=1)
        start = time.perf_counter()
        page.evaluate("(z) => window.restyle(z)", z)
        run.restyle_seconds = time.perf_counter() - start
        run.hover_seconds = _hover(page)
    finally:
        context.close()
    return run


@dataclass
class Result:
    """The runs of one view drawn by one renderer."""

    view: str
    renderer: str
    features: int
    runs: list[Run] = field(default_factory=list)

    def timings(self, what: str) -> list[float]:
        """Return the drawn runs' ``seconds``, ``restyle_seconds`` or ``hover_seconds``."""
        values = (getattr(r, what) for r in self.runs)
        return [v for v in values if v is not None]

    def note(self) -> str:
        """Describe what was drawn and sent: the evidence behind the timings."""
        drawn = len(self.timings("seconds"))
        last = self.runs[-1]
        unit = "paths" if self.renderer == "svg" else "features rendered"
        sent = sum(last.bytes_sent.values())
        parts = ", ".join(f"{p.lstrip('/')} {b / 1e6:.2f} MB" for p, b in last.bytes_sent.items())
        plotly = statistics.median(r.plotly_seconds for r in self.runs)
        newplot = statistics.median(r.newplot_seconds for r in self.runs)
        shot = statistics.median(r.screenshot_seconds for r in self.runs)
        note = (
            f"drawn in {drawn} of {len(self.runs)} runs; {last.features}/{self.features} "
            f"{unit}, {statistics.median(r.inked for r in self.runs):.0%} of the plot inked; "
            f"in the page: plotly.js ready at {plotly:.2f} s, newPlot → drawn {newplot:.2f} s, "
            f"then a screenshot {shot:.2f} s (medians); "
            f"{sent / 1e6:.2f} MB sent uncompressed ({parts})"
        )
        errors = {r.error for r in self.runs if r.error}
        return note + (f"; errors: {' | '.join(errors)[:300]}" if errors else "")


def measure_results(repeat: int, files: dict[str, Path] | None = None) -> list[Result]:
    """Run every page ``repeat`` times (after one untimed warm-up each), renderers alternating."""
    from playwright.sync_api import sync_playwright

    from loaders.tools.browser import CHROMIUM, CHROMIUM_ARGS

    files = files or FILES
    results = []
    with tempfile.TemporaryDirectory(prefix="renderers-") as tmp:
        features = write_pages(Path(tmp), files)
        with serve_folder(Path(tmp)) as (base, sent), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for view, count in features.items():
                pair = [Result(view, renderer, count) for renderer in RENDERERS]
                for i in range(repeat + 1):
                    for result in pair:
                        url = f"{base}/{view}-{result.renderer}.html"
                        run = run_page(browser, url, result.renderer, count, sent)
                        if i:  # the first round warms the browser and the server
                            result.runs.append(run)
                results += pair
            browser.close()
    return results


def _keyed(results: list[Result]) -> Iterator[tuple[str, tuple[list[float], str]]]:
    for result in results:
        key = f"renderer_{result.renderer}_{result.view}"
        yield f"{key}_seconds", (result.timings("seconds"), result.note())
        yield f"{key}_restyle_seconds", (result.timings("restyle_seconds"), "new z → drawn")
        hovers = result.timings("hover_seconds")
        yield f"{key}_hover_seconds", (hovers, f"hover label shown in {len(hovers)} runs")


def measure(
    repeat: int, files: dict[str, Path] | None = None
) -> dict[str, tuple[list[float], str]]:
    """Return runs and a note per budget key (``renderer_{renderer}_{view}[_what]_seconds``)."""
    return dict(_keyed(measure_results(repeat, files)))


def _view_file(text: str) -> tuple[str, Path]:
    view, _, path = text.partition("=")
    if view not in FILES or not path:
        raise argparse.ArgumentTypeError(f"expected national=PATH or province=PATH: {text}")
    return view, Path(path)


def main(argv: list[str] | None = None) -> int:
    """Measure the renderers on the given files; print the runs and the budgets as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page")
    parser.add_argument(
        "files",
        nargs="*",
        type=_view_file,
        help="VIEW=PATH pairs, VIEW national (China's extent) or province (fitted); "
        "default: " + " ".join(f"{v}={p.relative_to(paths.ROOT)}" for v, p in FILES.items()),
    )
    args = parser.parse_args(argv)
    results = measure_results(args.repeat, dict(args.files) or None)
    report = {
        "results": [asdict(r) | {"note": r.note()} for r in results],
        "budgets": {k: {"runs": runs, "note": note} for k, (runs, note) in _keyed(results)},
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
