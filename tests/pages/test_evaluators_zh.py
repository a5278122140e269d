"""The evaluators page in Chinese (``lang=zh``): picker, tables, diagrams, divergence, bias."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from components import routes
from loaders import evaluators
from tests.fixtures import demo_snapshot
from tests.i18n_scan import english_words
from tests.pages.conftest import figures

PAGE = routes.EVALUATORS.file


def _open(run_app: Callable[..., AppTest], **params: str) -> AppTest:
    at = run_app(PAGE, lang="zh", **params)
    assert not at.exception
    return at


def _labels(frame_element) -> dict[str, str]:
    config = json.loads(frame_element.proto.columns or "{}")
    return {c: o.get("label", "") for c, o in config.items() if isinstance(o, dict)}


def test_registry_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    assert at.title[0].value == "评估机构"
    assert [t.label for t in at.tabs] == [
        "机构名录",
        "与政府的关联",
        "覆盖范围",
        "结果分歧",
        "本省偏向（主场优势）",
    ]
    picker = next(s for s in at.selectbox if s.label == "评估机构")
    assert picker.value == "demo-rating"  # option values stay the ids
    assert all(o.endswith((" · 合成", " · 真实")) for o in picker.options)
    picker.set_value("zhongding").run()
    assert not at.exception
    assert not [h.value for h in at.subheader if english_words(h.value)]  # Chinese name only
    assert any(t.value == "数据：真实，有引用来源" for t in at.text)
    ties = at.dataframe[0]
    assert set(ties.value["confidence"]) == {"○ 未核实", "◑ 有报道"}
    assert _labels(ties)["party_name"] == "关联方"
    assert set(at.dataframe[1].value["data"]) == {"真实"}


def test_ties_diagram_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    at.button_group(key="evaluators_ties_scope").set_value("all").run()
    figure = next(
        f for f in figures(at) if f["layout"]["title"]["text"].startswith("评估机构与其背后")
    )
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    assert any("政府机关" in t for t in texts)
    assert "<b>中鼎资信评级服务有限公司</b>" in texts
    assert not [t for t in texts if english_words(re.sub(r"<[^>]+>", " ", t), {"Demo"})]


def test_divergence_in_chinese_without_pinyin(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, compare="demo-audit-2021")
    metrics = {m.label: m.value for m in at.metric}
    both = evaluators.paired_scores(demo_snapshot(), "demo-tp-2021", "demo-audit-2021").height
    assert metrics["两者共有的县区"] == f"{both:,}"
    scatter = next(f for f in figures(at) if f["data"][0]["type"] == "scattergl")
    assert scatter["layout"]["xaxis"]["title"]["text"] == "A：总分"
    provinces = next(f for f in figures(at) if f["data"][0].get("error_x"))["data"][0]["y"]
    assert "贵州省" in provinces and not [p for p in provinces if english_words(p)]
    disagreements = next(d for d in at.dataframe if "rank_gap" in d.value.columns)
    assert "name_pinyin" not in disagreements.value.columns
    assert _labels(disagreements)["province_name_zh"] == "省份"
    assert any(i.value.startswith("对比时请注意：二级指标不同") for i in at.info)


def test_home_bias_readings_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    texts = [t.value for t in at.text]
    assert any("无法检验本省偏向" in t for t in texts)
    assert any("期望值为" in t for t in texts)
    assert not any("home province" in t for t in texts)
