"""The county profile in Chinese (``lang=zh``): header, ranks, charts and tables (issue 8)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from components import routes
from tests.i18n_scan import english_words, figure_texts
from tests.pages.conftest import figures

PAGE = routes.COUNTY.file


def _profile(run_app: Callable[..., AppTest], county: str = "520123", **params: str) -> AppTest:
    at = run_app(PAGE, lang="zh", county=county, **params)
    assert not at.exception
    return at


def test_header_and_ranks(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app)
    assert at.title[0].value == "修文县"
    assert at.caption[0].value == "县 · 贵阳市 · 贵州省 · 区划代码 520123"
    metrics = {m.label: m.value for m in at.metric}
    assert re.fullmatch(r"[\d,]+ / [\d,]+", metrics["全国排名"])  # "209 / 2,739"
    assert "总分（合成）" in metrics


def test_history_and_evaluator_tables(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app)
    history = at.dataframe[0]
    labels = {k: v.get("label") for k, v in json.loads(history.proto.columns).items() if v}
    assert labels["national"] == "全国排名" and labels["published"] == "已公开结果"
    rows = history.value
    real = rows[rows["edition_id"] == "zhongding-2021"].iloc[0]
    assert real["published"] == "前100名（已公开，未给出名次）"
    assert real["data"] == "真实（有出处）" and real["status"] == "公开结果中上榜"
    assert (rows[rows["is_synthetic"]]["evaluator"].str.endswith("（合成）")).all()
    evaluators = json.loads(at.dataframe[1].proto.columns)
    assert evaluators["evaluator_en"]["hidden"] is True  # the Chinese name is the name
    assert evaluators["evaluator_zh"]["label"] == "评估机构"


def test_charts_speak_chinese_without_pinyin(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app)
    history, breakdown, _records = figures(at)
    titles = [a["text"] for a in history["layout"]["annotations"]]
    assert "总分" in titles and "真实公开结果（各有其名单）" in titles
    # One rank panel per list, each named by its list: never one axis for several lists.
    assert any(t.endswith("名单中的排名（1 = 最好）") for t in titles)
    names = [t["name"] for t in history["data"]]
    assert "中鼎资信评级服务有限公司（真实，已公开）" in names
    assert [t["name"] for t in breakdown["data"]] == [
        "修文县（合成）",
        "贵州省平均（合成）",
        "全国平均（合成）",
    ]
    assert breakdown["layout"]["xaxis"]["title"]["text"] == "得分"
    assert list(breakdown["data"][0]["y"]) == [
        "合规度",
        "践约度",
        "政务诚信专项工作",
        "政务舆情事件",
        "透明度",
    ]
    for figure in (history, breakdown):
        texts = [t for t in figure_texts(figure) if "Xiuwen" not in t]
        assert len(texts) == len(list(figure_texts(figure)))  # no pinyin anywhere
        shown = [t.get(k, "") for t in figure["data"] for k in ("name", "hovertemplate")]
        assert [w for t in shown for w in english_words(t, {"Demo"})] == []


def test_real_result_names_its_source_apart(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app)
    text = " ".join(m.value for m in at.markdown)
    assert "**2021 · 中鼎资信评级服务有限公司** · 中国县级政府政务诚信大数据" in text
    assert "：前100名（已公开，未给出名次）" in text
    assert (
        "[打开来源](http://www.ahstudent.com/jingji/2022/0819/52051.html)（可靠性：媒体报道）"
        in text
    )
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any(c.startswith("Three Guizhou counties in the 2021") for c in captions)


def test_excluded_county_gives_the_status_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = _profile(run_app, "540102")
    assert at.title[0].value == "城关区"
    assert "未参与本期评估排名：已排除。" in [i.value for i in at.info]
    assert any("Tibet" in c.value for c in at.caption)  # the data's own reason, as written


def test_search_shows_no_pinyin(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE, lang="zh")
    assert at.title[0].value == "县区概况"
    at.text_input(key="county_search").input("xiuwen").run()
    labels = [b.label for b in at.button if b.key and b.key.startswith("county_search-")]
    assert labels == ["修文县 · 贵阳市 · 贵州省 · 520123"]
