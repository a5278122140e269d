"""Records explorer: overview figures, the records map, lifecycles, the paged table, exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import charts, i18n, maps, theme
from components.frame import sidebar
from components.frame.banner import render_synthetic_banner
from components.i18n import is_zh, labels, mark, speaks, tr, translated
from components.provenance import safe_links
from loaders import geo, schemas
from loaders.derive.records import (
    DEMO,
    LAYERS,
    LIFECYCLE_DEFAULT,
    OPEN,
    REAL,
    RecordFilters,
    month_end,
    month_starts,
)

CONFIG = theme.CONFIG
# The lifecycle chart's states: still open, or ended with a status.
STATE_LABELS = {OPEN: mark("still open"), **labels.RECORD_STATUSES}
# Plotly's colour-blind-safe qualitative palette: one colour per source agency.
SOURCE_COLOURS = dict(zip(schemas.SOURCE_AGENCIES, px.colors.qualitative.Safe, strict=False))
# One saturated colour per record type (the real-records map; never a light one).
TYPE_COLOURS = dict(zip(schemas.RECORD_TYPES, px.colors.qualitative.Bold, strict=False))
POLARITY_COLOURS = {"negative": theme.PUBLISHED, "positive": theme.SEQUENTIAL[6]}
STATE_COLOURS = {
    OPEN: theme.PUBLISHED,
    "performed": theme.SEQUENTIAL[6],
    "settled": theme.SEQUENTIAL[5],
    "repaired": theme.SEQUENTIAL[4],
    "removed": theme.SEQUENTIAL[3],
    "expired": "#969696",
}
LAYER_KEY = "records_layer"
LAYER_LABELS = labels.RECORD_LAYERS
REAL_NOTE = mark(
    "Real records, each with its source: government websites named as failing State "
    "Council checks, and government bodies listed by courts as dishonest judgment "
    "debtors. Each names the body as published (a county government, one of its "
    "departments, or a township) and is placed in the county it sits in. They were found "
    "one by one, not collected for every county: a county without one has none found, "
    "not none. Whether a body has since complied is not known."
)
SYNTHETIC_NOTE = mark(
    "Every record on this page is synthetic demo data: generated, not collected. Subject "
    "names carry （示例） (example); no record describes a real government body."
)


def resolution_config() -> dict[str, Any]:
    """Return the resolution summary's column headers, in the interface language."""
    return {
        "source_agency": st.column_config.TextColumn(tr("Source agency")),
        "record_type": st.column_config.TextColumn(tr("Record type")),
        "records": st.column_config.NumberColumn(tr("Records"), format="%,d"),
        "resolved": st.column_config.NumberColumn(tr("Resolved"), format="%,d"),
        "share_resolved": st.column_config.ProgressColumn(
            tr("Share resolved"), format="percent", min_value=0.0, max_value=1.0
        ),
        "median_days": st.column_config.NumberColumn(
            tr("Median days to resolution"), format="%.0f", help=tr("Resolved records only.")
        ),
    }


PERIOD_KEY = "records_period"


def label(code: str | None, labels: Mapping[str, str]) -> str:
    """Return the display label of a code in the interface language (the code when unknown).

    Examples
    --------
    >>> label("courts", labels.RECORD_SOURCES), label("police", labels.RECORD_SOURCES)
    ('Courts 法院', 'police')
    """
    if code and code in labels:
        return tr(labels[code])
    return code or "—"


def formatter(labels: Mapping[str, str]) -> Callable[[str], str]:
    """Return a widget's ``format_func``: codes → labels translated now (``translated``)."""
    shown = translated(labels)
    return lambda code: shown.get(code, code)


def relabel(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with its record codes as labels in the interface language."""
    replacements = {
        "source_agency": labels.RECORD_SOURCES,
        "record_type": labels.RECORD_TYPES,
        "status": labels.RECORD_STATUSES,
        "polarity": labels.POLARITIES,
    }
    return frame.with_columns(
        pl.col(c).replace(translated(m)) for c, m in replacements.items() if c in frame.columns
    )


def month_ticks(fig: go.Figure) -> go.Figure:
    """Write month ticks as numbers in Chinese (Plotly's own tick labels are English)."""
    if is_zh():
        fig.update_xaxes(tickformat="%Y-%m")
    return fig


def layout(fig: go.Figure, *, title: str, height: int = 340) -> go.Figure:
    """Return ``fig`` with the records page's title, height, margins and font."""
    fig.update_layout(
        title={"text": theme.plotly_escape(title), "font": {"size": 14}},
        height=height,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        font={"family": theme.FONT},
        legend={"font": {"size": 11}},
    )
    return fig


# ---------------------------------------------------------------------------------------
# 1 overview
# ---------------------------------------------------------------------------------------
@speaks
def monthly_figure(monthly: pl.DataFrame, *, lang: str) -> go.Figure:
    """Return stacked monthly bars of records by source agency (one trace per agency).

    Parameters
    ----------
    monthly
        ``loaders.records.monthly`` rows (month, source_agency, …, records).
    """
    by = monthly.group_by("month", "source_agency").agg(pl.col("records").sum()).sort("month")
    fig = go.Figure()
    for source in schemas.SOURCE_AGENCIES:
        rows = by.filter(pl.col("source_agency") == source)
        if rows.is_empty():
            continue
        fig.add_trace(
            go.Bar(
                x=rows.get_column("month").to_list(),
                y=rows.get_column("records").to_list(),
                name=label(source, labels.RECORD_SOURCES),
                marker_color=SOURCE_COLOURS.get(source),
                hovertemplate=tr("%{x|%Y-%m}: %{y:,} records<extra>%{fullData.name}</extra>"),
            )
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.1,
        yaxis_title=tr("records per month"),
        legend={"orientation": "h", "y": -0.12, "x": 0, "font": {"size": 11}},
    )
    month_ticks(fig)
    return layout(fig, title=tr("Records per month by source agency"), height=380)


@speaks
def types_figure(monthly: pl.DataFrame, *, lang: str) -> go.Figure:
    """Return records per record type as horizontal bars, split by the source agency.

    The colours are those of ``monthly_figure``, so the two read together.

    Examples
    --------
    >>> m = pl.DataFrame({"source_agency": ["courts", "courts"], "record_type":
    ...     ["admin_litigation_loss", "dishonest_judgment_debtor"], "records": [5, 2]})
    >>> fig = types_figure(m, lang="en")
    >>> list(fig.data[0].x), list(fig.data[0].y)
    ([5, 2], ['Administrative lawsuit lost 行政诉讼败诉', 'Dishonest judgment debtor 失信被执行人'])
    """
    totals = monthly.group_by("record_type", "source_agency").agg(pl.col("records").sum())
    present = set(totals.get_column("record_type"))
    types = [t for t in schemas.RECORD_TYPES if t in present]
    fig = go.Figure()
    for source in schemas.SOURCE_AGENCIES:
        rows = totals.filter(pl.col("source_agency") == source)
        if rows.is_empty():
            continue
        count = dict(rows.select("record_type", "records").rows())
        shown = [t for t in types if t in count]
        fig.add_trace(
            go.Bar(
                x=[count[t] for t in shown],
                y=[label(t, labels.RECORD_TYPES) for t in shown],
                orientation="h",
                name=label(source, labels.RECORD_SOURCES),
                marker_color=SOURCE_COLOURS.get(source),
                texttemplate="%{x:,}",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=tr("%{y}<br>from %{fullData.name}: %{x:,} records<extra></extra>"),
                showlegend=False,
            )
        )
    order = [label(t, labels.RECORD_TYPES) for t in reversed(types)]
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    longest = totals.group_by("record_type").agg(pl.col("records").sum())["records"].max()
    # Room on the right for the count printed after the longest bar.
    fig.update_xaxes(range=[0, 1.3 * float(longest or 1)])  # type: ignore[arg-type]
    fig.update_layout(barmode="stack", xaxis_title=tr("records in the period"))
    title = tr("Who records what: records by type, coloured by source")
    return layout(fig, title=title, height=380)


@speaks
def polarity_figure(monthly: pl.DataFrame, *, lang: str) -> go.Figure:
    """Return negative and positive records per month as two lines."""
    by = monthly.group_by("month", "polarity").agg(pl.col("records").sum()).sort("month")
    fig = go.Figure()
    for polarity, colour in POLARITY_COLOURS.items():
        rows = by.filter(pl.col("polarity") == polarity)
        fig.add_trace(
            go.Scatter(
                x=rows.get_column("month").to_list(),
                y=rows.get_column("records").to_list(),
                name=label(polarity, labels.POLARITIES),
                mode="lines",
                line={"color": colour, "width": 2},
                hovertemplate="%{x|%Y-%m}: %{y:,}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(yaxis_title=tr("records per month"), legend={"orientation": "h", "y": -0.15})
    month_ticks(fig)
    return layout(fig, title=tr("Negative vs positive records"), height=300)


def totals(monthly: pl.DataFrame) -> dict[str, int]:
    """Return the number of records in the overview: all, negative and positive.

    Examples
    --------
    >>> totals(pl.DataFrame({"polarity": ["negative", "positive", "negative"],
    ...     "records": [3, 1, 2]}))
    {'all': 6, 'negative': 5, 'positive': 1}
    """
    by = dict(monthly.group_by("polarity").agg(pl.col("records").sum()).rows())
    return {
        "all": int(monthly.get_column("records").sum()),
        "negative": int(by.get("negative", 0)),
        "positive": int(by.get("positive", 0)),
    }


def render_layer_choice(counts: Mapping[str, int]) -> str:
    """Draw the choice of records (real, cited / synthetic demo); return the layer shown.

    Only layers that hold records are offered; real records come first. The two are
    never counted together: every number, chart and table below is one layer's.
    """
    offered = [layer for layer in LAYERS if counts.get(layer)]
    if len(offered) < 2:
        return offered[0] if offered else DEMO
    choice = st.segmented_control(
        tr("Records shown"),
        offered,
        default=offered[0],
        format_func=formatter(LAYER_LABELS),
        key=LAYER_KEY,
        bind="query-params",  # part of the shareable view
        required=True,
    )
    st.caption(
        tr(
            "{real} real records and {demo} synthetic demo records: the two are never "
            "counted together.",
            real=f"{counts.get(REAL, 0):,}",
            demo=f"{counts.get(DEMO, 0):,}",
        )
    )
    return str(choice or offered[0])


def render_layer_note(layer: str) -> None:
    """Say what the layer on screen is: the synthetic banner, or what real records are."""
    if layer == DEMO:
        render_synthetic_banner(True)
        st.caption(tr(SYNTHETIC_NOTE))
    else:
        st.info(tr(REAL_NOTE), icon=":material/newspaper:")


NONE_FOUND = "__none__"
SEVERAL = "__several__"


@speaks
def real_map(
    view: pl.DataFrame, real: pl.DataFrame, *, province: str | None, lang: str
) -> go.Figure:
    """Map the real records: each county with one coloured by its record type, others grey.

    ``view`` is ``loaders.records.map_view`` of the real layer (every county, with its
    names); ``real`` the real records (``loaders.records.real_records``). The hover lists
    the bodies as published. A county without a real record is "none found", not 0.
    """
    per_county = real.group_by("adcode").agg(
        kind=pl.when(pl.col("record_type").n_unique() == 1)
        .then(pl.col("record_type").first())
        .otherwise(pl.lit(SEVERAL)),
        bodies=pl.col("subject_name").sort().str.join("；"),
    )
    shown = view.join(per_county, on="adcode", how="left").with_columns(
        pl.col("kind").fill_null(NONE_FOUND)
    )
    types = [t for t in schemas.RECORD_TYPES if t in set(per_county.get_column("kind"))]
    categories = {
        NONE_FOUND: (tr("no real record found"), theme.NOT_ASSESSED),
        **{t: (label(t, labels.RECORD_TYPES), TYPE_COLOURS[t]) for t in types},
        SEVERAL: (tr("several types"), "#252525"),
    }
    layer = geo.province_layer_name(province) if province else geo.NATIONAL_LAYER
    return maps.category_map(
        shown,
        categories,
        column="kind",
        counties_url=geo.static_url(layer),
        outlines_url=geo.static_url(geo.PROVINCES_LAYER),
        province=province,
        detail="bodies",
    )


def real_config() -> dict[str, Any]:
    """Return the real-records table's column headers, in the interface language."""
    return {
        "occurred": st.column_config.DateColumn(tr("Dated"), format="YYYY-MM"),
        "name_zh": st.column_config.TextColumn(tr("County")),
        "adcode": st.column_config.TextColumn(tr("Adcode")),
        "subject_name": st.column_config.TextColumn(tr("Body as published"), width=220),
        "source_agency": st.column_config.TextColumn(tr("Source agency")),
        "record_type": st.column_config.TextColumn(tr("Record type")),
        "amount_cny": st.column_config.NumberColumn(tr("Amount (CNY)"), format="%,.0f"),
        "status": st.column_config.TextColumn(tr("Status")),
        "note": st.column_config.TextColumn(tr("What the source says"), width=360),
        "source_title": st.column_config.TextColumn(tr("Source"), width=220),
        "source_url": st.column_config.LinkColumn(tr("Link")),
        "source_reliability": st.column_config.TextColumn(tr("Reliability")),
        "record_id": None,
    }


def real_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Return real records for the table: codes as labels, the source's reliability too.

    A source link that is not plain http(s) is blanked: it would open on a click.
    """
    return safe_links(relabel(frame), "source_url").with_columns(
        pl.col("source_reliability").replace(translated(labels.RELIABILITIES))
    )


def render_period(bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """Draw the period slider (whole months); return its first and last day."""
    months = month_starts(*bounds)
    kept = st.session_state.get(PERIOD_KEY)
    if kept is not None and (not isinstance(kept, tuple) or any(m not in months for m in kept)):
        del st.session_state[PERIOD_KEY]  # from another snapshot: start again
    first, last = st.select_slider(
        tr("Period"),
        options=months,
        value=(months[0], months[-1]),
        key=PERIOD_KEY,
        format_func=lambda m: m.strftime("%Y-%m"),
        help=tr(
            "Whole months. The lifecycle chart also counts records listed earlier and "
            "still open in this period."
        ),
    )
    return first, month_end(last)


def render_totals(monthly: pl.DataFrame, *, counties: int) -> None:
    """Show the overview's headline numbers."""
    numbers = totals(monthly)
    columns = st.columns(4)
    columns[0].metric(tr("Records"), f"{numbers['all']:,}")
    columns[1].metric(tr("Negative"), f"{numbers['negative']:,}")
    columns[2].metric(tr("Positive"), f"{numbers['positive']:,}")
    columns[3].metric(tr("Counties with records"), f"{counties:,}")


# ---------------------------------------------------------------------------------------
# 2 map
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapChoice:
    """What the records map shows: a measure (count, per year) of which records."""

    measure: str = "count"
    polarity: str = "negative"

    @property
    def per_year(self) -> bool:
        """Whether the map shows yearly rates."""
        return self.measure == "per_year"

    def narrow(self, filters: RecordFilters) -> RecordFilters:
        """Return ``filters`` limited to the chosen polarity."""
        polarities = () if self.polarity == "all" else (self.polarity,)
        return dataclasses.replace(filters, polarities=polarities)

    @property
    def title(self) -> str:
        """The map's legend title, in the interface language.

        Examples
        --------
        >>> MapChoice("per_year", "negative").title, MapChoice("count", "all").title
        ('Negative records per year', 'Records')
        """
        return tr(labels.MAP_TITLES[self.measure, self.polarity])


def render_map_controls() -> MapChoice:
    """Draw the map's measure and polarity controls; return the choice."""
    left, right = st.columns(2)
    with left:
        measure = st.segmented_control(
            tr("Map"),
            list(labels.MAP_MEASURES),
            default="count",
            format_func=formatter(labels.MAP_MEASURES),
            key="records_map_measure",
            bind="query-params",  # part of the shareable view
            required=True,
        )
    with right:
        polarity = st.segmented_control(
            tr("Which records"),
            list(labels.MAP_POLARITIES),
            default="negative",
            format_func=formatter(labels.MAP_POLARITIES),
            key="records_map_polarity",
            bind="query-params",  # part of the shareable view
            required=True,
        )
    return MapChoice(str(measure), str(polarity))


@speaks
def map_figure(
    view: pl.DataFrame, *, choice: MapChoice, province: str | None, synthetic: bool, lang: str
) -> go.Figure:
    """Return the county choropleth of record counts or rates (``loaders.records.map_view``).

    The atlas map component draws it: the view's ``score`` is the count or the yearly
    rate, ranks put the county with the most records first; quintile classes.
    """
    layer = geo.province_layer_name(province) if province else geo.NATIONAL_LAYER
    return maps.choropleth(
        view,
        metric_label=choice.title,
        counties_url=geo.static_url(layer),
        outlines_url=geo.static_url(geo.PROVINCES_LAYER),
        classes="quantile",
        province=province,
        synthetic=synthetic,
        mark=theme.SYNTHETIC_RECORDS_MARK,
    )


def top_counties(view: pl.DataFrame, *, n: int = 10) -> pl.DataFrame:
    """Return the ``n`` counties of a map view with the most records (ties by adcode).

    Examples
    --------
    >>> v = pl.DataFrame({"adcode": ["1", "2", "3"], "name_zh": ["甲", "乙", "丙"],
    ...     "prefecture_name_zh": "p", "score": [3.0, 9.0, None]})
    >>> top_counties(v, n=2).get_column("adcode").to_list()
    ['2', '1']
    """
    ranked = view.filter(pl.col("score").is_not_null())
    ranked = ranked.sort(["score", "adcode"], descending=[True, False]).head(n)
    return ranked.select("name_zh", "prefecture_name_zh", "adcode", "score")


def render_top_counties(view: pl.DataFrame, choice: MapChoice) -> None:
    """Show the counties of a records map view with the most records of the map's kind."""
    title = choice.title
    st.markdown(tr("**Most {what}**", what=title[0].lower() + title[1:]))
    st.dataframe(
        top_counties(view),
        hide_index=True,
        column_config={
            "name_zh": st.column_config.TextColumn(tr("County")),
            "prefecture_name_zh": st.column_config.TextColumn(tr("Prefecture")),
            "adcode": st.column_config.TextColumn(tr("Adcode")),
            "score": st.column_config.NumberColumn(
                label(choice.measure, labels.MAP_MEASURES),
                format="%,.1f" if choice.per_year else "%,d",
            ),
        },
        placeholder="—",
    )


def select_clicked_county() -> None:
    """Map ``on_select`` callback: show the clicked county's records in the table."""
    adcode = sidebar.clicked_location(st.session_state.get("records_map"))
    if adcode:
        sidebar.set_county(adcode)


# ---------------------------------------------------------------------------------------
# 3 lifecycles
# ---------------------------------------------------------------------------------------
def render_lifecycle_choice(types: Sequence[str]) -> str:
    """Draw the record-type choice of the lifecycle chart; return it."""
    default = LIFECYCLE_DEFAULT if LIFECYCLE_DEFAULT in types else types[0]
    if st.session_state.get("records_lifecycle_type") not in types:
        st.session_state["records_lifecycle_type"] = default
    return str(
        st.selectbox(
            tr("Record type"),
            list(types),
            key="records_lifecycle_type",
            bind="query-params",  # part of the shareable view
            format_func=formatter(labels.RECORD_TYPES),
        )
    )


def render_lifecycle(
    stock: pl.DataFrame, *, record_type: str, listed: int, synthetic: bool = True
) -> None:
    """Draw the lifecycle chart of ``listed`` records, or say that there are none."""
    if listed == 0:
        st.info(
            tr(
                "No {type} records here up to the period's end.",
                type=label(record_type, labels.RECORD_TYPES),
            ),
            icon=":material/info:",
        )
        return
    charts.show(
        lifecycle_figure(stock, record_type=record_type, lang=i18n.lang()),
        title=tr("Lifecycle of {type} records", type=label(record_type, labels.RECORD_TYPES)),
        synthetic=charts.RECORDS if synthetic else False,
        edition=False,
    )


@speaks
def lifecycle_figure(stock: pl.DataFrame, *, record_type: str, lang: str) -> go.Figure:
    """Return stacked areas of records still open and ended (by status) at each month's end.

    For judgment debtors a dashed line marks the 2017 clearing campaign's deadline when
    it falls in the period.
    """
    fig = go.Figure()
    states = [s for s in STATE_COLOURS if s in set(stock.get_column("state"))]
    states += sorted(set(stock.get_column("state")) - set(states))
    names = translated(STATE_LABELS)
    for name in states:
        rows = stock.filter(pl.col("state") == name)
        fig.add_trace(
            go.Scatter(
                x=rows.get_column("month").to_list(),
                y=rows.get_column("records").to_list(),
                name=names.get(name, name),
                stackgroup="one",
                mode="lines",
                line={"width": 0.5, "color": STATE_COLOURS.get(name, "#bdbdbd")},
                hovertemplate="%{x|%Y-%m}: %{y:,}<extra>%{fullData.name}</extra>",
            )
        )
    months = stock.get_column("month").to_list()
    deadline = schemas.DEBTOR_CAMPAIGN_DEADLINE
    campaign = record_type == LIFECYCLE_DEFAULT  # the clearing campaign's list
    if campaign and months and min(months) <= deadline <= max(months):
        fig.add_shape(
            type="line",
            x0=deadline,
            x1=deadline,
            y0=0,
            y1=1,
            yref="paper",
            line={"dash": "dash", "color": theme.OUTLINE, "width": 1},
        )
        fig.add_annotation(
            x=deadline,
            y=1,
            yref="paper",
            text=tr("2017-06-30: deadline to clear government bodies from the list"),
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": 11},
        )
    fig.update_layout(yaxis_title=tr("records"), legend={"orientation": "h", "y": -0.15})
    month_ticks(fig)
    title = tr(
        "{type}: still open or ended, at each month's end",
        type=label(record_type, labels.RECORD_TYPES),
    )
    return layout(fig, title=title, height=360)


def resolution_table(summary: pl.DataFrame) -> pl.DataFrame:
    """Return the resolution summary with readable source and type names."""
    return relabel(summary)
