"""Assessment editions, indicator trees and per-county views of scores, as the app reads them."""

from __future__ import annotations

import csv
import functools
from functools import lru_cache

import polars as pl

from loaders import divisions as division_table
from loaders import paths, store
from loaders.derive.ranks import add_grade, add_ranks
from loaders.store import SnapshotLike, SnapshotRef, load

TOTAL = "total"
DIVISION_COLUMNS = (
    "adcode",
    "name_zh",
    "name_pinyin",
    "division_type",
    "prefecture_adcode",
    "prefecture_name_zh",
    "prefecture_name_en",
    "province_adcode",
    "province_name_zh",
    "province_name_en",
)


def editions(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return every edition with its evaluator's names and whether it has scores.

    Columns: edition_id, series_id, title_zh, title_en, data_year, released, mode,
    n_subjects, n_provinces, score_max, method_published, grade_scale_id, evaluator_id,
    evaluator_zh, evaluator_en, is_synthetic, source_id, has_scores, has_results (scores
    or published rankings), has_ledger (see :func:`has_ledger`); real editions first, then
    by evaluator and year.
    """
    evaluators = load(snapshot, "evaluators").select(
        "evaluator_id", evaluator_zh="name_zh", evaluator_en="name_en"
    )
    scored = load(snapshot, "scores").get_column("edition_id").unique()
    named = load(snapshot, "rankings").get_column("edition_id").unique()
    ledgered = load(snapshot, "coverage").get_column("edition_id").unique()
    return (
        load(snapshot, "editions")
        .join(evaluators, on="evaluator_id", how="left")
        .select(
            "edition_id",
            "series_id",
            "title_zh",
            "title_en",
            "data_year",
            "released",
            "mode",
            "n_subjects",
            "n_provinces",
            "score_max",
            "method_published",
            "grade_scale_id",
            "evaluator_id",
            "evaluator_zh",
            "evaluator_en",
            "is_synthetic",
            "source_id",
            has_scores=pl.col("edition_id").is_in(scored.implode()),
            has_results=pl.col("edition_id").is_in(scored.implode())
            | pl.col("edition_id").is_in(named.implode()),
            has_ledger=pl.col("edition_id").is_in(ledgered.implode()),
        )
        .sort("is_synthetic", "evaluator_id", "data_year", "edition_id")
    )


@functools.cache
def renamed_editions() -> dict[str, str]:
    """Return old edition id → current id (``data/reference/edition-renames.csv``).

    Old ids keep working in links: the frame opens the current id with a notice.

    Examples
    --------
    >>> renamed_editions()["ndrc-credit-demo-1"]
    'ndrc-credit-designation-1'
    """
    with (paths.REFERENCE_DIR / "edition-renames.csv").open(encoding="utf-8", newline="") as f:
        return {row["old_id"]: row["new_id"] for row in csv.DictReader(f)}


def scored_editions(snapshot: SnapshotLike) -> list[str]:
    """Return the ids of the editions that have scores, in ``editions`` order."""
    frame = editions(snapshot).filter(pl.col("has_scores"))
    return frame.get_column("edition_id").to_list()


def indicators(snapshot: SnapshotLike, edition: str) -> pl.DataFrame:
    """Return the indicator tree of ``edition`` (level 1 first, in snapshot order)."""
    tree = load(snapshot, "indicators").filter(pl.col("edition_id") == edition)
    return tree.sort("level", maintain_order=True)


def previous_edition(snapshot: SnapshotLike, edition: str) -> str | None:
    """Return the latest earlier edition of the same series, or None."""
    all_editions = load(snapshot, "editions")
    row = all_editions.filter(pl.col("edition_id") == edition)
    if row.is_empty() or row.item(0, "series_id") is None:
        return None
    earlier = all_editions.filter(
        (pl.col("series_id") == row.item(0, "series_id"))
        & (pl.col("data_year") < row.item(0, "data_year"))
    ).sort("data_year")
    return None if earlier.is_empty() else earlier.item(-1, "edition_id")


def is_synthetic(snapshot: SnapshotLike, edition: str) -> bool:
    """Return whether ``edition`` is synthetic (unknown editions count as not synthetic)."""
    rows = load(snapshot, "editions").filter(pl.col("edition_id") == edition)
    return bool(rows.get_column("is_synthetic").any())


def grade_scale(snapshot: SnapshotLike, edition: str) -> pl.DataFrame | None:
    """Return the grade bands (``grade``, ``min_score``) of ``edition``, or None if it has none."""
    scale = _grade_scale(str(snapshot), edition)
    return None if scale.is_empty() else scale


def county_view(
    snapshot: SnapshotLike, edition: str, metric: str = TOTAL, province: str | None = None
) -> pl.DataFrame:
    """Return one row per county-level division for ``edition`` and ``metric``.

    Columns: the division's names and codes; ``status`` (assessed, excluded,
    not_covered, or published: named in a published list without a score) and
    ``reason``; ``score`` of the metric and ``observed``;
    ranks and cohort sizes at three levels (``loaders.derive.add_ranks``);
    ``total`` and its ``grade`` on the edition's grade scale (if any);
    ``published_rank``, ``published_list_pos`` and ``published_band`` from the
    ``rankings`` table. Ranks are always national-scope computations; ``province``
    (six-digit code) only selects which rows are returned. Cached per snapshot
    manifest, edition and metric.
    """
    view = _county_view(store.ref(snapshot), edition, metric)
    return view if province is None else view.filter(pl.col("province_adcode") == province)


@lru_cache(maxsize=32)
def _county_view(snapshot: SnapshotRef, edition: str, metric: str) -> pl.DataFrame:
    divisions = division_table.load(snapshot).select(DIVISION_COLUMNS)
    scores = load(snapshot, "scores").filter(pl.col("edition_id") == edition)
    coverage = (
        load(snapshot, "coverage")
        .filter(pl.col("edition_id") == edition)
        .select("adcode", "status", "reason")
    )
    metric_scores = scores.filter(pl.col("indicator_id") == metric).select(
        "adcode", "score", "observed"
    )
    totals = scores.filter(pl.col("indicator_id") == TOTAL).select("adcode", total="score")
    sources = load(snapshot, "sources").select(
        "source_id", published_source_url="url", published_source_kind="reliability"
    )
    published = (
        load(snapshot, "rankings")
        .filter(pl.col("edition_id") == edition, pl.col("adcode").is_not_null())
        .join(sources, on="source_id", how="left")
        .sort("rank", "list_pos", nulls_last=True)
        .group_by("adcode", maintain_order=True)
        .agg(
            published_rank=pl.col("rank").min(),
            published_list_pos=pl.col("list_pos").min(),
            published_band=pl.col("band").drop_nulls().first(),
            published_source_url=pl.col("published_source_url").first(),
            published_source_kind=pl.col("published_source_kind").first(),
        )
    )
    view = (
        divisions.join(coverage, on="adcode", how="left")
        .join(metric_scores, on="adcode", how="left")
        .join(totals, on="adcode", how="left")
        .join(published, on="adcode", how="left")
    )
    named = pl.any_horizontal(
        pl.col("published_rank", "published_list_pos", "published_band", "score").is_not_null()
    )
    ledger = not coverage.is_empty()
    # NOTE: without a coverage ledger (real editions publish only part of their results)
    # nobody knows which counties were assessed: a named county is "published", every
    # other one "not named", and no rank is computed from a handful of scores.
    view = view.with_columns(
        status=pl.coalesce(
            "status",
            pl.when(named)
            .then(pl.lit("published"))
            .otherwise(pl.lit("not_covered" if ledger else "not_published")),
        ),
        reason=pl.coalesce(
            "reason",
            pl.when(~named).then(pl.lit("not named in this edition's published results")),
        ),
    )
    unranked = view.with_columns(_none=pl.lit(None, pl.Float64))
    view = (
        add_ranks(view, score="score")
        if ledger
        else add_ranks(unranked, score="_none").drop("_none")
    )
    view = add_grade(view, _grade_scale(snapshot, edition), score="total")
    return view.sort("adcode")


def has_ledger(snapshot: SnapshotLike, edition: str) -> bool:
    """Return whether the edition lists every county it assessed (its coverage ledger).

    Real editions that published only part of their results have none: their named
    counties are shown as published, never ranked against each other.
    """
    coverage = load(snapshot, "coverage")
    return not coverage.filter(pl.col("edition_id") == edition).is_empty()


def _grade_scale(snapshot: SnapshotLike, edition: str) -> pl.DataFrame:
    row = load(snapshot, "editions").filter(pl.col("edition_id") == edition)
    scale_id = None if row.is_empty() else row.item(0, "grade_scale_id")
    scales = load(snapshot, "grade_scales").select("scale_id", "grade", "min_score")
    return scales.filter(pl.col("scale_id") == (scale_id or "")).drop("scale_id")


def real_results(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return one row per real edition: what it names, of how many, and its sources.

    Columns: edition_id, evaluator_en, title, data_year, mode, named (published rows),
    on_map (rows matched to a current county), of (the edition's stated number of
    subjects, if published), scores (published scores), source_kinds, source_url (the
    edition's own source).
    """
    editions = load(snapshot, "editions").filter(~pl.col("is_synthetic"))
    evaluators = load(snapshot, "evaluators").select("evaluator_id", evaluator_en="name_en")
    sources = load(snapshot, "sources").select("source_id", "url", "reliability")
    rankings = load(snapshot, "rankings").join(sources, on="source_id", how="left")
    named = rankings.group_by("edition_id").agg(
        named=pl.len(),
        on_map=pl.col("adcode").is_not_null().sum(),
        source_kinds=pl.col("reliability").drop_nulls().unique().sort().str.join(", "),
    )
    scores = (
        load(snapshot, "scores")
        .filter(pl.col("indicator_id") == TOTAL)
        .group_by("edition_id")
        .agg(scores=pl.len())
    )
    return (
        editions.join(evaluators, on="evaluator_id", how="left")
        .join(named, on="edition_id", how="left")
        .join(scores, on="edition_id", how="left")
        .join(sources.select("source_id", source_url="url"), on="source_id", how="left")
        .select(
            "edition_id",
            "evaluator_en",
            pl.coalesce("title_en", "title_zh").alias("title"),
            "data_year",
            pl.col("mode").str.replace_all("_", " "),
            pl.col("named").fill_null(0),
            pl.col("on_map").fill_null(0),
            pl.col("n_subjects").alias("of"),
            pl.col("scores").fill_null(0),
            "source_kinds",
            "source_url",
        )
        .sort("evaluator_en", "data_year", "edition_id")
    )


def not_on_todays_map(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return published results naming units that no longer exist (no current adcode)."""
    return (
        load(snapshot, "rankings")
        .filter(pl.col("adcode").is_null())
        .select("edition_id", "name_as_published", "rank", "list_pos", "band", "note")
        .sort("edition_id", "name_as_published")
    )
