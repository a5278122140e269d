from __future__ import annotations

import polars as pl
import pytest

from loaders import schemas
from loaders.build.divisions import build_divisions, division_type, romanise


@pytest.mark.parametrize(
    ("name", "adcode", "kind"),
    [
        ("修文县", "520123", "county"),
        ("朝阳区", "110105", "district"),
        ("义乌市", "330782", "county_city"),
        ("石柱土家族自治县", "500240", "autonomous_county"),
        ("四子王旗", "150929", "banner"),
        ("鄂温克族自治旗", "150724", "autonomous_banner"),
        ("六枝特区", "520203", "special_district"),
        ("神农架林区", "429021", "forestry_district"),
        ("东莞市", "441900", "other"),
        ("台湾省", "710000", "other"),
    ],
)
def test_division_type_from_suffix(name: str, adcode: str, kind: str) -> None:
    assert division_type(name, adcode) == kind


@pytest.mark.parametrize(
    ("name", "roman"),
    [
        ("修文县", "Xiuwen Xian"),
        ("朝阳区", "Chaoyang Qu"),  # pypinyin alone reads 朝 as zhao
        ("六安市", "Lu'an Shi"),
        ("西安区", "Xi'an Qu"),
        ("单县", "Shan Xian"),
        ("长子县", "Zhangzi Xian"),
        ("四子王旗", "Siziwang Qi"),
    ],
)
def test_romanise(name: str, roman: str) -> None:
    assert romanise(name) == roman


def test_build_divisions_conforms_and_names_provinces() -> None:
    attrs = pl.DataFrame(
        {
            "adcode": ["810001", "520123"],
            "name_zh": ["中西区", "修文县"],
            "prefecture_adcode": ["810000", "520100"],
            "prefecture_name_zh": ["香港特别行政区", "贵阳市"],
            "province_adcode": ["810000", "520000"],
            "province_name_zh": ["香港特别行政区", "贵州省"],
        }
    )
    out = build_divisions(attrs, source_id="src")
    assert out.schema == schemas.DIVISIONS
    assert out.get_column("adcode").to_list() == ["520123", "810001"]  # sorted
    assert out.get_column("province_name_en").to_list() == ["Guizhou", "Hong Kong"]
    assert not out.get_column("is_synthetic").any()


def test_unknown_province_code_is_an_error() -> None:
    attrs = pl.DataFrame(
        {
            "adcode": ["990101"],
            "name_zh": ["某县"],
            "prefecture_adcode": ["990100"],
            "prefecture_name_zh": ["某市"],
            "province_adcode": ["990000"],
            "province_name_zh": ["某省"],
        }
    )
    with pytest.raises(pl.exceptions.InvalidOperationError):
        build_divisions(attrs, source_id="src")
