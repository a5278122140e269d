from __future__ import annotations

import datetime as dt

from components import record_table as table
from loaders import records as loader


def test_file_name_and_description_of_the_filters() -> None:
    filters = loader.RecordFilters(
        county="520123",
        start=dt.date(2017, 1, 1),
        end=dt.date(2017, 6, 30),
        sources=("courts",),
        statuses=("active", "performed"),
    )
    assert table.csv_name(filters) == "records-520123-2017-01-2017-06.csv"
    assert table.describe(filters) == (
        "county 520123 · 2017-01-01 to 2017-06-30 · source agency courts · status active, performed"
    )
    assert table.csv_name(loader.RecordFilters()) == "records-china.csv"
