"""Ranks at three levels (national, provincial, prefectural), grades and rank change."""

from __future__ import annotations

import polars as pl

LEVELS = {
    "national": None,
    "province": "province_adcode",
    "prefecture": "prefecture_adcode",
}


def add_ranks(frame: pl.DataFrame, *, score: str = "score") -> pl.DataFrame:
    """Add national, provincial and prefectural ranks and the size of each cohort.

    Higher scores rank first; ties share the best rank (1, 2, 2, 4). Rows without
    a score get no rank and do not count in any cohort.

    Parameters
    ----------
    frame
        One row per county with ``score``, ``province_adcode`` and ``prefecture_adcode``.
    score
        Column to rank by.

    Returns
    -------
    ``frame`` with ``rank_national``, ``n_national``, ``rank_province``,
    ``n_province``, ``rank_prefecture`` and ``n_prefecture`` (UInt32).

    Examples
    --------
    >>> f = pl.DataFrame({"score": [90.0, 80.0, 80.0, None, 70.0],
    ...     "province_adcode": ["1", "1", "2", "2", "2"],
    ...     "prefecture_adcode": ["a", "a", "b", "b", "c"]})
    >>> add_ranks(f).select("rank_national", "rank_province", "n_province").rows()
    [(1, 1, 2), (2, 2, 2), (2, 1, 2), (None, None, None), (4, 2, 2)]
    """
    has = pl.col(score).is_not_null()
    columns = []
    for level, group in LEVELS.items():
        rank = pl.col(score).rank(method="min", descending=True)
        count = has.sum()
        if group is not None:
            rank, count = rank.over(group), count.over(group)
        columns += [
            rank.cast(pl.UInt32).alias(f"rank_{level}"),
            pl.when(has).then(count.cast(pl.UInt32)).alias(f"n_{level}"),
        ]
    return frame.with_columns(columns)


def add_grade(frame: pl.DataFrame, scale: pl.DataFrame, *, score: str = "score") -> pl.DataFrame:
    """Add the ``grade`` whose band holds each score (a band runs from its ``min_score`` up).

    Parameters
    ----------
    frame
        Rows with a ``score`` column.
    scale
        One row per grade with ``grade`` and ``min_score`` (a ``grade_scales`` slice).
    score
        Column to grade.

    Examples
    --------
    >>> scale = pl.DataFrame({"grade": ["A", "B", "C"], "min_score": [80.0, 60.0, 0.0]})
    >>> add_grade(pl.DataFrame({"score": [95.0, 80.0, 79.9, 3.0, None]}), scale)["grade"].to_list()
    ['A', 'A', 'B', 'C', None]
    """
    if scale.is_empty():
        return frame.with_columns(grade=pl.lit(None, pl.String))
    bands = scale.sort("min_score", descending=True).select("grade", "min_score").rows()
    grade: pl.Expr = pl.lit(None, pl.String)
    for label, floor in reversed(bands):  # lowest band first, so higher bands win
        grade = pl.when(pl.col(score) >= floor).then(pl.lit(label)).otherwise(grade)
    return frame.with_columns(grade=grade)


def add_rank_change(
    current: pl.DataFrame, previous: pl.DataFrame, *, rank: str = "rank_national"
) -> pl.DataFrame:
    """Add ``previous_rank`` and ``rank_change`` (positive = moved up) by adcode.

    Examples
    --------
    >>> now = pl.DataFrame({"adcode": ["a", "b", "c"], "rank_national": [1, 2, 3]})
    >>> before = pl.DataFrame({"adcode": ["a", "b"], "rank_national": [2, 1]})
    >>> add_rank_change(now, before)["rank_change"].to_list()
    [1, -1, None]
    """
    prior = previous.select("adcode", pl.col(rank).alias("previous_rank"))
    return current.join(prior, on="adcode", how="left").with_columns(
        rank_change=pl.col("previous_rank").cast(pl.Int64) - pl.col(rank).cast(pl.Int64)
    )
