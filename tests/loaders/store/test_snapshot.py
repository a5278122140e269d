from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

from loaders import schemas
from loaders.store import (
    SnapshotError,
    check,
    first_valid,
    load,
    newest_first,
    open_snapshot,
    sha256_file,
    write_snapshot,
)
from tests.conftest import tiny_tables
from tests.tampering import reseal


def _all_files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_round_trip_returns_what_was_written(tiny_snapshot: Path) -> None:
    snap = open_snapshot(tiny_snapshot)
    written = tiny_tables()
    for name, table in schemas.TABLES.items():
        got = snap.read(name).drop(schemas.RECORDS_PARTITION, strict=False)
        want = written[name]
        if table.key:
            got, want = got.sort(table.key), want.sort(table.key)
        assert_frame_equal(got, want, check_row_order=bool(table.key))


def test_manifest_lists_rows_bytes_and_hashes(tiny_snapshot: Path) -> None:
    manifest = json.loads((tiny_snapshot / "manifest.json").read_text())
    assert manifest["snapshot_id"] == "tiny"
    assert manifest["schema_version"] == schemas.SCHEMA_VERSION
    assert manifest["is_synthetic"] is True
    assert set(manifest["tables"]) == set(schemas.TABLES)
    assert manifest["tables"]["scores"]["rows"] == 4 * 6
    for entry in manifest["tables"].values():
        for f in entry["files"]:
            path = tiny_snapshot / f["path"]
            assert path.stat().st_size == f["bytes"]
            assert sha256_file(path) == f["sha256"]


def test_records_are_hive_partitioned_without_the_partition_column(tiny_snapshot: Path) -> None:
    folders = sorted(p.name for p in (tiny_snapshot / "records").iterdir())
    assert folders == ["year=2019", "year=2020"]
    one = pq.read_table(tiny_snapshot / "records" / "year=2019" / "part-0.parquet")
    assert "year" not in one.column_names
    # Other tools can read the partitioned folder (DESIGN.md §3b).
    whole = pq.read_table(tiny_snapshot / "records")
    assert whole.num_rows == 12
    assert sorted(set(whole.column("year").to_pylist())) == [2019, 2020]
    scanned = open_snapshot(tiny_snapshot).scan("records").filter(pl.col("year") == 2020)
    assert scanned.collect().height == 6


def test_same_tables_give_identical_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_snapshot(
            tiny_tables(),
            tmp_path / name,
            snapshot_id="x",
            description="d",
            created_by="t",
            created_at="2026-01-01T00:00:00Z",
        )
    assert _all_files(tmp_path / "a") == _all_files(tmp_path / "b")


def test_flipped_byte_is_rejected_naming_the_file(tiny_snapshot: Path) -> None:
    path = tiny_snapshot / "scores.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match=r"scores\.parquet: sha256 mismatch"):
        open_snapshot(tiny_snapshot).read("scores")
    # Other tables still read.
    assert open_snapshot(tiny_snapshot).read("divisions").height == 4


def test_flipped_byte_in_a_partition_is_rejected(tiny_snapshot: Path) -> None:
    path = tiny_snapshot / "records" / "year=2020" / "part-0.parquet"
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match=r"year=2020/part-0\.parquet: sha256 mismatch"):
        open_snapshot(tiny_snapshot).scan("records")


def test_missing_table_file_is_named(tiny_snapshot: Path) -> None:
    (tiny_snapshot / "editions.parquet").unlink()
    with pytest.raises(
        SnapshotError, match=r"editions\.parquet: file of table 'editions' is missing"
    ):
        open_snapshot(tiny_snapshot).read("editions")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no manifest"),
        ("{not json", "not valid JSON"),
        ('{"snapshot_id": "x"}', "manifest lacks"),
    ],
)
def test_bad_manifest_is_reported(tiny_snapshot: Path, content: str | None, message: str) -> None:
    manifest = tiny_snapshot / "manifest.json"
    if content is None:
        manifest.unlink()
    else:
        manifest.write_text(content)
    with pytest.raises(SnapshotError, match=message):
        open_snapshot(tiny_snapshot)


def test_manifest_without_a_table_is_rejected(tiny_snapshot: Path) -> None:
    manifest_path = tiny_snapshot / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["tables"]["rankings"]
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(SnapshotError, match="rankings not listed"):
        open_snapshot(tiny_snapshot)


def test_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    tables = tiny_tables()
    tables["scores"] = tables["scores"].with_columns(pl.lit("x").alias("surprise"))
    with pytest.raises(ValueError, match="unknown column"):
        write_snapshot(
            tables,
            tmp_path / "out",
            snapshot_id="x",
            description="",
            created_by="",
            created_at="",
        )
    assert list(tmp_path.iterdir()) == []


def test_existing_snapshot_is_not_overwritten_by_default(tiny_snapshot: Path) -> None:
    before = _all_files(tiny_snapshot)
    with pytest.raises(FileExistsError):
        write_snapshot(
            tiny_tables(seed=8),
            tiny_snapshot,
            snapshot_id="tiny",
            description="",
            created_by="",
            created_at="",
        )
    assert _all_files(tiny_snapshot) == before


def test_overwrite_replaces_atomically(tiny_snapshot: Path) -> None:
    write_snapshot(
        tiny_tables(seed=8),
        tiny_snapshot,
        snapshot_id="tiny2",
        description="",
        created_by="",
        created_at="",
        overwrite=True,
    )
    assert open_snapshot(tiny_snapshot).snapshot_id == "tiny2"
    assert [p.name for p in tiny_snapshot.parent.iterdir()] == ["tiny"]


def test_load_caches_per_manifest_and_rereads_a_rebuilt_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    kwargs = {"description": "", "created_by": "", "created_at": ""}
    write_snapshot(tiny_tables(seed=1), out, snapshot_id="one", **kwargs)
    first = load(out, "scores")
    assert load(out, "scores") is first  # cached
    write_snapshot(tiny_tables(seed=2), out, snapshot_id="two", overwrite=True, **kwargs)
    second = load(out, "scores")
    assert not second.equals(first)


def test_conform_rejects_missing_required_column() -> None:
    frame = tiny_tables()["sources"].drop("reliability")
    with pytest.raises(ValueError, match=r"missing column.*reliability"):
        schemas.conform("sources", frame)


def test_copy_of_snapshot_still_verifies(tiny_snapshot: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tiny_snapshot, copy)
    assert open_snapshot(copy).read("rankings").height == 1


def _edit_manifest(folder: Path, change) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def _point_at(path: str):
    def change(manifest: dict) -> None:
        manifest["tables"]["divisions"]["files"][0]["path"] = path

    return change


@pytest.mark.parametrize("path", ["../outside.parquet", "/etc/passwd", "scores.parquet"])
def test_manifest_cannot_point_a_table_at_another_file(tiny_snapshot: Path, path: str) -> None:
    _edit_manifest(tiny_snapshot, _point_at(path))
    with pytest.raises(SnapshotError, match=r"must be exactly one file, divisions\.parquet"):
        open_snapshot(tiny_snapshot)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["tables"]["scores"].update(files=[]), "must be exactly one file"),
        (lambda m: m["tables"]["scores"].update(rows=3), "row counts do not add up"),
        (lambda m: m["tables"]["scores"]["files"][0].update(sha256=5), "malformed"),
        (lambda m: m["tables"]["scores"]["files"][0].update(rows=True), "malformed"),
        (lambda m: m["tables"]["scores"].pop("rows"), "malformed"),
        (lambda m: m.update(tables="all of them"), "manifest lacks"),
        (lambda m: m.update(schema_version=True), "schema_version"),
        (
            lambda m: m["tables"]["records"]["files"].append(m["tables"]["records"]["files"][0]),
            "records/year=YYYY",
        ),
        (
            lambda m: m["tables"]["records"]["files"][0].update(path="records/../scores.parquet"),
            "records/year=YYYY",
        ),
    ],
)
def test_malformed_manifest_entries_are_errors_not_tracebacks(
    tiny_snapshot: Path, change, message: str
) -> None:
    _edit_manifest(tiny_snapshot, change)
    with pytest.raises(SnapshotError, match=message):
        open_snapshot(tiny_snapshot)


def test_partition_with_a_matching_hash_but_wrong_schema(tiny_snapshot: Path) -> None:
    part = tiny_snapshot / "records" / "year=2019" / "part-0.parquet"
    pl.read_parquet(part).drop("amount_cny").write_parquet(part)
    reseal(tiny_snapshot)  # every hash, size and row count matches: only the schema is wrong
    with pytest.raises(
        SnapshotError, match=r"cannot read table 'records'|does not match its schema"
    ):
        open_snapshot(tiny_snapshot).read("records")


def test_symlinked_table_file_is_refused(tiny_snapshot: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.parquet"
    shutil.move(tiny_snapshot / "sources.parquet", target)
    (tiny_snapshot / "sources.parquet").symlink_to(target)
    with pytest.raises(
        SnapshotError, match=r"sources\.parquet: file of table 'sources' is missing"
    ):
        open_snapshot(tiny_snapshot).read("sources")


def test_failed_swap_puts_the_previous_snapshot_back(
    tiny_snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from loaders.store import snapshot as module

    before = _all_files(tiny_snapshot)
    real_replace = os.replace
    calls = {"n": 0}

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:  # the new folder's move into place
            raise KeyboardInterrupt("interrupted between the two renames")
        return real_replace(src, dst)

    monkeypatch.setattr(module.os, "replace", flaky)
    with pytest.raises(KeyboardInterrupt):
        write_snapshot(
            tiny_tables(seed=9),
            tiny_snapshot,
            snapshot_id="new",
            description="",
            created_by="",
            created_at="",
            overwrite=True,
        )
    monkeypatch.undo()
    assert _all_files(tiny_snapshot) == before
    assert sorted(p.name for p in tiny_snapshot.parent.iterdir()) == ["tiny"]


def test_written_snapshot_is_readable_by_others(tiny_snapshot: Path) -> None:
    assert tiny_snapshot.stat().st_mode & 0o005 == 0o005  # not mkdtemp's 0700


def _write(folder: Path, created_at: str) -> Path:
    write_snapshot(
        tiny_tables(),
        folder,
        snapshot_id=folder.name,
        description="",
        created_by="tests",
        created_at=created_at,
    )
    return folder


def test_check_verifies_every_table_and_sees_later_damage(tiny_snapshot: Path) -> None:
    assert check(tiny_snapshot).snapshot_id == "tiny"
    path = sorted((tiny_snapshot / "records").rglob("part-0.parquet"))[0]
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match=rf"{path.parent.name}/part-0.parquet: sha256 mismatch"):
        check(tiny_snapshot)


def test_first_valid_skips_broken_candidates(tmp_path: Path) -> None:
    good = _write(tmp_path / "good", "2026-01-01T00:00:00Z")
    broken = _write(tmp_path / "broken", "2026-02-01T00:00:00Z")
    (broken / "scores.parquet").write_bytes(b"PAR1")
    found = first_valid([tmp_path / "absent", broken, good])
    assert found is not None and found[0] == good and found[1].snapshot_id == "good"
    assert first_valid([broken, tmp_path / "absent"]) is None


def test_newest_first_orders_by_creation_and_skips_unreadable(tmp_path: Path) -> None:
    _write(tmp_path / "a-old", "2025-01-01T00:00:00Z")
    _write(tmp_path / "b-new", "2026-06-01T00:00:00Z")
    _write(tmp_path / "c-mid", "2025-09-01T00:00:00Z")
    (tmp_path / "d-junk").mkdir()
    assert [p.name for p in newest_first(tmp_path)] == ["b-new", "c-mid", "a-old"]
    assert newest_first(tmp_path / "absent") == []
