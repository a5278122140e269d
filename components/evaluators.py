"""Evaluator views: registry tables, the ties diagram, divergence charts and their columns."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import charts, i18n, theme
from components.i18n import (
    col,
    county_name_expr,
    is_zh,
    labels,
    mark,
    pick,
    speaks,
    tr,
    translated,
)
from components.provenance import (
    enum_expr,
    enum_label,
    md_escape,
    safe_links,
    source_title,
    source_title_expr,
)
from components.reasons import is_same_tree, reason_text

CONFIDENCE_COLOURS = {
    "confirmed": "rgba(8,29,88,0.75)",
    "reported": "rgba(29,145,192,0.6)",
    "unverified": "rgba(230,85,13,0.45)",
}


def ties_columns() -> dict[str, Any]:
    """Return the column configuration of the ties table (in the interface language)."""
    return {
        "party_name": st.column_config.TextColumn(tr("Party")),
        "relation": st.column_config.TextColumn(tr("Tie")),
        "confidence": st.column_config.TextColumn(tr("Confidence")),
        "party_type": st.column_config.TextColumn(tr("Type")),
        "party_name_en": st.column_config.TextColumn(tr("In English")),
        "share_pct": st.column_config.NumberColumn(tr("Share %"), format="%.1f"),
        "as_of": st.column_config.TextColumn(tr("As of")),
        "note": st.column_config.TextColumn(tr("Note"), width="large"),
        "source_title": st.column_config.TextColumn(tr("Source")),
        "source_url": st.column_config.LinkColumn(tr("Link"), display_text=tr("open ↗")),
        "source_reliability": st.column_config.TextColumn(tr("Source kind")),
    }


def editions_columns() -> dict[str, Any]:
    """Return the column configuration of an evaluator's editions (in the interface language)."""
    return {
        "data_year": st.column_config.NumberColumn(tr("Data year"), format="%d"),
        col("title"): st.column_config.TextColumn(tr("Edition")),
        "released": st.column_config.TextColumn(tr("Released")),
        "mode": st.column_config.TextColumn(tr("Mode")),
        "n_subjects": st.column_config.NumberColumn(tr("Counties"), format="%d"),
        "n_provinces": st.column_config.NumberColumn(tr("Provinces"), format="%d"),
        "exclusions_note": st.column_config.TextColumn(tr("Exclusions")),
        "method_published": st.column_config.TextColumn(tr("Method published")),
        "data": st.column_config.TextColumn(tr("Data")),
        "source_title": st.column_config.TextColumn(tr("Source")),
        "source_url": st.column_config.LinkColumn(tr("Link"), display_text=tr("open ↗")),
    }


def _labelled(column: str, labels: Mapping[Any, str]) -> pl.Expr:
    """Return ``column`` replaced by its labels in the interface language (vectorised)."""
    return pl.col(column).replace_strict(
        translated(labels), default=pl.col(column), return_dtype=pl.String
    )


def ties_table(ties: pl.DataFrame) -> pl.DataFrame:
    """Return ties for display: readable types and relations, confidence as a badge."""
    table = ties.select(
        "party_name",
        enum_expr("relation", labels.TIE_RELATIONS),
        _labelled("confidence", labels.CONFIDENCE_BADGES),
        _labelled("party_type", labels.PARTY_TYPES),
        "party_name_en",
        "share_pct",
        "as_of",
        "note",
        source_title_expr(),
        "source_url",
        enum_expr("source_reliability", labels.RELIABILITIES),
    )
    return safe_links(table, "source_url")


def editions_table(editions: pl.DataFrame) -> pl.DataFrame:
    """Return an evaluator's editions for display, each marked real or synthetic."""
    table = editions.select(
        "data_year",
        col("title"),
        "released",
        enum_expr("mode", labels.MODES),
        "n_subjects",
        "n_provinces",
        "exclusions_note",
        enum_expr("method_published", labels.DISCLOSURES, english=pl.col("method_published")),
        data=pl.when(pl.col("is_synthetic"))
        .then(pl.lit(tr(labels.DATA_KINDS[True])))
        .otherwise(pl.lit(tr(labels.DATA_KINDS[False]))),
        source_title=source_title_expr(),
        source_url=pl.col("source_url"),
    )
    return safe_links(table, "source_url")


def evaluator_names(registry: pl.DataFrame) -> dict[str, str]:
    """Return each evaluator's name in the interface language, by evaluator id."""
    names = registry.select("evaluator_id", name=pl.coalesce(col("name"), "name_en", "name_zh"))
    return dict(names.iter_rows())


def _lines(text: str, width: int = 38) -> list[str]:
    """Return ``text`` in lines of about ``width`` characters, broken only at spaces.

    >>> _lines("Demo Holding Group (fictional) Co., Ltd.", 20)
    ['Demo Holding Group', '(fictional) Co.,', 'Ltd.']
    """
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


@speaks
def ties_graph(
    ties: pl.DataFrame, names: Mapping[str, str] | None = None, *, lang: str
) -> go.Figure:
    """Draw each evaluator with the parties tied to it: a line per tie, coloured by confidence.

    Parties sit on the left (red dots: government or party bodies), their evaluator on the
    right; each line says the relation on a white label, and each label sits beside its
    dot on a white background, so nothing is printed over anything else.

    Parameters
    ----------
    ties
        ``loaders.evaluators.ties`` rows (with ``evaluator_en``), of one evaluator or all.
    names
        Evaluator names by id in the interface language (default: ``evaluator_en``).
    """
    rows = ties.sort("evaluator_id", "party_type", "party_name").to_dicts()
    names = names or {}
    notes: list[dict[str, Any]] = []
    dots: list[tuple[float, float, str, int, str]] = []  # x, y, colour, size, symbol
    lines: dict[str, tuple[list[float | None], list[float | None]]] = {}
    y = 0.0
    for evaluator, group in itertools.groupby(rows, key=lambda r: r["evaluator_id"]):
        block = list(group)
        middle = y - (len(block) - 1) / 2
        for row in block:
            kind = row["party_type"] or "other"
            government = kind in ("government_body", "party_body")
            dots.append((0, y, "#b2182b" if government else "#878787", 11, "circle"))
            kind_label = tr(labels.PARTY_TYPES[kind]) if kind in labels.PARTY_TYPES else kind
            notes.append(
                _label(-0.04, y, "<br>".join(theme.plotly_escape(line) for line in
                       _lines(_party(row))) + f" <i>({kind_label})</i>", "right")
            )  # fmt: skip
            relation = enum_label(row["relation"], labels.TIE_RELATIONS)
            # Just right of the party's dot, on its own row: the lines are still apart there
            # and the label covers neither the party's name nor its neighbours'.
            notes.append(_label(0.06, y + (middle - y) * 0.06, theme.plotly_escape(relation),
                                "left", size=10))  # fmt: skip
            xs, ys = lines.setdefault(row["confidence"], ([], []))
            xs += [0, 1, None]
            ys += [y, middle, None]
            y -= 1
        name = names.get(evaluator) or block[0]["evaluator_en"] or evaluator
        dots.append((1, middle, "#253494", 14, "square"))
        notes.append(_label(1.04, middle, f"<b>{theme.plotly_escape(name)}</b>", "left"))
        y -= 0.8  # a gap between evaluators
    fig = go.Figure()
    for confidence, (xs, ys) in lines.items():
        known = confidence in labels.CONFIDENCES
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", hoverinfo="skip",
            name=theme.plotly_escape(tr(labels.CONFIDENCES[confidence]) if known else confidence),
            line={"color": CONFIDENCE_COLOURS.get(confidence, "#999"), "width": 3},
        ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=[d[0] for d in dots], y=[d[1] for d in dots], mode="markers", showlegend=False,
        hoverinfo="skip",
        marker={"color": [d[2] for d in dots], "size": [d[3] for d in dots],
                "symbol": [d[4] for d in dots]},
    ))  # fmt: skip
    fig.update_layout(
        height=max(240, int(44 * (len(rows) + 1)) + 40),
        margin={"l": 0, "r": 0, "t": 10, "b": 40},
        xaxis={"visible": False, "range": [-2.4, 2.2], "fixedrange": True},
        yaxis={"visible": False, "range": [y - 0.2, 0.8], "fixedrange": True},
        annotations=notes,
        legend={"orientation": "h", "y": 0, "yanchor": "top", "x": 0},
        font={"family": theme.FONT, "size": 12},
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


TIES_SCOPE_KEY = "evaluators_ties_scope"


def render_ties_scope() -> bool:
    """Draw the choice between the chosen evaluator's ties and everyone's; True for everyone."""
    scope = st.segmented_control(
        tr("Show the ties of"),
        ("one", "all"),
        default="one",
        key=TIES_SCOPE_KEY,
        required=True,
        format_func={"one": tr("this evaluator"), "all": tr("all evaluators")}.__getitem__,
    )
    return scope == "all"


def ties_summary(ties: pl.DataFrame) -> str:
    """Return the ties graph's text alternative: how many ties, of how many evaluators, how sure.

    Examples
    --------
    >>> t = pl.DataFrame({"evaluator_id": ["a", "a", "b"],
    ...     "confidence": ["reported", "unverified", "reported"]})
    >>> ties_summary(t)
    '3 ties of 2 evaluators: 2 reported, 1 unverified.'
    """
    counts = dict(ties.group_by("confidence").len().iter_rows())
    parts = [tr(text, n=counts[c]) for c, text in labels.CONFIDENCE_COUNTS.items() if c in counts]
    evaluators = ties.get_column("evaluator_id").n_unique()
    if evaluators == 1:
        return tr("{n} ties of one evaluator: {parts}.", n=ties.height, parts=", ".join(parts))
    return tr(
        "{n} ties of {evaluators} evaluators: {parts}.",
        n=ties.height,
        evaluators=evaluators,
        parts=", ".join(parts),
    )


def _party(row: Mapping[str, Any]) -> str:
    """Return a party's name in the interface language (its English name beside in English)."""
    zh, en = row.get("party_name") or "", row.get("party_name_en") or ""
    if is_zh() or not en or en == zh:
        return zh or en
    return en


def _label(x: float, y: float, text: str, side: str, *, size: int = 12) -> dict[str, Any]:
    """Return a text label on a white background: readable over the lines it sits on."""
    anchor = {"right": "right", "left": "left", "center": "center"}[side]
    return {
        "x": x, "y": y, "text": text, "showarrow": False, "xanchor": anchor,
        "yanchor": "middle" if side != "center" else "bottom",
        "bgcolor": "rgba(255,255,255,0.9)", "font": {"size": size},
    }  # fmt: skip


@speaks
def divergence_scatter(paired: pl.DataFrame, *, label_a: str, label_b: str, lang: str) -> go.Figure:
    """Scatter each county's score in edition A against edition B, with the line of equality."""
    values = pl.concat([paired["a"], paired["b"]]).cast(pl.Float64)
    low, high = float(values.min() or 0.0), float(values.max() or 0.0)  # type: ignore[arg-type]
    fig = go.Figure(
        [
            go.Scattergl(
                x=paired["a"].to_list(),
                y=paired["b"].to_list(),
                mode="markers",
                marker={"size": 4, "color": theme.SEQUENTIAL[6], "opacity": 0.5},
                customdata=paired.select(
                    theme.plotly_escape_expr(county_name_expr()),
                    theme.plotly_escape_expr(pl.col(col("province_name"))),
                ).rows(),
                hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>"
                "A %{x:.2f} · B %{y:.2f}<extra></extra>",
                name=tr("counties"),
            ),
            go.Scatter(
                x=[low, high],
                y=[low, high],
                mode="lines",
                line={"color": "#888", "dash": "dot"},
                name=tr("same score"),
                hoverinfo="skip",
            ),
        ]
    )
    fig.update_layout(
        height=420,
        xaxis_title=theme.plotly_escape(label_a),
        yaxis_title=theme.plotly_escape(label_b),
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        showlegend=False,
        font={"family": theme.FONT},
    )
    return fig


@speaks
def province_difference_chart(diffs: pl.DataFrame, *, lang: str) -> go.Figure:
    """Dot-and-whisker chart of the mean difference (B − A) per province with its 95% CI.

    Provinces are named from ``province_name_zh`` in Chinese when ``diffs`` has it.
    """
    frame = diffs.sort("mean_diff")
    name = col("province_name") if col("province_name") in frame.columns else "province_name_en"
    fig = go.Figure(
        go.Scatter(
            x=frame["mean_diff"].to_list(),
            y=[theme.plotly_escape(p) for p in frame[name]],
            mode="markers",
            marker={"color": theme.SEQUENTIAL[7], "size": 7},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (frame["ci_high"] - frame["mean_diff"]).fill_null(0).to_list(),
                "arrayminus": (frame["mean_diff"] - frame["ci_low"]).fill_null(0).to_list(),
                "color": "#999",
            },
            customdata=frame.select("n").to_series().to_list(),
            hovertemplate="%{y}: %{x:+.2f} (n = %{customdata})<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": "#555", "width": 1})
    fig.update_layout(
        height=max(300, 18 * frame.height),
        xaxis_title=tr("mean difference B − A (points, 95% CI)"),
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        font={"family": theme.FONT},
    )
    return fig


TIES_NOTE = mark(
    "Each line is one tie between a party (red dot: a government or party body; grey: "
    "other) and an evaluator, labelled with the relation. Its colour says how sure the "
    "tie is: dark blue confirmed, light blue reported, orange unverified (one secondary "
    "source)."
)
HOME_BIAS_NOTE = mark(
    "Does the evaluator's home province hold more of its top 100 than its share of covered "
    "counties would give by chance? Exact hypergeometric test, one-sided. A small p-value "
    "shows an advantage, not its cause: a home province can also simply score higher "
    "(for example coastal provinces in the demo data)."
)


def coverage_columns() -> dict[str, Any]:
    """Return the column configuration of the coverage ledger (Chinese names only in zh)."""
    chinese = is_zh()
    return {
        "province_adcode": st.column_config.TextColumn(tr("Code")),
        "province_name_en": None if chinese else st.column_config.TextColumn(tr("Province")),
        "province_name_zh": st.column_config.TextColumn(tr("Province") if chinese else "省份"),
        "divisions": st.column_config.NumberColumn(tr("Units"), format="%d"),
        "assessed": st.column_config.NumberColumn(tr("Assessed"), format="%d"),
        "published": st.column_config.NumberColumn(tr("Named in results"), format="%d"),
        "excluded": st.column_config.NumberColumn(tr("Excluded"), format="%d"),
        "not_covered": st.column_config.NumberColumn(tr("Not covered"), format="%d"),
        "not_published": st.column_config.NumberColumn(tr("Not named"), format="%d"),
        "reasons": st.column_config.TextColumn(tr("Why"), width="large"),
    }


def home_bias_columns() -> dict[str, Any]:
    """Return the column configuration of the home-bias tests (in the interface language)."""
    return {
        "edition": st.column_config.TextColumn(tr("Edition"), width=280),
        "data_year": st.column_config.NumberColumn(tr("Year"), format="%d"),
        "home_province": st.column_config.TextColumn(tr("Home province")),
        "home_in_top": st.column_config.NumberColumn(tr("Home in top"), format="%d"),
        "top_n": st.column_config.NumberColumn(tr("of top"), format="%d"),
        "expected": st.column_config.NumberColumn(tr("Expected by chance"), format="%.1f"),
        "p_value": st.column_config.NumberColumn(tr("p (one-sided)"), format="%.2g"),
        "data": st.column_config.TextColumn(tr("Data")),
    }


def home_bias_reading(row: Mapping[str, Any]) -> str:
    """Return the plain-language reading of one home-bias test in the interface language.

    Written from the test's numbers (``n_published`` for an edition that published too
    few results to test; ``applies`` false for a provincial list).

    Examples
    --------
    >>> home_bias_reading({"applies": True, "top_n": None, "n_published": 3, "home_in_top": 3})
    'Only 3 published results are known for this edition (3 in the home province): too few to test for home bias. The full list was not published.'
    """  # noqa: E501
    if row.get("applies") is False:
        return tr(
            "Not applicable: the list covers only the evaluator's home province, so every "
            "county it names is a home county."
        )
    if row.get("top_n") is None:
        return tr(
            "Only {n} published results are known for this edition ({home} in the home "
            "province): too few to test for home bias. The full list was not published.",
            n=row["n_published"],
            home=row["home_in_top"],
        )
    numbers = {
        "k": row["home_in_top"],
        "top": row["top_n"],
        "expected": f"{row['expected']:.1f}",
        "p": f"{row['p_value']:.2g}",
    }
    if row["home_in_top"] <= row["expected"]:
        return tr(
            "The home province holds {k} of the top {top}, no more than the {expected} "
            "expected from its share of covered counties: no sign of home bias.",
            **numbers,
        )
    if row["p_value"] < 0.01:
        return tr(
            "The home province holds {k} of the top {top} against {expected} expected; so "
            "many would happen by chance with probability {p}. This is strong evidence of a "
            "home advantage in the results (not proof of its cause).",
            **numbers,
        )
    if row["p_value"] < 0.05:
        return tr(
            "The home province holds {k} of the top {top} against {expected} expected "
            "(p = {p}): some evidence of a home advantage.",
            **numbers,
        )
    return tr(
        "The home province holds {k} of the top {top} against {expected} expected "
        "(p = {p}): within what chance would give; no clear sign of home bias.",
        **numbers,
    )


def home_bias_table(
    table: pl.DataFrame, editions: pl.DataFrame, provinces: Mapping[str, str]
) -> pl.DataFrame:
    """Return the home-bias tests for display: edition titles and province names, no codes."""
    titles = editions.select(
        "edition_id",
        edition=pl.coalesce(col("title"), "title_en", "title_zh", "edition_id"),
        evaluator=pl.coalesce(col("evaluator"), "evaluator_en", "evaluator_zh"),
    )
    return table.join(titles, on="edition_id", how="left").select(
        "edition",
        "evaluator",
        "data_year",
        home_province=pl.col("home_province_adcode").replace_strict(provinces, default=None),
        home_in_top="home_in_top",
        top_n="top_n",
        expected="expected",
        p_value="p_value",
        data=pl.when(pl.col("is_synthetic"))
        .then(pl.lit(tr(labels.DATA_KINDS[True])))
        .otherwise(pl.lit(tr(labels.DATA_KINDS[False]))),
    )


def render_home_bias(
    table: pl.DataFrame, editions: pl.DataFrame, provinces: Mapping[str, str]
) -> None:
    """Show the home-bias tests: the numbers, then a plain-language reading per edition.

    Editions and evaluators are named by their titles and names in the interface
    language, provinces by their names (``provinces``: six-digit code → name).
    """
    shown = home_bias_table(table, editions, provinces)
    columns = home_bias_columns()
    render_table(shown.select(list(columns)), columns)
    for row, named in zip(table.iter_rows(named=True), shown.iter_rows(named=True), strict=True):
        st.text(
            tr(
                "{edition} ({evaluator}, {kind}): {reading}",
                edition=named["edition"],
                evaluator=named["evaluator"],
                kind=named["data"],
                reading=home_bias_reading(row),
            )
        )


def disagreement_columns() -> dict[str, Any]:
    """Return the disagreement table's columns (no pinyin, Chinese province names in zh)."""
    columns: dict[str, Any] = {
        "adcode": st.column_config.TextColumn(tr("Adcode")),
        "name_zh": st.column_config.TextColumn(tr("County")),
        "name_pinyin": st.column_config.TextColumn(tr("Pinyin")),
        col("province_name"): st.column_config.TextColumn(tr("Province")),
        "a": st.column_config.NumberColumn(tr("Score A"), format="%.2f"),
        "b": st.column_config.NumberColumn(tr("Score B"), format="%.2f"),
        "rank_a": st.column_config.NumberColumn(tr("Rank A"), format="%d"),
        "rank_b": st.column_config.NumberColumn(tr("Rank B"), format="%d"),
        "rank_gap": st.column_config.NumberColumn(tr("Rank gap"), format="%d"),
    }
    if is_zh():
        del columns["name_pinyin"]
    return columns


def render_table(frame: pl.DataFrame, columns: dict[str, Any]) -> None:
    """Show a frame with its column configuration (values always as plain text)."""
    st.dataframe(frame, hide_index=True, column_config=columns, placeholder="—", width="stretch")


def render_evaluator_picker(registry: pl.DataFrame, default: str | None) -> dict[str, Any]:
    """Pick an evaluator (default: the current edition's); return its registry row."""
    ids = registry.get_column("evaluator_id").to_list()
    names = evaluator_names(registry)
    synthetic = dict(zip(ids, registry.get_column("is_synthetic").to_list(), strict=True))
    # NOTE: labels are made now, not in format_func: it may run outside the script run
    # (AppTest calls it), where the interface language is unknown.
    shown = {e: f"{names[e]} · {tr(labels.DATA_KINDS[bool(synthetic[e])])}" for e in ids}
    chosen = st.selectbox(
        tr("Evaluator"),
        ids,
        index=ids.index(default) if default in ids else 0,
        format_func=shown.__getitem__,
    )
    return registry.row(ids.index(chosen), named=True)


def card_facts(row: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the evaluator's facts as (label, value) pairs for its card.

    Examples
    --------
    >>> card_facts({"evaluator_type": "university", "founded": None, "name_history": None,
    ...     "methodology_disclosure": "none", "home_province": None, "home_province_zh": None,
    ...     "is_synthetic": False})[:2]
    [('Type', 'university'), ('Founded', 'not recorded')]
    """
    kind = row["evaluator_type"]
    disclosure = row["methodology_disclosure"]
    home = row.get("home_province_zh") if is_zh() else row.get("home_province")
    data = mark("synthetic (fictional evaluator)") if row["is_synthetic"] else mark("real, cited")
    return [
        (tr("Type"), tr(labels.EVALUATOR_TYPES[kind]) if kind in labels.EVALUATOR_TYPES else kind),
        (tr("Founded"), row.get("founded") or tr("not recorded")),
        (
            tr("Method"),
            tr(labels.DISCLOSURES[disclosure])
            if disclosure in labels.DISCLOSURES
            else tr("unknown"),
        ),
        (tr("Home province"), home or tr("not recorded")),
        (tr("Earlier names"), row.get("name_history") or tr("none recorded")),
        (tr("Data"), tr(data)),
    ]


def render_evaluator_card(row: dict[str, Any]) -> None:
    """Show one evaluator: names, facts, description and its source."""
    title = row["name_zh"] if is_zh() else f"{row['name_zh']} · {row['name_en']}"
    st.subheader(md_escape(title), anchor=False)
    if row["is_synthetic"]:
        st.warning(tr("Fictional demo evaluator: everything it 'produced' is synthetic."), icon="⚠️")
    columns = st.columns(3)
    for i, (label, value) in enumerate(card_facts(row)):
        if is_zh() and value == row.get("name_history"):
            # NOTE: earlier names come with English notes from the data: their own element.
            columns[i % 3].text(tr("{label}:", label=label))
            columns[i % 3].text(value)
        else:
            columns[i % 3].text(tr("{label}: {value}", label=label, value=value))
    if row.get("description_en"):
        st.text(row["description_en"])
    title = source_title(row)
    if title:
        kind = enum_label(row.get("source_reliability"), labels.RELIABILITIES)
        if is_zh():
            # NOTE: the title as the data has it (often with English notes), apart.
            st.caption(md_escape(tr("Source kind: {kind}", kind=kind)))
            st.caption(md_escape(title))
        else:
            st.caption(md_escape(tr("Source: {title} ({kind})", title=title, kind=kind)))


def render_divergence(result: Any, labels: dict[str, str] | Any) -> None:
    """Show the comparison of two editions: verdict, correlations, charts and disagreements."""
    if result is None:
        st.info(
            tr(
                "Choose an edition to compare with, e.g. the upper-level audit of the same year "
                "against the third-party assessment."
            )
        )
        return
    label_a = labels.get(result.edition_a, result.edition_a)
    label_b = labels.get(result.edition_b, result.edition_b)
    reason = reason_text(result.reasons)
    if not result.comparable:
        st.warning(
            md_escape(tr("These editions cannot be compared: {reason}.", reason=reason)),
            icon="🚫",
        )
        return
    if not is_same_tree(result.reasons):
        st.info(md_escape(tr("Compare with care: {reason}.", reason=reason)))
    stats = result.agreement
    cols = st.columns(4)
    cols[0].metric(tr("Counties in both"), f"{int(stats['n']):,}")
    cols[1].metric(tr("Spearman ρ"), f"{stats['spearman']:.2f}")
    cols[2].metric(tr("Kendall τ-b"), f"{stats['kendall']:.2f}")
    cols[3].metric(tr("Mean difference B − A"), f"{stats['mean_diff']:+.2f}")
    st.caption(
        md_escape(
            tr(
                "A = {a}; B = {b}. Totals of the counties both editions scored.",
                a=label_a,
                b=label_b,
            )
        )
    )
    left, right = st.columns(2, gap="large")
    charts.show(
        divergence_scatter(
            result.paired,
            label_a=tr("A: total score"),
            label_b=tr("B: total score"),
            lang=i18n.lang(),
        ),
        title=tr("Total score in A against B"),
        synthetic=charts.MIXED,
        edition=False,
        where=left,
        width=55,
    )
    provinces = result.provinces
    if "province_name_zh" in result.paired.columns:
        names = result.paired.select("province_adcode", "province_name_zh").unique()
        provinces = provinces.join(names, on="province_adcode", how="left")
    charts.show(
        province_difference_chart(provinces, lang=i18n.lang()),
        title=tr("Mean difference B − A by province"),
        synthetic=charts.MIXED,
        edition=False,
        where=right,
        width=55,
    )
    st.markdown(tr("**Where they disagree most** (national rank among the counties in both)"))
    columns = disagreement_columns()
    render_table(result.disagreements.select(list(columns)), columns)


def edition_title(editions: pl.DataFrame, edition: str) -> str:
    """Return how an edition is named in titles: its id in English, its title in Chinese."""
    if not is_zh():
        return edition
    rows = editions.filter(pl.col("edition_id") == edition)
    return edition if rows.is_empty() else pick(rows.item(0, "title_en"), rows.item(0, "title_zh"))


def render_edition_picker(editions: pl.DataFrame, current: str) -> str | None:
    """Pick one of an evaluator's editions for the coverage ledger; say what it claims."""
    ids = editions.get_column("edition_id").to_list()
    if not ids:
        st.info(tr("No edition of this evaluator is recorded in the snapshot."))
        return None
    titles = {e: edition_title(editions, e) for e in ids}  # now, not in format_func
    chosen = st.selectbox(
        tr("Edition"),
        ids,
        index=ids.index(current) if current in ids else len(ids) - 1,
        key="_ledger_edition",
        format_func=titles.__getitem__,
    )
    row = editions.row(ids.index(chosen), named=True)
    claimed = f"{row['n_subjects']:,}" if row["n_subjects"] else tr("an unpublished number of")
    note = tr("The edition says it covered {claimed} counties", claimed=claimed)
    if row["n_provinces"]:
        note += tr(" in {n} provinces", n=row["n_provinces"])
    if row["exclusions_note"] and not is_zh():
        note += f"; exclusions: {row['exclusions_note']}"
    st.text(tr("{note}.", note=note))
    if row["exclusions_note"] and is_zh():
        # NOTE: the exclusions are English notes from the data: their own element.
        st.caption(tr("Exclusions, as the source states them:"))
        st.text(row["exclusions_note"])
    if not row["is_synthetic"]:
        st.caption(
            tr(
                "For real editions only the counties named in published results are known; "
                "every other county shows as not named, not as unassessed."
            )
        )
    return str(chosen)
