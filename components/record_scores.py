"""Records set against scores: the scatter, the counties at odds, and one county's timeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import charts, i18n, routes, theme
from components.frame import links
from components.frame.filters import Filters
from components.i18n import county_name_expr, is_zh, labels, mark, speaks, tr, translated
from components.records import (
    LAYER_LABELS,
    POLARITY_COLOURS,
    label,
    layout,
    month_ticks,
    real_config,
    real_table,
)
from loaders import schemas
from loaders.derive.records import (
    DEMO,
    METRIC_RECORDS,
    NEGATIVE,
    REAL,
)


def disagreement_config() -> dict[str, Any]:
    """Return the disagreement list's column headers, in the interface language."""
    return {
        "name_zh": st.column_config.TextColumn(tr("County")),
        "adcode": st.column_config.TextColumn(tr("Adcode")),
        "province_name_zh": st.column_config.TextColumn(tr("Province")),
        "score": st.column_config.NumberColumn(tr("Score"), format="%.2f"),
        "records": st.column_config.NumberColumn(tr("Records"), format="%d"),
        "disagreement": st.column_config.ProgressColumn(
            tr("Disagreement"),
            format="%.2f",
            min_value=-1.0,
            max_value=1.0,
            help=tr(
                "Score percentile + records percentile − 1: near 1 for a top score with the "
                "most records."
            ),
        ),
        "records_link": st.column_config.LinkColumn(tr("Records"), display_text=tr("records")),
        "profile_link": st.column_config.LinkColumn(tr("Profile"), display_text=tr("profile")),
    }


DISAGREEMENT_NOTE = mark(
    "Listed: counties in the top half both by score and by matching records, ordered by "
    "how far both sit above the middle. The links open a county's records here and its profile."
)


# ---------------------------------------------------------------------------------------
# 5 scores against records
# ---------------------------------------------------------------------------------------
def comparison_title(key: str, year: int) -> str:
    """Return what the scatter sets against what, in words.

    Examples
    --------
    >>> comparison_title("compliance", 2021)
    'Compliance score vs administrative lawsuit lost, decision revoked on appeal and administrative penalty records in 2021'
    """  # noqa: E501
    types = METRIC_RECORDS[key]
    if types == NEGATIVE:
        what = tr("all negative records")
    elif is_zh():
        what = tr("{types} records", types="、".join(label(t, labels.RECORD_TYPES) for t in types))
    else:  # the English half of each label, in lower case: "a, b and c"
        names = [labels.RECORD_TYPES[t].rsplit(" ", 1)[0].lower() for t in types]
        joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        what = tr("{types} records", types=joined)
    score = label(key, labels.METRIC_SCORES)
    return tr("{score} vs {what} in {year}", score=score, what=what, year=year)


@speaks
def scatter_figure(frame: pl.DataFrame, worst: pl.DataFrame, *, title: str, lang: str) -> go.Figure:
    """Return each county's score (y) against its matching records (x).

    The counties of ``worst`` (the disagreement list) are drawn again in the accent
    colour so they can be found.
    """
    fig = go.Figure()
    for rows, name, colour, size in (
        (frame, tr("counties"), theme.SEQUENTIAL[6], 6),
        (worst, tr("high score, many records"), theme.PUBLISHED, 9),
    ):
        fig.add_trace(
            go.Scatter(
                x=rows.get_column("records").to_list(),
                y=rows.get_column("score").to_list(),
                mode="markers",
                name=name,
                marker={"color": colour, "size": size, "opacity": 0.7},
                customdata=rows.select(
                    theme.plotly_escape_expr(
                        county_name_expr() if "name_pinyin" in rows.columns else "name_zh"
                    ),
                    "adcode",
                ).rows(),
                hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>"
                + tr("score %{y:.2f} · %{x} records")
                + "<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis_title=tr("matching records in the data year"),
        yaxis_title=tr("score"),
        legend={"orientation": "h", "y": -0.2},
    )
    return layout(fig, title=title, height=420)


def correlation_text(rho: float) -> str:
    """Return a Spearman correlation for display ("—" when undefined).

    Examples
    --------
    >>> correlation_text(-0.4321), correlation_text(float("nan"))
    ('−0.43', '—')
    """
    if rho != rho:  # nan
        return "—"
    return f"{rho:+.2f}".replace("-", "−").replace("+", "")


def correlation_note(n: int) -> str:
    """Return how to read the correlation of ``n`` counties.

    Examples
    --------
    >>> correlation_note(88)[:40]
    'Over 88 assessed counties. Negative mean'
    """
    return tr(
        "Over {n} assessed counties. Negative means higher scores go with fewer matching "
        "records, as a score that reflects the records would; near 0 means the score and the "
        "records tell different stories.",
        n=f"{n:,}",
    )


def render_comparison(
    paired: pl.DataFrame,
    worst: pl.DataFrame,
    rho: float,
    filters: Filters,
    *,
    title: str,
) -> None:
    """Draw the scatter, the correlation and the disagreement list (or say why not)."""
    if paired.is_empty():
        st.info(
            tr(
                "This edition has no scores here to set against the records (real editions "
                "published ranks or lists, not scores). Choose a Demo edition in the sidebar."
            ),
            icon=":material/info:",
        )
        return
    left, right = st.columns([3, 2], gap="medium")
    charts.show(
        scatter_figure(paired, worst, title=title, lang=i18n.lang()),
        title=title,
        synthetic=True,  # the records are synthetic whatever the edition
        where=left,
        width=55,
    )
    with right:
        st.metric(tr("Spearman rank correlation"), correlation_text(rho))
        st.caption(correlation_note(paired.height))
    st.markdown(tr("**High score, many records: where the two disagree most**"))
    st.dataframe(
        disagreement_table(worst, filters),
        hide_index=True,
        column_config=disagreement_config(),
        placeholder="—",
    )
    st.caption(tr(DISAGREEMENT_NOTE))


def _link(page: str, params: Mapping[str, str]) -> str:
    return f"{page}?{urlencode(params)}"


def disagreement_table(worst: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    """Return the disagreement list with links to each county's records and profile.

    Links are relative to the app and carry the current view.

    Examples
    --------
    >>> w = pl.DataFrame({"adcode": ["520123"], "name_zh": ["修文县"],
    ...     "province_name_zh": ["贵州省"], "score": [90.0], "records": [9], "disagreement": [0.9]})
    >>> disagreement_table(w, Filters("demo-tp-2021")).row(0, named=True)["records_link"]
    'records?edition=demo-tp-2021&province=52&county=520123'
    """
    links = [
        (
            _link("records", filters.params(county=code, province=code[:2])),
            _link("county", filters.params(county=code)),
        )
        for code in worst.get_column("adcode")
    ]
    return worst.select(
        "name_zh", "adcode", "province_name_zh", "score", "records", "disagreement"
    ).with_columns(
        records_link=pl.Series([r for r, _ in links], dtype=pl.String),
        profile_link=pl.Series([p for _, p in links], dtype=pl.String),
    )


# ---------------------------------------------------------------------------------------
# the county profile's timeline
# ---------------------------------------------------------------------------------------
@speaks
def timeline_figure(rows: pl.DataFrame, *, lang: str) -> go.Figure:
    """Return one county's records as dots on a time line, one row per source agency.

    Colour tells negative from positive records; the hover gives type, status and subject.
    """
    fig = go.Figure()
    types, statuses = translated(labels.RECORD_TYPES), translated(labels.RECORD_STATUSES)
    for polarity, colour in POLARITY_COLOURS.items():
        part = rows.filter(pl.col("polarity") == polarity)
        if part.is_empty():
            continue
        fig.add_trace(
            go.Scatter(
                x=part.get_column("occurred").to_list(),
                y=[label(s, labels.RECORD_SOURCES) for s in part.get_column("source_agency")],
                mode="markers",
                name=f"{label(polarity, labels.POLARITIES)} ({part.height:,})",
                marker={"color": colour, "size": 7, "opacity": 0.6, "symbol": "line-ns-open"},
                customdata=part.select(
                    pl.col("record_type").replace(types),
                    pl.col("status").replace(statuses),
                    theme.plotly_escape_expr("subject_name"),
                ).rows(),
                hovertemplate="%{x|%Y-%m-%d} · %{customdata[0]}<br>%{customdata[2]}<br>"
                + tr("status: %{customdata[1]}")
                + "<extra></extra>",
            )
        )
    present = set(rows.get_column("source_agency"))
    order = [
        label(s, labels.RECORD_SOURCES) for s in reversed(schemas.SOURCE_AGENCIES) if s in present
    ]
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    month_ticks(fig)
    title = tr("Records about the government bodies of this county")
    return layout(fig, title=title, height=320)


def render_county_timeline(
    rows: pl.DataFrame, filters: Filters, adcode: str, *, synthetic: bool
) -> None:
    """Draw a county's records timeline and a link to its records (for the county profile).

    ``rows`` is ``loaders.records.county_records``; ``synthetic`` whether the snapshot's
    records are synthetic.
    """
    if synthetic:
        st.markdown(tr("**Demo records (synthetic)**: {n}", n=f"{rows.height:,}"))
    if rows.is_empty():
        st.caption(
            tr("No demo records about this county.")
            if synthetic
            else tr("No records about this county in this snapshot.")
        )
        return
    charts.show(
        timeline_figure(rows, lang=i18n.lang()),
        title=tr("Records about this county"),
        synthetic=charts.RECORDS if synthetic else False,
        edition=False,
    )
    count = f"{rows.height:,}"
    if synthetic:
        st.caption(tr("{n} records. Synthetic demo records, not real ones.", n=count))
    else:
        st.caption(tr("{n} records.", n=count))
    links.render(
        links.Links(filters).to(
            routes.RECORDS,
            county=adcode,
            province=adcode[:2],
            records_layer=tr(LAYER_LABELS[DEMO if synthetic else REAL]),
        ),
        tr("Open these records"),
        icon=":material/folder_open:",
    )


def render_county_real(real: pl.DataFrame, filters: Filters, adcode: str) -> None:
    """Draw a county's real records, each with its source (``loaders.records.real_records``).

    Shown apart from the demo records, never counted with them; a county without one
    has none found in the cited sources, which is what the caption says.
    """
    if real.is_empty():
        st.caption(tr("No real record about this county was found in the cited sources."))
        return
    st.markdown(tr("**Real records (cited)**: {n}", n=f"{real.height:,}"))
    st.dataframe(
        real_table(real).drop("name_zh", "adcode", "source_agency", "status"),
        hide_index=True,
        column_config=real_config(),
        placeholder="—",
    )
    links.render(
        links.Links(filters).to(
            routes.RECORDS,
            county=adcode,
            province=adcode[:2],
            records_layer=tr(LAYER_LABELS[REAL]),
        ),
        tr("Open the real records"),
        icon=":material/folder_open:",
    )
