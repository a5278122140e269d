"""Metrics and weights: what a score is made of, your own weights, and how stable each rank is."""

from __future__ import annotations

import streamlit as st

from components import charts, exports, i18n
from components import metrics as view
from components import rankings as table
from components import weights as weights_view
from components.frame import sidebar
from components.frame.filters import format_weights
from components.frame.shell import current_snapshot, page_filters
from components.i18n import tr
from components.provenance import md_escape, render_provenance
from loaders import assessments, evaluators, rankings
from loaders import weights as weighting
from loaders.derive.weights import (
    biggest_movers,
    correlations,
    group_columns,
    group_means,
    median_order,
)

filters = page_filters("metrics")
snapshot = current_snapshot()
lang = i18n.lang()
facts = rankings.edition_facts(snapshot, filters.edition)
is_synthetic = bool(facts.get("is_synthetic"))
synthetic = view.synthetic_suffix(is_synthetic)
place = view.place_label(weighting.place_name(snapshot, filters.province), filters.province)
provincial = filters.province is not None

# 1/ INDICATOR TREE of the edition in view, or of another edition (the real ones are partial)
st.title(tr("Metrics and weights"))
render_provenance(evaluators.provenance(snapshot, filters.edition), filters)
st.subheader(tr("What the score is made of"))
tree_editions = weighting.tree_editions(snapshot)
tree_edition = view.render_tree_edition(tree_editions, default=filters.edition)
tree = assessments.indicators(snapshot, tree_edition)
other = tree_edition != filters.edition
verdict = weighting.compare_trees(snapshot, filters.edition, tree_edition) if other else None
tree_synthetic = view.synthetic_suffix(assessments.is_synthetic(snapshot, tree_edition))
tree_name = view.edition_name(tree_editions, tree_edition)
tree_title = tr("Indicator tree · {edition}", edition=tree_name) + tree_synthetic
charts.show(
    view.tree_figure(tree, title=tree_title, lang=lang),
    title=tree_title,
    synthetic=assessments.is_synthetic(snapshot, tree_edition),
    edition=not other,
)
view.render_tree_note(tree, verdict)
with st.expander(tr("The indicator tree as a table")):
    st.dataframe(view.tree_table(tree), hide_index=True, column_config=view.tree_columns())

# 2/ BREAKDOWNS of the first-level metrics: by province, or by prefecture within a province
if not assessments.has_ledger(snapshot, filters.edition):  # a real edition's partial results
    st.info(tr(view.PUBLISHED_ONLY_NOTE), icon=":material/newspaper:")
    st.stop()
st.subheader(tr("First-level metrics across {place}", place=md_escape(place)))
scores = weighting.metric_scores(snapshot, filters.edition, province=filters.province)
view.render_no_scores(scores, place)
_, group = group_columns(filters.province, lang=lang)
metric = view.render_box_metric()
order = median_order(scores, metric=metric, group=group)
box_title = view.box_title(metric, provincial=provincial) + synthetic
figure = view.distribution_figure(
    scores, metric=metric, group=group, order=order, title=box_title, lang=lang
)
charts.show(figure, title=box_title, synthetic=is_synthetic)
left, right = st.columns(2, gap="medium")
correlations = correlations(scores)
charts.show(
    view.correlation_figure(
        correlations, title=tr("Correlation between metrics") + synthetic, lang=lang
    ),
    title=tr("Correlation between metrics"),
    synthetic=is_synthetic,
    where=left,
    width=55,
)
means = group_means(scores, group=group)
charts.show(
    view.means_figure(
        means,
        group=group,
        title=view.means_title(provincial=provincial, counted=True) + synthetic,
        lang=lang,
    ),
    title=view.means_title(provincial=provincial),
    synthetic=is_synthetic,
    where=right,
    width=55,
)


# 3/ YOUR WEIGHTS and 4/ RANK SENSITIVITY: fragments, so a slider or the band reruns
# only these panels, never the tree and the breakdowns above (issue 21)
@st.fragment
def weights_panel() -> None:
    """Sliders, the ranking under them and its downloads; then the sensitivity panel."""
    weights = sidebar.current().weights  # the sliders may have moved since the page ran
    st.subheader(tr("Your own weights"))
    chosen = weights_view.render_weight_sliders(
        weights, weighting.edition_weights(snapshot, filters.edition)
    )
    ranking = weighting.ranking_under(snapshot, filters.edition, weights, province=filters.province)
    shown = weights_view.ranking_columns(ranking, provincial=provincial)
    config = weights_view.ranking_config(provincial=provincial)
    st.markdown(tr("**Biggest movers against the evaluator's weights**"))
    weights_view.render_movers(
        weights_view.ranking_columns(biggest_movers(ranking), provincial=provincial), config
    )
    st.markdown(tr("**Ranking under these weights · {place}**", place=md_escape(place)))
    st.dataframe(
        shown, hide_index=True, column_config=config, height=table.table_height(shown, most=420)
    )
    file_name = weights_view.csv_name(filters.edition, weights, filters.province)
    exports.render_downloads(
        shown,
        what=tr(
            "Ranking of {place} under weights {weights}",
            place=place,
            weights=format_weights(chosen),
        ),
        file_stem=file_name.removesuffix(".csv"),
        edition=filters.edition,
        synthetic=bool(facts.get("is_synthetic")),
        snapshot=snapshot,
        provenance=evaluators.provenance(snapshot, filters.edition),
        label=tr("this ranking"),
    )
    sensitivity_panel(weights, chosen)


@st.fragment
def sensitivity_panel(weights: tuple[float, ...] | None, chosen: tuple[float, ...]) -> None:
    """Best and worst rank when every weight varies within a band (its own reruns)."""
    st.subheader(tr("How stable is each rank?"))
    band, seed, n = weights_view.render_sensitivity_controls()
    ranges = weighting.sensitivity(
        snapshot, filters.edition, weights, band=band, seed=seed, province=filters.province
    )
    range_title = (
        tr(
            "Rank range of the top {n} in {place} under ±{band} weights",
            n=n,
            place=place,
            band=f"{band:.0%}",
        )
        + synthetic
    )
    figure = weights_view.range_figure(ranges, n=n, title=range_title, where=group, lang=lang)
    charts.show(figure, title=range_title, synthetic=is_synthetic)
    weights_view.render_sensitivity_caption(chosen, band=band, seed=seed)


weights_panel()
