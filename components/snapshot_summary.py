"""What a snapshot holds: table sizes and editions, as frames for display."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

REAL_RESULTS_COLUMNS = {
    "edition_id": st.column_config.TextColumn("Edition"),
    "evaluator_en": st.column_config.TextColumn("Evaluator"),
    "title": st.column_config.TextColumn("Title", width="large"),
    "data_year": st.column_config.NumberColumn("Year", format="%d"),
    "mode": st.column_config.TextColumn("Mode"),
    "named": st.column_config.NumberColumn("Counties named", format="%d"),
    "on_map": st.column_config.NumberColumn("On today's map", format="%d"),
    "of": st.column_config.NumberColumn("Of (stated)", format="%d"),
    "scores": st.column_config.NumberColumn("Scores published", format="%d"),
    "source_kinds": st.column_config.TextColumn("Source kinds"),
    "source_url": st.column_config.LinkColumn("Source", display_text="open ↗"),
}


def table_sizes(manifest: dict[str, Any]) -> pl.DataFrame:
    """Return one row per table of a manifest: name, rows, megabytes.

    Examples
    --------
    >>> table_sizes({"tables": {"sources": {"rows": 3, "bytes": 2_000_000}}}).row(0)
    ('sources', 3, 2.0)
    """
    return pl.DataFrame(
        [
            {"table": name, "rows": entry["rows"], "MB": round(entry["bytes"] / 1e6, 2)}
            for name, entry in manifest["tables"].items()
        ],
        schema={"table": pl.String, "rows": pl.Int64, "MB": pl.Float64},
    )


def edition_list(editions: pl.DataFrame) -> pl.DataFrame:
    """Return the editions as a display table with a plain "data" column (real / synthetic).

    Examples
    --------
    >>> frame = pl.DataFrame({"edition_id": ["a"], "evaluator_en": ["Demo X"],
    ...     "title_en": ["t"], "data_year": [2021], "released": ["2022"], "mode": ["self"],
    ...     "n_subjects": [5], "method_published": ["none"], "is_synthetic": [True]})
    >>> edition_list(frame).get_column("data").to_list()
    ['synthetic (demo)']
    """
    return editions.select(
        data=pl.when(pl.col("is_synthetic"))
        .then(pl.lit("synthetic (demo)"))
        .otherwise(pl.lit("real (cited)")),
        edition=pl.col("edition_id"),
        evaluator=pl.col("evaluator_en"),
        title=pl.col("title_en"),
        year=pl.col("data_year"),
        released=pl.col("released"),
        mode=pl.col("mode"),
        counties=pl.col("n_subjects"),
        method_published=pl.col("method_published"),
    )
