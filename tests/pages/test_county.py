from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from components.profile import of
from components.weights import chance_text
from loaders import assessments, records, weights
from tests.fixtures import demo_snapshot
from tests.pages.conftest import figures, values

SNAPSHOT = str(demo_snapshot())
PAGE = routes.COUNTY.file
TIMELINE = "Records about the government bodies of this county"


def _profile(run_app: Callable[..., AppTest], county: str, **params: str) -> AppTest:
    at = run_app(PAGE, county=county, **params)
    assert not at.exception
    return at


def _title(figure: dict[str, Any]) -> str | None:
    return figure["layout"].get("title", {}).get("text")


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
    assert real["status"] == "named in published results" and real["published_band"] == "top100"
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
        at.session_state["edition"] = edition  # as the edition picker sets it
        at.run()
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
    # The last edition's rank is a rank among every ranked county (the fixture's cohort).
    assert metrics["National rank"].endswith(f" of {row['n_national']:,}")
    assert row["n_national"] > 500


def test_history_and_breakdown_figures(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "520123")
    history, breakdown, _records = figures(at)
    names = [t["name"] for t in history["data"]]
    assert "Zhongding Credit Rating Service Co., Ltd. (real, published)" in names
    assert all(n.endswith("(synthetic)") for n in names if n.startswith("Demo"))
    first = history["data"][0]
    assert values(first["x"]) == [2018, 2019, 2020, 2021]
    assert len(breakdown["data"]) == 3
    assert breakdown["data"][0]["name"] == "修文县 Xiuwen Xian (synthetic)"
    assert all(len(values(t["x"])) == 5 for t in breakdown["data"])
    assert [t["name"] for t in breakdown["data"]][1:] == [
        "Guizhou average (synthetic)",  # places in the interface language (issue 18)
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
    at.session_state["edition"] = "demo-tp-2019"  # as the edition picker sets it
    at.run()
    links = {label: (page, query) for label, page, query in _page_links(at)}
    page, query = links["Back to the atlas"]
    assert page == "atlas"  # "" is the front door
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
    # no scores to chart (said in words instead); only the records timeline is drawn
    assert [_title(f) for f in figures(at)] == [TIMELINE]


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
    labels = [b.label for b in at.main.button]
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
        assert not at.main.button
        assert "No county-level division matches" in " ".join(c.value for c in at.caption)
    at.text_input(key="county_search").input("朝阳区").run()
    assert len(at.main.button) >= 2  # shared names: every unit, told apart by prefecture and code


def _stability(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_rank_stability_under_the_view_weights(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "520123")
    assert "How stable is this rank?" in [s.value for s in at.subheader]
    edition = at.query_params["edition"]
    row = weights.county_sensitivity(SNAPSHOT, edition, "520123", None)
    assert row is not None
    shown = _stability(at)
    assert shown["Rank at these weights"] == f"{row['rank']:,} of {row['n_ranked']:,}"
    assert shown["Best rank in the band"] == f"{row['best_rank']:,}"
    assert shown["Worst rank in the band"] == f"{row['worst_rank']:,}"
    assert shown["Chance of top 100"] == chance_text(row["p_top"])
    assert row["best_rank"] < row["rank"] < row["worst_rank"]  # a mid-table county moves
    captions = " ".join(c.value for c in at.caption)
    assert "the evaluator's weights" in captions and "seed 20221" in captions
    links = {label: query for label, _, query in _page_links(at)}
    assert "county=520123" in links["Set your own weights"]
    # a narrower band narrows the range; the band is shared with the metrics page
    at.slider(key="sensitivity_band").set_value(10).run()
    narrow = _stability(at)
    best, worst = (
        int(narrow[k].replace(",", "")) for k in ("Best rank in the band", "Worst rank in the band")
    )
    assert row["best_rank"] <= best and worst <= row["worst_rank"]
    assert (best, worst) != (row["best_rank"], row["worst_rank"])


def test_rank_stability_follows_the_weights_parameter(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "520123", weights="100,0,0,0,0")
    shown = _stability(at)
    assert shown["Best rank in the band"] == shown["Worst rank in the band"]
    assert shown["Rank at these weights"].startswith(shown["Best rank in the band"] + " of")
    captions = " ".join(c.value for c in at.caption)
    assert "Weights: your weights \\(Transparency 100%\\)" in captions  # Markdown-escaped


def test_excluded_county_has_no_rank_range(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "540102")
    assert "no rank range" in " ".join(i.value for i in at.info)
    assert not at.slider  # no band control for a county without a rank


def test_records_timeline_shows_every_record_and_links_to_them(
    run_app: Callable[..., AppTest],
) -> None:
    at = _profile(run_app, "520123")
    assert "Records about this county" in [s.value for s in at.subheader]
    (timeline,) = [f for f in figures(at) if _title(f) == TIMELINE]
    expected = records.county_records(SNAPSHOT, "520123")
    assert 10 < expected.height < 300
    dates = [d for trace in timeline["data"] for d in values(trace["x"])]
    assert len(dates) == expected.height
    assert sorted(dates) == [d.isoformat() for d in expected.get_column("occurred")]
    negative = expected.filter(pl.col("polarity") == "negative").height
    assert f"negative ({negative:,})" in [t["name"] for t in timeline["data"]]
    assert f"{expected.height:,} records. Synthetic demo records" in " ".join(
        c.value for c in at.caption
    )
    links = {label: (page, query) for label, page, query in _page_links(at)}
    page, query = links["Open these records"]
    assert page == "records"
    assert "county=520123" in query and "province=52" in query
