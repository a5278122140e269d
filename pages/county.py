"""County profile (being built)."""

import streamlit as st

st.title("County profile")
