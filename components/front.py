"""The front door: what these ratings are, what the snapshot holds, and four ways in."""

from __future__ import annotations

import polars as pl
import streamlit as st

from components import profile, routes
from components.frame import links
from components.frame.filters import Filters
from components.i18n import mark, tr
from loaders.overview import Counts

INTRO = mark(
    "China's State Council asked in 2016 for **government integrity (政务诚信)** — "
    "governments keeping their word and the law — to be recorded and rated, also by third "
    "parties. Rating firms, state academies, universities and the governments above the "
    "counties now publish ratings and lists of county governments. Full scores are "
    "almost never public: what is published are ranks, top-100 lists, designations and a "
    "few scores."
)
WHAT_HERE = mark(
    "Here are those real results, each with its source, who produced it and how that "
    "body is tied to government; and, apart and labelled, a sandbox of synthetic demo "
    "data that shows what full scores would allow."
)


def render_counts(counts: Counts) -> None:
    """Show what the snapshot holds: real evidence first, the demo sandbox last."""
    columns = st.columns(5)
    tiles = (
        (tr("Real editions"), counts.real_editions,
         tr("Real assessment editions with published results, each with its source.")),
        (tr("Real evaluators"), counts.real_evaluators,
         tr("Bodies that published those results: firms, academies, universities, governments.")),
        (tr("Counties named"), counts.counties_named,
         tr("County-level units named in at least one real published result.")),
        (tr("Real records"), counts.real_records,
         tr("Government bodies named in official notices or court lists, each cited.")),
        (tr("Demo editions"), counts.synthetic_editions,
         tr("Synthetic editions by fictional evaluators: a sandbox, not real assessments.")),
    )  # fmt: skip
    for column, (label, value, help_text) in zip(columns, tiles, strict=True):
        column.metric(label, f"{value:,}", help=help_text)


def render_ways_in(filters: Filters, divisions: pl.DataFrame) -> None:
    """Draw the four ways in: find a county, the published results, evaluators, the demo."""
    to = links.Links(filters)
    left, right = st.columns(2, gap="large")
    with left, st.container(border=True):
        st.markdown(tr("**Find a county**: its published results, records and demo scores."))
        chosen = profile.render_search(divisions, key="front_search", limit=8)
        if chosen:
            links.follow(to.to(routes.COUNTY, county=chosen, province=chosen[:2]))
    with right, st.container(border=True):
        st.markdown(tr("**The published results**: every real rank, list and score, sourced."))
        links.render(to.to(routes.PUBLISHED), tr("Open the published results"),
                     icon=routes.PUBLISHED.icon)  # fmt: skip
    left, right = st.columns(2, gap="large")
    with left, st.container(border=True):
        st.markdown(tr("**The evaluators**: who rates, with what ties to government."))
        links.render(to.to(routes.EVALUATORS), tr("Open the evaluators"),
                     icon=routes.EVALUATORS.icon)  # fmt: skip
    with right, st.container(border=True):
        st.markdown(
            tr(
                "**The demo atlas**: a sandbox of synthetic scores by fictional evaluators, "
                "to try maps, rankings and weights. Not real assessments."
            )
        )
        links.render(to.to(routes.ATLAS), tr("Open the demo atlas"), icon=routes.ATLAS.icon)
    links.render(
        to.to(routes.METHODOLOGY),
        tr("How these ratings and records come about, with every source: the methodology"),
        icon=routes.METHODOLOGY.icon,
    )
