"""The shared vocabulary: one enum per code list, the tuples the tables check against."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from loaders import schemas


def test_code_lists_are_the_enums() -> None:
    assert tuple(str(m) for m in schemas.Metric)[1:] == schemas.FIRST_LEVEL
    assert schemas.TOTAL == "total" and schemas.Metric.TOTAL == "total"
    assert tuple(str(s) for s in schemas.RecordSource) == schemas.SOURCE_AGENCIES
    assert schemas.CODES["records"]["status"] == schemas.codes(schemas.RecordStatus)
    assert schemas.CODES["editions"]["mode"] == ("third_party", "self", "upper_level_audit",
                                                 "designation")  # fmt: skip
    assert dt.date(2017, 6, 30) == schemas.DEBTOR_CAMPAIGN_DEADLINE


def test_conform_names_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="unknown column"):
        schemas.conform("sources", pl.DataFrame({"what": [1]}))
    with pytest.raises(ValueError, match="missing column"):
        schemas.conform("sources", pl.DataFrame({"title": ["x"]}))
