"""County-level divisions of a snapshot (the ``divisions`` table), verified and cached."""

from __future__ import annotations

import polars as pl

from loaders import store
from loaders.store import SnapshotLike


def load(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return the verified ``divisions`` table of a snapshot."""
    return store.load(snapshot, "divisions")


def province_names(snapshot: SnapshotLike, lang: str = "en") -> dict[str, str]:
    """Return six-digit province code → its name (English, or Chinese for ``lang="zh"``)."""
    column = "province_name_zh" if lang == "zh" else "province_name_en"
    provinces = load(snapshot).select("province_adcode", column).unique()
    return dict(provinces.iter_rows())
