"""Router: page config, the frame (sidebar controls, synthetic-data banner), the pages."""

from __future__ import annotations

import logging

import streamlit as st

from components import routes
from components.frame import url
from components.frame.shell import import_enabled, render_shell
from components.i18n import mark, tr

GENERIC_ERROR = mark(
    "Something went wrong while drawing this page, so it stops here rather than show "
    "partial numbers. The problem has been logged. Try another view, or reload the page."
)

st.set_page_config(
    page_title=tr("County government integrity ratings"),
    page_icon="⚖️",
    layout="wide",
)


def as_page(route: routes.Route) -> st.Page:
    """Return the registry's route as a Streamlit page, titled in the interface language."""
    return st.Page(
        route.file,
        title=tr(route.title),
        icon=route.icon,
        url_path=route.url_path,
        default=route is routes.HOME,
    )


# Public deployments are read-only: /import exists only where importing is on (§8).
shown = [*routes.PAGES, *([routes.IMPORT] if import_enabled() else [])]
# Presentation mode (present=1) hides the page list with the rest of the chrome.
page = st.navigation(
    [as_page(route) for route in shown], position="hidden" if url.presenting() else "sidebar"
)
try:
    render_shell(page.url_path)
    page.run()
except Exception:  # Streamlit's stop and rerun signals are not Exceptions and pass through
    # Viewers get a plain message; the details go to the server log, never to the page.
    logging.getLogger("gi.app").exception("page %r failed", page.url_path)
    st.error(tr(GENERIC_ERROR), icon=":material/error:")
