from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loaders import assessments
from loaders import weights as w
from loaders.derive.weights import (
    biggest_movers,
    normalise,
)
from loaders.schemas import FIRST_LEVEL
from tests.fixtures import demo_snapshot

SNAPSHOT = str(demo_snapshot())
EVALUATOR = (0.25, 0.25, 0.2, 0.15, 0.15)


def _counties(n: int = 40, seed: int = 5, *, ties: bool = False) -> pl.DataFrame:
    """Random first-level scores for ``n`` counties in two provinces (seeded)."""
    rng = np.random.default_rng(seed)
    scores = rng.uniform(40, 95, size=(n, len(FIRST_LEVEL))).round(1)
    if ties:
        scores[1] = scores[0]  # two counties with identical scores
        scores[2:6, 0] = 70.0
    return pl.DataFrame(
        {
            "adcode": [f"{i:06d}" for i in range(n)],
            "province_adcode": ["110000" if i % 2 else "120000" for i in range(n)],
            "prefecture_adcode": [f"p{i % 4}" for i in range(n)],
            **{m: scores[:, j] for j, m in enumerate(FIRST_LEVEL)},
        }
    )


# --- weights renormalise, zero weights drop out -------------------------------------------


def test_weights_renormalise_whatever_their_scale() -> None:
    assert normalise([25, 25, 20, 15, 15]) == pytest.approx(EVALUATOR)
    assert normalise([3, 1]).tolist() == [0.75, 0.25]
    frame = _counties()
    a = w.add_composite(frame, weights=[2, 2, 0, 0, 0])
    b = w.add_composite(frame, weights=[50, 50, 0, 0, 0])
    assert_frame_equal(a, b)
    expected = (frame["transparency"] + frame["compliance"]) / 2
    assert a["composite"].to_list() == pytest.approx(expected.to_list())


@pytest.mark.parametrize("bad", [[0, 0, 0], [1, -1, 1], [1, float("nan"), 1], [float("inf"), 1]])
def test_invalid_weights_are_refused(bad: list[float]) -> None:
    with pytest.raises(ValueError):
        normalise(bad)


def test_composite_at_the_evaluator_weights_is_the_published_total() -> None:
    frame = w.metric_scores(SNAPSHOT, "demo-tp-2021")
    out = w.add_composite(frame, weights=w.edition_weights(SNAPSHOT, "demo-tp-2021"))
    # the published total is the weighted mean of unrounded scores, rounded to 2 decimals;
    # the first-level scores are rounded too, so the recomputed mean is within 0.01
    gap = (out["composite"] - out["total"]).abs()
    assert gap.max() < 0.01
    assert gap.mean() < 0.004


def test_evaluator_weights_from_the_tree() -> None:
    assert w.edition_weights(SNAPSHOT, "demo-tp-2021") == pytest.approx(EVALUATOR)
    assert w.edition_weights(SNAPSHOT, "zhongding-2021") is None  # never published
    assert w.baseline_weights(SNAPSHOT, "zhongding-2021") == (1.0,) * 5
    tree = assessments.indicators(SNAPSHOT, "demo-tp-2021")
    shuffled = tree.sample(fraction=1.0, shuffle=True, seed=3)
    assert w.evaluator_weights(shuffled) == w.evaluator_weights(tree)  # by key, not order


# --- ranks with ties ----------------------------------------------------------------------


def test_biggest_movers_leave_out_counties_that_stay() -> None:
    ranked = w.reweighted_ranking(_counties(), weights=[1, 0, 0, 0, 0], baseline=EVALUATOR)
    movers = biggest_movers(ranked, n=10)
    assert movers.height == 10
    assert (movers["rank_change"] != 0).all()
    moves = movers["rank_change"].abs().to_list()
    assert moves == sorted(moves, reverse=True)
    assert moves[0] == ranked["rank_change"].abs().max()
    same = w.reweighted_ranking(_counties(), weights=EVALUATOR, baseline=EVALUATOR)
    assert biggest_movers(same).is_empty()


# --- sampling and rank sensitivity --------------------------------------------------------


@pytest.mark.parametrize("weights", [EVALUATOR, (10, 0, 50, 5, 35), (1, 1, 1, 1, 1)])
def test_best_and_worst_contain_the_rank_at_the_chosen_weights(
    weights: tuple[float, ...],
) -> None:
    frame = _counties(60, ties=True)
    ranges = w.rank_sensitivity(frame, weights=weights, band=0.5, samples=300, seed=2, top=10)
    ranked = w.reweighted_ranking(frame, weights=weights, baseline=weights)
    both = ranges.join(ranked.select("adcode", chosen="rank_national"), on="adcode")
    assert (both["rank"] == both["chosen"]).all()
    assert (both["best_rank"] <= both["chosen"]).all()
    assert (both["chosen"] <= both["worst_rank"]).all()
    assert both["p_top"].is_between(0, 1).all()
    assert (both["p_top"] > 0).any() and (both["p_top"] < 1).any()
    # in the top 10 in every sample and at the chosen weights: never worse than 10th
    sure = both.filter(pl.col("p_top") == 1, pl.col("chosen") <= 10)
    assert sure.height and (sure["worst_rank"] <= 10).all()
    never = both.filter(pl.col("p_top") == 0, pl.col("chosen") > 10)
    assert never.height and (never["best_rank"] > 10).all()
    # identical scores: identical ranges
    twins = ranges.filter(pl.col("adcode").is_in(["000000", "000001"]))
    assert twins.select("rank", "best_rank", "worst_rank", "p_top").n_unique() == 1


def test_sensitivity_is_reproducible_with_a_seed() -> None:
    frame = _counties(50)
    a = w.rank_sensitivity(frame, weights=EVALUATOR, samples=200, seed=42)
    b = w.rank_sensitivity(frame, weights=EVALUATOR, samples=200, seed=42)
    c = w.rank_sensitivity(frame, weights=EVALUATOR, samples=200, seed=43)
    assert_frame_equal(a, b)
    assert not a.equals(c)


def test_no_band_or_one_weight_means_no_movement() -> None:
    frame = _counties(30)
    for ranges in (
        w.rank_sensitivity(frame, weights=EVALUATOR, band=0.0, samples=50, seed=1, top=5),
        w.rank_sensitivity(frame, weights=[0, 0, 7, 0, 0], band=0.9, samples=50, seed=1, top=5),
    ):
        assert (ranges["best_rank"] == ranges["rank"]).all()
        assert (ranges["worst_rank"] == ranges["rank"]).all()
        assert set(ranges["p_top"]) == {0.0, 1.0}
        assert ranges["p_top"].sum() == 5


def test_counties_missing_a_weighted_score_are_not_ranked() -> None:
    frame = _counties(10).with_columns(
        compliance=pl.when(pl.col("adcode") == "000003").then(None).otherwise("compliance")
    )
    ranges = w.rank_sensitivity(frame, weights=EVALUATOR, samples=20, seed=1)
    row = ranges.filter(pl.col("adcode") == "000003")
    assert row.select("rank", "best_rank", "worst_rank", "p_top").null_count().row(0) == (1,) * 4
    assert ranges["rank"].drop_nulls().max() == 9
    ignored = w.rank_sensitivity(frame, weights=[1, 0, 1, 1, 1], samples=20, seed=1)
    assert ignored["rank"].null_count() == 0  # compliance has weight zero: it drops out
    assert ranges["adcode"].to_list() == frame["adcode"].to_list()  # frame order kept


# --- breakdowns ---------------------------------------------------------------------------


# --- the committed snapshot ---------------------------------------------------------------


def _scored(edition: str) -> int:
    """The counties with a total score in ``edition`` of the test snapshot."""
    view = assessments.county_view(SNAPSHOT, edition)
    return view.filter(pl.col("total").is_not_null()).height


def test_ranking_under_user_weights_on_the_demo_snapshot() -> None:
    same = w.ranking_under(SNAPSHOT, "demo-tp-2021", None)
    assert same.height == _scored("demo-tp-2021") > 500
    assert (same["rank_change"] == 0).all()
    view = assessments.county_view(SNAPSHOT, "demo-tp-2021").select("adcode", "rank_national")
    published = same.join(view, on="adcode", suffix="_published")
    gap = published["rank"].cast(pl.Int64) - published["rank_national_published"].cast(pl.Int64)
    # recomputed from rounded first-level scores: a few places apart in dense stretches
    assert gap.abs().max() <= 5
    assert (gap == 0).mean() > 0.6
    transparency = w.ranking_under(SNAPSHOT, "demo-tp-2021", (100, 0, 0, 0, 0))
    assert transparency.item(0, "transparency") == transparency["transparency"].max()
    assert transparency["composite"].to_list() == pytest.approx(
        transparency["transparency"].to_list()
    )
    guizhou = w.ranking_under(SNAPSHOT, "demo-tp-2021", (100, 0, 0, 0, 0), province="520000")
    assert guizhou["adcode"].str.starts_with("52").all()
    assert guizhou["rank"].to_list()[:3] == [1, 2, 3]


def test_sensitivity_on_the_demo_snapshot() -> None:
    ranges = w.sensitivity(SNAPSHOT, "demo-tp-2021", None, band=0.5, seed=1)
    assert ranges.height == _scored("demo-tp-2021") and ranges["rank"].null_count() == 0
    assert ranges is w.sensitivity(SNAPSHOT, "demo-tp-2021", None, band=0.5, seed=1)  # cached
    assert ranges["rank"].is_sorted()
    assert (ranges["best_rank"] <= ranges["rank"]).all()
    assert (ranges["rank"] <= ranges["worst_rank"]).all()
    assert ranges["p_top"].is_between(0, 1).all()
    # every sample puts at least 100 counties in the top 100 (more only on ties)
    assert 100 <= ranges["p_top"].sum() < 101
    chosen = w.ranking_under(SNAPSHOT, "demo-tp-2021", None).select("adcode", chosen="rank")
    joined = ranges.join(chosen, on="adcode")
    assert (joined["rank"] == joined["chosen"]).all()
    zhejiang = w.sensitivity(SNAPSHOT, "demo-tp-2021", None, band=0.5, seed=1, province="330000")
    assert zhejiang["province_adcode"].unique().to_list() == ["330000"]
    national = ranges.filter(pl.col("province_adcode") == "330000")
    assert_frame_equal(zhejiang, national)  # national ranks kept, not renumbered
    row = w.county_sensitivity(SNAPSHOT, "demo-tp-2021", "520123", None, band=0.5, seed=1)
    assert row is not None and row["n_ranked"] == _scored("demo-tp-2021")
    assert row["best_rank"] <= row["rank"] <= row["worst_rank"]
    assert w.county_sensitivity(SNAPSHOT, "demo-tp-2021", "540102", None) is None  # Tibet
    assert not w.is_ranked(SNAPSHOT, "demo-tp-2021", "540102", None)
