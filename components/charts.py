"""Every chart leaves the app saying where it came from.

``show`` draws a Plotly figure with its title and one short source line inside it —
the edition's evaluator and year where the chart is about it, and the kind of data
(REAL, CITED or SYNTHETIC DEMO DATA) — so a PNG or SVG saved from the chart's
"Download plot" button carries them. The full citation (source, snapshot id and
manifest hash, access date) is in "Share and cite this view" and in every export.
The browser's own export is used (Plotly's ``toImage``): Plotly's static
export (kaleido 1.x) needs a Chrome binary beside the server, which a plain
``pip install -r requirements.txt`` deployment does not have.
"""

from __future__ import annotations

import numbers
import re
import threading
import unicodedata
from collections import OrderedDict
from typing import Any, Final, Literal

# NOTE: pandas is imported here, whole, before any figure is shown. Plotly looks for pandas
# in sys.modules without importing it, so a figure shown while another session's thread
# was still importing pandas met a half-initialised module ("partially initialized
# module 'pandas' has no attribute 'Series'"): 3 of 20 concurrent first sessions of a
# fresh server failed that way in the protocol load test (loaders/tools/protocol.py).
import pandas  # noqa: F401
import plotly.graph_objects as go
import streamlit as st

from components import i18n, theme
from components.frame import url
from components.i18n import labels, tr
from components.provenance import md_escape

EDITION_KEY = "_chart_edition_line"
FORMAT_KEY = "chart_image_format"
FORMATS = ("png", "svg")
MIXED: Final = "mixed"  # a chart holding real and synthetic rows (e.g. a county's history)
RECORDS: Final = "records"  # synthetic records: no evaluator, no assessment
Synthetic = bool | Literal["mixed", "records"]


def set_context(evaluator: str, year: int | None) -> None:
    """Set the edition the charts of this run are about (the shell calls this every run).

    Only its evaluator and year go inside a figure; the full citation (source, snapshot
    id, manifest hash, access date) lives in "Share and cite this view" and in every
    export, where it has room.
    """
    st.session_state[EDITION_KEY] = (evaluator, year)


# One short line inside every figure: what kind of data it is, in capitals.
KINDS = labels.CHART_KINDS
MAX_LINE = 44  # character cells: fits a 390 px phone screen at the subtitle's size
MIN_NAME = 12  # an evaluator's name shorter than this is left out, not cut to nothing


def source_line(*, edition: bool, synthetic: Synthetic, width: int = MAX_LINE) -> str:
    """Return a chart's one source line: evaluator · year (if about the edition) · kind.

    The line fits ``width`` character cells (at most :data:`MAX_LINE`): the evaluator's
    name is shortened with "…", or left out when too little room is left for it; the
    year and the kind of data always stay.

    Examples
    --------
    >>> source_line(edition=False, synthetic=True)  # outside a run: no edition
    'SYNTHETIC DEMO DATA'
    """
    kind = tr(KINDS[synthetic])
    try:
        about = st.session_state.get(EDITION_KEY) if edition else None
    except Exception:  # no Streamlit session (doctests, scripts)
        about = None
    if not about:
        return kind
    evaluator, year = about
    tail = " · ".join(p for p in (str(year) if year else "", kind) if p)
    room = min(width, MAX_LINE) - _cells(tail) - 3
    if room < MIN_NAME:
        return tail
    name = evaluator
    if _cells(name) > room:
        while name and _cells(name) > room - 1:
            name = name[:-1]
        name = name.rstrip() + "…"
    return f"{name} · {tail}"


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _cells(text: str) -> int:
    """Return the width of ``text`` in character cells (a Chinese character takes two)."""
    return sum(2 if _wide(c) else 1 for c in text)


def frame(
    fig: go.Figure,
    *,
    title: str,
    synthetic: Synthetic,
    source: str | None = None,
    large: bool = False,
    width: int = 64,
) -> go.Figure:
    """Return a copy of ``fig`` with title, source line and synthetic mark inside it.

    A title the figure already has is kept; the source (wrapped at about ``width``
    characters) and the mark go under it as the subtitle, and the top margin grows by
    their height, so nothing the figure placed above its plot area is covered. ``title``
    and ``source`` are escaped for Plotly (they may hold names from the data).
    """
    fig = go.Figure(fig)
    had_title = bool(fig.layout.title.text)
    text = fig.layout.title.text if had_title else theme.plotly_escape(title)
    # The source line says "synthetic": a separate mark in the figure would only crowd it.
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != theme.MARK_NAME]
    lines = [theme.plotly_escape(source)] if source else []
    size = 20 if large else 14
    line_height = size
    header = (0 if had_title else size + 12) + line_height * len(lines) + 6
    fig.update_layout(
        title={
            "text": text,
            "x": 0,
            "xanchor": "left",
            "y": 0.995,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": size},
            "subtitle": {
                "text": "<br>".join(lines),
                "font": {"size": size - 3, "color": "#b35806" if synthetic else "#555"},
            },
        },
        margin={"t": (fig.layout.margin.t or (30 if had_title else 10)) + header},
    )
    if fig.layout.height:
        fig.update_layout(height=fig.layout.height + header)
    if large:
        fig.update_layout(font={"size": 16})
    return fig


def image_config(config: dict[str, Any], title: str) -> dict[str, Any]:
    """Return ``config`` with the image download on, in the session's format (PNG or SVG)."""
    removed = [b for b in config.get("modeBarButtonsToRemove", []) if b != "toImage"]
    fmt = st.session_state.get(FORMAT_KEY) or "png"
    name = re.sub(r"[^\w-]+", "-", title).strip("-").lower() or "chart"
    return config | {
        "modeBarButtonsToRemove": removed,
        "toImageButtonOptions": {"format": fmt, "filename": name[:60], "scale": 2},
    }


def show(
    fig: go.Figure,
    *,
    title: str,
    synthetic: Synthetic,
    edition: bool = True,
    config: dict[str, Any] | None = None,
    where: Any = None,
    width: int = 64,
    summary: str | bool = True,
    **kwargs: Any,
) -> Any:
    """Draw ``fig`` framed (:func:`frame`) with image download on; return Streamlit's result.

    ``edition``: whether the chart shows the sidebar's edition (its evaluator and source
    are then cited); charts of records, ties or several editions cite the snapshot only.
    ``summary``: the chart's text alternative, a sentence under it for readers who
    cannot see it (screen readers); True (default) writes one from the figure's data
    (:func:`describe`), False leaves it to the page (the atlas has its own).
    """
    line = source_line(edition=edition, synthetic=synthetic, width=width)
    framed = _framed(fig, title, synthetic, line, url.presenting(), width)
    target = where if where is not None else st
    shown = target.plotly_chart(
        framed, config=image_config(config or theme.CONFIG, title), **kwargs
    )
    text = describe(fig) if summary is True else summary or ""
    if text:
        target.caption(tr("Chart summary: {text}", text=md_escape(text)))
    return shown


def _number(value: float) -> str:
    """Return a number for a sentence: whole numbers as they are, others to 4 digits."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _values(data: Any) -> list[Any]:
    return [] if data is None else list(data)


def _numbers(data: Any) -> list[float]:
    found = []
    for value in _values(data):
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and value == value:
            found.append(float(value))
    return found


def _axis(fig: go.Figure, letter: str) -> str:
    title = getattr(fig.layout, f"{letter}axis").title.text
    return re.sub(r"<[^>]*>", " ", title or "").strip()


def _describe_bars(fig: go.Figure, bars: list[Any]) -> str:
    first = bars[0]
    horizontal = first.orientation == "h"
    names, values = (first.y, first.x) if horizontal else (first.x, first.y)
    pairs = [
        (str(n), float(v))
        for n, v in zip(_values(names), _values(values), strict=False)
        if isinstance(v, numbers.Real) and not isinstance(v, bool) and v == v
    ]
    if len(bars) > 1 or not pairs:
        categories = {str(n) for b in bars for n in _values(b.y if horizontal else b.x)}
        return tr(
            "{series} series of bars over {n} categories.",
            series=len(bars),
            n=len(categories),
        )
    top = max(pairs, key=lambda p: p[1])
    low = min(pairs, key=lambda p: p[1])
    if len(pairs) == 1:
        return tr("One bar: {name} ({value}).", name=top[0], value=_number(top[1]))
    values = {
        "n": len(pairs),
        "top": top[0],
        "top_value": _number(top[1]),
        "low": low[0],
        "low_value": _number(low[1]),
    }
    measure = _axis(fig, "x" if horizontal else "y")
    if not measure:
        return tr(
            "{n} bars: the highest is {top} ({top_value}), the lowest {low} ({low_value}).",
            **values,
        )
    return tr(
        "{n} bars of {measure}: the highest is {top} ({top_value}), the lowest {low} "
        "({low_value}).",
        measure=measure,
        **values,
    )


def _dates(data: Any) -> list[str]:
    """Return the dates (ISO text, datetimes) among ``data`` as ISO text."""
    found = []
    for value in _values(data):
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if _ISO_DATE.match(text):
            found.append(text[:10])
    return found


def _describe_points(fig: go.Figure, traces: list[Any]) -> str:
    """Describe line and point charts by the ranges on their first pair of axes.

    Traces on other axes (a second panel, e.g. ranks under scores) are counted, not
    pooled into the ranges, which would mix different quantities.
    """
    n = sum(len(_values(t.y if t.y is not None else t.x)) for t in traces)
    first = [t for t in traces if (t.xaxis or "x") == "x" and (t.yaxis or "y") == "y"]
    parts = []
    xs = [v for t in first for v in _numbers(t.x)]
    dates = [] if xs else sorted(d for t in first for d in _dates(t.x))
    if xs:
        parts.append(_spread(_axis(fig, "x") or "x", xs))
    elif dates:
        label = _axis(fig, "x")
        values = {"low": dates[0], "high": dates[-1]}
        parts.append(
            tr("{label} from {low} to {high}", label=label, **values)
            if label
            else tr("from {low} to {high}", **values)
        )
    ys = [v for t in first for v in _numbers(t.y)]
    if ys:
        parts.append(_spread(_axis(fig, "y") or "y", ys))
    series = len(traces)
    if not parts:
        if series > 1:
            return tr("{n} points in {series} series.", n=n, series=series)
        return tr("{n} points.", n=n) if n != 1 else tr("One point.")
    detail = tr("; ").join(parts)
    if series > 1:
        return tr("{n} points in {series} series: {detail}.", n=n, series=series, detail=detail)
    return tr("{n} points: {detail}.", n=n, detail=detail)


def _spread(label: str, values: list[float]) -> str:
    low, high = _number(min(values)), _number(max(values))
    if not label:
        return tr("from {low} to {high}", low=low, high=high)
    return tr("{label} from {low} to {high}", label=label, low=low, high=high)


def describe(fig: go.Figure) -> str:
    """Return a sentence saying what a chart shows, from its data (its text alternative).

    Examples
    --------
    >>> fig = go.Figure(go.Bar(x=["甲", "乙", "丙"], y=[3, 9, 1]))
    >>> fig = fig.update_layout(yaxis_title="Records")
    >>> describe(fig)
    '3 bars of Records: the highest is 乙 (9), the lowest 丙 (1).'
    >>> describe(go.Figure(go.Scatter(x=[1, 2, 3], y=[10, 30, 20])))
    '3 points: x from 1 to 3; y from 10 to 30.'
    >>> describe(go.Figure())
    ''
    """
    # Only traces that carry data: guides (a line of equality, province outlines, a
    # deadline marker) are drawn without hover and say nothing about the data.
    traces = [t for t in fig.data if getattr(t, "hoverinfo", None) != "skip"]
    if not traces:
        return ""
    kinds = {t.type for t in traces}
    bars = [t for t in traces if t.type == "bar"]
    if kinds == {"bar"}:
        return _describe_bars(fig, bars)
    if kinds <= {"scatter", "scattergl"}:
        return _describe_points(fig, traces)
    if kinds <= {"box", "violin"}:
        values = [v for t in traces for v in _numbers(t.y if t.y is not None else t.x)]
        if not values:
            return ""
        # One trace may hold many groups (a box per category on its other axis).
        groups = {
            str(c) for t in traces for c in _values(t.x if t.y is not None else t.y) or [t.name]
        }
        return tr(
            "Spread of {n} values in {series} groups: {detail}.",
            n=len(values),
            series=max(len(groups), len(traces)),
            detail=_spread(_axis(fig, "y") or _axis(fig, "x"), values),
        )
    if kinds == {"histogram"}:
        values = [v for t in traces for v in _numbers(t.x if t.x is not None else t.y)]
        if not values:
            return ""
        return tr(
            "Distribution of {n} values: {detail}.",
            n=len(values),
            detail=_spread(_axis(fig, "x"), values),
        )
    if kinds <= {"choropleth", "choroplethmap", "choroplethmapbox"}:
        # Classed maps colour by class number: the builder keeps the values' range in
        # the trace's meta ({"low", "high", "n"}), which the summary prefers.
        main = [t for t in traces if getattr(t, "geo", None) in (None, "geo")]  # no inset
        ranges = [t.meta for t in main if isinstance(t.meta, dict) and "low" in t.meta]
        if ranges:
            return tr(
                "Map of {n} areas: {detail}.",
                n=sum(int(m["n"]) for m in ranges),
                detail=_spread(
                    "",
                    [float(min(m["low"] for m in ranges)), float(max(m["high"] for m in ranges))],
                ),
            )
        values = [v for t in traces for v in _numbers(t.z)]
        if not values:
            return ""
        if min(values) == max(values):  # coloured by category, not by a number
            named = [t for t in main if t.name and t.showlegend]
            if named:
                return tr(
                    "Map of {n} areas: {detail}.",
                    n=len(values),
                    detail="; ".join(str(t.name) for t in named),
                )
            return tr("Map of {n} areas.", n=len(values))
        return tr(
            "Map of {n} areas: {detail}.",
            n=len(values),
            detail=_spread("", values),
        )
    return ""


_ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?")
_FRAMED: OrderedDict[tuple[Any, ...], tuple[go.Figure, go.Figure]] = OrderedDict()
_FRAMED_MAX = 32
_FRAMED_LOCK = threading.Lock()


def _framed(
    fig: go.Figure, title: str, synthetic: Synthetic, source: str, large: bool, width: int
) -> go.Figure:
    """Return :func:`frame` of ``fig``, reusing the last result for the same figure object.

    Cached figures (the atlas map) come back as the same object on every rerun; copying
    one costs ~30 ms, so its framed copy is kept too (keyed by identity, checked by
    ``is``).
    """
    key = (id(fig), title, synthetic, source, large, width, i18n.lang())
    with _FRAMED_LOCK:
        hit = _FRAMED.get(key)
        if hit is not None and hit[0] is fig:
            _FRAMED.move_to_end(key)
            return hit[1]
    framed = frame(
        fig,
        title=title,
        synthetic=synthetic,
        source=source,
        large=large,
        width=width,
    )
    with _FRAMED_LOCK:
        _FRAMED[key] = (fig, framed)
        while len(_FRAMED) > _FRAMED_MAX:
            _FRAMED.popitem(last=False)
    return framed


def render_format_choice() -> None:
    """Offer the format of the charts' image download (in the share panel)."""
    st.segmented_control(
        tr("Chart images download as"),
        FORMATS,
        default="png",
        key=FORMAT_KEY,
        format_func=str.upper,
        help=tr(
            "Use the camera button at the top right of a chart. SVG stays sharp at any "
            "size; PNG pastes anywhere."
        ),
        persist_state="session",
    )
