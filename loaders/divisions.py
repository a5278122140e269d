"""County-level divisions of a snapshot (the ``divisions`` table), verified and cached."""

from __future__ import annotations

import polars as pl

from loaders import store
from loaders.store import SnapshotLike


def load(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return the verified ``divisions`` table of a snapshot."""
    return store.load(snapshot, "divisions")
