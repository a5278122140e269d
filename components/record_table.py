"""The records page's detail table: its filters, pager, columns, description and file name."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import streamlit as st

from components.frame import sidebar
from components.i18n import is_zh, labels, mark, tr
from components.provenance import md_escape
from components.records import formatter, label, relabel
from loaders import schemas
from loaders.derive.counties import match_counties
from loaders.derive.records import (
    PAGE_SIZE,
    RecordFilters,
    page_count,
)

# The record types the table can hold: the counted ones (complaints, petitions,
# reconsideration applications) have no single records to list.
ITEMISED_TYPES = tuple(t for t in schemas.RECORD_TYPES if t not in schemas.VOLUME_TYPES)


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


PAGE_KEY = "records_page"

COUNTY_KEY = "records_county"

_COUNTY_SEEN = "_records_county_seen"

_UNMATCHED = "_records_county_unmatched"

_TABLE_SEEN = "_records_table_filters"

TABLE_ANCHOR = "the-records"


def render_county_note(counties: Mapping[str, str], county: str | None) -> None:
    """Point to the records table when the view has a county (e.g. from a link)."""
    if county is not None and county in counties:
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
        format_func=formatter(labels),
    )
    return tuple(chosen)


def find_county(text: object, counties: Mapping[str, str], places: pl.DataFrame) -> str | None:
    """Return the county on offer that typed ``text`` means, or None.

    An option's adcode is itself; other text is searched as every county search is
    (:func:`loaders.derive.counties.match_counties`: Chinese, pinyin with or without
    tones and spaces, old spellings, adcode) among ``places``, the best match first.

    Examples
    --------
    >>> places = pl.DataFrame({"adcode": ["310112"], "name_zh": ["闵行区"],
    ...     "name_pinyin": ["Minhang Qu"]})
    >>> counties = {"310112": "闵行区 Minhang Qu · Shanghai · 310112"}
    >>> [find_county(t, counties, places) for t in ("Mǐnháng", "minhangqu", "闵行", "3101", "x")]
    ['310112', '310112', '310112', '310112', None]
    """
    if text is None or text in counties:
        return None if text is None else str(text)
    found = match_counties(places, str(text), limit=len(counties) or 1)
    codes = [code for code in found.get_column("adcode").to_list() if code in counties]
    return codes[0] if codes else None


def _county_changed(counties: Mapping[str, str], places: pl.DataFrame) -> None:
    typed = st.session_state.get(COUNTY_KEY)
    value = find_county(typed, counties, places)
    if typed is not None and value is None:
        st.session_state[_UNMATCHED] = str(typed)
    st.session_state[COUNTY_KEY] = value
    st.session_state[_COUNTY_SEEN] = value
    sidebar.set_county(value)


def render_table_filters(
    counties: Mapping[str, str], county: str | None, *, places: pl.DataFrame
) -> TableChoice:
    """Draw the table's filters; the county follows the view (URL, map click) both ways.

    The county box takes typed text too: a name in Chinese or pinyin (with or without
    tones and spaces) or an adcode finds the county (:func:`find_county`).

    Parameters
    ----------
    counties
        adcode → label of the counties on offer (the province's, or all).
    county
        The view's county (``Filters.county``); ignored when not on offer.
    places
        The divisions on offer (``loaders.records.county_places``), searched for typed text.
    """
    county = county if county in counties else None
    if st.session_state.get(_COUNTY_SEEN, "unset") != county:
        st.session_state[COUNTY_KEY] = county  # the view's county changed elsewhere
        st.session_state[_COUNTY_SEEN] = county
    typed = st.session_state.get(COUNTY_KEY)
    if typed is not None and typed not in counties:
        _county_changed(counties, places)  # text set without the box (a test, a script)
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
            args=(counties, places),
            accept_new_options=True,  # typed pinyin, tones, adcodes: found by find_county
        )
        unmatched = st.session_state.pop(_UNMATCHED, None)
        if unmatched:
            st.caption(tr("No county here matches “{text}”.", text=md_escape(unmatched)))
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
            tr("Record type"), "records_types", ITEMISED_TYPES, labels.RECORD_TYPES
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
    return dataclasses.replace(
        view,
        county=choice.county,
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
    return relabel(rows)


def csv_name(filters: RecordFilters) -> str:
    """Return the download's file name: the place and the period.

    Examples
    --------
    >>> import datetime as dt
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
