"""The front door: what government-integrity ratings are, what is here, and four ways in."""

from __future__ import annotations

import streamlit as st

from components import front
from components.frame import links
from components.frame.shell import current_snapshot, page_filters
from components.i18n import tr
from loaders import divisions, overview

filters = page_filters("")
links.forward_legacy_atlas(filters)  # an old atlas link ("/?province=52") opens the atlas
snapshot = current_snapshot()

st.title(tr("Who rates China's county governments, and for what?"))
st.markdown(tr(front.INTRO))
st.markdown(tr(front.WHAT_HERE))
front.render_counts(overview.counts(snapshot))
front.render_ways_in(filters, divisions.searchable(snapshot))
