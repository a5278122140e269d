"""Rankings: national or provincial ranking of an edition, filterable, with CSV/XLSX downloads."""

from __future__ import annotations

import streamlit as st

from components import atlas, exports
from components import rankings as table
from components.frame import links, sidebar
from components.frame.shell import current_snapshot, page_filters
from components.i18n import tr
from components.provenance import md_escape, render_provenance
from loaders import assessments, evaluators, rankings
from loaders.derive.rankings import filter_rankings

filters = page_filters("rankings")
snapshot = current_snapshot()
facts = rankings.edition_facts(snapshot, filters.edition)
basis = rankings.rank_change_basis(snapshot, filters.edition)
ranking = rankings.ranking_table(
    snapshot, filters.edition, province=filters.province, metric=filters.metric
)
metric_label = sidebar.metric_label(filters.metric)
provenance = evaluators.provenance(snapshot, filters.edition)

# 1/ FILTERS: the sidebar holds edition and province; the page adds its own
st.title(tr("Rankings"))
render_provenance(provenance, filters)
if not assessments.has_ledger(snapshot, filters.edition):  # a real edition's partial list
    view = assessments.county_view(snapshot, filters.edition, province=filters.province)
    named = atlas.named_counties(view)
    st.caption(tr(table.PUBLISHED_NOTE))
    st.dataframe(named, hide_index=True, column_config=atlas.published_columns(), placeholder="—")
    exports.render_downloads(
        named,
        what=tr("Published results · {scope}", scope=exports.scope(filters.province)),
        file_stem=table.csv_name(filters.edition, filters.province).removesuffix(".csv"),
        edition=filters.edition,
        synthetic=False,
        snapshot=snapshot,
        provenance=provenance,
    )
    st.stop()
table.render_rank_change_note(basis, rankings.edition_facts(snapshot, basis.previous or ""))
chosen = table.render_filters(ranking)
top = table.render_top()

# 2/ DATA: the rows the filters keep, by rank on the chosen metric, the first N of them
matching = filter_rankings(
    ranking, prefecture=chosen.prefecture, grades=chosen.grades, search=chosen.search
)
shown = table.shown_columns(table.top_rows(matching, top), filters.metric)
provincial = filters.province is not None

# 3/ TABLE: in rank order; the download holds exactly these rows in this order
st.dataframe(
    shown,
    hide_index=True,
    height=table.table_height(shown),
    placeholder="–",
    column_config=table.column_config(
        provincial=provincial, score_max=facts.get("score_max"), metric_label=metric_label
    ),
)
st.caption(
    tr(
        "{count}, ranked by {metric} (computed here); “Published as” is what the evaluator "
        "itself published. Sorting by a column header reorders the screen only: the "
        "download keeps the rank order.",
        count=table.count_caption(shown, ranking),
        metric=metric_label,
    )
)
match = table.single_match(shown, chosen)
if match is not None:
    adcode, name = match
    links.render(
        links.Links(filters).county(adcode),
        tr("Open the profile of {county}", county=md_escape(name)),
        icon=":material/account_balance:",
    )

# 4/ DOWNLOAD: exactly the rows shown
exports.render_downloads(
    shown,
    what=tr(
        "Rankings by {metric} · {scope} · {rows}",
        metric=metric_label,
        scope=exports.scope(filters.province),
        rows=tr("all") if top == "all" else tr("top {n}", n=top),
    ),
    file_stem=table.csv_name(filters.edition, filters.province, filters.metric, top).removesuffix(
        ".csv"
    ),
    edition=filters.edition,
    synthetic=bool(facts.get("is_synthetic")),
    snapshot=snapshot,
    provenance=provenance,
    titles=table.rank_titles(provincial=provincial, metric_label=metric_label),
)
