"""Ranking tables of an edition: computed ranks, first-level scores, rank change, filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from loaders import assessments, derive, divisions
from loaders.schemas import FIRST_LEVEL
from loaders.snapshot import load, location, open_snapshot

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


@dataclass(frozen=True)
class RankChangeBasis:
    """Which earlier edition rank change is measured against, and whether it may be."""

    edition: str
    previous: str | None
    previous_title: str | None
    comparable: bool
    flagged: bool
    reasons: tuple[derive.Reason, ...]

    @property
    def reason(self) -> str:
        """The reasons in English, joined by "; "."""
        return derive.english_reason(self.reasons)


def edition_facts(snapshot: Path | str, edition: str) -> dict[str, Any]:
    """Return one edition's metadata (``assessments.editions`` columns plus ``score_max``).

    An unknown edition gives an empty dict.
    """
    row = assessments.editions(snapshot).filter(pl.col("edition_id") == edition)
    if row.is_empty():
        return {}
    extra = load(snapshot, "editions").filter(pl.col("edition_id") == edition)
    return {**row.row(0, named=True), "score_max": extra.item(0, "score_max")}


def rank_change_basis(snapshot: Path | str, edition: str) -> RankChangeBasis:
    """Return the edition rank change is measured against and whether the two compare.

    The previous edition is the latest earlier one of the same series
    (``assessments.previous_edition``). Rank change is shown only when the two indicator
    trees are comparable (``derive.comparability``) and the previous edition has scores;
    ``reasons`` says why not, or what differs when the comparison is flagged (``reason``
    is the same in English).
    """
    previous = assessments.previous_edition(snapshot, edition)
    if previous is None:
        return RankChangeBasis(edition, None, None, False, False, (derive.Reason("no_previous"),))
    facts = edition_facts(snapshot, previous)
    title = facts.get("title_en") or facts.get("title_zh") or previous
    if not facts.get("has_scores"):
        why = derive.Reason("previous_unscored", edition=previous)
        return RankChangeBasis(edition, previous, title, False, False, (why,))
    tree_prev = assessments.indicators(snapshot, previous)
    tree_now = assessments.indicators(snapshot, edition)
    verdict = derive.comparability(tree_prev, tree_now)
    reasons = verdict.reasons
    if verdict.comparable and verdict.flagged:
        reasons += (tree_change(tree_prev, tree_now),)
    return RankChangeBasis(edition, previous, title, verdict.comparable, verdict.flagged, reasons)


def tree_change(before: pl.DataFrame, after: pl.DataFrame, *, level: int = 2) -> derive.Reason:
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

    return derive.Reason(
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


def ranking_table(
    snapshot: Path | str, edition: str, *, province: str | None = None
) -> pl.DataFrame:
    """Return the ranking of ``edition``: one row per assessed (or published) county.

    Columns: ``rank`` (national, or provincial when ``province`` is a six-digit code,
    with ``rank_national`` beside it), names, ``adcode``, ``total``, the five
    first-level scores (null where the edition lacks one), ``grade``,
    ``previous_rank`` and ``rank_change`` against the previous edition of the series
    (null unless ``rank_change_basis`` finds the two comparable), the published
    ``published_rank``, ``published_list_pos``, ``published_band`` and a ``published``
    label, and ``prefecture_adcode``. Sorted by rank, unranked published rows last.
    Cached per snapshot manifest, edition and province.
    """
    snap = open_snapshot(snapshot)
    key = location(snapshot)
    return _ranking_table(key, snap.manifest_sha256, edition, province)


@lru_cache(maxsize=64)
def _ranking_table(
    snapshot: str, manifest_sha: str, edition: str, province: str | None
) -> pl.DataFrame:
    view = assessments.county_view(snapshot, edition, assessments.TOTAL, province)
    scores = load(snapshot, "scores").filter(pl.col("edition_id") == edition)
    metrics = first_level_scores(scores, assessments.indicators(snapshot, edition))
    basis = rank_change_basis(snapshot, edition)
    previous = None
    if basis.comparable and basis.previous is not None:
        previous = assessments.county_view(snapshot, basis.previous, assessments.TOTAL, province)
    return assemble_rankings(view, metrics, previous=previous, provincial=province is not None)


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
        ``assessments.county_view`` of the total (ranks from ``derive.add_ranks``,
        ``status``, names, ``grade``, ``published_*``).
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
    >>> v = derive.add_ranks(v, score="total")
    >>> m = pl.DataFrame({"adcode": ["a"], "transparency": [50.0]})
    >>> assemble_rankings(v, m).select("adcode", "rank", "transparency").rows()
    [('b', 1, None), ('a', 2, 50.0), ('c', 2, None)]
    """
    rank = "rank_province" if provincial else "rank_national"
    rows = view.filter(pl.col("status").is_in(list(RANKED_STATUS)))
    if previous is not None:
        rows = derive.add_rank_change(rows, previous, rank=rank)
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
    found = divisions.search_expr(search or "")
    if found is not None:
        keep.append(found[0])
    return frame.filter(*keep) if keep else frame
