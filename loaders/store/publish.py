"""Publishing snapshots to object storage: one immutable prefix each, one pointer to follow.

A *channel* is an ``s3://bucket/prefix`` holding published snapshots side by side, each
under its own name (``<snapshot id>-<first 12 hex of its manifest sha256>``), and one
small object, ``CURRENT``, naming the newest::

    s3://gi-snapshots/live/CURRENT                         {"snapshot": "default-3f2a9c1b7d4e", …}
    s3://gi-snapshots/live/default-3f2a9c1b7d4e/manifest.json, scores.parquet, …
    s3://gi-snapshots/live/default-8e01c22d5b93/…          (the one before, still readable)

``publish`` uploads a snapshot under a new name, verifies every uploaded file against the
manifest, and only then rewrites ``CURRENT`` (one PUT, atomic). ``resolve`` follows the
pointer and checks that the manifest it finds is the one the pointer names. Every
replica with ``GI_SNAPSHOT=s3://gi-snapshots/live`` resolves it once per viewer session
(``components/frame/shell.py``): a session keeps the snapshot it opened with, a session
opened after a publish gets the new one, and no replica needs a restart. Published
snapshots are never overwritten, so an older session's files stay valid; remove old
prefixes only after their sessions have ended.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from loaders.store import s3
from loaders.store.snapshot import (
    MANIFEST,
    Snapshot,
    SnapshotError,
    SnapshotLike,
    SnapshotRef,
    open_snapshot,
)
from loaders.store.validate import check

POINTER = "CURRENT"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def published_name(snapshot_id: str, manifest_sha256: str) -> str:
    """Return the prefix name a snapshot is published under.

    Examples
    --------
    >>> published_name("default", "3f2a9c1b7d4e" + "0" * 52)
    'default-3f2a9c1b7d4e'
    >>> published_name("my snapshot/2", "ab" * 32)
    'my-snapshot-2-abababababab'
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", snapshot_id).strip("-.") or "snapshot"
    return f"{safe[:100]}-{manifest_sha256[:12]}"


def resolve(snapshot: SnapshotLike) -> SnapshotLike:
    """Return the snapshot a channel's ``CURRENT`` names now; anything else unchanged.

    A folder, a ref, or an ``s3://`` prefix without ``CURRENT`` (a snapshot itself) is
    returned as given. Raises :class:`SnapshotError` when the pointer cannot be read or
    parsed, or names a snapshot whose manifest is not the one it pins.
    """
    if isinstance(snapshot, SnapshotRef) or not s3.is_uri(snapshot):
        return snapshot
    channel = str(snapshot).rstrip("/")
    where = s3.join(channel, POINTER)
    try:
        raw = s3.read_bytes(where, s3.storage_options())
    except FileNotFoundError:
        return channel
    except OSError as exc:
        raise SnapshotError(f"{where}: the pointer cannot be read ({exc})") from exc
    try:
        pointer = json.loads(raw.decode("utf-8"))
        name, expected = str(pointer["snapshot"]), str(pointer["manifest_sha256"])
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise SnapshotError(f"{where}: not a snapshot pointer ({exc})") from exc
    if not _NAME.fullmatch(name) or not _SHA256.fullmatch(expected):
        raise SnapshotError(f"{where}: the pointer names no published snapshot: {name!r}")
    target = s3.join(channel, name)
    found = open_snapshot(target).manifest_sha256
    if found != expected:
        raise SnapshotError(
            f"{target}: manifest {found[:12]}… is not the published {expected[:12]}… "
            "(an incomplete or altered upload)"
        )
    return target


def _hashed(path: SnapshotLike) -> Snapshot:
    """Open the snapshot at ``path`` and hash every file of every table against its manifest."""
    snap = open_snapshot(path)
    for name in snap.table_names():
        snap.verify(name)
    return snap


def publish(folder: Path, channel: str, *, validate: bool = True) -> str:
    """Upload the snapshot at ``folder`` to ``channel`` and point ``CURRENT`` at it.

    The local snapshot passes the one snapshot check first (``loaders.store.check``:
    manifest, hashes, schemas, rows and contents; with ``validate`` false only every
    file's sha256), every file is uploaded, the manifest last, the uploaded files are
    hashed against the manifest, and only then is the pointer rewritten. Publishing the
    same snapshot again re-points to it without a second copy. Returns the published
    snapshot's URI.

    Raises :class:`SnapshotError` when the snapshot is invalid or the upload does not
    verify; ``ValueError`` when ``channel`` is not an ``s3://`` URI.
    """
    if not s3.is_uri(channel):
        raise ValueError(f"not an s3:// URI: {channel}")
    channel = channel.rstrip("/")
    try:
        snap = check(folder) if validate else _hashed(folder)
    except SnapshotError as exc:
        raise SnapshotError(f"{folder}: not published, invalid: {exc}") from exc
    name = published_name(snap.snapshot_id, snap.manifest_sha256)
    target = s3.join(channel, name)
    options = s3.storage_options()
    tables = {**snap.manifest["tables"], **snap.manifest.get("derived", {})}
    for table in tables:
        for entry in snap.files(table):
            s3.write_bytes(s3.join(target, entry.path), (folder / entry.path).read_bytes(), options)
    s3.write_bytes(s3.join(target, MANIFEST), (folder / MANIFEST).read_bytes(), options)
    uploaded = _hashed(target)  # every uploaded file hashed against the manifest
    if uploaded.manifest_sha256 != snap.manifest_sha256:
        raise SnapshotError(f"{target}: the uploaded manifest differs from {folder}")
    pointer = {
        "snapshot": name,
        "manifest_sha256": snap.manifest_sha256,
        "snapshot_id": snap.snapshot_id,
        "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    s3.write_bytes(s3.join(channel, POINTER), json.dumps(pointer).encode() + b"\n", options)
    return target
