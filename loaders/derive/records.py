"""Records about government bodies as frames: filters, the monthly rollup, lifecycles, pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import polars as pl

from loaders import schemas
from loaders.derive.divergence import spearman
from loaders.derive.ranks import add_ranks

NEGATIVE = tuple(t for t in schemas.RECORD_TYPES if t != "commendation")


# First-level metric (crosswalk key) → the records that speak to it. NOTE: only the real
# records of failed website checks measure disclosure directly, and the demo generates
# none, so transparency, like the total, is set against all negative records.
METRIC_RECORDS: dict[str, tuple[str, ...]] = {
    "total": NEGATIVE,
    "transparency": NEGATIVE,
    "compliance": ("admin_litigation_loss", "reconsideration_revoked", "admin_penalty"),
    "honoring_agreements": ("broken_commitment", "dishonest_judgment_debtor"),
    "integrity_work": ("disciplinary_action", "accountability_action"),
    # The public's feedback: the complaint hotline and formal protests against government
    # decisions (the seed article), petitions and reconsideration applications counted.
    "public_opinion": ("complaint", "opinion_incident", "petition", "reconsideration_application"),
}

LIFECYCLE_DEFAULT = "dishonest_judgment_debtor"


# Record types whose status changes over time (a decision revoked or a commendation
# does not end): the choices of the lifecycle chart.
LIFECYCLE_TYPES = tuple(
    t
    for t in schemas.RECORD_TYPES
    if t not in ("reconsideration_revoked", "commendation", "website_check_failure")
    and t not in schemas.VOLUME_TYPES  # counted per month, never itemised: no lifecycle
)
# The two layers of records, never counted together: real (cited) and synthetic (demo).
REAL, DEMO = "real", "demo"
LAYERS = (REAL, DEMO)

OPEN = "still open"

TABLE_COLUMNS = (
    "occurred",
    "name_zh",
    "adcode",
    "subject_name",
    "source_agency",
    "record_type",
    "polarity",
    "status",
    "resolved",
    "amount_cny",
    "published",
    "record_id",
)

PAGE_SIZE = 50

EXPORT_LIMIT = 100_000  # rows in one CSV download; narrower filters export everything


@dataclass(frozen=True)
class RecordFilters:
    """Which records to read: a place, a period (whole days, inclusive) and code lists.

    Empty code lists mean "all". ``province`` is a six-digit province adcode;
    ``synthetic`` keeps one layer of records (real or demo; None: both, which no page
    shows). The rollup answers every filter but ``statuses``; a period for the rollup
    must start on the first day of a month and end on the last day of one.
    """

    province: str | None = None
    county: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    sources: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    polarities: tuple[str, ...] = ()
    synthetic: bool | None = None

    def _place(self) -> list[pl.Expr]:
        layer = [] if self.synthetic is None else [pl.col("is_synthetic") == self.synthetic]
        return layer + self._where()

    def _where(self) -> list[pl.Expr]:
        if self.county:
            return [pl.col("adcode") == self.county]
        if self.province:
            # A range, not starts_with: Parquet min/max statistics can prune row groups.
            code = self.province[:2]
            return [pl.col("adcode").is_between(pl.lit(f"{code}0000"), pl.lit(f"{code}9999"))]
        return []

    def _codes(self, *, statuses: bool) -> list[pl.Expr]:
        lists = {
            "source_agency": self.sources,
            "record_type": self.types,
            "polarity": self.polarities,
        }
        if statuses:
            lists["status"] = self.statuses
        return [pl.col(column).is_in(list(values)) for column, values in lists.items() if values]

    def record_predicates(self) -> list[pl.Expr]:
        """Return the filters on the raw ``records`` table (with the ``year`` partition).

        Examples
        --------
        >>> f = RecordFilters(province="520000", start=dt.date(2017, 1, 1), types=("complaint",))
        >>> real = dataclasses.replace(f, synthetic=False)
        >>> len(f.record_predicates()), len(real.record_predicates())
        (4, 5)
        """
        predicates = self._place() + self._codes(statuses=True)
        year = pl.col(schemas.RECORDS_PARTITION)
        if self.start:
            predicates += [year >= self.start.year, pl.col("occurred") >= self.start]
        if self.end:
            predicates += [year <= self.end.year, pl.col("occurred") <= self.end]
        return predicates

    def rollup_predicates(self) -> list[pl.Expr]:
        """Return the same filters on the monthly rollup (``statuses`` are not in it).

        Examples
        --------
        >>> RecordFilters(statuses=("active",)).rollup_predicates()
        Traceback (most recent call last):
        ...
        ValueError: the monthly rollup has no status: read the raw records
        """
        if self.statuses:
            raise ValueError("the monthly rollup has no status: read the raw records")
        predicates = self._place() + self._codes(statuses=False)
        if self.start:
            predicates.append(pl.col("month") >= self.start.replace(day=1))
        if self.end:
            predicates.append(pl.col("month") <= self.end.replace(day=1))
        return predicates


def with_types(filters: RecordFilters, *types: str) -> RecordFilters:
    """Return ``filters`` limited to the record ``types``.

    Examples
    --------
    >>> with_types(RecordFilters(province="520000"), "complaint").types
    ('complaint',)
    """
    return dataclasses.replace(filters, types=types)


# ---------------------------------------------------------------------------------------
# the rollup
# ---------------------------------------------------------------------------------------
def rollup_query(records: pl.LazyFrame, volumes: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """Return the monthly rollup of ``records`` as a lazy query (schema ``RECORD_ROLLUPS``).

    One row per county × month × source agency × record type × polarity (× source and
    kind, so real and synthetic records are never counted together), with the number of
    records and the sum of their known amounts. ``volumes`` (table ``record_volumes``:
    record types counted per county and month, never itemised) are added as they are,
    with no amount.
    """
    key = [
        "adcode",
        "month",
        "source_agency",
        "record_type",
        "polarity",
        "source_id",
        "is_synthetic",
    ]
    itemised = records.group_by(
        "adcode", pl.col("occurred").dt.truncate("1mo").alias("month"), *key[2:]
    ).agg(
        records=pl.len().cast(pl.UInt32),
        amount_cny=pl.col("amount_cny").sum().round(2),
    )
    if volumes is None:
        return itemised.select(list(schemas.RECORD_ROLLUPS))
    counted = volumes.select(*key, "records", amount_cny=pl.lit(0.0, dtype=pl.Float64)).select(
        itemised.collect_schema().names()
    )
    # NOTE: a type is either itemised or counted, but summing keeps the rollup's key unique
    # even if a snapshot had both.
    return (
        pl.concat([itemised, counted])
        .group_by(key)
        .agg(pl.col("records").sum().cast(pl.UInt32), pl.col("amount_cny").sum().round(2))
        .select(list(schemas.RECORD_ROLLUPS))
    )


def monthly_rollup(records: pl.DataFrame, volumes: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return the monthly rollup of a ``records`` frame (and ``volumes``), sorted by its key.

    Examples
    --------
    >>> r = pl.DataFrame({"adcode": ["520123"] * 3, "occurred": [dt.date(2019, 5, d)
    ...     for d in (1, 9, 31)], "source_agency": "courts", "record_type":
    ...     "admin_litigation_loss", "polarity": "negative", "amount_cny": [1e4, None, 5e3],
    ...     "source_id": "s", "is_synthetic": True})
    >>> monthly_rollup(r).select("month", "records", "amount_cny").row(0)
    (datetime.date(2019, 5, 1), 3, 15000.0)
    >>> v = pl.DataFrame({"adcode": ["520123"], "month": [dt.date(2019, 5, 1)],
    ...     "source_agency": "hotline_12345", "record_type": "complaint", "polarity":
    ...     "negative", "records": pl.Series([412], dtype=pl.UInt32), "source_id": "s",
    ...     "is_synthetic": True})
    >>> monthly_rollup(r, v).select("record_type", "records").rows()
    [('admin_litigation_loss', 3), ('complaint', 412)]
    """
    key = list(schemas.DERIVED["record_rollups"].key)
    lazy_volumes = None if volumes is None else volumes.lazy()
    return rollup_query(records.lazy(), lazy_volumes).collect().sort(key)


def month_end(month: dt.date) -> dt.date:
    """Return the last day of ``month``'s month.

    Examples
    --------
    >>> month_end(dt.date(2020, 2, 1)), month_end(dt.date(2021, 12, 15))
    (datetime.date(2020, 2, 29), datetime.date(2021, 12, 31))
    """
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Return how many calendar months a period touches, both ends included.

    Examples
    --------
    >>> months_between(dt.date(2016, 1, 1), dt.date(2021, 12, 31))
    72
    """
    return (end.year - start.year) * 12 + end.month - start.month + 1


def county_map_view(
    counts: pl.DataFrame,
    division_table: pl.DataFrame,
    *,
    covered: frozenset[str],
    months: int,
    per_year: bool,
    province: str | None = None,
    census: bool = True,
) -> pl.DataFrame:
    """Return a records view with the columns of ``assessments.county_view`` for the map.

    ``score`` is each county's record count (or count per year when ``per_year``);
    a county without records in a covered province scores 0, one in a province the
    snapshot has no records for is left blank (status ``no_records``). Ranks put
    the county with the most records first. Real records are found one by one, not
    collected for every county (``census`` false): a county without one is left blank,
    never counted as 0.

    Parameters
    ----------
    counts
        ``adcode``, ``records`` (``county_counts``).
    division_table
        The ``divisions`` table.
    covered
        Provinces (six-digit codes) the records cover.
    months
        Length of the period in months (for the yearly rate).
    per_year
        Divide by the period's length in years.
    province
        Six-digit province code: keep that province's counties only.

    Examples
    --------
    >>> d = pl.DataFrame({"adcode": ["520123", "520323", "810001"], "name_zh": ["甲", "乙", "丙"],
    ...     "name_pinyin": "x", "prefecture_adcode": "p", "prefecture_name_zh": "p",
    ...     "province_adcode": ["520000", "520000", "810000"], "province_name_zh": "q"})
    >>> c = pl.DataFrame({"adcode": ["520123"], "records": [24]})
    >>> v = county_map_view(c, d, covered=frozenset({"520000"}), months=24, per_year=True)
    >>> v.select("adcode", "score", "rank_national", "status").rows()
    [('520123', 12.0, 1, 'assessed'), ('520323', 0.0, 2, 'assessed'), ('810001', None, None, 'no_records')]
    """  # noqa: E501
    years = months / 12 if per_year else 1.0
    view = division_table.select(
        "adcode",
        "name_zh",
        "name_pinyin",
        "prefecture_adcode",
        "prefecture_name_zh",
        "province_adcode",
        "province_name_zh",
        pl.col("^(prefecture|province)_name_en$"),  # English names, where the table has them
    )
    if province:
        view = view.filter(pl.col("province_adcode") == province)
    if census:
        has_data = pl.col("province_adcode").is_in(sorted(covered))
        missing = "no records in this snapshot"
    else:
        has_data = pl.col("records").is_not_null()
        missing = "no real record found in the cited sources"
    view = view.join(counts.select("adcode", "records"), on="adcode", how="left").with_columns(
        score=pl.when(has_data).then(pl.col("records").fill_null(0).cast(pl.Float64) / years),
        status=pl.when(has_data).then(pl.lit("assessed")).otherwise(pl.lit("no_records")),
        reason=pl.when(has_data).then(None).otherwise(pl.lit(missing)),
        grade=pl.lit(None, pl.String),
    )
    return add_ranks(view.drop("records"), score="score").sort("adcode")


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """Return the first day of every month from ``start``'s to ``end``'s.

    Examples
    --------
    >>> month_starts(dt.date(2017, 11, 20), dt.date(2018, 2, 1))
    [datetime.date(2017, 11, 1), datetime.date(2017, 12, 1), datetime.date(2018, 1, 1), \
datetime.date(2018, 2, 1)]
    """
    first = start.replace(day=1)
    return [
        dt.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(months_between(start, end))
    ]


def status_over_time(frame: pl.DataFrame, *, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Return, at the end of each month, how many records are still open or ended, by status.

    A record is open from ``occurred`` until ``resolved`` (open for good when it has no
    ``resolved`` date); once resolved it counts under its ``status`` (performed,
    removed, expired, …). The counts are cumulative stocks, so the chart reads as
    listed → performed / removed / expired.

    Returns
    -------
    Long frame: ``month`` (first day), ``state`` (``OPEN`` or a status), ``records``.

    Examples
    --------
    >>> f = pl.DataFrame({"status": ["performed", "expired", "active"],
    ...     "occurred": [dt.date(2017, 1, 5), dt.date(2017, 1, 9), dt.date(2017, 2, 1)],
    ...     "resolved": [dt.date(2017, 2, 10), dt.date(2017, 3, 1), None]})
    >>> s = status_over_time(f, start=dt.date(2017, 1, 1), end=dt.date(2017, 3, 31))
    >>> wide = s.pivot("state", index="month", values="records")
    >>> wide.columns
    ['month', 'expired', 'performed', 'still open']
    >>> wide.drop("month").rows()
    [(0, 0, 2), (0, 1, 2), (1, 1, 1)]
    """
    months = month_starts(start, end)
    grid = pl.DataFrame({"month": months}, schema={"month": pl.Date})
    month = pl.col("occurred").dt.truncate("1mo")
    opened = frame.group_by(month.alias("month")).agg(opened=pl.len())
    ended = frame.filter(pl.col("resolved").is_not_null())
    closed = ended.group_by(pl.col("resolved").dt.truncate("1mo").alias("month"), "status").len()
    statuses = sorted(closed.get_column("status").unique())
    before = {
        "opened": frame.filter(pl.col("occurred") < months[0]).height,
        **{
            s: ended.filter((pl.col("resolved") < months[0]) & (pl.col("status") == s)).height
            for s in statuses
        },
    }
    wide = grid.join(opened, on="month", how="left")
    for s in statuses:
        part = closed.filter(pl.col("status") == s).select("month", pl.col("len").alias(s))
        wide = wide.join(part, on="month", how="left")
    wide = wide.fill_null(0).with_columns(
        pl.col(c).cum_sum() + before[c] for c in ("opened", *statuses)
    )
    wide = wide.with_columns(
        (pl.col("opened") - pl.sum_horizontal(pl.lit(0), *statuses)).alias(OPEN)
    ).drop("opened")
    long = wide.unpivot(index="month", variable_name="state", value_name="records")
    return long.with_columns(pl.col("records").cast(pl.Int64)).sort("month", "state")


def resolution_times(frame: pl.DataFrame) -> pl.DataFrame:
    """Return per source agency and record type: records, share resolved, median days.

    Time to resolution is ``resolved - occurred`` in days, over the resolved records.

    Examples
    --------
    >>> f = pl.DataFrame({"source_agency": ["courts"] * 3, "record_type": ["x"] * 3,
    ...     "occurred": [dt.date(2017, 1, 1)] * 3,
    ...     "resolved": [dt.date(2017, 1, 11), dt.date(2017, 1, 31), None]})
    >>> resolution_times(f).row(0)
    ('courts', 'x', 3, 2, 0.6666666666666666, 20.0)
    """
    return resolution_query(frame.lazy()).collect()


def resolution_query(records: pl.LazyFrame) -> pl.LazyFrame:
    """Return ``resolution_times`` as a lazy query over ``records``."""
    days = (pl.col("resolved") - pl.col("occurred")).dt.total_days()
    return (
        records.group_by("source_agency", "record_type")
        .agg(
            records=pl.len(),
            resolved=pl.col("resolved").is_not_null().sum(),
            share_resolved=pl.col("resolved").is_not_null().mean(),
            median_days=days.median(),
        )
        .sort("source_agency", "record_type")
    )


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Return the number of pages of ``size`` rows that ``total`` rows fill (at least 1).

    Examples
    --------
    >>> page_count(0), page_count(50), page_count(51)
    (1, 1, 2)
    """
    return max(1, math.ceil(total / size))


def correlation(frame: pl.DataFrame) -> float:
    """Return Spearman's rank correlation of ``score`` and ``records`` (nan if undefined).

    Examples
    --------
    >>> correlation(pl.DataFrame({"score": [90.0, 70.0, 50.0], "records": [1, 4, 9]}))
    -1.0
    """
    if frame.height < 3:
        return math.nan
    return spearman(
        frame.get_column("score").to_numpy().astype(float),
        frame.get_column("records").to_numpy().astype(float),
    )


def disagreement(frame: pl.DataFrame, *, n: int = 10) -> pl.DataFrame:
    """Return up to ``n`` counties with a high score and many records, most at odds first.

    Each county's score and record count become percentile ranks (average ranks
    divided by the number of counties). A county is listed when both are in the top
    half (above 0.5); the disagreement ``score_pct + records_pct - 1`` orders the list:
    near 1 for the top score with the most records. Ties go by adcode.

    Examples
    --------
    >>> f = pl.DataFrame({"adcode": list("abcd"), "score": [90.0, 80.0, 60.0, 40.0],
    ...     "records": [9, 8, 0, 5]})
    >>> disagreement(f).select("adcode", "score_pct", "records_pct", "disagreement").rows()
    [('a', 1.0, 1.0, 1.0), ('b', 0.75, 0.75, 0.5)]
    """
    k = max(frame.height, 1)
    ranked = frame.with_columns(
        score_pct=pl.col("score").rank("average") / k,
        records_pct=pl.col("records").rank("average") / k,
    ).with_columns(disagreement=pl.col("score_pct") + pl.col("records_pct") - 1)
    high = ranked.filter((pl.col("score_pct") > 0.5) & (pl.col("records_pct") > 0.5))
    return high.sort(["disagreement", "adcode"], descending=[True, False]).head(n)
