"""Speed as the user sees it: Chromium from a click to the drawn result (issue 21).

Part of ``python -m loaders bench`` (step ``interactions``). One server, warmed by a
visit; each first-drawn timing in a new browser context; each interaction timed from
the input to the end of the run it starts (the page's script state back to
``notRunning``, or the map redrawn), on pages already drawn.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from loaders.tools.browser import CHROMIUM, CHROMIUM_ARGS, MAP_DRAWN, SETTLED, serve

# How many charts are on a page when it is fully drawn.
CHARTS_DRAWN = "(n) => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n"
# Set a flag when the app starts a run, so the end of *that* run can be awaited.
WATCH_RUN = """() => {
  window.__ran = false;
  const app = document.querySelector("[data-testid='stApp']");
  const seen = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__ran = true;
  });
  seen.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  window.__seen = seen;
}"""
RUN_DONE = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return window.__ran && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector("[data-testid='stSkeleton']");
}"""
TIMEOUT = 90_000


def _first_drawn(browser: Any, url: str, ready: Callable[[Any], None]) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    ready(page)
    seconds = time.perf_counter() - start
    context.close()
    return seconds


def _interaction(
    page: Any, act: Callable[[], None], done: str = RUN_DONE, arg: Any = None
) -> float:
    page.evaluate(WATCH_RUN)
    start = time.perf_counter()
    act()
    page.wait_for_function(done, arg=arg, timeout=TIMEOUT)
    return time.perf_counter() - start


def _downloads(page: Any, url: str, repeat: int) -> list[float]:
    """Seconds from a click on the national demo records' XLSX button to the download.

    The file (100,000 records, ``EXPORT_LIMIT``) is built on the click; the download
    starts when the browser receives it.
    """
    page.goto(url + "/records?records_layer=Demo+records+%28synthetic%29")
    page.wait_for_function(CHARTS_DRAWN, arg=2, timeout=TIMEOUT)
    page.wait_for_function(SETTLED, timeout=TIMEOUT)
    button = page.get_by_role("button", name=re.compile(r"filtered records \(XLSX\)")).first
    runs = []
    for _ in range(repeat):
        with page.expect_download(timeout=TIMEOUT) as download:
            start = time.perf_counter()
            button.click()
        runs.append(time.perf_counter() - start)
        download.value.delete()
    return runs


def measure(repeat: int) -> dict[str, tuple[list[float], str]]:
    """Return runs per budget key: first drawn pages, interactions, the XLSX download."""
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[float]] = {
        "metrics_drawn_seconds": [],
        "records_drawn_seconds": [],
        "weights_slider_seconds": [],
        "province_switch_seconds": [],
        "records_page_turn_seconds": [],
        "records_xlsx_download_seconds": [],
    }
    with serve() as (url, _, _), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm = browser.new_page()  # the first visit after start-up switches on the router
        for path in ("/atlas", "/metrics", "/records?province=31"):
            warm.goto(url + path)
            warm.wait_for_function(SETTLED, timeout=TIMEOUT)
        warm.close()

        def charts(n: int) -> Callable[[Any], None]:
            def ready(page: Any) -> None:
                page.wait_for_function(CHARTS_DRAWN, arg=n, timeout=TIMEOUT)
                page.wait_for_function(SETTLED, timeout=TIMEOUT)

            return ready

        for _ in range(repeat):
            runs["metrics_drawn_seconds"].append(_first_drawn(browser, url + "/metrics", charts(5)))
            runs["records_drawn_seconds"].append(
                _first_drawn(browser, url + "/records?province=31", charts(2))
            )
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.goto(url + "/metrics")
        charts(5)(page)
        slider = page.get_by_role("slider").first
        for _ in range(repeat):
            slider.focus()
            runs["weights_slider_seconds"].append(
                _interaction(page, lambda: page.keyboard.press("ArrowRight"))
            )
        page.goto(url + "/atlas")
        page.wait_for_function(MAP_DRAWN, arg=2800, timeout=TIMEOUT)
        page.wait_for_function(SETTLED, timeout=TIMEOUT)
        for province, name in [("Zhejiang", "33"), ("Guizhou", "52"), ("Yunnan", "53")][:repeat]:

            def choose(province: str = province) -> None:
                box = page.get_by_role("combobox", name="Province")
                box.click()
                box.fill(province)
                page.keyboard.press("Enter")

            runs["province_switch_seconds"].append(
                _interaction(
                    page,
                    choose,
                    done=f"() => ({RUN_DONE})() && location.search.includes('province={name}')",
                )
            )
        page.goto(url + "/records?province=31&records_layer=Demo+records+%28synthetic%29")
        charts(2)(page)
        step_up = page.locator("[data-testid='stNumberInputStepUp']").last
        for _ in range(repeat):
            runs["records_page_turn_seconds"].append(_interaction(page, step_up.click))
        runs["records_xlsx_download_seconds"] = _downloads(page, url, repeat)
        context.close()
        browser.close()
    note = "Chromium, new context per first-drawn run; interactions on a drawn page"
    return {key: (values, note) for key, values in runs.items()}
