"""The committed default snapshot, tested once as a whole."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from loaders import paths, schemas
from loaders.store import open_snapshot, sha256_file
from loaders.store.validate import check_rollup, validate_snapshot
from loaders.tools import cli

DEFAULT = paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_committed_snapshot_is_valid() -> None:
    assert validate_snapshot(DEFAULT) == []


def test_committed_snapshot_is_what_demo_builds(tmp_path: Path) -> None:
    out = tmp_path / "default"
    assert cli.main(["demo", "--out", str(out)]) == 0
    for path in sorted(p for p in DEFAULT.rglob("*") if p.is_file()):
        rel = path.relative_to(DEFAULT)
        assert sha256_file(out / rel) == sha256_file(path), f"{rel} is stale: run demo"
    assert {p.relative_to(out) for p in out.rglob("*")} == {
        p.relative_to(DEFAULT) for p in DEFAULT.rglob("*")
    }


def test_committed_data_stays_small() -> None:
    assert _size(paths.DATA) <= 40e6
    assert _size(paths.DATA) + _size(paths.STATIC_DIR) <= 50e6


def test_divisions_cover_the_boundary_data() -> None:
    divisions = open_snapshot(DEFAULT).read("divisions")
    assert divisions.height == 2875
    assert divisions.get_column("province_adcode").n_unique() == 34
    xiuwen = divisions.filter(pl.col("adcode") == "520123").row(0, named=True)
    assert (xiuwen["name_zh"], xiuwen["name_pinyin"]) == ("修文县", "Xiuwen Xian")
    assert xiuwen["prefecture_name_zh"] == "贵阳市"
    assert xiuwen["province_name_en"] == "Guizhou"


@pytest.mark.parametrize(
    ("edition", "n_subjects", "released"),
    [("zhongding-2018", 2794, "2019-06"), ("zhongding-2019", 2737, "2020-07-05")],
)
def test_real_edition_facts(edition: str, n_subjects: int, released: str) -> None:
    editions = open_snapshot(DEFAULT).read("editions")
    row = editions.filter(pl.col("edition_id") == edition).row(0, named=True)
    assert (row["n_subjects"], row["n_provinces"], row["released"]) == (n_subjects, 30, released)
    assert row["is_synthetic"] is False


def test_real_top100_members_are_bands_without_ranks() -> None:
    rankings = (
        open_snapshot(DEFAULT).read("rankings").filter(pl.col("edition_id") == "zhongding-2021")
    )
    assert sorted(rankings.get_column("adcode")) == ["520123", "520323", "520621"]
    assert rankings.get_column("rank").is_null().all()
    assert (rankings.get_column("band") == "top100").all()
    assert not rankings.get_column("is_synthetic").any()


def test_real_evaluators_carry_only_published_scores() -> None:
    snap = open_snapshot(DEFAULT)
    real = snap.read("editions").filter(~pl.col("is_synthetic")).get_column("edition_id")
    scores = snap.read("scores").filter(pl.col("edition_id").is_in(real.implode()))
    # The scores printed in the sources of data/reference/real-results*.csv, no other.
    printed = []
    for name in ("real-results.csv", "real-results-2.csv"):
        with (paths.REFERENCE_DIR / name).open(encoding="utf-8") as handle:
            printed += [float(r["score"]) for r in csv.DictReader(handle) if r["score"].strip()]
    assert sorted(scores.get_column("score")) == sorted(printed)
    assert {68.71, 80.07, 81.43, 83.3, 145.76, 93.16} <= set(printed)
    assert not scores.get_column("is_synthetic").any()
    urls = snap.read("sources").filter(pl.col("source_id").is_in(scores["source_id"].implode()))
    assert urls.get_column("url").str.starts_with("http").all()
    assert snap.is_synthetic


def test_committed_snapshot_rollup_matches_its_records() -> None:
    snap = open_snapshot(DEFAULT)
    rollup, volumes = snap.read("record_rollups"), snap.read("record_volumes")
    assert check_rollup(snap.read("records"), rollup, volumes) == []
    assert volumes.height > 0 and set(volumes["record_type"]) == set(schemas.VOLUME_TYPES)


def test_committed_snapshot_holds_every_real_published_result() -> None:
    snap = open_snapshot(DEFAULT)
    real = snap.read("editions").filter(~pl.col("is_synthetic")).get_column("edition_id")
    rankings = snap.read("rankings").filter(pl.col("edition_id").is_in(real.implode()))
    with (paths.REFERENCE_DIR / "real-results.csv").open(encoding="utf-8") as handle:
        rows = sum(1 for _ in handle) - 1  # one published result per row
    with (paths.REFERENCE_DIR / "real-results-2.csv").open(encoding="utf-8") as handle:
        rows_2 = list(csv.DictReader(handle))
    records = snap.read("records").filter(~pl.col("is_synthetic"))
    # Every row of the second file is a published result, or a record (24 of them).
    assert rankings.height == rows + len(rows_2) - records.height
    assert (rows, len(rows_2), records.height) == (158, 193, 24)
    # 宣武区 (merged in 2010); 陵市 and 山河市 (garbled in the source); 西安市高新区 (a zone).
    unmapped = rankings.filter(pl.col("adcode").is_null()).get_column("name_as_published")
    assert sorted(unmapped) == sorted(["宣武区", "陵市", "山河市", "西安市高新区"])
