"""Snapshot I/O: write a folder of Parquet tables + manifest atomically; read it back verified.

A snapshot is a folder holding one Parquet file per table (``records`` hive-partitioned
by year, the partition column only in folder names), the tables derived from them
(``record_rollups``) and ``manifest.json`` with each file's row count, size and sha256.
Readers verify the hash of every file they open; a missing file or a mismatch raises
:class:`SnapshotError` naming the file. A snapshot may also live in S3-compatible object
storage: open it by its ``s3://bucket/prefix`` URI (``loaders.s3``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from loaders import schemas
from loaders.derive.records import monthly_rollup
from loaders.store import s3

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1_000_000  # a manifest lists a dozen tables: anything larger is refused
# Fixed writer settings so the same frames always give the same bytes.
_PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "statistics": True,
    "row_group_size": 256_000,
}


# A temporary folder this old belongs to no running write or import: removed at the next.
STALE_SECONDS = 3600.0
# Temporary folders of a write: ".<name>.tmp-XXXXXXXX" beside the snapshot being written.
WRITE_PREFIX = "."
WRITE_MARK = ".tmp-"
# Every file's sha256 is checked again after this many seconds even if its size and mtime
# look unchanged: in-place tampering that restores the mtime is caught within this time.
REVERIFY_SECONDS = 300.0


def verification_epoch() -> int:
    """Return the current re-verification period (cache key: hashes are trusted within one)."""
    return int(time.monotonic() // REVERIFY_SECONDS)


class SnapshotError(Exception):
    """A snapshot is missing, incomplete or does not match its manifest."""


@dataclass(frozen=True)
class FileEntry:
    """One file of a table as listed in the manifest."""

    path: str
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class SnapshotRef:
    """One snapshot, as a hashable cache key: where it is and the manifest it was opened with.

    ``location`` is the resolved folder or the ``s3://`` URI; ``manifest_sha256`` pins
    every file (each file's sha256 is in the manifest). Readers cache per ref, so a
    rebuilt snapshot (a new manifest) is read afresh.

    Examples
    --------
    >>> SnapshotRef("/data/snapshots/default", "ab" * 32, "default").short
    'abababababab'
    """

    location: str
    manifest_sha256: str
    snapshot_id: str = ""  # the manifest's id, for citations and export headers

    @property
    def short(self) -> str:
        """The first 12 characters of the manifest hash (as citations show it)."""
        return self.manifest_sha256[:12]

    def __str__(self) -> str:
        return self.location


# Anything that names a snapshot: a ref, a folder or an s3:// URI.
SnapshotLike = SnapshotRef | Path | str


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

    Raises
    ------
    ValueError
        If a table is missing or unknown, or a record occurred outside the years
        1000–9999 (its ``records/year=YYYY`` folder could not be read back).
    """
    missing = [name for name in schemas.TABLES if name not in tables]
    unknown = [name for name in tables if name not in schemas.TABLES]
    if missing or unknown:
        raise ValueError(f"tables missing: {missing}; unknown: {unknown}")
    # NOTE: readers accept only four-digit partition folders (records/year=YYYY), so a
    # record dated outside 1000–9999 would give a snapshot that can never be opened.
    years = _partition_values(schemas.conform("records", tables["records"]))
    outside = [y for y in years if not 1000 <= y <= 9999]
    if outside:
        raise ValueError(f"records: occurred in year(s) {outside}; only 1000–9999 can be written")
    out = Path(out)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} exists; refusing to overwrite it")
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out.parent, WRITE_PREFIX, mark=WRITE_MARK)  # left by a killed write
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}{WRITE_MARK}", dir=out.parent))
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
            "derived": _write_derived(
                schemas.conform("records", tables["records"]),
                schemas.conform("record_volumes", tables["record_volumes"]),
                tmp,
            ),
        }
        (tmp / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        _publish(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def remove_stale(
    folder: Path, prefix: str, *, mark: str = "", older_than: float | None = None
) -> list[Path]:
    """Remove temporary folders in ``folder`` named ``prefix…`` (holding ``mark``) left behind.

    Only folders older than ``older_than`` seconds (default :data:`STALE_SECONDS`) go:
    one in use by a running write is younger and stays. What a killed write or import
    left behind is so cleaned at the next run. Returns the folders removed.
    """
    cutoff = time.time() - (STALE_SECONDS if older_than is None else older_than)
    removed = []
    with contextlib.suppress(OSError):
        for path in Path(folder).iterdir():
            with contextlib.suppress(OSError):
                if (
                    path.name.startswith(prefix)
                    and mark in path.name
                    and path.is_dir()
                    and not path.is_symlink()
                    and path.stat().st_mtime < cutoff
                ):
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path)
    return removed


def _write_derived(
    records: pl.DataFrame, volumes: pl.DataFrame, folder: Path
) -> dict[str, dict[str, Any]]:
    """Write the tables derived from ``records`` and ``record_volumes`` (the monthly rollup)."""
    table = schemas.DERIVED["record_rollups"]
    frame = monthly_rollup(records, volumes).sort(table.key)
    entry = _write_parquet(frame, folder / table.path)
    files = [FileEntry(table.path, entry.rows, entry.bytes, entry.sha256)]
    return {
        table.name: {
            "path": table.path,
            "rows": frame.height,
            "bytes": entry.bytes,
            "sha256": entry.sha256,
            "files": [vars(f) for f in files],
        }
    }


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
    """An opened snapshot: its folder and parsed manifest (files not yet verified).

    A snapshot in object storage has ``uri`` (``s3://bucket/prefix``) and the sha256 of
    the manifest it was opened with; its ``path`` is then only used in messages.
    """

    path: Path
    manifest: dict[str, Any]
    uri: str | None = None
    manifest_digest: str | None = None

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
        if self.manifest_digest is not None:
            return self.manifest_digest
        return sha256_file(self.path / MANIFEST)

    @property
    def ref(self) -> SnapshotRef:
        """Return the snapshot as a cache key (:class:`SnapshotRef`)."""
        where = self.uri or str(self.path.resolve())
        return SnapshotRef(where, self.manifest_sha256, self.snapshot_id)

    def where(self, rel: str) -> str:
        """Return the location of a file of the snapshot (a local path or an s3:// URI)."""
        return s3.join(self.uri, rel) if self.uri else str(self.path / rel)

    def table_names(self) -> list[str]:
        """Return every table the manifest lists (the schema's tables, then derived ones)."""
        return [*self.manifest["tables"], *self.manifest.get("derived", {})]

    def has(self, name: str) -> bool:
        """Whether the manifest lists table ``name`` (derived tables are optional)."""
        return name in self.manifest["tables"] or name in self.manifest.get("derived", {})

    def files(self, name: str) -> list[FileEntry]:
        """Return the manifest's file entries of table ``name``."""
        entry = self.manifest["tables"].get(name) or self.manifest.get("derived", {}).get(name)
        if entry is None:
            raise SnapshotError(f"{self.where(MANIFEST)}: table {name!r} is not listed")
        return [FileEntry(**f) for f in entry["files"]]

    def stamp(self, name: str) -> tuple[tuple[int, int], ...]:
        """Return (size, mtime) of each local file of table ``name``: cheap change detection.

        Object storage gives none (its snapshots are written once under a new prefix).
        """
        if self.uri:
            return ()
        stamps = []
        for f in self.files(name):
            with contextlib.suppress(OSError):
                info = (self.path / f.path).stat()
                stamps.append((info.st_size, info.st_mtime_ns))
        return tuple(stamps)

    def verify(self, name: str) -> list[Path]:
        """Check that every file of table ``name`` exists and matches its sha256.

        Returns the verified paths; raises :class:`SnapshotError` naming the first
        missing or altered file. For a snapshot in S3 each object is hashed as it is
        downloaded, and its ``s3://`` URI (a string) is returned instead of a path.
        """
        paths: list[Any] = []
        for f in self.files(name):
            if self.uri:
                where = self.where(f.path)
                try:
                    actual = s3.sha256(where, s3.storage_options())
                except OSError as exc:
                    raise SnapshotError(
                        f"{where}: file of table {name!r} cannot be read: {exc}"
                    ) from exc
                _check_hash(name, where, f.sha256, actual)
                paths.append(where)
                continue
            path = self.path / f.path
            if _linked(self.path, f.path):
                raise SnapshotError(
                    f"{path}: file of table {name!r} is missing (a symbolic link is refused)"
                )
            if not path.is_file():
                raise SnapshotError(f"{path}: file of table {name!r} is missing")
            _check_hash(name, str(path), f.sha256, sha256_file(path))
            paths.append(path)
        return paths

    def _table(self, name: str) -> schemas.Table:
        return schemas.TABLES.get(name) or schemas.DERIVED[name]

    def _options(self) -> dict[str, Any]:
        return {"storage_options": s3.storage_options()} if self.uri else {}

    def read(self, name: str, *, verified: list[Path] | None = None) -> pl.DataFrame:
        """Read table ``name`` after verifying its files; partitioned tables gain ``year``."""
        paths = verified if verified is not None else self.verify(name)
        table = self._table(name)
        if table.partitioned:
            try:
                frame = self.scan(name, verified=paths).collect()
            except Exception as exc:  # a file that matches its hash can still be unreadable
                raise SnapshotError(
                    f"{self.where(name)}: cannot read table {name!r}: {exc}"
                ) from exc
            _check_schema(name, frame.drop(schemas.RECORDS_PARTITION).schema, self.where(name))
            return frame
        try:
            frame = pl.read_parquet(paths[0], **self._options())
        except Exception as exc:  # a file that matches its hash can still be unreadable
            raise SnapshotError(f"{paths[0]}: cannot read table {name!r}: {exc}") from exc
        _check_schema(name, frame.schema, paths[0])
        return frame

    def scan(self, name: str, *, verified: list[Path] | None = None) -> pl.LazyFrame:
        """Lazily scan table ``name`` (verified first); partitioned tables gain ``year``."""
        paths = verified if verified is not None else self.verify(name)
        table = self._table(name)
        if not table.partitioned:
            return pl.scan_parquet(paths[0], schema=table.schema, **self._options())
        if not paths:
            return pl.LazyFrame(schema={**table.schema, schemas.RECORDS_PARTITION: pl.Int16})
        return pl.scan_parquet(
            [str(p) for p in paths],
            schema=table.schema,
            hive_partitioning=True,
            hive_schema={schemas.RECORDS_PARTITION: pl.Int16},
            **self._options(),
        )


def _check_hash(name: str, where: str, expected: str, actual: str) -> None:
    if actual != expected:
        raise SnapshotError(
            f"{where}: sha256 mismatch for table {name!r} "
            f"(manifest {expected[:12]}…, file {actual[:12]}…); "
            "the file was changed or is corrupt"
        )


def _check_schema(name: str, actual: pl.Schema, path: Path | str) -> None:
    expected = (schemas.TABLES.get(name) or schemas.DERIVED[name]).schema
    if dict(actual) != dict(expected):
        diff = sorted(set(actual.items()) ^ set(expected.items()), key=str)
        raise SnapshotError(f"{path}: table {name!r} does not match its schema: {diff}")


def _linked(folder: Path, rel: str) -> bool:
    """Return whether any part of ``rel`` below ``folder`` is a symbolic link."""
    here = folder
    for part in Path(rel).parts:
        here = here / part
        if here.is_symlink():
            return True
    return False


_SHA256 = re.compile(r"[0-9a-f]{64}")
_PARTITION_FILE = re.compile(rf"records/{schemas.RECORDS_PARTITION}=\d{{4}}/part-0\.parquet")
# The manifest's schema: each top-level key and the type its value must have.
MANIFEST_KEYS: dict[str, type | tuple[type, ...]] = {
    "snapshot_id": str,
    "schema_version": int,
    "created_at": str,
    "created_by": str,
    "is_synthetic": bool,
    "description": str,
    "tables": dict,
    "derived": dict,
}
MANIFEST_REQUIRED = ("snapshot_id", "schema_version", "created_at", "is_synthetic", "tables")
ENTRY_KEYS = {"path", "rows", "bytes", "sha256", "files"}
FILE_KEYS = {"path", "rows", "bytes", "sha256"}


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _file_ok(f: object) -> bool:
    return (
        isinstance(f, dict)
        and set(f) == FILE_KEYS
        and isinstance(f["path"], str)
        and _count(f["rows"])
        and _count(f["bytes"])
        and isinstance(f["sha256"], str)
        and bool(_SHA256.fullmatch(f["sha256"]))
    )


def _entry_problem(name: str, table: schemas.Table, entry: object) -> str | None:
    """Return what is wrong with one table's manifest entry, or None."""
    if not isinstance(entry, dict) or set(entry) != ENTRY_KEYS:
        keys = ", ".join(sorted(ENTRY_KEYS))
        return f"entry for table {name!r} is malformed (its keys are {keys})"
    files = entry["files"]
    if not isinstance(files, list) or not _count(entry["rows"]) or not _count(entry["bytes"]):
        return f"entry for table {name!r} is malformed"
    if not all(_file_ok(f) for f in files):
        return f"a file entry of table {name!r} is malformed"
    paths = [f["path"] for f in files]
    if table.partitioned:
        if len(set(paths)) != len(paths) or not all(map(_PARTITION_FILE.fullmatch, paths)):
            return f"table {name!r} lists files outside records/year=YYYY/part-0.parquet"
    elif paths != [table.path]:
        return f"table {name!r} must be exactly one file, {table.path}"
    if entry["path"] != table.path:
        return f"table {name!r}: path must be {table.path}"
    if sum(f["rows"] for f in files) != entry["rows"]:
        return f"table {name!r}: file row counts do not add up to {entry['rows']}"
    if sum(f["bytes"] for f in files) != entry["bytes"]:
        return f"table {name!r}: file sizes do not add up to {entry['bytes']}"
    if entry["sha256"] != _combined_hash([FileEntry(**f) for f in files]):
        return f"table {name!r}: sha256 does not match the hashes of its files"
    return None


def _manifest_problem(manifest: dict[str, Any]) -> str | None:
    """Return what is wrong with a parsed manifest, checked against its schema, or None.

    Only the known keys, with their types; exactly the schema's tables and only known
    derived ones; every file path is the table's own (``<table>.parquet``, or
    ``records/year=YYYY/part-0.parquet``), so a manifest can never point a reader
    outside its folder.
    """
    unknown = sorted(set(manifest) - set(MANIFEST_KEYS))
    if unknown:
        return f"unknown key(s) {', '.join(map(repr, unknown))}"
    for key, kind in MANIFEST_KEYS.items():
        value = manifest.get(key)
        if key in manifest and (not isinstance(value, kind) or (kind is int and value is True)):
            return f"{key} must be a {kind.__name__ if isinstance(kind, type) else kind}"
    missing = [n for n in schemas.TABLES if n not in manifest["tables"]]
    if missing:
        return f"table(s) {', '.join(missing)} not listed"
    extra = [n for n in manifest["tables"] if n not in schemas.TABLES]
    if extra:
        shown = ", ".join(repr(str(n)[:40]) for n in extra[:5])
        return f"unknown table(s) {shown}: a manifest lists only " + ", ".join(schemas.TABLES)
    derived = manifest.get("derived", {})
    if any(n not in schemas.DERIVED for n in derived):
        return "derived tables must be among " + ", ".join(schemas.DERIVED)
    listed = {**manifest["tables"], **derived}
    tables = {**schemas.TABLES, **{n: schemas.DERIVED[n] for n in derived}}
    for name, table in tables.items():
        problem = _entry_problem(name, table, listed[name])
        if problem:
            return problem
    return None


def open_snapshot(path: SnapshotLike) -> Snapshot:
    """Open the snapshot folder at ``path`` (or ``s3://bucket/prefix``) and parse its manifest.

    Raises :class:`SnapshotError` when the folder or manifest is missing or the
    manifest is malformed, or lists a different set of tables than the schema.
    """
    if isinstance(path, SnapshotRef):
        path = path.location if s3.is_uri(path.location) else Path(path.location)
    uri = str(path).rstrip("/") if s3.is_uri(path) else None
    digest = None
    if uri:
        manifest_path: Path | str = s3.join(uri, MANIFEST)
        try:
            raw = s3.read_bytes(str(manifest_path), s3.storage_options())
        except OSError as exc:
            raise SnapshotError(f"{manifest_path}: no manifest can be read ({exc})") from exc
        digest = hashlib.sha256(raw).hexdigest()
    else:
        path = Path(path)
        manifest_path = path / MANIFEST
        if not manifest_path.is_file():
            raise SnapshotError(f"{manifest_path}: no manifest; is {path} a snapshot folder?")
        if manifest_path.stat().st_size > MAX_MANIFEST_BYTES:
            raise SnapshotError(f"{manifest_path}: over {MAX_MANIFEST_BYTES:,} bytes: refused")
        raw = manifest_path.read_bytes()
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SnapshotError(f"{manifest_path}: not valid JSON ({exc})") from None
    required = MANIFEST_REQUIRED
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
    return Snapshot(Path(uri) if uri else Path(path), manifest, uri, digest)


def location(path: SnapshotLike) -> str:
    """Return a snapshot's location as a cache key: its resolved folder, or its s3:// URI.

    Examples
    --------
    >>> location("s3://bucket/snapshots/default/")
    's3://bucket/snapshots/default'
    """
    if isinstance(path, SnapshotRef):
        return path.location
    return str(path).rstrip("/") if s3.is_uri(path) else str(Path(path).resolve())


def ref(snapshot: SnapshotLike) -> SnapshotRef:
    """Return the :class:`SnapshotRef` of a snapshot (opening it unless given a ref already).

    Raises :class:`SnapshotError` when the snapshot cannot be opened.
    """
    if isinstance(snapshot, SnapshotRef):
        return snapshot
    snap = open_snapshot(snapshot)
    return SnapshotRef(location(snapshot), snap.manifest_sha256, snap.snapshot_id)


@lru_cache(maxsize=16)
def _opened(where: str, manifest_sha: str) -> Snapshot:
    snap = open_snapshot(where)
    if snap.manifest_sha256 != manifest_sha:
        raise SnapshotError(f"{where}: the snapshot changed while it was read; reload the page")
    return snap


def opened(snapshot: SnapshotLike) -> Snapshot:
    """Return the opened snapshot, its manifest parsed once per :class:`SnapshotRef`."""
    key = ref(snapshot)
    return _opened(key.location, key.manifest_sha256)


@lru_cache(maxsize=64)
def _read_cached(where: str, manifest_sha: str, name: str) -> pl.DataFrame:
    return _opened(where, manifest_sha).read(name)


def load(snapshot: SnapshotLike, name: str) -> pl.DataFrame:
    """Return table ``name`` of a snapshot, verified, cached per :class:`SnapshotRef`.

    The cache key includes the manifest's sha256, so a rebuilt snapshot is read again.
    """
    key = ref(snapshot)
    return _read_cached(key.location, key.manifest_sha256, name)


@lru_cache(maxsize=64)
def _verified(
    where: str, manifest_sha: str, name: str, stamp: tuple[tuple[int, int], ...], epoch: int
) -> tuple[Path, ...]:
    return tuple(_opened(where, manifest_sha).verify(name))


def verified(snapshot: SnapshotLike, name: str) -> list[Path]:
    """Return the verified files of table ``name``, hashed once per stamp and period.

    A file is hashed again when its size or mtime changes, and in any case once every
    :data:`REVERIFY_SECONDS` (tampering that restores the mtime is caught then).
    """
    key = ref(snapshot)
    snap = _opened(key.location, key.manifest_sha256)
    stamp = snap.stamp(name)
    return list(_verified(key.location, key.manifest_sha256, name, stamp, verification_epoch()))


def scan(snapshot: SnapshotLike, name: str) -> pl.LazyFrame:
    """Return a lazy scan of table ``name``, its files verified (see :func:`verified`).

    Unlike :func:`load` nothing is read into memory: filters and column choices push
    down into the Parquet reader. The sha256 of every file is checked on the first scan;
    later scans skip it while the manifest and each local file's size and mtime stay
    the same, until the next re-verification period.
    """
    key = ref(snapshot)
    return _opened(key.location, key.manifest_sha256).scan(name, verified=verified(key, name))


def newest_first(folder: Path) -> list[Path]:
    """Return the readable snapshots in ``folder``, the most recently created first."""
    if not Path(folder).is_dir():
        return []
    found = []
    for _, path, _ in list_snapshots(folder):
        created = str(open_snapshot(path).manifest.get("created_at", ""))
        found.append((created, path))
    return [p for _, p in sorted(found, key=lambda item: item[0], reverse=True)]


def list_snapshots(folder: Path) -> list[tuple[str, Path, str]]:
    """Return (snapshot id, path, description) of every readable snapshot in ``folder``."""
    found = []
    for path in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
        if path.name.startswith("."):
            continue
        try:
            snap = open_snapshot(path)
        except SnapshotError:
            continue
        found.append((snap.snapshot_id, path, str(snap.manifest.get("description", ""))))
    return found
