from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from components import i18n
from components import metrics as view
from components import weights as weights_view
from loaders import assessments
from loaders import weights as weighting
from loaders.derive.weights import correlations, group_means, median_order
from loaders.schemas import FIRST_LEVEL
from tests.fixtures import demo_snapshot

SNAPSHOT = str(demo_snapshot())


def _leaf_sizes(fig: object) -> dict[str, float]:
    trace = fig.data[0]  # type: ignore[attr-defined]
    return {i: v for i, v in zip(trace.ids, trace.values, strict=True) if v}


def test_demo_tree_areas_are_the_published_weights() -> None:
    tree = assessments.indicators(SNAPSHOT, "demo-tp-2021")
    nodes = view.tree_nodes(tree)
    first = nodes.filter(pl.col("level") == 1)
    assert first["id"].to_list() == list(FIRST_LEVEL)  # the reports' order
    assert first["size"].to_list() == pytest.approx([0.25, 0.25, 0.2, 0.15, 0.15])
    assert first["weight_text"].to_list() == [
        "weight 25%",
        "weight 25%",
        "weight 20%",
        "weight 15%",
        "weight 15%",
    ]
    fig = view.tree_figure(tree, title="t", lang=i18n.lang())
    leaves = _leaf_sizes(fig)
    assert sum(leaves.values()) == pytest.approx(1.0)
    # a second-level box is its share of the parent times the parent's weight
    assert leaves["transparency.key_info"] == pytest.approx(0.25 * 0.4)
    assert fig.data[0].branchvalues == "remainder"
    assert not any("unconfirmed" in t for t in fig.data[0].text)


def test_real_tree_marks_placeholders_and_unknown_weights() -> None:
    tree = assessments.indicators(SNAPSHOT, "zhongding-2021")
    fig = view.tree_figure(tree, title="Indicator tree · zhongding-2021", lang=i18n.lang())
    trace = fig.data[0]
    texts = dict(zip(trace.ids, trace.text, strict=True))
    colours = dict(zip(trace.ids, trace.marker.colors, strict=True))
    placeholders = tree.filter(~pl.col("name_confirmed"))["indicator_id"].to_list()
    assert len(placeholders) == 9
    for node in placeholders:
        assert texts[node] == "weight unknown · name unconfirmed"
        assert colours[node] == view.UNCONFIRMED
    # their parent is unpublished: they hang under one marked node, not under a metric
    parents = dict(zip(trace.ids, trace.parents, strict=True))
    assert {parents[p] for p in placeholders} == {view.UNPLACED}
    assert "name unconfirmed" in texts[view.UNPLACED]
    assert texts["transparency"] == "weight unknown"  # published name, no weight
    assert colours["transparency"] != view.UNCONFIRMED
    # unknown weights: equal areas, said so in every box
    has_children = set(trace.parents)
    values = dict(zip(trace.ids, trace.values, strict=True))
    assert all(values[i] == 0 for i in has_children if i)  # parents: the sum of children
    top = view.tree_nodes(tree).filter(pl.col("parent") == "")
    assert top.height == 6  # five metrics and the unplaced group
    assert top["size"].to_list() == pytest.approx([1 / 6] * 6)
    assert sum(_leaf_sizes(fig).values()) == pytest.approx(1.0)
    table = view.tree_table(tree)
    assert table.height == tree.height
    assert (table["weight"] == "unknown").all()
    unconfirmed = table.filter(pl.col("name_status") == "placeholder (unconfirmed)")
    assert unconfirmed.height == 9 and (unconfirmed["parent"] == "not published").all()
    assert table["name_en"].to_list()[0].startswith("Transparency")


def test_tree_labels_are_escaped() -> None:
    tree = pl.DataFrame(
        {
            "indicator_id": ["a"],
            "parent_id": [None],
            "level": [1],
            "name_zh": ["<b>甲</b>"],
            "name_en": ["<script>x</script>"],
            "weight": [1.0],
            "name_confirmed": [True],
        }
    )
    labels = view.tree_figure(tree, title="<i>t</i>", lang=i18n.lang()).data[0].labels
    assert all("<script>" not in label and "<b>" not in label for label in labels)


def test_distribution_boxes_follow_the_median_order() -> None:
    scores = weighting.metric_scores(SNAPSHOT, "demo-tp-2021")
    order = median_order(scores, metric="compliance", group="province_name_zh")
    fig = view.distribution_figure(
        scores,
        metric="compliance",
        group="province_name_zh",
        order=order,
        title="t",
        lang=i18n.lang(),
    )
    assert list(fig.layout.xaxis.categoryarray) == order
    medians = [scores.filter(pl.col("province_name_zh") == p)["compliance"].median() for p in order]
    assert medians == sorted(medians, reverse=True)
    assert len(fig.data[0].y) == scores.height
    first = order[0]
    n = scores.filter(pl.col("province_name_zh") == first).height
    assert fig.layout.xaxis.ticktext[0] == f"{first} ({n})"


def test_correlation_and_means_figures() -> None:
    scores = weighting.metric_scores(SNAPSHOT, "demo-tp-2021", province="520000")
    corr = correlations(scores)
    fig = view.correlation_figure(corr, title="t", lang=i18n.lang())
    z = np.array(fig.data[0].z, dtype=float)
    assert z.shape == (5, 5)
    assert np.allclose(np.diag(z), 1.0) and np.allclose(z, z.T)
    assert (np.abs(z) <= 1).all()
    expected = scores.select(pl.corr("transparency", "compliance")).item()
    assert z[0, 1] == pytest.approx(expected)
    means = group_means(scores, group="prefecture_name_zh")
    heat = view.means_figure(means, group="prefecture_name_zh", title="t", lang=i18n.lang())
    assert len(heat.data[0].y) == means.height == scores["prefecture_name_zh"].n_unique()
    guiyang = scores.filter(pl.col("prefecture_name_zh") == "贵阳市")
    row = [label.startswith("贵阳市") for label in heat.data[0].y].index(True)
    assert heat.data[0].y[row] == f"贵阳市 ({guiyang.height})"
    assert heat.data[0].z[row][0] == pytest.approx(guiyang["transparency"].mean())


def _ranges() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name_zh": ["甲", "乙", "丙", "<b>丁</b>"],
            "province_name_zh": ["P", "Q", "P", "Q"],
            "prefecture_name_zh": ["p1", "q1", "p2", "q2"],
            "adcode": ["1", "2", "3", "4"],
            "rank": [2, 1, None, 3],
            "best_rank": [1, 1, None, 2],
            "worst_rank": [7, 4, None, 9],
            "p_top": [0.25, 1.0, None, 0.0],
        }
    )


def test_range_figure_draws_best_to_worst_with_the_chosen_rank() -> None:
    fig = weights_view.range_figure(_ranges(), n=10, top=3, title="t", lang=i18n.lang())
    lines, dots = fig.data
    assert list(lines.x) == [1, 4, None, 1, 7, None, 2, 9, None]
    assert list(dots.x) == [1, 2, 3]  # unranked county left out; best rank first
    assert list(dots.marker.color) == [1.0, 0.25, 0.0]
    assert list(dots.y) == ["1. 乙 · Q", "2. 甲 · P", "3. &lt;b&gt;丁&lt;/b&gt; · Q"]
    assert fig.layout.shapes[0].x0 == 3.5  # the top-3 cut-off between 3rd and 4th
    assert list(
        weights_view.range_figure(_ranges(), n=2, top=3, title="t", lang=i18n.lang()).data[1].x
    ) == [1, 2]
    by_prefecture = weights_view.range_figure(
        _ranges(), n=1, title="t", where="prefecture_name_zh", lang=i18n.lang()
    )
    assert list(by_prefecture.data[1].y) == ["1. 乙 · q1"]


def test_ranking_columns_keep_the_adcode_in_view() -> None:
    ranking = weighting.ranking_under(SNAPSHOT, "demo-tp-2021", (1, 1, 1, 1, 1))
    national = weights_view.ranking_columns(ranking, provincial=False)
    assert national.columns[:6] == [
        "rank",
        "evaluator_rank",
        "rank_change",
        "name_zh",
        "adcode",
        "composite",
    ]
    assert "rank_national" not in national.columns
    assert set(weights_view.ranking_config(provincial=False)) >= set(national.columns)
    provincial = weights_view.ranking_columns(ranking, provincial=True)
    assert provincial.columns[1] == "rank_national"
