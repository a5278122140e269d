"""Ranking tables from a county view: first-level scores, published labels, rank change, filters."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from loaders.derive.counties import search_expr
from loaders.derive.ranks import add_rank_change
from loaders.schemas import FIRST_LEVEL

RANKED_STATUS = ("assessed", "published")


# Characters a pinyin search ignores: spaces, apostrophes (Xi'an), hyphens, middle dots.
_COLUMNS = (
    "rank",
    "rank_national",
    "name_zh",
    "name_pinyin",
    "prefecture_name_zh",
    "province_name_zh",
    "adcode",
    "total",
    "score",
    *FIRST_LEVEL,
    "grade",
    "previous_rank",
    "rank_change",
    "published",
    "published_rank",
    "published_list_pos",
    "published_band",
    "prefecture_adcode",
)


def first_level_scores(scores: pl.DataFrame, tree: pl.DataFrame) -> pl.DataFrame:
    """Return one row per adcode with a column per first-level metric.

    Indicators are matched to the five metrics by their ``crosswalk_key``, so an
    edition whose indicator ids differ still lines up; a metric the edition lacks is
    a null column.

    Parameters
    ----------
    scores
        One edition's ``scores`` rows (``adcode``, ``indicator_id``, ``score``).
    tree
        The edition's ``indicators`` rows (``indicator_id``, ``level``, ``crosswalk_key``).

    Returns
    -------
    ``adcode`` and the columns of ``loaders.schemas.FIRST_LEVEL`` (Float64).

    Examples
    --------
    >>> tree = pl.DataFrame({"indicator_id": ["t1", "c1"], "level": [1, 1],
    ...     "crosswalk_key": ["transparency", "compliance"]})
    >>> s = pl.DataFrame({"adcode": ["a", "a", "b"], "indicator_id": ["t1", "c1", "t1"],
    ...     "score": [80.0, 70.0, 60.0]})
    >>> first_level_scores(s, tree).select("adcode", "transparency", "compliance",
    ...     "public_opinion").rows()
    [('a', 80.0, 70.0, None), ('b', 60.0, None, None)]
    """
    keys = tree.filter(pl.col("level") == 1, pl.col("crosswalk_key").is_in(list(FIRST_LEVEL)))
    matched = scores.join(
        keys.select("indicator_id", "crosswalk_key"), on="indicator_id", how="inner"
    )
    return (
        matched.group_by("adcode")
        .agg(
            pl.col("score")
            .filter(pl.col("crosswalk_key") == key)
            .first()
            .cast(pl.Float64)
            .alias(key)
            for key in FIRST_LEVEL
        )
        .sort("adcode")
    )


def published_label(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``published``: the evaluator's own rank, list position or band, as text.

    Examples
    --------
    >>> f = pl.DataFrame({"published_rank": [3, None, None, None],
    ...     "published_list_pos": [None, 7, None, None],
    ...     "published_band": ["top10", None, "top100", None]})
    >>> published_label(f)["published"].to_list()
    ['No. 3 · top10', 'listed 7th', 'top100', None]
    """
    rank = pl.format("No. {}", pl.col("published_rank"))
    position = pl.col("published_list_pos")
    suffix = (
        pl.when((position % 100).is_between(11, 13))
        .then(pl.lit("th"))
        .when(position % 10 == 1)
        .then(pl.lit("st"))
        .when(position % 10 == 2)
        .then(pl.lit("nd"))
        .when(position % 10 == 3)
        .then(pl.lit("rd"))
        .otherwise(pl.lit("th"))
    )
    listed = pl.format("listed {}{}", position, suffix)
    parts = [rank, listed, pl.col("published_band")]
    return frame.with_columns(
        published=pl.when(pl.any_horizontal(p.is_not_null() for p in parts)).then(
            pl.concat_str(parts, separator=" · ", ignore_nulls=True)
        )
    )


def assemble_rankings(
    view: pl.DataFrame,
    metrics: pl.DataFrame,
    *,
    previous: pl.DataFrame | None = None,
    provincial: bool = False,
) -> pl.DataFrame:
    """Return the ranking rows of a county view: ranked, with scores and rank change.

    Parameters
    ----------
    view
        ``assessments.county_view`` of the metric ranked by (ranks from ``add_ranks``,
        ``score``, ``total``, ``status``, names, ``grade``, ``published_*``).
    metrics
        ``first_level_scores`` of the same edition.
    previous
        The previous edition's county view, or None when rank change must not be shown
        (no previous edition, or not comparable).
    provincial
        Rank within the province (``rank`` = ``rank_province``, with ``rank_national``
        kept beside it) instead of nationally.

    Returns
    -------
    The columns described in ``ranking_table``, assessed and published rows only.

    Examples
    --------
    >>> v = pl.DataFrame({"adcode": ["a", "b", "c", "d"], "status": ["assessed"] * 3
    ...     + ["excluded"], "total": [70.0, 90.0, 70.0, None],
    ...     "province_adcode": ["1"] * 4, "prefecture_adcode": ["p"] * 4})
    >>> from loaders.derive.ranks import add_ranks
    >>> v = add_ranks(v, score="total")
    >>> m = pl.DataFrame({"adcode": ["a"], "transparency": [50.0]})
    >>> assemble_rankings(v, m).select("adcode", "rank", "transparency").rows()
    [('b', 1, None), ('a', 2, 50.0), ('c', 2, None)]
    """
    rank = "rank_province" if provincial else "rank_national"
    rows = view.filter(pl.col("status").is_in(list(RANKED_STATUS)))
    if previous is not None:
        rows = add_rank_change(rows, previous, rank=rank)
    else:
        rows = rows.with_columns(
            previous_rank=pl.lit(None, pl.UInt32), rank_change=pl.lit(None, pl.Int64)
        )
    missing = {
        "name_zh": pl.String,
        "name_pinyin": pl.String,
        "prefecture_name_zh": pl.String,
        "province_name_zh": pl.String,
        "grade": pl.String,
        "published_rank": pl.Int32,
        "published_list_pos": pl.Int32,
        "published_band": pl.String,
        "score": pl.Float64,
    }
    rows = rows.with_columns(
        pl.lit(None, dtype).alias(name) for name, dtype in missing.items() if name not in rows
    )
    rows = published_label(rows)
    rows = rows.with_columns(rank=pl.col(rank)).join(metrics, on="adcode", how="left")
    rows = rows.with_columns(
        pl.lit(None, pl.Float64).alias(key) for key in FIRST_LEVEL if key not in rows
    )
    columns = [c for c in _COLUMNS if provincial or c != "rank_national"]
    return rows.select(columns).sort(
        "rank", "published_rank", "published_list_pos", "adcode", nulls_last=True
    )


def filter_rankings(
    frame: pl.DataFrame,
    *,
    prefecture: str | None = None,
    grades: Sequence[str] | None = None,
    search: str | None = None,
) -> pl.DataFrame:
    """Return the rows of a ranking table that match a prefecture, grades and a search.

    Parameters
    ----------
    frame
        A ``ranking_table`` (or any frame with ``prefecture_adcode``, ``grade``,
        ``name_zh``, ``name_pinyin`` and ``adcode``).
    prefecture
        Six-digit prefecture adcode; None keeps every prefecture.
    grades
        Grades to keep; None or empty keeps every row.
    search
        Text matched literally (never as a pattern): a substring of the Chinese name, of
        the pinyin ignoring case, tone marks, spaces and apostrophes, or the start of
        the adcode. Blank keeps every row.

    Returns
    -------
    The matching rows, in the order of ``frame``.

    Examples
    --------
    >>> f = pl.DataFrame({"adcode": ["520123", "610122"], "name_zh": ["修文县", "蓝田县"],
    ...     "name_pinyin": ["Xiuwen Xian", "Lantian Xian"], "grade": ["A", "B"],
    ...     "prefecture_adcode": ["520100", "610100"]})
    >>> [filter_rankings(f, search=s)["name_zh"].to_list() for s in ("修文", "xiuwen xian",
    ...     "XiuWen", "lan'tian", "6101", ".*", "")]
    [['修文县'], ['修文县'], ['修文县'], ['蓝田县'], ['蓝田县'], [], ['修文县', '蓝田县']]
    >>> filter_rankings(f, grades=["B"], prefecture="610100")["adcode"].to_list()
    ['610122']
    """
    keep: list[pl.Expr] = []
    if prefecture:
        keep.append(pl.col("prefecture_adcode") == prefecture)
    if grades:
        keep.append(pl.col("grade").is_in(list(grades)))
    found = search_expr(search or "")
    if found is not None:
        keep.append(found[0])
    return frame.filter(*keep) if keep else frame
