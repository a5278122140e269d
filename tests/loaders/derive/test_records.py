from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from loaders import records
from loaders.derive.records import (
    OPEN,
    correlation,
    disagreement,
    status_over_time,
)


def test_the_province_range_keeps_exactly_the_province() -> None:
    frame = pl.DataFrame({"adcode": ["510000", "519999", "520000", "522732", "529999", "530100"]})
    (place,) = records.RecordFilters(province="520000").record_predicates()
    assert frame.filter(place).get_column("adcode").to_list() == ["520000", "522732", "529999"]


def test_statuses_are_not_in_the_rollup() -> None:
    with pytest.raises(ValueError, match="no status"):
        records.RecordFilters(statuses=("active",)).rollup_predicates()


def test_status_over_time_counts_listings_made_before_the_period() -> None:
    frame = pl.DataFrame(
        {
            "status": ["performed", "active", "removed"],
            "occurred": [dt.date(2015, 6, 1), dt.date(2015, 7, 1), dt.date(2016, 1, 20)],
            "resolved": [dt.date(2016, 2, 3), None, dt.date(2015, 12, 1)],
        }
    )
    stock = status_over_time(frame, start=dt.date(2016, 1, 1), end=dt.date(2016, 2, 29))
    wide = stock.pivot("state", index="month", values="records").sort("month")
    # Jan: two listed in 2015 still open (one removed in 2015 already counted), one new.
    assert wide.row(0, named=True) == {
        "month": dt.date(2016, 1, 1),
        "performed": 0,
        "removed": 1,
        OPEN: 2,
    }
    assert wide.row(1, named=True)["performed"] == 1


def test_disagreement_list_on_a_constructed_case() -> None:
    frame = pl.DataFrame(
        {
            "adcode": ["a", "b", "c", "d", "e", "f", "g", "h"],
            "score": [95.0, 90.0, 85.0, 80.0, 60.0, 55.0, 50.0, 45.0],
            "records": [2, 30, 3, 25, 40, 1, 35, 0],
        }
    )
    worst = disagreement(frame, n=5)
    # b: 2nd best score with the 3rd most records; d: 4th best with the 4th most.
    assert worst.get_column("adcode").to_list() == ["b", "d"]
    assert worst.get_column("disagreement").to_list() == [0.625, 0.25]
    assert worst.get_column("score_pct").to_list() == [0.875, 0.625]
    # Agreement everywhere (best score, fewest records): nobody is listed.
    agree = frame.with_columns(records=pl.Series([0, 1, 2, 3, 4, 5, 6, 7]))
    assert disagreement(agree).is_empty()
    assert correlation(agree) == pytest.approx(-1.0)
