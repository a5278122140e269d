from __future__ import annotations

import polars as pl

from loaders import rankings
from loaders.derive.compare import tree_difference


def test_tree_difference_names_added_and_dropped_indicators() -> None:
    before = pl.DataFrame(
        {"level": [2, 2], "indicator_id": ["a", "b"], "name_en": ["Alpha", "Beta"]}
    )
    after = pl.DataFrame(
        {"level": [2, 2], "indicator_id": ["b", "c"], "name_en": ["Beta", "Gamma"]}
    )
    assert tree_difference(before, after) == ("this edition adds 1 (Gamma) and drops 1 (Alpha)")
    change = rankings.tree_change(before, after)
    assert (change.code, change.added, change.dropped) == ("tree_change", ("Gamma",), ("Alpha",))
    unnamed = after.with_columns(name_en=pl.lit(None, pl.String))
    assert rankings.tree_change(before, unnamed).added == ("c",)  # no name: the id
    assert tree_difference(after, after) == "this edition adds none and drops none"


def test_tree_change_names_in_chinese_only_when_every_name_is_known() -> None:
    tree = pl.DataFrame(
        {
            "level": [2, 2, 2],
            "indicator_id": ["a.x", "a.y", "a.z"],
            "name_en": ["X", "Y", "Z"],
            "name_zh": ["甲", "乙", None],
        }
    )
    change = rankings.tree_change(tree.head(1), tree.head(2))
    assert (change.added, change.added_zh) == (("Y",), ("乙",))
    assert rankings.tree_change(tree.head(1), tree).added_zh == ()  # 丙 is not known
