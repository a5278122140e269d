"""The methodology page's paragraphs with the sources each cites, read from the snapshot."""

from __future__ import annotations

import polars as pl

from loaders import schemas
from loaders.store import SnapshotLike, load

# The columns of a cited source shown beside a paragraph.
SOURCE_COLUMNS = ("source_id", "title", "title_en", "publisher", "published", "url", "reliability")


def paragraphs(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return the methodology paragraphs in page order, each with the list of its source ids.

    Returns
    -------
    polars.DataFrame
        ``section_id``, ``position``, ``text_en``, ``text_zh``, ``is_synthetic`` and
        ``cites`` (every source id of the paragraph, its first source first).
    """
    frame = load(snapshot, "methodology")
    return frame.sort("section_id", "position").select(
        "section_id",
        "position",
        "text_en",
        "text_zh",
        "is_synthetic",
        cites=pl.concat_list(
            pl.col("source_id"),
            pl.col("also_cited").fill_null("").str.split(schemas.CITATION_SEPARATOR),
        ).list.eval(pl.element().filter(pl.element() != "")),
    )


def cited_sources(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return every source a methodology paragraph cites, with its title, date and link."""
    cited = paragraphs(snapshot).get_column("cites").explode().unique()
    return (
        load(snapshot, "sources")
        .filter(pl.col("source_id").is_in(cited.implode()))
        .select(SOURCE_COLUMNS)
        .sort("source_id")
    )
