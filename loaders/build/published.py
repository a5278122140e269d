"""The real published county results of the default snapshot (``real-results.csv``).

The rows go through the import path (``loaders.imports.published``): the same matching,
checks and curated knowledge as ``python -m loaders import FILE --format published``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from loaders import paths
from loaders.imports.published import merge, published_tables

REAL_RESULTS = paths.REFERENCE_DIR / "real-results.csv"


def with_published_results(
    tables: dict[str, pl.DataFrame], csv_path: Path = REAL_RESULTS
) -> dict[str, pl.DataFrame]:
    """Return snapshot ``tables`` with the real published results of ``csv_path`` added.

    The one call the default snapshot's builder makes (``loaders.build.demo``).
    """
    new, _ = published_tables(csv_path, tables["divisions"], tables["division_changes"], tables)
    return merge(tables, new)
