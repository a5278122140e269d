"""Writing an import: the base snapshot's tables in, a new snapshot out, all or nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import polars as pl

from loaders import schemas, store
from loaders.imports.read import ImportRejected, Problem


def refuse_existing(out: Path) -> None:
    """Reject an import whose output folder exists: a new snapshot never replaces one."""
    if out.exists():
        raise ImportRejected(f"{out} already exists: choose a new folder for the new snapshot")


def base_tables(snapshot: store.SnapshotLike) -> tuple[store.Snapshot, dict[str, pl.DataFrame]]:
    """Return the opened base snapshot and its tables (verified; no partition column).

    Raises :class:`ImportRejected` when the base cannot be used.
    """
    try:
        base = store.open_snapshot(snapshot)
        tables = {name: base.read(name) for name in schemas.TABLES}
    except store.SnapshotError as exc:
        raise ImportRejected(f"the base snapshot cannot be used: {exc}") from None
    return base, {
        name: frame.drop(schemas.RECORDS_PARTITION, strict=False) for name, frame in tables.items()
    }


def reject_errors(problems: list[Problem], path: Path) -> None:
    """Reject the input when any problem is an error (warnings pass)."""
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ImportRejected(f"{len(errors)} problem(s) in {path.name}; nothing imported", problems)


def write_new(
    tables: dict[str, pl.DataFrame],
    out: Path,
    *,
    base: store.Snapshot,
    path: Path,
    what: str,
    command: str,
) -> dict[str, Any]:
    """Check the new snapshot's tables and write them to ``out``; return the manifest.

    Parameters
    ----------
    tables
        Every table of the new snapshot.
    out
        The new snapshot folder (must not exist).
    base
        The base snapshot (its description and creation time carry over).
    path
        The imported file (its sha256 goes into the description).
    what
        What was imported, for the description ("edition x", "12 published result(s)").
    command
        The command line that made it (``created_by``).

    Raises
    ------
    ImportRejected
        When the new snapshot would be invalid (``loaders.store.check_tables``).
    """
    invalid = store.check_tables(tables)
    if invalid:
        raise ImportRejected(
            "the new snapshot would be invalid; nothing written",
            [Problem(None, None, "", line) for line in invalid],
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    description = (
        f"{base.manifest.get('description', '')} Imported {what} from {path.name} "
        f"(sha256 {digest}…)."
    ).strip()
    return store.write_snapshot(
        tables,
        out,
        snapshot_id=out.name,
        description=description,
        created_by=f"{command} --snapshot {base.snapshot_id}",
        created_at=str(base.manifest["created_at"]),
    )
