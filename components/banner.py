"""The synthetic-data banner shown whenever synthetic numbers are on screen."""

from __future__ import annotations

import streamlit as st

SYNTHETIC_NOTICE = (
    "Synthetic demo data on screen: scores and records by fictional 'Demo' evaluators, "
    "generated for demonstration. They are not real assessments of any county."
)


def render_synthetic_banner(show: bool) -> None:
    """Show the synthetic-data warning when ``show`` is true."""
    if show:
        st.warning(SYNTHETIC_NOTICE, icon="⚠️")
