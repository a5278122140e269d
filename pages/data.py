"""Data page: what the open snapshot holds (tables, editions, real vs synthetic)."""

from __future__ import annotations

import streamlit as st

from components import snapshot_summary as summary
from components.provenance import md_escape, safe_links
from components.shell import current_snapshot, page_filters
from components.snapshot_summary import edition_list, table_sizes
from loaders import assessments
from loaders.snapshot import open_snapshot

# 1/ SNAPSHOT
page_filters("data")
path = current_snapshot()
snapshot = open_snapshot(path)
editions = assessments.editions(path)

st.title("County government integrity ratings: the data")
st.caption(
    f"Snapshot {md_escape(snapshot.snapshot_id)} · "
    f"manifest sha256 `{snapshot.manifest_sha256[:16]}…`"
)
st.markdown(md_escape(str(snapshot.manifest.get("description", ""))))

# 2/ EDITIONS
st.subheader("Assessment editions")
st.dataframe(edition_list(editions), hide_index=True, width="stretch")

# 3/ REAL RESULTS: what each real edition published, and units no longer on the map
st.subheader("Real published results")
st.caption(
    "Each real edition with how many counties its sources name, of how many it covered "
    "(where stated), the kinds of source, and a link to its own source."
)
st.dataframe(
    safe_links(assessments.real_results(path), "source_url"),
    hide_index=True,
    width="stretch",
    placeholder="—",
    column_config=summary.REAL_RESULTS_COLUMNS,
)
gone = assessments.not_on_todays_map(path)
if not gone.is_empty():
    st.markdown("**Not on today's map** (units that were merged, split or abolished)")
    st.dataframe(gone, hide_index=True, width="stretch", placeholder="—")

# 4/ TABLES
st.subheader("Tables")
st.dataframe(table_sizes(snapshot.manifest), hide_index=True)
