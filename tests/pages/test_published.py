"""Published results: every real result, searchable by the link, with sources and a map."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from components import routes
from loaders import overview
from tests.fixtures import demo_snapshot
from tests.pages.conftest import figures

PAGE = routes.PUBLISHED.file
SNAPSHOT = str(demo_snapshot())


def test_every_real_result_is_listed_with_its_source(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE)
    assert not at.exception
    table = at.dataframe[0].value
    results = overview.published_results(SNAPSHOT)
    assert len(table) == results.height > 100
    assert table["source_url"].dropna().str.startswith("http").all()
    assert not any("Synthetic demo data on screen" in w.value for w in at.warning)
    (evidence,) = [f for f in figures(at) if f["data"][0]["type"] == "choropleth"]
    assert "REAL" in evidence["layout"]["title"]["subtitle"]["text"]


def test_search_and_kinds_narrow_the_table_and_stay_in_the_link(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(PAGE, published_search="xiuwen")
    table = at.dataframe[0].value
    assert len(table) >= 1 and set(table["adcode"]) == {"520123"}
    at = run_app(PAGE, published_kinds="record")
    table = at.dataframe[0].value
    assert len(table) == overview.counts(SNAPSHOT).real_records
    assert set(table["kind_label"]) == {"record"}
