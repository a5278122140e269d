"""The data-kind banners: synthetic demo data and real published results, whenever on screen."""

from __future__ import annotations

import streamlit as st

from components.i18n import mark, tr

SYNTHETIC_NOTICE = mark(
    "Synthetic demo data on screen: scores and records by fictional 'Demo' evaluators, "
    "generated for demonstration. They are not real assessments of any county."
)
REAL_NOTICE = mark(
    "Real published results on screen: only what the source published (ranks, list "
    "positions, memberships, a few scores), each with a link to its source. Counties a "
    "source did not name are shown as not published, never as low scores."
)


def render_synthetic_banner(show: bool) -> None:
    """Show the synthetic-data warning when ``show`` is true."""
    if show:
        st.warning(tr(SYNTHETIC_NOTICE), icon="⚠️")


def render_real_banner(show: bool) -> None:
    """Show the real-results note when ``show`` is true."""
    if show:
        st.info(tr(REAL_NOTICE), icon=":material/newspaper:")
