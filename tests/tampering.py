"""Tampering with a snapshot as an attacker would: change files and re-seal the manifest.

A "hash-valid" attack rewrites a table and puts the new sha256, size and row count in
the manifest, so every hash matches and only the snapshot check's schema, row-count
and content rules can catch it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit_manifest(folder: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Apply ``change`` to the parsed manifest of ``folder`` and write it back."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")


def reseal(folder: Path, *, rows: bool = True) -> None:
    """Make the manifest match the files: each file's sha256 and size (and rows, if asked)."""

    def seal(manifest: dict[str, Any]) -> None:
        for group in ("tables", "derived"):
            for entry in manifest.get(group, {}).values():
                for f in entry["files"]:
                    path = folder / f["path"]
                    f["sha256"], f["bytes"] = _sha256(path), path.stat().st_size
                    if rows:
                        f["rows"] = pl.scan_parquet(path).select(pl.len()).collect().item()
                entry["bytes"] = sum(f["bytes"] for f in entry["files"])
                entry["rows"] = sum(f["rows"] for f in entry["files"])
                if len(entry["files"]) == 1:
                    entry["sha256"] = entry["files"][0]["sha256"]
                else:
                    digest = hashlib.sha256()
                    for f in entry["files"]:
                        digest.update(f"{f['path']}\0{f['sha256']}\n".encode())
                    entry["sha256"] = digest.hexdigest()

    edit_manifest(folder, seal)


def rewrite(folder: Path, name: str, change: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
    """Rewrite table ``name`` (one file) through ``change`` and re-seal the manifest."""
    path = folder / f"{name}.parquet"
    change(pl.read_parquet(path)).write_parquet(path)
    reseal(folder)


def rewrite_records(folder: Path, change: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
    """Rewrite every partition of ``records`` through ``change`` and re-seal the manifest."""
    for path in sorted((folder / "records").glob("year=*/part-0.parquet")):
        change(pl.read_parquet(path)).write_parquet(path)
    reseal(folder)


# ---------------------------------------------------------------------------------------
# Broken snapshots: each damages a copy of a valid snapshot in place. The app and
# `python -m loaders validate` must both reject every one (tests/loaders/store/test_check.py,
# tests/pages/test_snapshot_faults.py), and the message names the table and the problem.
# ---------------------------------------------------------------------------------------
def _truncate(folder: Path) -> None:
    path = folder / "scores.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_bit(folder: Path) -> None:
    path = folder / "editions.parquet"
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))


def _delete_table(folder: Path) -> None:
    (folder / "coverage.parquet").unlink()


def _garble_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_text('{"snapshot_id": "default", "tables": ', "utf-8")


def _drop_manifest_key(folder: Path) -> None:
    edit_manifest(folder, lambda m: m.pop("schema_version"))


def _extra_malformed_table(folder: Path) -> None:
    edit_manifest(folder, lambda m: m["tables"].update(extra={"files": [{"what": 1}]}))


def _extra_string_table(folder: Path) -> None:
    edit_manifest(folder, lambda m: m["tables"].update(boom="boom"))


def _extra_table_outside(folder: Path) -> None:
    target = Path("/etc/passwd")
    entry = {
        "path": "../../../../../../etc/passwd",
        "rows": 0,
        "bytes": target.stat().st_size,
        "sha256": _sha256(target),
    }
    edit_manifest(folder, lambda m: m["tables"].update(passwd={**entry, "files": [entry]}))


def _unknown_manifest_key(folder: Path) -> None:
    edit_manifest(folder, lambda m: m.update(run="rm -rf /"))


def _nan_score(folder: Path) -> None:
    rewrite(
        folder,
        "scores",
        lambda f: f.with_columns(
            score=pl.when(
                (pl.col("adcode") == "520102")
                & (pl.col("indicator_id") == "total")
                & (pl.col("edition_id") == "demo-tp-2021")
            )
            .then(float("nan"))
            .otherwise(pl.col("score"))
        ),
    )


def _dangling_adcode(folder: Path) -> None:
    rewrite(
        folder,
        "scores",
        lambda f: f.with_columns(adcode=pl.col("adcode").replace({"520102": "999999"})),
    )


def _synthetic_flagged_real(folder: Path) -> None:
    rewrite(
        folder,
        "scores",
        lambda f: f.with_columns(
            is_synthetic=pl.when(pl.col("edition_id") == "demo-tp-2021")
            .then(False)
            .otherwise(pl.col("is_synthetic"))
        ),
    )


def _row_count_lies(folder: Path) -> None:
    def change(manifest: dict[str, Any]) -> None:
        entry = manifest["tables"]["scores"]
        entry["rows"] += 1
        entry["files"][0]["rows"] += 1

    edit_manifest(folder, change)


def _rollup_times_ten(folder: Path) -> None:
    path = folder / "record_rollups.parquet"
    frame = pl.read_parquet(path)
    frame.with_columns(pl.col("records") * 10).write_parquet(path)
    reseal(folder)


def _manifest_says_real(folder: Path) -> None:
    edit_manifest(folder, lambda m: m.update(is_synthetic=False))


def _wrong_schema(folder: Path) -> None:
    rewrite(folder, "editions", lambda f: f.drop("series_id"))


def _symlinked_partition(folder: Path) -> None:
    part = folder / "records" / "year=2019"
    moved = folder.parent / f"{folder.name}-elsewhere"
    part.rename(moved)
    part.symlink_to(moved, target_is_directory=True)


# name → (damage, what the message says: the table and the problem)
BROKEN: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (_truncate, "scores.parquet: sha256 mismatch"),
    "bit-flipped": (_flip_bit, "editions.parquet: sha256 mismatch"),
    "missing table": (_delete_table, "coverage.parquet: file of table 'coverage' is missing"),
    "invalid manifest": (_garble_manifest, "manifest.json: not valid JSON"),
    "incomplete manifest": (_drop_manifest_key, "manifest lacks one of"),
    "extra malformed table": (_extra_malformed_table, "unknown table(s) 'extra'"),
    "extra table that is a string": (_extra_string_table, "unknown table(s) 'boom'"),
    "extra table outside the folder": (_extra_table_outside, "unknown table(s) 'passwd'"),
    "unknown manifest key": (_unknown_manifest_key, "unknown key(s) 'run'"),
    "NaN score": (_nan_score, "scores.score: 1 score(s) are not finite numbers"),
    "dangling adcode": (_dangling_adcode, "scores.adcode:"),
    "synthetic rows flagged real": (_synthetic_flagged_real, "scores: "),
    "row count that lies": (_row_count_lies, "manifest says"),
    "rollup times ten": (_rollup_times_ten, "record_rollups: not the monthly aggregation"),
    "manifest says real": (_manifest_says_real, "manifest.json: is_synthetic is False"),
    "wrong schema, valid hash": (_wrong_schema, "table 'editions' does not match its schema"),
    "symlinked partition": (_symlinked_partition, "a symbolic link is refused"),
}
