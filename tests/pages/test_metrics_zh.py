"""The metrics page in Chinese (``lang=zh``): headings, figures, tables and notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamlit.testing.v1 import AppTest

from components import metrics as view
from components import routes
from components import weights as weights_view
from loaders.schemas import FIRST_LEVEL
from tests.i18n_scan import english_words
from tests.pages.conftest import figures

PAGE = routes.METRICS.file


def _open(run_app: Callable[..., AppTest], **params: str) -> AppTest:
    at = run_app(PAGE, lang="zh", **params)
    assert not at.exception
    return at


def _figure(at: AppTest, title: str) -> dict[str, Any]:
    found = [f for f in figures(at) if title in f["layout"]["title"]["text"]]
    assert len(found) == 1, [f["layout"]["title"]["text"] for f in figures(at)]
    return found[0]


def test_headings_controls_and_figures_are_chinese(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    assert at.title[0].value == "指标与权重"
    assert [s.value for s in at.subheader] == [
        "得分的构成",
        "全国一级指标分布",
        "自定义权重",
        "各排名有多稳定？",
    ]
    labels = [at.slider(key=weights_view.SLIDER_KEYS[m]).label for m in FIRST_LEVEL]
    assert labels[0] == "透明度" and not [label for label in labels if english_words(label)]
    assert at.slider(key=weights_view.BAND_KEY).label == "权重浮动范围 ± %"
    box = _figure(at, "各省份的透明度（按中位数从高到低）")
    assert box["layout"]["yaxis"]["title"]["text"] == "得分"
    ranges = _figure(at, "全国前30名")
    assert ranges["layout"]["xaxis"]["title"]["text"] == "全国排名（1 = 最好）"
    assert [t["name"] for t in ranges["data"]] == ["最好到最差排名", "所选权重下的排名"]
    assert "按评估机构的权重计算的综合得分" in " ".join(c.value for c in at.caption)


def test_tables_have_chinese_headers_and_no_pinyin(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="33", weights="100,0,0,0,0")
    assert at.subheader[1].value == "浙江省一级指标分布"
    ranking = at.dataframe[-1].value
    assert "name_pinyin" not in ranking.columns and "adcode" in ranking.columns
    tree = at.dataframe[0].value
    assert "name_en" not in tree.columns
    assert set(tree["name_status"]) == {"已公开"}
    _figure(at, "浙江省前30名在权重 ±50% 浮动下的排名区间")


def test_another_tree_is_compared_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    edition = at.query_params["edition"]
    at.selectbox(key=f"metrics_tree_{edition}").select("zhongding-2021").run()
    assert not at.exception
    notes = [e.value for kind in ("info", "caption", "warning") for e in at.get(kind)]
    compared = [n for n in notes if n.startswith("与当前评估期次比较时需谨慎")]
    assert len(compared) == 1 and not english_words(compared[0]), compared
    assert any("24 项权重中有 24 项未知" in n for n in notes)
    tree = _figure(at, "指标体系 · ")
    assert not english_words(" ".join(tree["data"][0]["labels"]))


def test_choosing_the_box_plot_metric_works_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    control = at.button_group(key=view.BOX_METRIC_KEY)
    assert control.format_func("compliance") == "合规度"  # labels fixed while drawing
    control.set_value("compliance").run()
    assert at.button_group(key=view.BOX_METRIC_KEY).value == "compliance"
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert any(t.startswith("各地级市的合规度") for t in titles), titles
