"""What a snapshot holds: table sizes and editions, as frames for display."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import streamlit as st

from components.i18n import col, is_zh, labels, mark, tr, translated
from components.provenance import md_escape

_SYNTHETIC = mark("synthetic (demo)")
_REAL = mark("real (cited)")


def real_results_columns() -> dict[str, Any]:
    """Return the column configuration of the real results table (interface language)."""
    return {
        "edition_id": st.column_config.TextColumn(tr("Edition")),
        "evaluator_en": st.column_config.TextColumn(tr("Evaluator")),
        "title": st.column_config.TextColumn(tr("Title"), width="large"),
        "data_year": st.column_config.NumberColumn(tr("Year"), format="%d"),
        "mode": st.column_config.TextColumn(tr("Mode")),
        "named": st.column_config.NumberColumn(tr("Counties named"), format="%d"),
        "on_map": st.column_config.NumberColumn(tr("On today's map"), format="%d"),
        "of": st.column_config.NumberColumn(tr("Of (stated)"), format="%d"),
        "scores": st.column_config.NumberColumn(tr("Scores published"), format="%d"),
        "source_kinds": st.column_config.TextColumn(tr("Source kinds")),
        "source_url": st.column_config.LinkColumn(tr("Source"), display_text=tr("open ↗")),
    }


def real_results_table(real: pl.DataFrame, editions: pl.DataFrame) -> pl.DataFrame:
    """Return ``assessments.real_results`` for display; in Chinese, Chinese names and labels.

    ``editions`` (``assessments.editions``) gives the Chinese titles and evaluator names.
    """
    if not is_zh():
        return real
    names = editions.select("edition_id", "title_zh", "evaluator_zh")
    modes = {code.replace("_", " "): label for code, label in translated(labels.MODES).items()}
    kinds = translated(labels.RELIABILITIES)
    return (
        real.join(names, on="edition_id", how="left")
        .with_columns(
            evaluator_en=pl.coalesce("evaluator_zh", "evaluator_en"),
            title=pl.coalesce("title_zh", "title"),
            mode=pl.col("mode").replace_strict(modes, default=pl.col("mode")),
            source_kinds=pl.col("source_kinds")
            .str.split(", ")
            .list.eval(pl.element().replace_strict(kinds, default=pl.element()))
            .list.join("、"),
        )
        .drop("title_zh", "evaluator_zh")
    )


def table_sizes(manifest: dict[str, Any]) -> pl.DataFrame:
    """Return one row per table of a manifest: what it holds, its file, rows, megabytes.

    Examples
    --------
    >>> table_sizes({"tables": {"sources": {"path": "sources.parquet", "rows": 3,
    ...     "bytes": 2_000_000}}}).row(0)
    ('sources (table)', 'sources.parquet', 3, 2.0)
    """
    return pl.DataFrame(
        [
            {
                "table": tr(labels.TABLES[name]) if name in labels.TABLES else name,
                "file": str(entry.get("path", name)),
                "rows": entry["rows"],
                "MB": round(entry["bytes"] / 1e6, 2),
            }
            for name, entry in manifest["tables"].items()
        ],
        schema={"table": pl.String, "file": pl.String, "rows": pl.Int64, "MB": pl.Float64},
    )


def table_sizes_columns() -> dict[str, Any]:
    """Return the column headers of :func:`table_sizes`, in the interface language."""
    return {
        "table": st.column_config.TextColumn(tr("Table")),
        "file": st.column_config.TextColumn(tr("File")),
        "rows": st.column_config.NumberColumn(tr("Rows"), format="%d"),
        "MB": st.column_config.NumberColumn(tr("MB"), format="%.2f"),
    }


def edition_list(editions: pl.DataFrame) -> pl.DataFrame:
    """Return the editions as a display table with a plain "data" column (real / synthetic).

    In Chinese, evaluators and titles are the Chinese ones and codes are labelled.

    Examples
    --------
    >>> frame = pl.DataFrame({"edition_id": ["a"], "evaluator_en": ["Demo X"],
    ...     "title_en": ["t"], "data_year": [2021], "released": ["2022"], "mode": ["self"],
    ...     "n_subjects": [5], "method_published": ["none"], "is_synthetic": [True]})
    >>> edition_list(frame).get_column("data").to_list()
    ['synthetic (demo)']
    """
    mode, method = pl.col("mode"), pl.col("method_published")
    mode = mode.replace_strict(translated(labels.MODES), default=mode)
    method = method.replace_strict(translated(labels.DISCLOSURES), default=method)
    return editions.select(
        data=pl.when(pl.col("is_synthetic"))
        .then(pl.lit(tr(_SYNTHETIC)))
        .otherwise(pl.lit(tr(_REAL))),
        edition=pl.col("edition_id"),
        evaluator=pl.col(col("evaluator")),
        title=pl.col(col("title")),
        year=pl.col("data_year"),
        released=pl.col("released"),
        mode=mode,
        counties=pl.col("n_subjects"),
        method_published=method,
    )


def edition_list_columns() -> dict[str, Any]:
    """Return the column headers of :func:`edition_list`, in the interface language."""
    return {
        "data": st.column_config.TextColumn(tr("Data")),
        "edition": st.column_config.TextColumn(tr("Edition")),
        "evaluator": st.column_config.TextColumn(tr("Evaluator")),
        "title": st.column_config.TextColumn(tr("Title")),
        "year": st.column_config.NumberColumn(tr("Year"), format="%d"),
        "released": st.column_config.TextColumn(tr("Released")),
        "mode": st.column_config.TextColumn(tr("Mode")),
        "counties": st.column_config.NumberColumn(tr("Counties"), format="%d"),
        "method_published": st.column_config.TextColumn(tr("Method published")),
    }


def not_on_map_columns() -> dict[str, Any]:
    """Return the column headers of the units not on today's map, in the interface language."""
    return {
        "edition_id": st.column_config.TextColumn(tr("Edition")),
        "name_as_published": st.column_config.TextColumn(tr("Name as published")),
        "rank": st.column_config.NumberColumn(tr("Rank"), format="%d"),
        "list_pos": st.column_config.NumberColumn(tr("List position"), format="%d"),
        "band": st.column_config.TextColumn(tr("Band")),
        "note": st.column_config.TextColumn(tr("Note"), width="large"),
    }


def description(
    manifest: Mapping[str, Any], editions: pl.DataFrame, regions: Mapping[str, int]
) -> str:
    """Return what the snapshot holds in one line, in the interface language.

    English is the manifest's own description; Chinese is written from the counts (the
    manifest's description is English only). ``regions`` counts the units by region
    (``loaders.derive.universe.universe``).
    """
    if not is_zh():
        return str(manifest.get("description", ""))
    tables = manifest.get("tables", {})
    synthetic = int(editions.get_column("is_synthetic").sum())
    return tr(
        "{divisions} mainland county-level divisions and {others} of Hong Kong, Macau and "
        "Taiwan; {real} real editions with cited sources; {synthetic} synthetic demo "
        "editions; {records} records.",
        divisions=f"{regions.get('mainland', 0):,}",
        others=f"{sum(regions.values()) - regions.get('mainland', 0):,}",
        real=editions.height - synthetic,
        synthetic=synthetic,
        records=f"{tables.get('records', {}).get('rows', 0):,}",
    )


def families_table(families: pl.DataFrame) -> pl.DataFrame:
    """Return the evaluator families in the interface language.

    Columns: the family's name, its real evaluators, what it measures and how that
    differs from an integrity rating.
    """
    lang = "zh" if is_zh() else "en"
    return families.select(
        family=pl.col(f"name_{lang}"),
        evaluators=pl.col(f"evaluators_{lang}"),
        measures=pl.col(f"measures_{lang}"),
        differs=pl.col(f"differs_{lang}"),
    )


def render_families(families: pl.DataFrame) -> None:
    """Draw each evaluator family as a paragraph: what it measures, how that differs."""
    for row in families.iter_rows(named=True):
        st.markdown(
            tr(
                "**{family}** ({evaluators})  \n{measures} *{differs}*",
                family=md_escape(row["family"]),
                evaluators=md_escape(row["evaluators"]),
                measures=md_escape(row["measures"]),
                differs=md_escape(row["differs"]),
            )
        )
