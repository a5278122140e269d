"""Open the app in a real browser and check what a person would see."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector("[data-testid='stSkeleton']");
}"""


def test_data_page_renders_without_exceptions(browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url + "/", wait_until="domcontentloaded")
    page.wait_for_function(SETTLED, timeout=30_000)
    page.get_by_text("Assessment editions").wait_for(timeout=10_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Synthetic demo data on screen" in page.inner_text("[data-testid='stAlert']")
    assert page.locator("[data-testid='stDataFrame']").count() == 2
    assert errors == []
    page.close()


def test_map_geojson_is_served_statically(browser, app_url: str) -> None:
    page = browser.new_page()
    response = page.request.get(app_url + "/app/static/geo/counties_52.json")
    assert response.ok
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 88  # Guizhou's county-level units
    page.close()
