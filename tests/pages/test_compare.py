"""Compare counties: side by side, real published results sourced and apart from demo scores."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import compare_counties
from tests.fixtures import demo_snapshot
from tests.pages.conftest import figures

PAGE = routes.COMPARE.file
SNAPSHOT = str(demo_snapshot())


def _open(run_app: Callable[..., AppTest], **params: str) -> AppTest:
    at = run_app(PAGE, **params)
    assert not at.exception
    return at


def test_two_guizhou_counties_side_by_side(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, counties="520123,520621")
    assert at.multiselect(key="_compare_counties").value == ["520123", "520621"]
    side = at.dataframe[0].value
    assert list(side.columns) == ["Metric", "修文县 Xiuwen Xian", "江口县 Jiangkou Xian"]
    expected = compare_counties.side_by_side(SNAPSHOT, "demo-tp-2021", ["520123", "520621"])
    total = expected.filter(expected["metric"] == "total").rows(named=True)
    first = side.iloc[0]
    assert first["Metric"] == "Total score"
    assert first["修文县 Xiuwen Xian"].startswith(
        f"{total[0]['score']:.2f} · #{total[0]['rank_national']} of "
    )
    assert first["江口县 Jiangkou Xian"].startswith(f"{total[1]['score']:.2f} · #")
    assert len(side) == 6  # the total and the five first-level metrics


def test_the_real_top_100_membership_is_sourced_and_apart_from_demo_scores(
    run_app: Callable[..., AppTest],
) -> None:
    at = _open(run_app, counties="520123,520621")
    real = at.dataframe[1].value
    zhongding = real[real["who"] == "Zhongding Credit Rating Service Co., Ltd."]
    assert set(zhongding["adcode"]) == {"520123", "520621"}
    assert zhongding["source_url"].str.startswith("http").all()
    assert zhongding["result"].str.lower().str.contains("top 100").all()
    assert {"2021"} <= {str(y) for y in zhongding["data_year"]}
    # the demo scores are drawn on their own axis: every trace is a synthetic edition
    (chart,) = [f for f in figures(at) if f["layout"]["title"]["text"].startswith("Total score in")]
    assert all("Demo" in t["name"] for t in chart["data"])
    assert "SYNTHETIC" in chart["layout"]["title"]["subtitle"]["text"]
    headings = [s.value for s in at.subheader]
    assert headings.index("Real published results (cited)") < headings.index(
        "Demo scores across the synthetic editions"
    )


def test_records_are_counted_real_and_demo_apart(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, counties="360921,520123")
    counts = at.dataframe[-1].value
    real = counts[counts["adcode"] == "360921"].iloc[0]
    demo = counts[counts["adcode"] == "520123"].iloc[0]
    assert real["real_records"] == 1  # 奉新县: one cited record
    assert demo["real_records"] == 0 and demo["demo_records"] > 0
    expected = compare_counties.record_counts(SNAPSHOT, ["360921", "520123"])
    assert list(counts["demo_records"]) == expected["demo_records"].to_list()  # never summed


def test_picking_counties_writes_the_link(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    assert "Choose at least two counties" in at.info[0].value
    at.multiselect(key="_compare_counties").set_value(["520581", "310112"]).run()
    assert at.query_params["counties"] == "520581,310112"
    assert "黔西市 Qianxi Shi" in " ".join(at.dataframe[0].value.columns)


@pytest.mark.parametrize("bad", ["520123,999999", "1,2,3,4,5,6", "<b>x</b>"])
def test_a_bad_counties_link_is_ignored_with_a_notice(
    run_app: Callable[..., AppTest], bad: str
) -> None:
    at = _open(run_app, counties=bad)
    assert "Ignored counties" in " ".join(i.value for i in at.info)


def test_the_picker_finds_old_names_and_pinyin() -> None:
    from components import compare
    from loaders import divisions

    labels = compare.county_labels(divisions.searchable(SNAPSHOT))
    assert "formerly 黔西县" in labels["520581"]
    assert "Minhang" in labels["310112"]
    assert json.dumps(labels["520123"], ensure_ascii=False).count("520123") == 1
