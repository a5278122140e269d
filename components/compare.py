"""Compare counties: the picker, the side-by-side table, demo scores over time, records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import theme
from components.frame import sidebar
from components.frame.filters import MAX_COUNTIES
from components.i18n import county_name, is_zh, labels, mark, speaks, tr

PICKER_KEY = "_compare_counties"
INTRO = mark(
    "Two to five counties side by side: their scores and ranks in the edition chosen in the "
    "sidebar, what real sources published about them (with the sources), their demo scores "
    "across the synthetic editions, and their records. Real results are ranks of lists of "
    "different sizes, never scores on the demo's scale: they stay in a table of their own."
)


def county_labels(divisions: pl.DataFrame) -> dict[str, str]:
    """Return adcode → a label a search can find: name, pinyin, prefecture, adcode, old names.

    Examples
    --------
    >>> d = pl.DataFrame({"adcode": ["520581"], "name_zh": ["黔西市"],
    ...     "name_pinyin": ["Qianxi Shi"], "prefecture_name_zh": ["毕节市"],
    ...     "province_name_zh": ["贵州省"],
    ...     "former_names": ["黔西县|520522"]})
    >>> county_labels(d)["520581"]
    '黔西市 Qianxi Shi · 毕节市 · 贵州省 · 520581 · formerly 黔西县'
    """
    former = (
        divisions.get_column("former_names")
        if "former_names" in divisions.columns
        else pl.Series([None] * divisions.height, dtype=pl.String)
    )
    out = {}
    for row, old in zip(divisions.iter_rows(named=True), former, strict=True):
        label = (
            f"{county_name(row['name_zh'], row['name_pinyin'])} · {row['prefecture_name_zh']} · "
            f"{row['province_name_zh']} · {row['adcode']}"
        )
        names = [n for n in (old or "").split("|") if n and not n.isdigit()]
        if names:
            label += " · " + tr("formerly {names}", names="、".join(names))
        out[row["adcode"]] = label
    return out


def _picked() -> None:
    sidebar.set_counties(st.session_state.get(PICKER_KEY) or ())


def render_picker(options: Mapping[str, str], chosen: Sequence[str]) -> list[str]:
    """Draw the county picker (type Chinese, pinyin, an adcode or an old name); return the picks."""
    st.session_state[PICKER_KEY] = [c for c in chosen if c in options]
    picked = st.multiselect(
        tr("Counties to compare"),
        list(options),
        key=PICKER_KEY,
        format_func=lambda code: options.get(code, code),
        max_selections=MAX_COUNTIES,
        placeholder=tr("Type a name, its pinyin or an adcode — e.g. 修文, xiuwen, 520621"),
        on_change=_picked,
    )
    return list(picked)


def side_table(
    side: pl.DataFrame, names: Mapping[str, str], metric_labels: Mapping[str, str]
) -> pl.DataFrame:
    """Return the side-by-side table: one row per metric, one column per county.

    Each cell: the score, then the national and provincial rank with their cohort sizes
    ("72.29 · #637 of 2,738 · #21 of 88 in its province"); "—" where not scored.

    Examples
    --------
    >>> s = pl.DataFrame({"metric": ["total"], "adcode": ["a"], "score": [72.29],
    ...     "rank_national": [637], "n_national": [2738], "rank_province": [21],
    ...     "n_province": [88]})
    >>> side_table(s, {"a": "修文县"}, {"total": "Total"}).row(0)
    ('Total', '72.29 · #637 of 2,738 · #21 of 88 in its province')
    """
    rows: dict[str, dict[str, str]] = {}
    for row in side.iter_rows(named=True):
        cells = rows.setdefault(
            row["metric"], {tr("Metric"): metric_labels.get(row["metric"], row["metric"])}
        )
        if row["score"] is None:
            text = "—"
        else:
            text = tr(
                "{score} · #{national} of {n_national} · "
                "#{province} of {n_province} in its province",
                score=f"{row['score']:.2f}",
                national=row["rank_national"],
                n_national=f"{row['n_national']:,}",
                province=row["rank_province"],
                n_province=f"{row['n_province']:,}",
            )
        cells[names.get(row["adcode"], row["adcode"])] = text
    return pl.DataFrame(list(rows.values()))


def export_table(side: pl.DataFrame, names: Mapping[str, str]) -> pl.DataFrame:
    """Return the comparison as a long table for download: one row per metric and county."""
    return side.with_columns(
        name_zh=pl.col("adcode").replace_strict(dict(names), default=None),
    ).select(
        "metric", "name_zh", "adcode", "score", "rank_national", "n_national", "rank_province",
        "n_province",
    )  # fmt: skip


EXPORT_TITLES = {
    "metric": labels.EXPORT_COLUMNS["kind_label"][0],
}


@speaks
def demo_chart(history: pl.DataFrame, names: Mapping[str, str], *, lang: str) -> go.Figure:
    """Draw each county's total score in the synthetic editions over time, one line per series."""
    fig = go.Figure()
    colours = theme.CATEGORICAL
    for i, adcode in enumerate(dict.fromkeys(history.get_column("adcode").to_list())):
        mine = history.filter(pl.col("adcode") == adcode)
        for j, series in enumerate(sorted(set(mine.get_column("series_id")))):
            rows = mine.filter(pl.col("series_id") == series).sort("data_year")
            evaluator = rows.item(0, "evaluator_zh" if is_zh() else "evaluator_en")
            fig.add_trace(
                go.Scatter(
                    x=rows.get_column("data_year").to_list(),
                    y=rows.get_column("score").to_list(),
                    mode="lines+markers",
                    name=theme.plotly_escape(f"{names.get(adcode, adcode)} · {evaluator}"),
                    line={
                        "color": colours[i % len(colours)],
                        "dash": ("solid", "dot", "dash")[j % 3],
                    },
                    hovertemplate="%{x}: %{y:.2f}<extra>%{fullData.name}</extra>",
                )
            )
    fig.update_layout(
        height=380,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        xaxis={"title": tr("Year"), "dtick": 1},
        yaxis={"title": tr("Total score (synthetic)")},
        legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0},
        font={"family": theme.FONT},
    )
    return fig


def records_table(counts: pl.DataFrame, names: Mapping[str, str]) -> pl.DataFrame:
    """Return the record counts with the counties' names: real and demo never summed."""
    return counts.with_columns(
        name_zh=pl.col("adcode").replace_strict(dict(names), default=None)
    ).select("name_zh", "adcode", "real_records", "demo_records", "demo_negative")


def records_columns() -> dict[str, Any]:
    """Return the record-count table's headers in the interface language."""
    return {
        "name_zh": st.column_config.TextColumn(tr("County")),
        "adcode": st.column_config.TextColumn(tr("Adcode")),
        "real_records": st.column_config.NumberColumn(
            tr("Real records (cited)"),
            help=tr("Government bodies of the county named in cited notices or court lists."),
        ),
        "demo_records": st.column_config.NumberColumn(
            tr("Demo records (synthetic)"), help=tr("Generated records: not about any real body.")
        ),
        "demo_negative": st.column_config.NumberColumn(tr("of which negative (synthetic)")),
    }
