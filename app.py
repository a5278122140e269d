"""Router: page config, the frame (sidebar controls, synthetic-data banner), the pages."""

from __future__ import annotations

import logging

import streamlit as st

from components import present
from components.i18n import mark, tr
from components.shell import import_enabled, render_shell

GENERIC_ERROR = mark(
    "Something went wrong while drawing this page, so it stops here rather than show "
    "partial numbers. The problem has been logged. Try another view, or reload the page."
)

st.set_page_config(
    page_title=tr("County government integrity ratings"),
    page_icon="⚖️",
    layout="wide",
)

pages = [
    st.Page("pages/atlas.py", title=tr("Atlas"), icon=":material/map:", url_path="", default=True),
    st.Page(
        "pages/rankings.py",
        title=tr("Rankings"),
        icon=":material/leaderboard:",
        url_path="rankings",
    ),
    st.Page(
        "pages/metrics.py",
        title=tr("Metrics and weights"),
        icon=":material/tune:",
        url_path="metrics",
    ),
    st.Page(
        "pages/evaluators.py",
        title=tr("Evaluators"),
        icon=":material/policy:",
        url_path="evaluators",
    ),
    st.Page(
        "pages/records.py", title=tr("Records"), icon=":material/folder_open:", url_path="records"
    ),
    st.Page(
        "pages/county.py",
        title=tr("County profile"),
        icon=":material/account_balance:",
        url_path="county",
    ),
    st.Page(
        "pages/data.py", title=tr("About the data"), icon=":material/menu_book:", url_path="data"
    ),
]
if import_enabled():  # public deployments are read-only (DESIGN.md §8)
    pages.append(
        st.Page(
            "pages/importer.py", title=tr("Import"), icon=":material/upload:", url_path="import"
        )
    )
# Presentation mode (present=1) hides the page list with the rest of the chrome.
page = st.navigation(pages, position="hidden" if present.is_on() else "sidebar")
render_shell(page.url_path)
try:
    page.run()
except Exception:  # Streamlit's stop and rerun signals are not Exceptions and pass through
    # Viewers get a plain message; the details go to the server log, never to the page.
    logging.getLogger("gi.app").exception("page %r failed", page.url_path)
    st.error(tr(GENERIC_ERROR), icon=":material/error:")
