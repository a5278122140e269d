"""First-level metrics under user weights: composites, re-ranking, rank sensitivity, breakdowns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from loaders.derive.ranks import add_ranks
from loaders.schemas import FIRST_LEVEL

DEFAULT_BAND = 0.5

DEFAULT_SAMPLES = 1000

DEFAULT_SEED = 20_221

DEFAULT_TOP = 100

MAX_BAND = 0.95


# Composites are rounded to the published precision (2 decimals) before ranking: float
# noise never splits a tie, and at the rater's own weights the composite of the shown
# first-level scores is exactly the published total (the demo generator computes its
# totals with this same expression).
_DECIMALS = 2

PLACE_COLUMNS = (
    "adcode",
    "name_zh",
    "name_pinyin",
    "prefecture_adcode",
    "prefecture_name_zh",
    "prefecture_name_en",
    "province_adcode",
    "province_name_zh",
    "province_name_en",
)


def normalise(weights: Sequence[float]) -> np.ndarray:
    """Return weights rescaled to sum to 1 (zero weights stay zero).

    Parameters
    ----------
    weights
        Non-negative numbers, at least one above zero.

    Returns
    -------
    A float array of the same length summing to 1.

    Raises
    ------
    ValueError
        If a weight is negative or not finite, or all are zero.

    Examples
    --------
    >>> normalise([50, 50, 0, 0, 0]).tolist()
    [0.5, 0.5, 0.0, 0.0, 0.0]
    >>> normalise([25, 25, 20, 15, 15]).tolist() == normalise([.25, .25, .2, .15, .15]).tolist()
    True
    """
    array = np.asarray(weights, dtype=np.float64)
    if array.ndim != 1 or not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError("weights must be finite and non-negative")
    if array.size and array.max() > np.finfo(np.float64).max / array.size:
        # NOTE: the sum would overflow to inf (and every share to 0): scale down first.
        # Only such huge weights are rescaled, so ordinary ones keep their exact shares.
        array = array / array.max()
    total = array.sum()
    if total <= 0:
        raise ValueError("at least one weight must be above zero")
    return array / total


def evaluator_weights(tree: pl.DataFrame) -> tuple[float, ...] | None:
    """Return the evaluator's first-level weights in ``FIRST_LEVEL`` order, or None if unknown.

    Indicators are matched to the five metrics by ``crosswalk_key``. The weights are
    unknown when any of the five is missing or has no published weight.

    Examples
    --------
    >>> tree = pl.DataFrame({"level": [1] * 5, "crosswalk_key": list(FIRST_LEVEL),
    ...     "weight": [0.25, 0.25, 0.2, 0.15, 0.15]})
    >>> evaluator_weights(tree)
    (0.25, 0.25, 0.2, 0.15, 0.15)
    >>> evaluator_weights(tree.with_columns(weight=None)) is None
    True
    """
    first = tree.filter(pl.col("level") == 1, pl.col("crosswalk_key").is_in(list(FIRST_LEVEL)))
    known = dict(first.select("crosswalk_key", "weight").drop_nulls().iter_rows())
    if any(key not in known for key in FIRST_LEVEL):
        return None
    return tuple(float(known[key]) for key in FIRST_LEVEL)


def composite_expr(weights: Sequence[float], metrics: Sequence[str] = FIRST_LEVEL) -> pl.Expr:
    """Return the expression of the weighted mean of ``metrics`` (weights renormalised).

    Metrics with weight zero drop out: their scores are not read, so a missing score
    there does not matter. A missing score in a metric with weight above zero makes
    the composite null.

    Examples
    --------
    >>> f = pl.DataFrame({"a": [80.0, 60.0], "b": [40.0, None]})
    >>> f.select(composite_expr([3, 1], ["a", "b"]).alias("c"))["c"].to_list()
    [70.0, None]
    >>> f.select(composite_expr([1, 0], ["a", "b"]).alias("c"))["c"].to_list()
    [80.0, 60.0]
    """
    shares = normalise(weights)
    if len(shares) != len(metrics):
        raise ValueError(f"{len(shares)} weights for {len(metrics)} metrics")
    terms = [pl.col(m).cast(pl.Float64) * float(s) for m, s in zip(metrics, shares, strict=True)]
    used = [t for t, s in zip(terms, shares, strict=True) if s > 0]
    return pl.sum_horizontal(used, ignore_nulls=False).round(_DECIMALS)


def add_composite(
    frame: pl.DataFrame,
    *,
    weights: Sequence[float],
    metrics: Sequence[str] = FIRST_LEVEL,
    name: str = "composite",
) -> pl.DataFrame:
    """Add the weighted mean of ``metrics`` under ``weights`` as column ``name``.

    The composite is ``sum(w_i * score_i) / sum(w_i)`` over the metrics with
    ``w_i > 0`` (see :func:`composite_expr`).

    Parameters
    ----------
    frame
        One row per county with a score column per metric.
    weights
        One non-negative weight per metric, in the order of ``metrics``; any scale.
    metrics
        Score columns.
    name
        Name of the new column.

    Examples
    --------
    >>> f = pl.DataFrame({"a": [90.0, 50.0], "b": [10.0, 70.0]})
    >>> add_composite(f, weights=[1, 1], metrics=["a", "b"])["composite"].to_list()
    [50.0, 60.0]
    >>> add_composite(f, weights=[100, 0], metrics=["a", "b"])["composite"].to_list()
    [90.0, 50.0]
    """
    return frame.with_columns(composite_expr(weights, metrics).alias(name))


def reweighted_ranking(
    frame: pl.DataFrame,
    *,
    weights: Sequence[float],
    baseline: Sequence[float],
    metrics: Sequence[str] = FIRST_LEVEL,
    provincial: bool = False,
) -> pl.DataFrame:
    """Rank counties by their composite under ``weights`` and under ``baseline`` weights.

    Higher composites rank first; ties share the best rank (``add_ranks``).
    Ranks are national, or within each province when ``provincial``.

    Parameters
    ----------
    frame
        One row per county: ``adcode``, ``province_adcode``, ``prefecture_adcode`` and
        a score column per metric.
    weights
        The user's weights, one per metric.
    baseline
        The weights to compare with (the evaluator's own).
    metrics
        Score columns, in the order of the weights.
    provincial
        Rank within each province instead of nationally.

    Returns
    -------
    ``frame`` with ``composite``, ``evaluator_composite``, ``rank`` and
    ``evaluator_rank`` (national or provincial), ``rank_national`` and
    ``rank_change`` (``evaluator_rank - rank``: positive = moves up under
    ``weights``), sorted by ``rank`` then ``adcode``; counties without a composite last.

    Examples
    --------
    >>> f = pl.DataFrame({"adcode": ["a", "b", "c"], "province_adcode": ["1"] * 3,
    ...     "prefecture_adcode": ["p"] * 3, "x": [90.0, 70.0, 80.0], "y": [50.0, 80.0, 50.0]})
    >>> r = reweighted_ranking(f, weights=[1, 0], baseline=[0, 1], metrics=["x", "y"])
    >>> r.select("adcode", "rank", "evaluator_rank", "rank_change").rows()
    [('a', 1, 2, 1), ('c', 2, 2, 0), ('b', 3, 1, -2)]
    """
    scope = "rank_province" if provincial else "rank_national"
    scored = add_composite(frame, weights=weights, metrics=metrics)
    ranked = add_ranks(scored, score="composite")
    base = add_ranks(
        add_composite(frame, weights=baseline, metrics=metrics).select(
            "adcode", "province_adcode", "prefecture_adcode", "composite"
        ),
        score="composite",
    ).select("adcode", evaluator_composite="composite", evaluator_rank=scope)
    return (
        ranked.join(base, on="adcode", how="left")
        .with_columns(rank=pl.col(scope))
        .with_columns(
            rank_change=pl.col("evaluator_rank").cast(pl.Int64) - pl.col("rank").cast(pl.Int64)
        )
        .sort("rank", "adcode", nulls_last=True)
    )


def biggest_movers(ranking: pl.DataFrame, *, n: int = 20) -> pl.DataFrame:
    """Return the ``n`` rows of a reweighted ranking whose rank moved most (either way).

    Rows that did not move are left out. Ties in the size of the move are ordered by
    the new rank.

    Examples
    --------
    >>> r = pl.DataFrame({"adcode": ["a", "b", "c", "d"], "rank": [1, 2, 3, 4],
    ...     "rank_change": [3, -1, 0, -3]})
    >>> biggest_movers(r, n=3)["adcode"].to_list()
    ['a', 'd', 'b']
    """
    moved = ranking.filter(pl.col("rank_change").is_not_null() & (pl.col("rank_change") != 0))
    return moved.sort(pl.col("rank_change").abs(), "rank", descending=[True, False]).head(n)


def min_ranks(values: np.ndarray) -> np.ndarray:
    """Rank each column of ``values``: highest first, ties share the best rank (1, 2, 2, 4).

    Vectorised over columns (one stable argsort of the whole matrix), so ranking
    1,000 columns of a few thousand rows takes a fraction of a second.

    Parameters
    ----------
    values
        A 2-D float array without NaN: rows are counties, columns are scenarios.

    Returns
    -------
    An int32 array of the same shape.

    Examples
    --------
    >>> min_ranks(np.array([[90.0, 1.0], [80.0, 3.0], [80.0, 2.0], [70.0, 3.0]])).tolist()
    [[1, 4], [2, 1], [2, 3], [4, 1]]
    """
    n = values.shape[0]
    order = np.argsort(-values, axis=0, kind="stable")
    ordered = np.take_along_axis(values, order, axis=0)
    starts_run = np.ones(ordered.shape, dtype=bool)
    starts_run[1:] = ordered[1:] != ordered[:-1]
    position = np.arange(n, dtype=np.int32)[:, None]
    first_of_run = np.maximum.accumulate(np.where(starts_run, position, 0), axis=0)
    ranks = np.empty(values.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, first_of_run + 1, axis=0)
    return ranks


def sample_weights(
    weights: Sequence[float],
    *,
    band: float = DEFAULT_BAND,
    samples: int = DEFAULT_SAMPLES,
    seed: int,
) -> np.ndarray:
    """Draw weight vectors around ``weights``: each weight times U(1 − band, 1 + band).

    Every weight varies independently; each drawn vector is renormalised to sum to 1.
    A zero weight stays zero. The same ``seed`` always gives the same vectors.

    Parameters
    ----------
    weights
        The chosen weights (any scale, non-negative, not all zero).
    band
        Relative half-width of the band, from 0 (no variation) to below 1.
    samples
        Number of vectors to draw.
    seed
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    An array of shape ``(len(weights), samples)`` whose columns sum to 1.

    Examples
    --------
    >>> w = sample_weights([1, 1, 0], band=0.5, samples=4, seed=1)
    >>> w.shape, bool(np.allclose(w.sum(axis=0), 1)), bool((w[2] == 0).all())
    ((3, 4), True, True)
    >>> bool(((w[0] / w[1] >= 1 / 3) & (w[0] / w[1] <= 3)).all())
    True
    """
    if not 0 <= band < 1:
        raise ValueError("band must be at least 0 and below 1")
    if samples < 1:
        raise ValueError("samples must be at least 1")
    base = normalise(weights)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - band, 1 + band, size=(base.size, samples))
    drawn = base[:, None] * factors
    return drawn / drawn.sum(axis=0, keepdims=True)


def rank_sensitivity(
    frame: pl.DataFrame,
    *,
    weights: Sequence[float],
    band: float = DEFAULT_BAND,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    top: int = DEFAULT_TOP,
    metrics: Sequence[str] = FIRST_LEVEL,
) -> pl.DataFrame:
    """Return each county's rank range when the weights vary within a band around ``weights``.

    Draws ``samples`` weight vectors with :func:`sample_weights`, computes every
    county's composite under all of them as one matrix product (counties × metrics)
    @ (metrics × samples), and ranks each column (:func:`min_ranks`, national). The
    chosen weights themselves are always one of the scenarios, so the best and worst
    rank bound the rank at the chosen weights.

    Parameters
    ----------
    frame
        One row per county: ``adcode`` and a score column per metric.
    weights
        The chosen weights, one per metric (any scale).
    band
        Relative half-width of the band (0.5 = each weight within ±50%).
    samples
        Number of sampled weight vectors.
    seed
        Random seed: the same inputs and seed always give the same result.
    top
        The cut-off for ``p_top``.
    metrics
        Score columns, in the order of the weights.

    Returns
    -------
    ``adcode``, ``rank`` (at the chosen weights), ``best_rank``, ``worst_rank`` and
    ``p_top`` (share of the sampled vectors that rank the county within ``top``),
    one row per row of ``frame`` in its order; null for a county missing a score in
    a metric with weight above zero (it is not ranked).

    Examples
    --------
    >>> f = pl.DataFrame({"adcode": ["a", "b", "c"], "x": [90.0, 80.0, 10.0],
    ...     "y": [70.0, 85.0, 20.0]})
    >>> r = rank_sensitivity(f, weights=[1, 1], samples=200, seed=3, top=1,
    ...     metrics=["x", "y"])
    >>> r.select("adcode", "rank", "best_rank", "worst_rank").rows()
    [('a', 2, 1, 2), ('b', 1, 1, 2), ('c', 3, 3, 3)]
    >>> 0 < r["p_top"][0] < 1, r["p_top"][2]
    (True, 0.0)
    """
    shares = normalise(weights)
    if len(shares) != len(metrics):
        raise ValueError(f"{len(shares)} weights for {len(metrics)} metrics")
    used = [m for m, s in zip(metrics, shares, strict=True) if s > 0]
    scores = frame.select(pl.col(m).cast(pl.Float64) for m in used).to_numpy()
    ranked = ~np.isnan(scores).any(axis=1)
    drawn = sample_weights(shares.tolist(), band=band, samples=samples, seed=seed)
    scenarios = np.hstack([shares[:, None], drawn])[shares > 0]
    composites = np.round(scores[ranked] @ scenarios, _DECIMALS)
    # The chosen weights' column is the exact composite the rankings use (same expression,
    # same float order), so the sensitivity's "rank" is always the ranking's rank.
    exact = frame.select(composite_expr(weights, metrics)).to_series().to_numpy()
    composites[:, 0] = exact[ranked]
    ranks = min_ranks(composites)
    out = {
        "rank": ranks[:, 0],
        "best_rank": ranks.min(axis=1),
        "worst_rank": ranks.max(axis=1),
        "p_top": (ranks[:, 1:] <= top).mean(axis=1),
    }
    index = pl.Series(np.flatnonzero(ranked))
    columns = []
    for name, values in out.items():
        dtype = pl.Float64 if name == "p_top" else pl.UInt32
        empty = pl.Series(name, [None] * frame.height, dtype=dtype)
        columns.append(empty.scatter(index, pl.Series(values).cast(dtype)) if len(index) else empty)
    return frame.select("adcode").with_columns(columns)


def group_columns(province: str | None, *, lang: str = "zh") -> tuple[str, str]:
    """Return the (code, name) columns to group by: provinces, or a province's prefectures.

    The name column is the Chinese one, or the English one for ``lang="en"``.

    Examples
    --------
    >>> group_columns(None), group_columns("520000")
    (('province_adcode', 'province_name_zh'), ('prefecture_adcode', 'prefecture_name_zh'))
    >>> group_columns("520000", lang="en")
    ('prefecture_adcode', 'prefecture_name_en')
    """
    level = "prefecture" if province else "province"
    return f"{level}_adcode", f"{level}_name_{'en' if lang == 'en' else 'zh'}"


def median_order(frame: pl.DataFrame, *, metric: str, group: str) -> list[str]:
    """Return the groups of ``frame`` ordered by the median of ``metric``, highest first.

    Groups with equal medians are ordered by name; groups without a score come last.

    Examples
    --------
    >>> f = pl.DataFrame({"g": ["x", "x", "y", "y", "z"], "m": [1.0, 3.0, 5.0, 9.0, None]})
    >>> median_order(f, metric="m", group="g")
    ['y', 'x', 'z']
    """
    medians = frame.group_by(group).agg(median=pl.col(metric).median())
    return (
        medians.sort("median", group, descending=[True, False], nulls_last=True)
        .get_column(group)
        .to_list()
    )


def group_means(
    frame: pl.DataFrame, *, group: str, metrics: Sequence[str] = FIRST_LEVEL
) -> pl.DataFrame:
    """Return the mean of each metric per group, with the number of counties.

    Parameters
    ----------
    frame
        One row per county with a ``group`` column and the metric columns.
    group
        Column to group by (e.g. ``province_name_zh``).
    metrics
        Score columns to average (nulls skipped).

    Returns
    -------
    ``group``, ``n`` and one column per metric, ordered by the mean of all metric
    means (highest first), then by ``group``.

    Examples
    --------
    >>> f = pl.DataFrame({"p": ["a", "a", "b"], "x": [80.0, 60.0, 90.0], "y": [1.0, 3.0, 5.0]})
    >>> group_means(f, group="p", metrics=["x", "y"]).rows()
    [('b', 1, 90.0, 5.0), ('a', 2, 70.0, 2.0)]
    """
    means = frame.group_by(group).agg(pl.len().alias("n"), *(pl.col(m).mean() for m in metrics))
    overall = pl.mean_horizontal(list(metrics))
    return (
        means.with_columns(_order=overall)
        .sort("_order", group, descending=[True, False], nulls_last=True)
        .drop("_order")
        .with_columns(pl.col("n").cast(pl.Int64))
    )


def correlations(frame: pl.DataFrame, *, metrics: Sequence[str] = FIRST_LEVEL) -> pl.DataFrame:
    """Return the Pearson correlation matrix of the metrics (pairwise complete rows).

    Returns
    -------
    ``metric`` and one column per metric; row ``i`` holds the correlations of
    ``metrics[i]``. A metric with fewer than two scores (or no spread) gives null.

    Examples
    --------
    >>> f = pl.DataFrame({"x": [1.0, 2.0, 3.0], "y": [2.0, 4.0, 6.5], "z": [3.0, 2.0, 1.0]})
    >>> c = correlations(f, metrics=["x", "y", "z"])
    >>> c["metric"].to_list(), c["x"].round(3).to_list()
    (['x', 'y', 'z'], [1.0, 0.998, -1.0])
    """
    matrix = frame.select(pl.col(list(metrics)).cast(pl.Float64))

    def corr(a: str, b: str) -> float | None:
        pair = matrix.select(a, b).drop_nulls() if a != b else matrix.select(a).drop_nulls()
        if pair.height < 2 or pair.get_column(a).std() in (0.0, None):
            return None
        if a == b:
            return 1.0
        value = pair.select(pl.corr(a, b)).item()
        return None if value is None or np.isnan(value) else float(value)

    return pl.DataFrame(
        {"metric": list(metrics), **{b: [corr(a, b) for a in metrics] for b in metrics}},
        schema={"metric": pl.String, **dict.fromkeys(metrics, pl.Float64)},
    )
