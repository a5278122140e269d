"""Finding a county by what a reader types: Chinese, pinyin with or without tones, adcode."""

from __future__ import annotations

import polars as pl
import pytest

from loaders import paths
from loaders.build.divisions import pinyin_variants, romanise
from loaders.derive.counties import match_counties, normalise_query

DIVISIONS = pl.DataFrame(
    {
        "adcode": ["520123", "610116", "330110", "110105"],
        "name_zh": ["修文县", "长安区", "余杭区", "朝阳区"],
        "name_pinyin": ["Xiuwen Xian", "Chang'an Qu", "Yuhang Qu", "Chaoyang Qu"],
    }
)


@pytest.mark.parametrize(
    ("typed", "adcode"),
    [("修文", "520123"), ("xiuwen", "520123"), ("Xiū Wén", "520123"), ("520123", "520123"),
     ("chang'an", "610116"), ("changan qu", "610116"), ("YUHANG", "330110")],
)  # fmt: skip
def test_a_reader_finds_the_county(typed: str, adcode: str) -> None:
    assert match_counties(DIVISIONS, typed)["adcode"].to_list()[0] == adcode


def test_patterns_are_text_and_blank_finds_nothing() -> None:
    assert match_counties(DIVISIONS, ".*").is_empty()
    assert match_counties(DIVISIONS, "   ").is_empty()
    assert normalise_query("Lǜ") == "lv"


@pytest.fixture(scope="module")
def national() -> pl.DataFrame:
    """Every county-level unit, romanised as ``build_divisions`` does."""
    names = pl.read_parquet(
        paths.DATA / "geo" / "counties_national.parquet", columns=["adcode", "name_zh"]
    )
    name = pl.col("name_zh")
    return names.with_columns(
        name_pinyin=name.map_elements(romanise, return_dtype=pl.String),
        name_pinyin_variants=name.map_elements(pinyin_variants, return_dtype=pl.String),
    )


@pytest.mark.parametrize(
    ("typed", "name"),
    [("changsha", "长沙县"), ("Chángshā", "长沙县"), ("fengdu", "丰都县"), ("kashi", "喀什市"),
     ("huangpi", "黄陂区"), ("yueqing", "乐清市"),
     # the old character-by-character spellings still find them
     ("zhangsha", "长沙县"), ("fengdou", "丰都县"), ("kashen", "喀什市"),
     ("Huangbei Qu", "黄陂区")],
)  # fmt: skip
def test_place_names_are_found_by_their_reading_and_the_old_spelling(
    national: pl.DataFrame, typed: str, name: str
) -> None:
    assert match_counties(national, typed)["name_zh"].to_list()[0] == name


def test_a_whole_name_comes_before_a_longer_one(national: pl.DataFrame) -> None:
    # "changsha" is also the start of Changshan Xian (常山县): the whole name comes first.
    assert match_counties(national, "changsha")["name_zh"].to_list() == ["长沙县", "常山县"]


def test_variants_are_optional_and_never_patterns() -> None:
    with_old = DIVISIONS.with_columns(
        name_pinyin_variants=pl.Series([None, "Zhang'an Qu", None, "Zhaoyang Qu"])
    )
    assert match_counties(with_old, "zhangan")["adcode"].to_list() == ["610116"]
    assert match_counties(DIVISIONS, "zhangan").is_empty()  # no column: pinyin only
    assert match_counties(with_old, "Zhang'an Qu|Zhaoyang").is_empty()  # "|" is text
