from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from loaders import derive


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
    out = derive.add_ranks(frame)
    assert out["rank_national"].to_list() == [2, 3, 3, None, 5, 1]
    assert out["n_national"].to_list() == [5, 5, 5, None, 5, 5]
    assert out["rank_province"].to_list() == [1, 2, 2, None, 3, 1]
    assert out["rank_prefecture"].to_list() == [1, 2, 1, None, 2, 1]
    assert out["n_prefecture"].to_list() == [2, 2, 1, None, 2, 2]


def test_grades_are_monotone_in_score() -> None:
    scale = pl.DataFrame({"grade": ["AAA", "A", "C"], "min_score": [90.0, 60.0, 10.0]})
    frame = derive.add_grade(pl.DataFrame({"score": [5.0, 10.0, 59.99, 60.0, 90.0, 100.0]}), scale)
    assert frame["grade"].to_list() == [None, "C", "C", "A", "AAA", "AAA"]


def test_no_scale_gives_no_grades() -> None:
    empty = pl.DataFrame(schema={"grade": pl.String, "min_score": pl.Float64})
    assert derive.add_grade(pl.DataFrame({"score": [50.0]}), empty)["grade"].to_list() == [None]


def test_rank_change_positive_means_up() -> None:
    now = pl.DataFrame({"adcode": ["a", "b"], "rank_national": [1, 5]})
    before = pl.DataFrame({"adcode": ["a", "b"], "rank_national": [3, 2]})
    expected = now.with_columns(
        previous_rank=pl.Series([3, 2]), rank_change=pl.Series([2, -3], dtype=pl.Int64)
    )
    assert_frame_equal(derive.add_rank_change(now, before), expected, check_dtypes=False)


def test_same_tree_is_comparable() -> None:
    tree = _tree(["a", "b"], [0.5, 0.5], ["a.x"])
    result = derive.comparability(tree, tree)
    assert (result.comparable, result.flagged) == (True, False)


def test_different_first_level_is_refused() -> None:
    result = derive.comparability(_tree(["a", "b"]), _tree(["a", "c"]))
    assert not result.comparable
    assert "b, c" in result.reason


def test_unpublished_first_level_counts() -> None:
    result = derive.comparability(_tree(["a", "b", None]), _tree(["a", "b"]))
    assert not result.comparable
    partial = derive.comparability(_tree(["a", None]), _tree(["a", None]))
    assert partial.comparable and partial.flagged and "unpublished" in partial.reason


def test_second_level_and_weight_changes_are_flagged() -> None:
    second = derive.comparability(_tree(["a"], second=["a.x"]), _tree(["a"], second=["a.y"]))
    assert second.comparable and second.flagged and "second-level" in second.reason
    weights = derive.comparability(_tree(["a", "b"], [0.5, 0.5]), _tree(["a", "b"], [0.6, 0.4]))
    assert weights.comparable and weights.flagged and "weights differ for 2" in weights.reason
