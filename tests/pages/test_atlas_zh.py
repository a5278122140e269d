"""The atlas in Chinese (``lang=zh``): map legend, hover, caption and tables (issue 8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import polars as pl
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import assessments
from tests.fixtures import demo_snapshot
from tests.pages.conftest import figures


def _columns(at: AppTest) -> list[dict[str, Any]]:
    """Return the column configuration of every table on the page."""
    return [json.loads(frame.proto.columns) for frame in at.dataframe]


def test_map_legend_and_hover_are_chinese_without_pinyin(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.ATLAS.file, lang="zh", province="52")
    assert not at.exception
    assert at.title[0].value == "地图"
    atlas, distribution = figures(at)
    assessed, missing = atlas["data"][:2]
    assert "全国排名" in assessed["hovertemplate"] and "省内排名" in assessed["hovertemplate"]
    assert "%{customdata[1]}" not in assessed["hovertemplate"]
    assert {row[1] for row in assessed["customdata"]} == {""}  # no pinyin in the hover
    assert missing["name"] == "未评估"
    assert atlas["layout"]["annotations"][0]["text"].startswith("灰色：未评估")
    guizhou = assessments.county_view(demo_snapshot(), "demo-tp-2021", province="520000")
    n = guizhou.filter(pl.col("score").is_not_null()).height
    assert distribution["layout"]["title"]["text"] == f"分布 · {n} 个县区"
    assert distribution["layout"]["yaxis"]["title"]["text"] == "县区"
    assert "县区数：%{y}" in distribution["data"][0]["hovertemplate"]
    captions = [c.value for c in at.caption]
    assert any(c.startswith(f"{guizhou.height} 个县区中有 {n} 个按") for c in captions)


def test_top_and_bottom_tables_are_chinese_and_hide_pinyin(
    run_app: Callable[..., AppTest],
) -> None:
    zh = run_app(routes.ATLAS.file, lang="zh", province="52")
    assert [m.value for m in zh.markdown][:2] == ["**前10名**", "**后10名**"]
    for columns in _columns(zh):
        assert columns["name_zh"]["label"] == "县区" and columns["score"]["label"] == "总分"
        assert columns["name_pinyin"].get("hidden") is True
    en = run_app(routes.ATLAS.file, lang="en", province="52")
    assert all(c["name_pinyin"]["label"] == "Pinyin" for c in _columns(en))


def test_map_is_built_per_language(run_app: Callable[..., AppTest]) -> None:
    """The cached map is keyed by the language: English first must not leak into Chinese."""
    en = figures(run_app(routes.ATLAS.file, lang="en", province="52"))[0]
    zh = figures(run_app(routes.ATLAS.file, lang="zh", province="52"))[0]
    assert "National rank" in en["data"][0]["hovertemplate"]
    assert en["data"][0]["customdata"][0][1] != ""  # pinyin beside the name in English
    assert "全国排名" in zh["data"][0]["hovertemplate"]


def test_published_results_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.ATLAS.file, lang="zh", edition="cass-transparency-2024", province="34")
    assert not at.exception
    legend = [t["name"] for t in figures(at)[0]["data"] if t.get("showlegend")]
    assert legend == ["未公开（101）", "前20名（3）"]
    assert at.markdown[0].value == "**公开结果中上榜的县区**"
    (columns,) = _columns(at)
    assert columns["published"]["label"] == "公开结果"
    assert columns["name_pinyin"].get("hidden") is True
    table = at.dataframe[0].value
    assert set(table["published"]) == {"前20名"}
    assert set(table["published_source_kind"]) == {"媒体报道"}
