from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from loaders import assessments
from loaders import weights as w
from loaders.derive.weights import (
    correlations,
    group_means,
    median_order,
    min_ranks,
    sample_weights,
)
from tests.fixtures import demo_snapshot


def test_zero_weight_metrics_drop_out_even_when_unscored() -> None:
    frame = pl.DataFrame({"a": [80.0, 60.0], "b": [None, 10.0], "c": [40.0, 20.0]})
    out = w.add_composite(frame, weights=[1, 0, 3], metrics=["a", "b", "c"])
    assert out["composite"].to_list() == [50.0, 30.0]  # (80 + 3·40) / 4, (60 + 3·20) / 4
    missing = w.add_composite(frame, weights=[1, 1, 0], metrics=["a", "b", "c"])
    assert missing["composite"].to_list() == [None, 35.0]


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


def test_min_ranks_agree_with_polars_min_rank_column_by_column() -> None:
    rng = np.random.default_rng(11)
    values = rng.integers(0, 8, size=(30, 6)).astype(float)  # many ties
    ranks = min_ranks(values)
    for j in range(values.shape[1]):
        expected = pl.Series(values[:, j]).rank(method="min", descending=True)
        assert ranks[:, j].tolist() == expected.cast(pl.Int64).to_list()


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


def test_evaluator_weights_reproduce_the_published_ranking() -> None:
    """Re-weighting at the rater's own weights gives exactly the published total's ranks."""
    snapshot = str(demo_snapshot())
    for edition in ("demo-tp-2018", "demo-tp-2021", "demo-audit-2021"):
        ranked = w.ranking_under(snapshot, edition, None)
        view = assessments.county_view(snapshot, edition).select("adcode", "rank_national")
        joined = ranked.select("adcode", "evaluator_rank").join(view, on="adcode")
        assert (joined["evaluator_rank"] == joined["rank_national"]).all(), edition
