"""Why two editions can or cannot be compared, in the interface language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from components.i18n import is_zh, labels, mark, tr
from loaders.derive.compare import Reason, listed

# One template per ``loaders.derive.Reason`` code: in English the same words as
# ``loaders.derive.ENGLISH`` (tests/components/test_reasons.py holds them equal).
TEMPLATES: dict[str, str] = {
    "first_level_differ": mark("first-level indicators differ: {keys}"),
    "first_level_count": mark("first-level indicators differ: their number or unpublished ones"),
    "first_level_unpublished": mark("some first-level indicators are unpublished"),
    "second_level_differ": mark("second-level indicators differ ({n} not in both)"),
    "weights_differ": mark("weights differ for {n} indicator(s)"),
    "same_tree": mark("same indicator tree"),
    "no_previous": mark("there is no previous edition of this series"),
    "previous_unscored": mark("the previous edition ({edition}) published no scores to rank"),
    # NOTE: {added} and {dropped} are "1 (Key info)" or "none" in English, "1 项（名称）"
    # or "0 项" in Chinese.
    "tree_change": mark("this edition adds {added} and drops {dropped}"),
    "too_few_paired": mark("only {n} counties were scored by both editions"),
}


def _keys(keys: Iterable[str]) -> str:
    """Name first-level indicators: their crosswalk keys in English, metric names in Chinese."""
    if not is_zh():
        return ", ".join(keys)
    return tr(", ").join(tr(labels.METRICS[k]) if k in labels.METRICS else k for k in keys)


def _indicators(names: tuple[str, ...], names_zh: tuple[str, ...]) -> str:
    """Say how many indicators changed and which, in the interface language."""
    if not is_zh():
        return listed(names)
    if len(names_zh) != len(names) or not names:
        return tr("{n} indicators", n=len(names))
    return tr("{n} indicators ({names})", n=len(names_zh), names=tr(", ").join(names_zh))


def clause_text(reason: Reason, editions: Mapping[str, str] | None = None) -> str:
    """Return one reason clause in the interface language.

    ``editions`` names editions by id (the id itself when it has no name there).

    Examples
    --------
    >>> clause_text(Reason("second_level_differ", n=3))
    'second-level indicators differ (3 not in both)'
    """
    return tr(
        TEMPLATES[reason.code],
        n=reason.n,
        keys=_keys(reason.keys),
        edition=(editions or {}).get(reason.edition or "", reason.edition),
        added=_indicators(reason.added, reason.added_zh),
        dropped=_indicators(reason.dropped, reason.dropped_zh),
    )


def reason_text(reasons: Iterable[Reason], editions: Mapping[str, str] | None = None) -> str:
    """Return why two editions can or cannot be compared, clause by clause.

    Without ``editions`` the English is the loader's own ``reason``
    (``loaders.derive.english_reason``).

    Parameters
    ----------
    reasons
        The clauses (``Comparability.reasons``, ``RankChangeBasis.reasons``,
        ``Divergence.reasons``).
    editions
        A name to show for an edition id a clause names (e.g. its Chinese title);
        an edition not in it is shown by its id.

    Examples
    --------
    >>> reason_text([Reason("first_level_differ", keys=("compliance",)),
    ...     Reason("weights_differ", n=2)])
    'first-level indicators differ: compliance; weights differ for 2 indicator(s)'
    """
    return tr("; ").join(clause_text(reason, editions) for reason in reasons)


def is_same_tree(reasons: Iterable[Reason]) -> bool:
    """Return whether the reasons say only that the two indicator trees are the same.

    Examples
    --------
    >>> is_same_tree([Reason("same_tree")]), is_same_tree([Reason("weights_differ", n=1)])
    (True, False)
    """
    return [reason.code for reason in reasons] == ["same_tree"]
