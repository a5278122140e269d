"""Where things live on disk: the project root, geometry, static files and snapshots."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GEO_DIR = DATA / "geo"
REFERENCE_DIR = DATA / "reference"
SNAPSHOTS_DIR = DATA / "snapshots"
# Snapshots written by the Import page: private drafts, never offered to viewers nor a
# fallback, until an operator publishes one (python -m loaders publish NAME).
DRAFTS_DIR = DATA / "drafts"
STATIC_DIR = ROOT / "static"
STATIC_GEO_DIR = STATIC_DIR / "geo"

DEFAULT_SNAPSHOT_ID = "default"


def default_snapshot() -> Path | str:
    """Return the snapshot the app opens: ``$GI_SNAPSHOT`` if set, else the committed one.

    An ``s3://bucket/prefix`` value is returned as the string it is (a ``Path`` would
    collapse its double slash).
    """
    env = os.environ.get("GI_SNAPSHOT")
    if env and env.startswith("s3://"):
        return env
    return Path(env) if env else SNAPSHOTS_DIR / DEFAULT_SNAPSHOT_ID
