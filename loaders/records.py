"""Records about government bodies, read from a snapshot: pushed-down scans, cached queries.

Every query reads the snapshot lazily (``loaders.store.scan``): filters on the
province, county, years and dates and the choice of columns push down into the Parquet
reader (hive partitions of other years are not read; the province is an adcode range,
so min/max statistics can skip row groups of a file sorted by adcode, as the rollup is).
Overviews read the precomputed monthly rollup (``record_rollups``) instead of the raw
records; the detail table reads one page at a time. Nothing here loads the whole
records table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache

import polars as pl

from loaders import assessments, divisions, schemas, store
from loaders.derive.records import (
    DEMO,
    EXPORT_LIMIT,
    METRIC_RECORDS,
    PAGE_SIZE,
    REAL,
    TABLE_COLUMNS,
    RecordFilters,
    county_map_view,
    months_between,
    resolution_query,
    rollup_query,
)
from loaders.store import SnapshotLike, SnapshotRef

ROLLUPS = "record_rollups"


def _rollup(snapshot: SnapshotLike) -> pl.LazyFrame:
    if store.opened(snapshot).has(ROLLUPS):
        return store.scan(snapshot, ROLLUPS)
    # A snapshot written without the rollup: derive it (records and counted volumes).
    return rollup_query(store.scan(snapshot, "records"), store.scan(snapshot, "record_volumes"))


def scan_rollup(snapshot: SnapshotLike, filters: RecordFilters) -> pl.LazyFrame:
    """Return the monthly rollup rows that ``filters`` keep, as a lazy scan."""
    predicates = filters.rollup_predicates()
    frame = _rollup(snapshot)
    return frame.filter(*predicates) if predicates else frame


def scan_records(
    snapshot: SnapshotLike, filters: RecordFilters, columns: tuple[str, ...] | None = None
) -> pl.LazyFrame:
    """Return the raw records that ``filters`` keep, as a lazy scan of ``columns``.

    The filters and the column choice push down into the Parquet scan (check with
    ``.explain()``); ``year`` limits the hive partitions read.
    """
    frame = store.scan(snapshot, "records")
    predicates = filters.record_predicates()
    if predicates:
        frame = frame.filter(*predicates)
    return frame.select(columns) if columns else frame


# ---------------------------------------------------------------------------------------
# overview
# ---------------------------------------------------------------------------------------
def period_bounds(
    snapshot: SnapshotLike, synthetic: bool | None = None
) -> tuple[dt.date, dt.date] | None:
    """Return the first and last month that hold records (first days), or None if none.

    ``synthetic`` limits it to one layer of records (real or demo).
    """
    return _period_bounds(store.ref(snapshot), synthetic)


@lru_cache(maxsize=8)
def _period_bounds(snapshot: SnapshotRef, synthetic: bool | None) -> tuple[dt.date, dt.date] | None:
    frame = _rollup(snapshot)
    if synthetic is not None:
        frame = frame.filter(pl.col("is_synthetic") == synthetic)
    row = frame.select(pl.col("month").min(), last=pl.col("month").max()).collect()
    first, last = row.row(0)
    return None if first is None else (first, last)


def layer_counts(snapshot: SnapshotLike) -> dict[str, int]:
    """Return how many records each layer holds: ``{"real": n, "demo": m}`` (from the rollup)."""
    return dict(_layer_counts(store.ref(snapshot)))


@lru_cache(maxsize=8)
def _layer_counts(snapshot: SnapshotRef) -> tuple[tuple[str, int], ...]:
    counts = _rollup(snapshot).group_by("is_synthetic").agg(pl.col("records").sum()).collect()
    found = {bool(k): int(v) for k, v in counts.iter_rows()}
    return ((REAL, found.get(False, 0)), (DEMO, found.get(True, 0)))


def monthly(snapshot: SnapshotLike, filters: RecordFilters) -> pl.DataFrame:
    """Return records per month × source agency × record type × polarity (from the rollup).

    Columns: month, source_agency, record_type, polarity, records; sorted.
    """
    return _monthly(store.ref(snapshot), filters)


@lru_cache(maxsize=32)
def _monthly(snapshot: SnapshotRef, filters: RecordFilters) -> pl.DataFrame:
    keys = ["month", "source_agency", "record_type", "polarity"]
    return (
        scan_rollup(snapshot, filters)
        .group_by(keys)
        .agg(pl.col("records").sum())
        .sort(keys)
        .collect()
    )


def county_counts(snapshot: SnapshotLike, filters: RecordFilters) -> pl.DataFrame:
    """Return the number of records per county (counties with records only), from the rollup."""
    return _county_counts(store.ref(snapshot), filters)


@lru_cache(maxsize=32)
def _county_counts(snapshot: SnapshotRef, filters: RecordFilters) -> pl.DataFrame:
    return (
        scan_rollup(snapshot, filters)
        .group_by("adcode")
        .agg(pl.col("records").sum())
        .sort("adcode")
        .collect()
    )


def covered_provinces(snapshot: SnapshotLike, synthetic: bool | None = None) -> frozenset[str]:
    """Return the six-digit codes of the provinces that have records (of one layer)."""
    return _covered(store.ref(snapshot), synthetic)


@lru_cache(maxsize=8)
def _covered(snapshot: SnapshotRef, synthetic: bool | None) -> frozenset[str]:
    frame = _rollup(snapshot)
    if synthetic is not None:
        frame = frame.filter(pl.col("is_synthetic") == synthetic)
    codes = frame.select(pl.col("adcode").str.slice(0, 2).unique()).collect()
    return frozenset(f"{c}0000" for c in codes.to_series())


def is_synthetic(snapshot: SnapshotLike) -> bool:
    """Return whether any record of the snapshot is synthetic."""
    return _is_synthetic(store.ref(snapshot))


@lru_cache(maxsize=8)
def _is_synthetic(snapshot: SnapshotRef) -> bool:
    return bool(_rollup(snapshot).select(pl.col("is_synthetic").any()).collect().item())


def county_labels(
    snapshot: SnapshotLike, province: str | None = None, lang: str = "en"
) -> dict[str, str]:
    """Return adcode → "name · prefecture · adcode" of the counties (of ``province``).

    In English the county's pinyin stands beside its Chinese name and the prefecture
    is named in English ("闵行区 Minhang Qu · Shanghai · 310112"); in Chinese, Chinese
    only ("闵行区 · 上海市 · 310112").
    """
    table = county_places(snapshot, province)
    zh = lang == "zh"
    rows = table.select(
        "adcode",
        "name_zh",
        pl.lit(None, pl.String) if zh else "name_pinyin",
        "prefecture_name_zh" if zh else "prefecture_name_en",
    ).rows()
    return {
        code: f"{name}{f' {pinyin}' if pinyin else ''} · {prefecture} · {code}"
        for code, name, pinyin, prefecture in rows
    }


def county_places(snapshot: SnapshotLike, province: str | None = None) -> pl.DataFrame:
    """Return the divisions (of ``province``) by adcode: what a county search matches."""
    table = divisions.load(snapshot)
    if province:
        table = table.filter(pl.col("province_adcode") == province)
    return table.sort("adcode")


def map_view(snapshot: SnapshotLike, filters: RecordFilters, *, per_year: bool) -> pl.DataFrame:
    """Return ``county_map_view`` of the records ``filters`` keep (cached per view).

    An open period runs over the months that hold records.
    """
    return _map_view(store.ref(snapshot), filters, per_year)


@lru_cache(maxsize=16)
def _map_view(snapshot: SnapshotRef, filters: RecordFilters, per_year: bool) -> pl.DataFrame:
    bounds = period_bounds(snapshot, filters.synthetic)
    first, last = bounds or (dt.date(2000, 1, 1), dt.date(2000, 1, 1))
    return county_map_view(
        county_counts(snapshot, filters),
        divisions.load(snapshot),
        covered=covered_provinces(snapshot, filters.synthetic),
        months=months_between(filters.start or first, filters.end or last),
        per_year=per_year,
        province=filters.province,
        census=filters.synthetic is not False,
    )


# ---------------------------------------------------------------------------------------
# lifecycles
# ---------------------------------------------------------------------------------------
def lifecycle_records(snapshot: SnapshotLike, filters: RecordFilters) -> pl.DataFrame:
    """Return the records a lifecycle chart needs: source, status, occurred, resolved.

    Records listed before the period count too (they may still be open in it), so only
    the period's end is applied.
    """
    return _lifecycle_records(store.ref(snapshot), filters)


@lru_cache(maxsize=16)
def _lifecycle_records(snapshot: SnapshotRef, filters: RecordFilters) -> pl.DataFrame:
    open_start = dataclasses.replace(filters, start=None)
    columns = ("source_agency", "record_type", "status", "occurred", "resolved")
    return scan_records(snapshot, open_start, columns).collect()


def resolution_summary(snapshot: SnapshotLike, filters: RecordFilters) -> pl.DataFrame:
    """Return ``resolution_times`` of the records that ``filters`` keep (three columns read)."""
    return _resolution_summary(store.ref(snapshot), filters)


@lru_cache(maxsize=16)
def _resolution_summary(snapshot: SnapshotRef, filters: RecordFilters) -> pl.DataFrame:
    columns = ("source_agency", "record_type", "occurred", "resolved")
    return resolution_query(scan_records(snapshot, filters, columns)).collect()


# ---------------------------------------------------------------------------------------
# the detail table
# ---------------------------------------------------------------------------------------
def count_records(snapshot: SnapshotLike, filters: RecordFilters) -> int:
    """Return how many records ``filters`` keep (a count pushed into the scan)."""
    return _count(store.ref(snapshot), filters)


@lru_cache(maxsize=64)
def _count(snapshot: SnapshotRef, filters: RecordFilters) -> int:
    return int(scan_records(snapshot, filters, ("record_id",)).select(pl.len()).collect().item())


def _ordered(snapshot: SnapshotLike, filters: RecordFilters) -> pl.LazyFrame:
    # Newest first; record_id breaks ties, so pages are stable and never overlap.
    columns = tuple(c for c in TABLE_COLUMNS if c != "name_zh")
    return scan_records(snapshot, filters, columns).sort("occurred", "record_id", descending=True)


def _named(snapshot: SnapshotLike, frame: pl.DataFrame) -> pl.DataFrame:
    names = divisions.load(snapshot).select("adcode", "name_zh")
    return frame.join(names, on="adcode", how="left", maintain_order="left").select(TABLE_COLUMNS)


def records_page(
    snapshot: SnapshotLike, filters: RecordFilters, *, page: int, size: int = PAGE_SIZE
) -> pl.DataFrame:
    """Return page ``page`` (from 1) of the records ``filters`` keep, newest first.

    Only ``size`` rows are materialised: the sort runs on the filtered scan with the
    slice pushed into it. Columns: ``TABLE_COLUMNS`` (the county's name added).
    """
    return _page(store.ref(snapshot), filters, max(1, page), size)


@lru_cache(maxsize=64)
def _page(snapshot: SnapshotRef, filters: RecordFilters, page: int, size: int) -> pl.DataFrame:
    rows = _ordered(snapshot, filters).slice((page - 1) * size, size).collect()
    return _named(snapshot, rows)


def export_rows(
    snapshot: SnapshotLike, filters: RecordFilters, *, limit: int = EXPORT_LIMIT
) -> pl.DataFrame:
    """Return the records ``filters`` keep for a download (table columns), at most ``limit``."""
    return _named(snapshot, _ordered(snapshot, filters).head(limit).collect())


# ---------------------------------------------------------------------------------------
# one county
# ---------------------------------------------------------------------------------------
def county_records(snapshot: SnapshotLike, adcode: str) -> pl.DataFrame:
    """Return every record of one county (for its profile timeline), oldest first."""
    return _county_records(store.ref(snapshot), adcode)


@lru_cache(maxsize=16)
def _county_records(snapshot: SnapshotRef, adcode: str) -> pl.DataFrame:
    columns = (
        "occurred",
        "source_agency",
        "record_type",
        "polarity",
        "status",
        "subject_name",
        "amount_cny",
        "record_id",
        "is_synthetic",
    )
    frame = scan_records(snapshot, RecordFilters(county=adcode), columns)
    return frame.sort("occurred", "record_id").collect()


REAL_COLUMNS = (
    "occurred",
    "name_zh",
    "subject_name",
    "record_type",
    "note",
    "source_url",
    "source_title",
    "source_reliability",
    "amount_cny",
    "source_agency",
    "status",
    "adcode",
    "record_id",
)


def real_records(snapshot: SnapshotLike, filters: RecordFilters) -> pl.DataFrame:
    """Return the real records ``filters`` keep, each with its county and its source.

    Real records are few (each was found and cited by hand): all of them come back,
    newest first, with the county's name and the source's title, URL and reliability
    (``REAL_COLUMNS``). Synthetic records are never among them, whatever ``filters`` say.
    """
    return _real_records(store.ref(snapshot), dataclasses.replace(filters, synthetic=False))


@lru_cache(maxsize=16)
def _real_records(snapshot: SnapshotRef, filters: RecordFilters) -> pl.DataFrame:
    rows = scan_records(snapshot, filters).collect()
    sources = store.load(snapshot, "sources").select(
        "source_id",
        source_title=pl.col("title"),
        source_url=pl.col("url"),
        source_reliability=pl.col("reliability"),
    )
    names = divisions.load(snapshot).select("adcode", "name_zh")
    return (
        rows.join(names, on="adcode", how="left")
        .join(sources, on="source_id", how="left")
        .sort("occurred", "record_id", descending=True)
        .select(REAL_COLUMNS)
    )


# ---------------------------------------------------------------------------------------
# scores against records
# ---------------------------------------------------------------------------------------
def metric_key(snapshot: SnapshotLike, edition: str, metric: str) -> str:
    """Return the first-level crosswalk key a metric belongs to (``total`` for the total)."""
    if metric == assessments.TOTAL:
        return assessments.TOTAL
    tree = assessments.indicators(snapshot, edition).filter(pl.col("indicator_id") == metric)
    key = tree.item(0, "crosswalk_key") if tree.height else None
    return key if key in METRIC_RECORDS else assessments.TOTAL


def scores_vs_records(
    snapshot: SnapshotLike, edition: str, metric: str, province: str | None = None
) -> tuple[pl.DataFrame, int, str]:
    """Return each assessed county's score against its matching records in the data year.

    ``metric`` is mapped to its first-level metric (``metric_key``); the records are
    those of ``METRIC_RECORDS`` for it, counted in the edition's data year, and of the
    edition's kind (synthetic records for a synthetic edition, real ones for a real one).

    Returns
    -------
    (frame, data year, crosswalk key of the first-level metric). The frame has the
    county's names and codes, ``score`` and ``records`` (0 when none), one row per
    assessed county.
    """
    key = metric_key(snapshot, edition, metric)
    tree = assessments.indicators(snapshot, edition)
    level1 = tree.filter((pl.col("level") == 1) & (pl.col("crosswalk_key") == key))
    indicator = level1.item(0, "indicator_id") if level1.height else assessments.TOTAL
    year = int(
        assessments.editions(snapshot).filter(pl.col("edition_id") == edition).item(0, "data_year")
    )
    view = assessments.county_view(snapshot, edition, indicator, province)
    scored = view.filter(pl.col("score").is_not_null()).select(
        "adcode", "name_zh", "name_pinyin", "prefecture_name_zh", "province_name_zh", "score"
    )
    filters = RecordFilters(
        province=province,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        types=METRIC_RECORDS[key],
        # Records of the edition's own kind only: demo scores against demo records.
        synthetic=assessments.is_synthetic(snapshot, edition),
    )
    counts = county_counts(snapshot, filters)
    frame = scored.join(counts, on="adcode", how="left").with_columns(
        pl.col("records").fill_null(0).cast(pl.Int64)
    )
    return frame.sort("adcode"), year, key


def volume_summary(snapshot: SnapshotLike, filters: RecordFilters) -> pl.DataFrame:
    """Return the record types held as monthly counts, with their yearly volume per county.

    One row per type of ``schemas.VOLUME_TYPES`` found under ``filters``: its source
    agency, the median and the 5th–95th percentiles of the yearly count per county,
    the total, and whether the project's notes document that magnitude (``documented``;
    otherwise it is assumed).
    """
    wanted = dataclasses.replace(filters, types=schemas.VOLUME_TYPES)
    yearly = (
        scan_rollup(snapshot, wanted)
        .group_by("record_type", "source_agency", "adcode", pl.col("month").dt.year())
        .agg(pl.col("records").sum())
        .collect()
    )
    return (
        yearly.group_by("record_type", "source_agency")
        .agg(
            median=pl.col("records").median(),
            low=pl.col("records").quantile(0.05, "nearest"),
            high=pl.col("records").quantile(0.95, "nearest"),
            total=pl.col("records").sum().cast(pl.Int64),
        )
        .with_columns(documented=pl.col("record_type").is_in(sorted(schemas.DOCUMENTED_VOLUMES)))
        .sort("total", descending=True)
    )
