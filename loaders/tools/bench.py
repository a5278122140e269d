"""``python -m loaders bench``: measure the performance budgets of DESIGN.md §7 and print JSON.

Each measurement is repeated, reported as median and spread, and set against its
budget. Benchmarks are not tests: nothing here asserts a time; the tests only
check that the bench runs and reports every budget.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from loaders import paths
from loaders.build.demo import write_demo
from loaders.tools import protocol
from loaders.tools.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_DRAWN,
    chromium_missing,
    rss_mb,
    serve,
)


@dataclass(frozen=True)
class Budget:
    """One budget: what is measured, its limit, and whether lower or higher is better."""

    key: str
    what: str
    limit: float
    unit: str
    lower_is_better: bool = True


# Issue 21: the county map drawn by SVG (choropleth) and by MapLibre (choroplethmap),
# standalone pages in Chromium (loaders.tools.bench_renderers); restyle and hover judged by
# no budget.
RENDERER_BUDGETS = [
    Budget(f"renderer_{r}_{view}{what}_seconds", f"{name}, {view} counties: {event}", limit, "s")
    for r, name in (("svg", "SVG choropleth"), ("maplibre", "MapLibre choroplethmap"))
    for view in ("national", "province")
    for what, event, limit in (
        ("", "first drawn", 3.0),
        ("_restyle", "restyle z → drawn", float("inf")),
        ("_hover", "mouse in → hover label", float("inf")),
    )
]

BUDGETS: dict[str, Budget] = {
    b.key: b
    for b in (
        Budget("map_national_bytes", "national choropleth figure sent to the browser", 400e3, "B"),
        Budget("map_province_bytes", "largest one-province choropleth figure", 150e3, "B"),
        Budget("map_national_seconds", "figure build + serialisation, national map", 0.2, "s"),
        Budget("rerun_non_map_seconds", "rerun after a non-map change (map cached)", 0.1, "s"),
        Budget("rerun_map_seconds", "rerun after a map-relevant change", float("inf"), "s"),
        Budget("cold_start_seconds", "app cold start to healthy", 5.0, "s"),
        Budget("atlas_drawn_seconds", "atlas fully drawn in headless Chromium", 3.0, "s"),
        Budget("records_query_seconds", "records: province + county×source×month", 1.0, "s"),
        Budget("records_speedup", "records query: pandas time / Polars time", 5.0, "×", False),
        Budget("reweight_seconds", "weighted re-ranking of all counties", float("inf"), "s"),
        Budget("sensitivity_seconds", "1,000-sample rank sensitivity over all counties", 1.0, "s"),
        Budget("memory_10_sessions_mb", "server RSS with 10 concurrent sessions", 1024.0, "MB"),
        Budget("import_cli_seconds", "667,036-row CSV checked by the import CLI", 15.0, "s"),
        Budget("import_rows_per_second", "import: rows matched by name per second", 50e3, "rows/s",
               False),
        Budget("import_other_session_seconds", "another session's atlas while the Import page "
               "checks the 667,036-row CSV", 6.0, "s"),
        Budget("metrics_drawn_seconds", "metrics page first drawn in Chromium", 3.0, "s"),
        Budget("records_drawn_seconds", "records page (province 31) first drawn", 3.0, "s"),
        Budget("weights_slider_seconds", "weight slider moved → re-ranked and drawn", 0.5, "s"),
        Budget("province_switch_seconds", "atlas province switch → map drawn", 0.5, "s"),
        Budget("records_page_turn_seconds", "records table page turn → drawn", 0.3, "s"),
        Budget("records_xlsx_seconds", "100,000 records written as XLSX (server)", 3.0, "s"),
        Budget("records_xlsx_download_seconds", "records XLSX button → download in Chromium "
               "(100,000 records)", 3.0, "s"),
        Budget("audience_p95_seconds", "200 sessions in 60 s, 2 replicas: server p95", 5.0, "s"),
        Budget("audience_failures", "200 sessions in 60 s, 2 replicas: failures", 0.0, ""),
        Budget("audience_rss_mb", "200 sessions in 60 s: peak RSS of a replica", 1024.0, "MB"),
        *RENDERER_BUDGETS,
    )
}  # fmt: skip


@dataclass
class Measurement:
    """A measured budget: median of the runs, their spread, and whether the budget holds."""

    key: str
    what: str
    unit: str
    budget: float | None
    value: float | None = None
    runs: list[float] = field(default_factory=list)
    spread: float | None = None
    holds: bool | None = None
    note: str = ""

    def finish(self, runs: list[float], note: str = "") -> Measurement:
        """Record the runs (median as the value) and judge the budget."""
        self.runs = [round(r, 6) for r in runs]
        self.value = round(statistics.median(runs), 6) if runs else None
        self.spread = round(max(runs) - min(runs), 6) if len(runs) > 1 else 0.0
        self.note = note
        budget = BUDGETS[self.key]
        if self.value is not None and self.budget is not None:
            ok = (
                self.value <= budget.limit if budget.lower_is_better else self.value >= budget.limit
            )
            self.holds = bool(ok)
        return self


def _measurement(key: str) -> Measurement:
    budget = BUDGETS[key]
    limit = None if budget.limit == float("inf") else budget.limit
    return Measurement(key, budget.what, budget.unit, limit)


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return runs


# ---------------------------------------------------------------------------------------
# maps and reruns (server side, the app run by AppTest)
# ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def _snapshot_env(snapshot: str) -> Iterator[None]:
    """Point the app at ``snapshot`` (``GI_SNAPSHOT``) while measuring; restore it after."""
    before = os.environ.get("GI_SNAPSHOT")
    os.environ["GI_SNAPSHOT"] = snapshot
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("GI_SNAPSHOT", None)
        else:
            os.environ["GI_SNAPSHOT"] = before


def _atlas(**params: str) -> Any:
    """Return an AppTest of the app with ``params``, run once."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    # "/" is the front door; a page's file is named as its URL path (/atlas), a rule
    # tests/components/test_routes.py enforces (loaders cannot import components.routes)
    at.switch_page(str(Path("pages", "atlas").with_suffix(".py")))
    at.run()
    return at


# Classings other than the default (continuous), each a map the cache has not seen.
NEW_CLASSES = ("quantile", "equal", "jenks", "grade")


def _figure_bytes(at: Any) -> int:
    """Return the size of the first chart's figure as the app sends it (its JSON spec)."""
    charts = at.get("plotly_chart")
    return len(charts[0].proto.spec.encode()) if charts else 0


def measure_maps(snapshot: str, edition: str, repeat: int) -> list[Measurement]:
    """Figure sizes (national, largest province) and the server time of a map rebuild.

    The app itself is run (AppTest), so the sizes are those of the figures it sends; the
    build + serialisation time is a rerun with a new classing (the map rebuilt) minus a
    rerun with the map cached.
    """
    import logging

    import polars as pl

    from loaders import assessments

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    view = assessments.county_view(snapshot, edition).filter(pl.col("score").is_not_null())
    provinces = view.get_column("province_adcode").unique().sort().to_list()
    rebuilt = []
    with _snapshot_env(snapshot):
        national = _figure_bytes(_atlas(edition=edition))
        sizes = {p: _figure_bytes(_atlas(edition=edition, province=p[:2])) for p in provinces}
        at = _atlas(edition=edition)
        cached = _timed(at.run, repeat)
        # Each classing once: a new view, so the figure is built and serialised afresh.
        for option in NEW_CLASSES[:repeat]:
            control = at.segmented_control(key="classes").set_value(option)
            start = time.perf_counter()
            control.run()
            rebuilt.append(time.perf_counter() - start)
    largest = max(sizes, key=sizes.__getitem__)
    extra = [max(0.0, r - statistics.median(cached)) for r in rebuilt]
    return [
        _measurement("map_national_bytes").finish([national], note="figure spec sent by the app"),
        _measurement("map_province_bytes").finish(
            [sizes[largest]], note=f"largest province figure: {largest}"
        ),
        _measurement("map_national_seconds").finish(
            extra, note="rerun with new classing minus rerun with the map cached"
        ),
        _measurement("rerun_non_map_seconds").finish(
            cached, note="whole atlas script rerun with the figure cached (upper bound)"
        ),
        _measurement("rerun_map_seconds").finish(
            rebuilt, note=f"atlas rerun with a new classing ({len(rebuilt)} classings)"
        ),
    ]


# ---------------------------------------------------------------------------------------
# the served app: cold start, browser, memory
# ---------------------------------------------------------------------------------------
def measure_cold_start(repeat: int) -> Measurement:
    """Seconds from launching ``streamlit run app.py`` to a healthy server, fresh processes."""
    runs = []
    for _ in range(repeat):
        with serve() as (_, _, seconds):
            runs.append(seconds)
    return _measurement("cold_start_seconds").finish(runs, note="fresh process each run")


def measure_browser(repeat: int) -> Measurement:
    """Seconds from navigation to the national atlas fully drawn, each in a fresh context."""
    missing = chromium_missing()
    if missing:
        return _measurement("atlas_drawn_seconds").finish([], note=f"skipped: {missing}")
    from playwright.sync_api import sync_playwright

    runs = []
    with serve() as (url, _, _), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm = browser.new_page()  # the first visit after start-up switches on the router
        warm.goto(url + "/atlas")
        warm.wait_for_function(MAP_DRAWN, arg=2800, timeout=60_000)
        warm.close()
        for _ in range(repeat):
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url + "/atlas")
            page.wait_for_function(MAP_DRAWN, arg=2800, timeout=60_000)
            runs.append(time.perf_counter() - start)
            context.close()
        browser.close()
    return _measurement("atlas_drawn_seconds").finish(runs, note="new browser context per run")


async def _session(browser: Any, url: str) -> float:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(url + "/atlas")
    await page.wait_for_function(MAP_DRAWN, arg=2800, timeout=90_000)
    ready = time.perf_counter() - start
    for province in ("33", "52"):
        await page.goto(f"{url}/atlas?province={province}")
        await page.wait_for_function(MAP_DRAWN, arg=60, timeout=90_000)
    await context.close()
    return ready


def measure_memory(sessions: int = 10) -> Measurement:
    """Server RSS with ``sessions`` concurrent browser sessions; page-ready p50 and p95."""
    missing = chromium_missing()
    if missing:
        return _measurement("memory_10_sessions_mb").finish([], note=f"skipped: {missing}")
    from playwright.async_api import async_playwright

    async def run(url: str, pid: int) -> tuple[list[float], float, float]:
        peak = 0.0
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # NOTE: one visit first, as measure_browser does: the first session after a
            # start-up switches Streamlit from its pages/-folder mode to st.navigation.
            await _session(browser, url)
            tasks = [asyncio.create_task(_session(browser, url)) for _ in range(sessions)]
            while not all(t.done() for t in tasks):
                peak = max(peak, rss_mb(pid))
                await asyncio.sleep(0.2)
            ready = [t.result() for t in tasks]
            await browser.close()
        await asyncio.sleep(2)
        return ready, peak, rss_mb(pid)

    with serve() as (url, proc, _):
        urllib.request.urlopen(url + "/", timeout=10).read()
        idle = rss_mb(proc.pid)
        ready, peak, after = protocol.run(run(url, proc.pid))
    ready.sort()
    p95 = ready[min(len(ready) - 1, round(0.95 * (len(ready) - 1)))]
    note = (
        f"{sessions} sessions (atlas, then two provinces each); idle {idle:.0f} MB, "
        f"after {after:.0f} MB; page ready p50 {statistics.median(ready):.2f} s, p95 {p95:.2f} s"
    )
    return _measurement("memory_10_sessions_mb").finish([peak], note=note)


def measure_audience(clients: int = 200, within: float = 60.0) -> list[Measurement]:
    """Measure an audience through the proxy in front of 2 replicas (``loaders.tools.audience``)."""
    from loaders.tools import audience
    from loaders.tools.deploy import nginx_missing

    keys = ("audience_p95_seconds", "audience_failures", "audience_rss_mb")
    missing = nginx_missing()
    if missing:
        return [_measurement(k).finish([], note=f"skipped: {missing}") for k in keys]
    report = audience.run_audience(2, clients=clients, within=within, browser_count=2)
    times = report["complete_s"]
    note = (
        f"{clients} protocol sessions over {within:.0f} s + {len(report['browsers'])} "
        f"browsers; p50 {times['p50']} s, max {times['max']} s; per replica "
        f"{report['per_replica']}; python -m loaders soak --clients {clients} --replicas 1,2 "
        "also runs one replica for the ratio"
    )
    peaks = [m["peak"] for m in report["rss_mb"].values()]
    failures = report["failures"] + report["browser_failures"]
    return [
        _measurement("audience_p95_seconds").finish([times["p95"]] if times["p95"] else [], note),
        _measurement("audience_failures").finish([float(failures)], note="sessions + browsers"),
        _measurement("audience_rss_mb").finish(
            [max(peaks)], note=f"peak RSS per replica: {', '.join(f'{p:.0f}' for p in peaks)} MB"
        ),
    ]


# ---------------------------------------------------------------------------------------
# records and weights
# ---------------------------------------------------------------------------------------
def make_records_snapshot(records: int, folder: Path) -> Path:
    """Generate a demo snapshot with about ``records`` records into ``folder`` (for the bench)."""
    out = folder / f"records-{records}"
    if not (out / "manifest.json").exists():
        write_demo(out, records=records, overwrite=True)
    return out


def measure_records(snapshot: Path, repeat: int, *, province: str = "52") -> list[Measurement]:
    """Province filter + group by county × source × month: Polars against idiomatic pandas."""
    import polars as pl

    from loaders.store import open_snapshot

    snap = open_snapshot(snapshot)
    files = snap.verify("records")  # hashes checked once, as the app does when loading
    rows = snap.manifest["tables"]["records"]["rows"]

    def polars_query() -> pl.DataFrame:
        return (
            snap.scan("records", verified=files)
            .filter(pl.col("adcode").str.starts_with(province))
            .group_by("adcode", "source_agency", pl.col("occurred").dt.truncate("1mo"))
            .agg(pl.len())
            .collect()
        )

    polars_runs = _timed(polars_query, repeat)
    try:
        import pandas as pd
    except ImportError:
        pandas_runs: list[float] = []
        ratio_note = "pandas not installed: pip install -r requirements-dev.txt"
    else:

        def pandas_query() -> Any:
            # Idiomatic: only the needed columns, the filter pushed into the reader,
            # dates as datetime64 (not Python objects).
            frame = pd.read_parquet(
                snapshot / "records",
                columns=["adcode", "source_agency", "occurred"],
                filters=[("adcode", ">=", province), ("adcode", "<", f"{int(province) + 1:02d}")],
            )
            month = frame["occurred"].astype("datetime64[s]").dt.to_period("M")
            return frame.groupby(["adcode", "source_agency", month], observed=True).size()

        pandas_runs = _timed(pandas_query, repeat)
        ratio_note = (
            f"pandas {pd.__version__} median {statistics.median(pandas_runs):.3f} s over "
            f"{rows:,} records"
        )
    polars_median = statistics.median(polars_runs)
    ratio = [statistics.median(pandas_runs) / polars_median] if pandas_runs else []
    return [
        _measurement("records_query_seconds").finish(
            polars_runs, note=f"Polars lazy scan over {rows:,} records, province {province}"
        ),
        _measurement("records_speedup").finish(ratio, note=ratio_note),
    ]


def measure_weights(snapshot: str, edition: str, repeat: int) -> list[Measurement]:
    """Weighted re-ranking and 1,000-sample rank sensitivity over all counties (uncached)."""
    from loaders import weights

    frame = weights.metric_scores(snapshot, edition)
    base = weights.baseline_weights(snapshot, edition)
    user = tuple(w * (1.5 if i == 0 else 1.0) for i, w in enumerate(base))
    rerank = _timed(lambda: weights.reweighted_ranking(frame, weights=user, baseline=base), repeat)
    sense = _timed(
        lambda: weights.rank_sensitivity(frame, weights=user, samples=1000, seed=7), repeat
    )
    counties = frame.height
    return [
        _measurement("reweight_seconds").finish(rerank, note=f"{counties:,} counties"),
        _measurement("sensitivity_seconds").finish(
            sense, note=f"1,000 weight vectors × {counties:,} counties, ±50% band"
        ),
    ]


# ---------------------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    """Describe the machine the bench ran on."""
    import polars as pl

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "polars": pl.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }


def run_bench(
    *,
    snapshot: str,
    edition: str,
    records: int,
    repeat: int,
    skip: set[str],
    work: Path,
    sessions: int = 10,
    progress: Callable[[str], None] = lambda s: None,
) -> dict[str, Any]:
    """Run every measurement not in ``skip``; return the report (budgets keyed by name)."""
    results: list[Measurement] = []
    steps: list[tuple[str, Callable[[], list[Measurement]]]] = [
        ("maps", lambda: measure_maps(snapshot, edition, repeat)),
        ("weights", lambda: measure_weights(snapshot, edition, repeat)),
        ("cold-start", lambda: [measure_cold_start(repeat)]),
        ("browser", lambda: [measure_browser(repeat)]),
        ("memory", lambda: [measure_memory(sessions)]),
        ("records", lambda: measure_records(make_records_snapshot(records, work), repeat)),
        ("import", lambda: measure_import(snapshot, repeat, work)),
        ("audience", lambda: measure_audience()),
        ("interactions", lambda: measure_interactions(repeat)),
        ("exports", lambda: [measure_exports(snapshot, repeat)]),
        ("renderers", lambda: measure_renderers(repeat)),
    ]
    for name, step in steps:
        if name in skip:
            continue
        progress(f"measuring {name}…")
        results += step()
    measured = {m.key: asdict(m) for m in results}
    for key in BUDGETS:
        if key not in measured:
            m = _measurement(key)
            m.note = "skipped"
            measured[key] = asdict(m)
    judged = [m for m in measured.values() if m["holds"] is not None]
    return {
        "machine": machine(),
        "snapshot": snapshot,
        "edition": edition,
        "repeat": repeat,
        "all_hold": all(m["holds"] for m in judged) if judged else None,
        "budgets": measured,
    }


STEPS = (
    "maps", "weights", "cold-start", "browser", "memory", "records", "import", "audience",
    "interactions", "exports", "renderers",
)  # fmt: skip


def measure_interactions(repeat: int) -> list[Measurement]:
    """Measure first-drawn pages and interactions in Chromium (``loaders.tools.bench_browser``)."""
    missing = chromium_missing()
    if missing:
        keys = ("metrics_drawn_seconds", "records_drawn_seconds", "weights_slider_seconds",
                "province_switch_seconds", "records_page_turn_seconds",
                "records_xlsx_download_seconds")  # fmt: skip
        return [_measurement(key).finish([], note=f"skipped: {missing}") for key in keys]
    from loaders.tools import bench_browser

    measured = bench_browser.measure(repeat)
    return [_measurement(key).finish(runs, note=note) for key, (runs, note) in measured.items()]


def measure_exports(snapshot: str, repeat: int) -> Measurement:
    """Seconds to write the national demo records download (100,000 rows) as XLSX.

    The rows of the download (``records.export_rows``) with its ``data`` column, written
    by ``loaders.xlsx`` as ``components.exports`` does (without its column renaming, a
    Polars rename; the click-to-download time in Chromium is the ``interactions`` step).
    """
    import io

    import polars as pl

    from loaders import records, xlsx
    from loaders.derive.records import RecordFilters

    rows = records.export_rows(snapshot, RecordFilters()).with_columns(
        data=pl.lit("SYNTHETIC demo data")
    )
    sizes: list[int] = []

    def write() -> None:
        out = io.BytesIO()
        xlsx.workbook([xlsx.Sheet("Table", rows)], out)
        sizes.append(len(out.getvalue()))

    runs = _timed(write, repeat)
    note = f"{rows.height:,} rows × {rows.width} columns, {sizes[-1] / 1e6:.1f} MB"
    return _measurement("records_xlsx_seconds").finish(runs, note=note)


def measure_renderers(repeat: int) -> list[Measurement]:
    """Measure the map drawn by SVG and by MapLibre (``loaders.tools.bench_renderers``)."""
    missing = chromium_missing()
    if missing:
        return [
            _measurement(b.key).finish([], note=f"skipped: {missing}") for b in RENDERER_BUDGETS
        ]
    from loaders.tools import bench_renderers

    measured = bench_renderers.measure(repeat)
    return [_measurement(key).finish(runs, note=note) for key, (runs, note) in measured.items()]


def measure_import(snapshot: str, repeat: int, work: Path) -> list[Measurement]:
    """Measure the import's budgets (``loaders.tools.bench_import``)."""
    from loaders.tools import bench_import

    measured = bench_import.measure(snapshot, repeat, work)
    return [_measurement(key).finish(runs, note=note) for key, (runs, note) in measured.items()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``bench`` command's options."""
    parser.add_argument("--records", type=int, default=10_000_000, help="records to generate")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median reported)")
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    parser.add_argument("--edition", default="demo-tp-2021", help="edition to measure")
    parser.add_argument(
        "--sessions", type=int, default=10, help="concurrent browser sessions for memory"
    )
    parser.add_argument(
        "--skip", default="", help=f"comma-separated steps to skip: {', '.join(STEPS)}"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="folder for the generated records snapshot"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``python -m loaders bench`` and print the JSON report."""
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(STEPS)
    if unknown:
        print(f"unknown step(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    snapshot = str(paths.default_snapshot())
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        report = run_bench(
            snapshot=snapshot,
            edition=args.edition,
            records=args.records,
            repeat=args.repeat,
            skip=skip,
            work=args.work or Path(tmp),
            sessions=args.sessions,
            progress=lambda s: print(s, file=sys.stderr, flush=True),
        )
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0
