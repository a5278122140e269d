"""Colours, scales and figure defaults: the one home for how charts look, and chart text."""

from __future__ import annotations

import re

import polars as pl

from components.i18n import mark, tr

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
# Okabe–Ito colours for up to five things told apart (counties compared): colour-blind safe.
CATEGORICAL = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9")
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
SYNTHETIC_MARK = mark("SYNTHETIC DEMO DATA · fictional evaluator · not a real assessment")
SYNTHETIC_RECORDS_MARK = mark("SYNTHETIC DEMO RECORDS · not real records about any government body")
MARK_NAME = "synthetic_mark"  # names the annotation, in any language


def synthetic_mark(text: str = SYNTHETIC_MARK) -> dict[str, object]:
    """Return a figure annotation saying the data is synthetic (top right, always visible).

    ``text`` is one of the marks above, shown in the interface language.
    """
    return {
        "name": MARK_NAME,
        "text": tr(text),
        "x": 1.0,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 11, "color": "#b35806"},
    }


# Plotly draws every text (hover, titles, tick labels, legend names, annotations) as
# pseudo-HTML: it runs tags such as <b>, <br> and <a href>, reads %{…} in templates as
# placeholders and, when MathJax is on the page, a $…$ text as LaTeX. It decodes numeric
# entities when drawing, so data goes in with these characters as entities.
_PLOTLY_SPECIALS = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"})
# Unicode bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def reveal_bidi(text: str) -> str:
    r"""Return ``text`` with each bidi control shown as a visible mark such as ⟨U+202E⟩.

    A right-to-left override (U+202E) in a name would reverse the name and the words
    after it, wherever the name is put into a sentence; shown as a mark it does nothing.
    Text without bidi controls (every ordinary name) comes back unchanged.

    Examples
    --------
    >>> reveal_bidi("修文县"), reveal_bidi("abc\u202edef")
    ('修文县', 'abc⟨U+202E⟩def')
    """
    return _BIDI.sub(lambda m: f"⟨U+{ord(m[0]):04X}⟩", text)


_BIDI_CHARS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;", "%{": "&#37;{"} | {
    c: f"⟨U+{ord(c):04X}⟩" for c in _BIDI_CHARS
}


def plotly_escape_expr(column: str | pl.Expr) -> pl.Expr:
    """Return a Polars expression doing :func:`plotly_escape` on a string column.

    Vectorised on purpose: a Python function inside a Polars expression
    (``map_elements``) needs the GIL on Polars' thread pool, and with concurrent
    sessions that deadlocked the server (found by ``python -m loaders soak``).

    Examples
    --------
    >>> s = pl.Series(["<b>x</b> & $y$ %{y}", "修文县", None])
    >>> pl.select(plotly_escape_expr(pl.lit(s))).to_series().to_list() == [
    ...     plotly_escape(s[0]), "修文县", None]
    True
    """
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.cast(pl.String).str.replace_many(list(_ESCAPES), list(_ESCAPES.values()))


def plotly_escape(value: object) -> str:
    """Return ``value`` as text that Plotly shows literally, for any text of a figure.

    Escapes ``& < >`` (no tag is drawn), ``$`` (never LaTeX) and the ``%`` of ``%{``
    (never a template placeholder) as entities Plotly decodes when drawing, and shows
    bidi controls as marks (:func:`reveal_bidi`). Use it on every data value that enters
    a figure: hover ``customdata`` and text, titles, tick and category labels, legends.

    Examples
    --------
    >>> plotly_escape('<b>x</b> "a" & $y$ 5% %{y}')
    '&lt;b&gt;x&lt;/b&gt; "a" &amp; &#36;y&#36; 5% &#37;{y}'
    >>> plotly_escape("修文县")
    '修文县'
    """
    text = str(value).translate(_PLOTLY_SPECIALS).replace("%{", "&#37;{")
    return reveal_bidi(text)
