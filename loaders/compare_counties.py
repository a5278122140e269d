"""Two to five counties side by side: scores and ranks per metric, records, published results."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from loaders import assessments, records
from loaders.schemas import FIRST_LEVEL
from loaders.store import SnapshotLike

METRICS = (assessments.TOTAL, *FIRST_LEVEL)
SIDE_COLUMNS = (
    "metric",
    "adcode",
    "score",
    "rank_national",
    "n_national",
    "rank_province",
    "n_province",
)


def side_by_side(snapshot: SnapshotLike, edition: str, adcodes: Sequence[str]) -> pl.DataFrame:
    """Return one row per metric and county: its score and ranks in ``edition``.

    Metrics are the total and the five first-level ones the edition has (matched by
    their crosswalk key, as on Rankings); ranks and cohort sizes are those of
    :func:`loaders.assessments.county_view` on that metric, so they equal the atlas's.
    Counties the edition did not score have null scores and ranks. Columns
    :data:`SIDE_COLUMNS`, in metric order, then in the order of ``adcodes``.
    """
    tree = assessments.indicators(snapshot, edition)
    ids = {
        row["crosswalk_key"]: row["indicator_id"]
        for row in tree.filter(pl.col("level") == 1).iter_rows(named=True)
        if row["crosswalk_key"] in FIRST_LEVEL
    }
    ids[assessments.TOTAL] = assessments.TOTAL
    wanted = pl.DataFrame({"adcode": list(adcodes)}, schema={"adcode": pl.String})
    order = {code: i for i, code in enumerate(adcodes)}
    frames = []
    for metric in METRICS:
        if metric not in ids:
            continue
        view = assessments.county_view(snapshot, edition, ids[metric])
        rows = wanted.join(view, on="adcode", how="left").with_columns(metric=pl.lit(metric))
        frames.append(rows.select(SIDE_COLUMNS))
    side = pl.concat(frames, how="vertical_relaxed")
    return (
        side.with_columns(_order=pl.col("adcode").replace_strict(order))
        .sort(pl.col("metric").replace_strict({m: i for i, m in enumerate(METRICS)}), "_order")
        .drop("_order")
    )


def record_counts(snapshot: SnapshotLike, adcodes: Sequence[str]) -> pl.DataFrame:
    """Return per county its real (cited) and synthetic (demo) records, never summed together.

    Columns: ``adcode``, ``real_records``, ``demo_records``, ``demo_negative`` (negative
    demo records); zero where a county has none, in the order of ``adcodes``.
    """
    counts = (
        records.scan_rollup(snapshot, records.RecordFilters())
        .filter(pl.col("adcode").is_in(list(adcodes)))
        .group_by("adcode")
        .agg(
            real_records=pl.col("records").filter(~pl.col("is_synthetic")).sum(),
            demo_records=pl.col("records").filter(pl.col("is_synthetic")).sum(),
            demo_negative=pl.col("records")
            .filter(pl.col("is_synthetic") & (pl.col("polarity") == "negative"))
            .sum(),
        )
        .collect()
    )
    wanted = pl.DataFrame({"adcode": list(adcodes)}, schema={"adcode": pl.String})
    return wanted.join(counts, on="adcode", how="left").fill_null(0)


def demo_history(snapshot: SnapshotLike, adcodes: Sequence[str]) -> pl.DataFrame:
    """Return the counties' total scores in every synthetic edition: edition, year, score.

    Real editions are not here: their published results are ranks of lists, not scores
    on one axis (see ``loaders.overview.published_results``).
    """
    editions = assessments.editions(snapshot).filter(pl.col("is_synthetic") & pl.col("has_scores"))
    rows = []
    for row in editions.iter_rows(named=True):
        view = assessments.county_view(snapshot, row["edition_id"]).filter(
            pl.col("adcode").is_in(list(adcodes))
        )
        rows.append(
            view.select(
                "adcode",
                "score",
                "rank_national",
                edition_id=pl.lit(row["edition_id"]),
                series_id=pl.lit(row["series_id"]),
                data_year=pl.lit(row["data_year"]),
                evaluator_en=pl.lit(row["evaluator_en"]),
                evaluator_zh=pl.lit(row["evaluator_zh"]),
            )
        )
    if not rows:
        return pl.DataFrame()
    return pl.concat(rows, how="vertical_relaxed").sort("series_id", "data_year", "adcode")
