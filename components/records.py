"""Records explorer: overview figures, the records map, lifecycles, the paged table, exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import charts, i18n, maps, routes, theme
from components.frame import links, sidebar
from components.frame.banner import render_synthetic_banner
from components.frame.filters import Filters
from components.i18n import is_zh, labels, mark, speaks, tr, translated
from components.provenance import md_escape
from loaders import geo, schemas
from loaders.derive.records import (
    LIFECYCLE_DEFAULT,
    METRIC_RECORDS,
    NEGATIVE,
    OPEN,
    PAGE_SIZE,
    RecordFilters,
    month_end,
    month_starts,
    page_count,
)

CONFIG = theme.CONFIG
# The lifecycle chart's states: still open, or ended with a status.
STATE_LABELS = {OPEN: mark("still open"), **labels.RECORD_STATUSES}
# Plotly's colour-blind-safe qualitative palette: one colour per source agency.
SOURCE_COLOURS = dict(zip(schemas.SOURCE_AGENCIES, px.colors.qualitative.Safe, strict=False))
POLARITY_COLOURS = {"negative": theme.PUBLISHED, "positive": theme.SEQUENTIAL[6]}
STATE_COLOURS = {
    OPEN: theme.PUBLISHED,
    "performed": theme.SEQUENTIAL[6],
    "settled": theme.SEQUENTIAL[5],
    "repaired": theme.SEQUENTIAL[4],
    "removed": theme.SEQUENTIAL[3],
    "expired": "#969696",
}
MEASURES = {"count": mark("Records"), "per_year": mark("Records per year")}
POLARITIES = {"negative": mark("Negative"), "positive": mark("Positive"), "all": mark("All")}
# The map's legend title for each (measure, polarity).
MAP_TITLES = {
    ("count", "negative"): mark("Negative records"),
    ("count", "positive"): mark("Positive records"),
    ("count", "all"): mark("Records"),
    ("per_year", "negative"): mark("Negative records per year"),
    ("per_year", "positive"): mark("Positive records per year"),
    ("per_year", "all"): mark("Records per year"),
}
SYNTHETIC_NOTE = mark(
    "Every record on this page is synthetic demo data: generated, not collected. Subject "
    "names carry （示例） (example); no record describes a real government body."
)


def table_config() -> dict[str, Any]:
    """Return the records table's column headers, in the interface language."""
    return {
        "occurred": st.column_config.DateColumn(tr("Occurred"), width=92),
        "name_zh": st.column_config.TextColumn(tr("County"), width=90),
        "adcode": st.column_config.TextColumn(tr("Adcode"), width=70),
        "subject_name": st.column_config.TextColumn(tr("Subject"), width=220),
        "source_agency": st.column_config.TextColumn(tr("Source agency"), width=150),
        "record_type": st.column_config.TextColumn(tr("Record type"), width=170),
        "polarity": st.column_config.TextColumn(tr("Polarity"), width=75),
        "status": st.column_config.TextColumn(tr("Status"), width=80),
        "resolved": st.column_config.DateColumn(tr("Resolved"), width=92),
        "amount_cny": st.column_config.NumberColumn(tr("Amount (¥)"), format="%,.0f", width=100),
        "published": st.column_config.DateColumn(tr("Published"), width=92),
        "record_id": st.column_config.TextColumn(tr("Record id"), width=120),
    }


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
PERIOD_KEY = "records_period"
PAGE_KEY = "records_page"
COUNTY_KEY = "records_county"
_COUNTY_SEEN = "_records_county_seen"
_TABLE_SEEN = "_records_table_filters"


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


def _formatter(labels: Mapping[str, str]) -> Callable[[str], str]:
    """Return a widget's ``format_func``: codes → labels translated now (``translated``)."""
    shown = translated(labels)
    return lambda code: shown.get(code, code)


def _relabel(frame: pl.DataFrame) -> pl.DataFrame:
    replacements = {
        "source_agency": labels.RECORD_SOURCES,
        "record_type": labels.RECORD_TYPES,
        "status": labels.RECORD_STATUSES,
        "polarity": labels.POLARITIES,
    }
    return frame.with_columns(
        pl.col(c).replace(translated(m)) for c, m in replacements.items() if c in frame.columns
    )


def _month_ticks(fig: go.Figure) -> go.Figure:
    """Write month ticks as numbers in Chinese (Plotly's own tick labels are English)."""
    if is_zh():
        fig.update_xaxes(tickformat="%Y-%m")
    return fig


def _layout(fig: go.Figure, *, title: str, height: int = 340) -> go.Figure:
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
    _month_ticks(fig)
    return _layout(fig, title=tr("Records per month by source agency"), height=380)


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
    return _layout(fig, title=title, height=380)


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
    _month_ticks(fig)
    return _layout(fig, title=tr("Negative vs positive records"), height=300)


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


def render_synthetic_note(*, synthetic: bool, banner_shown: bool) -> None:
    """Say that the records are synthetic: the banner if the shell did not show it, and a line."""
    if not synthetic:
        return
    if not banner_shown:
        render_synthetic_banner(True)
    st.caption(tr(SYNTHETIC_NOTE))


TABLE_ANCHOR = "the-records"


def render_county_note(counties: Mapping[str, str], county: str | None) -> None:
    """Point to the records table when the view has a county (e.g. from a link)."""
    if county in counties:
        name = md_escape(counties[county])
        st.info(
            tr(
                "{name}: its records are in [the table below](#{anchor}). The overview "
                "and the map show the whole province.",
                name=name,
                anchor=TABLE_ANCHOR,
            ),
            icon=":material/folder_open:",
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
        return tr(MAP_TITLES[self.measure, self.polarity])


def render_map_controls() -> MapChoice:
    """Draw the map's measure and polarity controls; return the choice."""
    left, right = st.columns(2)
    with left:
        measure = st.segmented_control(
            tr("Map"),
            list(MEASURES),
            default="count",
            format_func=_formatter(MEASURES),
            key="records_map_measure",
            bind="query-params",  # part of the shareable view
            required=True,
        )
    with right:
        polarity = st.segmented_control(
            tr("Which records"),
            list(POLARITIES),
            default="negative",
            format_func=_formatter(POLARITIES),
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
                label(choice.measure, MEASURES), format="%,.1f" if choice.per_year else "%,d"
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
            format_func=_formatter(labels.RECORD_TYPES),
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
    _month_ticks(fig)
    title = tr(
        "{type}: still open or ended, at each month's end",
        type=label(record_type, labels.RECORD_TYPES),
    )
    return _layout(fig, title=title, height=360)


def resolution_table(summary: pl.DataFrame) -> pl.DataFrame:
    """Return the resolution summary with readable source and type names."""
    return _relabel(summary)


# ---------------------------------------------------------------------------------------
# 4 the records table
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableChoice:
    """The table's own filters."""

    county: str | None = None
    sources: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    polarities: tuple[str, ...] = ()


def _multiselect(
    name: str, key: str, options: Sequence[str], labels: Mapping[str, str]
) -> tuple[str, ...]:
    chosen = st.multiselect(
        name,
        list(options),
        key=key,
        bind="query-params",  # part of the shareable view
        placeholder=tr("All"),
        format_func=_formatter(labels),
    )
    return tuple(chosen)


def _county_changed() -> None:
    value = st.session_state.get(COUNTY_KEY)
    st.session_state[_COUNTY_SEEN] = value
    sidebar.set_county(value)


def render_table_filters(counties: Mapping[str, str], county: str | None) -> TableChoice:
    """Draw the table's filters; the county follows the view (URL, map click) both ways.

    Parameters
    ----------
    counties
        adcode → label of the counties on offer (the province's, or all).
    county
        The view's county (``Filters.county``); ignored when not on offer.
    """
    county = county if county in counties else None
    if st.session_state.get(_COUNTY_SEEN, "unset") != county:
        st.session_state[COUNTY_KEY] = county  # the view's county changed elsewhere
        st.session_state[_COUNTY_SEEN] = county
    if st.session_state.get(COUNTY_KEY) not in counties:
        st.session_state[COUNTY_KEY] = None
    first, second, third = st.columns(3)
    with first:
        chosen = st.selectbox(
            tr("County"),
            list(counties),
            index=None,
            key=COUNTY_KEY,
            placeholder=tr("All counties"),
            format_func=lambda c: counties.get(c, c),
            on_change=_county_changed,
        )
        statuses = _multiselect(
            tr("Status"), "records_statuses", schemas.RECORD_STATUS, labels.RECORD_STATUSES
        )
    with second:
        sources = _multiselect(
            tr("Source agency"), "records_sources", schemas.SOURCE_AGENCIES, labels.RECORD_SOURCES
        )
        polarities = _multiselect(
            tr("Polarity"), "records_polarities", schemas.POLARITY, labels.POLARITIES
        )
    with third:
        types = _multiselect(
            tr("Record type"), "records_types", schemas.RECORD_TYPES, labels.RECORD_TYPES
        )
    return TableChoice(chosen, sources, types, statuses, polarities)


def table_filters(view: RecordFilters, choice: TableChoice) -> RecordFilters:
    """Return the page's filters narrowed by the table's own choices.

    Examples
    --------
    >>> choice = TableChoice(types=("complaint",))
    >>> f = table_filters(RecordFilters(province="520000"), choice)
    >>> (f.province, f.types)
    ('520000', ('complaint',))
    """
    return RecordFilters(
        province=view.province,
        county=choice.county,
        start=view.start,
        end=view.end,
        sources=choice.sources,
        types=choice.types,
        statuses=choice.statuses,
        polarities=choice.polarities,
    )


def render_pager(total: int, filters: RecordFilters, *, size: int = PAGE_SIZE) -> int:
    """Draw the page number box and "page N of M"; return the page (back to 1 on new filters)."""
    pages = page_count(total, size)
    if st.session_state.get(_TABLE_SEEN) != filters:
        st.session_state[_TABLE_SEEN] = filters
        st.session_state[PAGE_KEY] = 1
    st.session_state[PAGE_KEY] = min(max(1, int(st.session_state.get(PAGE_KEY) or 1)), pages)
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    with left:
        page = int(st.number_input(tr("Page"), min_value=1, max_value=pages, step=1, key=PAGE_KEY))
    first = (page - 1) * size + 1 if total else 0
    right.caption(
        tr(
            "Page {page} of {pages} · records {first}–{last} of {total}, newest first",
            page=f"{page:,}",
            pages=f"{pages:,}",
            first=f"{first:,}",
            last=f"{min(page * size, total):,}",
            total=f"{total:,}",
        )
    )
    return page


def shown_page(rows: pl.DataFrame) -> pl.DataFrame:
    """Return a page of records with readable agency, type and status names."""
    return _relabel(rows)


def csv_name(filters: RecordFilters) -> str:
    """Return the download's file name: the place and the period.

    Examples
    --------
    >>> csv_name(RecordFilters(province="520000", start=dt.date(2017, 1, 1),
    ...     end=dt.date(2018, 12, 31)))
    'records-52-2017-01-2018-12.csv'
    """
    place = filters.county or (filters.province[:2] if filters.province else "china")
    period = ""
    if filters.start and filters.end:
        period = f"-{filters.start:%Y-%m}-{filters.end:%Y-%m}"
    return f"records-{place}{period}.csv"


def describe(filters: RecordFilters) -> str:
    """Return the filters in words, for export headers, in the interface language.

    English names the codes of the chosen values; Chinese their Chinese labels.

    Examples
    --------
    >>> describe(RecordFilters(province="520000", types=("complaint",)))
    'province 52 · record type complaint'
    """
    parts = []
    if filters.county:
        parts.append(tr("county {code}", code=filters.county))
    elif filters.province:
        parts.append(tr("province {code}", code=filters.province[:2]))
    else:
        parts.append(tr("all China"))
    if filters.start and filters.end:
        start, end = f"{filters.start:%Y-%m-%d}", f"{filters.end:%Y-%m-%d}"
        parts.append(tr("{start} to {end}", start=start, end=end))
    for name, values, words in (
        (mark("source agency"), filters.sources, labels.RECORD_SOURCES),
        (mark("record type"), filters.types, labels.RECORD_TYPES),
        (mark("status"), filters.statuses, labels.RECORD_STATUSES),
        (mark("polarity"), filters.polarities, labels.POLARITIES),
    ):
        if values:
            chosen = "、".join(label(v, words) for v in values) if is_zh() else ", ".join(values)
            parts.append(f"{tr(name)} {chosen}")
    return " · ".join(parts)


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
                    theme.plotly_escape_expr("name_zh"),
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
    return _layout(fig, title=title, height=420)


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
    order = [label(s, labels.RECORD_SOURCES) for s in reversed(schemas.SOURCE_AGENCIES)]
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    _month_ticks(fig)
    title = tr("Records about the government bodies of this county")
    return _layout(fig, title=title, height=320)


def render_county_timeline(
    rows: pl.DataFrame, filters: Filters, adcode: str, *, synthetic: bool
) -> None:
    """Draw a county's records timeline and a link to its records (for the county profile).

    ``rows`` is ``loaders.records.county_records``; ``synthetic`` whether the snapshot's
    records are synthetic.
    """
    if rows.is_empty():
        st.caption(tr("No records about this county in this snapshot."))
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
        links.Links(filters).to(routes.RECORDS, county=adcode, province=adcode[:2]),
        tr("Open these records"),
        icon=":material/folder_open:",
    )
