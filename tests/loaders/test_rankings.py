from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loaders import rankings, schemas
from loaders.derive.compare import Reason
from loaders.derive.rankings import filter_rankings
from loaders.derive.ranks import add_ranks
from loaders.store import write_snapshot
from tests.conftest import tiny_tables


def _view(totals: list[float | None], provinces: list[str] | None = None) -> pl.DataFrame:
    """A county view as ``assessments.county_view`` gives it, for len(totals) counties."""
    n = len(totals)
    provinces = provinces or ["520000"] * n
    frame = pl.DataFrame(
        {
            "adcode": [f"{p[:2]}01{i:02d}" for i, p in enumerate(provinces)],
            "name_zh": [f"县{i}" for i in range(n)],
            "name_pinyin": [f"Xian{i}" for i in range(n)],
            "prefecture_adcode": [f"{p[:2]}0100" for p in provinces],
            "prefecture_name_zh": ["市"] * n,
            "province_adcode": provinces,
            "province_name_zh": ["省"] * n,
            "status": ["assessed" if t is not None else "excluded" for t in totals],
            "total": totals,
            "grade": ["A"] * n,
            "published_rank": pl.Series([None] * n, dtype=pl.Int32),
            "published_list_pos": pl.Series([None] * n, dtype=pl.Int32),
            "published_band": pl.Series([None] * n, dtype=pl.String),
        },
        schema_overrides={"total": pl.Float64},
    )
    return add_ranks(frame, score="total")


NO_METRICS = pl.DataFrame(schema={"adcode": pl.String})


# --- ranks ---------------------------------------------------------------------------


def test_ties_share_the_best_rank_and_unscored_rows_are_left_out() -> None:
    table = rankings.assemble_rankings(_view([80.0, 90.0, 80.0, None, 70.0]), NO_METRICS)
    assert table.get_column("rank").to_list() == [1, 2, 2, 4]
    assert table.get_column("total").to_list() == [90.0, 80.0, 80.0, 70.0]
    assert "rank_national" not in table.columns
    assert table.get_column("rank_change").null_count() == table.height


def test_provincial_ranking_keeps_the_national_rank_beside_it() -> None:
    view = _view([90.0, 85.0, 80.0, 75.0], ["520000", "330000", "520000", "330000"])
    guizhou = view.filter(pl.col("province_adcode") == "520000")
    table = rankings.assemble_rankings(guizhou, NO_METRICS, provincial=True)
    assert table.select("rank", "rank_national").rows() == [(1, 1), (2, 3)]


def test_published_only_rows_come_last_without_a_computed_rank() -> None:
    view = _view([None, 90.0]).with_columns(
        status=pl.Series(["published", "assessed"]),
        published_band=pl.Series(["top100", None]),
    )
    table = rankings.assemble_rankings(view, NO_METRICS)
    assert table.select("rank", "published").rows() == [(1, None), (None, "top100")]


# --- rank change -----------------------------------------------------------------------


def test_rank_change_is_previous_minus_current() -> None:
    now = _view([90.0, 80.0, 70.0])
    before = _view([70.0, 90.0, None])
    table = rankings.assemble_rankings(now, NO_METRICS, previous=before)
    assert table.select("adcode", "previous_rank", "rank_change").rows() == [
        ("520100", 2, 1),
        ("520101", 1, -1),
        ("520102", None, None),
    ]


def _tree(edition: str, *, first: tuple[str, ...], second: tuple[str, ...] = ()) -> list[dict]:
    rows = [
        {
            "edition_id": edition,
            "indicator_id": key,
            "level": 1,
            "name_zh": key,
            "name_en": key.title(),
            "name_confirmed": True,
            "crosswalk_key": key,
            "source_id": "src-demo",
            "is_synthetic": True,
        }
        for key in first
    ]
    rows += [
        {
            "edition_id": edition,
            "indicator_id": f"transparency.{key}",
            "parent_id": "transparency",
            "level": 2,
            "name_zh": key,
            "name_en": key.replace("_", " ").capitalize(),
            "name_confirmed": True,
            "source_id": "src-demo",
            "is_synthetic": True,
        }
        for key in second
    ]
    return rows


def _two_editions(
    tmp_path: Path,
    *,
    first_2020: tuple[str, ...] = schemas.FIRST_LEVEL,
    second_2020: tuple[str, ...] = ("basic",),
    second_2021: tuple[str, ...] = ("basic",),
    series_2020: str = "demo",
    scored_2020: bool = True,
) -> Path:
    """The tiny snapshot with a 2020 edition before demo-2021, with the given trees."""
    tables = tiny_tables()
    editions = tables["editions"]
    earlier = editions.filter(pl.col("edition_id") == "demo-2021").with_columns(
        edition_id=pl.lit("demo-2020"), data_year=pl.lit(2020, pl.Int16)
    )
    series = (
        pl.when(pl.col("edition_id") == "demo-2020")
        .then(pl.lit(series_2020))
        .when(pl.col("edition_id") == "demo-2021")
        .then(pl.lit("demo"))
    )
    tables["editions"] = pl.concat([editions, earlier]).with_columns(series_id=series)
    indicators = tables["indicators"].filter(pl.col("edition_id") != "demo-2021")
    trees = _tree("demo-2020", first=first_2020, second=second_2020) + _tree(
        "demo-2021", first=schemas.FIRST_LEVEL, second=second_2021
    )
    tables["indicators"] = pl.concat(
        [indicators, schemas.conform("indicators", pl.DataFrame(trees))]
    )
    scores = tables["scores"]
    # 2020 totals in the reverse order of 2021, so every county moves.
    now = scores.filter(pl.col("indicator_id") == "total").sort("score")
    reversed_totals = now.with_columns(
        edition_id=pl.lit("demo-2020"), score=now.get_column("score").reverse()
    )
    tables["scores"] = pl.concat([scores, reversed_totals]) if scored_2020 else scores
    # The earlier edition lists the counties it assessed too (its coverage ledger).
    ledger = tables["coverage"].with_columns(edition_id=pl.lit("demo-2020"))
    tables["coverage"] = pl.concat([tables["coverage"], ledger])
    out = tmp_path / "two"
    write_snapshot(
        tables, out, snapshot_id="two", description="t", created_by="t", created_at="2026"
    )
    return out


def test_rank_change_shown_when_the_trees_match(tmp_path: Path) -> None:
    snapshot = _two_editions(tmp_path)
    basis = rankings.rank_change_basis(snapshot, "demo-2021")
    assert (basis.previous, basis.comparable, basis.flagged) == ("demo-2020", True, False)
    table = rankings.ranking_table(snapshot, "demo-2021")
    # Four counties in reverse order: 1↔4 and 2↔3.
    assert table.select("rank", "previous_rank", "rank_change").rows() == [
        (1, 4, 3),
        (2, 3, 1),
        (3, 2, -1),
        (4, 1, -3),
    ]


def test_rank_change_flagged_when_second_level_indicators_differ(tmp_path: Path) -> None:
    snapshot = _two_editions(tmp_path, second_2021=("basic", "key_info"))
    basis = rankings.rank_change_basis(snapshot, "demo-2021")
    assert basis.comparable and basis.flagged
    assert basis.reasons == (
        Reason("second_level_differ", n=1),
        Reason("tree_change", added=("Key info",), added_zh=("key_info",)),  # name_zh = id here
    )
    assert basis.reason == (
        "second-level indicators differ (1 not in both); "
        "this edition adds 1 (Key info) and drops none"
    )
    assert rankings.ranking_table(snapshot, "demo-2021")["rank_change"].null_count() == 0


def test_rank_change_null_when_first_level_indicators_differ(tmp_path: Path) -> None:
    snapshot = _two_editions(tmp_path, first_2020=schemas.FIRST_LEVEL[:4])
    basis = rankings.rank_change_basis(snapshot, "demo-2021")
    assert not basis.comparable
    assert basis.reasons == (Reason("first_level_differ", keys=("public_opinion",)),)
    assert basis.reason == "first-level indicators differ: public_opinion"
    table = rankings.ranking_table(snapshot, "demo-2021")
    assert table.height == 4
    assert table.select("previous_rank", "rank_change").null_count().row(0) == (4, 4)


def test_rank_change_null_without_a_previous_edition(tmp_path: Path) -> None:
    snapshot = _two_editions(tmp_path, series_2020="other")
    basis = rankings.rank_change_basis(snapshot, "demo-2021")
    assert basis.previous is None
    assert basis.reasons == (Reason("no_previous"),)
    assert basis.reason == "there is no previous edition of this series"
    assert rankings.ranking_table(snapshot, "demo-2021")["rank_change"].null_count() == 4


def test_provincial_rank_change_compares_provincial_ranks(tmp_path: Path) -> None:
    snapshot = _two_editions(tmp_path)
    national = rankings.ranking_table(snapshot, "demo-2021")
    guizhou = rankings.ranking_table(snapshot, "demo-2021", province="520000")
    assert guizhou.get_column("adcode").str.starts_with("52").all()
    assert guizhou.get_column("rank").to_list() == [1, 2]
    assert set(guizhou.get_column("rank_national")) <= set(national.get_column("rank"))
    assert guizhou.get_column("previous_rank").to_list() == [2, 1]
    assert guizhou.get_column("rank_change").to_list() == [1, -1]


def test_edition_with_only_a_published_band_does_not_crash(tiny_snapshot: Path) -> None:
    table = rankings.ranking_table(tiny_snapshot, "real-2021")
    assert table.select("adcode", "rank", "published", "total").rows() == [
        ("520123", None, "top100", None)
    ]
    assert table.select(schemas.FIRST_LEVEL).null_count().row(0) == (1,) * 5


def test_ranking_table_is_cached_per_snapshot_edition_and_province(tiny_snapshot: Path) -> None:
    first = rankings.ranking_table(tiny_snapshot, "demo-2021")
    assert rankings.ranking_table(tiny_snapshot, "demo-2021") is first
    assert rankings.ranking_table(tiny_snapshot, "demo-2021", province="330000") is not first


# --- filters ---------------------------------------------------------------------------


@pytest.fixture
def table() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "adcode": ["520123", "520323", "131026", "610100", "999999"],
            "name_zh": ["修文县", "绥阳县", "文安县", "西安市", "某县(旧)"],
            "name_pinyin": ["Xiuwen Xian", "Suiyang Xian", "Wen'an Xian", "Xi'an Shi", "Mou Xian"],
            "grade": ["A", "B", "A", None, "C"],
            "prefecture_adcode": ["520100", "520300", "131000", "610100", "999900"],
        }
    )


def _names(frame: pl.DataFrame) -> list[str]:
    return frame.get_column("name_zh").to_list()


@pytest.mark.parametrize(
    "search", ["修文", "修文县", "xiuwen", "Xiuwen Xian", "XIUWEN", "xiu wen", " xiuwen ", "xiūwén"]
)
def test_search_finds_a_county_by_chinese_or_pinyin(table: pl.DataFrame, search: str) -> None:
    assert _names(filter_rankings(table, search=search)) == ["修文县"]


def test_search_ignores_apostrophes_both_ways(table: pl.DataFrame) -> None:
    assert _names(filter_rankings(table, search="wenan")) == ["文安县"]
    assert _names(filter_rankings(table, search="Wen'an")) == ["文安县"]
    assert _names(filter_rankings(table, search="xi’an shi")) == ["西安市"]


@pytest.mark.parametrize(("search", "found"), [("(", ["某县(旧)"]), ("(旧)", ["某县(旧)"])])
def test_search_text_is_literal(table: pl.DataFrame, search: str, found: list[str]) -> None:
    assert _names(filter_rankings(table, search=search)) == found


@pytest.mark.parametrize("search", [".*", "[", "x.*n", "\\d", "^修"])
def test_search_never_treats_text_as_a_pattern(table: pl.DataFrame, search: str) -> None:
    assert filter_rankings(table, search=search).is_empty()


def test_search_by_adcode_prefix(table: pl.DataFrame) -> None:
    assert _names(filter_rankings(table, search="5201")) == ["修文县"]


def test_blank_search_keeps_every_row(table: pl.DataFrame) -> None:
    assert_frame_equal(filter_rankings(table, search="  "), table)
    assert_frame_equal(filter_rankings(table), table)


def test_grade_and_prefecture_filters(table: pl.DataFrame) -> None:
    assert _names(filter_rankings(table, grades=["A"])) == ["修文县", "文安县"]
    assert _names(filter_rankings(table, grades=["A", "C"])) == [
        "修文县",
        "文安县",
        "某县(旧)",
    ]
    assert _names(filter_rankings(table, grades=[])) == _names(table)
    assert _names(filter_rankings(table, prefecture="520300")) == ["绥阳县"]
    combined = filter_rankings(table, grades=["A"], search="xian", prefecture="131000")
    assert _names(combined) == ["文安县"]


def test_rank_change_null_when_the_previous_edition_has_no_scores(tmp_path: Path) -> None:
    snapshot = _two_editions(tmp_path, scored_2020=False)
    basis = rankings.rank_change_basis(snapshot, "demo-2021")
    assert (basis.previous, basis.comparable, basis.flagged) == ("demo-2020", False, False)
    assert basis.reasons == (Reason("previous_unscored", edition="demo-2020"),)
    assert basis.reason == "the previous edition (demo-2020) published no scores to rank"


def test_rank_change_against_the_same_tree_says_so(tmp_path: Path) -> None:
    basis = rankings.rank_change_basis(_two_editions(tmp_path), "demo-2021")
    assert basis.reasons == (Reason("same_tree"),)
    assert basis.reason == "same indicator tree"
