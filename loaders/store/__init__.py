"""Snapshot storage: a folder (or S3 prefix) of Parquet tables and its manifest, verified.

``SnapshotRef`` names one snapshot as a hashable cache key (where it is and the sha256
of its manifest); readers cache by it. Writing is atomic, reading verifies every file
against the manifest, and ``validate`` checks the contents.
"""

from loaders.store.snapshot import (
    MANIFEST,
    FileEntry,
    Snapshot,
    SnapshotError,
    SnapshotLike,
    SnapshotRef,
    list_snapshots,
    load,
    location,
    newest_first,
    open_snapshot,
    opened,
    ref,
    scan,
    sha256_file,
    verified,
    write_snapshot,
)
from loaders.store.validate import check, check_rollup, check_tables, first_valid, validate_snapshot

__all__ = [
    "MANIFEST",
    "FileEntry",
    "Snapshot",
    "SnapshotError",
    "SnapshotLike",
    "SnapshotRef",
    "check",
    "check_rollup",
    "check_tables",
    "first_valid",
    "list_snapshots",
    "load",
    "location",
    "newest_first",
    "open_snapshot",
    "opened",
    "ref",
    "scan",
    "sha256_file",
    "validate_snapshot",
    "verified",
    "write_snapshot",
]
