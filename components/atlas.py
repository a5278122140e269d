"""Atlas figures and panels: the cached map of a view, its distribution and its extremes."""

from __future__ import annotations

from functools import lru_cache

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import maps, theme
from components.provenance import md_escape, safe_links
from loaders import assessments, geo
from loaders.snapshot import open_snapshot

EXTREMES_COLUMNS = {
    "rank_national": st.column_config.NumberColumn("Rank", format="%d"),
    "name_zh": st.column_config.TextColumn("County"),
    "name_pinyin": st.column_config.TextColumn("Pinyin"),
    "province_name_zh": st.column_config.TextColumn("Province"),
    "score": st.column_config.NumberColumn("Score", format="%.2f"),
    "adcode": st.column_config.TextColumn("Adcode"),
}


def map_figure(
    snapshot: str, edition: str, metric: str, province: str | None, classes: str, label: str
) -> go.Figure:
    """Return the atlas map of a view (cached per snapshot, edition, metric, province, classing)."""
    sha = open_snapshot(snapshot).manifest_sha256
    return _map_figure(snapshot, sha, edition, metric, province, classes, label)


@lru_cache(maxsize=32)
def _map_figure(
    snapshot: str,
    manifest_sha: str,
    edition: str,
    metric: str,
    province: str | None,
    classes: str,
    label: str,
) -> go.Figure:
    view = assessments.county_view(snapshot, edition, metric, province)
    layer = geo.province_layer_name(province) if province else geo.NATIONAL_LAYER
    if not assessments.has_ledger(snapshot, edition):  # a real edition's partial results
        return maps.published_map(
            view,
            counties_url=geo.static_url(layer),
            outlines_url=geo.static_url(geo.PROVINCES_LAYER),
            province=province,
        )
    return maps.choropleth(
        view,
        metric_label=label,
        counties_url=geo.static_url(layer),
        outlines_url=geo.static_url(geo.PROVINCES_LAYER),
        classes=classes,
        grade_scale=assessments.grade_scale(snapshot, edition),
        province=province,
        metric=metric,
        synthetic=assessments.is_synthetic(snapshot, edition),
    )


def map_caption(snapshot: str, edition: str, metric: str, province: str | None, label: str) -> str:
    """Return the map's text alternative (:func:`components.maps.map_summary`), escaped."""
    view = assessments.county_view(snapshot, edition, metric, province)
    published = not assessments.has_ledger(snapshot, edition)
    return md_escape(maps.map_summary(view, metric_label=label, published=published))


def distribution(view: pl.DataFrame, *, label: str) -> go.Figure:
    """Return a histogram of the view's scores (assessed counties only).

    ``label`` names the metric in the hover.
    """
    scores = view.filter(pl.col("score").is_not_null()).get_column("score")
    fig = px.histogram(
        x=scores.to_list(),
        nbins=30,
        color_discrete_sequence=[theme.SEQUENTIAL[6]],
        labels={"x": theme.plotly_escape(label)},
    )
    fig.update_layout(
        height=240,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        title={"text": f"Distribution · {scores.len():,} counties", "font": {"size": 13}},
        xaxis_title=None,
        yaxis_title="counties",
        bargap=0.05,
        font={"family": theme.FONT},
    )
    return fig


PUBLISHED_COLUMNS = {
    "position": st.column_config.NumberColumn("Position", format="%d"),
    "name_zh": st.column_config.TextColumn("County"),
    "name_pinyin": st.column_config.TextColumn("Pinyin"),
    "province_name_zh": st.column_config.TextColumn("Province"),
    "published": st.column_config.TextColumn("Published as"),
    "published_source_kind": st.column_config.TextColumn("Source kind"),
    "published_source_url": st.column_config.LinkColumn("Source", display_text="open ↗"),
    "adcode": st.column_config.TextColumn("Adcode"),
}


def named_counties(view: pl.DataFrame) -> pl.DataFrame:
    """Return the counties a real edition named, by published position, with their sources."""
    named = maps.published_position(view.filter(pl.col("status") == "published"))
    table = named.sort("position", "adcode", nulls_last=True).select(list(PUBLISHED_COLUMNS))
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
    reasons = view.get_column("reason").drop_nulls().unique().sort().to_list()
    return "No county here has a score in this edition" + (
        f": {'; '.join(reasons)}." if reasons else "."
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
    columns = ["rank_national", "name_zh", "name_pinyin", "province_name_zh", "score", "adcode"]
    return ranked.head(n).select(columns), ranked.tail(n).reverse().select(columns)
