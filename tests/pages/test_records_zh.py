"""The records page in Chinese (``lang=zh``): labels, tables and figures; codes stay codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from components import i18n, routes
from components.i18n import labels
from tests.pages.conftest import figures

PAGE = routes.RECORDS.file


def _open(run_app: Callable[..., AppTest], **params: str) -> AppTest:
    # The demo records, by their Chinese label (bound controls link their labels).
    layer = i18n.catalogue()[labels.RECORD_LAYERS["demo"]]
    at = run_app(PAGE, lang="zh", **{"records_layer": layer, **params})
    at.run()  # NOTE: the first run after AppTest's page switch shows sidebar defaults
    assert not at.exception
    return at


def _frame(at: AppTest, column: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The one table on the page that has ``column``, and its column labels."""
    (table,) = [d for d in at.dataframe if column in d.value.columns]
    return table.value, json.loads(table.proto.columns)


def _figure(at: AppTest, title: str) -> dict[str, Any]:
    (figure,) = [
        f for f in figures(at) if f["layout"].get("title", {}).get("text", "").startswith(title)
    ]
    return figure


def test_the_page_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    assert at.title[0].value == "政务诚信记录"
    assert [m.label for m in at.metric][:4] == ["政务诚信记录", "负面", "正面", "有记录的县区"]
    table, columns = _frame(at, "record_id")
    assert columns["name_zh"]["label"] == "县区" and columns["record_type"]["label"] == "记录类型"
    assert set(table["polarity"]) <= {"负面", "正面", "中性"}
    assert not [c for c in table.columns if "pinyin" in c]
    bars = _figure(at, "各来源机构每月记录数")
    assert bars["layout"]["yaxis"]["title"]["text"] == "每月记录数"
    assert "法院" in {t["name"] for t in bars["data"]}
    scatter = _figure(at, "2021年：总分与")
    assert scatter["layout"]["xaxis"]["title"]["text"] == "数据年度内的对应记录数"
    assert [t["name"] for t in scatter["data"]] == ["县区", "高分且记录多"]
    (county_map,) = [f for f in figures(at) if f["data"][0]["type"] == "choropleth"]
    assert county_map["layout"]["coloraxis"]["colorbar"]["title"]["text"].startswith("负面记录")


def test_filters_show_chinese_and_keep_their_codes(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    types = at.multiselect(key="records_types")
    assert types.label == "记录类型" and "舆情事件" in types.options and "投诉" not in types.options
    types.select("opinion_incident").run()  # the value is still the code
    assert at.multiselect(key="records_types").value == ["opinion_incident"]
    assert set(_frame(at, "record_id")[0]["record_type"]) == {"舆情事件"}
    lifecycle = at.selectbox(key="records_lifecycle_type")
    assert lifecycle.value == "dishonest_judgment_debtor"
    lifecycle.select("opinion_incident").run()
    chart = _figure(at, "舆情事件：")
    states = {t["name"] for t in chart["data"]}
    assert "尚未了结" in states and not [s for s in states if s.isascii()]
    measure = next(c for c in at.get("segmented_control") if c.key == "records_map_measure")
    assert measure.options == ["政务诚信记录", "每年政务诚信记录数"]
