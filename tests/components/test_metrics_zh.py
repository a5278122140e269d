"""The metrics components in Chinese (``lang=zh``): names, tables, figures and notes."""

from __future__ import annotations

import pytest

from components import i18n
from components import metrics as view
from components import weights as weights_view
from components.reasons import reason_text
from loaders import assessments
from loaders import weights as weighting
from loaders.derive.compare import Reason, comparability
from loaders.derive.weights import correlations, group_means
from tests.fixtures import demo_snapshot
from tests.i18n_scan import english_words

SNAPSHOT = str(demo_snapshot())


@pytest.fixture(autouse=True)
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "lang", lambda: "zh")


def test_metric_names_and_places_are_chinese() -> None:
    assert view.metric_name("public_opinion") == "政务舆情事件"
    assert view.metric_title("transparency") == view.metric_header("transparency") == "透明度"
    assert weights_view.shares_text([0, 30, 0, 0, 10]) == "合规度 75% · 政务舆情事件 25%"
    assert view.place_label("China", None) == "全国"
    assert view.place_label("Inner Mongolia 内蒙古自治区", "150000") == "内蒙古自治区"
    assert view.synthetic_suffix(True) == " · 合成演示数据"
    assert view.box_title("compliance", provincial=True) == "各地级市的合规度（按中位数从高到低）"


def test_tree_is_named_in_chinese_only() -> None:
    tree = assessments.indicators(SNAPSHOT, "zhongding-2021")
    nodes = view.tree_nodes(tree)
    assert nodes.item(0, "label") == "全部指标"
    assert not [label for label in nodes["label"] if english_words(label)]
    texts = view.tree_figure(tree, title="t", lang=i18n.lang()).data[0].text
    assert "权重未知 · 名称未确认" in texts
    table = view.tree_table(tree)
    assert "name_en" not in table.columns and "name_en" not in view.tree_columns()
    assert set(table["weight"]) == {"未知"}
    assert set(table["name_status"]) == {"已公开", "占位名称（未确认）"}
    assert not [p for p in table["parent"] if english_words(p)]


def test_comparability_reasons_are_translated() -> None:
    verdict = comparability(
        assessments.indicators(SNAPSHOT, "demo-tp-2021"),
        assessments.indicators(SNAPSHOT, "zhongding-2021"),
    )
    assert english_words(verdict.reason)  # the loader writes English
    shown = reason_text(verdict.reasons)
    assert shown and not english_words(shown), shown
    keys = Reason("first_level_differ", keys=("compliance", "transparency"))
    assert reason_text([keys]) == "一级指标不同：合规度、透明度"
    assert reason_text([Reason("weights_differ", n=2)]) == "2 项指标的权重不同"


def test_ranking_table_has_chinese_headers_and_no_pinyin() -> None:
    ranking = weighting.ranking_under(SNAPSHOT, "demo-tp-2021", (1, 1, 1, 1, 1))
    shown = weights_view.ranking_columns(ranking, provincial=False)
    assert "name_pinyin" not in shown.columns
    config = weights_view.ranking_config(provincial=False)
    assert "name_pinyin" not in config
    assert config["rank"]["label"] == "排名" and config["composite"]["label"] == "综合得分"
    assert config["transparency"]["label"] == "透明度"
    assert not [c for c in config.values() if english_words(f"{c['label']} {c.get('help') or ''}")]


def test_figures_read_in_chinese() -> None:
    scores = weighting.metric_scores(SNAPSHOT, "demo-tp-2021", province="520000")
    heat = view.correlation_figure(correlations(scores), title="t", lang=i18n.lang())
    assert list(heat.data[0].x)[:2] == ["透明度", "合规度"]
    means = view.means_figure(
        group_means(scores, group="prefecture_name_zh"),
        group="prefecture_name_zh",
        title="t",
        lang=i18n.lang(),
    )
    assert means.data[0].colorbar.title.text == "平均值"
    ranges = weighting.sensitivity(SNAPSHOT, "demo-tp-2021", None, band=0.5, seed=1)
    fig = weights_view.range_figure(ranges, n=5, top=100, title="t", lang=i18n.lang())
    assert fig.layout.xaxis.title.text == "全国排名（1 = 最好）"
    assert fig.data[1].marker.colorbar.title.text == "前100名概率"
    hover = fig.data[1].hovertemplate
    assert "所选权重下排名 %{x}" in hover and not english_words(hover.replace("extra", ""))
    assert fig.layout.annotations[0].text == "前100名"


def test_sentences_are_chinese() -> None:
    caption = weights_view.sensitivity_caption(band=0.25, seed=3, samples=500)
    assert "±25%" in caption and "种子 3" in caption and not english_words(caption)
    assert weights_view.weights_text(None, None).startswith("相等权重")
    assert weights_view.weights_text((1, 0, 0, 0, 0), None) == "您的权重（透明度 100%）"
