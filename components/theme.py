"""Colours, scales and figure defaults: the one home for how charts look."""

from __future__ import annotations

# ColorBrewer YlGnBu: sequential and colour-blind safe; darker = higher score.
SEQUENTIAL = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)
NOT_ASSESSED = "#d9d9d9"
PUBLISHED = "#e6550d"  # counties named in a published list without a score
OUTLINE = "#4d4d4d"
COUNTY_LINE = "#ffffff"
FONT = "Noto Sans CJK SC, Noto Sans, sans-serif"


def sequential_scale() -> list[list[float | str]]:
    """Return the continuous colourscale as Plotly ``[[position, colour], …]`` pairs."""
    n = len(SEQUENTIAL) - 1
    return [[i / n, colour] for i, colour in enumerate(SEQUENTIAL)]


def classed_colours(k: int) -> list[str]:
    """Return ``k`` colours spread evenly over the sequential palette (lightest first).

    Examples
    --------
    >>> classed_colours(3)
    ['#ffffd9', '#41b6c4', '#081d58']
    """
    if k == 1:
        return [SEQUENTIAL[-1]]
    step = (len(SEQUENTIAL) - 1) / (k - 1)
    return [SEQUENTIAL[round(i * step)] for i in range(k)]


def discrete_scale(k: int) -> list[list[float | str]]:
    """Return a stepped colourscale for integer classes ``0 … k-1`` (hard colour edges)."""
    colours = classed_colours(k)
    scale: list[list[float | str]] = []
    for i, colour in enumerate(colours):
        scale += [[i / k, colour], [(i + 1) / k, colour]]
    return scale


# Charts without a "synthetic" mark inside the figure offer no image download: a saved
# PNG must never carry demo numbers unmarked (DESIGN.md §4). The atlas map keeps its
# download because the map itself carries the mark (``synthetic_mark``).
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage", "select2d", "lasso2d"]}
SYNTHETIC_MARK = "SYNTHETIC DEMO DATA · fictional evaluator · not a real assessment"


def synthetic_mark() -> dict[str, object]:
    """Return a figure annotation saying the data is synthetic (top right, always visible)."""
    return {
        "text": SYNTHETIC_MARK,
        "x": 1.0,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 11, "color": "#b35806"},
    }
