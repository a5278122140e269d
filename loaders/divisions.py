"""County-level divisions of a snapshot (the ``divisions`` table), verified and cached."""

from __future__ import annotations

import polars as pl

from loaders import store
from loaders.store import SnapshotLike


def load(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return the verified ``divisions`` table of a snapshot."""
    return store.load(snapshot, "divisions")


def searchable(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return the divisions with ``former_names``: names and codes before a division change.

    From ``division_changes``: 黔西市 520581 gets "黔西县|520522", so a search for the old
    name or code finds the division that took its place (``former_names`` is null where
    nothing changed).
    """
    changes = store.load(snapshot, "division_changes")
    former = (
        changes.group_by("to_adcode")
        .agg(former_names=pl.concat_str("from_name_zh", "from_adcode", separator="|"))
        .with_columns(pl.col("former_names").list.unique(maintain_order=True).list.join("|"))
        .rename({"to_adcode": "adcode"})
    )
    return load(snapshot).join(former, on="adcode", how="left")


def province_names(snapshot: SnapshotLike, lang: str = "en") -> dict[str, str]:
    """Return six-digit province code → its name (English, or Chinese for ``lang="zh"``)."""
    column = "province_name_zh" if lang == "zh" else "province_name_en"
    provinces = load(snapshot).select("province_adcode", column).unique()
    return dict(provinces.iter_rows())
