from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loaders.derive.compare import Reason, comparability, english_reason
from loaders.derive.ranks import add_grade, add_rank_change, add_ranks


def _tree(
    keys: list[str | None], weights: list[float | None] | None = None, second: list[str] = ()
) -> pl.DataFrame:
    weights = weights or [None] * len(keys)
    rows = [
        {"indicator_id": k or f"unknown{i}", "level": 1, "crosswalk_key": k, "weight": w}
        for i, (k, w) in enumerate(zip(keys, weights, strict=True))
    ]
    rows += [{"indicator_id": s, "level": 2, "crosswalk_key": None, "weight": None} for s in second]
    return pl.DataFrame(
        rows,
        schema={
            "indicator_id": pl.String,
            "level": pl.Int8,
            "crosswalk_key": pl.String,
            "weight": pl.Float64,
        },
    )


def test_ranks_share_ties_and_skip_missing_scores() -> None:
    frame = pl.DataFrame(
        {
            "score": [90.0, 80.0, 80.0, None, 70.0, 95.0],
            "province_adcode": ["1", "1", "2", "2", "2", "2"],
            "prefecture_adcode": ["a", "a", "b", "b", "c", "c"],
        }
    )
    out = add_ranks(frame)
    assert out["rank_national"].to_list() == [2, 3, 3, None, 5, 1]
    assert out["n_national"].to_list() == [5, 5, 5, None, 5, 5]
    assert out["rank_province"].to_list() == [1, 2, 2, None, 3, 1]
    assert out["rank_prefecture"].to_list() == [1, 2, 1, None, 2, 1]
    assert out["n_prefecture"].to_list() == [2, 2, 1, None, 2, 2]


def test_grades_are_monotone_in_score() -> None:
    scale = pl.DataFrame({"grade": ["AAA", "A", "C"], "min_score": [90.0, 60.0, 10.0]})
    frame = add_grade(pl.DataFrame({"score": [5.0, 10.0, 59.99, 60.0, 90.0, 100.0]}), scale)
    assert frame["grade"].to_list() == [None, "C", "C", "A", "AAA", "AAA"]


def test_no_scale_gives_no_grades() -> None:
    empty = pl.DataFrame(schema={"grade": pl.String, "min_score": pl.Float64})
    assert add_grade(pl.DataFrame({"score": [50.0]}), empty)["grade"].to_list() == [None]


def test_rank_change_positive_means_up() -> None:
    now = pl.DataFrame({"adcode": ["a", "b"], "rank_national": [1, 5]})
    before = pl.DataFrame({"adcode": ["a", "b"], "rank_national": [3, 2]})
    expected = now.with_columns(
        previous_rank=pl.Series([3, 2]), rank_change=pl.Series([2, -3], dtype=pl.Int64)
    )
    assert_frame_equal(add_rank_change(now, before), expected, check_dtypes=False)


def test_same_tree_is_comparable() -> None:
    tree = _tree(["a", "b"], [0.5, 0.5], ["a.x"])
    result = comparability(tree, tree)
    assert (result.comparable, result.flagged) == (True, False)
    assert result.reasons == (Reason("same_tree"),)
    assert result.reason == "same indicator tree"


def test_different_first_level_is_refused() -> None:
    result = comparability(_tree(["a", "b"]), _tree(["a", "c"]))
    assert not result.comparable
    assert result.reasons == (Reason("first_level_differ", keys=("b", "c")),)
    assert result.reason == "first-level indicators differ: b, c"


def test_unpublished_first_level_counts() -> None:
    result = comparability(_tree(["a", "b", None]), _tree(["a", "b"]))
    assert not result.comparable
    assert result.reasons == (Reason("first_level_count"),)
    assert result.reason == "first-level indicators differ: their number or unpublished ones"
    partial = comparability(_tree(["a", None]), _tree(["a", None]))
    assert partial.comparable and partial.flagged
    assert partial.reasons == (Reason("first_level_unpublished"),)
    assert partial.reason == "some first-level indicators are unpublished"


def test_second_level_and_weight_changes_are_flagged() -> None:
    second = comparability(_tree(["a"], second=["a.x"]), _tree(["a"], second=["a.y"]))
    assert second.comparable and second.flagged
    assert second.reasons == (Reason("second_level_differ", n=2),)
    assert second.reason == "second-level indicators differ (2 not in both)"
    weights = comparability(_tree(["a", "b"], [0.5, 0.5]), _tree(["a", "b"], [0.6, 0.4]))
    assert weights.comparable and weights.flagged
    assert weights.reasons == (Reason("weights_differ", n=2),)
    assert weights.reason == "weights differ for 2 indicator(s)"
    both = comparability(
        _tree(["a", None], [0.5, 0.5], ["a.x"]), _tree(["a", None], [0.6, 0.4], ["a.y"])
    )
    assert [r.code for r in both.reasons] == [
        "first_level_unpublished",
        "second_level_differ",
        "weights_differ",
    ]
    assert both.reason == (
        "some first-level indicators are unpublished; "
        "second-level indicators differ (2 not in both); weights differ for 2 indicator(s)"
    )


def test_reason_english_and_unknown_codes() -> None:
    reasons = (
        Reason("no_previous"),
        Reason("previous_unscored", edition="e-2020"),
        Reason("tree_change", added=("X", "Y")),
        Reason("too_few_paired", n=2),
    )
    assert [r.english for r in reasons] == [
        "there is no previous edition of this series",
        "the previous edition (e-2020) published no scores to rank",
        "this edition adds 2 (X, Y) and drops none",
        "only 2 counties were scored by both editions",
    ]
    assert english_reason(reasons[:2]) == "; ".join(r.english for r in reasons[:2])
    with pytest.raises(ValueError, match="unknown reason code"):
        Reason("nonsense")  # type: ignore[arg-type]
