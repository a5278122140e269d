from __future__ import annotations

import json
import subprocess
import sys

import pytest

from loaders import paths
from loaders.tools import bench, bench_renderers

# Beijing: 16 districts, 40 KB.
SMALL = paths.STATIC_GEO_DIR / "counties_11.json"


def test_both_pages_draw_the_same_counties_by_url() -> None:
    geojson = json.loads(SMALL.read_text("utf-8"))
    svg, gl = (
        bench_renderers.figure(r, "/geo/x.json", geojson, national=True)
        for r in ("svg", "maplibre")
    )
    assert (svg.data[0].type, gl.data[0].type) == ("choropleth", "choroplethmap")
    assert svg.data[0].geojson == gl.data[0].geojson == "/geo/x.json"
    assert svg.data[0].locations == gl.data[0].locations
    assert svg.data[0].z == gl.data[0].z
    # China's fixed extent, as the app's national map (geo) and its MapLibre equivalent.
    assert svg.layout.geo.lonaxis.range == bench_renderers.CHINA_LON
    assert gl.layout.map.style == "white-bg" and 3 < gl.layout.map.zoom < 4


@pytest.mark.e2e
def test_the_renderers_step_draws_both_maps(chromium: None) -> None:
    """Both renderers really draw a province (paths, canvas ink); every key is a budget.

    Run as a separate process: Playwright's sync API cannot start inside a session where
    the e2e tests' browser fixture is open.
    """
    command = [sys.executable, "-m", "loaders.tools.bench_renderers", "--repeat", "1",
               f"province={SMALL}"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=paths.ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    features = len(json.loads(SMALL.read_text("utf-8"))["features"])
    drawn = {r["renderer"]: r["runs"][0] for r in report["results"]}
    assert set(drawn) == {"svg", "maplibre"}
    for renderer, run in drawn.items():
        assert run["error"] == "", renderer
        assert run["features"] == features, renderer  # SVG paths; features MapLibre rendered
        assert run["inked"] > bench_renderers.MIN_INKED, renderer  # not a blank canvas
        assert run["seconds"] is not None and run["restyle_seconds"] is not None, renderer
        # The geometry is fetched by URL, whole, as the app's map fetches it.
        assert run["bytes_sent"][f"/geo/{SMALL.name}"] == SMALL.stat().st_size, renderer
    budgets = report["budgets"]
    expected = {b.key for b in bench.RENDERER_BUDGETS if "_province" in b.key}
    assert set(budgets) == expected
    assert all(len(budgets[k]["runs"]) == 1 for k in expected if "_hover" not in k)
    assert "16/16 paths" in budgets["renderer_svg_province_seconds"]["note"]
