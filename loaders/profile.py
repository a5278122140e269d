"""One county across the snapshot: its header, history over editions, breakdown and search."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from loaders import assessments, divisions
from loaders import divisions as divisions_module
from loaders.snapshot import load

HISTORY_COLUMNS = (
    "edition_id",
    "title_en",
    "data_year",
    "evaluator_id",
    "evaluator_en",
    "evaluator_zh",
    "mode",
    "is_synthetic",
    "status",
    "reason",
    "total",
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
    "source_id",
    "source_title",
    "source_url",
    "source_reliability",
)
SEARCH_COLUMNS = (
    "adcode",
    "name_zh",
    "name_pinyin",
    "prefecture_name_zh",
    "province_name_zh",
    "province_name_en",
)
# Characters a reader may type between pinyin syllables or words: ignored when matching.


def county_header(snapshot: Path | str, adcode: str) -> dict[str, Any] | None:
    """Return the division row of ``adcode`` as a dict, or None if the snapshot has no such unit.

    Keys: adcode, name_zh, name_pinyin, division_type, prefecture_adcode,
    prefecture_name_zh, province_adcode, province_name_zh, province_name_en.
    """
    rows = divisions.load(snapshot).filter(pl.col("adcode") == adcode)
    if rows.is_empty():
        return None
    return rows.select(assessments.DIVISION_COLUMNS).row(0, named=True)


def _appearances(snapshot: Path | str, adcode: str) -> list[str]:
    """Return the editions in which ``adcode`` is scored, in coverage or in published rankings."""
    found: set[str] = set()
    for table in ("scores", "coverage", "rankings"):
        rows = load(snapshot, table).filter(pl.col("adcode") == adcode)
        found.update(rows.get_column("edition_id").unique().to_list())
    return sorted(found)


def county_history(snapshot: Path | str, adcode: str) -> pl.DataFrame:
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
    ``status`` (assessed, excluded, not_covered, published) and ``reason``, ``total``,
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


def averages(view_wide: pl.DataFrame, *, adcode: str, metrics: Sequence[str]) -> pl.DataFrame:
    """Return a county's score beside its province's and the nation's mean, per metric.

    Means are over the counties with a score for that metric (nulls are skipped);
    the province is the county's ``province_adcode`` in ``view_wide``. A metric
    without a column counts as unscored everywhere.

    Parameters
    ----------
    view_wide
        One row per county: ``adcode``, ``province_adcode`` and one score column per metric.
    adcode
        The county to compare.
    metrics
        Score columns to compare, in display order.

    Returns
    -------
    One row per metric, in the order given: ``indicator_id``, ``county``,
    ``province_mean``, ``national_mean``, ``n_province`` and ``n_national`` (counties
    with a score).

    Examples
    --------
    >>> wide = pl.DataFrame({"adcode": ["a", "b", "c"], "province_adcode": ["1", "1", "2"],
    ...     "x": [80.0, 60.0, 40.0], "y": [10.0, None, 30.0]})
    >>> averages(wide, adcode="a", metrics=["x", "y"]).rows()
    [('x', 80.0, 70.0, 60.0, 2, 3), ('y', 10.0, 10.0, 20.0, 1, 2)]
    """
    missing = [m for m in metrics if m not in view_wide.columns]
    wide = view_wide.with_columns(pl.lit(None, pl.Float64).alias(m) for m in missing)
    province = wide.filter(pl.col("adcode") == adcode).get_column("province_adcode")
    in_province = (
        pl.col("province_adcode") == province.item(0)
        if province.len() and province.item(0) is not None
        else pl.lit(False)
    )
    long = wide.unpivot(
        index=["adcode", "province_adcode"],
        on=list(metrics),
        variable_name="indicator_id",
        value_name="score",
    ).with_columns(pl.col("score").cast(pl.Float64))
    stats = long.group_by("indicator_id").agg(
        county=pl.col("score").filter(pl.col("adcode") == adcode).first(),
        province_mean=pl.col("score").filter(in_province).mean(),
        national_mean=pl.col("score").mean(),
        n_province=pl.col("score").filter(in_province).count(),
        n_national=pl.col("score").count(),
    )
    order = pl.DataFrame({"indicator_id": list(metrics)}, schema={"indicator_id": pl.String})
    return order.join(stats, on="indicator_id", how="left", maintain_order="left")


def breakdown(snapshot: Path | str, adcode: str, edition: str) -> pl.DataFrame:
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


def match_counties(divisions: pl.DataFrame, text: str, *, limit: int = 20) -> pl.DataFrame:
    """Return the divisions whose Chinese name, pinyin or adcode matches ``text``.

    Matching is literal (no patterns): the Chinese name contains the text, the
    pinyin contains it case-insensitively with spaces and apostrophes ignored on
    both sides, or the adcode starts with it. Exact name matches come first, then
    names that start with the text, then the rest, each by adcode.

    Parameters
    ----------
    divisions
        The ``divisions`` table (or any frame with :data:`SEARCH_COLUMNS`).
    text
        What the user typed.
    limit
        Most rows to return.

    Examples
    --------
    >>> d = pl.DataFrame({"adcode": ["520123", "610102", "610116"],
    ...     "name_zh": ["修文县", "新城区", "长安区"],
    ...     "name_pinyin": ["Xiuwen Xian", "Xincheng Qu", "Chang'an Qu"]})
    >>> match_counties(d, "xiuwen")["name_zh"].to_list()
    ['修文县']
    >>> match_counties(d, "changan qu")["adcode"].to_list()
    ['610116']
    >>> match_counties(d, "(.*)").height
    0
    """
    search = divisions_module.search_expr(text)
    if search is None:
        return divisions.clear()
    match, order = search
    return (
        divisions.filter(match)
        .with_columns(_order=order)
        .sort("_order", "adcode")
        .drop("_order")
        .head(limit)
    )


def search_counties(snapshot: Path | str, text: str, limit: int = 20) -> pl.DataFrame:
    """Return up to ``limit`` county-level divisions matching ``text`` (see :func:`match_counties`).

    Columns :data:`SEARCH_COLUMNS`.
    """
    table = divisions.load(snapshot).select(SEARCH_COLUMNS)
    return match_counties(table, text, limit=limit)
