"""One county across the snapshot: its header, history over editions, breakdown, search."""

from __future__ import annotations

from typing import Any

import polars as pl

from loaders import assessments, divisions
from loaders.derive.counties import SEARCH_COLUMNS, averages, match_counties
from loaders.store import SnapshotLike, load

HISTORY_COLUMNS = (
    "edition_id",
    "title_en",
    "title_zh",
    "data_year",
    "evaluator_id",
    "evaluator_en",
    "evaluator_zh",
    "mode",
    "is_synthetic",
    "status",
    "reason",
    "total",
    "score_max",
    "rank_national",
    "n_national",
    "rank_province",
    "n_province",
    "rank_prefecture",
    "n_prefecture",
    "grade",
    "published_rank",
    "published_list_pos",
    "published_band",
    "n_subjects",
    "source_id",
    "source_title",
    "source_url",
    "source_reliability",
)
# Characters a reader may type between pinyin syllables or words: ignored when matching.


def county_header(snapshot: SnapshotLike, adcode: str) -> dict[str, Any] | None:
    """Return the division row of ``adcode`` as a dict, or None if the snapshot has no such unit.

    Keys: adcode, name_zh, name_pinyin, division_type, prefecture_adcode,
    prefecture_name_zh, province_adcode, province_name_zh, province_name_en.
    """
    rows = divisions.load(snapshot).filter(pl.col("adcode") == adcode)
    if rows.is_empty():
        return None
    return rows.select(assessments.DIVISION_COLUMNS).row(0, named=True)


def _appearances(snapshot: SnapshotLike, adcode: str) -> list[str]:
    """Return the editions in which ``adcode`` is scored, in coverage or in published rankings."""
    found: set[str] = set()
    for table in ("scores", "coverage", "rankings"):
        rows = load(snapshot, table).filter(pl.col("adcode") == adcode)
        found.update(rows.get_column("edition_id").unique().to_list())
    return sorted(found)


def county_history(snapshot: SnapshotLike, adcode: str) -> pl.DataFrame:
    """Return one row per edition in which the county appears, with its result in each.

    An edition counts when the county is scored in it, listed in its coverage
    (assessed, excluded or not covered, with the reason) or named in its published
    rankings. Ranks and cohort sizes come from :func:`loaders.assessments.county_view`
    (the cached per-edition view), so they equal what the atlas shows.

    Parameters
    ----------
    snapshot
        Snapshot folder.
    adcode
        Six-digit county-level code.

    Returns
    -------
    Columns :data:`HISTORY_COLUMNS`: the edition and its evaluator, ``is_synthetic``,
    ``status`` (assessed, excluded, not_covered, published) and ``reason``, ``total``
    with its edition's scale (``score_max``; null when not published),
    ranks with cohort sizes at three levels, ``grade``, the published rank, list
    position and band, and the source (of the published ranking when there is one,
    else of the edition) with its title, URL and reliability. Sorted by data year,
    real rows before synthetic ones, then edition. Empty for an unknown adcode.
    """
    editions = assessments.editions(snapshot)
    rows = [
        assessments.county_view(snapshot, edition)
        .filter(pl.col("adcode") == adcode)
        .with_columns(edition_id=pl.lit(edition))
        for edition in _appearances(snapshot, adcode)
    ]
    if not rows:  # an empty frame with the same columns
        first = assessments.county_view(snapshot, editions.item(0, "edition_id"))
        rows = [first.clear().with_columns(edition_id=pl.lit(None, pl.String))]
    ranking_sources = (
        load(snapshot, "rankings")
        .filter(pl.col("adcode") == adcode)
        .group_by("edition_id")
        .agg(ranking_source=pl.col("source_id").sort().first())
    )
    sources = load(snapshot, "sources").select(
        "source_id", source_title="title", source_url="url", source_reliability="reliability"
    )
    history = (
        pl.concat(rows, how="vertical_relaxed")
        .join(editions.drop("has_scores"), on="edition_id", how="left")
        .join(ranking_sources, on="edition_id", how="left")
        .with_columns(source_id=pl.coalesce("ranking_source", "source_id"))
        .join(sources, on="source_id", how="left")
    )
    return history.select(HISTORY_COLUMNS).sort("data_year", "is_synthetic", "edition_id")


def breakdown(snapshot: SnapshotLike, adcode: str, edition: str) -> pl.DataFrame:
    """Return the county's first-level scores in ``edition`` beside province and national means.

    Returns
    -------
    One row per first-level indicator of the edition (tree order): ``indicator_id``,
    ``name_en``, ``name_zh``, ``county``, ``province_mean``, ``national_mean``,
    ``n_province``, ``n_national``, plus ``edition_id`` and ``is_synthetic``.
    Scores are null when the county (or everyone) is unscored.
    """
    tree = assessments.indicators(snapshot, edition).filter(pl.col("level") == 1)
    metrics = tree.get_column("indicator_id").to_list()
    scores = load(snapshot, "scores").filter(
        pl.col("edition_id") == edition, pl.col("indicator_id").is_in(metrics)
    )
    wide = (
        scores.pivot(on="indicator_id", index="adcode", values="score")
        if not scores.is_empty()
        else pl.DataFrame(schema={"adcode": pl.String})
    )
    places = divisions.load(snapshot).select("adcode", "province_adcode")
    wide = places.join(wide, on="adcode", how="left")
    return (
        averages(wide, adcode=adcode, metrics=metrics)
        .join(tree.select("indicator_id", "name_en", "name_zh"), on="indicator_id", how="left")
        .with_columns(
            edition_id=pl.lit(edition),
            is_synthetic=pl.lit(assessments.is_synthetic(snapshot, edition)),
        )
    )


def search_counties(snapshot: SnapshotLike, text: str, limit: int = 20) -> pl.DataFrame:
    """Return up to ``limit`` county-level divisions matching ``text`` (see :func:`match_counties`).

    Columns :data:`SEARCH_COLUMNS`.
    """
    table = divisions.searchable(snapshot).select(SEARCH_COLUMNS)
    return match_counties(table, text, limit=limit)
