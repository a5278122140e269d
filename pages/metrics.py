"""metrics page (being built)."""

import streamlit as st

from components.shell import page_filters

filters = page_filters("metrics")
st.title("Metrics")
