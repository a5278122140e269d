from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from loaders import evaluators, paths
from loaders.snapshot import write_snapshot
from tests.conftest import tiny_tables

DEFAULT = str(paths.default_snapshot())


def test_registry_lists_real_then_synthetic_with_sources() -> None:
    registry = evaluators.registry(DEFAULT)
    assert registry["is_synthetic"].to_list() == sorted(registry["is_synthetic"].to_list())
    zhongding = registry.filter(pl.col("evaluator_id") == "zhongding").row(0, named=True)
    assert zhongding["n_editions"] == 4 and zhongding["n_ties"] == 5
    assert zhongding["home_province"] == "Guizhou 贵州省"
    assert registry["source_title"].is_not_null().all()


def test_real_ties_keep_their_confidence_and_source() -> None:
    ties = evaluators.ties(DEFAULT, "zhongding")
    assert set(ties["confidence"]) == {"unverified"}
    assert ties["source_title"].is_not_null().all()
    assert not ties["is_synthetic"].any()


def test_provenance_of_an_edition() -> None:
    info = evaluators.provenance(DEFAULT, "demo-tp-2021")
    assert info["evaluator_en"].startswith("Demo") and info["is_synthetic"]
    assert info["source_reliability"] == "synthetic"
    assert evaluators.provenance(DEFAULT, "nope") is None


def test_coverage_counts_add_up() -> None:
    counts = evaluators.coverage_counts(DEFAULT, "demo-tp-2021")
    total = counts.select(pl.col("assessed", "excluded", "not_covered").sum()).row(0)
    assert total == (2739, 101, 35)
    tibet = counts.filter(pl.col("province_adcode") == "540000").row(0, named=True)
    assert tibet["excluded"] == tibet["divisions"] == 74
    assert "Tibet" in tibet["reasons"]


def test_demo_divergence_between_third_party_and_audit() -> None:
    result = evaluators.divergence_between(DEFAULT, "demo-tp-2021", "demo-audit-2021")
    assert result.comparable
    assert "second-level" in result.reason  # the audit publishes first-level scores only
    assert result.agreement["n"] == 2739
    assert 0.3 < result.agreement["spearman"] < 0.8
    assert result.agreement["mean_diff"] > 15  # self-assessment is inflated
    assert result.disagreements.height == 20


def test_home_bias_table_tests_scored_editions_and_explains_partial_ones() -> None:
    table = evaluators.home_bias_table(DEFAULT)
    demo = table.filter(pl.col("edition_id") == "demo-tp-2018").row(0, named=True)
    assert demo["home_in_top"] > demo["expected"]
    assert 0 <= demo["p_value"] <= 1
    real = table.filter(pl.col("edition_id") == "zhongding-2021").row(0, named=True)
    assert real["p_value"] is None and "too few to test" in real["reading"]


@pytest.fixture
def two_editions(tmp_path: Path) -> Path:
    """The tiny snapshot plus a second demo edition whose first level differs."""
    tables = tiny_tables()
    extra = (
        tables["editions"]
        .filter(pl.col("edition_id") == "demo-2021")
        .with_columns(edition_id=pl.lit("demo-other"))
    )
    tables["editions"] = pl.concat([tables["editions"], extra])
    tree = tables["indicators"].filter(pl.col("edition_id") == "demo-2021")
    tables["indicators"] = pl.concat(
        [tables["indicators"], tree.head(2).with_columns(edition_id=pl.lit("demo-other"))]
    )
    scores = tables["scores"].filter(pl.col("indicator_id") == "total")
    tables["scores"] = pl.concat(
        [tables["scores"], scores.with_columns(edition_id=pl.lit("demo-other"))]
    )
    cover = tables["coverage"].with_columns(edition_id=pl.lit("demo-other"))
    tables["coverage"] = pl.concat([tables["coverage"], cover])
    out = tmp_path / "two"
    write_snapshot(tables, out, snapshot_id="two", description="", created_by="", created_at="")
    return out


def test_incomparable_editions_are_refused_with_a_reason(two_editions: Path) -> None:
    result = evaluators.divergence_between(two_editions, "demo-2021", "demo-other")
    assert not result.comparable
    assert "first-level indicators differ" in result.reason
    assert result.paired.is_empty()
