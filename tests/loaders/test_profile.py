from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loaders import assessments, profile

METRICS = ["transparency", "compliance"]


def _wide() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "adcode": ["a1", "a2", "a3", "b1", "b2"],
            "province_adcode": ["A", "A", "A", "B", "B"],
            "transparency": [90.0, 70.0, None, 50.0, 40.0],
            "compliance": [60.0, 80.0, 70.0, 20.0, None],
        }
    )


def test_averages_county_province_and_national_means() -> None:
    result = profile.averages(_wide(), adcode="a1", metrics=METRICS)
    expected = pl.DataFrame(
        {
            "indicator_id": METRICS,
            "county": [90.0, 60.0],
            "province_mean": [80.0, 70.0],  # nulls skipped: (90 + 70) / 2, (60 + 80 + 70) / 3
            "national_mean": [62.5, 57.5],
            "n_province": [2, 3],
            "n_national": [4, 4],
        },
        schema_overrides={"n_province": pl.UInt32, "n_national": pl.UInt32},
    )
    assert_frame_equal(result, expected)


def test_averages_keep_metric_order_and_handle_gaps() -> None:
    result = profile.averages(_wide(), adcode="b2", metrics=["compliance", "missing"])
    assert result.get_column("indicator_id").to_list() == ["compliance", "missing"]
    assert result.row(0, named=True)["county"] is None  # b2 has no compliance score
    assert result.row(0, named=True)["province_mean"] == 20.0
    assert result.row(1, named=True)["national_mean"] is None  # no column: unscored everywhere


def test_averages_unknown_county_has_no_province() -> None:
    result = profile.averages(_wide(), adcode="zz", metrics=METRICS)
    assert result.get_column("county").is_null().all()
    assert result.get_column("province_mean").is_null().all()
    assert result.get_column("national_mean").to_list() == [62.5, 57.5]


DIVISIONS = pl.DataFrame(
    {
        "adcode": ["520123", "610116", "610102", "110105", "220104", "440000"],
        "name_zh": ["修文县", "长安区", "新城区", "朝阳区", "朝阳区", "某(特)区"],
        "name_pinyin": [
            "Xiuwen Xian",
            "Chang'an Qu",
            "Xincheng Qu",
            "Chaoyang Qu",
            "Chaoyang Qu",
            "Mou(te) Qu",
        ],
    }
)


@pytest.mark.parametrize(
    "text", ["xiuwen", "Xiuwen Xian", "XIUWEN", "  xiu wen  ", "修文", "修文县", "5201", "Xiūwén"]
)
def test_search_finds_xiuwen(text: str) -> None:
    assert profile.match_counties(DIVISIONS, text)["adcode"].to_list() == ["520123"]


@pytest.mark.parametrize("text", ["Chang'an", "changan", "chang an", "Chang’an Qu"])
def test_search_ignores_apostrophes_and_spaces(text: str) -> None:
    assert profile.match_counties(DIVISIONS, text)["adcode"].to_list() == ["610116"]


@pytest.mark.parametrize("text", [".*", "[", ")(", "\\", "^x", "$", "+", "Xiuwen|Chaoyang", "%"])
def test_search_is_literal(text: str) -> None:
    assert profile.match_counties(DIVISIONS, text).is_empty()


def test_search_matches_literal_special_characters() -> None:
    assert profile.match_counties(DIVISIONS, "(特)")["adcode"].to_list() == ["440000"]
    assert profile.match_counties(DIVISIONS, "mou(te)")["adcode"].to_list() == ["440000"]


def test_search_orders_exact_then_prefix_and_limits() -> None:
    found = profile.match_counties(DIVISIONS, "chaoyang qu")
    assert found["adcode"].to_list() == ["110105", "220104"]  # shared names: both, by code
    assert profile.match_counties(DIVISIONS, "qu", limit=2).height == 2
    assert profile.match_counties(DIVISIONS, "   ").is_empty()
    assert profile.match_counties(DIVISIONS, "xin")["adcode"].to_list() == ["610102"]


def test_search_counties_on_a_snapshot(tiny_snapshot: Path) -> None:
    found = profile.search_counties(tiny_snapshot, "xiuwen")
    assert found.columns == list(profile.SEARCH_COLUMNS)
    assert found.row(0, named=True)["prefecture_name_zh"] == "贵阳市"
    assert profile.search_counties(tiny_snapshot, "杭州").is_empty()  # prefecture names: no


def test_county_header(tiny_snapshot: Path) -> None:
    header = profile.county_header(tiny_snapshot, "520123")
    assert header is not None
    assert (header["name_zh"], header["name_pinyin"]) == ("修文县", "Xiuwen Xian")
    assert (header["prefecture_name_zh"], header["province_name_en"]) == ("贵阳市", "Guizhou")
    assert profile.county_header(tiny_snapshot, "999999") is None
    assert profile.county_header(tiny_snapshot, "<script>") is None


def test_county_history_has_scored_and_published_editions(tiny_snapshot: Path) -> None:
    history = profile.county_history(tiny_snapshot, "520123")
    assert history.columns == list(profile.HISTORY_COLUMNS)
    rows = {row["edition_id"]: row for row in history.iter_rows(named=True)}
    assert set(rows) == {"real-2021", "demo-2021"}
    real, demo = rows["real-2021"], rows["demo-2021"]
    assert (real["status"], real["published_band"], real["is_synthetic"]) == (
        "published",
        "top100",
        False,
    )
    assert real["total"] is None and real["rank_national"] is None
    assert (real["source_title"], real["source_reliability"]) == ("a report", "media")
    assert real["source_url"] == "https://example.org/r"
    assert demo["status"] == "assessed" and demo["is_synthetic"]
    assert demo["source_reliability"] == "synthetic"
    view = assessments.county_view(tiny_snapshot, "demo-2021").filter(pl.col("adcode") == "520123")
    for column in ("total", "rank_national", "n_national", "rank_province", "n_province"):
        assert demo[column] == view.item(0, column)
    assert demo["n_national"] == 4 and demo["n_prefecture"] == 1


def test_county_history_only_lists_editions_where_the_county_appears(
    tiny_snapshot: Path,
) -> None:
    assert profile.county_history(tiny_snapshot, "330102")["edition_id"].to_list() == ["demo-2021"]
    empty = profile.county_history(tiny_snapshot, "999999")
    assert empty.is_empty() and empty.columns == list(profile.HISTORY_COLUMNS)


def test_breakdown_against_province_and_nation(tiny_snapshot: Path) -> None:
    result = profile.breakdown(tiny_snapshot, "520123", "demo-2021")
    scores = pl.read_parquet(tiny_snapshot / "scores.parquet").filter(
        pl.col("indicator_id") != "total"
    )
    guizhou = scores.filter(pl.col("adcode").str.starts_with("52"))
    assert result.height == 5
    for row in result.iter_rows(named=True):
        mine = scores.filter(pl.col("indicator_id") == row["indicator_id"])
        assert row["county"] == mine.filter(pl.col("adcode") == "520123").item(0, "score")
        assert row["national_mean"] == pytest.approx(mine["score"].mean())
        in_province = guizhou.filter(pl.col("indicator_id") == row["indicator_id"])
        assert row["province_mean"] == pytest.approx(in_province["score"].mean())
        assert (row["n_province"], row["n_national"]) == (2, 4)
    assert result.get_column("is_synthetic").all()


def test_breakdown_of_an_edition_without_scores(tiny_snapshot: Path) -> None:
    result = profile.breakdown(tiny_snapshot, "520123", "real-2021")
    assert result.height == 5
    assert result.select(pl.col("county", "national_mean").is_null().all()).row(0) == (True, True)
    assert not result.get_column("is_synthetic").any()
