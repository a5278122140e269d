"""Atlas: county choropleth of the selected edition and metric, with its distribution."""

from __future__ import annotations

import streamlit as st

from components import atlas, charts, exports, i18n, maps
from components import profile as search
from components.cache import cached
from components.frame import links, sidebar
from components.frame.shell import current_snapshot, page_filters
from components.i18n import county_name, tr
from components.provenance import md_escape, render_provenance
from loaders import assessments, divisions, evaluators

filters = page_filters("atlas")
snapshot = current_snapshot()
lang = i18n.lang()
label = sidebar.metric_label(filters.metric)
synthetic = assessments.is_synthetic(snapshot, filters.edition)
published = not assessments.has_ledger(snapshot, filters.edition)  # a real edition's list
view = assessments.county_view(snapshot, filters.edition, filters.metric, filters.province)

# 1/ CONTROLS
st.title(tr("Atlas"))
provenance = evaluators.provenance(snapshot, filters.edition)
render_provenance(provenance, filters)
classes = "" if published else sidebar.render_classes()

# 2/ MAP: built once per view and cached; a click opens the county's profile
left, right = st.columns([3, 1], gap="medium")
with left:
    with st.popover(tr("Find a county on the map"), icon=":material/search:"):
        search.render_search(
            divisions.searchable(snapshot), key="atlas_search", limit=6,
            on_pick=sidebar.find_county,
        )  # fmt: skip
    if filters.county:
        found = view.filter(view["adcode"] == filters.county)
        named = (
            county_name(found.item(0, "name_zh"), found.item(0, "name_pinyin"))
            if found.height
            else filters.county
        )
        links.render(
            links.Links(filters).county(filters.county),
            tr("Open the profile of {county} (outlined on the map)", county=md_escape(named)),
            icon=":material/account_balance:",
        )
    figure = cached(
        (
            "atlas",
            snapshot,
            filters.edition,
            filters.metric,
            filters.province,
            classes,
            label,
            lang,
            filters.county,
        ),
        lambda: atlas.map_figure(
            view,
            label=label,
            metric=filters.metric,
            province=filters.province,
            classes=classes,
            grade_scale=assessments.grade_scale(snapshot, filters.edition),
            published=published,
            synthetic=synthetic,
            lang=lang,
            county=filters.county,
        ),
    )
    charts.show(
        figure,
        title=tr("{label} by county", label=label),
        synthetic=synthetic,
        config=maps.CONFIG,
        summary=False,  # the map's own, fuller text alternative follows
        key="atlas_map",
        on_select=sidebar.open_clicked_county,
        selection_mode="points",
    )
    st.caption(atlas.map_caption(view, label=label, published=published, lang=lang))
    st.caption(tr("Click a county to open its profile. Hover for names, score, ranks and grade."))
sidebar.follow_county_click()


# 3/ DISTRIBUTION AND EXTREMES of the current view (a fragment: never rebuilds the map)
@st.fragment
def side_panels() -> None:
    """Distribution of the metric and the top and bottom ten of the view."""
    if published:  # a real edition: who it named
        st.markdown(tr("**Named in the published results**"))
        st.dataframe(
            atlas.named_counties(view),
            hide_index=True,
            column_config=atlas.published_columns(),
            placeholder="—",
        )
        return
    note = atlas.unscored_note(view)
    if note:  # e.g. Tibet, Hong Kong, Macau: outside the edition
        st.info(md_escape(note), icon=":material/info:")
        return
    charts.show(
        atlas.distribution(view, label=label, lang=lang),
        title=tr("Distribution of {label}", label=label),
        synthetic=synthetic,
        width=34,  # a narrow side panel
    )
    top, bottom = atlas.extremes(view)
    columns = atlas.extremes_columns(label)
    where = exports.scope(filters.province)
    tables = (
        (tr("**Top 10**"), top, "top", tr("Top 10 by {m} · {scope}", m=label, scope=where)),
        (tr("**Bottom 10**"), bottom, "bottom",
         tr("Bottom 10 by {m} · {scope}", m=label, scope=where)),
    )  # fmt: skip
    for heading, rows, end, what in tables:
        st.markdown(heading)
        st.dataframe(rows, hide_index=True, column_config=columns)
        exports.render_downloads(
            rows,
            what=what,
            file_stem=f"atlas-{end}10-{filters.edition}-{filters.metric}"
            + (f"-{filters.province[:2]}" if filters.province else ""),
            edition=filters.edition,
            synthetic=synthetic,
            snapshot=snapshot,
            provenance=provenance,
            titles={"score": label, "rank_national": tr("National rank")},
        )


with right:
    side_panels()
