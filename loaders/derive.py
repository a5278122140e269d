"""Pure derivations: ranks at three levels, grades, rank change and edition comparability."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

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


ReasonCode = Literal[
    "first_level_differ",
    "first_level_count",
    "first_level_unpublished",
    "second_level_differ",
    "weights_differ",
    "same_tree",
    "no_previous",
    "previous_unscored",
    "tree_change",
    "too_few_paired",
]
# The English of each reason clause; components/reasons.py says the same in the
# interface language (a test holds the two equal).
ENGLISH: dict[str, str] = {
    "first_level_differ": "first-level indicators differ: {keys}",
    "first_level_count": "first-level indicators differ: their number or unpublished ones",
    "first_level_unpublished": "some first-level indicators are unpublished",
    "second_level_differ": "second-level indicators differ ({n} not in both)",
    "weights_differ": "weights differ for {n} indicator(s)",
    "same_tree": "same indicator tree",
    "no_previous": "there is no previous edition of this series",
    "previous_unscored": "the previous edition ({edition}) published no scores to rank",
    "tree_change": "this edition adds {added} and drops {dropped}",
    "too_few_paired": "only {n} counties were scored by both editions",
}


@dataclass(frozen=True)
class Reason:
    """One clause of why two editions can or cannot be compared, as data.

    Parameters
    ----------
    code
        What the clause says (a key of ``ENGLISH``).
    n
        The count it carries: indicators not in both trees, changed weights, or
        counties scored by both editions.
    keys
        The ``crosswalk_key`` of each first-level indicator not in both trees, sorted.
    edition
        The edition it names (the previous edition that published no scores).
    added, dropped
        English names of the indicators an edition adds and drops (``tree_change``).
    added_zh, dropped_zh
        Their Chinese names, in the same order (empty when not known).

    Examples
    --------
    >>> Reason("weights_differ", n=2).english
    'weights differ for 2 indicator(s)'
    """

    code: ReasonCode
    n: int | None = None
    keys: tuple[str, ...] = ()
    edition: str | None = None
    added: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    added_zh: tuple[str, ...] = ()
    dropped_zh: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.code not in ENGLISH:
            raise ValueError(f"unknown reason code {self.code!r}")

    @property
    def english(self) -> str:
        """Return the clause in English, as the loaders have always written it."""
        return ENGLISH[self.code].format(
            n=self.n,
            keys=", ".join(self.keys),
            edition=self.edition,
            added=listed(self.added),
            dropped=listed(self.dropped),
        )


def listed(names: Iterable[str]) -> str:
    """Return how many indicators ``names`` holds and which, in English ("none" if empty).

    Examples
    --------
    >>> listed(["Alpha", "Beta"]), listed([])
    ('2 (Alpha, Beta)', 'none')
    """
    shown = list(names)
    return f"{len(shown)} ({', '.join(shown)})" if shown else "none"


def english_reason(reasons: Iterable[Reason]) -> str:
    """Return reason clauses in English, joined by "; ".

    Examples
    --------
    >>> english_reason([Reason("second_level_differ", n=3), Reason("weights_differ", n=1)])
    'second-level indicators differ (3 not in both); weights differ for 1 indicator(s)'
    """
    return "; ".join(reason.english for reason in reasons)


@dataclass(frozen=True)
class Comparability:
    """Whether two editions' metrics or ranks can be compared, and why (not)."""

    comparable: bool
    flagged: bool
    reasons: tuple[Reason, ...]

    @property
    def reason(self) -> str:
        """The reasons in English, joined by "; "."""
        return english_reason(self.reasons)


def comparability(tree_a: pl.DataFrame, tree_b: pl.DataFrame) -> Comparability:
    """Decide whether two editions can be compared from their indicator trees.

    Refused when the first-level indicators differ (by ``crosswalk_key`` and number);
    allowed but flagged when first-level names are unpublished, the second-level
    trees differ, or a known weight changed. ``reasons`` says which, clause by clause.

    Examples
    --------
    >>> t = pl.DataFrame({"level": [1, 2], "crosswalk_key": ["a", "a"],
    ...     "indicator_id": ["a", "a.x"], "weight": [1.0, 1.0]})
    >>> comparability(t, t).comparable
    True
    >>> comparability(t, t.head(1)).flagged
    True
    >>> [(r.code, r.n) for r in comparability(t, t.head(1)).reasons]
    [('second_level_differ', 1)]
    """

    def level(tree: pl.DataFrame, n: int) -> pl.DataFrame:
        return tree.filter(pl.col("level") == n)

    first_a, first_b = level(tree_a, 1), level(tree_b, 1)
    keys_a = set(first_a.get_column("crosswalk_key").drop_nulls())
    keys_b = set(first_b.get_column("crosswalk_key").drop_nulls())
    if not keys_a or keys_a != keys_b or first_a.height != first_b.height:
        differ = tuple(sorted(keys_a ^ keys_b))
        refused = (
            Reason("first_level_differ", keys=differ) if differ else Reason("first_level_count")
        )
        return Comparability(False, True, (refused,))
    notes: list[Reason] = []
    if first_a.get_column("crosswalk_key").null_count():
        notes.append(Reason("first_level_unpublished"))
    second_a = set(level(tree_a, 2).get_column("indicator_id"))
    second_b = set(level(tree_b, 2).get_column("indicator_id"))
    if second_a != second_b:
        notes.append(Reason("second_level_differ", n=len(second_a ^ second_b)))
    weights = (
        tree_a.select("indicator_id", "weight")
        .join(tree_b.select("indicator_id", "weight"), on="indicator_id", suffix="_b")
        .filter((pl.col("weight") - pl.col("weight_b")).abs() > 1e-9)
    )
    if weights.height:
        notes.append(Reason("weights_differ", n=weights.height))
    if notes:
        return Comparability(True, True, tuple(notes))
    return Comparability(True, False, (Reason("same_tree"),))
