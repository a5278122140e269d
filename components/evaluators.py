"""Evaluator views: registry tables, the ties diagram, divergence charts and their columns."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import charts, theme
from components.provenance import md_escape, safe_links

CONFIDENCE_COLOURS = {
    "confirmed": "rgba(8,29,88,0.75)",
    "reported": "rgba(29,145,192,0.6)",
    "unverified": "rgba(230,85,13,0.45)",
}
PARTY_TYPE_LABELS = {
    "government_body": "Government body",
    "party_body": "Party body",
    "person": "Person",
    "company": "Company",
    "university": "University",
}
CONFIDENCE_BADGES = {
    "confirmed": "● confirmed",
    "reported": "◑ reported",
    "unverified": "○ unverified",
}
TYPE_LABELS = {
    "private_rating_firm": "private rating firm",
    "university": "university",
    "state_academy": "state academy",
    "state_info_center": "state information centre",
    "government_body": "government body",
    "ngo": "NGO",
    "unknown": "not named by the source",
}

TIES_COLUMNS: dict[str, Any] = {
    "party_name": st.column_config.TextColumn("Party"),
    "relation": st.column_config.TextColumn("Tie"),
    "confidence": st.column_config.TextColumn("Confidence"),
    "party_type": st.column_config.TextColumn("Type"),
    "party_name_en": st.column_config.TextColumn("In English"),
    "share_pct": st.column_config.NumberColumn("Share %", format="%.1f"),
    "as_of": st.column_config.TextColumn("As of"),
    "note": st.column_config.TextColumn("Note", width="large"),
    "source_title": st.column_config.TextColumn("Source"),
    "source_url": st.column_config.LinkColumn("Link", display_text="open ↗"),
    "source_reliability": st.column_config.TextColumn("Source kind"),
}
EDITIONS_COLUMNS: dict[str, Any] = {
    "data_year": st.column_config.NumberColumn("Data year", format="%d"),
    "title_en": st.column_config.TextColumn("Edition"),
    "released": st.column_config.TextColumn("Released"),
    "mode": st.column_config.TextColumn("Mode"),
    "n_subjects": st.column_config.NumberColumn("Counties", format="%d"),
    "n_provinces": st.column_config.NumberColumn("Provinces", format="%d"),
    "exclusions_note": st.column_config.TextColumn("Exclusions"),
    "method_published": st.column_config.TextColumn("Method published"),
    "data": st.column_config.TextColumn("Data"),
    "source_title": st.column_config.TextColumn("Source"),
    "source_url": st.column_config.LinkColumn("Link", display_text="open ↗"),
}


def ties_table(ties: pl.DataFrame) -> pl.DataFrame:
    """Return ties for display: readable types and relations, confidence as a badge."""
    table = ties.select(
        "party_name",
        pl.col("relation").str.replace_all("_", " "),
        pl.col("confidence").replace(CONFIDENCE_BADGES),
        pl.col("party_type").replace(PARTY_TYPE_LABELS),
        "party_name_en",
        "share_pct",
        "as_of",
        "note",
        "source_title",
        "source_url",
        pl.col("source_reliability").str.replace_all("_", " "),
    )
    return safe_links(table, "source_url")


def editions_table(editions: pl.DataFrame) -> pl.DataFrame:
    """Return an evaluator's editions for display, each marked real or synthetic."""
    table = editions.select(
        "data_year",
        "title_en",
        "released",
        pl.col("mode").str.replace_all("_", " "),
        "n_subjects",
        "n_provinces",
        "exclusions_note",
        "method_published",
        data=pl.when(pl.col("is_synthetic")).then(pl.lit("synthetic")).otherwise(pl.lit("real")),
        source_title="source_title",
        source_url="source_url",
    )
    return safe_links(table, "source_url")


def ties_sankey(ties: pl.DataFrame) -> go.Figure:
    """Draw party type → party → evaluator as a Sankey, links coloured by confidence.

    Parameters
    ----------
    ties
        ``loaders.evaluators.ties`` rows (with ``evaluator_en``).

    Returns
    -------
    A figure with one Sankey trace whose node labels are the party types, the parties
    and the evaluators, and whose links carry each tie's relation and confidence.
    """
    rows = ties.sort("evaluator_id", "party_type", "party_name").to_dicts()
    labels: list[str] = []
    colours: list[str] = []
    index: dict[tuple[str, str], int] = {}

    def node(kind: str, key: str, label: str, colour: str) -> int:
        if (kind, key) not in index:
            index[(kind, key)] = len(labels)
            labels.append(theme.plotly_escape(label))
            colours.append(colour)
        return index[(kind, key)]

    sources, targets, link_colours, link_labels = [], [], [], []
    for row in rows:
        kind = row["party_type"] or "other"
        government = kind in ("government_body", "party_body")
        type_node = node(
            "type", kind, PARTY_TYPE_LABELS.get(kind, kind), "#b2182b" if government else "#878787"
        )
        party = node("party", row["party_name"], row["party_name"], "#d9d9d9")
        evaluator = node(
            "evaluator", row["evaluator_id"], row["evaluator_en"] or row["evaluator_id"], "#253494"
        )
        colour = CONFIDENCE_COLOURS.get(row["confidence"], "rgba(150,150,150,0.4)")
        relation = str(row["relation"]).replace("_", " ")
        for source, target in ((type_node, party), (party, evaluator)):
            sources.append(source)
            targets.append(target)
            link_colours.append(colour)
            link_labels.append(theme.plotly_escape(f"{relation} · {row['confidence']}"))
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": labels, "color": colours, "pad": 12, "thickness": 14},
            link={
                "source": sources,
                "target": targets,
                "value": [1] * len(sources),
                "color": link_colours,
                "customdata": link_labels,
                "hovertemplate": "%{customdata}<extra></extra>",
            },
        )
    )
    fig.update_layout(
        height=max(320, 26 * len(rows)),
        margin={"l": 0, "r": 0, "t": 10, "b": 10},
        font={"family": theme.FONT, "size": 12},
    )
    return fig


def divergence_scatter(paired: pl.DataFrame, *, label_a: str, label_b: str) -> go.Figure:
    """Scatter each county's score in edition A against edition B, with the line of equality."""
    low = float(min(paired["a"].min(), paired["b"].min()))  # type: ignore[arg-type]
    high = float(max(paired["a"].max(), paired["b"].max()))  # type: ignore[arg-type]
    fig = go.Figure(
        [
            go.Scattergl(
                x=paired["a"].to_list(),
                y=paired["b"].to_list(),
                mode="markers",
                marker={"size": 4, "color": theme.SEQUENTIAL[6], "opacity": 0.5},
                customdata=paired.select(
                    theme.plotly_escape_expr(pl.col("name_zh", "province_name_en"))
                ).rows(),
                hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>"
                "A %{x:.2f} · B %{y:.2f}<extra></extra>",
                name="counties",
            ),
            go.Scatter(
                x=[low, high],
                y=[low, high],
                mode="lines",
                line={"color": "#888", "dash": "dot"},
                name="same score",
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


def province_difference_chart(diffs: pl.DataFrame) -> go.Figure:
    """Dot-and-whisker chart of the mean difference (B − A) per province with its 95% CI."""
    frame = diffs.sort("mean_diff")
    fig = go.Figure(
        go.Scatter(
            x=frame["mean_diff"].to_list(),
            y=[theme.plotly_escape(p) for p in frame["province_name_en"]],
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
        xaxis_title="mean difference B − A (points, 95% CI)",
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        font={"family": theme.FONT},
    )
    return fig


SANKEY_NOTE = (
    "Each band is one tie: party type (red = government or party body) → party → evaluator. "
    "Colour says how sure the tie is: dark blue confirmed, light blue reported, orange "
    "unverified (one secondary source). Hover a band for the relation."
)
HOME_BIAS_NOTE = (
    "Does the evaluator's home province hold more of its top 100 than its share of covered "
    "counties would give by chance? Exact hypergeometric test, one-sided. A small p-value "
    "shows an advantage, not its cause: a home province can also simply score higher "
    "(for example coastal provinces in the demo data)."
)
COVERAGE_COLUMNS: dict[str, Any] = {
    "province_adcode": st.column_config.TextColumn("Code"),
    "province_name_en": st.column_config.TextColumn("Province"),
    "province_name_zh": st.column_config.TextColumn("省份"),
    "divisions": st.column_config.NumberColumn("Units", format="%d"),
    "assessed": st.column_config.NumberColumn("Assessed", format="%d"),
    "published": st.column_config.NumberColumn("Named in results", format="%d"),
    "excluded": st.column_config.NumberColumn("Excluded", format="%d"),
    "not_covered": st.column_config.NumberColumn("Not covered", format="%d"),
    "not_published": st.column_config.NumberColumn("Not named", format="%d"),
    "reasons": st.column_config.TextColumn("Why", width="large"),
}
HOME_BIAS_COLUMNS: dict[str, Any] = {
    "edition_id": st.column_config.TextColumn("Edition"),
    "data_year": st.column_config.NumberColumn("Year", format="%d"),
    "home_province_adcode": st.column_config.TextColumn("Home province"),
    "home_in_top": st.column_config.NumberColumn("Home in top", format="%d"),
    "top_n": st.column_config.NumberColumn("of top", format="%d"),
    "expected": st.column_config.NumberColumn("Expected by chance", format="%.1f"),
    "p_value": st.column_config.NumberColumn("p (one-sided)", format="%.2g"),
    "is_synthetic": st.column_config.CheckboxColumn("Synthetic"),
}


def render_home_bias(table: pl.DataFrame) -> None:
    """Show the home-bias tests: the numbers, then a plain-language reading per edition."""
    render_table(table.select(list(HOME_BIAS_COLUMNS)), HOME_BIAS_COLUMNS)
    for row in table.iter_rows(named=True):
        kind = "synthetic" if row["is_synthetic"] else "real"
        st.text(f"{row['edition_id']} ({row['evaluator_en']}, {kind}): {row['reading']}")


DISAGREEMENT_COLUMNS: dict[str, Any] = {
    "adcode": st.column_config.TextColumn("Adcode"),
    "name_zh": st.column_config.TextColumn("County"),
    "name_pinyin": st.column_config.TextColumn("Pinyin"),
    "province_name_en": st.column_config.TextColumn("Province"),
    "a": st.column_config.NumberColumn("Score A", format="%.2f"),
    "b": st.column_config.NumberColumn("Score B", format="%.2f"),
    "rank_a": st.column_config.NumberColumn("Rank A", format="%d"),
    "rank_b": st.column_config.NumberColumn("Rank B", format="%d"),
    "rank_gap": st.column_config.NumberColumn("Rank gap", format="%d"),
}


def render_table(frame: pl.DataFrame, columns: dict[str, Any]) -> None:
    """Show a frame with its column configuration (values always as plain text)."""
    st.dataframe(frame, hide_index=True, column_config=columns, placeholder="—", width="stretch")


def render_evaluator_picker(registry: pl.DataFrame, default: str | None) -> dict[str, Any]:
    """Pick an evaluator (default: the current edition's); return its registry row."""
    ids = registry.get_column("evaluator_id").to_list()
    names = dict(zip(ids, registry.get_column("name_en").to_list(), strict=True))
    synthetic = dict(zip(ids, registry.get_column("is_synthetic").to_list(), strict=True))
    chosen = st.selectbox(
        "Evaluator",
        ids,
        index=ids.index(default) if default in ids else 0,
        format_func=lambda e: names[e] + (" · synthetic" if synthetic[e] else " · real"),
    )
    return registry.row(ids.index(chosen), named=True)


def card_facts(row: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the evaluator's facts as (label, value) pairs for its card.

    Examples
    --------
    >>> card_facts({"evaluator_type": "university", "founded": None, "name_history": None,
    ...     "methodology_disclosure": "none", "home_province": None,
    ...     "is_synthetic": False})[:2]
    [('Type', 'university'), ('Founded', 'not recorded')]
    """
    disclosure = {
        "full": "published in full",
        "partial": "partly published",
        "none": "not published",
    }
    return [
        ("Type", TYPE_LABELS.get(row["evaluator_type"], row["evaluator_type"])),
        ("Founded", row.get("founded") or "not recorded"),
        ("Method", disclosure.get(row["methodology_disclosure"], "unknown")),
        ("Home province", row.get("home_province") or "not recorded"),
        ("Earlier names", row.get("name_history") or "none recorded"),
        ("Data", "synthetic (fictional evaluator)" if row["is_synthetic"] else "real, cited"),
    ]


def render_evaluator_card(row: dict[str, Any]) -> None:
    """Show one evaluator: names, facts, description and its source."""
    st.subheader(md_escape(f"{row['name_zh']} · {row['name_en']}"), anchor=False)
    if row["is_synthetic"]:
        st.warning("Fictional demo evaluator: everything it 'produced' is synthetic.", icon="⚠️")
    columns = st.columns(3)
    for i, (label, value) in enumerate(card_facts(row)):
        columns[i % 3].text(f"{label}: {value}")
    if row.get("description_en"):
        st.text(row["description_en"])
    if row.get("source_title"):
        kind = str(row.get("source_reliability") or "").replace("_", " ")
        st.caption(md_escape(f"Source: {row['source_title']} ({kind})"))


def render_divergence(result: Any, labels: dict[str, str] | Any) -> None:
    """Show the comparison of two editions: verdict, correlations, charts and disagreements."""
    if result is None:
        st.info(
            "Choose an edition to compare with, e.g. the upper-level audit of the same year "
            "against the third-party assessment."
        )
        return
    label_a = labels.get(result.edition_a, result.edition_a)
    label_b = labels.get(result.edition_b, result.edition_b)
    if not result.comparable:
        st.warning(md_escape(f"These editions cannot be compared: {result.reason}."), icon="🚫")
        return
    if result.reason != "same indicator tree":
        st.info(md_escape(f"Compare with care: {result.reason}."))
    stats = result.agreement
    cols = st.columns(4)
    cols[0].metric("Counties in both", f"{int(stats['n']):,}")
    cols[1].metric("Spearman ρ", f"{stats['spearman']:.2f}")
    cols[2].metric("Kendall τ-b", f"{stats['kendall']:.2f}")
    cols[3].metric("Mean difference B − A", f"{stats['mean_diff']:+.2f}")
    st.caption(
        md_escape(f"A = {label_a}; B = {label_b}. Totals of the counties both editions scored.")
    )
    left, right = st.columns(2, gap="large")
    charts.show(
        divergence_scatter(result.paired, label_a="A: total score", label_b="B: total score"),
        title="Total score in A against B",
        synthetic=charts.MIXED,
        edition=False,
        where=left,
        width=55,
    )
    charts.show(
        province_difference_chart(result.provinces),
        title="Mean difference B − A by province",
        synthetic=charts.MIXED,
        edition=False,
        where=right,
        width=55,
    )
    st.markdown("**Where they disagree most** (national rank among the counties in both)")
    render_table(result.disagreements.select(list(DISAGREEMENT_COLUMNS)), DISAGREEMENT_COLUMNS)


def render_edition_picker(editions: pl.DataFrame, current: str) -> str | None:
    """Pick one of an evaluator's editions for the coverage ledger; say what it claims."""
    ids = editions.get_column("edition_id").to_list()
    if not ids:
        st.info("No edition of this evaluator is recorded in the snapshot.")
        return None
    chosen = st.selectbox(
        "Edition",
        ids,
        index=ids.index(current) if current in ids else len(ids) - 1,
        key="_ledger_edition",
    )
    row = editions.row(ids.index(chosen), named=True)
    claimed = f"{row['n_subjects']:,}" if row["n_subjects"] else "an unpublished number of"
    note = f"The edition says it covered {claimed} counties"
    if row["n_provinces"]:
        note += f" in {row['n_provinces']} provinces"
    if row["exclusions_note"]:
        note += f"; exclusions: {row['exclusions_note']}"
    st.text(note + ".")
    if not row["is_synthetic"]:
        st.caption(
            "For real editions only the counties named in published results are known; "
            "every other county shows as not named, not as unassessed."
        )
    return str(chosen)
