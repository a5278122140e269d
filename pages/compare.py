"""Compare counties: two to five side by side, real published results apart from demo scores."""

from __future__ import annotations

import streamlit as st

from components import charts, exports, i18n
from components import compare as view
from components import published as published_view
from components.frame.shell import current_snapshot, page_filters
from components.i18n import county_name, labels, tr
from components.provenance import render_provenance
from loaders import assessments, compare_counties, divisions, evaluators, overview

filters = page_filters("compare")
snapshot = current_snapshot()
lang = i18n.lang()

# 1/ WHICH COUNTIES: typed by name, pinyin, adcode or old name; counties=… in the link
st.title(tr("Compare counties"))
st.caption(tr(view.INTRO))
places = divisions.searchable(snapshot)
options = view.county_labels(places)
chosen = view.render_picker(options, filters.counties)
if len(chosen) < 2:
    st.info(tr("Choose at least two counties to compare."), icon=":material/compare:")
    st.stop()
picked = places.filter(places["adcode"].is_in(chosen))
names = dict(picked.select("adcode", "name_zh").iter_rows())  # as exported: the Chinese name
shown_names = {  # on screen: with its pinyin in English
    code: county_name(zh, pinyin)
    for code, zh, pinyin in picked.select("adcode", "name_zh", "name_pinyin").iter_rows()
}

# 2/ SIDE BY SIDE in the sidebar's edition
st.subheader(tr("Scores and ranks in this edition"))
provenance = evaluators.provenance(snapshot, filters.edition)
render_provenance(provenance, filters)
synthetic = assessments.is_synthetic(snapshot, filters.edition)
side = compare_counties.side_by_side(snapshot, filters.edition, chosen)
metric_labels = {m: tr(labels.METRICS[m]) for m in labels.METRICS} | {"total": tr("Total score")}
if side.get_column("score").is_null().all():
    st.info(
        tr(
            "This edition has no scores for these counties (a real edition publishes ranks "
            "and lists: see the published results below)."
        ),
        icon=":material/info:",
    )
else:
    st.dataframe(view.side_table(side, shown_names, metric_labels), hide_index=True)
    exports.render_downloads(
        view.export_table(side, names).with_columns(
            metric=side.get_column("metric").replace_strict(metric_labels, default=None)
        ),
        what=tr("Compared counties · {edition}", edition=filters.edition),
        file_stem=f"compare-{filters.edition}-" + "-".join(chosen),
        edition=filters.edition,
        synthetic=synthetic,
        snapshot=snapshot,
        provenance=provenance,
        titles={
            "metric": tr("Metric"),
            "n_national": tr("Counties ranked nationally"),
            "n_province": tr("Counties ranked in the province"),
        },
    )

# 3/ WHAT REAL SOURCES PUBLISHED: ranks of lists, designations, records, each sourced
st.subheader(tr("Real published results (cited)"))
real = overview.published_results(snapshot).filter(
    overview.published_results(snapshot)["adcode"].is_in(chosen)
)
if real.is_empty():
    st.caption(tr("No real source in this snapshot names these counties."))
else:
    table = published_view.table(real)
    st.dataframe(table, hide_index=True, column_config=published_view.columns(), placeholder="—")
    exports.render_downloads(
        table,
        what=tr("Published results of compared counties"),
        file_stem="compare-published-" + "-".join(chosen),
        edition=None,
        synthetic=False,
        snapshot=snapshot,
    )

# 4/ DEMO SCORES ACROSS THE SYNTHETIC EDITIONS: a sandbox, on its own axis
st.subheader(tr("Demo scores across the synthetic editions"))
history = compare_counties.demo_history(snapshot, chosen)
if not history.is_empty():
    charts.show(
        view.demo_chart(history, shown_names, lang=lang),
        title=tr("Total score in each synthetic edition"),
        synthetic=True,
        edition=False,
    )

# 5/ RECORDS: real and demo counted apart, never summed
st.subheader(tr("Records"))
counts = view.records_table(compare_counties.record_counts(snapshot, chosen), names)
st.dataframe(counts, hide_index=True, column_config=view.records_columns())
