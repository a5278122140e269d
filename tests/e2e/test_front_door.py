"""The front door cold, and every real edition on the atlas, in Chromium."""

from __future__ import annotations

import re

import polars as pl
import pytest

from loaders import assessments, overview, paths
from loaders.store import load
from loaders.tools.browser import SETTLED

pytestmark = pytest.mark.e2e

SNAPSHOT = paths.SNAPSHOTS_DIR / "default"
EXCEPTION = "[data-testid='stException']"


def _page(browser, width: int = 1440):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def _go(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(SETTLED, timeout=60_000)


def test_the_front_door_cold(browser, fresh_app_url: str) -> None:
    """A first visitor after a restart: the counts are the snapshot's, every way in works."""
    page, errors = _page(browser)
    _go(page, fresh_app_url + "/")
    page.get_by_role("heading", name="Who rates China's county governments").wait_for()
    counts = overview.counts(SNAPSHOT)
    tiles = {
        page.locator("[data-testid='stMetricLabel']").nth(i).inner_text().strip(): page.locator(
            "[data-testid='stMetricValue']"
        )
        .nth(i)
        .inner_text()
        .strip()
        for i in range(page.locator("[data-testid='stMetric']").count())
    }
    assert tiles == {
        "Real editions": f"{counts.real_editions:,}",
        "Real evaluators": f"{counts.real_evaluators:,}",
        "Counties named": f"{counts.counties_named:,}",
        "Real records": f"{counts.real_records:,}",
        "Demo editions": f"{counts.synthetic_editions:,}",
    }
    # The real numbers come before the demo: the first tile real, the last the sandbox.
    assert list(tiles) == [
        "Real editions",
        "Real evaluators",
        "Counties named",
        "Real records",
        "Demo editions",
    ]
    for link, target, ready in (
        ("Open the published results", "/published", "Published results"),
        ("Open the evaluators", "/evaluators", "Evaluators"),
        ("Open the demo atlas", "/atlas", "Atlas"),
    ):
        _go(page, fresh_app_url + "/")
        page.get_by_role("link", name=link).click()
        page.wait_for_url(re.compile(re.escape(target) + r"(\?|$)"), timeout=20_000)
        page.get_by_role("heading", name=ready, exact=True).wait_for(timeout=30_000)
        assert page.locator(EXCEPTION).count() == 0, target
    # Find a county: type its pinyin, click the match, land on its profile.
    _go(page, fresh_app_url + "/")
    box = page.get_by_label("Find a county")
    box.fill("yuyao")
    box.press("Enter")
    page.get_by_role("button", name=re.compile("余姚市")).first.click()
    page.wait_for_url(re.compile(r"/county\?.*county=330281"), timeout=30_000)
    page.get_by_role("heading", name=re.compile("余姚市")).first.wait_for(timeout=30_000)
    assert errors == []
    page.close()


def _named_on_map(edition: str) -> int:
    view = assessments.county_view(SNAPSHOT, edition, "total", None)
    return view.filter(pl.col("status") == "published").height


def _real_editions() -> list[str]:
    editions = load(SNAPSHOT, "editions")
    real = editions.filter(~pl.col("is_synthetic"))
    return sorted(e for e in real.get_column("edition_id") if _named_on_map(e) > 0)


MARKERS_IN_VIEW = """() => {
  const frame = document.querySelector('.geolayer .geo .bglayer rect')
             || document.querySelector('.geolayer .geo');
  const box = frame.getBoundingClientRect();
  const points = [...document.querySelectorAll('.scattergeo .point')].map(e => {
    const r = e.getBoundingClientRect();
    return [r.x + r.width / 2, r.y + r.height / 2, r.width];
  });
  const inside = points.filter(([x, y, w]) =>
    w > 0 && x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height);
  return {points: points.length, inside: inside.length, width: box.width, height: box.height};
}"""


def test_every_real_edition_shows_its_named_counties_in_view(browser, app_url: str) -> None:
    """Each real edition opens zoomed on the counties it named, each one a visible marker."""
    page, errors = _page(browser)
    editions = _real_editions()
    assert len(editions) > 40
    wrong = {}
    for edition in editions:
        _go(page, f"{app_url}/atlas?edition={edition}")
        expected = _named_on_map(edition)
        page.wait_for_function(
            "(n) => document.querySelectorAll('.scattergeo .point').length >= n",
            arg=expected,
            timeout=30_000,
        )
        seen = page.evaluate(MARKERS_IN_VIEW)
        sidebar = page.inner_text("[data-testid='stSidebar']")
        title = page.locator(".js-plotly-plot .gtitle").first.text_content() or ""
        if (
            title != "Published result by county"  # never "Total score"
            or "Total score" in sidebar
            or seen["points"] != expected
            or seen["inside"] != expected
            or min(seen["width"], seen["height"]) < 300  # a map, not a strip
            or "Real, published" not in sidebar
            or page.locator(EXCEPTION).count()
        ):
            wrong[edition] = (expected, seen, title)
    assert wrong == {}
    assert errors == []
    page.close()
