from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loaders import assessments
from loaders import weights as w
from loaders.derive.weights import (
    biggest_movers,
    correlations,
    group_means,
    median_order,
    min_ranks,
    normalise,
    sample_weights,
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


def test_zero_weight_metrics_drop_out_even_when_unscored() -> None:
    frame = pl.DataFrame({"a": [80.0, 60.0], "b": [None, 10.0], "c": [40.0, 20.0]})
    out = w.add_composite(frame, weights=[1, 0, 3], metrics=["a", "b", "c"])
    assert out["composite"].to_list() == [50.0, 30.0]  # (80 + 3·40) / 4, (60 + 3·20) / 4
    missing = w.add_composite(frame, weights=[1, 1, 0], metrics=["a", "b", "c"])
    assert missing["composite"].to_list() == [None, 35.0]


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


def test_reweighted_ranks_share_the_best_rank_on_ties() -> None:
    frame = pl.DataFrame(
        {
            "adcode": ["a", "b", "c", "d", "e"],
            "province_adcode": ["1", "1", "1", "2", "2"],
            "prefecture_adcode": ["x", "x", "y", "z", "z"],
            "s": [90.0, 80.0, 80.0, 70.0, 95.0],
            "t": [0.0, 50.0, 60.0, 99.0, 0.0],
        }
    )
    ranked = w.reweighted_ranking(frame, weights=[1, 0], baseline=[0, 1], metrics=["s", "t"])
    ranks = dict(ranked.select("adcode", "rank").iter_rows())
    assert ranks == {"e": 1, "a": 2, "b": 3, "c": 3, "d": 5}
    changes = dict(ranked.select("adcode", "rank_change").iter_rows())
    # under the baseline (t only): d 1, c 2, b 3, a 4, e 4
    assert changes == {"e": 3, "a": 2, "b": 0, "c": -1, "d": -4}
    provincial = w.reweighted_ranking(
        frame, weights=[1, 0], baseline=[0, 1], metrics=["s", "t"], provincial=True
    )
    assert dict(provincial.select("adcode", "rank").iter_rows()) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "e": 1,
        "d": 2,
    }
    assert dict(provincial.select("adcode", "rank_national").iter_rows())["d"] == 5


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


def test_min_ranks_agree_with_polars_min_rank_column_by_column() -> None:
    rng = np.random.default_rng(11)
    values = rng.integers(0, 8, size=(30, 6)).astype(float)  # many ties
    ranks = min_ranks(values)
    for j in range(values.shape[1]):
        expected = pl.Series(values[:, j]).rank(method="min", descending=True)
        assert ranks[:, j].tolist() == expected.cast(pl.Int64).to_list()


# --- sampling and rank sensitivity --------------------------------------------------------


def test_sampled_weights_stay_in_the_band_and_are_reproducible() -> None:
    base = np.array([0.4, 0.4, 0.2, 0.0, 0.0])
    drawn = sample_weights(base, band=0.5, samples=500, seed=9)
    assert drawn.shape == (5, 500)
    assert np.allclose(drawn.sum(axis=0), 1.0)
    assert (drawn[3:] == 0).all()  # zero weights stay zero
    # each weight was multiplied by a factor in [0.5, 1.5]: pairwise ratios stay within 3×
    ratio = (drawn[0] / drawn[2]) / (base[0] / base[2])
    assert ratio.min() >= 1 / 3 - 1e-12 and ratio.max() <= 3 + 1e-12
    assert ratio.min() < 0.5 and ratio.max() > 2  # and the band is actually explored
    assert np.array_equal(drawn, sample_weights(base, band=0.5, samples=500, seed=9))
    assert not np.array_equal(drawn, sample_weights(base, band=0.5, samples=500, seed=10))
    with pytest.raises(ValueError):
        sample_weights(base, band=1.0, samples=5, seed=1)


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


def test_hand_checked_probability_of_the_top_rank() -> None:
    # a = (90, 70), b = (80, 85), equal weights: b leads (82.5 vs 80). a overtakes b only
    # when its first weight's share s = U1 / (U1 + U2) exceeds 0.6, i.e. U1 > 1.5·U2 with
    # U1, U2 ~ U(0.5, 1.5): probability ∫_{0.5}^{1} (1.5 − 1.5u) du = 0.1875.
    frame = pl.DataFrame({"adcode": ["a", "b"], "x": [90.0, 80.0], "y": [70.0, 85.0]})
    ranges = w.rank_sensitivity(
        frame, weights=[1, 1], band=0.5, samples=4000, seed=7, top=1, metrics=["x", "y"]
    )
    rows = {r["adcode"]: r for r in ranges.iter_rows(named=True)}
    assert (rows["a"]["rank"], rows["a"]["best_rank"], rows["a"]["worst_rank"]) == (2, 1, 2)
    assert (rows["b"]["rank"], rows["b"]["best_rank"], rows["b"]["worst_rank"]) == (1, 1, 2)
    assert rows["a"]["p_top"] == pytest.approx(0.1875, abs=0.03)
    # both can hold rank 1 only on a tie at the published 2 decimals, which is rare
    assert rows["a"]["p_top"] + rows["b"]["p_top"] == pytest.approx(1.0, abs=0.01)
    # a narrower band cannot reach s > 0.6: max share is 1.1 / (1.1 + 0.9) = 0.55
    narrow = w.rank_sensitivity(
        frame, weights=[1, 1], band=0.1, samples=500, seed=7, top=1, metrics=["x", "y"]
    )
    assert narrow.filter(pl.col("adcode") == "a")["best_rank"].item() == 2


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


def test_breakdowns_by_group() -> None:
    frame = pl.DataFrame(
        {
            "g": ["x", "x", "x", "y", "y", "z"],
            "a": [10.0, 20.0, 90.0, 30.0, 40.0, None],
            "b": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    assert median_order(frame, metric="a", group="g") == ["y", "x", "z"]
    means = group_means(frame, group="g", metrics=["a", "b"])
    assert means.rows() == [("x", 3, 40.0, 2.0), ("y", 2, 35.0, 4.5), ("z", 1, None, 6.0)]
    corr = correlations(frame, metrics=["a", "b"])
    assert corr["metric"].to_list() == ["a", "b"]
    assert corr["a"][0] == corr["b"][1] == 1.0
    assert corr["a"][1] == corr["b"][0]  # symmetric
    expected = frame.drop_nulls().select(pl.corr("a", "b")).item()
    assert corr["b"][0] == pytest.approx(expected)  # pairwise complete rows
    flat = correlations(frame.with_columns(b=pl.lit(1.0)), metrics=["a", "b"])
    assert flat["b"].to_list() == [None, None]  # no spread: no correlation


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


def test_evaluator_weights_reproduce_the_published_ranking() -> None:
    """Re-weighting at the rater's own weights gives exactly the published total's ranks."""
    snapshot = str(demo_snapshot())
    for edition in ("demo-tp-2018", "demo-tp-2021", "demo-audit-2021"):
        ranked = w.ranking_under(snapshot, edition, None)
        view = assessments.county_view(snapshot, edition).select("adcode", "rank_national")
        joined = ranked.select("adcode", "evaluator_rank").join(view, on="adcode")
        assert (joined["evaluator_rank"] == joined["rank_national"]).all(), edition
