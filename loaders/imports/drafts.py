"""Import drafts: snapshots the Import page writes, private until an operator publishes one.

A draft lives in ``data/drafts/<name>`` (``loaders.paths.DRAFTS_DIR``), outside
``data/snapshots``: the sidebar's Snapshot picker never offers it and the app never
falls back on it. ``python -m loaders publish NAME`` checks it with the one snapshot
check and moves it into ``data/snapshots``, where every viewer can choose it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from loaders import paths
from loaders.imports.read import ImportRejected, Problem
from loaders.store import validate_snapshot

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]{0,60}")


def draft_folder(name: str, drafts: Path | None = None) -> Path:
    """Return the folder of draft ``name``; reject a name that is not letters, digits, dashes.

    Examples
    --------
    >>> draft_folder("rank-2021", Path("/d"))
    PosixPath('/d/rank-2021')
    >>> draft_folder("../default", Path("/d"))
    Traceback (most recent call last):
    ...
    loaders.imports.read.ImportRejected: '../default': a draft's name is letters, digits and dashes
    """
    if not NAME.fullmatch(name):
        raise ImportRejected(f"{name[:60]!r}: a draft's name is letters, digits and dashes")
    return (drafts or paths.DRAFTS_DIR) / name


def publish(name: str, *, drafts: Path | None = None, snapshots: Path | None = None) -> Path:
    """Move draft ``name`` into the snapshots folder once it passes the snapshot check.

    Returns the published folder. Raises :class:`ImportRejected` when the draft is
    missing or invalid, or a snapshot of that name exists; then nothing moves.
    """
    draft = draft_folder(name, drafts)
    target = (snapshots or paths.SNAPSHOTS_DIR) / name
    if draft.is_symlink() or not draft.is_dir():
        raise ImportRejected(f"no draft named {name!r} in {draft.parent}")
    if target.exists():
        raise ImportRejected(f"{target} already exists: a published snapshot is never replaced")
    problems = validate_snapshot(draft)
    if problems:
        raise ImportRejected(
            f"draft {name!r} is not a valid snapshot; nothing published",
            [Problem(None, None, "", line) for line in problems],
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(draft, target)
    except OSError:  # another file system: copy, then remove the draft
        shutil.copytree(draft, target)
        shutil.rmtree(draft)
    return target
