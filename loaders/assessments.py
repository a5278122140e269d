"""Assessment editions and their evaluators, as the app reads them from a snapshot."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from loaders.snapshot import load


def editions(snapshot: Path | str) -> pl.DataFrame:
    """Return every edition with its evaluator's names and whether it is synthetic.

    Columns: edition_id, title_zh, title_en, data_year, released, mode, n_subjects,
    n_provinces, method_published, evaluator_id, evaluator_zh, evaluator_en,
    is_synthetic, source_id; real editions first, then by series and year.
    """
    evaluators = load(snapshot, "evaluators").select(
        "evaluator_id", evaluator_zh="name_zh", evaluator_en="name_en"
    )
    return (
        load(snapshot, "editions")
        .join(evaluators, on="evaluator_id", how="left")
        .select(
            "edition_id",
            "title_zh",
            "title_en",
            "data_year",
            "released",
            "mode",
            "n_subjects",
            "n_provinces",
            "method_published",
            "evaluator_id",
            "evaluator_zh",
            "evaluator_en",
            "is_synthetic",
            "source_id",
        )
        .sort("is_synthetic", "evaluator_id", "data_year", "edition_id")
    )
