"""First-level metric scores of an edition, re-ranked under user weights, with sensitivity.

The cached readers that apply ``loaders.derive.weights`` to a snapshot's edition.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import polars as pl

from loaders import assessments, rankings, store
from loaders.derive.compare import Comparability, comparability
from loaders.derive.weights import (
    DEFAULT_BAND,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_TOP,
    PLACE_COLUMNS,
    add_composite,
    evaluator_weights,
    rank_sensitivity,
    reweighted_ranking,
)
from loaders.schemas import FIRST_LEVEL
from loaders.store import SnapshotLike, SnapshotRef, load

# --- weights and composites -------------------------------------------------------------


# --- rank sensitivity ---------------------------------------------------------------------


# --- breakdowns ---------------------------------------------------------------------------


# --- cached loaders -----------------------------------------------------------------------


def metric_scores(
    snapshot: SnapshotLike, edition: str, *, province: str | None = None
) -> pl.DataFrame:
    """Return the first-level scores of every county assessed in ``edition``.

    Columns: :data:`PLACE_COLUMNS`, ``total`` (the evaluator's published composite)
    and the five metrics of ``loaders.schemas.FIRST_LEVEL`` (null where the edition
    lacks one). ``province`` (six-digit code) keeps that province's counties only.
    Cached per snapshot manifest and edition.
    """
    frame = _metric_scores(store.ref(snapshot), edition)
    return frame if province is None else frame.filter(pl.col("province_adcode") == province)


@lru_cache(maxsize=16)
def _metric_scores(snapshot: SnapshotRef, edition: str) -> pl.DataFrame:
    view = assessments.county_view(snapshot, edition).filter(pl.col("total").is_not_null())
    scores = load(snapshot, "scores").filter(pl.col("edition_id") == edition)
    metrics = rankings.first_level_scores(scores, assessments.indicators(snapshot, edition))
    frame = view.select(*PLACE_COLUMNS, "total").join(metrics, on="adcode", how="left")
    return frame.with_columns(
        pl.lit(None, pl.Float64).alias(m) for m in FIRST_LEVEL if m not in frame.columns
    ).sort("adcode")


def edition_weights(snapshot: SnapshotLike, edition: str) -> tuple[float, ...] | None:
    """Return the evaluator's first-level weights of ``edition`` (or None if unpublished)."""
    return evaluator_weights(assessments.indicators(snapshot, edition))


def baseline_weights(snapshot: SnapshotLike, edition: str) -> tuple[float, ...]:
    """Return the weights "the evaluator's weights" means: published ones, else equal weights."""
    return edition_weights(snapshot, edition) or (1.0,) * len(FIRST_LEVEL)


def ranking_under(
    snapshot: SnapshotLike,
    edition: str,
    weights: Sequence[float] | None,
    *,
    province: str | None = None,
) -> pl.DataFrame:
    """Return the ranking of ``edition`` under ``weights``, beside the evaluator's ranking.

    ``weights`` None means the evaluator's own. Ranks are national, or within the
    province when ``province`` is set (then only its counties are returned, with the
    national rank in ``rank_national``). Columns: those of :func:`metric_scores` and
    of :func:`reweighted_ranking`.
    """
    baseline = baseline_weights(snapshot, edition)
    frame = metric_scores(snapshot, edition)
    ranked = reweighted_ranking(
        frame,
        weights=tuple(weights) if weights else baseline,
        baseline=baseline,
        provincial=province is not None,
    )
    return ranked if province is None else ranked.filter(pl.col("province_adcode") == province)


def sensitivity(
    snapshot: SnapshotLike,
    edition: str,
    weights: Sequence[float] | None,
    *,
    band: float = DEFAULT_BAND,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    top: int = DEFAULT_TOP,
    province: str | None = None,
) -> pl.DataFrame:
    """Return :func:`rank_sensitivity` for every county of ``edition`` (national ranks).

    ``weights`` None means the evaluator's own. Cached per snapshot manifest,
    edition, weights, band, samples, seed and cut-off; joined to the counties'
    names and codes (:data:`PLACE_COLUMNS`), sorted by rank. ``province`` (six-digit
    code) keeps that province's counties; their ranks stay national.
    """
    chosen = tuple(float(w) for w in weights) if weights else None
    table = _sensitivity(store.ref(snapshot), edition, chosen, float(band), samples, seed, top)
    return table if province is None else table.filter(pl.col("province_adcode") == province)


@lru_cache(maxsize=16)
def _sensitivity(
    snapshot: SnapshotRef,
    edition: str,
    weights: tuple[float, ...] | None,
    band: float,
    samples: int,
    seed: int,
    top: int,
) -> pl.DataFrame:
    frame = metric_scores(snapshot, edition)
    chosen = weights or baseline_weights(snapshot, edition)
    ranges = rank_sensitivity(frame, weights=chosen, band=band, samples=samples, seed=seed, top=top)
    places = frame.select(PLACE_COLUMNS)
    return places.join(ranges, on="adcode", how="left").sort("rank", "adcode", nulls_last=True)


def is_ranked(
    snapshot: SnapshotLike, edition: str, adcode: str, weights: Sequence[float] | None
) -> bool:
    """Return whether ``adcode`` has a composite (so a rank) in ``edition`` under ``weights``."""
    chosen = tuple(weights) if weights else baseline_weights(snapshot, edition)
    row = metric_scores(snapshot, edition).filter(pl.col("adcode") == adcode)
    return bool(add_composite(row, weights=chosen).get_column("composite").is_not_null().any())


def county_sensitivity(
    snapshot: SnapshotLike,
    edition: str,
    adcode: str,
    weights: Sequence[float] | None,
    *,
    band: float = DEFAULT_BAND,
    seed: int = DEFAULT_SEED,
) -> dict[str, object] | None:
    """Return one county's row of :func:`sensitivity` (with ``n_ranked``), or None if unranked."""
    table = sensitivity(snapshot, edition, weights, band=band, seed=seed)
    n_ranked = table.get_column("rank").count()
    row = table.filter(pl.col("adcode") == adcode, pl.col("rank").is_not_null())
    return None if row.is_empty() else {**row.row(0, named=True), "n_ranked": n_ranked}


def tree_editions(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return the editions that have an indicator tree (``assessments.editions`` rows)."""
    with_tree = load(snapshot, "indicators").get_column("edition_id").unique()
    return assessments.editions(snapshot).filter(pl.col("edition_id").is_in(with_tree.implode()))


def compare_trees(snapshot: SnapshotLike, edition: str, other: str) -> Comparability:
    """Return whether ``other``'s metrics compare with ``edition``'s (``comparability``)."""
    return comparability(
        assessments.indicators(snapshot, edition), assessments.indicators(snapshot, other)
    )


def place_name(snapshot: SnapshotLike, province: str | None) -> str:
    """Return "China" or the province's English and Chinese name, for titles."""
    if not province:
        return "China"
    rows = load(snapshot, "divisions").filter(pl.col("province_adcode") == province)
    if rows.is_empty():
        return province
    return f"{rows.item(0, 'province_name_en')} {rows.item(0, 'province_name_zh')}"
