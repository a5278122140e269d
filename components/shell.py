"""The frame around every page: global controls in the sidebar and the synthetic-data banner."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from components import state
from components.banner import render_synthetic_banner
from loaders import assessments, divisions, paths
from loaders.snapshot import SnapshotError, load

_RENDERED = "_shell_rendered"
# Pages that show every edition at once always carry synthetic rows.
ALL_EDITION_PAGES = ("county", "data")


def render_shell(url_path: str) -> state.Filters:
    """Draw the sidebar controls and the banner for the page at ``url_path``; return the view.

    A snapshot that cannot be read (missing, altered, invalid) stops the page with a
    clear message instead of showing numbers.
    """
    snapshot = paths.default_snapshot()
    try:
        choices = state.build_choices(
            assessments.editions(snapshot),
            load(snapshot, "indicators"),
            divisions.load(snapshot),
        )
    except SnapshotError as exc:
        st.error(f"The data snapshot cannot be used, so no numbers are shown: {exc}")
        st.stop()
    filters = state.render_sidebar(choices)
    render_synthetic_banner(
        assessments.is_synthetic(snapshot, filters.edition) or url_path in ALL_EDITION_PAGES
    )
    st.session_state[_RENDERED] = True
    return filters


def page_filters(url_path: str) -> state.Filters:
    """Return the view for a page; draw the frame first if the router did not (a page run alone).

    Every page calls this once, first. Under ``app.py`` the router has drawn the
    frame in the same run; a page run on its own (e.g. by AppTest's page switch)
    draws it here, so pages behave the same either way.
    """
    if st.session_state.pop(_RENDERED, False):
        return state.current()
    if PagesManager.uses_pages_directory:
        # NOTE: Streamlit 1.67 treats an app with a pages/ folder as an old-style
        # multipage app until some run has called st.navigation, so the first visit
        # to /rankings after a restart runs this file alone. Switch the server to
        # st.navigation and rerun: the router then draws the requested page.
        PagesManager.uses_pages_directory = False
        st.rerun()
    filters = render_shell(url_path)
    st.session_state.pop(_RENDERED, None)
    return filters
