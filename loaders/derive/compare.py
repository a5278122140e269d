"""Whether two editions compare: indicator trees, the reasons why (not), and rank-change basis."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import polars as pl

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


@dataclass(frozen=True)
class RankChangeBasis:
    """Which earlier edition rank change is measured against, and whether it may be."""

    edition: str
    previous: str | None
    previous_title: str | None
    comparable: bool
    flagged: bool
    reasons: tuple[Reason, ...]

    @property
    def reason(self) -> str:
        """The reasons in English, joined by "; "."""
        return english_reason(self.reasons)


def tree_change(before: pl.DataFrame, after: pl.DataFrame, *, level: int = 2) -> Reason:
    """Return which indicators of one level an edition adds and drops, by name.

    Indicators are matched by ``indicator_id`` and listed in its order, with their
    English and Chinese names; one without a name is named by its id.

    Examples
    --------
    >>> t = pl.DataFrame({"level": [2, 2], "indicator_id": ["a.x", "a.y"],
    ...     "name_en": ["X", "Y"]})
    >>> tree_change(t.head(1), t).added
    ('Y',)
    """

    def names(tree: pl.DataFrame, column: str) -> dict[str, str]:
        rows = tree.filter(pl.col("level") == level)
        ids = rows.get_column("indicator_id").to_list()
        labels = rows.get_column(column).to_list() if column in rows.columns else ids
        return {i: str(label or i) for i, label in zip(ids, labels, strict=True)}

    old, new = names(before, "name_en"), names(after, "name_en")
    added_ids = sorted(set(new) - set(old))
    dropped_ids = sorted(set(old) - set(new))

    def chinese(tree: pl.DataFrame, ids: list[str]) -> tuple[str, ...]:
        # Chinese names only when every one is known: an id is no Chinese name.
        rows = tree.filter(pl.col("indicator_id").is_in(ids))
        if "name_zh" not in rows.columns or rows.get_column("name_zh").null_count():
            return ()
        found = dict(zip(rows["indicator_id"], rows["name_zh"], strict=True))
        return tuple(found[i] for i in ids)

    return Reason(
        "tree_change",
        added=tuple(new[i] for i in added_ids),
        dropped=tuple(old[i] for i in dropped_ids),
        added_zh=chinese(after, added_ids),
        dropped_zh=chinese(before, dropped_ids),
    )


def tree_difference(before: pl.DataFrame, after: pl.DataFrame, *, level: int = 2) -> str:
    """Describe in English how the indicators of one level changed (:func:`tree_change`).

    Examples
    --------
    >>> t = pl.DataFrame({"level": [2, 2], "indicator_id": ["a.x", "a.y"],
    ...     "name_en": ["X", "Y"]})
    >>> tree_difference(t.head(1), t)
    'this edition adds 1 (Y) and drops none'
    """
    return tree_change(before, after, level=level).english
