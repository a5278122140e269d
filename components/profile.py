"""County profile: history and breakdown figures, display tables, and the county search box."""

from __future__ import annotations

import re
import string
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from plotly.subplots import make_subplots

from components import charts, i18n, theme
from components.frame import sidebar
from components.i18n import county_name, is_zh, labels, mark, pick, speaks, tr, translated
from components.provenance import enum_expr, enum_label, md_escape, safe_links
from loaders.derive.counties import match_counties, normalise_query

SYNTHETIC = mark(" (synthetic)")
# Series colours: dark-to-mid steps of the sequential palette (readable on white);
# real published results use the palette's accent for published entries.
SERIES_COLOURS = (
    theme.SEQUENTIAL[8],
    theme.SEQUENTIAL[5],
    theme.SEQUENTIAL[6],
    theme.SEQUENTIAL[4],
)
BREAKDOWN_COLOURS = (theme.SEQUENTIAL[7], theme.SEQUENTIAL[4], "#969696")


def history_columns() -> dict[str, Any]:
    """Return ``st.dataframe`` column settings for :func:`history_table`."""
    return {
        "data": st.column_config.TextColumn(tr("Data")),
        "data_year": st.column_config.NumberColumn(tr("Year"), format="%d"),
        "evaluator": st.column_config.TextColumn(tr("Evaluator")),
        "mode": st.column_config.TextColumn(tr("Mode")),
        "status": st.column_config.TextColumn(tr("Status")),
        "total": st.column_config.NumberColumn(tr("Total"), format="%.2f"),
        "score_max": st.column_config.NumberColumn(
            tr("Out of"), format="%g", help=tr("The edition's scale, where it is published.")
        ),
        "national": st.column_config.TextColumn(tr("National rank")),
        "provincial": st.column_config.TextColumn(tr("Provincial rank")),
        "prefectural": st.column_config.TextColumn(tr("Prefectural rank")),
        "grade": st.column_config.TextColumn(tr("Grade (illustrative)")),
        "published": st.column_config.TextColumn(tr("Published result")),
        "source_title": st.column_config.TextColumn(tr("Source")),
        "source_reliability": st.column_config.TextColumn(tr("Reliability")),
        "source_url": st.column_config.LinkColumn(tr("Source link")),
        "reason": st.column_config.TextColumn(tr("Why not assessed"), width="medium"),
        "edition_id": st.column_config.TextColumn(tr("Edition")),
        "is_synthetic": None,  # spelled out in "Data"; kept in the frame for exports and tests
        "published_band": None,
    }


def evaluator_columns() -> dict[str, Any]:
    """Return ``st.dataframe`` column settings for :func:`evaluator_summary`.

    In Chinese the evaluator's Chinese name is its name, and the English one is hidden.
    """
    if is_zh():
        names = {
            "evaluator_en": None,
            "evaluator_zh": st.column_config.TextColumn(tr("Evaluator")),
        }
    else:
        names = {
            "evaluator_en": st.column_config.TextColumn(tr("Evaluator")),
            "evaluator_zh": st.column_config.TextColumn(tr("Name (zh)")),
        }
    return {
        "data": st.column_config.TextColumn(tr("Data")),
        **names,
        "mode": st.column_config.TextColumn(tr("Mode")),
        "years": st.column_config.TextColumn(tr("Data years")),
        "editions": st.column_config.NumberColumn(tr("Editions"), format="%d"),
    }


# Beyond md_escape: the marks that start a list at the head of a line ("1." "-" "+").
_LIST_MARKS = re.compile(r"([+\-.])")


def plain(text: object) -> str:
    r"""Return ``text`` with Markdown and HTML specials escaped, for st.* calls that render it.

    :func:`components.provenance.md_escape`, plus the marks that would start a list.

    Examples
    --------
    >>> plain("[x](javascript:alert(1)) <b>")
    '\\[x\\]\\(javascript:\u2060alert\\(1\\)\\) \\<b\\>'
    >>> plain("1. a-b")
    '1\\. a\\-b'
    """
    return _LIST_MARKS.sub(r"\\\1", md_escape(str(text)))


def of(rank: int | None, n: int | None) -> str:
    """Return a rank in its cohort as text ("209 of 2,739"), or an em dash without a rank.

    Examples
    --------
    >>> of(209, 2739), of(None, None)
    ('209 of 2,739', '—')
    """
    if rank is None or n is None:
        return "—"
    return tr("{rank} of {n}", rank=f"{rank:,}", n=f"{n:,}")


def template_expr(template: str, **parts: pl.Expr) -> pl.Expr:
    """Return a string expression filling ``template``'s ``{name}`` placeholders with ``parts``.

    Like ``pl.format`` with named placeholders, so a translated template (from ``tr``
    without values) may put them in another order. Null where a part is null.

    Examples
    --------
    >>> f = pl.DataFrame({"r": [3, None], "n": [10, 10]})
    >>> f.select(template_expr("{r} of {n}", r=pl.col("r"), n=pl.col("n"))).to_series().to_list()
    ['3 of 10', None]
    """
    pieces: list[pl.Expr] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            pieces.append(pl.lit(literal))
        if name:
            pieces.append(parts[name].cast(pl.String))
    return pl.concat_str(pieces) if pieces else pl.lit("")


def _thousands(column: str) -> pl.Expr:
    # Counts and ranks of counties stay below a million: one separator is enough.
    value = pl.col(column).cast(pl.Int64)
    grouped = pl.format("{},{}", value // 1000, (value % 1000).cast(pl.String).str.zfill(3))
    return pl.when(value >= 1000).then(grouped).otherwise(value.cast(pl.String))


def _of(rank: str, n: str) -> pl.Expr:
    text = template_expr(tr("{rank} of {n}"), rank=_thousands(rank), n=_thousands(n))
    return pl.when(pl.col(rank).is_not_null()).then(text).otherwise(pl.lit("—"))


def _band() -> pl.Expr:
    return pl.col("published_band").cast(pl.String)  # an all-null column may be typed Null


def band_text() -> pl.Expr:
    """Return a published band ("top100", "member", …) spelled out in the interface language.

    Examples
    --------
    >>> f = pl.DataFrame({"published_band": ["top100", "member", None]})
    >>> f.select(band_text()).to_series().to_list()
    ['Top 100', 'Listed', None]
    """
    band = _band()
    named = translated(labels.PROFILE_BANDS)
    return (
        pl.when(band.str.contains(r"^top\d+$"))
        .then(template_expr(tr("Top {n}"), n=band.str.strip_prefix("top")))
        .when(band.str.contains(r"^bottom\d+$"))
        .then(template_expr(tr("Bottom {n}"), n=band.str.strip_prefix("bottom")))
        .otherwise(band.replace(named))
    )


def published_expr(columns: Sequence[str] = ()) -> pl.Expr:
    """Return an expression describing a published result from its rank, list position and band.

    With ``n_subjects`` among ``columns`` (the frame's), a rank says the size of its list.

    Examples
    --------
    >>> f = pl.DataFrame({"published_rank": [None, 12, None, None],
    ...     "published_list_pos": [None, None, 3, None],
    ...     "published_band": ["top100", "top100", None, None]},
    ...     schema={"published_rank": pl.Int32, "published_list_pos": pl.Int32,
    ...     "published_band": pl.String})
    >>> f.select(published_expr()).to_series().to_list()  # doctest: +NORMALIZE_WHITESPACE
    ['Top 100 (published, no rank given)', 'Rank 12 (published, Top 100)',
     'No. 3 in the published list (no rank given)', None]
    """
    rank, pos, band = pl.col("published_rank"), pl.col("published_list_pos"), band_text()
    size = pl.col("n_subjects") if "n_subjects" in columns else pl.lit(None, pl.Int64)
    in_band = pl.when(band.is_not_null()).then(pl.lit(tr(", ")) + band).otherwise(pl.lit(""))
    ranked = template_expr(tr("Rank {rank} (published{band})"), rank=rank, band=in_band)
    ranked_of = template_expr(
        tr("Rank {rank} of {n} (published{band})"), rank=rank, n=size, band=in_band
    )
    return (
        pl.when(rank.is_not_null() & size.is_not_null())
        .then(ranked_of)
        .when(rank.is_not_null())
        .then(ranked)
        .when(pos.is_not_null())
        .then(
            template_expr(
                tr("No. {position} in the published list (no rank given{band})"),
                position=pos,
                band=in_band,
            )
        )
        .when(band.is_not_null())
        .then(template_expr(tr("{band} (published, no rank given)"), band=band))
        .alias("published")
    )


def _data_label() -> pl.Expr:
    return (
        pl.when(pl.col("is_synthetic"))
        .then(pl.lit(tr("synthetic (demo)")))
        .otherwise(pl.lit(tr("real (cited)")))
        .alias("data")
    )


def _mode() -> pl.Expr:
    return enum_expr("mode", labels.MODES)


def mode_label(mode: str) -> str:
    """Return an edition's mode in words, in the interface language.

    Examples
    --------
    >>> mode_label("upper_level_audit"), mode_label("peer_review")
    ('upper-level audit', 'peer review')
    """
    return enum_label(mode, labels.MODES)


def _evaluator(frame: pl.DataFrame) -> pl.Expr:
    # The evaluator's name in the interface language (Chinese where the frame has it).
    if is_zh() and "evaluator_zh" in frame.columns:
        return pl.coalesce("evaluator_zh", "evaluator_en")
    return pl.col("evaluator_en")


def history_table(history: pl.DataFrame) -> pl.DataFrame:
    """Return the county's history as a display table, one row per edition.

    Every row says in ``data`` whether it is synthetic demo data or a real, cited
    result; ranks read "209 of 2,739"; published results are spelled out. The
    ``reason`` column is left out when no row has one.

    Examples
    --------
    >>> h = pl.DataFrame({"edition_id": ["d"], "data_year": [2021], "evaluator_en": ["Demo X"],
    ...     "mode": ["third_party"], "is_synthetic": [True], "status": ["assessed"],
    ...     "reason": [None], "total": [76.4], "rank_national": [209], "n_national": [2739],
    ...     "rank_province": [7], "n_province": [88], "rank_prefecture": [1],
    ...     "n_prefecture": [10], "grade": ["BBB"], "published_rank": [None],
    ...     "published_list_pos": [None], "published_band": [None], "source_title": ["gen"],
    ...     "source_url": [None], "source_reliability": ["synthetic"]})
    >>> history_table(h).select("data", "evaluator", "national").row(0)
    ('synthetic (demo)', 'Demo X (synthetic)', '209 of 2,739')
    """
    # A "why not assessed" column that is empty everywhere only pushes ranks off screen.
    reason = (
        [] if history.get_column("reason").is_null().all() else [pl.col("reason").fill_null("")]
    )
    evaluator = _evaluator(history) + pl.when(pl.col("is_synthetic")).then(
        pl.lit(tr(SYNTHETIC))
    ).otherwise(pl.lit(""))
    reliability = pl.col("source_reliability")
    table = history.select(
        _data_label(),
        "data_year",
        evaluator.alias("evaluator"),
        pl.col("status").replace(translated(labels.COUNTY_STATUSES)),
        *reason,
        published_expr(history.columns).fill_null("—"),
        "total",
        *(["score_max"] if "score_max" in history.columns else []),
        _of("rank_national", "n_national").alias("national"),
        _of("rank_province", "n_province").alias("provincial"),
        _of("rank_prefecture", "n_prefecture").alias("prefectural"),
        "grade",
        _mode().alias("mode"),
        "source_title",
        enum_expr("source_reliability", labels.RELIABILITIES, english=reliability),
        "source_url",
        "edition_id",
        "is_synthetic",
        "published_band",
    )
    return safe_links(table, "source_url")  # shown as a link column: http(s) only


def series_name(evaluator: str, mode: str, is_synthetic: bool) -> str:
    """Return the legend name of an evaluator's series; synthetic ones say so.

    Examples
    --------
    >>> series_name("Demo Audit", "upper_level_audit", True)
    'Demo Audit · upper-level audit (synthetic)'
    """
    name = evaluator if mode == "third_party" else f"{evaluator} · {mode_label(mode)}"
    return name + (tr(SYNTHETIC) if is_synthetic else "")


@speaks
def history_chart(history: pl.DataFrame, *, lang: str) -> go.Figure:
    """Return a county's results by data year: scores, each list's ranks, real results apart.

    The top panel holds the total score of every series (one evaluator in one mode).
    Each series that ranks the county gets a rank panel of its own: a rank belongs to its
    list and is never drawn on an axis with the ranks of another list. Real published
    results (ranks with their list size, list positions, memberships) go in a last
    panel as labelled points on a category axis, never as numbers on a rank axis: a
    membership is not a rank.

    Examples
    --------
    >>> h = pl.DataFrame({"data_year": [2020, 2021], "evaluator_id": ["d", "d"],
    ...     "evaluator_en": ["Demo X", "Demo X"], "mode": ["third_party"] * 2,
    ...     "is_synthetic": [True, True], "total": [70.0, 75.0], "rank_national": [300, 200],
    ...     "n_national": [2700, 2700], "grade": [None, None], "published_rank": [None, None],
    ...     "published_list_pos": [None, None], "published_band": [None, None],
    ...     "n_subjects": [None, None]})
    >>> [t.name for t in history_chart(h, lang="en").data]
    ['Demo X (synthetic)', 'Demo X (synthetic)']
    """
    # Totals of ranked editions only: a real edition's few published scores (on its own
    # scale: Lianyungang's 150 points) are results of its own list, drawn with them.
    scored = history.filter(
        pl.col("total").is_not_null() & pl.col("rank_national").is_not_null()
    ).sort("data_year")
    series = list(scored.group_by("evaluator_id", "mode", maintain_order=True))
    published = _published_points(history)
    titles = [tr("Total score")]
    for (_, mode), rows in series:
        evaluator = rows.select(_evaluator(rows)).item(0, 0)
        name = series_name(evaluator, str(mode), bool(rows.item(0, "is_synthetic")))
        titles.append(tr("Rank in the list of {series} (1 = best)", series=name))
    if not published.is_empty():
        titles.append(tr("Real published results (each with its own list)"))
    fig = make_subplots(
        rows=len(titles),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.14, 0.5 / len(titles)),  # room for two-line titles
        # Long list names wrap instead of running out of a half-width column.
        # Wrapped at spaces of the raw text, then escaped: a break never splits a word
        # or an escaped character.
        subplot_titles=[
            "<br>".join(
                theme.plotly_escape(line)
                for line in textwrap.wrap(t, 52, break_long_words=False, break_on_hyphens=False)
            )
            for t in titles
        ],
    )
    fig.update_annotations(font_size=12)
    for i, ((_, mode), rows) in enumerate(series):
        _add_series(fig, rows, str(mode), i)
    if not published.is_empty():
        _add_published(fig, published, row=len(titles))
    for row in range(2, 2 + len(series)):
        fig.update_yaxes(autorange="reversed", rangemode="tozero", row=row, col=1)
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_layout(
        height=240 + 180 * (len(titles) - 1),
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        legend={"orientation": "h", "yanchor": "top", "y": -0.06, "x": 0},
        font={"family": theme.FONT},
        hovermode="closest",
    )
    return fig


def _add_series(fig: go.Figure, rows: pl.DataFrame, mode: str, i: int) -> None:
    """Add one series: its total scores (top panel) and its ranks (its own panel)."""
    synthetic = bool(rows.item(0, "is_synthetic"))
    evaluator = rows.select(_evaluator(rows)).item(0, 0)
    name = theme.plotly_escape(series_name(evaluator, mode, synthetic))
    colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
    line = {"color": colour, "width": 2, "dash": "dot" if synthetic else "solid"}
    ranks = [of(r, n) for r, n in rows.select("rank_national", "n_national").iter_rows()]
    grades = [theme.plotly_escape(g or "—") for g in rows.get_column("grade").to_list()]
    common = {
        "x": rows.get_column("data_year").to_list(),
        "name": name,
        "legendgroup": name,
        "line": line,
        "mode": "lines+markers",
    }
    fig.add_trace(
        go.Scatter(
            y=rows.get_column("total").to_list(),
            customdata=list(zip(ranks, grades, strict=True)),
            hovertemplate=tr(
                "%{x}: total %{y:.2f}<br>national rank %{customdata[0]}"
                "<br>grade %{customdata[1]} (illustrative)"
            )
            + f"<extra>{name}</extra>",
            **common,
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            y=rows.get_column("rank_national").to_list(),
            customdata=ranks,
            hovertemplate=tr("%{x}: national rank %{customdata}") + f"<extra>{name}</extra>",
            showlegend=False,
            **common,
        ),
        row=2 + i,
        col=1,
    )


def result_expr(columns: Sequence[str]) -> pl.Expr:
    """Return a real published result in words, with its score and scale where published.

    Examples
    --------
    >>> f = pl.DataFrame({"published_rank": [3, None], "published_list_pos": [None, None],
    ...     "published_band": [None, None], "n_subjects": [4, None], "total": [146.56, 97.0],
    ...     "score_max": [150.0, None]})
    >>> f.select(result_expr(f.columns)).to_series().to_list()
    ['Rank 3 of 4 (published); score 146.56 of 150', 'score 97 (scale not published)']
    """
    label = published_expr(columns)
    if "total" not in columns:
        return label.alias("published")
    scale = pl.col("score_max") if "score_max" in columns else pl.lit(None, pl.Float64)
    score = (
        pl.when(scale.is_not_null())
        .then(template_expr(tr("score {score} of {max}"), score=_number(pl.col("total")),
                            max=_number(scale)))
        .otherwise(template_expr(tr("score {score} (scale not published)"),
                                 score=_number(pl.col("total"))))
    )  # fmt: skip
    return (
        pl.when(pl.col("total").is_null())
        .then(label)
        .when(label.is_null())
        .then(score)
        .otherwise(label + pl.lit("; ") + score)
        .alias("published")
    )


def _number(value: pl.Expr) -> pl.Expr:
    """Return a number as text: whole numbers without decimals, others to 2 places."""
    return (
        pl.when(value == value.floor())
        .then(value.cast(pl.Int64).cast(pl.String))
        .otherwise(value.round(2).cast(pl.String))
    )


def _published_points(history: pl.DataFrame) -> pl.DataFrame:
    """Return the real published results to draw: one point each, with its label."""
    real = history.filter(
        ~pl.col("is_synthetic"),
        pl.any_horizontal(
            pl.col("published_rank", "published_list_pos", "published_band", "total").is_not_null()
        ),
    )
    return real.with_columns(
        label=result_expr(real.columns),
        marker_text=pl.coalesce(
            pl.when(pl.col("published_rank").is_not_null()).then(
                template_expr(tr("No. {rank}"), rank=pl.col("published_rank"))
            ),
            band_text(),
            _number(pl.col("total")),
            pl.when(pl.col("published_list_pos").is_not_null()).then(pl.lit(tr("listed"))),
        ),
        evaluator=_evaluator(real),
    ).sort("data_year")


def _add_published(fig: go.Figure, published: pl.DataFrame, *, row: int) -> None:
    """Add the real published results as labelled points, one category per evaluator."""
    for (evaluator,), rows in published.group_by("evaluator", maintain_order=True):
        name = theme.plotly_escape(tr("{evaluator} (real, published)", evaluator=evaluator))
        fig.add_trace(
            go.Scatter(
                x=rows.get_column("data_year").to_list(),
                y=[name] * rows.height,
                customdata=[theme.plotly_escape(t) for t in rows.get_column("label").to_list()],
                mode="markers+text",
                text=[theme.plotly_escape(t or "") for t in rows.get_column("marker_text")],
                textposition="top center",
                textfont={"color": theme.PUBLISHED},
                marker={"color": theme.PUBLISHED, "size": 11, "symbol": "diamond"},
                name=name,
                hovertemplate="%{x}: %{customdata}<extra>" + name + "</extra>",
            ),
            row=row,
            col=1,
        )
    fig.update_yaxes(type="category", showticklabels=False, row=row, col=1)


def _score_max(breakdown: pl.DataFrame) -> float:
    # Scores on the usual 0–100 scale keep a fixed axis, so editions compare at a glance.
    top = breakdown.select(
        pl.max_horizontal(pl.col("county", "province_mean", "national_mean").max())
    )
    value = top.item() or 0.0
    return 100.0 if value <= 100 else float(value) * 1.05


@speaks
def breakdown_chart(breakdown: pl.DataFrame, *, county: str, province: str, lang: str) -> go.Figure:
    """Return grouped horizontal bars: the county, its province and China, per first-level metric.

    Parameters
    ----------
    breakdown
        :func:`loaders.profile.breakdown` output.
    county, province
        Names for the legend (escaped here).

    Examples
    --------
    >>> b = pl.DataFrame({"name_en": ["Transparency"], "name_zh": ["透明度"], "county": [80.0],
    ...     "province_mean": [60.0], "national_mean": [62.0], "n_province": [88],
    ...     "n_national": [2739], "is_synthetic": [True]})
    >>> fig = breakdown_chart(b, county="修文县", province="贵州省", lang="en")
    >>> [t.name for t in fig.data], list(fig.data[0].x)
    (['修文县 (synthetic)', '贵州省 average (synthetic)', 'China average (synthetic)'], [80.0])
    """
    suffix = tr(SYNTHETIC) if bool(breakdown.get_column("is_synthetic").any()) else ""
    both = pl.format("{} {}", "name_en", "name_zh")
    labels = breakdown.select(pl.col("name_zh") if is_zh() else both).to_series().to_list()
    labels = [theme.plotly_escape(label) for label in labels]
    columns = (
        ("county", county, None),
        ("province_mean", tr("{province} average", province=province), "n_province"),
        ("national_mean", tr("China average"), "n_national"),
    )
    fig = go.Figure()
    for (column, name, count), colour in zip(columns, BREAKDOWN_COLOURS, strict=True):
        label = theme.plotly_escape(name + suffix)
        counts = breakdown.get_column(count).to_list() if count else [None] * breakdown.height
        note = [tr("mean of {n} counties", n=f"{n:,}") if n else "" for n in counts]
        fig.add_trace(
            go.Bar(
                x=breakdown.get_column(column).to_list(),
                y=labels,
                orientation="h",
                name=label,
                marker_color=colour,
                customdata=note,
                hovertemplate="%{y}: %{x:.2f} %{customdata}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        height=90 + 75 * breakdown.height,
        # Room above the plot for the legend (up to three rows in a narrow column).
        margin={"l": 0, "r": 0, "t": 64, "b": 0},
        xaxis={"title": tr("score"), "range": [0, _score_max(breakdown)]},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "traceorder": "normal"},
        font={"family": theme.FONT},
    )
    return fig


def evaluator_summary(history: pl.DataFrame) -> pl.DataFrame:
    """Return the evaluators that assessed the county or published a result about it.

    Examples
    --------
    >>> h = pl.DataFrame({"evaluator_en": ["Demo X", "Demo X", "Real Y"],
    ...     "evaluator_zh": ["甲", "甲", "乙"], "mode": ["third_party"] * 3,
    ...     "is_synthetic": [True, True, False], "data_year": [2020, 2021, 2021],
    ...     "status": ["assessed", "assessed", "published"]})
    >>> evaluator_summary(h).select("data", "evaluator_en", "years").rows()
    [('real (cited)', 'Real Y', '2021'), ('synthetic (demo)', 'Demo X', '2020, 2021')]
    """
    return (
        history.filter(pl.col("status").is_in(["assessed", "published"]))
        .group_by("evaluator_en", "evaluator_zh", "mode", "is_synthetic")
        .agg(
            years=pl.col("data_year").unique().sort().cast(pl.String).str.join(", "),
            editions=pl.len(),
        )
        .sort("is_synthetic", "evaluator_en", "mode")
        .select(
            _data_label(),
            "evaluator_en",
            "evaluator_zh",
            _mode().alias("mode"),
            "years",
            "editions",
        )
    )


def real_results(history: pl.DataFrame) -> pl.DataFrame:
    """Return the real (non-synthetic) rows with a published result, spelled out.

    Examples
    --------
    >>> h = pl.DataFrame({"is_synthetic": [False, True], "data_year": [2021, 2021],
    ...     "evaluator_en": ["Real", "Demo"], "title_en": ["t", "d"],
    ...     "published_rank": [None, None], "published_list_pos": [None, None],
    ...     "published_band": ["top100", None], "source_title": ["s", "g"],
    ...     "source_url": ["https://x", None], "source_reliability": ["media", "synthetic"]},
    ...     schema_overrides={"published_rank": pl.Int32, "published_list_pos": pl.Int32})
    >>> real_results(h).select("evaluator_en", "published").rows()
    [('Real', 'Top 100 (published, no rank given)')]
    """
    return (
        history.filter(~pl.col("is_synthetic"))
        .with_columns(result_expr(history.columns))
        .filter(pl.col("published").is_not_null())
        .select(
            "data_year",
            "evaluator_en",
            pl.col("^evaluator_zh$"),  # where the frame has it (every loader's does)
            pl.col("^source_id$"),
            "title_en",
            pl.col("^title_zh$"),
            "published",
            "source_title",
            "source_url",
            "source_reliability",
        )
    )


def edition_label(editions: pl.DataFrame, edition: str) -> str:
    """Return a short label for ``edition``: year, evaluator, mode if not third-party, synthetic.

    Examples
    --------
    >>> e = pl.DataFrame({"edition_id": ["d"], "data_year": [2021], "evaluator_en": ["Demo X"],
    ...     "mode": ["upper_level_audit"], "is_synthetic": [True]})
    >>> edition_label(e, "d"), edition_label(e, "nope")
    ('2021 · Demo X · upper-level audit (synthetic)', 'nope')
    """
    rows = editions.filter(pl.col("edition_id") == edition)
    if rows.is_empty():
        return edition
    row = rows.row(0, named=True)
    evaluator = pick(row["evaluator_en"], row.get("evaluator_zh"))
    name = series_name(evaluator, row["mode"], row["is_synthetic"])
    return f"{row['data_year']} · {name}"


def _safe_url(url: str | None) -> str | None:
    if url and re.fullmatch(r"https?://[^\s()<>\[\]]+", url):
        return url
    return None


def render_header(header: Mapping[str, Any]) -> None:
    """Draw the county's names, division type, prefecture, province and adcode."""
    st.title(plain(county_name(header["name_zh"], header["name_pinyin"])))
    kind = header["division_type"]
    kind = tr(labels.DIVISION_TYPES[kind]) if kind in labels.DIVISION_TYPES else kind
    province = header["province_name_zh"]
    province = pick(f"{province} {header['province_name_en']}", province)
    st.caption(
        plain(
            tr(
                "{kind} · prefecture {prefecture} · {province} · adcode {adcode}",
                kind=kind,
                prefecture=header["prefecture_name_zh"],
                province=province,
                adcode=header["adcode"],
            )
        )
    )


def _source_title(row: Mapping[str, Any], english: Mapping[str, str]) -> str | None:
    # In Chinese a source's own title when it is Chinese, else its English title as written
    # (a note of its own, not glued into a Chinese sentence).
    title = row.get("source_title")
    if is_zh() and (not title or re.search(r"[A-Za-z]{3,}", title)):
        return english.get(row.get("source_id") or "") or title
    return title


def _reliability(value: object) -> str:
    return enum_label(value or None, labels.RELIABILITIES)


def render_rank_context(
    history: pl.DataFrame,
    edition: str,
    edition_label: str,
    *,
    english_titles: Mapping[str, str] | None = None,
) -> None:
    """Draw national, provincial and prefectural rank with cohort sizes for ``edition``.

    A county not assessed in the edition gets its status and the reason instead.
    ``english_titles`` (``loaders.evaluators.source_titles_en``) are shown in Chinese as
    written when a source's own title is English.
    """
    st.subheader(plain(tr("Ranks in {edition}", edition=edition_label)))
    rows = history.filter(pl.col("edition_id") == edition)
    row = rows.row(0, named=True) if rows.height else None
    if row is not None and row["status"] == "published":  # a real edition's partial list
        text = rows.select(published_expr(rows.columns)).item()
        title = _source_title(row, english_titles or {})
        # NOTE: in Chinese the source's title follows in a caption of its own (English as
        # written); the sentence only points to it.
        source = tr("see below") if is_zh() and title else title or tr("its source")
        values = {"result": text, "source": source}
        if row.get("source_reliability"):
            reliability = _reliability(row["source_reliability"])
            note = tr(
                "Published result: {result}. No rank is computed: the edition published "
                "only part of its results. Source: {source} ({reliability}).",
                reliability=reliability,
                **values,
            )
        else:
            note = tr(
                "Published result: {result}. No rank is computed: the edition published "
                "only part of its results. Source: {source}.",
                **values,
            )
        st.info(plain(note), icon=":material/newspaper:")
        if is_zh() and title:
            st.caption(plain(title))
        return
    if row is None or row["total"] is None:
        status = row["status"] if row else "not_covered"
        status = tr(labels.COUNTY_STATUSES[status]) if status in labels.COUNTY_STATUSES else status
        reason = (row or {}).get("reason")
        if is_zh() and reason:  # the data's own words, in English: a note of its own
            st.info(
                plain(tr("Not ranked in this edition: {status}.", status=status)),
                icon=":material/info:",
            )
            st.caption(plain(reason))
            return
        reason = reason or tr("not in this edition's results")
        st.info(
            plain(
                tr("Not ranked in this edition: {status} — {reason}.", status=status, reason=reason)
            ),
            icon=":material/info:",
        )
        return
    levels = (
        (tr("National rank"), "rank_national", "n_national"),
        (tr("Provincial rank"), "rank_province", "n_province"),
        (tr("Prefectural rank"), "rank_prefecture", "n_prefecture"),
    )
    columns = st.columns(4)
    for column, (label, rank, n) in zip(columns, levels, strict=False):
        column.metric(label, of(row[rank], row[n]))
    kind = tr("Total (synthetic)") if row["is_synthetic"] else tr("Total")
    columns[3].metric(kind, f"{row['total']:.2f}")
    if row["grade"]:
        note = tr(
            "Grade {grade} (illustrative scale). "
            "Ranks count only the counties assessed in this edition.",
            grade=row["grade"],
        )
    else:
        note = tr("Ranks count only the counties assessed in this edition.")
    st.caption(plain(note))


def render_history_chart(history: pl.DataFrame) -> None:
    """Draw the history chart, or say why there is nothing to draw."""
    if history.get_column("total").is_null().all() and real_results(history).is_empty():
        st.info(
            tr("No scores or published ranks to chart for this county."), icon=":material/info:"
        )
        return
    charts.show(
        history_chart(history, lang=i18n.lang()),
        title=tr("Scores and ranks over time"),
        synthetic=charts.MIXED,
        edition=False,
    )


def render_evaluators(history: pl.DataFrame) -> None:
    """Draw the evaluators that assessed the county (or say that none did)."""
    summary = evaluator_summary(history)
    if summary.is_empty():
        st.caption(tr("No evaluator in this snapshot assessed this county or published a result."))
        return
    st.dataframe(summary, hide_index=True, column_config=evaluator_columns(), width="stretch")


def render_breakdown(
    breakdown: pl.DataFrame, header: Mapping[str, Any], *, synthetic: bool = True
) -> None:
    """Draw the breakdown chart, or say why the county has no first-level scores."""
    if breakdown.get_column("county").is_null().all():
        st.info(
            tr("No first-level scores for this county in this edition."), icon=":material/info:"
        )
        return
    figure = breakdown_chart(
        breakdown,
        county=county_name(header["name_zh"], header["name_pinyin"]),
        province=pick(header["province_name_en"], header["province_name_zh"]),
        lang=i18n.lang(),
    )
    charts.show(figure, title=tr("First-level metrics of this county"), synthetic=synthetic)


def render_real_results(
    history: pl.DataFrame, *, english_titles: Mapping[str, str] | None = None
) -> None:
    """Draw the real, cited published results about the county with their sources.

    In Chinese a source's English title (``english_titles``) is shown as written, in a
    caption of its own.
    """
    results = real_results(history)
    if results.is_empty():
        st.caption(tr("No real published result names this county in the snapshot."))
        return
    english = english_titles or {}
    for row in results.iter_rows(named=True):
        url = _safe_url(row["source_url"])
        title = _source_title(row, english)
        source = plain(title or tr("source not recorded"))
        if is_zh():  # the title, often English, follows in a caption of its own
            link = f"[{tr('Open the source')}]({url})" if url else tr("see below")
        else:
            link = f"[{source}]({url})" if url else source
        evaluator = pick(row["evaluator_en"], row.get("evaluator_zh"))
        st.markdown(
            tr(
                "**{year} · {evaluator}** · {edition}: {published}  \n"
                "Source: {link} (reliability: {reliability})",
                year=row["data_year"],
                evaluator=plain(evaluator),
                edition=plain(pick(row.get("title_en"), row.get("title_zh")) or "—"),
                published=plain(row["published"]),
                link=link,
                reliability=plain(
                    _reliability(row["source_reliability"])
                    if is_zh()
                    else row["source_reliability"]
                ),
            )
        )
        if is_zh():
            st.caption(source)


def render_search(
    divisions: pl.DataFrame,
    *,
    key: str = "county_search",
    limit: int = 20,
    on_pick: Callable[[str], None] | None = None,
) -> str | None:
    """Draw a county search box and its matches; return the adcode of the match clicked, or None.

    Chinese, pinyin (tones, case and spaces ignored), adcode, or a former name or code
    where ``divisions`` has ``former_names`` (``loaders.divisions.searchable``): a match
    on a former name says so. A click calls ``on_pick`` (default:
    :func:`components.frame.sidebar.set_county`) before the rerun, so the page shows the
    county and the URL gains ``county=``.

    NOTE: results are buttons, not ``st.page_link``s: a page link to the page already
    open updates the view but leaves the address bar without ``county`` (measured in
    Chromium with Streamlit 1.67), which would break shareable links.
    """
    text = st.text_input(
        tr("Find a county"),
        key=key,
        placeholder=tr("Chinese name, pinyin or adcode, then Enter — e.g. 修文, xiuwen, 520123"),
    )
    if not text:
        return None
    matches = match_counties(divisions, text, limit=limit)
    if matches.is_empty():
        st.caption(tr("No county-level division matches that text."))
        return None
    chosen = None
    query = normalise_query(text)
    for row in matches.iter_rows(named=True):
        label = (
            f"{county_name(row['name_zh'], row['name_pinyin'])} · {row['prefecture_name_zh']} · "
            f"{row['province_name_zh']} · {row['adcode']}"
        )
        former = [n for n in (row.get("former_names") or "").split("|") if n]
        if (
            former
            and not normalise_query(label).count(query)
            and any(query in normalise_query(n) for n in former)
        ):
            names = "、".join(n for n in former if not n.isdigit())
            label += " · " + tr("formerly {names}", names=names)
        if st.button(
            plain(label),
            key=f"{key}-{row['adcode']}",
            type="tertiary",
            icon=":material/account_balance:",
            on_click=on_pick or sidebar.set_county,
            args=(row["adcode"],),
        ):
            chosen = row["adcode"]
    if matches.height == limit:
        st.caption(tr("First {limit} matches shown; type more to narrow the search.", limit=limit))
    return chosen
