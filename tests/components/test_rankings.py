from __future__ import annotations

import polars as pl
import pytest

from components import i18n
from components import rankings as table
from loaders.derive.compare import RankChangeBasis, Reason
from loaders.schemas import FIRST_LEVEL


def test_column_config_bars_numbers_and_text() -> None:
    config = table.column_config(provincial=False, score_max=100.0)
    for key in FIRST_LEVEL:
        bar = config[key]
        assert bar["type_config"]["type"] == "progress"
        assert (bar["type_config"]["min_value"], bar["type_config"]["max_value"]) == (0, 100)
    assert config["rank"]["type_config"]["type"] == "number"
    assert config["total"]["type_config"]["type"] == "number"
    assert config["adcode"]["type_config"]["type"] == "text"
    assert config["rank_change"]["label"] == "Change"
    assert config["rank_change"]["type_config"]["format"] == "%+d"
    assert "published" in config["published"]["help"].lower()


def test_column_config_says_which_rank() -> None:
    assert "province" in table.column_config(provincial=True)["rank"]["help"]
    assert "all counties" in table.column_config(provincial=False)["rank"]["help"]


def test_shown_columns_keep_the_page_order_and_drop_helpers() -> None:
    frame = pl.DataFrame(
        {c: [None] for c in ("adcode", "prefecture_adcode", "published_band", "rank", "total")}
    )
    assert table.shown_columns(frame).columns == ["rank", "total", "adcode"]


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        (
            RankChangeBasis("b", None, None, False, False, (Reason("no_previous"),)),
            "No rank change: there is no previous edition of this series.",
        ),
        (
            RankChangeBasis(
                "b", "a", "A 2020", False, True, (Reason("first_level_differ", keys=("x",)),)
            ),
            "No rank change: first-level indicators differ: x.",
        ),
        (
            RankChangeBasis("b", "a", "A 2020", True, True, (Reason("second_level_differ", n=2),)),
            "Rank change is against A 2020. Compare with care: "
            "second-level indicators differ (2 not in both).",
        ),
        (
            RankChangeBasis("b", "a", "A 2020", True, False, (Reason("same_tree"),)),
            "Rank change is against A 2020 (same indicator tree).",
        ),
        (
            RankChangeBasis(
                "b", "a", "A 2020", False, False, (Reason("previous_unscored", edition="a"),)
            ),
            "No rank change: the previous edition (a) published no scores to rank.",
        ),
    ],
)
def test_rank_change_note(basis: RankChangeBasis, expected: str) -> None:
    assert table.rank_change_note(basis) == expected


def test_filter_options_from_the_table() -> None:
    frame = pl.DataFrame(
        {
            "prefecture_adcode": ["520100", "520300", "520100"],
            "prefecture_name_zh": ["贵阳市", "遵义市", "贵阳市"],
            "province_name_zh": ["贵州省"] * 3,
            "grade": ["BBB", "A", None],
            "total": [76.0, 82.0, None],
        }
    )
    assert table.prefecture_options(frame) == {"520100": "贵阳市", "520300": "遵义市"}
    assert table.grade_options(frame) == ["A", "BBB"]


def test_single_match_only_for_a_search_with_one_row() -> None:
    one = pl.DataFrame({"adcode": ["520123"], "name_zh": ["修文县"]})
    two = pl.concat([one, one])
    assert table.single_match(one, table.RankingFilters(search="修文")) == ("520123", "修文县")
    assert table.single_match(two, table.RankingFilters(search="修文")) is None
    assert table.single_match(one, table.RankingFilters(prefecture="520100")) is None


def test_count_caption_and_file_name() -> None:
    assert table.count_caption(pl.DataFrame({"a": [1, 2]}), pl.DataFrame({"a": range(88)})) == (
        "2 of 88 counties shown"
    )
    assert table.csv_name("demo-tp-2021", None) == "rankings-demo-tp-2021.csv"
    assert table.csv_name("demo-tp-2021", "330000") == "rankings-demo-tp-2021-33.csv"


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test as if the interface were in Chinese."""
    monkeypatch.setattr(i18n, "lang", lambda: "zh")


@pytest.mark.usefixtures("zh")
def test_rank_change_note_in_chinese() -> None:
    reasons = (
        Reason("second_level_differ", n=1),
        Reason("weights_differ", n=2),
        Reason("tree_change", added=("Commitments fulfilled",)),
    )
    basis = RankChangeBasis("b", "a", "Demo 2020", True, True, reasons)
    assert table.rank_change_note(basis, {"title_zh": "示例 2020"}) == (
        "名次变化相对于示例 2020。比较时请谨慎：二级指标不同（1 项并非两者共有）；"
        "2 项指标的权重不同；本期评估新增 1 项、删除 0 项二级指标。"
    )
    keys = RankChangeBasis(
        "b", "a", "A", False, True, (Reason("first_level_differ", keys=("x", "compliance")),)
    )
    assert table.rank_change_note(keys) == "无名次变化：一级指标不同：x、合规度。"
    unscored = RankChangeBasis(
        "b", "a", "A", False, False, (Reason("previous_unscored", edition="a"),)
    )
    assert table.rank_change_note(unscored, {"title_zh": "示例 2020"}) == (
        "无名次变化：上一期评估（示例 2020）未公开可供排名的得分。"
    )


@pytest.mark.usefixtures("zh")
def test_shown_columns_in_chinese_drop_pinyin_and_say_published_in_chinese() -> None:
    frame = pl.DataFrame(
        {
            "rank": [1, 2],
            "name_zh": ["修文县", "息烽县"],
            "name_pinyin": ["Xiuwen Xian", "Xifeng Xian"],
            "published": ["No. 3 · top10", None],
            "published_rank": [3, None],
            "published_list_pos": [None, None],
            "published_band": ["top10", None],
        },
        schema_overrides={"published_list_pos": pl.Int32},
    )
    shown = table.shown_columns(frame)
    assert shown.columns == ["rank", "name_zh", "published"]
    assert shown["published"].to_list() == ["第3名 · 前10名", None]
    assert table.count_caption(shown, frame) == "显示 2 个县区中的 2 个"
