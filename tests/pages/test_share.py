"""Every page offers its own link and a citation that pins the data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from tests.fixtures import demo_snapshot


def _codes(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.code]


@pytest.mark.parametrize(
    ("page", "params", "path"),
    [
        (routes.RANKINGS.file, {"province": "52", "edition": "demo-tp-2020"}, "/rankings"),
        (routes.COUNTY.file, {"county": "520123"}, "/county"),
        (routes.METRICS.file, {"weights": "40,20,20,10,10"}, "/metrics"),
    ],
)
def test_link_and_citation_of_the_view(
    run_app: Callable[..., AppTest], page: str, params: dict[str, str], path: str
) -> None:
    at = run_app(page, **params)
    assert not at.exception
    link, cited, bib = _codes(at)
    assert link.startswith(path + "?")  # no browser address in AppTest: relative to the app
    for key, value in params.items():
        assert f"{key}={value.replace(',', '%2C')}" in link
    manifest = demo_snapshot() / "manifest.json"
    sha = hashlib.sha256(manifest.read_bytes()).hexdigest()
    snapshot_id = json.loads(manifest.read_text("utf-8"))["snapshot_id"]
    assert f"data snapshot {snapshot_id}, manifest sha256 {sha}" in cited
    assert link in cited and "Accessed 20" in cited
    assert "Demo Integrity Ratings Ltd. (fictional)" in cited
    assert "SYNTHETIC demo data" in cited  # every default view is a demo edition
    assert bib.startswith("@misc{gi-") and "\\url{" + link + "}" in bib


def test_a_real_edition_cites_its_real_source(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.RANKINGS.file, edition="zhongding-2021")
    assert not at.exception
    _, cited, _ = _codes(at)
    assert "SYNTHETIC" not in cited
    assert "[edition zhongding-2021]" in cited
    assert "Source: " in cited and "http" in cited.split("Source: ")[1]
