"""The rankings page in Chinese (``lang=zh``): headers, notes and search (issue 8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import assessments
from tests.fixtures import demo_snapshot
from tests.i18n_scan import english_words

PAGE = routes.RANKINGS.file


def _open(run_app: Callable[..., AppTest], **params: str) -> AppTest:
    at = run_app(PAGE, lang="zh", **params)
    at.run()  # NOTE: as in test_rankings: the view is back on the second run
    assert not at.exception
    return at


def _table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def _config(at: AppTest) -> dict[str, Any]:
    return json.loads(at.dataframe[0].proto.columns)


def _notes(at: AppTest) -> str:
    return " ".join([i.value for i in at.info] + [c.value for c in at.caption])


def test_headers_and_help_are_chinese_and_pinyin_is_gone(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    assert at.title[0].value == "排名"
    assert "name_pinyin" not in _table(at).columns
    config = _config(at)
    assert config["rank"]["label"] == "省内名次（总分）"
    assert config["rank"]["help"].startswith("按总分计算的省内名次")
    assert config["name_zh"]["label"] == "县区"
    assert config["rank_national"]["label"] == "全国名次（总分）"
    assert config["transparency"]["label"] == "透明度"
    assert config["transparency"]["help"] == "透明度：一级指标得分，0–100。"
    for options in config.values():
        if isinstance(options, dict):
            assert english_words(f"{options.get('label', '')} {options.get('help', '')}") == []


def test_filters_and_notes_are_chinese(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    assert at.text_input(key="rankings_search").label == "搜索县区"
    assert at.selectbox(key="rankings_prefecture").label == "地级市"
    assert at.multiselect(key="rankings_grades").label == "等级"
    notes = _notes(at)
    assert "名次变化相对于" in notes  # demo-tp-2021 against 2020, flagged
    assert "比较时请谨慎" in notes
    guizhou = assessments.county_view(demo_snapshot(), "demo-tp-2021", province="520000")
    n = guizhou.filter(pl.col("status") == "assessed").height
    assert f"显示 {n} 个县区中的 {n} 个" in notes


def test_english_still_shows_pinyin(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE, province="52")
    at.run()
    assert "name_pinyin" in _table(at).columns
    assert _config(at)["name_pinyin"]["label"] == "Pinyin"


@pytest.mark.parametrize("search", ["修文", "xiuwen", "Xiu Wen", "520123"])
def test_search_takes_chinese_pinyin_or_adcode(
    run_app: Callable[..., AppTest], search: str
) -> None:
    at = _open(run_app)
    at.text_input(key="rankings_search").input(search).run()
    assert not at.exception
    assert list(_table(at)["name_zh"]) == ["修文县"]
    (link,) = [p for p in at.get("page_link") if p.proto.page == "county"]
    assert link.proto.label == "查看修文县概况"
    assert "county=520123" in link.proto.query_string


def test_first_edition_says_why_there_is_no_rank_change(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, edition="demo-tp-2018", province="52")
    assert "无名次变化：该系列没有上一期评估。" in _notes(at)
