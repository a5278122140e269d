from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl
import pytest

from loaders import evaluators
from loaders.derive.compare import Reason
from loaders.store import load, write_snapshot
from tests.conftest import tiny_tables
from tests.fixtures import demo_snapshot

DEFAULT = str(demo_snapshot())


def test_registry_lists_real_then_synthetic_with_sources() -> None:
    registry = evaluators.registry(DEFAULT)
    assert registry["is_synthetic"].to_list() == sorted(registry["is_synthetic"].to_list())
    zhongding = registry.filter(pl.col("evaluator_id") == "zhongding").row(0, named=True)
    # Five ties from the seed article and notes, four reported by the 2016 report of the
    # 2015 Guizhou edition (a repost of People's Daily Online, Guizhou).
    assert zhongding["n_editions"] == 4 and zhongding["n_ties"] == 9
    assert zhongding["home_province"] == "Guizhou 贵州省"
    assert (zhongding["home_province_en"], zhongding["home_province_zh"]) == ("Guizhou", "贵州省")
    assert registry["source_title"].is_not_null().all()


def test_real_ties_keep_their_confidence_and_source() -> None:
    ties = evaluators.ties(DEFAULT, "zhongding")
    assert set(ties["confidence"]) == {"unverified", "reported"}
    reported = ties.filter(pl.col("confidence") == "reported")
    assert set(reported["party_name"]) == {
        "中共贵州省委政策研究室", "贵州省发展和改革委员会", "中国人民银行贵阳中心支行", "石校瑜"
    }  # fmt: skip
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
    ledger = load(DEFAULT, "coverage").filter(pl.col("edition_id") == "demo-tp-2021")
    listed = dict(ledger.group_by("status").len().iter_rows())
    units = load(DEFAULT, "divisions").height
    # The ledger's counts, and every other unit of the map is not covered.
    assert total[:2] == (listed["assessed"], listed["excluded"])
    assert sum(total) == units
    assert counts["divisions"].sum() == units
    tibet = counts.filter(pl.col("province_adcode") == "540000").row(0, named=True)
    assert tibet["excluded"] == tibet["divisions"] == 74
    assert "Tibet" in tibet["reasons"]


def test_demo_divergence_between_third_party_and_audit() -> None:
    result = evaluators.divergence_between(DEFAULT, "demo-tp-2021", "demo-audit-2021")
    assert result.comparable
    # The audit publishes first-level scores only.
    assert [r.code for r in result.reasons] == ["second_level_differ"]
    assert result.reason == f"second-level indicators differ ({result.reasons[0].n} not in both)"
    both = (
        load(DEFAULT, "scores")
        .filter(pl.col("indicator_id") == "total")
        .group_by("adcode")
        .agg(pl.col("edition_id").is_in(["demo-tp-2021", "demo-audit-2021"]).sum())
    )
    assert result.agreement["n"] == both.filter(pl.col("edition_id") == 2).height
    assert 0.3 < result.agreement["spearman"] < 0.8
    assert result.agreement["mean_diff"] > 15  # self-assessment is inflated
    assert result.disagreements.height == 20


def test_home_bias_table_tests_scored_editions_and_explains_partial_ones() -> None:
    table = evaluators.home_bias_table(DEFAULT)
    demo = table.filter(pl.col("edition_id") == "demo-tp-2018").row(0, named=True)
    assert demo["home_in_top"] > demo["expected"]
    assert 0 <= demo["p_value"] <= 1
    assert demo["n_published"] is None
    real = table.filter(pl.col("edition_id") == "zhongding-2021").row(0, named=True)
    assert real["p_value"] is None and "too few to test" in real["reading"]
    assert real["reading"].startswith(f"Only {real['n_published']} published results ")
    assert real["applies"]
    # A provincial list (all of Henan's counties, by Henan): the test does not apply.
    henan = table.filter(pl.col("edition_id") == "henan-business-env-2023").row(0, named=True)
    assert not henan["applies"] and henan["reading"].startswith("Not applicable")
    assert real["n_published"] >= real["home_in_top"]


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
    assert [r.code for r in result.reasons] == ["first_level_differ"]
    assert result.reason.startswith("first-level indicators differ: ")
    assert result.paired.is_empty()


def test_editions_with_too_few_counties_in_common_are_refused(tmp_path: Path) -> None:
    tables = tiny_tables()
    extra = (
        tables["editions"]
        .filter(pl.col("edition_id") == "demo-2021")
        .with_columns(edition_id=pl.lit("demo-few"))
    )
    tables["editions"] = pl.concat([tables["editions"], extra])
    tree = tables["indicators"].filter(pl.col("edition_id") == "demo-2021")
    tables["indicators"] = pl.concat(
        [tables["indicators"], tree.with_columns(edition_id=pl.lit("demo-few"))]
    )
    two = tables["scores"].filter(
        (pl.col("edition_id") == "demo-2021") & pl.col("adcode").is_in(["520123", "330102"])
    )
    tables["scores"] = pl.concat(
        [tables["scores"], two.with_columns(edition_id=pl.lit("demo-few"))]
    )
    cover = tables["coverage"].filter(pl.col("edition_id") == "demo-2021")
    tables["coverage"] = pl.concat(
        [tables["coverage"], cover.with_columns(edition_id=pl.lit("demo-few"))]
    )
    out = tmp_path / "few"
    write_snapshot(tables, out, snapshot_id="few", description="", created_by="", created_at="")
    result = evaluators.divergence_between(out, "demo-2021", "demo-few")
    assert not result.comparable
    assert result.reasons == (Reason("too_few_paired", n=2),)
    assert result.reason == "only 2 counties were scored by both editions"


def test_home_bias_lists_real_editions_with_a_few_scores_without_a_test() -> None:
    """A real edition with a few published scores (Lianyungang's 12345 assessment) assesses
    no county in full: it is listed as a published list, never divided by zero."""
    table = evaluators.home_bias_table(DEFAULT)
    lyg = table.filter(pl.col("edition_id") == "lyg-12345-2022-02-counties").row(0, named=True)
    assert lyg["n_published"] == 4 and lyg["p_value"] is None
    synthetic = table.filter(pl.col("is_synthetic"))
    assert synthetic.height and synthetic["p_value"].is_not_null().all()


def test_every_real_evaluator_is_in_exactly_one_family() -> None:
    intro, families = evaluators.families(DEFAULT)
    assert "政务诚信" in intro["en"] and "社会信用" in intro["en"] and "社会信用" in intro["zh"]
    with evaluators.FAMILIES.open("rb") as handle:
        listed = [e for f in tomllib.load(handle)["families"] for e in f["evaluators"]]
    assert len(listed) == len(set(listed))  # no evaluator in two families
    real = load(DEFAULT, "evaluators").filter(~pl.col("is_synthetic"))
    assert set(real.get_column("evaluator_id")) == set(listed)
    by_id = dict(families.select("family_id", "evaluators_en").iter_rows())
    assert by_id["integrity"].startswith("Zhongding")
    assert "CCID" in by_id["business-environment"]
    assert families.select(pl.all().is_not_null().all()).row(0) == (True,) * families.width
