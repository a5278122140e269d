"""Finding a county by what a reader types: Chinese, pinyin with or without tones, adcode."""

from __future__ import annotations

import polars as pl
import pytest

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
