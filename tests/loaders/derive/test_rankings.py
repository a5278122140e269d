from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from loaders import rankings, schemas


def test_first_level_scores_follow_the_crosswalk_and_missing_metrics_are_null() -> None:
    tree = pl.DataFrame(
        {
            "indicator_id": ["t", "c", "c.x"],
            "level": [1, 1, 2],
            "crosswalk_key": ["transparency", "compliance", None],
        }
    )
    scores = pl.DataFrame(
        {
            "adcode": ["a", "a", "a", "a"],
            "indicator_id": ["t", "c", "c.x", "total"],
            "score": [81.0, 72.0, 5.0, 77.0],
        }
    )
    wide = rankings.first_level_scores(scores, tree)
    expected = pl.DataFrame(
        {"adcode": ["a"], "transparency": [81.0], "compliance": [72.0]}
    ).with_columns(pl.lit(None, pl.Float64).alias(k) for k in schemas.FIRST_LEVEL[2:])
    assert_frame_equal(wide, expected.select("adcode", *schemas.FIRST_LEVEL))
