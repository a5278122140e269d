"""Atlas figures and panels: the cached map of a view, its distribution and its extremes."""

from __future__ import annotations

from typing import Any

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import maps, theme
from components.i18n import is_zh, pick, speaks, tr
from components.provenance import md_escape, safe_links
from loaders import geo

# The score beside the name: the panel is narrow, what it ranks by must not scroll away.
EXTREMES = ("rank_national", "name_zh", "score", "name_pinyin", "province_name_zh", "adcode")
PUBLISHED = (  # what was published leads: the table sits in a narrow column
    "name_zh",
    "published",
    "published_source_url",
    "name_pinyin",
    "province_name_zh",
    "position",
    "published_source_kind",
    "adcode",
)


def extremes_columns(label: str | None = None) -> dict[str, Any]:
    """Return the column configuration of the top and bottom tables, in the interface language.

    The rank says it is national (a province's top ten keep their national ranks); the
    score column is named by the metric ``label``. In Chinese the pinyin column is hidden.
    """
    return {
        "rank_national": st.column_config.NumberColumn(
            tr("National rank"),
            format="%d",
            help=tr("Rank among all counties the edition assessed, also in a province's view."),
        ),
        "name_zh": st.column_config.TextColumn(tr("County")),
        "name_pinyin": None if is_zh() else st.column_config.TextColumn(tr("Pinyin")),
        "province_name_zh": st.column_config.TextColumn(tr("Province")),
        "score": st.column_config.NumberColumn(label or tr("Score"), format="%.2f"),
        "adcode": st.column_config.TextColumn(tr("Adcode")),
    }


def published_columns() -> dict[str, Any]:
    """Return the column configuration of a real edition's named counties (interface language).

    In Chinese the pinyin column is hidden (``None``).
    """
    return {
        "position": st.column_config.NumberColumn(tr("Position"), format="%d"),
        "name_zh": st.column_config.TextColumn(tr("County")),
        "name_pinyin": None if is_zh() else st.column_config.TextColumn(tr("Pinyin")),
        "province_name_zh": st.column_config.TextColumn(tr("Province")),
        "published": st.column_config.TextColumn(tr("Published as")),
        "published_source_kind": st.column_config.TextColumn(tr("Source kind")),
        "published_source_url": st.column_config.LinkColumn(
            tr("Source"), display_text=tr("open ↗")
        ),
        "adcode": st.column_config.TextColumn(tr("Adcode")),
    }


@speaks
def map_figure(
    view: pl.DataFrame,
    *,
    label: str,
    metric: str,
    province: str | None,
    classes: str,
    grade_scale: pl.DataFrame | None,
    published: bool,
    synthetic: bool,
    lang: str,
    county: str | None = None,
) -> go.Figure:
    """Return the atlas map of a county view (``loaders.assessments.county_view``).

    A real edition's partial results (``published``) are drawn by published position;
    an edition with a coverage ledger as a choropleth of ``metric`` in ``classes``.
    Geometry goes by URL (``static/geo``): the national layer, or the province's. A
    ``county`` of the view (one found by search) is outlined.
    """
    layer = geo.province_layer_name(province) if province else geo.NATIONAL_LAYER
    counties_url, outlines_url = geo.static_url(layer), geo.static_url(geo.PROVINCES_LAYER)
    if published:
        fig = maps.published_map(
            view, counties_url=counties_url, outlines_url=outlines_url, province=province
        )
    else:
        fig = maps.choropleth(
            view,
            metric_label=label,
            counties_url=counties_url,
            outlines_url=outlines_url,
            classes=classes,
            grade_scale=grade_scale,
            province=province,
            metric=metric,
            synthetic=synthetic,
        )
    if county and county in set(view.get_column("adcode")):
        fig = maps.outline_county(fig, county, counties_url)
    return fig


@speaks
def map_caption(view: pl.DataFrame, *, label: str, published: bool, lang: str) -> str:
    """Return the map's text alternative (:func:`components.maps.map_summary`), escaped."""
    return md_escape(maps.map_summary(view, metric_label=label, published=published))


@speaks
def distribution(view: pl.DataFrame, *, label: str, lang: str) -> go.Figure:
    """Return a histogram of the view's scores (assessed counties only).

    ``label`` names the metric in the hover.
    """
    scores = view.filter(pl.col("score").is_not_null()).get_column("score")
    name = theme.plotly_escape(label)
    fig = px.histogram(
        x=scores.to_list(),
        nbins=30,
        color_discrete_sequence=[theme.SEQUENTIAL[6]],
        labels={"x": name},
    )
    # Plotly Express's own hover, in the interface language.
    hover = tr("{label}={x}<br>count={y}", label=name, x="%{x}", y="%{y}")
    fig.update_traces(hovertemplate=f"{hover}<extra></extra>")
    fig.update_layout(
        height=240,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        title={
            "text": tr("Distribution · {n} counties", n=f"{scores.len():,}"),
            "font": {"size": 13},
        },
        xaxis_title=None,
        yaxis_title=tr("counties"),
        bargap=0.05,
        font={"family": theme.FONT},
    )
    return fig


def named_counties(view: pl.DataFrame) -> pl.DataFrame:
    """Return the counties a real edition named, by published position, with their sources.

    The source kind is named in the interface language (in English, by its code).
    """
    named = maps.published_position(view.filter(pl.col("status") == "published"))
    if is_zh():
        kind = pl.col("published_source_kind")
        named = named.with_columns(kind.replace(maps.source_kind_words()))
    table = named.sort("position", "adcode", nulls_last=True).select(PUBLISHED)
    return safe_links(table, "published_source_url")


def unscored_note(view: pl.DataFrame) -> str | None:
    """Return why a view has no scores at all (e.g. an excluded province), or None.

    Examples
    --------
    >>> unscored_note(pl.DataFrame({"score": [None], "reason": ["excluded region"]}))
    'No county here has a score in this edition: excluded region.'
    >>> unscored_note(pl.DataFrame({"score": [1.0], "reason": [None]})) is None
    True
    """
    if view.get_column("score").is_not_null().any():
        return None
    # NOTE: the data's reasons are English only; in Chinese the status says why instead.
    why = pl.col("status").replace(maps.status_words()) if is_zh() else pl.col("reason")
    reasons = view.select(why).to_series().drop_nulls().unique().sort().to_list()
    if not reasons:
        return tr("No county here has a score in this edition.")
    return tr(
        "No county here has a score in this edition: {reasons}.",
        reasons=pick("; ", "；").join(reasons),
    )


def extremes(view: pl.DataFrame, *, n: int = 10) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the top and bottom ``n`` assessed counties of the view, by rank.

    Examples
    --------
    >>> v = pl.DataFrame({"adcode": ["a", "b", "c"], "name_zh": ["甲", "乙", "丙"],
    ...     "name_pinyin": ["A", "B", "C"], "province_name_zh": ["省"] * 3,
    ...     "score": [3.0, None, 1.0], "rank_national": [1, None, 2]})
    >>> [t.get_column("adcode").to_list() for t in extremes(v, n=1)]
    [['a'], ['c']]
    """
    ranked = view.filter(pl.col("score").is_not_null()).sort("score", descending=True)
    return ranked.head(n).select(EXTREMES), ranked.tail(n).reverse().select(EXTREMES)
