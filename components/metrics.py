"""Metrics page: indicator tree, breakdown figures, weight sliders and rank-sensitivity views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import i18n, theme
from components.frame import sidebar
from components.i18n import labels, mark, speaks, tr
from components.profile import edition_label, plain
from components.provenance import md_escape
from components.reasons import reason_text
from loaders.derive.compare import Comparability
from loaders.schemas import FIRST_LEVEL

CONFIG = theme.CONFIG
PUBLISHED_ONLY_NOTE = mark(
    "This edition published only part of its results (ranks, list positions or "
    "memberships, at most a few scores) and no weights, so there is nothing to break "
    "down, re-weight or test for rank stability. Its indicator tree is shown above; its "
    "published results are on the atlas and the rankings page."
)
UNCONFIRMED = "#bdbdbd"  # placeholder names: grey, like counties without data
UNPLACED = "__unplaced__"
NAME_SEPARATOR = " · "  # between the English and Chinese names of an indicator
# Correlations run from −1 to 1: a diverging scale centred on zero (ColorBrewer RdBu).
DIVERGING = "RdBu"
BOX_METRIC_KEY = "metrics_box_metric"


def _chinese_name(key: str) -> str:
    """Return a metric's Chinese name: ours for the five first-level ones, else the data's.

    English uses its own names for the five too; others come from ``sidebar.metric_label``.
    """
    if key in labels.METRICS:
        return i18n.chinese(labels.METRICS[key])
    return sidebar.metric_label(key).removeprefix("· ")


def metric_name(key: str) -> str:
    """Return a first-level metric's display name: English and Chinese, or Chinese alone.

    Examples
    --------
    >>> metric_name("transparency"), metric_name("total")
    ('Transparency 透明度', 'Total')
    """
    if i18n.is_zh():
        return _chinese_name(key)
    if key in labels.METRICS:
        return f"{labels.METRICS[key]} {i18n.chinese(labels.METRICS[key])}"
    return key.replace("_", " ").capitalize()


def metric_title(key: str) -> str:
    """Return a first-level metric's short name in the interface language (slider labels).

    Examples
    --------
    >>> metric_title("honoring_agreements")
    'Honoring agreements'
    """
    return _chinese_name(key) if i18n.is_zh() else labels.METRICS.get(key, key)


def metric_header(key: str) -> str:
    """Return a first-level metric's column header in the interface language.

    Examples
    --------
    >>> metric_header("honoring_agreements"), metric_header("other")
    ('Honoring', 'other')
    """
    return _chinese_name(key) if i18n.is_zh() else labels.METRIC_HEADERS.get(key, key)


def place_label(place: str, province: str | None) -> str:
    """Return ``loaders.weights.place_name``'s place in the interface language.

    In Chinese, "China" is 全国 and a province keeps its Chinese name only (the
    place name is "English 中文"; a province's Chinese name has no space).

    Examples
    --------
    >>> place_label("Zhejiang 浙江省", "330000")
    'Zhejiang 浙江省'
    """
    if not i18n.is_zh():
        return place
    if not province:
        return tr("China")
    return place.rpartition(" ")[2]


def synthetic_suffix(synthetic: bool) -> str:
    """Return the suffix that marks a figure title as synthetic demo data (or nothing)."""
    return tr(" · synthetic demo data") if synthetic else ""


# --- indicator tree -----------------------------------------------------------------------


def percent(value: float) -> str:
    """Return a share as a whole percentage ("25%")."""
    return f"{value * 100:.1f}".removesuffix(".0") + "%"


def _ordered(tree: pl.DataFrame) -> pl.DataFrame:
    """Sort a tree by branch (the report's order of the five metrics), level and id."""
    if "crosswalk_key" not in tree.columns:
        return tree.sort("level", "indicator_id")
    order = {key: i for i, key in enumerate(FIRST_LEVEL)}
    branch = pl.col("crosswalk_key").replace_strict(
        order, default=len(order), return_dtype=pl.Int32
    )
    return (
        tree.with_columns(_branch=branch).sort("_branch", "level", "indicator_id").drop("_branch")
    )


def tree_nodes(tree: pl.DataFrame, *, root: str | None = None) -> pl.DataFrame:
    """Return an indicator tree as treemap nodes: ids, parents, labels, sizes and weight text.

    A node's size is its share of the whole: its weight times its parent's share
    when every sibling has a known weight, else an equal split of the parent (an
    unknown weight is never guessed, only drawn equal and labelled unknown).
    Second-level indicators whose parent was not published hang under an extra
    "parent not published" node.

    Parameters
    ----------
    tree
        An edition's ``indicators`` rows (``indicator_id``, ``parent_id``, ``level``,
        ``name_zh``, ``name_en``, ``weight``, ``name_confirmed``).
    root
        Label of the root node (default "All indicators", in the interface language).

    Returns
    -------
    One row per node, root first: ``id``, ``parent``, ``label``, ``level``,
    ``size`` (shares summing to 1 over the leaves), ``weight_text``, ``confirmed``
    and ``weight_known``.

    Examples
    --------
    >>> t = pl.DataFrame({"indicator_id": ["a", "b", "a.x", "a.y", "u1"],
    ...     "parent_id": [None, None, "a", "a", None], "level": [1, 1, 2, 2, 2],
    ...     "name_zh": ["甲", "乙", "x", "y", "未公开"], "name_en": ["A", "B", "X", "Y", "U"],
    ...     "weight": [0.75, 0.25, 0.4, 0.6, None],
    ...     "name_confirmed": [True, True, True, True, False]})
    >>> nodes = tree_nodes(t.head(4))
    >>> nodes.select("id", "parent", pl.col("size").round(6), "weight_text").rows()[1:3]
    [('a', '', 0.75, 'weight 75%'), ('a.x', 'a', 0.3, 'weight 40% of parent')]
    >>> nodes = tree_nodes(t)  # with an unplaced indicator: equal areas at the top
    >>> nodes.select("id", "parent", "size").rows()[-2:]
    [('__unplaced__', '', 0.3333333333333333), ('u1', '__unplaced__', 0.3333333333333333)]
    >>> nodes.filter(pl.col("id") == "u1").select("weight_text", "confirmed").row(0)
    ('weight unknown', False)
    """
    rows = _ordered(tree).to_dicts()
    ids = {r["indicator_id"] for r in rows}
    orphans = [r for r in rows if r["level"] > 1 and r["parent_id"] not in ids]
    children: dict[str, list[dict[str, Any]]] = {"": []}
    for r in rows:
        parent = "" if r["level"] == 1 else (r["parent_id"] if r not in orphans else UNPLACED)
        children.setdefault(parent, []).append(r)
    if orphans:
        children[""].append(
            {
                "indicator_id": UNPLACED,
                "level": 1,
                "name_zh": "上级指标未公开",
                "name_en": "Parent not published",
                "weight": None,
                "name_confirmed": False,
            }
        )
    nodes = [
        {
            "id": "",
            "parent": None,
            "label": tr("All indicators") if root is None else root,
            "level": 0,
            "size": 1.0,
            "weight_text": "",
            "confirmed": True,
            "weight_known": True,
        }
    ]

    def visit(parent: str, share: float) -> None:
        kids = children.get(parent, [])
        known = all(k["weight"] is not None for k in kids) and bool(kids)
        total = sum(k["weight"] for k in kids) if known else 0.0
        known = known and total > 0
        for kid in kids:
            own = kid["weight"] / total if known else 1 / len(kids)
            node_id = kid["indicator_id"]
            if kid["weight"] is None:
                text = tr("weight unknown")
            elif parent:
                text = tr("weight {share} of parent", share=percent(kid["weight"]))
            else:
                text = tr("weight {share}", share=percent(kid["weight"]))
            if i18n.is_zh():  # Chinese names only; an English one where none was published
                name = i18n.pick(kid["name_en"], kid["name_zh"])
            else:
                name = NAME_SEPARATOR.join(str(n) for n in (kid["name_en"], kid["name_zh"]) if n)
            nodes.append(
                {
                    "id": node_id,
                    "parent": parent,
                    "label": name,
                    "level": int(kid["level"]),
                    "size": share * own,
                    "weight_text": text,
                    "confirmed": bool(kid["name_confirmed"]),
                    "weight_known": kid["weight"] is not None,
                }
            )
            visit(node_id, share * own)

    visit("", 1.0)
    return pl.DataFrame(
        nodes,
        schema={
            "id": pl.String,
            "parent": pl.String,
            "label": pl.String,
            "level": pl.Int8,
            "size": pl.Float64,
            "weight_text": pl.String,
            "confirmed": pl.Boolean,
            "weight_known": pl.Boolean,
        },
    )


@speaks
def tree_figure(tree: pl.DataFrame, *, title: str, lang: str) -> go.Figure:
    """Return a treemap of an indicator tree; placeholders grey, unknown weights said so.

    Areas are the indicators' weights (equal where no weight was published, see
    :func:`tree_nodes`). Each box reads its name, its weight (or "weight unknown")
    and "name unconfirmed" for placeholder names.

    Examples
    --------
    >>> t = pl.DataFrame({"indicator_id": ["a", "u"], "parent_id": [None, None],
    ...     "level": [1, 2], "name_zh": ["甲", "未公开"], "name_en": ["A", "U"],
    ...     "weight": [None, None], "name_confirmed": [True, False]})
    >>> fig = tree_figure(t, title="Tree", lang="en")
    >>> list(fig.data[0].ids), list(fig.data[0].text)[2]
    (['', 'a', '__unplaced__', 'u'], 'weight unknown · name unconfirmed')
    """
    nodes = tree_nodes(tree)
    leaves = set(nodes.get_column("id")) - set(nodes.get_column("parent").drop_nulls())
    labels, texts, colours, values, templates = [], [], [], [], []
    for node in nodes.iter_rows(named=True):
        parts = [node["weight_text"]] if node["weight_text"] else []
        if not node["confirmed"]:
            parts.append(tr("name unconfirmed"))
        text = theme.plotly_escape(" · ".join(parts))
        names = [theme.plotly_escape(part) for part in node["label"].split(NAME_SEPARATOR)]
        leaf = node["id"] in leaves
        # Leaves: names on two lines so narrow boxes keep readable text. Parents: all on
        # one line in the label, as a parent's header strip shows its label only.
        if leaf:
            labels.append("<br>".join(names))
            templates.append("<b>%{label}</b><br>%{text}")
        else:
            labels.append(" ".join(names) + (f" · {text}" if text else ""))
            templates.append("<b>%{label}</b>")
        texts.append(text)
        if not node["confirmed"]:
            colours.append(UNCONFIRMED)
        elif node["level"] <= 1:
            colours.append(theme.SEQUENTIAL[6] if node["level"] == 1 else "#ffffff")
        else:
            colours.append(theme.SEQUENTIAL[3])
        # "remainder": a parent's area is the sum of its children's, so rounding never
        # makes a parent smaller than its children (which would blank the figure).
        values.append(node["size"] if leaf else 0.0)
    fig = go.Figure(
        go.Treemap(
            ids=nodes.get_column("id").to_list(),
            parents=nodes.get_column("parent").fill_null("").to_list(),
            labels=labels,
            values=values,
            branchvalues="remainder",
            text=texts,
            texttemplate=templates,
            hovertemplate=[t + "<extra></extra>" for t in templates],
            marker={"colors": colours, "line": {"color": "#ffffff", "width": 1}},
            root={"color": "#ffffff"},
            pathbar={"visible": False},
            sort=False,
        )
    )
    fig.update_layout(
        height=520,
        margin={"l": 0, "r": 0, "t": 36, "b": 0},
        title={"text": theme.plotly_escape(title), "font": {"size": 14}},
        font={"family": theme.FONT},
    )
    return fig


def tree_table(tree: pl.DataFrame) -> pl.DataFrame:
    """Return an indicator tree as a table: level, parent, names, weight and name status.

    Examples
    --------
    >>> t = pl.DataFrame({"indicator_id": ["a", "u"], "parent_id": [None, None],
    ...     "level": [1, 2], "name_zh": ["甲", "未公开"], "name_en": ["A", "U"],
    ...     "weight": [0.25, None], "name_confirmed": [True, False]})
    >>> tree_table(t).select("parent", "weight", "name_status").rows()
    [('—', '25%', 'published'), ('not published', 'unknown', 'placeholder (unconfirmed)')]

    In Chinese, parents are named in Chinese and the English names are left out.
    """
    zh = i18n.is_zh()
    weight = (pl.col("weight") * 100).round(1).cast(pl.String).str.strip_suffix(".0") + "%"
    parents = tree.select(parent_id="indicator_id", parent_name="name_zh" if zh else "name_en")
    missing = pl.when(pl.col("level") > 1).then(pl.lit(tr("not published"))).otherwise(pl.lit("—"))
    return (
        _ordered(tree.with_columns(pl.col("parent_id").cast(pl.String)))
        .join(parents, on="parent_id", how="left", maintain_order="left")
        .select(
            "level",
            pl.coalesce("parent_name", missing).alias("parent"),
            "name_zh",
            *(() if zh else ("name_en",)),
            weight.fill_null(tr("unknown")).alias("weight"),
            pl.when(pl.col("name_confirmed"))
            .then(pl.lit(tr("published")))
            .otherwise(pl.lit(tr("placeholder (unconfirmed)")))
            .alias("name_status"),
        )
    )


def tree_columns() -> dict[str, Any]:
    """Return ``st.dataframe`` column settings for :func:`tree_table` (no English names in zh)."""
    columns: dict[str, Any] = {
        "level": st.column_config.NumberColumn(tr("Level"), format="%d", width=50),
        "parent": st.column_config.TextColumn(tr("Parent")),
        "name_zh": st.column_config.TextColumn(tr("Name (zh)")),
        "name_en": st.column_config.TextColumn(tr("Name (en)")),
        "weight": st.column_config.TextColumn(
            tr("Weight"),
            help=tr("First level: share of the total; second level: share of its parent."),
        ),
        "name_status": st.column_config.TextColumn(tr("Name")),
    }
    if i18n.is_zh():
        del columns["name_en"]
    return columns


def edition_name(editions: pl.DataFrame, edition: str, *, label: bool = False) -> str:
    """Return how an edition is named: its id (or picker label) in English, its title in Chinese.

    ``label``: the picker's label (:func:`components.profile.edition_label`) rather
    than the id, in English.

    Examples
    --------
    >>> e = pl.DataFrame({"edition_id": ["d"], "title_zh": ["示例"], "data_year": [2021],
    ...     "evaluator_en": ["Demo X"], "mode": ["third_party"], "is_synthetic": [True]})
    >>> edition_name(e, "d"), edition_name(e, "d", label=True)
    ('d', '2021 · Demo X (synthetic)')
    """
    if not i18n.is_zh():
        return edition_label(editions, edition) if label else edition
    rows = editions.filter(pl.col("edition_id") == edition)
    return str(rows.item(0, "title_zh") or edition) if rows.height else edition


def render_tree_edition(editions: pl.DataFrame, *, default: str) -> str:
    """Draw the choice of edition whose indicator tree is shown; return it.

    ``editions`` are ``loaders.weights.tree_editions`` rows. The choice starts at
    ``default`` (the edition in view) and starts again there when that changes.
    """
    options = editions.get_column("edition_id").to_list()
    labels = {e: edition_name(editions, e, label=True) for e in options}
    index = options.index(default) if default in options else 0
    return str(
        st.selectbox(
            tr("Indicator tree of"),
            options,
            index=index,
            key=f"metrics_tree_{default}",
            format_func=lambda e: labels.get(e, e),
            help=tr(
                "Real editions published names only in part and no weights: placeholders "
                "are grey and unknown weights are drawn as equal areas."
            ),
        )
    )


def render_tree_note(tree: pl.DataFrame, verdict: Comparability | None) -> None:
    """Say what is unknown in the tree and, for another edition, whether it compares."""
    unknown = tree.get_column("weight").null_count()
    unconfirmed = tree.height - tree.get_column("name_confirmed").sum()
    notes = []
    if unknown:
        notes.append(
            tr(
                "{unknown} of {total} weights unknown (drawn as equal areas)",
                unknown=unknown,
                total=tree.height,
            )
        )
    if unconfirmed:
        notes.append(tr("{n} names unconfirmed (grey placeholders)", n=unconfirmed))
    between, end = ("；", "。") if i18n.is_zh() else ("; ", ". ")
    st.caption((between.join(notes) + end) if notes else tr("All names and weights published. "))
    if verdict is None:
        return
    reason = reason_text(verdict.reasons)
    if not verdict.comparable:
        st.warning(
            md_escape(tr("Not comparable with the edition in view: {reason}.", reason=reason)),
            icon=":material/block:",
        )
    elif verdict.flagged:
        st.info(
            md_escape(tr("Compare with the edition in view with care: {reason}.", reason=reason))
        )
    else:
        st.caption(
            md_escape(tr("Same indicator tree as the edition in view ({reason}).", reason=reason))
        )


# --- breakdowns ---------------------------------------------------------------------------


@speaks
def distribution_figure(
    frame: pl.DataFrame,
    *,
    metric: str,
    group: str,
    order: Sequence[str],
    title: str,
    lang: str,
) -> go.Figure:
    """Return box plots of ``metric`` per group, in the given order (highest median first).

    Examples
    --------
    >>> f = pl.DataFrame({"g": ["x", "y", "y"], "m": [50.0, 70.0, 80.0]})
    >>> fig = distribution_figure(f, metric="m", group="g", order=["y", "x"], title="t", lang="en")
    >>> list(fig.layout.xaxis.categoryarray), fig.data[0].type
    (['y', 'x'], 'box')
    """
    rows = frame.filter(pl.col(metric).is_not_null())
    counts = dict(rows.group_by(group).len().iter_rows())
    fig = go.Figure(
        go.Box(
            x=[theme.plotly_escape(str(g)) for g in rows.get_column(group)],
            y=rows.get_column(metric).to_list(),
            marker={"color": theme.SEQUENTIAL[6], "size": 3},
            line={"width": 1.2},
            boxpoints="outliers",
            name=theme.plotly_escape(metric_name(metric)),
            hoverinfo="y",
        )
    )
    ticks = [f"{theme.plotly_escape(str(g))} ({counts.get(g, 0)})" for g in order]
    fig.update_layout(
        height=400,
        margin={"l": 0, "r": 0, "t": 36, "b": 0},
        title={"text": theme.plotly_escape(title), "font": {"size": 14}},
        xaxis={
            "categoryorder": "array",
            "categoryarray": [theme.plotly_escape(str(g)) for g in order],
            "tickvals": [theme.plotly_escape(str(g)) for g in order],
            "ticktext": ticks,
            "tickangle": -60 if len(order) > 12 else 0,
        },
        yaxis={"title": tr("score")},
        showlegend=False,
        font={"family": theme.FONT},
    )
    return fig


@speaks
def correlation_figure(corr: pl.DataFrame, *, title: str, lang: str) -> go.Figure:
    """Return the correlation matrix as an annotated heatmap (−1 to 1, centred on 0).

    Examples
    --------
    >>> c = pl.DataFrame({"metric": ["transparency", "compliance"],
    ...     "transparency": [1.0, 0.5], "compliance": [0.5, 1.0]})
    >>> fig = correlation_figure(c, title="t", lang="en")
    >>> fig.data[0].zmin, fig.data[0].zmax, list(fig.data[0].x)
    (-1, 1, ['Transparency', 'Compliance'])
    """
    metrics = corr.get_column("metric").to_list()
    names = [theme.plotly_escape(metric_header(m)) for m in metrics]  # names from the data
    z = corr.select(metrics).rows()
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=names,
            y=names,
            zmin=-1,
            zmax=1,
            colorscale=DIVERGING,
            texttemplate="%{z:.2f}",
            hovertemplate="%{y} × %{x}: r = %{z:.3f}<extra></extra>",
            colorbar={"title": "r", "thickness": 12},
        )
    )
    fig.update_layout(
        height=400,
        margin={"l": 0, "r": 0, "t": 36, "b": 0},
        title={"text": theme.plotly_escape(title), "font": {"size": 14}},
        yaxis={"autorange": "reversed"},
        font={"family": theme.FONT},
    )
    return fig


@speaks
def means_figure(means: pl.DataFrame, *, group: str, title: str, lang: str) -> go.Figure:
    """Return the group × metric table of means as a heat table (one colour scale per view).

    Rows keep the order of ``means`` (highest overall first); each cell shows its value.

    Examples
    --------
    >>> m = pl.DataFrame({"p": ["a", "b"], "n": [2, 1], "transparency": [70.0, 60.0]})
    >>> fig = means_figure(m, group="p", title="t", lang="en")
    >>> list(fig.data[0].y), [list(row) for row in fig.data[0].z]
    (['a (2)', 'b (1)'], [[70.0], [60.0]])
    """
    metrics = [c for c in means.columns if c not in (group, "n")]
    rows = [f"{theme.plotly_escape(str(g))} ({n})" for g, n in means.select(group, "n").iter_rows()]
    fig = go.Figure(
        go.Heatmap(
            z=means.select(metrics).rows(),
            x=[theme.plotly_escape(metric_header(m)) for m in metrics],
            y=rows,
            colorscale=theme.sequential_scale(),
            texttemplate="%{z:.1f}",
            hovertemplate="%{y} · %{x}: " + tr("mean") + " %{z:.2f}<extra></extra>",
            colorbar={"title": tr("mean"), "thickness": 12},
            xgap=1,
            ygap=1,
        )
    )
    fig.update_layout(
        height=max(300, 130 + 22 * len(rows)),
        margin={"l": 0, "r": 0, "t": 110, "b": 0},
        title={
            "text": theme.plotly_escape(title),
            "font": {"size": 14},
            "y": 0.995,
            "yanchor": "top",
        },
        xaxis={"side": "top", "tickangle": -30},
        yaxis={"autorange": "reversed"},
        font={"family": theme.FONT},
    )
    return fig


def box_title(metric: str, *, provincial: bool) -> str:
    """Return the box plots' title: the metric by province, or by prefecture in a province.

    Examples
    --------
    >>> box_title("compliance", provincial=True)
    'Compliance 合规度 by prefecture, highest median first'
    """
    name = metric_name(metric)
    if provincial:
        return tr("{metric} by prefecture, highest median first", metric=name)
    return tr("{metric} by province, highest median first", metric=name)


def means_title(*, provincial: bool, counted: bool = False) -> str:
    """Return the heat table's title; ``counted`` says the row counts are counties.

    Examples
    --------
    >>> means_title(provincial=False), means_title(provincial=True, counted=True)
    ('Mean score by province', 'Mean score by prefecture (counties)')
    """
    if provincial:
        return (
            tr("Mean score by prefecture (counties)") if counted else tr("Mean score by prefecture")
        )
    return tr("Mean score by province (counties)") if counted else tr("Mean score by province")


def render_no_scores(scores: pl.DataFrame, place: str) -> None:
    """Stop the page with a sentence when no county of the view has scores (e.g. Tibet)."""
    if scores.is_empty():
        st.info(
            plain(
                tr(
                    "No county in {place} was assessed in this edition, so there are no "
                    "scores to break down, re-weight or rank. Choose another province or "
                    "edition.",
                    place=place,
                )
            ),
            icon=":material/info:",
        )
        st.stop()


def render_box_metric() -> str:
    """Draw the choice of metric for the box plots; return it (a first-level metric)."""
    st.session_state.setdefault(BOX_METRIC_KEY, FIRST_LEVEL[0])
    choice = st.segmented_control(
        tr("Metric"),
        FIRST_LEVEL,
        key=BOX_METRIC_KEY,
        bind="query-params",  # part of the shareable view
        required=True,
        # Labels made now: Streamlit may call format_func outside the run (no language).
        format_func={key: metric_title(key) for key in FIRST_LEVEL}.__getitem__,
        persist_state="session",
    )
    return str(choice or FIRST_LEVEL[0])


# --- user weights -------------------------------------------------------------------------


# --- rank sensitivity ---------------------------------------------------------------------
