"""Map classes: how a view's scores become colours (continuous, quantile, equal, Jenks, grade)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from components import theme
from components.i18n import tr

QUANTILES = 5


@dataclass(frozen=True)
class Classing:
    """How scores map to colours: the values to colour and the legend that explains them."""

    z: pl.Series
    colorscale: list[list[float | str]]
    cmin: float
    cmax: float
    tickvals: list[float] | None
    ticktext: list[str] | None
    title: str


def classify(
    scores: pl.Series,
    *,
    classes: str,
    label: str,
    grades: pl.Series | None = None,
    grade_scale: pl.DataFrame | None = None,
) -> Classing:
    """Map scores to colour values: ``continuous``, ``quantile``, ``equal``, ``jenks`` or ``grade``.

    Quantile classing breaks at the quintiles (tied breaks merge, so no class is
    empty); equal classing uses five equal-width intervals; jenks classing uses the
    Fisher–Jenks natural breaks (:func:`jenks_breaks`; a score equal to a break
    belongs to the class below it); grade classing colours
    each county by its ``grades`` label on the edition's bands (lowest first). With
    too few distinct values, or grade classing without grades, it falls back to
    continuous. ``label`` is escaped for Plotly's pseudo-HTML.

    Examples
    --------
    >>> s = pl.Series([10.0, 20.0, 30.0, 40.0, 50.0])
    >>> classify(s, classes="quantile", label="x").z.to_list()
    [0, 1, 2, 3, 4]
    >>> classify(pl.Series([60.0] * 6 + [70.0, 90.0]), classes="quantile", label="x").ticktext
    ['60.0–66.0', '66.0–90.0']
    >>> scale = pl.DataFrame({"grade": ["A", "B"], "min_score": [30.0, 0.0]})
    >>> g = pl.Series(["B", "B", "A", "A", "A"])
    >>> classify(s, classes="grade", grades=g, grade_scale=scale, label="x").z.to_list()
    [0, 0, 1, 1, 1]
    """
    label = theme.plotly_escape(label)
    valid = scores.drop_nulls()
    if classes in ("quantile", "equal", "jenks") and valid.n_unique() >= 2:
        low, high = float(valid.min()), float(valid.max())  # type: ignore[arg-type]
        if classes == "jenks":
            # Breaks are the top score of each class but the last (mapclassify's bins).
            breaks = jenks_breaks(valid.to_numpy(), k=QUANTILES)
            z = pl.Series([None if v is None else sum(v > b for b in breaks) for v in scores])
            title = tr("natural breaks")
        else:
            if classes == "quantile":
                cuts = [valid.quantile(i / QUANTILES, "linear") for i in range(1, QUANTILES)]
                title = tr("quintiles")
            else:
                cuts = [low + (high - low) * i / QUANTILES for i in range(1, QUANTILES)]
                title = tr("equal intervals")
            breaks = sorted({round(float(c), 6) for c in cuts if c is not None and low < c <= high})
            z = pl.Series([None if v is None else sum(v >= b for b in breaks) for v in scores])
        edges = [low, *breaks, high]
        k = len(edges) - 1
        text = [f"{edges[i]:.1f}–{edges[i + 1]:.1f}" for i in range(k)]
        ticks = [float(i) for i in range(k)]
        scale = theme.discrete_scale(k)
        title = tr("{label} ({classing})", label=_wrap(label), classing=title)
        return Classing(z, scale, -0.5, k - 0.5, ticks, text, title)
    if classes == "grade" and grades is not None and grade_scale is not None:
        order = grade_scale.sort("min_score").get_column("grade").to_list()
        index = {grade: i for i, grade in enumerate(order)}
        z = pl.Series([index.get(g) for g in grades], dtype=pl.Int64)
        k = len(order)
        ticks = [float(i) for i in range(k)]
        text = [theme.plotly_escape(g) for g in order]
        title = tr("Grade of the total (illustrative scale)")
        return Classing(z, theme.discrete_scale(k), -0.5, k - 0.5, ticks, text, title)
    return Classing(scores, theme.sequential_scale(), *_range(scores), None, None, _wrap(label))


def jenks_breaks(values: Sequence[float] | np.ndarray, *, k: int) -> list[float]:
    """Return the Fisher–Jenks natural breaks of ``values`` into ``k`` classes.

    The classes are runs of the sorted distinct values (tied values never split) that
    minimise the total within-class sum of squared deviations: Fisher's exact dynamic
    programme, vectorised in NumPy. The cost of a class is O(1) from cumulative sums;
    each pass finds the best start of the last class for a block of class ends at once,
    and starts no earlier than the previous block's best start, since the leftmost
    optimal start never moves left as the end moves right (the cost is a Monge array).
    ~2,800 scores into 5 classes take a few hundredths of a second, so the app does not
    need mapclassify (and its SciPy, scikit-learn, networkx and pandas).

    Parameters
    ----------
    values
        Scores; NaN is ignored.
    k
        Number of classes.

    Returns
    -------
    The ``k - 1`` breaks, ascending: the largest value of every class but the last
    (as mapclassify's ``FisherJenks(values, k).bins[:-1]``; NOTE: mapclassify sums in
    float32 and now and then returns a slightly worse partition). With ``k`` or fewer
    distinct values, every distinct value but the largest.

    Examples
    --------
    >>> jenks_breaks([1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0], k=3)
    [3.0, 12.0]
    >>> jenks_breaks([5.0, 5.0, 7.0], k=5)
    [5.0]
    """
    x = np.asarray(values, dtype=float)
    distinct, counts = np.unique(x[~np.isnan(x)], return_counts=True)
    m = distinct.size
    if m <= k:
        return [float(v) for v in distinct[:-1]]
    weight = counts.astype(float)
    # Centred, so the sums of squares lose no precision to cancellation.
    centred = distinct - np.average(distinct, weights=weight)
    n_sum = np.concatenate(([0.0], np.cumsum(weight)))
    x_sum = np.concatenate(([0.0], np.cumsum(weight * centred)))
    xx_sum = np.concatenate(([0.0], np.cumsum(weight * centred**2)))
    # best[j]: least cost of distinct[0..j] in c + 1 classes; starts[c, j]: where the
    # last of those classes starts. A class start..end costs
    # xx[end+1] - xx[start] - (x[end+1] - x[start])² / (n[end+1] - n[start]).
    best = xx_sum[1:] - x_sum[1:] ** 2 / n_sum[1:]
    starts = np.zeros((k, m), dtype=np.int64)
    for c in range(1, k):
        following = k - 1 - c  # classes still to come after this one
        ends = np.array([m - 1]) if following == 0 else np.arange(c, m - following)
        before = np.full(m, np.inf)  # cost of everything before a class starting here
        before[1:] = best[:-1] - xx_sum[1:m]
        current = np.full(m, np.inf)
        low = c
        for first in range(0, ends.size, _JENKS_BLOCK):
            end = ends[first : first + _JENKS_BLOCK]
            start = np.arange(low, end[-1] + 1)
            # In place, on (start × end) arrays: -n, -s, then s² / -n plus the rest.
            n = np.subtract.outer(n_sum[start], n_sum[end + 1])
            cost = np.subtract.outer(x_sum[start], x_sum[end + 1])
            np.multiply(cost, cost, out=cost)
            np.divide(cost, np.minimum(n, -0.5, out=n), out=cost)
            cost += before[start][:, None]
            cost += xx_sum[end + 1]
            # A class cannot start after it ends: only in the last rows, a triangle.
            corner = cost[start.size - end.size :]
            corner[np.tri(end.size, k=-1, dtype=bool)] = np.inf
            pick = np.argmin(cost, axis=0)
            current[end] = cost[pick, np.arange(end.size)]
            starts[c, end] = pick + low
            low = int(starts[c, end[-1]])
        best = current
    breaks, last = [], m - 1
    for c in range(k - 1, 0, -1):
        last = int(starts[c, last]) - 1
        breaks.append(float(distinct[last]))
    return breaks[::-1]


# Class ends per pass: 64 keeps the work arrays (64 × up to ~2,800 floats) in cache;
# measured fastest of 32–256 for 2,800 scores.
_JENKS_BLOCK = 64


def _wrap(label: str) -> str:
    # Put a Chinese name on its own line so the legend title stays narrow.
    head, _, tail = label.rpartition(" ")
    return f"{head}<br>{tail}" if head and not tail.isascii() else label


def _range(scores: pl.Series) -> tuple[float, float]:
    valid = scores.drop_nulls()
    if valid.is_empty():
        return 0.0, 100.0
    return float(valid.min()), float(valid.max())  # type: ignore[arg-type]
