"""Ranking tables of an edition, read from a snapshot: ranks, scores and rank change, cached."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import polars as pl

from loaders import assessments, store
from loaders.derive.compare import RankChangeBasis, Reason, comparability, tree_change
from loaders.derive.rankings import assemble_rankings, first_level_scores
from loaders.store import SnapshotLike, SnapshotRef, load


def edition_facts(snapshot: SnapshotLike, edition: str) -> dict[str, Any]:
    """Return one edition's metadata (``assessments.editions`` columns plus ``score_max``).

    An unknown edition gives an empty dict.
    """
    row = assessments.editions(snapshot).filter(pl.col("edition_id") == edition)
    if row.is_empty():
        return {}
    extra = load(snapshot, "editions").filter(pl.col("edition_id") == edition)
    return {**row.row(0, named=True), "score_max": extra.item(0, "score_max")}


def rank_change_basis(snapshot: SnapshotLike, edition: str) -> RankChangeBasis:
    """Return the edition rank change is measured against and whether the two compare.

    The previous edition is the latest earlier one of the same series
    (``assessments.previous_edition``). Rank change is shown only when the two indicator
    trees are comparable (``comparability``) and the previous edition has scores;
    ``reasons`` says why not, or what differs when the comparison is flagged (``reason``
    is the same in English).
    """
    previous = assessments.previous_edition(snapshot, edition)
    if previous is None:
        return RankChangeBasis(edition, None, None, False, False, (Reason("no_previous"),))
    facts = edition_facts(snapshot, previous)
    title = facts.get("title_en") or facts.get("title_zh") or previous
    if not facts.get("has_scores"):
        why = Reason("previous_unscored", edition=previous)
        return RankChangeBasis(edition, previous, title, False, False, (why,))
    tree_prev = assessments.indicators(snapshot, previous)
    tree_now = assessments.indicators(snapshot, edition)
    verdict = comparability(tree_prev, tree_now)
    reasons = verdict.reasons
    if verdict.comparable and verdict.flagged:
        reasons += (tree_change(tree_prev, tree_now),)
    return RankChangeBasis(edition, previous, title, verdict.comparable, verdict.flagged, reasons)


def ranking_table(
    snapshot: SnapshotLike,
    edition: str,
    *,
    province: str | None = None,
    metric: str = assessments.TOTAL,
) -> pl.DataFrame:
    """Return the ranking of ``edition`` by ``metric``: one row per assessed (or published) county.

    Columns: ``rank`` on the metric (national, or provincial when ``province`` is a
    six-digit code, with ``rank_national`` beside it), names, ``adcode``, ``total``,
    ``score`` (the metric's score; the total for ``total``), the five
    first-level scores (null where the edition lacks one), ``grade``,
    ``previous_rank`` and ``rank_change`` against the previous edition of the series
    (null unless ``rank_change_basis`` finds the two comparable), the published
    ``published_rank``, ``published_list_pos``, ``published_band`` and a ``published``
    label, and ``prefecture_adcode``. Rank change compares ranks on the same metric.
    Sorted by rank, unranked published rows last. Cached per snapshot manifest, edition,
    province and metric.
    """
    return _ranking_table(store.ref(snapshot), edition, province, metric)


@lru_cache(maxsize=64)
def _ranking_table(
    snapshot: SnapshotRef, edition: str, province: str | None, metric: str
) -> pl.DataFrame:
    view = assessments.county_view(snapshot, edition, metric, province)
    scores = load(snapshot, "scores").filter(pl.col("edition_id") == edition)
    metrics = first_level_scores(scores, assessments.indicators(snapshot, edition))
    basis = rank_change_basis(snapshot, edition)
    previous = None
    if basis.comparable and basis.previous is not None:
        previous = assessments.county_view(snapshot, basis.previous, metric, province)
    return assemble_rankings(view, metrics, previous=previous, provincial=province is not None)
