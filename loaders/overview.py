"""What the open snapshot holds, counted for the front door: real evidence first."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from loaders import assessments
from loaders.store import SnapshotLike, load


@dataclass(frozen=True)
class Counts:
    """The front door's numbers, all counted from the snapshot's tables."""

    real_editions: int  # real editions with published results
    real_evaluators: int  # real evaluators with at least one such edition
    counties_named: int  # county-level units named in real published results
    real_records: int
    synthetic_editions: int


def counts(snapshot: SnapshotLike) -> Counts:
    """Return the front door's numbers for ``snapshot``."""
    editions = assessments.editions(snapshot)
    real = editions.filter(~pl.col("is_synthetic") & pl.col("has_results"))
    named = (
        load(snapshot, "rankings")
        .filter(~pl.col("is_synthetic") & pl.col("adcode").is_not_null())
        .get_column("adcode")
        .n_unique()
    )
    records = load(snapshot, "record_rollups").filter(~pl.col("is_synthetic"))
    return Counts(
        real_editions=real.height,
        real_evaluators=real.get_column("evaluator_id").n_unique(),
        counties_named=named,
        real_records=int(records.get_column("records").sum() or 0),
        synthetic_editions=editions.filter(pl.col("is_synthetic") & pl.col("has_results")).height,
    )


# What a real result is, for the published-results table (``kind``).
KINDS = ("rank", "list_position", "band", "designation", "score", "record")

PUBLISHED_COLUMNS = (
    "kind",
    "data_year",
    "evaluator_id",
    "evaluator_en",
    "evaluator_zh",
    "edition_id",
    "title_en",
    "title_zh",
    "mode",
    "adcode",
    "name_zh",
    "name_pinyin",
    "name_as_published",
    "province_adcode",
    "province_name_en",
    "province_name_zh",
    "rank",
    "list_pos",
    "band",
    "n_subjects",
    "score",
    "score_max",
    "record_type",
    "note",
    "source_title",
    "source_url",
    "source_reliability",
)


def published_results(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return every real published result and every real record, one row each.

    ``kind`` says what the row is: a ``rank`` (with ``n_subjects``, the size of its
    list, where published), a ``list_position``, a ``band`` (top N, a grade), a
    ``designation`` (a membership of a list of the edition's year: never a score), a
    ``score`` alone (with its scale, ``score_max``), or a ``record`` (a body named in a
    notice or a court's list). Units no longer on the map keep their published name and
    no adcode. Columns: :data:`PUBLISHED_COLUMNS`; sorted by year (newest first),
    evaluator and province.
    """
    editions = assessments.editions(snapshot)
    places = load(snapshot, "divisions").select(
        "adcode", "name_zh", "name_pinyin", "province_adcode", "province_name_en",
        "province_name_zh",
    )  # fmt: skip
    sources = load(snapshot, "sources").select(
        "source_id", source_title="title", source_url="url", source_reliability="reliability"
    )
    scores = (
        load(snapshot, "scores")
        .filter(~pl.col("is_synthetic") & (pl.col("indicator_id") == "total"))
        .select("edition_id", "adcode", "score")
    )
    results = (
        load(snapshot, "rankings")
        .filter(~pl.col("is_synthetic"))
        .join(scores, on=["edition_id", "adcode"], how="left")
        .join(
            editions.select(
                "edition_id",
                "evaluator_id",
                "evaluator_en",
                "evaluator_zh",
                "title_en",
                "title_zh",
                "data_year",
                "mode",
                "n_subjects",
                "score_max",
            ),
            on="edition_id",
            how="left",
        )
        .with_columns(
            kind=pl.when(pl.col("mode") == "designation")
            .then(pl.lit("designation"))
            .when(pl.col("rank").is_not_null())
            .then(pl.lit("rank"))
            .when(pl.col("list_pos").is_not_null())
            .then(pl.lit("list_position"))
            .when(pl.col("band").is_not_null())
            .then(pl.lit("band"))
            .otherwise(pl.lit("score")),
            record_type=pl.lit(None, pl.String),
        )
    )
    records = (
        load(snapshot, "records")
        .filter(~pl.col("is_synthetic"))
        .select(
            kind=pl.lit("record"),
            data_year=pl.col("occurred").dt.year().cast(pl.Int16),
            evaluator_id=pl.col("source_agency"),
            adcode="adcode",
            name_as_published="subject_name",
            record_type="record_type",
            note="note",
            source_id="source_id",
        )
    )
    both = pl.concat([results, records], how="diagonal_relaxed")
    return (
        both.join(places, on="adcode", how="left")
        .join(sources, on="source_id", how="left")
        .select(PUBLISHED_COLUMNS)
        .sort(
            pl.col("data_year"),
            "evaluator_id",
            "province_adcode",
            "rank",
            descending=[True, False, False, False],
            nulls_last=True,
        )
    )


def named_counts(results: pl.DataFrame) -> pl.DataFrame:
    """Return per county: how many real editions name it, which, and its real records.

    ``results`` is :func:`published_results`; counties without an adcode are left out.
    Columns: adcode, editions (count), edition_titles (joined), records (count).
    """
    placed = results.filter(pl.col("adcode").is_not_null())
    named = (
        placed.filter(pl.col("kind") != "record")
        .group_by("adcode")
        .agg(
            editions=pl.col("edition_id").n_unique().cast(pl.Int64),
            edition_ids=pl.col("edition_id").unique().sort(),
        )
    )
    records = (
        placed.filter(pl.col("kind") == "record")
        .group_by("adcode")
        .agg(records=pl.len().cast(pl.Int64))
    )
    return (
        named.join(records, on="adcode", how="full", coalesce=True)
        .with_columns(pl.col("editions", "records").fill_null(0))
        .sort("adcode")
    )
