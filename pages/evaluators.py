"""Evaluators: who produced each score, their ties, what they covered, how they disagree."""

from __future__ import annotations

import streamlit as st

from components import charts, i18n, maps
from components import evaluators as view
from components.frame import sidebar
from components.frame.shell import current_snapshot, page_filters
from components.i18n import tr
from loaders import assessments, divisions, evaluators, geo

filters = page_filters("evaluators")
snapshot = current_snapshot()
lang = i18n.lang()
registry = evaluators.registry(snapshot)

# 1/ WHO: the current edition's evaluator unless another is picked
st.title(tr("Evaluators"))
st.caption(
    tr(
        "Who produced each score, how close they sit to government, whether their method is "
        "public, and whether their results look biased. Real evaluators carry cited facts "
        "only; Demo evaluators and their numbers are synthetic."
    )
)
chosen = view.render_evaluator_picker(registry, evaluators.evaluator_of(snapshot, filters.edition))
tabs = st.tabs(
    [tr("Registry"), tr("Ties to government"), tr("Coverage"), tr("Divergence"), tr("Home bias")]
)

# 2/ REGISTRY: the evaluator, its ties with confidence and source, its editions
with tabs[0]:
    view.render_evaluator_card(chosen)
    st.markdown(tr("**Ties**"))
    ties = view.ties_table(evaluators.ties(snapshot, chosen["evaluator_id"]))
    view.render_table(ties, view.ties_columns())
    st.markdown(tr("**Editions**"))
    editions = evaluators.editions_of(snapshot, chosen["evaluator_id"])
    view.render_table(view.editions_table(editions), view.editions_columns())

# 3/ TIES: the chosen evaluator's (or every evaluator's) ties in one picture
with tabs[1]:
    st.caption(tr(view.TIES_NOTE))
    everyone = view.render_ties_scope()
    shown_ties = evaluators.ties(snapshot, None if everyone else chosen["evaluator_id"])
    if shown_ties.is_empty():
        st.info(tr("No tie of this evaluator is recorded."), icon=":material/info:")
    else:
        charts.show(
            view.ties_graph(shown_ties, view.evaluator_names(registry), lang=lang),
            title=tr("Who is tied to whom: evaluators and the parties behind them"),
            synthetic=charts.MIXED if everyone else bool(chosen["is_synthetic"]),
            edition=False,
            summary=view.ties_summary(shown_ties),
        )

# 4/ COVERAGE LEDGER of one of the evaluator's editions (the current one if it is theirs)
with tabs[2]:
    ledger = view.render_edition_picker(editions, filters.edition)
    if ledger:
        county_view = assessments.county_view(snapshot, ledger, province=filters.province)
        layer = (
            geo.province_layer_name(filters.province) if filters.province else geo.NATIONAL_LAYER
        )
        charts.show(
            maps.status_map(
                county_view,
                counties_url=geo.static_url(layer),
                outlines_url=geo.static_url(geo.PROVINCES_LAYER),
                province=filters.province,
                synthetic=assessments.is_synthetic(snapshot, ledger),
                lang=lang,
            ),
            title=tr("Coverage of {edition}", edition=view.edition_title(editions, ledger)),
            synthetic=assessments.is_synthetic(snapshot, ledger),
            edition=ledger == filters.edition,
            config=maps.CONFIG,
        )
        view.render_table(evaluators.coverage_counts(snapshot, ledger), view.coverage_columns())

# 5/ DIVERGENCE between the current edition and another (compare parameter)
with tabs[3]:
    labels = sidebar.edition_labels()
    compare = sidebar.render_compare(assessments.scored_editions(snapshot), labels)
    result = evaluators.divergence_between(snapshot, filters.edition, compare) if compare else None
    view.render_divergence(result, labels)

# 6/ HOME BIAS of every edition whose evaluator has a home province
with tabs[4]:
    st.caption(tr(view.HOME_BIAS_NOTE))
    view.render_home_bias(
        evaluators.home_bias_table(snapshot),
        assessments.editions(snapshot),
        divisions.province_names(snapshot, lang),
    )
