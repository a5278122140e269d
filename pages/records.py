"""Records: the integrity records behind the scores, by source, over time, and against scores."""

from __future__ import annotations

import functools

import streamlit as st

from components import charts, exports, i18n, maps
from components import record_scores as scores
from components import record_table as table
from components import record_volumes as volumes
from components import records as view
from components.cache import cached
from components.frame.shell import current_snapshot, page_filters
from components.i18n import tr
from components.provenance import render_provenance
from loaders import assessments, evaluators, records
from loaders.derive.records import (
    DEMO,
    LIFECYCLE_TYPES,
    correlation,
    disagreement,
    status_over_time,
    with_types,
)

filters = page_filters("records")
snapshot = current_snapshot()
lang = i18n.lang()

# 1/ FILTERS: real or demo records (never both), the province from the sidebar, the period
st.title(tr("Records"))
layer = view.render_layer_choice(records.layer_counts(snapshot))
synthetic = layer == DEMO
view.render_layer_note(layer)
bounds = records.period_bounds(snapshot, synthetic)
if bounds is None:
    st.info(tr("This snapshot holds no records."), icon=":material/folder_off:")
    st.stop()
counties = records.county_labels(snapshot, filters.province, lang)
table.render_county_note(counties, filters.county)
start, end = view.render_period(bounds)
scope = records.RecordFilters(province=filters.province, start=start, end=end, synthetic=synthetic)

# 2/ OVERVIEW: who records what, month by month (from the monthly rollup)
monthly = records.monthly(snapshot, scope)
view.render_totals(monthly, counties=records.county_counts(snapshot, scope).height)
left, right = st.columns([3, 2], gap="medium")
charts.show(
    view.monthly_figure(monthly, lang=lang),
    title=tr("Records by month"),
    synthetic=charts.RECORDS if synthetic else False,
    edition=False,
    where=left,
    width=55,
)
charts.show(
    view.types_figure(monthly, lang=lang),
    title=tr("Records by type"),
    synthetic=charts.RECORDS if synthetic else False,
    edition=False,
    where=right,
    width=55,
)

if not synthetic:
    # REAL RECORDS: where they are, and every one with its source (they are few); no
    # lifecycle and no scores against records.
    st.subheader(tr("Where the records are"))
    real = records.real_records(snapshot, scope)
    charts.show(
        view.real_map(
            records.map_view(snapshot, scope, per_year=False), real, province=scope.province,
            lang=lang,
        ),
        title=tr("Counties with real records"),
        synthetic=False,
        edition=False,
        config=maps.CONFIG,
    )  # fmt: skip
    st.subheader(tr("The records"), anchor=table.TABLE_ANCHOR)
    st.dataframe(
        view.real_table(real), hide_index=True, column_config=view.real_config(), placeholder="—"
    )
    exports.render_downloads(
        real,
        what=tr("Real records {filters}", filters=table.describe(scope)),
        file_stem="real-records",
        edition=None,
        synthetic=False,
        snapshot=snapshot,
        label=tr("the {n} real records", n=f"{real.height:,}"),
        disabled=real.is_empty(),
        readable=view.relabel,
    )
    st.caption(
        tr(
            "No lifecycle and no scores against records here: the sources of the real "
            "records do not say whether the bodies have since complied, and no real "
            "edition scores the counties they name. Both are shown for the demo records."
        )
    )
    volumes.render_method_link(filters)
    st.stop()

volumes.render_volumes(records.volume_summary(snapshot, scope), filters)

# 3/ MAP of record counts or yearly rates per county; a click shows its records below
st.subheader(tr("Where the records are"))
left, right = st.columns([3, 2], gap="medium")
with left:
    choice = view.render_map_controls()
    counties_view = records.map_view(snapshot, choice.narrow(scope), per_year=choice.per_year)
    lang = i18n.lang()
    map_figure = cached(
        ("records-map", snapshot, scope, choice, lang),
        lambda: view.map_figure(
            counties_view, choice=choice, province=scope.province, synthetic=synthetic, lang=lang
        ),
    )
    charts.show(
        map_figure,
        title=tr("Records by county"),
        synthetic=charts.RECORDS if synthetic else False,
        edition=False,
        config=maps.CONFIG,
        key="records_map",
        on_select=view.select_clicked_county,
        selection_mode="points",
    )
    st.caption(tr("Quintile classes; rank 1 = most records. Click a county to list its records."))
with right:
    charts.show(
        view.polarity_figure(monthly, lang=lang),
        title=tr("Negative and positive records"),
        synthetic=charts.RECORDS if synthetic else False,
        edition=False,
        width=45,  # the narrow right-hand column
    )
    view.render_top_counties(counties_view, choice)

# 4/ LIFECYCLES: listed → performed / removed / expired, and how long resolution takes
st.subheader(tr("Lifecycles"))
record_type = view.render_lifecycle_choice(LIFECYCLE_TYPES)
listed = records.lifecycle_records(snapshot, with_types(scope, record_type))
stock = status_over_time(listed, start=start, end=end)
view.render_lifecycle(stock, record_type=record_type, listed=listed.height, synthetic=synthetic)
st.markdown(tr("**Median time to resolution by source agency and record type**"))
st.dataframe(
    view.resolution_table(records.resolution_summary(snapshot, scope)),
    hide_index=True,
    column_config=view.resolution_config(),
    placeholder="—",
)

# 5/ RECORDS TABLE: filtered, paged (never all rows at once), downloadable
st.subheader(tr("The records"), anchor=table.TABLE_ANCHOR)
places = records.county_places(snapshot, filters.province)
chosen = table.render_table_filters(counties, filters.county, places=places)
wanted = table.table_filters(scope, chosen)
total = records.count_records(snapshot, wanted)


@st.fragment
def records_page_panel(total: int, wanted: records.RecordFilters) -> None:
    """Draw the pager and one page of records: a page turn reruns only this (issue 21)."""
    page = table.render_pager(total, wanted)
    st.dataframe(
        table.shown_page(records.records_page(snapshot, wanted, page=page)),
        hide_index=True,
        column_config=table.table_config(),
        placeholder="—",
    )


records_page_panel(total, wanted)
exported = min(total, records.EXPORT_LIMIT)
exports.render_downloads(
    functools.partial(records.export_rows, snapshot, wanted),  # built on click
    what=tr(
        "Records {filters} · {rows}",
        filters=table.describe(wanted),
        rows=exports.rows_note(exported, total),
    ),
    file_stem=table.csv_name(wanted).removesuffix(".csv"),
    edition=None,
    synthetic=synthetic,
    snapshot=snapshot,
    label=tr("the {n} filtered records", n=f"{exported:,}"),
    mark=exports.SYNTHETIC_RECORDS_MARK,
    disabled=total == 0,
    readable=view.relabel,
)

# 6/ SCORES VS RECORDS: the edition and metric of the sidebar against matching records
st.subheader(tr("Scores against records"))
if not assessments.is_synthetic(snapshot, filters.edition):
    st.info(
        tr(
            "The edition chosen in the sidebar is real; the demo records are synthetic, "
            "so the two are not set against each other. Choose a demo edition to compare."
        ),
        icon=":material/info:",
    )
    st.stop()
render_provenance(evaluators.provenance(snapshot, filters.edition), filters)
paired, year, key = records.scores_vs_records(
    snapshot, filters.edition, filters.metric, filters.province
)
scores.render_comparison(
    paired,
    disagreement(paired),
    correlation(paired),
    filters,
    title=scores.comparison_title(key, year),
)
