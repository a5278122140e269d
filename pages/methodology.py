"""Methodology: how the ratings, records and demo data come about, every paragraph sourced."""

from __future__ import annotations

import streamlit as st

from components import methodology as view
from components.frame.shell import current_snapshot, page_filters
from components.i18n import tr
from loaders import methodology

# 1/ DATA: the paragraphs and the sources they cite
filters = page_filters("methodology")
snapshot = current_snapshot()
paragraphs = methodology.paragraphs(snapshot)
sources = methodology.cited_sources(snapshot)
by_id = {row["source_id"]: row for row in sources.iter_rows(named=True)}

# 2/ CONTENTS
st.title(tr("Methodology"))
st.markdown(tr(view.INTRO))
view.render_contents()

# 3/ SECTIONS: every paragraph with its sources under it
for anchor, heading in view.SECTIONS:
    view.render_section(anchor, heading, paragraphs, by_id)
    view.render_section_links(anchor, filters)

# 4/ SOURCES: every source the page cites, with its link
st.subheader(tr("Sources cited on this page"), anchor="sources")
st.dataframe(
    view.sources_table(sources),
    hide_index=True,
    width="stretch",
    placeholder="—",
    column_config=view.sources_config(),
)
