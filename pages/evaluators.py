"""evaluators page (being built)."""

import streamlit as st

from components.shell import page_filters

filters = page_filters("evaluators")
st.title("Evaluators")
