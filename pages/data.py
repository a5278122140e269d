"""Data page: what the open snapshot holds (tables, editions, real vs synthetic)."""

from __future__ import annotations

import streamlit as st

from components import i18n
from components import snapshot_summary as summary
from components.frame.shell import current_snapshot, page_filters
from components.i18n import tr
from components.provenance import md_escape, safe_links
from loaders import assessments, divisions, evaluators
from loaders.derive.universe import universe
from loaders.store import open_snapshot

# 1/ SNAPSHOT
page_filters("data")
path = current_snapshot()
snapshot = open_snapshot(path)
editions = assessments.editions(path)

st.title(tr("County government integrity ratings: the data"))
st.caption(
    tr(
        "Snapshot {snapshot} · manifest sha256 `{sha}…`",
        snapshot=md_escape(snapshot.snapshot_id),
        sha=snapshot.manifest_sha256[:16],
    )
)
st.markdown(
    md_escape(summary.description(snapshot.manifest, editions, universe(divisions.load(path))))
)

# 2/ WHAT IS RATED: government integrity vs social credit, and what each family measures
intro, families = evaluators.families(path)
st.subheader(tr("What these ratings measure"))
st.markdown(intro["zh"] if i18n.is_zh() else intro["en"])
summary.render_families(summary.families_table(families))

# 3/ EDITIONS
st.subheader(tr("Assessment editions"))
st.dataframe(
    summary.edition_list(editions),
    hide_index=True,
    width="stretch",
    column_config=summary.edition_list_columns(),
)

# 4/ REAL RESULTS: what each real edition published, and units no longer on the map
st.subheader(tr("Real published results"))
st.caption(
    tr(
        "Each real edition with how many counties its sources name, of how many it covered "
        "(where stated), the kinds of source, and a link to its own source."
    )
)
st.dataframe(
    safe_links(summary.real_results_table(assessments.real_results(path), editions), "source_url"),
    hide_index=True,
    width="stretch",
    placeholder="—",
    column_config=summary.real_results_columns(),
)
gone = assessments.not_on_todays_map(path)
if not gone.is_empty():
    st.markdown(tr("**Not on today's map** (units that were merged, split or abolished)"))
    st.dataframe(
        gone,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config=summary.not_on_map_columns(),
    )

# 5/ TABLES
st.subheader(tr("Tables"))
st.dataframe(
    summary.table_sizes(snapshot.manifest),
    hide_index=True,
    column_config=summary.table_sizes_columns(),
)
