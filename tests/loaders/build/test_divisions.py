from __future__ import annotations

import csv

import polars as pl
import pytest
from pypinyin import Style, pinyin

from loaders import geo, paths, schemas
from loaders.build.divisions import (
    FORESTRY_DISTRICTS,
    build_divisions,
    division_type,
    pinyin_variants,
    place_readings,
    prefecture_names,
    romanise,
    romanise_by_character,
    suffix_of,
)

CHECK_CSV = paths.REFERENCE_DIR / "pinyin-check.csv"
NATIONAL = paths.DATA / "geo" / "counties_national.parquet"


def _check_rows() -> list[dict[str, str]]:
    with CHECK_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _polyphonic(text: str) -> bool:
    return any(len(set(pinyin(c, style=Style.NORMAL, heteronym=True)[0])) > 1 for c in text)


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
        # issue 19: districts whose own name ends in 林 are districts, not forestry ones
        ("万柏林区", "140109", "district"),
        ("金林区", "230751", "district"),
        ("北林区", "231202", "district"),
        ("碑林区", "610103", "district"),
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
        ("长子县", "Zhangzi Xian"),  # the one 长 read zhang
        ("四子王旗", "Siziwang Qi"),
        # issue 19: polyphonic characters read as in the place name
        ("长沙县", "Changsha Xian"),
        ("丰都县", "Fengdu Xian"),
        ("都匀市", "Duyun Shi"),
        ("花都区", "Huadu Qu"),
        ("喀什市", "Kashi Shi"),
        ("什邡市", "Shifang Shi"),
        ("库尔勒市", "Ku'erle Shi"),
        ("阿勒泰市", "Aletai Shi"),
        ("宝坻区", "Baodi Qu"),
        ("乐清市", "Yueqing Shi"),
        ("黄陂区", "Huangpi Qu"),
        ("六合区", "Luhe Qu"),
        ("曾都区", "Zengdu Qu"),  # a reading (曾 zeng) longer than the 都 → du rule
        ("大埔区", "Dabu Qu"),  # Hong Kong names keep their spelling
        ("万柏林区", "Wanbailin Qu"),  # 万柏林 + 区, not 万柏 + 林区
        ("碑林区", "Beilin Qu"),
    ],
)
def test_romanise(name: str, roman: str) -> None:
    assert romanise(name) == roman


def test_pinyin_check_list_romanises_as_its_sources_say() -> None:
    rows = _check_rows()
    wrong = [
        (r["name_zh"], r["romanised"], romanise(r["name_zh"]))
        for r in rows
        if romanise(r["name_zh"]) != r["romanised"]
    ]
    assert wrong == []
    assert sum(_polyphonic(r["name_zh"]) for r in rows) >= 60
    assert all(r["source"].strip() for r in rows)


def test_pinyin_check_list_names_real_units_and_the_issue_names() -> None:
    rows = _check_rows()
    national = dict(pl.read_parquet(NATIONAL, columns=["adcode", "name_zh"]).iter_rows())
    unknown = [r["name_zh"] for r in rows if national.get(r["adcode"]) != r["name_zh"]]
    assert unknown == []
    issue = {"长沙县", "丰都县", "都匀市", "花都区", "喀什市", "什邡市", "库尔勒市", "阿勒泰市",
             "宝坻区", "乐清市", "黄陂区", "六合区"}  # fmt: skip
    assert issue <= {r["name_zh"] for r in rows}


def test_place_readings_have_a_note_and_a_syllable_per_character() -> None:
    with (paths.REFERENCE_DIR / "place-readings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["note"].strip() and r["scope"] in {"word", "stem"} for r in rows)
    words, stems = place_readings()
    assert all(len(reading) == len(text) for text, reading in {**words, **stems}.items())


def test_old_spellings_are_kept_as_variants() -> None:
    assert romanise_by_character("长沙县") == "Zhangsha Xian"
    assert pinyin_variants("丰都县") == "Fengdou Xian"
    assert pinyin_variants("喀什市") == "Kashen Shi"
    assert pinyin_variants("修文县") is None


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
    assert out.get_column("name_pinyin_variants").to_list() == [None, None]
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


# The suffix each type is spelled with: a type is read from the whole suffix.
TYPE_SUFFIXES = {
    "autonomous_county": ("自治县",),
    "autonomous_banner": ("自治旗",),
    "forestry_district": ("林区",),
    "special_district": ("特区",),
    "county": ("县",),
    "district": ("区",),
    "county_city": ("市",),
    "banner": ("旗",),
}


def test_every_type_matches_its_name_in_the_committed_boundaries() -> None:
    divisions = build_divisions(geo.county_attributes(), source_id="src")
    for adcode, name, kind in divisions.select("adcode", "name_zh", "division_type").rows():
        if kind == "other":
            assert adcode.endswith("00") or suffix_of(name) is None, name
            continue
        assert name.endswith(TYPE_SUFFIXES[kind]), (name, kind)
        if kind == "county":
            assert not name.endswith("自治县"), name
        if kind == "district":
            assert not name.endswith("特区") and name not in FORESTRY_DISTRICTS, name
    forestry = divisions.filter(pl.col("division_type") == "forestry_district")
    assert forestry.get_column("name_zh").to_list() == ["神农架林区"]
    lin = divisions.filter(pl.col("name_zh").str.ends_with("林区"))
    assert lin.height == 5  # 万柏林区 金林区 北林区 碑林区 and 神农架林区


def test_the_prefecture_names_file_is_what_the_build_writes() -> None:
    """``prefectures.csv`` holds every prefecture of the boundaries, as written (issue 18)."""
    divisions = build_divisions(geo.county_attributes(), source_id="src")
    written = pl.read_csv(
        paths.REFERENCE_DIR / "prefectures.csv", schema_overrides={"prefecture_adcode": pl.String}
    )
    expected = prefecture_names(divisions)
    assert written.rows() == expected.rows()
    names = dict(expected.select("prefecture_name_zh", "prefecture_name_en").iter_rows())
    assert names["贵阳市"] == "Guiyang" and names["黔东南苗族侗族自治州"] == "Qiandongnan"
    assert names["漯河市"] == "Luohe" and names["香港特别行政区"] == "Hong Kong"
    assert names["锡林郭勒盟"] == "Xilinguole" and names["阿里地区"] == "Ali"
    # No prefecture shares its English name with another of its province.
    per_province = (
        divisions.select("province_adcode", "prefecture_adcode")
        .unique()
        .join(expected, on="prefecture_adcode")
    )
    assert per_province.group_by("province_adcode", "prefecture_name_en").len()["len"].max() == 1
