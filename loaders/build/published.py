"""The real published county results of the default snapshot (``real-results*.csv``).

The rows go through the import path (``loaders.imports.published``): the same matching,
checks and curated knowledge as ``python -m loaders import FILE --format published``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from loaders import paths
from loaders.imports.published import merge, published_tables

REAL_RESULTS = paths.REFERENCE_DIR / "real-results.csv"
# The second file of real results, in the compact shape, with the first real records.
REAL_RESULTS_2 = paths.REFERENCE_DIR / "real-results-2.csv"


def with_published_results(
    tables: dict[str, pl.DataFrame], csv_paths: tuple[Path, ...] = (REAL_RESULTS, REAL_RESULTS_2)
) -> dict[str, pl.DataFrame]:
    """Return snapshot ``tables`` with the real published results of ``csv_paths`` added.

    The one call the default snapshot's builder makes (``loaders.build.demo``). The
    files are imported one after the other, each onto the tables the one before left.
    """
    for csv_path in csv_paths:
        new, _ = published_tables(csv_path, tables["divisions"], tables["division_changes"], tables)
        tables = merge(tables, new)
    return tables
