"""County profile: history and breakdown figures, display tables, and the county search box."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from plotly.subplots import make_subplots

from components import charts, i18n, theme
from components.frame import sidebar
from components.i18n import county_name, is_zh, labels, mark, pick, speaks, tr, translated
from components.provenance import enum_expr, enum_label, md_escape, safe_links
from loaders.derive.counties import match_counties

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
    return (
        pl.when(band.str.starts_with("top"))
        .then(template_expr(tr("Top {n}"), n=band.str.strip_prefix("top")))
        .when(band.str.starts_with("bottom"))
        .then(template_expr(tr("Bottom {n}"), n=band.str.strip_prefix("bottom")))
        .when(band == "member")
        .then(pl.lit(tr("Listed")))
        .when(band == "proposed_member")
        .then(pl.lit(tr("Proposed for the list (not yet named)")))
        .when(band == "near_top")
        .then(pl.lit(tr("Near the top (no number given)")))
        .otherwise(band)
    )


def published_expr() -> pl.Expr:
    """Return an expression describing a published result from its rank, list position and band.

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
    in_band = pl.when(band.is_not_null()).then(pl.lit(tr(", ")) + band).otherwise(pl.lit(""))
    return (
        pl.when(rank.is_not_null())
        .then(template_expr(tr("Rank {rank} (published{band})"), rank=rank, band=in_band))
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
    ('upper level audit', 'peer review')
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
        published_expr().fill_null("—"),
        "total",
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
    'Demo Audit · upper level audit (synthetic)'
    """
    name = evaluator if mode == "third_party" else f"{evaluator} · {mode_label(mode)}"
    return name + (tr(SYNTHETIC) if is_synthetic else "")


@speaks
def history_chart(history: pl.DataFrame, *, lang: str) -> go.Figure:
    """Return total score (top) and national rank (bottom) by data year, one line per series.

    A series is one evaluator in one mode. Real published ranks are drawn in the rank
    panel; a published band without a rank (e.g. top 100) is drawn as a triangle at
    the band's bound, meaning "at or above this rank".

    Examples
    --------
    >>> h = pl.DataFrame({"data_year": [2020, 2021], "evaluator_id": ["d", "d"],
    ...     "evaluator_en": ["Demo X", "Demo X"], "mode": ["third_party"] * 2,
    ...     "is_synthetic": [True, True], "total": [70.0, 75.0], "rank_national": [300, 200],
    ...     "n_national": [2700, 2700], "grade": [None, None], "published_rank": [None, None],
    ...     "published_list_pos": [None, None], "published_band": [None, None]})
    >>> [t.name for t in history_chart(h, lang="en").data]
    ['Demo X (synthetic)', 'Demo X (synthetic)']
    """
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.14,
        row_heights=[0.5, 0.5],
        subplot_titles=(tr("Total score"), tr("National rank (1 = best)")),
    )
    scored = history.filter(pl.col("total").is_not_null()).sort("data_year")
    groups = scored.group_by("evaluator_id", "mode", maintain_order=True)
    for i, ((_, mode), rows) in enumerate(groups):
        synthetic = bool(rows.item(0, "is_synthetic"))
        evaluator = rows.select(_evaluator(rows)).item(0, 0)
        name = theme.plotly_escape(series_name(evaluator, str(mode), synthetic))
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        line = {"color": colour, "width": 2, "dash": "dot" if synthetic else "solid"}
        years = rows.get_column("data_year").to_list()
        ranks = [of(r, n) for r, n in rows.select("rank_national", "n_national").iter_rows()]
        grades = [theme.plotly_escape(g or "—") for g in rows.get_column("grade").to_list()]
        common = {
            "x": years,
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
                + "<extra>"
                + name
                + "</extra>",
                **common,
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                y=rows.get_column("rank_national").to_list(),
                customdata=ranks,
                hovertemplate=tr("%{x}: national rank %{customdata}")
                + "<extra>"
                + name
                + "</extra>",
                showlegend=False,
                **common,
            ),
            row=2,
            col=1,
        )
    _add_published(fig, history)
    fig.update_yaxes(autorange="reversed", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_layout(
        height=480,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0},
        font={"family": theme.FONT},
        hovermode="closest",
    )
    return fig


def _add_published(fig: go.Figure, history: pl.DataFrame) -> None:
    published = history.filter(
        ~pl.col("is_synthetic"),
        pl.col("published_rank").is_not_null() | _band().str.starts_with("top").fill_null(False),
    ).with_columns(
        y=pl.coalesce(
            "published_rank",
            _band().str.strip_prefix("top").cast(pl.Int64, strict=False),
        ),
        label=published_expr(),
        marker_text=pl.when(pl.col("published_rank").is_null())
        .then(band_text())
        .otherwise(pl.lit("")),
    )
    published = published.filter(pl.col("y").is_not_null())
    published = published.with_columns(_evaluator(published).alias("evaluator"))
    for (evaluator,), rows in published.group_by("evaluator", maintain_order=True):
        name = theme.plotly_escape(tr("{evaluator} (real, published)", evaluator=evaluator))
        symbols = [
            "circle" if r is not None else "triangle-up"
            for r in rows.get_column("published_rank").to_list()
        ]
        fig.add_trace(
            go.Scatter(
                x=rows.get_column("data_year").to_list(),
                y=rows.get_column("y").to_list(),
                customdata=[theme.plotly_escape(t) for t in rows.get_column("label").to_list()],
                mode="markers+text",
                text=[theme.plotly_escape(t) for t in rows.get_column("marker_text")],
                textposition="middle left",
                textfont={"color": theme.PUBLISHED},
                marker={"color": theme.PUBLISHED, "size": 12, "symbol": symbols},
                name=name,
                hovertemplate="%{x}: %{customdata}<extra>" + name + "</extra>",
            ),
            row=2,
            col=1,
        )


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
        .with_columns(published_expr())
        .filter(pl.col("published").is_not_null())
        .select(
            "data_year",
            "evaluator_en",
            pl.col("^evaluator_zh$"),  # where the frame has it (every loader's does)
            pl.col("^source_id$"),
            "title_en",
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
    ('2021 · Demo X · upper level audit (synthetic)', 'nope')
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
        text = rows.select(published_expr()).item()
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
        breakdown, county=header["name_zh"], province=header["province_name_zh"], lang=i18n.lang()
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
                "**{year} · {evaluator}**: {published}  \n"
                "Source: {link} (reliability: {reliability})",
                year=row["data_year"],
                evaluator=plain(evaluator),
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
    divisions: pl.DataFrame, *, key: str = "county_search", limit: int = 20
) -> str | None:
    """Draw a county search box and its matches; return the adcode of the match clicked, or None.

    A click selects the county through :func:`components.frame.sidebar.set_county` before the
    rerun, so the page shows its profile and the URL gains ``county=``.

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
    for row in matches.iter_rows(named=True):
        label = (
            f"{county_name(row['name_zh'], row['name_pinyin'])} · {row['prefecture_name_zh']} · "
            f"{row['province_name_zh']} · {row['adcode']}"
        )
        if st.button(
            plain(label),
            key=f"{key}-{row['adcode']}",
            type="tertiary",
            icon=":material/account_balance:",
            on_click=sidebar.set_county,
            args=(row["adcode"],),
        ):
            chosen = row["adcode"]
    if matches.height == limit:
        st.caption(tr("First {limit} matches shown; type more to narrow the search.", limit=limit))
    return chosen
