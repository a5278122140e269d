"""Router: page config, the sidebar frame and the page list."""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="County government integrity ratings",
    page_icon="⚖️",
    layout="wide",
)

pages = [
    st.Page("pages/data.py", title="Data", url_path="data", default=True),
]
st.navigation(pages).run()
