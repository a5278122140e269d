from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from components.provenance import md_escape
from loaders import evaluators
from tests.fixtures import demo_snapshot
from tests.pages.conftest import figures

DEFAULT = str(demo_snapshot())
PAGE = routes.EVALUATORS.file


def _picker(at: AppTest):
    return next(s for s in at.selectbox if s.label == "Evaluator")


def test_defaults_to_the_current_editions_evaluator(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE)
    assert not at.exception
    assert _picker(at).value == "demo-rating"
    assert any("Fictional demo evaluator" in w.value for w in at.warning)


@pytest.mark.parametrize("evaluator", evaluators.registry(DEFAULT)["evaluator_id"].to_list())
def test_every_evaluator_renders(run_app: Callable[..., AppTest], evaluator: str) -> None:
    at = run_app(PAGE)
    _picker(at).set_value(evaluator).run()
    assert not at.exception
    row = evaluators.registry(DEFAULT).filter(evaluators.pl.col("evaluator_id") == evaluator)
    assert any(md_escape(row["name_en"][0]) in h.value for h in at.subheader)  # as Markdown


def test_real_evaluator_shows_confidence_badges_and_sources(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(PAGE)
    _picker(at).set_value("zhongding").run()
    ties = at.dataframe[0].value
    assert set(ties["confidence"]) == {"○ unverified", "◑ reported"}
    assert ties["source_title"].notna().all()
    assert any("real, cited" in t.value for t in at.text)
    editions = at.dataframe[1].value
    assert set(editions["data"]) == {"real"}
    assert {2015, 2018, 2019, 2021} == set(editions["data_year"])


def _ties_figure(at: AppTest) -> dict:
    return next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Who is tied"))


def _ties_drawn(figure: dict) -> tuple[int, list[str]]:
    """Return the number of tie lines drawn and the evaluators' (bold) labels."""
    lines = sum(len(t["x"]) // 3 for t in figure["data"] if t["mode"] == "lines")
    bold = [a["text"] for a in figure["layout"]["annotations"] if a["text"].startswith("<b>")]
    return lines, bold


def test_ties_graph_shows_the_chosen_evaluator_or_everyone(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(PAGE)
    _picker(at).set_value("zhongding").run()
    lines, bold = _ties_drawn(_ties_figure(at))
    assert lines == evaluators.ties(DEFAULT, "zhongding").height > 0
    assert bold == ["<b>Zhongding Credit Rating Service Co., Ltd.</b>"]
    at.button_group(key="evaluators_ties_scope").set_value("all").run()
    figure = _ties_figure(at)
    lines, bold = _ties_drawn(figure)
    every = evaluators.ties(DEFAULT)
    assert lines == every.height
    assert len(bold) == every["evaluator_id"].n_unique() > 1
    # one row per tie: no two party labels share a height, so none is printed over another
    parties = [a["y"] for a in figure["layout"]["annotations"] if a["xanchor"] == "right"]
    assert len(parties) == every.height == len(set(parties))
    assert "Government body" in " ".join(a["text"] for a in figure["layout"]["annotations"])


def test_coverage_ledger_map_shows_statuses(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE, province="54")
    ledger = next(f for f in figures(at) if f["data"][0]["type"] == "choropleth")
    names = [t["name"] for t in ledger["data"]]
    assert names[0] == "excluded (74)"  # all of Tibet is outside the demo editions


def test_compare_shows_correlations(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE, compare="demo-audit-2021")
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    both = evaluators.paired_scores(DEFAULT, "demo-tp-2021", "demo-audit-2021").height
    assert labels["Counties in both"] == f"{both:,}" and both > 500
    assert 0.3 < float(labels["Spearman ρ"]) < 0.8
    assert at.query_params["compare"] == "demo-audit-2021"


@pytest.mark.parametrize("compare", ["nope", "demo-tp-2021", "<b>x</b>"])
def test_bad_compare_is_ignored_with_a_notice(
    run_app: Callable[..., AppTest], compare: str
) -> None:
    at = run_app(PAGE, compare=compare)
    assert not at.exception
    assert any("Ignored compare" in i.value for i in at.info)
    assert not at.metric
    assert "<b>" not in " ".join(i.value for i in at.info)


def test_home_bias_readings(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE)
    texts = " ".join(t.value for t in at.text)
    assert "too few to test for home bias" in texts
    assert "expected" in texts
