"""County-level divisions of a snapshot (the ``divisions`` table), verified and cached."""

from __future__ import annotations

import csv
import functools

import polars as pl

from loaders import paths, store
from loaders.store import SnapshotLike, SnapshotRef

# Short English (pinyin) names of the prefectures, written by
# ``loaders.build.divisions.prefecture_names`` (romanising at start-up would cost ~1 s).
PREFECTURES_CSV = paths.REFERENCE_DIR / "prefectures.csv"


def load(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return the verified ``divisions`` table of a snapshot, with ``prefecture_name_en``.

    ``prefecture_name_en`` (Guiyang, Qiandongnan, Hong Kong) comes from
    :data:`PREFECTURES_CSV`; a prefecture it lacks keeps its Chinese name there.
    """
    return _named(store.ref(snapshot))


@functools.lru_cache(maxsize=16)
def _named(snapshot: SnapshotRef) -> pl.DataFrame:
    table = store.load(snapshot, "divisions")
    english = pl.DataFrame(
        list(prefecture_names_en().items()),
        schema={"prefecture_adcode": pl.String, "prefecture_name_en": pl.String},
        orient="row",
    )
    named = table.join(english, on="prefecture_adcode", how="left", maintain_order="left")
    return named.with_columns(pl.col("prefecture_name_en").fill_null(pl.col("prefecture_name_zh")))


@functools.cache
def prefecture_names_en() -> dict[str, str]:
    """Return prefecture adcode → short English name (``data/reference/prefectures.csv``).

    Examples
    --------
    >>> prefecture_names_en()["522600"], prefecture_names_en()["411100"]
    ('Qiandongnan', 'Luohe')
    """
    with PREFECTURES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return {row["prefecture_adcode"]: row["prefecture_name_en"] for row in rows}


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
