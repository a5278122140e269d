"""Statistics on who rated whom: rank agreement between editions and home bias of evaluators.

Pure functions on arrays and frames (NumPy and the standard library only).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

# Two-sided 95% quantiles of Student's t by degrees of freedom (standard table values).
_T975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
    9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131,
    16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074,
    23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045,
    30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}  # fmt: skip


def t975(df: int) -> float:
    """Return the 97.5% quantile of Student's t with ``df`` degrees of freedom.

    Exact table values up to 30; beyond, interpolated linearly in 1/df towards 1.960.

    Examples
    --------
    >>> t975(10), t975(30), round(t975(1000), 3)
    (2.228, 2.042, 1.962)
    """
    if df < 1:
        return math.nan
    if df in _T975:
        return _T975[df]
    points = [*sorted(_T975.items()), (math.inf, 1.960)]
    for (d0, t0), (d1, t1) in itertools.pairwise(points):
        if d0 < df < d1:
            x, x0, x1 = 1 / df, 1 / d0, (0.0 if d1 == math.inf else 1 / d1)
            return t1 + (t0 - t1) * (x - x1) / (x0 - x1)
    return 1.960


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Return 1-based ranks of ``values``, ties sharing the average rank.

    Examples
    --------
    >>> average_ranks(np.array([10.0, 20.0, 20.0, 5.0])).tolist()
    [2.0, 3.5, 3.5, 1.0]
    """
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=float)
    ranks[order] = np.arange(1, len(values) + 1)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Return Spearman's rank correlation (Pearson correlation of average ranks).

    Examples
    --------
    >>> spearman(np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0]))
    1.0
    >>> spearman(np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0]))
    -1.0
    """
    ra, rb = average_ranks(a), average_ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return math.nan
    return float(np.corrcoef(ra, rb)[0, 1])


def kendall_tau_b(a: np.ndarray, b: np.ndarray, *, block: int = 512) -> float:
    """Return Kendall's tau-b (ties accounted for), counting all pairs in blocks.

    O(n²) comparisons done in vectorised blocks: about 0.1 s for 2,800 counties.

    Examples
    --------
    >>> kendall_tau_b(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 2.0, 4.0]))
    0.6666666666666666
    """
    n = len(a)
    concordant = discordant = ties_a = ties_b = 0
    for start in range(0, n, block):
        stop = min(start + block, n)
        da = np.sign(a[start:stop, None] - a[None, :])
        db = np.sign(b[start:stop, None] - b[None, :])
        # Keep each unordered pair once: column index greater than row index.
        mask = np.arange(n)[None, :] > np.arange(start, stop)[:, None]
        product = (da * db)[mask]
        concordant += int((product > 0).sum())
        discordant += int((product < 0).sum())
        ties_a += int(((da == 0) & (db != 0))[mask].sum())
        ties_b += int(((db == 0) & (da != 0))[mask].sum())
    denominator = math.sqrt((concordant + discordant + ties_a) * (concordant + discordant + ties_b))
    return (concordant - discordant) / denominator if denominator else math.nan


def province_differences(paired: pl.DataFrame) -> pl.DataFrame:
    """Return the mean score difference (b − a) per province with a 95% confidence interval.

    Parameters
    ----------
    paired
        One row per county with ``province_adcode``, ``province_name_en``, ``a`` and ``b``.

    Returns
    -------
    province_adcode, province_name_en, n, mean_diff, ci_low, ci_high (t interval;
    null bounds for a single county), sorted by mean difference.

    Examples
    --------
    >>> p = pl.DataFrame({"province_adcode": ["1"] * 3, "province_name_en": ["X"] * 3,
    ...     "a": [1.0, 2.0, 3.0], "b": [2.0, 4.0, 6.0]})
    >>> [round(v, 3) for v in province_differences(p).select("n", "mean_diff", "ci_low").row(0)]
    [3, 2.0, -0.484]
    """
    grouped = (
        paired.with_columns(diff=pl.col("b") - pl.col("a"))
        .group_by("province_adcode", "province_name_en")
        .agg(n=pl.len(), mean_diff=pl.col("diff").mean(), sd=pl.col("diff").std())
    )
    half = [
        t975(n - 1) * sd / math.sqrt(n) if n > 1 and sd is not None else None
        for n, sd in grouped.select("n", "sd").iter_rows()
    ]
    return (
        grouped.with_columns(half=pl.Series(half, dtype=pl.Float64))
        .with_columns(
            ci_low=pl.col("mean_diff") - pl.col("half"),
            ci_high=pl.col("mean_diff") + pl.col("half"),
        )
        .drop("sd", "half")
        .with_columns(pl.col("n").cast(pl.Int64))
        .sort("mean_diff", "province_adcode")
    )


def rank_disagreements(paired: pl.DataFrame, *, n: int = 20) -> pl.DataFrame:
    """Return the ``n`` counties whose national ranks differ most between the two editions.

    Ranks are recomputed over the paired counties only (ties share the best rank), so
    both editions rank the same set.

    Examples
    --------
    >>> p = pl.DataFrame({"adcode": ["x", "y", "z"], "a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]})
    >>> rank_disagreements(p, n=1).select("adcode", "rank_a", "rank_b", "rank_gap").row(0)
    ('x', 1, 3, 2)
    """
    ranked = paired.with_columns(
        rank_a=pl.col("a").rank("min", descending=True).cast(pl.Int64),
        rank_b=pl.col("b").rank("min", descending=True).cast(pl.Int64),
    ).with_columns(rank_gap=(pl.col("rank_a") - pl.col("rank_b")).abs())
    return ranked.sort("rank_gap", "adcode", descending=[True, False]).head(n)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def hypergeometric_tail(k: int, *, population: int, successes: int, draws: int) -> float:
    """Return P(X ≥ k) for X ~ Hypergeometric(population, successes, draws), exactly.

    Examples
    --------
    >>> round(hypergeometric_tail(2, population=4, successes=2, draws=2), 4)
    0.1667
    >>> hypergeometric_tail(0, population=10, successes=3, draws=5)
    1.0
    """
    low = max(k, 0, draws - (population - successes))
    high = min(successes, draws)
    if low > high:
        return 0.0
    total = _log_choose(population, draws)
    terms = [
        _log_choose(successes, i) + _log_choose(population - successes, draws - i) - total
        for i in range(low, high + 1)
    ]
    peak = max(terms)
    return min(1.0, math.exp(peak) * sum(math.exp(t - peak) for t in terms))


@dataclass(frozen=True)
class HomeBias:
    """The share of a top list held by the evaluator's home province, and how surprising it is."""

    top_n: int
    covered: int
    home_covered: int
    home_in_top: int
    expected: float
    p_value: float
    reading: str


def home_bias(
    assessed: pl.DataFrame, *, home_province: str, top_n: int = 100, score: str = "score"
) -> HomeBias:
    """Test whether the evaluator's home province holds more of the top ``top_n`` than chance.

    Under no bias, the home counties in the top list follow a hypergeometric
    distribution (``top_n`` drawn from all covered counties, of which
    ``home_covered`` are home counties). The p-value is the exact chance of at
    least the observed number.

    Parameters
    ----------
    assessed
        One row per covered county with ``province_adcode`` and ``score``.
    home_province
        Six-digit adcode of the evaluator's home (or sponsoring) province.

    Examples
    --------
    >>> f = pl.DataFrame({"province_adcode": ["H"] * 10 + ["O"] * 90,
    ...     "score": [99.0] * 10 + [50.0] * 90})
    >>> b = home_bias(f, home_province="H", top_n=10)
    >>> b.home_in_top, b.expected, b.p_value < 1e-10
    (10, 1.0, True)
    """
    scored = assessed.filter(pl.col(score).is_not_null())
    top = scored.sort(score, descending=True).head(top_n)
    covered, draws = scored.height, top.height
    home_covered = scored.filter(pl.col("province_adcode") == home_province).height
    k = top.filter(pl.col("province_adcode") == home_province).height
    expected = draws * home_covered / covered if covered else math.nan
    p = hypergeometric_tail(k, population=covered, successes=home_covered, draws=draws)
    if k <= expected:
        reading = (
            f"The home province holds {k} of the top {draws}, no more than the "
            f"{expected:.1f} expected from its share of covered counties: no sign of home bias."
        )
    elif p < 0.01:
        reading = (
            f"The home province holds {k} of the top {draws} against {expected:.1f} expected; "
            f"so many would happen by chance with probability {p:.2g}. This is strong evidence "
            "of a home advantage in the results (not proof of its cause)."
        )
    elif p < 0.05:
        reading = (
            f"The home province holds {k} of the top {draws} against {expected:.1f} expected "
            f"(p = {p:.2g}): some evidence of a home advantage."
        )
    else:
        reading = (
            f"The home province holds {k} of the top {draws} against {expected:.1f} expected "
            f"(p = {p:.2g}): within what chance would give; no clear sign of home bias."
        )
    return HomeBias(draws, covered, home_covered, k, expected, p, reading)


def agreement(paired: pl.DataFrame) -> dict[str, float]:
    """Return n, Spearman and Kendall rank correlations and the mean difference (b − a)."""
    a = paired.get_column("a").to_numpy()
    b = paired.get_column("b").to_numpy()
    if len(a) < 3:
        return {"n": float(len(a)), "spearman": np.nan, "kendall": np.nan, "mean_diff": np.nan}
    return {
        "n": float(len(a)),
        "spearman": spearman(a, b),
        "kendall": kendall_tau_b(a, b),
        "mean_diff": float((b - a).mean()),
    }
