"""Rankings (being built)."""

import streamlit as st

st.title("Rankings")
