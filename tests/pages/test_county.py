from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components.profile import of
from loaders import assessments, paths
from tests.pages.conftest import figures, values

SNAPSHOT = str(paths.default_snapshot())
PAGE = "pages/county.py"


def _profile(run_app: Callable[..., AppTest], county: str, **params: str) -> AppTest:
    at = run_app(PAGE, county=county, **params)
    assert not at.exception
    return at


def _page_links(at: AppTest) -> list[tuple[str, str, str]]:
    return [(p.proto.label, p.proto.page, p.proto.query_string) for p in at.get("page_link")]


def test_profile_header_and_history(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "520123")
    assert at.title[0].value == "修文县 Xiuwen Xian"
    caption = at.caption[0].value
    assert "County 县" in caption and "贵阳市" in caption and "贵州省 Guizhou" in caption
    assert "520123" in caption
    history = pl.from_pandas(at.dataframe[0].value)
    assert sorted(history["edition_id"]) == [
        "demo-audit-2021",
        "demo-tp-2018",
        "demo-tp-2019",
        "demo-tp-2020",
        "demo-tp-2021",
        "zhongding-2021",
    ]
    real = history.filter(pl.col("edition_id") == "zhongding-2021").row(0, named=True)
    assert real["status"] == "published" and real["published_band"] == "top100"
    assert real["is_synthetic"] is False and real["data"] == "real (cited)"
    assert real["published"] == "Top 100 (published, no rank given)"
    assert real["source_reliability"] == "media"
    assert real["source_url"] == "http://www.ahstudent.com/jingji/2022/0819/52051.html"
    demo = history.filter(pl.col("edition_id") != "zhongding-2021")
    assert demo["is_synthetic"].all()
    assert (demo["data"] == "synthetic (demo)").all()
    assert demo["evaluator"].str.ends_with("(synthetic)").all()
    assert (demo["status"] == "assessed").all()


def test_rank_context_equals_the_county_view(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "520123")
    # NOTE: read the edition the page used (AppTest's page switch may reset the sidebar).
    for edition in (at.query_params["edition"], "demo-tp-2021", "demo-tp-2018"):
        at.sidebar.selectbox(key="edition").select(edition).run()
        assert not at.exception
        assert at.query_params["edition"] == edition
        row = (
            assessments.county_view(SNAPSHOT, edition)
            .filter(pl.col("adcode") == "520123")
            .row(0, named=True)
        )
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["National rank"] == of(row["rank_national"], row["n_national"])
        assert metrics["Provincial rank"] == of(row["rank_province"], row["n_province"])
        assert metrics["Prefectural rank"] == of(row["rank_prefecture"], row["n_prefecture"])
        assert metrics["Total (synthetic)"] == f"{row['total']:.2f}"
    assert metrics["National rank"] == "908 of 2,740"


def test_history_and_breakdown_figures(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "520123")
    history, breakdown = figures(at)
    names = [t["name"] for t in history["data"]]
    assert "Zhongding Credit Rating Service Co., Ltd. (real, published)" in names
    assert all(n.endswith("(synthetic)") for n in names if n.startswith("Demo"))
    first = history["data"][0]
    assert values(first["x"]) == [2018, 2019, 2020, 2021]
    assert len(breakdown["data"]) == 3
    assert all(len(values(t["x"])) == 5 for t in breakdown["data"])
    assert [t["name"] for t in breakdown["data"]][1:] == [
        "贵州省 average (synthetic)",
        "China average (synthetic)",
    ]


def test_real_results_and_evaluators(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "520123")
    text = " ".join(m.value for m in at.markdown)
    assert "Top 100 \\(published, no rank given\\)" in text
    assert "(http://www.ahstudent.com/jingji/2022/0819/52051.html)" in text
    assert "reliability: media" in text
    evaluators = at.dataframe[1].value
    assert set(evaluators["evaluator_en"]) == {
        "Zhongding Credit Rating Service Co., Ltd.",
        "Demo Integrity Ratings Ltd. (fictional)",
        "Demo Upper-Level Audit Office (fictional)",
    }
    assert "Synthetic demo data on screen" in at.warning[0].value


def test_atlas_link_carries_the_view(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "520123")
    # NOTE: set in the sidebar: AppTest's page switch resets the sidebar widgets.
    at.sidebar.selectbox(key="province").select("520000").run()
    at.sidebar.selectbox(key="edition").select("demo-tp-2019").run()
    links = {label: (page, query) for label, page, query in _page_links(at)}
    page, query = links["Back to the atlas"]
    assert page in ("", "atlas")  # the atlas is the default page (url path "")
    assert query == "edition=demo-tp-2019&province=52&county=520123"
    assert "2019" in at.subheader[0].value  # the rank context follows the edition


def test_tibetan_county_is_excluded_with_the_reason(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "540102")
    assert at.title[0].value == "城关区 Chengguan Qu"
    info = " ".join(i.value for i in at.info)
    assert "excluded" in info and "Tibet" in info
    assert not at.metric  # no ranks for an excluded county
    history = at.dataframe[0].value
    assert set(history["status"]) == {"excluded"}
    assert history["total"].isna().all()
    assert history["reason"].str.contains("Tibet").all()
    assert not figures(at)  # nothing to chart: said in words instead


@pytest.mark.parametrize("county", ["999999", "<script>alert(1)</script>", None])
def test_missing_or_unknown_county_shows_a_message_and_search(
    run_app: Callable[..., AppTest], county: str | None
) -> None:
    params = {} if county is None else {"county": county}
    at = run_app(PAGE, **params)
    assert not at.exception
    assert at.title[0].value == "County profile"
    messages = " ".join(i.value for i in at.info)
    assert "No county is selected" in messages
    shown = [e.value for kind in ("info", "markdown", "caption", "title") for e in at.get(kind)]
    assert not any("<script>" in str(v) or "alert(1)" in str(v) for v in shown)
    assert at.text_input(key="county_search").label == "Find a county"
    assert not at.dataframe and not figures(at)
    assert "county" not in at.query_params


def test_search_box_finds_and_opens_a_county(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE, county="999999")
    at.text_input(key="county_search").input("xiuwen").run()
    assert not at.exception
    labels = [b.label for b in at.button]
    assert labels == ["修文县 Xiuwen Xian · 贵阳市 · 贵州省 · 520123"]
    at.button(key="county_search-520123").click().run()
    assert not at.exception
    assert at.title[0].value == "修文县 Xiuwen Xian"
    assert at.query_params["county"] == "520123"


def test_search_box_with_no_match_or_special_characters(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE)
    for text in ("no such place", "(.*)", "<b>"):
        at.text_input(key="county_search").input(text).run()
        assert not at.exception
        assert not at.button
        assert "No county-level division matches" in " ".join(c.value for c in at.caption)
    at.text_input(key="county_search").input("朝阳区").run()
    assert len(at.button) >= 2  # shared names: every unit, told apart by prefecture and code
