from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loaders import geo, records, schemas
from loaders.build import demo
from loaders.derive.records import (
    OPEN,
    correlation,
    page_count,
    resolution_times,
    status_over_time,
    with_types,
)
from loaders.store import SnapshotError, open_snapshot, ref, scan, write_snapshot
from loaders.store.validate import check_rollup, validate_snapshot
from tests.fixtures import demo_snapshot

DEFAULT = str(demo_snapshot())
GUIZHOU = "520000"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo snapshot with synthetic data for Guizhou and Zhejiang (~30,000 records)."""
    tables = demo.build_tables(geo.county_attributes(), provinces=["52", "33"], records=30_000)
    out = tmp_path_factory.mktemp("records") / "snap"
    write_snapshot(
        tables,
        out,
        snapshot_id="records-test",
        description="records tests",
        created_by="tests",
        created_at="2026-01-01T00:00:00Z",
    )
    return out


def _raw(snapshot: Path) -> pl.DataFrame:
    return open_snapshot(snapshot).read("records")


# --- the rollup --------------------------------------------------------------------------
def test_rollup_equals_the_raw_aggregation(generated: Path) -> None:
    raw = _raw(generated)
    assert 25_000 < raw.height < 35_000
    rollup = open_snapshot(generated).read("record_rollups")
    rollup = rollup.filter(~pl.col("record_type").is_in(schemas.VOLUME_TYPES))  # counted apart
    # An independent aggregation: months as text, counted with value_counts-like grouping.
    expected = (
        raw.with_columns(month=pl.col("occurred").dt.strftime("%Y-%m-01").str.to_date())
        .group_by("adcode", "month", "source_agency", "record_type", "polarity")
        .agg(n=pl.len(), amount=pl.col("amount_cny").fill_null(0).sum())
        .sort("adcode", "month", "source_agency", "record_type")
    )
    got = rollup.sort("adcode", "month", "source_agency", "record_type").select(
        "adcode", "month", "source_agency", "record_type", "polarity", "records", "amount_cny"
    )
    assert got.height == expected.height
    assert got.get_column("records").to_list() == expected.get_column("n").to_list()
    assert got.get_column("records").sum() == raw.height
    assert (got.get_column("amount_cny") - expected.get_column("amount")).abs().max() < 0.01
    assert (rollup.get_column("month").dt.day() == 1).all()
    # Real and synthetic records are never counted in one rollup row.
    real = rollup.filter(~pl.col("is_synthetic")).get_column("records").sum()
    assert real == raw.filter(~pl.col("is_synthetic")).height > 0
    assert rollup.get_column("is_synthetic").any()


def test_rollup_is_listed_as_derived_and_validated(generated: Path) -> None:
    manifest = json.loads((generated / "manifest.json").read_text())
    assert set(manifest["tables"]) == set(schemas.TABLES)  # the rollup is not an input table
    entry = manifest["derived"]["record_rollups"]
    assert entry["files"][0]["path"] == "record_rollups.parquet"
    assert entry["rows"] == open_snapshot(generated).read("record_rollups").height
    assert validate_snapshot(generated) == []


def test_a_rollup_that_differs_from_the_records_is_reported(generated: Path) -> None:
    raw = _raw(generated)
    rollup = open_snapshot(generated).read("record_rollups")
    volumes = open_snapshot(generated).read("record_volumes")
    assert check_rollup(raw, rollup, volumes) == []
    # the counted volumes are part of the rollup: without them it does not add up
    assert "not the monthly aggregation" in check_rollup(raw, rollup)[0]
    one_more = rollup.with_columns(
        records=pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.col("records") + 1)
        .otherwise("records")
    )
    (problem,) = check_rollup(raw, one_more, volumes)
    assert problem.startswith("record_rollups: not the monthly aggregation of records")
    fewer = raw.filter(pl.col("adcode") != raw.item(0, "adcode"))
    (problem,) = check_rollup(fewer, rollup, volumes)
    assert "not the monthly aggregation" in problem


def test_overviews_read_the_rollup_and_agree_with_the_raw_records(generated: Path) -> None:
    period = records.RecordFilters(
        province=GUIZHOU, start=dt.date(2017, 3, 1), end=dt.date(2018, 8, 31)
    )
    raw = _raw(generated).filter(
        pl.col("adcode").str.starts_with("52"),
        pl.col("occurred").is_between(period.start, period.end),
    )
    counted = (
        open_snapshot(generated)
        .read("record_volumes")
        .filter(
            pl.col("adcode").str.starts_with("52"),
            pl.col("month").is_between(period.start, period.end),
        )
    )
    monthly = records.monthly(generated, period)
    itemised = monthly.filter(~pl.col("record_type").is_in(schemas.VOLUME_TYPES))
    assert itemised.get_column("records").sum() == raw.height
    assert monthly.get_column("records").sum() == raw.height + counted["records"].sum()
    assert monthly.get_column("month").min() == dt.date(2017, 3, 1)
    assert monthly.get_column("month").max() == dt.date(2018, 8, 1)
    counts = records.county_counts(
        generated, dataclasses.replace(period, types=tuple(sorted(set(raw["record_type"]))))
    )
    assert dict(counts.rows()) == dict(raw.group_by("adcode").len().rows())
    assert records.count_records(generated, period) == raw.height


def test_an_older_snapshot_without_a_rollup_is_aggregated_on_the_fly(
    generated: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "old"
    copy.mkdir()
    for path in generated.rglob("*"):
        if path.is_file() and path.name != "record_rollups.parquet":
            target = copy / path.relative_to(generated)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["derived"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert not open_snapshot(copy).has("record_rollups")
    assert validate_snapshot(copy) == []
    every = records.RecordFilters(province=GUIZHOU)
    assert_frame_equal(records.monthly(copy, every), records.monthly(generated, every))


# --- pushdown ------------------------------------------------------------------------------
def _scan_node(plan: str) -> str:
    """The plan's Parquet scan and what it was given (the lines from SCAN on)."""
    return plan[plan.index("Parquet SCAN") :]


def test_filters_push_down_into_the_records_scan(generated: Path) -> None:
    filters = records.RecordFilters(
        province=GUIZHOU,
        start=dt.date(2017, 1, 1),
        end=dt.date(2018, 12, 31),
        types=("opinion_incident",),
    )
    plan = records.scan_records(generated, filters, ("adcode", "occurred")).explain()
    scan_part = _scan_node(plan)
    assert "FILTER" not in plan  # no filter left above the scan
    assert "SELECTION" in scan_part
    for pushed in ('col("adcode")', 'col("occurred")', 'col("record_type")', 'col("year")'):
        assert pushed in scan_part.split("SELECTION", 1)[1], pushed
    # adcode, occurred + the filtered columns, of the table's columns and its partition
    assert f"PROJECT 4/{len(schemas.RECORDS) + 1} COLUMNS" in scan_part
    # Only the partitions of the period's years are listed for reading.
    listed = scan_part.split("\n", 1)[0]
    assert "year=2017" in listed and "year=2018" in listed
    assert "year=2016" not in listed and "year=2019" not in listed
    rows = records.scan_records(generated, filters).collect()
    assert set(rows.get_column("record_type")) == {"opinion_incident"}
    assert rows.get_column("adcode").str.starts_with("52").all()
    assert set(rows.get_column("year")) == {2017, 2018}


def test_filters_push_down_into_the_rollup_scan(generated: Path) -> None:
    filters = records.RecordFilters(county="520123", start=dt.date(2019, 1, 1))
    plan = records.scan_rollup(generated, filters).select("records").explain()
    scan_part = _scan_node(plan)
    assert "FILTER" not in plan
    selection = scan_part.split("SELECTION", 1)[1]
    assert 'col("adcode")' in selection and 'col("month")' in selection
    assert "record_rollups.parquet" in scan_part


# --- paging ----------------------------------------------------------------------------
def test_pages_are_stable_complete_and_do_not_overlap(generated: Path) -> None:
    filters = records.RecordFilters(province=GUIZHOU, start=dt.date(2019, 1, 1))
    total = records.count_records(generated, filters)
    size = 997  # an odd size, so the last page is partial
    pages = page_count(total, size)
    assert pages == -(-total // size) > 3
    seen: list[str] = []
    for page in range(1, pages + 1):
        rows = records.records_page(generated, filters, page=page, size=size)
        assert rows.height == (size if page < pages else total - size * (pages - 1))
        assert rows.columns == list(records.TABLE_COLUMNS)
        seen += rows.get_column("record_id").to_list()
    assert len(seen) == len(set(seen)) == total  # no overlap, nothing missed
    raw = _raw(generated).filter(
        pl.col("adcode").str.starts_with("52"), pl.col("occurred") >= dt.date(2019, 1, 1)
    )
    expected = raw.sort("occurred", "record_id", descending=True).get_column("record_id")
    assert seen == expected.to_list()  # newest first, record id breaking ties
    # The same page again (uncached) is the same rows.
    again = records._page.__wrapped__(  # type: ignore[attr-defined]
        ref(generated), filters, 2, size
    )
    assert_frame_equal(again, records.records_page(generated, filters, page=2, size=size))
    assert records.records_page(generated, filters, page=pages + 1, size=size).is_empty()


def test_a_page_names_the_county(generated: Path) -> None:
    rows = records.records_page(generated, records.RecordFilters(county="520123"), page=1)
    assert set(rows.get_column("adcode")) == {"520123"}
    assert set(rows.get_column("name_zh")) == {"修文县"}
    assert rows.get_column("subject_name").str.ends_with("（示例）").all()


def test_export_rows_follow_the_filters_and_the_limit(generated: Path) -> None:
    filters = records.RecordFilters(province=GUIZHOU, polarities=("positive",))
    rows = records.export_rows(generated, filters, limit=25)
    assert rows.height == 25
    assert set(rows.get_column("polarity")) == {"positive"}
    first = records.records_page(generated, filters, page=1, size=25)
    assert_frame_equal(rows, first)


# --- verification is done once, yet catches a changed file --------------------------------
def test_scans_verify_once_and_notice_a_changed_file(tiny_snapshot: Path) -> None:
    assert scan(tiny_snapshot, "records").collect().height == 12
    part = tiny_snapshot / "records" / "year=2019" / "part-0.parquet"
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0x01
    part.write_bytes(bytes(data))
    stat = part.stat()
    os.utime(part, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    with pytest.raises(SnapshotError, match="sha256 mismatch"):
        scan(tiny_snapshot, "records")


# --- lifecycles ------------------------------------------------------------------------
def test_the_clearing_campaign_empties_the_judgment_debtor_list() -> None:
    filters = with_types(
        records.RecordFilters(start=dt.date(2016, 1, 1), end=dt.date(2018, 12, 31), synthetic=True),
        "dishonest_judgment_debtor",
    )
    listed = records.lifecycle_records(DEFAULT, filters)
    assert listed.height > 30  # enough listings for the stock to mean something
    stock = status_over_time(listed, start=filters.start, end=filters.end)
    still_open = dict(stock.filter(pl.col("state") == OPEN).select("month", "records").rows())
    assert still_open[dt.date(2017, 3, 1)] > 5 * still_open[dt.date(2017, 7, 1)]
    ends = stock.filter(pl.col("month") == dt.date(2018, 12, 1))
    assert ends.get_column("records").sum() == listed.height  # every listing is somewhere
    assert set(ends.get_column("state")) >= {OPEN, "performed", "removed", "expired"}


def test_resolution_times_by_source(generated: Path) -> None:
    summary = records.resolution_summary(generated, records.RecordFilters(province=GUIZHOU))
    raw = _raw(generated).filter(pl.col("adcode").str.starts_with("52"))
    assert_frame_equal(summary, resolution_times(raw))
    courts = summary.filter(pl.col("record_type") == "admin_litigation_loss").row(0, named=True)
    assert courts["source_agency"] == "courts"
    assert 0.7 < courts["share_resolved"] < 0.9  # 80% performed in the generator
    revoked = summary.filter(pl.col("record_type") == "reconsideration_revoked")
    assert revoked.get_column("median_days").is_null().all()  # never "resolved"


# --- the map view ------------------------------------------------------------------------
def test_map_view_has_the_atlas_columns_and_the_counts(generated: Path) -> None:
    filters = records.RecordFilters(
        province=GUIZHOU, start=dt.date(2020, 1, 1), end=dt.date(2021, 12, 31)
    )
    counts = records.county_counts(generated, filters)
    divisions = open_snapshot(generated).read("divisions")
    view = records.county_map_view(
        counts,
        divisions,
        covered=records.covered_provinces(generated),
        months=24,
        per_year=True,
        province=GUIZHOU,
    )
    assert view.get_column("province_adcode").unique().to_list() == [GUIZHOU]
    assert view.height == divisions.filter(pl.col("province_adcode") == GUIZHOU).height
    by_county = dict(counts.rows())
    for adcode, score in view.select("adcode", "score").rows():
        assert score == pytest.approx(by_county.get(adcode, 0) / 2)
    top = view.sort("rank_province").row(0, named=True)
    assert top["score"] == view.get_column("score").max()
    assert records.covered_provinces(generated, synthetic=True) == {"520000", "330000"}
    real = records.covered_provinces(generated, synthetic=False)
    assert real and real <= records.covered_provinces(generated)


# --- scores against records ---------------------------------------------------------------
def test_scores_against_matching_records_of_the_data_year() -> None:
    frame, year, key = records.scores_vs_records(DEFAULT, "demo-tp-2021", "compliance", GUIZHOU)
    assert (year, key) == (2021, "compliance")
    assert frame.get_column("adcode").str.starts_with("52").all()
    raw = (
        open_snapshot(DEFAULT)
        .scan("records")
        .filter(
            pl.col("adcode") == "520123",
            pl.col("year") == 2021,
            pl.col("record_type").is_in(list(records.METRIC_RECORDS["compliance"])),
        )
        .collect()
    )
    row = frame.filter(pl.col("adcode") == "520123").row(0, named=True)
    assert row["records"] == raw.height
    rho = correlation(frame)
    assert -1 <= rho < 0  # better counties get fewer negative records in the generator
    # A second-level indicator is set against its first-level metric's records.
    _, _, parent = records.scores_vs_records(
        DEFAULT, "demo-tp-2021", "compliance.rule_of_law_mechanism", GUIZHOU
    )
    assert parent == "compliance"


# --- the two layers ---------------------------------------------------------------------
def test_the_layers_are_never_counted_together() -> None:
    counts = records.layer_counts(DEFAULT)
    real = records.real_records(DEFAULT, records.RecordFilters())
    assert counts["real"] == real.height > 0
    demo = records.RecordFilters(synthetic=True)
    # the demo layer also holds the record types counted per month, never itemised
    counted = int(open_snapshot(DEFAULT).read("record_volumes")["records"].sum())
    assert counted > 0
    assert counts["demo"] == records.count_records(DEFAULT, demo) + counted
    assert counts["real"] + counts["demo"] == (
        records.count_records(DEFAULT, records.RecordFilters()) + counted
    )
    assert real.get_column("source_url").str.starts_with("http").all()
    # real_records never returns a synthetic record, whatever the filters ask for.
    assert records.real_records(DEFAULT, demo).height == real.height
    first, last = records.period_bounds(DEFAULT, False)
    assert (first, last) == (
        real.get_column("occurred").min().replace(day=1),
        real.get_column("occurred").max().replace(day=1),
    )


def test_the_real_layer_map_counts_no_county_as_zero() -> None:
    view = records.map_view(DEFAULT, records.RecordFilters(synthetic=False), per_year=False)
    real = records.real_records(DEFAULT, records.RecordFilters())
    with_records = view.filter(pl.col("score").is_not_null())
    assert set(with_records.get_column("adcode")) == set(real.get_column("adcode"))
    assert (with_records.get_column("score") >= 1).all()
    blank = view.filter(pl.col("score").is_null())
    assert (blank.get_column("status") == "no_records").all()
    assert blank.height == view.height - with_records.height
