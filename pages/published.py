"""Published results: every real result and record, searchable, mapped and downloadable."""

from __future__ import annotations

import streamlit as st

from components import charts, exports, i18n, maps
from components import published as view
from components.frame.banner import render_real_banner
from components.frame.shell import current_snapshot, page_filters
from components.i18n import tr
from loaders import divisions, overview

filters = page_filters("published")
snapshot = current_snapshot()
lang = i18n.lang()
results = overview.published_results(snapshot)

# 1/ WHAT THIS IS, and the filters (the province comes from the sidebar)
st.title(tr("Published results"))
render_real_banner(True)
st.caption(tr(view.NOTE))
names = results.filter(~(results["kind"] == "record")).unique("evaluator_id", keep="first")
evaluators = dict(
    names.select("evaluator_id", "evaluator_zh" if i18n.is_zh() else "evaluator_en").iter_rows()
)
text, kinds, chosen = view.render_filters(evaluators)
shown = view.narrow(results, text=text, kinds=kinds, evaluators=chosen, province=filters.province)

# 2/ WHERE REAL EVIDENCE EXISTS: how many real editions name each county
st.subheader(tr("Where real evidence exists"))
charts.show(
    view.evidence_map(
        divisions.load(snapshot), overview.named_counts(shown), province=filters.province,
        lang=lang,
    ),
    title=tr("Counties named in real published results"),
    synthetic=False,
    edition=False,
    config=maps.CONFIG,
)  # fmt: skip

# 3/ THE TABLE: the rows shown are the rows downloaded
st.subheader(tr("{n} real results and records", n=f"{shown.height:,}"))
table = view.table(shown)
st.dataframe(table, hide_index=True, column_config=view.columns(), placeholder="—")
exports.render_downloads(
    table,
    what=tr("Published results"),
    file_stem="published-results",
    edition=None,
    synthetic=False,
    snapshot=snapshot,
    disabled=table.is_empty(),
)
