"""The front door: what is here, counted from the snapshot, and a county search that finds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from loaders import overview
from tests.fixtures import demo_snapshot

SNAPSHOT = str(demo_snapshot())


def test_counts_are_the_snapshots_real_evidence_first(run_app: Callable[..., AppTest]) -> None:
    at = run_app(None)
    assert not at.exception
    counts = overview.counts(SNAPSHOT)
    shown = {m.label: m.value for m in at.metric}
    assert list(shown) == [
        "Real editions", "Real evaluators", "Counties named", "Real records", "Demo editions"
    ]  # fmt: skip
    assert shown["Real editions"] == f"{counts.real_editions:,}"
    assert shown["Counties named"] == f"{counts.counties_named:,}"
    assert shown["Demo editions"] == f"{counts.synthetic_editions:,}"
    assert counts.real_editions > counts.synthetic_editions


@pytest.mark.parametrize(
    ("typed", "adcode"),
    [
        ("xiuwen", "520123"),
        ("修文", "520123"),
        ("520123", "520123"),
        ("Xiūwén Xiàn", "520123"),
        ("黔西县", "520581"),  # the old name: 黔西县 became 黔西市 in 2021
        ("520522", "520581"),  # and its old code
        ("Minhang", "310112"),
        ("min hang qu", "310112"),
    ],
)
def test_find_a_county_reaches_its_profile(
    run_app: Callable[..., AppTest], typed: str, adcode: str
) -> None:
    at = run_app(None)
    at.text_input(key="front_search").input(typed).run()
    matches = [b for b in at.button if b.key and b.key.startswith("front_search-")]
    assert matches and matches[0].key == f"front_search-{adcode}"
    if typed in ("黔西县", "520522"):
        assert "formerly 黔西县" in matches[0].label
    matches[0].click().run()
    assert not at.exception
    assert at.session_state["county"] == adcode


def _sidebar_controls(at: AppTest) -> set[str]:
    boxes = {box.key for box in at.sidebar.selectbox} & {"metric", "province"}
    edition = any(b.label == "Choose another edition" for b in at.sidebar.button)
    return boxes | ({"edition"} if edition else set())


def test_pages_without_scores_draw_only_the_controls_they_use(
    run_app: Callable[..., AppTest],
) -> None:
    from components import routes

    assert _sidebar_controls(run_app()) == set()  # the front door
    at = run_app(routes.ATLAS.file, province="52", metric="compliance")
    assert _sidebar_controls(at) == {"edition", "metric", "province"}
    # The front door stays the front door: the atlas link's province opened the session,
    # it is not an old atlas link to "/" (it used to send "Start here" back to the atlas).
    at.switch_page(routes.HOME.file).run()
    assert at.title[0].value == "Who rates China's county governments, and for what?"
    assert _sidebar_controls(at) == set()
    for page, drawn in ((routes.METHODOLOGY, set()), (routes.PUBLISHED, {"province"})):
        at.switch_page(page.file).run()
        assert not at.exception and at.title[0].value == page.title
        assert _sidebar_controls(at) == drawn, page.url_path
    # Passing through them keeps the view: the atlas opens again on Guizhou's compliance.
    at.switch_page(routes.ATLAS.file).run()
    assert at.sidebar.selectbox(key="province").value == "520000"
    assert at.sidebar.selectbox(key="metric").value == "compliance"
