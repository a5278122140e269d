"""County profile: one county's names, ranks, results across editions, breakdown and sources."""

from __future__ import annotations

import polars as pl
import streamlit as st

from components import profile as view
from components import record_scores, routes
from components import weights as weights_view
from components.frame import links
from components.frame.shell import current_snapshot, page_filters
from components.i18n import tr
from components.provenance import render_provenance
from loaders import assessments, divisions, evaluators, profile, records, weights

filters = page_filters("county")
snapshot = current_snapshot()

# 1/ WHICH COUNTY: none or an unknown code → a plain message and the search box
header = profile.county_header(snapshot, filters.county) if filters.county else None
if header is None:
    st.title(tr("County profile"))
    st.info(
        tr(
            "No county is selected, or the county code in the link is not in this snapshot. "
            "Search by Chinese name, pinyin or six-digit adcode, or click a county on the atlas."
        ),
        icon=":material/search:",
    )
    view.render_search(divisions.searchable(snapshot))
    links.render(links.Links(filters).to(routes.ATLAS), tr("Open the atlas"), icon=":material/map:")
    st.stop()

# 2/ HEADER
view.render_header(header)
history = profile.county_history(snapshot, header["adcode"])
label = view.edition_label(assessments.editions(snapshot), filters.edition)

# 3/ RANK CONTEXT in the edition chosen in the sidebar, and who produced it
english_titles = evaluators.source_titles_en(snapshot)
view.render_rank_context(history, filters.edition, label, english_titles=english_titles)
render_provenance(evaluators.provenance(snapshot, filters.edition), filters)

# 3b/ RANK SENSITIVITY: how far the rank moves when the weights vary (Metrics and weights)
st.subheader(tr("How stable is this rank?"))
ranked = weights.is_ranked(snapshot, filters.edition, header["adcode"], filters.weights)
band, seed, _ = weights_view.render_sensitivity_controls(with_top_n=False) if ranked else (0, 0, 0)
weights_view.render_county_sensitivity(
    weights.county_sensitivity(
        snapshot, filters.edition, header["adcode"], filters.weights, band=band, seed=seed
    )
    if ranked
    else None,
    filters,
    band=band,
    seed=seed,
    evaluator_weights=weights.edition_weights(snapshot, filters.edition),
)

# 4/ HISTORY across editions and evaluators
st.subheader(tr("Results across editions and evaluators"))
st.dataframe(
    view.history_table(history),
    hide_index=True,
    column_config=view.history_columns(),
    width="stretch",
    placeholder="—",
)
left, right = st.columns(2, gap="large")
with left:
    st.markdown(tr("**Total score and national rank by data year**"))
    view.render_history_chart(history)

# 5/ BREAKDOWN: first-level metrics against the province and China
with right:
    st.markdown(
        tr(
            "**First-level scores against province and China, {edition}**",
            edition=view.plain(label),
        )
    )
    view.render_breakdown(
        profile.breakdown(snapshot, header["adcode"], filters.edition),
        header,
        synthetic=assessments.is_synthetic(snapshot, filters.edition),
    )

# 6/ REAL PUBLISHED RESULTS with their sources
st.subheader(tr("Real published results"))
view.render_real_results(history, english_titles=english_titles)

# 7/ EVALUATORS behind every row
st.subheader(tr("Who assessed this county"))
view.render_evaluators(history)

# 7b/ RECORDS about the county's government bodies over time, and the way to them
# Real records (cited) first, the demo records apart: never counted together.
st.subheader(tr("Records about this county"))
real = records.real_records(snapshot, records.RecordFilters(county=header["adcode"]))
record_scores.render_county_real(real, filters, header["adcode"])
county_records = records.county_records(snapshot, header["adcode"])
record_scores.render_county_timeline(
    county_records.filter(pl.col("is_synthetic")),
    filters,
    header["adcode"],
    synthetic=True,
)

# 8/ ELSEWHERE: back to the atlas with this view, or another county
links.render(links.Links(filters).to(routes.ATLAS), tr("Back to the atlas"), icon=":material/map:")
with st.expander(tr("Find another county")):
    view.render_search(divisions.searchable(snapshot))
