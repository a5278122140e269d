"""Published results: every real result and record in one table, and where they are."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import maps
from components.i18n import county_name, is_zh, labels, mark, speaks, tr, translated
from components.profile import band_text, result_expr, template_expr
from components.provenance import safe_links
from loaders import geo
from loaders.overview import KINDS

SEARCH_KEY = "published_search"
KINDS_KEY = "published_kinds"
NOTE = mark(
    "Every real result and record in this snapshot, each with its source. A rank is a rank "
    "of its own list (its size where published); a designation is a membership of a list "
    "of that year, never a score; a record names a body, it does not rate one."
)
# How many real editions name a county: the map's classes.
BUCKETS = (
    ("1", mark("named by 1 edition")),
    ("2", mark("named by 2 editions")),
    ("3-4", mark("named by 3 or 4 editions")),
    ("5+", mark("named by 5 or more editions")),
    ("records", mark("real records only")),
    ("none", mark("no real result")),
)


def render_filters(evaluators: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """Draw the search, kind and evaluator filters; return them (text, kinds, evaluators)."""
    left, right = st.columns([2, 3])
    text = left.text_input(
        tr("Search"),
        key=SEARCH_KEY,
        bind="query-params",
        placeholder=tr("county (Chinese, pinyin, adcode), evaluator or edition"),
    )
    kinds = right.pills(
        tr("Kind"),
        KINDS,
        selection_mode="multi",
        key=KINDS_KEY,
        bind="query-params",
        format_func=translated(labels.RESULT_KINDS).__getitem__,
    )
    chosen = st.multiselect(
        tr("Evaluators"),
        list(evaluators),
        format_func=lambda e: evaluators.get(e, e),
        placeholder=tr("all evaluators"),
    )
    return text.strip(), list(kinds or []), chosen


def narrow(
    results: pl.DataFrame,
    *,
    text: str,
    kinds: list[str],
    evaluators: list[str],
    province: str | None,
) -> pl.DataFrame:
    """Return the results the filters keep (literal, case-insensitive text search).

    Examples
    --------
    >>> r = pl.DataFrame({"kind": ["rank", "record"], "evaluator_id": ["a", "courts"],
    ...     "province_adcode": ["520000", "360000"], "adcode": ["520123", "360921"],
    ...     "name_zh": ["修文县", "奉新县"], "name_pinyin": ["Xiuwen Xian", "Fengxin Xian"],
    ...     "name_as_published": ["修文县", "奉新县人民政府"], "evaluator_en": ["A", None],
    ...     "title_en": ["T", None], "title_zh": ["题", None]})
    >>> narrow(r, text="xiuwen", kinds=[], evaluators=[], province=None)["adcode"].to_list()
    ['520123']
    >>> narrow(r, text="", kinds=["record"], evaluators=[], province=None).height
    1
    """
    keep = pl.lit(True)
    if kinds:
        keep &= pl.col("kind").is_in(kinds)
    if evaluators:
        keep &= pl.col("evaluator_id").is_in(evaluators)
    if province:
        keep &= pl.col("province_adcode") == province
    if text:
        needle = text.lower().replace(" ", "")
        fields = ("adcode", "name_zh", "name_pinyin", "name_as_published", "evaluator_en",
                  "title_en", "title_zh")  # fmt: skip
        keep &= pl.any_horizontal(
            pl.col(f).fill_null("").str.to_lowercase().str.replace_all(" ", "", literal=True)
            .str.contains(needle, literal=True)
            for f in fields
        )  # fmt: skip
    return results.filter(keep)


def table(results: pl.DataFrame) -> pl.DataFrame:
    """Return the results as a display table in the interface language."""
    frame = results.with_columns(
        published_rank=pl.col("rank"),
        published_list_pos=pl.col("list_pos"),
        published_band=pl.col("band"),
        total=pl.col("score"),
    )
    columns = ("published_rank", "published_list_pos", "published_band", "n_subjects",
               "total", "score_max")  # fmt: skip
    listed = template_expr(tr("listed: {band} ({year})"), band=band_text(),
                           year=pl.col("data_year").cast(pl.String))  # fmt: skip
    record = pl.col("record_type").replace_strict(translated(labels.RECORD_TYPES), default=None)
    who = pl.col("evaluator_zh") if is_zh() else pl.col("evaluator_en")
    agency = pl.col("evaluator_id").replace_strict(translated(labels.RECORD_SOURCES), default=None)
    title = pl.col("title_zh") if is_zh() else pl.coalesce("title_en", "title_zh")
    province = pl.col("province_name_zh") if is_zh() else pl.col("province_name_en")
    named = [
        county_name(n, p) if n else None
        for n, p in frame.select("name_zh", "name_pinyin").iter_rows()
    ]
    shown = frame.with_columns(
        result=pl.when(pl.col("kind") == "record")
        .then(record)
        .when(pl.col("kind") == "designation")
        .then(listed)
        .otherwise(result_expr(columns)),
        county=pl.Series(named, dtype=pl.String),
        kind_label=pl.col("kind").replace_strict(translated(labels.RESULT_KINDS)),
        who=pl.when(pl.col("kind") == "record").then(agency).otherwise(who),
        edition=pl.when(pl.col("kind") == "record").then(pl.col("note")).otherwise(title),
        province=province,
        reliability=pl.col("source_reliability").replace_strict(
            translated(labels.RELIABILITIES), default=None
        ),
    ).select(
        "data_year", "kind_label", "county", "adcode", "province", "who", "edition", "result",
        "name_as_published", "source_title", "source_url", "reliability",
    )  # fmt: skip
    return safe_links(shown, "source_url")


def columns() -> dict[str, Any]:
    """Return the display table's column headers, in the interface language."""
    return {
        "data_year": st.column_config.NumberColumn(tr("Year"), format="%d"),
        "kind_label": st.column_config.TextColumn(tr("Kind")),
        "county": st.column_config.TextColumn(tr("County")),
        "adcode": st.column_config.TextColumn(tr("Adcode")),
        "province": st.column_config.TextColumn(tr("Province")),
        "who": st.column_config.TextColumn(tr("Evaluator or agency"), width=220),
        "edition": st.column_config.TextColumn(tr("Edition, or what the source says"), width=320),
        "result": st.column_config.TextColumn(tr("Published result"), width=220),
        "name_as_published": st.column_config.TextColumn(tr("As published")),
        "source_title": st.column_config.TextColumn(tr("Source"), width=220),
        "source_url": st.column_config.LinkColumn(tr("Link")),
        "reliability": st.column_config.TextColumn(tr("Reliability")),
    }


@speaks
def evidence_map(
    divisions: pl.DataFrame, counts: pl.DataFrame, *, province: str | None, lang: str
) -> go.Figure:
    """Map where real evidence exists: per county, how many real editions name it.

    ``counts`` is ``loaders.overview.named_counts``; the hover lists the editions.
    """
    view = divisions.join(counts, on="adcode", how="left").with_columns(
        pl.col("editions", "records").fill_null(0)
    )
    if province:
        view = view.filter(pl.col("province_adcode") == province)
    editions, records = pl.col("editions"), pl.col("records")
    view = view.with_columns(
        kind=pl.when(editions >= 5).then(pl.lit("5+"))
        .when(editions >= 3).then(pl.lit("3-4"))
        .when(editions >= 1).then(editions.cast(pl.String))
        .when(records > 0).then(pl.lit("records"))
        .otherwise(pl.lit("none")),
        which=pl.col("edition_ids").list.join(", ").fill_null(""),
    )  # fmt: skip
    palette = ("#c6dbef", "#6baed6", "#2171b5", "#08306b", "#e6550d", "#d9d9d9")
    categories = {
        code: (tr(text), colour) for (code, text), colour in zip(BUCKETS, palette, strict=True)
    }
    categories = {"none": categories.pop("none"), **categories}  # grey first, under the rest
    layer = geo.province_layer_name(province) if province else geo.NATIONAL_LAYER
    return maps.category_map(
        view,
        categories,
        column="kind",
        counties_url=geo.static_url(layer),
        outlines_url=geo.static_url(geo.PROVINCES_LAYER),
        province=province,
        detail="which",
    )
