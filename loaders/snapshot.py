"""Snapshot I/O: write a folder of Parquet tables + manifest atomically; read it back verified.

A snapshot is a folder holding one Parquet file per table (``records`` hive-partitioned
by year, the partition column only in folder names) and ``manifest.json`` with each
file's row count, size and sha256. Readers verify the hash of every file they open;
a missing file or a mismatch raises :class:`SnapshotError` naming the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from loaders import schemas

MANIFEST = "manifest.json"
# Fixed writer settings so the same frames always give the same bytes.
_PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "statistics": True,
    "row_group_size": 256_000,
}


class SnapshotError(Exception):
    """A snapshot is missing, incomplete or does not match its manifest."""


@dataclass(frozen=True)
class FileEntry:
    """One file of a table as listed in the manifest."""

    path: str
    rows: int
    bytes: int
    sha256: str


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _write_parquet(frame: pl.DataFrame, path: Path) -> FileEntry:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path, **_PARQUET_OPTIONS)
    return FileEntry(path.name, frame.height, path.stat().st_size, sha256_file(path))


def _partition_values(frame: pl.DataFrame) -> list[int]:
    years = frame.get_column("occurred").dt.year().unique().sort()
    return [int(y) for y in years]


def write_snapshot(
    tables: dict[str, pl.DataFrame],
    out: Path,
    *,
    snapshot_id: str,
    description: str,
    created_by: str,
    created_at: str,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Write ``tables`` as a snapshot folder at ``out``, all or nothing.

    Every table of :data:`loaders.schemas.TABLES` must be given; each frame is
    conformed to its schema and sorted by its key so that the same content always
    gives the same bytes. Files are written to a temporary sibling folder, which
    is renamed to ``out`` only when complete.

    Parameters
    ----------
    tables
        Table name → frame.
    out
        Folder to create.
    snapshot_id, description, created_by, created_at
        Written to the manifest (``created_at`` is given, not read from the clock,
        so that rebuilds are byte-identical).
    overwrite
        Replace an existing folder at ``out`` (after the new one is complete).

    Returns
    -------
    The manifest as a dict.
    """
    missing = [name for name in schemas.TABLES if name not in tables]
    unknown = [name for name in tables if name not in schemas.TABLES]
    if missing or unknown:
        raise ValueError(f"tables missing: {missing}; unknown: {unknown}")
    out = Path(out)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} exists; refusing to overwrite it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        entries: dict[str, dict[str, Any]] = {}
        any_synthetic = False
        for name, table in schemas.TABLES.items():
            frame = schemas.conform(name, tables[name])
            if table.key:
                frame = frame.sort(table.key, nulls_last=True, maintain_order=True)
            any_synthetic |= bool(frame.get_column("is_synthetic").any())
            files = _write_table(name, frame, tmp)
            entries[name] = {
                "path": table.path,
                "rows": frame.height,
                "bytes": sum(f.bytes for f in files),
                "sha256": _combined_hash(files),
                "files": [vars(f) for f in files],
            }
        manifest = {
            "snapshot_id": snapshot_id,
            "schema_version": schemas.SCHEMA_VERSION,
            "created_at": created_at,
            "created_by": created_by,
            "is_synthetic": any_synthetic,
            "description": description,
            "tables": entries,
        }
        (tmp / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        _publish(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _publish(tmp: Path, out: Path) -> None:
    """Move a complete snapshot folder into place; an existing one is swapped, never lost."""
    umask = os.umask(0)
    os.umask(umask)
    for folder in (tmp, *(p for p in tmp.rglob("*") if p.is_dir())):
        folder.chmod(0o777 & ~umask)  # mkdtemp makes 0700: readable by the app's user too
    for file in tmp.rglob("*"):
        if file.is_file():
            with file.open("rb") as handle:
                os.fsync(handle.fileno())
    if not out.exists():
        os.replace(tmp, out)
        return
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)  # put the previous snapshot back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_table(name: str, frame: pl.DataFrame, folder: Path) -> list[FileEntry]:
    table = schemas.TABLES[name]
    if not table.partitioned:
        entry = _write_parquet(frame, folder / table.path)
        return [FileEntry(table.path, entry.rows, entry.bytes, entry.sha256)]
    files = []
    year = pl.col("occurred").dt.year()
    for value in _partition_values(frame):
        rel = f"{table.path}/{schemas.RECORDS_PARTITION}={value}/part-0.parquet"
        entry = _write_parquet(frame.filter(year == value), folder / rel)
        files.append(FileEntry(rel, entry.rows, entry.bytes, entry.sha256))
    return files


def _combined_hash(files: list[FileEntry]) -> str:
    if len(files) == 1:
        return files[0].sha256
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.path}\0{f.sha256}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """An opened snapshot: its folder and parsed manifest (files not yet verified)."""

    path: Path
    manifest: dict[str, Any]

    @property
    def snapshot_id(self) -> str:
        """The manifest's snapshot id."""
        return str(self.manifest["snapshot_id"])

    @property
    def is_synthetic(self) -> bool:
        """Whether any table holds synthetic rows."""
        return bool(self.manifest["is_synthetic"])

    @property
    def manifest_sha256(self) -> str:
        """sha256 of manifest.json: one hash that pins every file of the snapshot."""
        return sha256_file(self.path / MANIFEST)

    def files(self, name: str) -> list[FileEntry]:
        """Return the manifest's file entries of table ``name``."""
        try:
            entry = self.manifest["tables"][name]
        except KeyError:
            raise SnapshotError(f"{self.path / MANIFEST}: table {name!r} is not listed") from None
        return [FileEntry(**f) for f in entry["files"]]

    def verify(self, name: str) -> list[Path]:
        """Check that every file of table ``name`` exists and matches its sha256.

        Returns the verified paths; raises :class:`SnapshotError` naming the first
        missing or altered file.
        """
        paths = []
        for f in self.files(name):
            path = self.path / f.path
            if path.is_symlink() or not path.is_file():
                raise SnapshotError(f"{path}: file of table {name!r} is missing")
            actual = sha256_file(path)
            if actual != f.sha256:
                raise SnapshotError(
                    f"{path}: sha256 mismatch for table {name!r} "
                    f"(manifest {f.sha256[:12]}…, file {actual[:12]}…); "
                    "the file was changed or is corrupt"
                )
            paths.append(path)
        return paths

    def read(self, name: str) -> pl.DataFrame:
        """Read table ``name`` after verifying its files; partitioned tables gain ``year``."""
        paths = self.verify(name)
        table = schemas.TABLES[name]
        if table.partitioned:
            try:
                frame = self.scan(name, verified=paths).collect()
            except Exception as exc:  # a file that matches its hash can still be unreadable
                raise SnapshotError(
                    f"{self.path / name}: cannot read table {name!r}: {exc}"
                ) from exc
            _check_schema(name, frame.drop(schemas.RECORDS_PARTITION).schema, self.path / name)
            return frame
        try:
            frame = pl.read_parquet(paths[0])
        except Exception as exc:  # a file that matches its hash can still be unreadable
            raise SnapshotError(f"{paths[0]}: cannot read table {name!r}: {exc}") from exc
        _check_schema(name, frame.schema, paths[0])
        return frame

    def scan(self, name: str, *, verified: list[Path] | None = None) -> pl.LazyFrame:
        """Lazily scan table ``name`` (verified first); partitioned tables gain ``year``."""
        paths = verified if verified is not None else self.verify(name)
        table = schemas.TABLES[name]
        if not table.partitioned:
            return pl.scan_parquet(paths[0], schema=table.schema)
        if not paths:
            return pl.LazyFrame(schema={**table.schema, schemas.RECORDS_PARTITION: pl.Int16})
        return pl.scan_parquet(
            paths,
            schema=table.schema,
            hive_partitioning=True,
            hive_schema={schemas.RECORDS_PARTITION: pl.Int16},
        )


def _check_schema(name: str, actual: pl.Schema, path: Path) -> None:
    expected = schemas.TABLES[name].schema
    if dict(actual) != dict(expected):
        diff = sorted(set(actual.items()) ^ set(expected.items()), key=str)
        raise SnapshotError(f"{path}: table {name!r} does not match its schema: {diff}")


_SHA256 = re.compile(r"[0-9a-f]{64}")
_PARTITION_FILE = re.compile(rf"records/{schemas.RECORDS_PARTITION}=\d{{4}}/part-0\.parquet")


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _manifest_problem(manifest: dict[str, Any]) -> str | None:
    """Return what is wrong with a parsed manifest's table entries, or None.

    Every file path must be the table's own (``<table>.parquet``, or
    ``records/year=YYYY/part-0.parquet``), so a manifest can never point a reader
    outside its folder.
    """
    if not isinstance(manifest["is_synthetic"], bool):
        return "is_synthetic must be true or false"
    missing = [n for n in schemas.TABLES if n not in manifest["tables"]]
    if missing:
        return f"table(s) {', '.join(missing)} not listed"
    for name, table in schemas.TABLES.items():
        entry = manifest["tables"][name]
        files = entry.get("files") if isinstance(entry, dict) else None
        if not isinstance(files, list) or not _count(entry.get("rows")):
            return f"entry for table {name!r} is malformed"
        for f in files:
            if not (
                isinstance(f, dict)
                and set(f) == {"path", "rows", "bytes", "sha256"}
                and isinstance(f["path"], str)
                and _count(f["rows"])
                and _count(f["bytes"])
                and isinstance(f["sha256"], str)
                and _SHA256.fullmatch(f["sha256"])
            ):
                return f"a file entry of table {name!r} is malformed"
        paths = [f["path"] for f in files]
        if table.partitioned:
            if len(set(paths)) != len(paths) or not all(map(_PARTITION_FILE.fullmatch, paths)):
                return f"table {name!r} lists files outside records/year=YYYY/part-0.parquet"
        elif paths != [table.path]:
            return f"table {name!r} must be exactly one file, {table.path}"
        if sum(f["rows"] for f in files) != entry["rows"]:
            return f"table {name!r}: file row counts do not add up to {entry['rows']}"
    return None


def open_snapshot(path: Path | str) -> Snapshot:
    """Open the snapshot folder at ``path`` and parse its manifest.

    Raises :class:`SnapshotError` when the folder or manifest is missing or the
    manifest is malformed, or lists a different set of tables than the schema.
    """
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise SnapshotError(f"{manifest_path}: no manifest; is {path} a snapshot folder?")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{manifest_path}: not valid JSON ({exc})") from exc
    required = ("snapshot_id", "schema_version", "created_at", "is_synthetic", "tables")
    if (
        not isinstance(manifest, dict)
        or any(k not in manifest for k in required)
        or not isinstance(manifest["tables"], dict)
    ):
        raise SnapshotError(f"{manifest_path}: manifest lacks one of {', '.join(required)}")
    version = manifest["schema_version"]
    if isinstance(version, bool) or version != schemas.SCHEMA_VERSION:
        raise SnapshotError(
            f"{manifest_path}: schema_version {manifest['schema_version']} "
            f"(this code reads {schemas.SCHEMA_VERSION})"
        )
    missing = [n for n in schemas.TABLES if n not in manifest["tables"]]
    if missing:
        raise SnapshotError(f"{manifest_path}: table(s) {', '.join(missing)} not listed")
    problem = _manifest_problem(manifest)
    if problem:
        raise SnapshotError(f"{manifest_path}: {problem}")
    return Snapshot(path, manifest)


@lru_cache(maxsize=64)
def _read_cached(path: str, manifest_sha: str, name: str) -> pl.DataFrame:
    snap = open_snapshot(path)
    frame = snap.read(name)
    if snap.manifest_sha256 != manifest_sha:
        # The snapshot was replaced while reading: never cache it under the old hash.
        raise SnapshotError(f"{path}: the snapshot changed while it was read; reload the page")
    return frame


def load(path: Path | str, name: str) -> pl.DataFrame:
    """Return table ``name`` of the snapshot at ``path``, verified, cached per manifest hash.

    The cache key includes the manifest's sha256, so a rebuilt snapshot is read again.
    """
    snap = open_snapshot(path)
    return _read_cached(str(Path(path).resolve()), snap.manifest_sha256, name)
