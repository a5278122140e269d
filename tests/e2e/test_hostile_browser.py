"""Hostile data in a real browser: no script runs, nothing is injected, the text shows as typed.

The app runs on its own server against the hostile snapshot of ``tests/hostile.py``
(markup, scripts, Markdown links, LaTeX and a right-to-left override in every shown text).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loaders.tools.browser import MAP_DRAWN, SETTLED
from tests.e2e.conftest import serve
from tests.hostile import COUNTY, IMG, LIVE, SCRIPT, TEX, WJ, write_hostile_snapshot

pytestmark = pytest.mark.e2e

# Elements that would only exist if data text had been parsed as HTML, Markdown or LaTeX.
INJECTED = """() => ({
  img: document.querySelectorAll('img[src="x"], image[href="x"]').length,
  script: [...document.scripts].filter((s) => s.textContent.includes('alert(1)')).length,
  link: document.querySelectorAll('a[href^="javascript:" i], a[href*="evil.example"]').length,
  latex: document.querySelectorAll('.katex, mjx-container').length,
  colour: document.querySelectorAll('.stMarkdownColoredText').length,
})"""
CLEAN = {"img": 0, "script": 0, "link": 0, "latex": 0, "colour": 0}
PAGES = [
    "/?province=52",
    "/atlas?edition=zhongding-2021",
    "/rankings?province=52",
    "/metrics?province=52",
    "/evaluators?compare=demo-audit-2021",
    f"/records?province=52&county={COUNTY}",
    f"/county?county={COUNTY}",
    "/data",
]


@pytest.fixture(scope="module")
def hostile_url(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app server on the hostile snapshot, warmed up by one visit."""
    snapshot = write_hostile_snapshot(tmp_path_factory.mktemp("hostile") / "snapshot")
    log = tmp_path_factory.mktemp("streamlit-hostile") / "server.log"
    with contextlib.ExitStack() as stack:
        with pytest.MonkeyPatch.context() as env:  # only the server sees the snapshot
            env.setenv("GI_SNAPSHOT", str(snapshot))
            url = stack.enter_context(serve(log))
        warm = browser.new_page()  # the first visit after start-up switches on the router
        warm.goto(url + "/?province=52", wait_until="domcontentloaded")
        warm.wait_for_function(SETTLED, timeout=60_000)
        warm.close()
        yield url


def _open(browser: Any, url: str) -> tuple[Any, dict[str, list[str]]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen: dict[str, list[str]] = {"dialogs": [], "errors": []}

    def dialog(d: Any) -> None:
        seen["dialogs"].append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(SETTLED, timeout=60_000)
    return page, seen


def _assert_inert(page: Any, seen: dict[str, list[str]]) -> None:
    page.wait_for_timeout(500)  # time for an injected onerror or script to have fired
    assert seen["dialogs"] == []
    assert page.evaluate(INJECTED) == CLEAN
    assert page.locator("[data-testid='stException']").count() == 0
    assert seen["errors"] == []


@pytest.mark.parametrize("path", PAGES)
def test_hostile_text_shows_literally_and_runs_nothing(
    browser: Any, hostile_url: str, path: str
) -> None:
    page, seen = _open(browser, hostile_url + path)
    if path.startswith("/evaluators"):  # draw the charts of the other tabs too
        page.get_by_role("tab", name="Ties to government").click()
        page.get_by_text("Who is tied to whom").first.wait_for(timeout=20_000)
        page.get_by_role("tab", name="Divergence").click()
        page.get_by_text("Spearman").first.wait_for(timeout=20_000)
        page.get_by_role("tab", name="Registry").click()
    # In the page itself (the sidebar's citation holds it too, in a closed expander).
    page.locator("[data-testid='stMain']").get_by_text(IMG, exact=False).first.wait_for(
        timeout=20_000
    )
    # As a reader sees it: the word joiners that keep links and emoji inert are invisible.
    text = page.locator("[data-testid='stMain']").inner_text().replace(WJ, "")
    assert IMG in text and SCRIPT in text and TEX in text  # literally, as typed
    assert LIVE.strip() in text  # no link, no emoji, no colour
    _assert_inert(page, seen)
    page.close()


def test_profile_heading_and_map_hover_show_the_name_as_typed(
    browser: Any, hostile_url: str
) -> None:
    page, seen = _open(browser, f"{hostile_url}/county?county={COUNTY}")
    heading = page.locator("h1").first.inner_text().replace(WJ, "")
    assert heading.startswith(f"修文县 {IMG}{SCRIPT}[x](javascript:alert(1)){TEX}")
    assert "⟨U+202E⟩evil" in heading  # the override is shown, not obeyed
    _assert_inert(page, seen)
    page.close()

    page, seen = _open(browser, f"{hostile_url}/?province=52")
    page.wait_for_function(MAP_DRAWN, arg=88, timeout=30_000)
    counties = page.locator(".geo .choroplethlayer").first
    counties.scroll_into_view_if_needed()  # the long hostile captions push the map down
    box = counties.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5
    page.mouse.move(x - 20, y - 20)
    page.mouse.move(x, y, steps=5)
    hover = page.locator(".hoverlayer .hovertext").first
    hover.wait_for(timeout=10_000)
    label = hover.text_content() or ""
    assert IMG in label and TEX in label and '<a href="https://evil.example">x</a>' in label
    assert page.locator(".hoverlayer a, .hoverlayer image").count() == 0
    _assert_inert(page, seen)
    page.close()


def test_server_log_has_no_tracebacks(hostile_url: str, tmp_path_factory: Any) -> None:
    """The hostile pages raised nothing on the server either."""
    logs = list(Path(tmp_path_factory.getbasetemp()).glob("streamlit-hostile*/server.log"))
    assert logs and not any("Traceback" in log.read_text(errors="replace") for log in logs)
