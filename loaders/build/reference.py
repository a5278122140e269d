"""Real, cited reference facts of the default snapshot, read from ``data/reference/*.csv``.

One CSV per snapshot table (``sources.csv``, ``evaluators.csv``, ``evaluator-ties.csv``,
``editions.csv``, ``indicators.csv``, ``rankings.csv``, ``division-changes.csv``), with
the table's columns but ``is_synthetic``: every row is real. The conventions behind
the rows (what a missing URL means, descriptive titles, placeholders for unpublished
indicators) are in ``data/reference/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from loaders import paths, schemas

TABLES = (
    "sources",
    "evaluators",
    "evaluator_ties",
    "editions",
    "indicators",
    "rankings",
    "division_changes",
)


def csv_path(name: str, folder: Path = paths.REFERENCE_DIR) -> Path:
    """Return the reference file of table ``name`` (dashes for underscores).

    Examples
    --------
    >>> csv_path("evaluator_ties").name
    'evaluator-ties.csv'
    """
    return folder / f"{name.replace('_', '-')}.csv"


def read_table(name: str, folder: Path = paths.REFERENCE_DIR) -> pl.DataFrame:
    """Read one reference table, mark it real and conform it to its schema.

    Raises
    ------
    ValueError
        If the file has a column the table does not know (or lacks a required one).
    """
    path = csv_path(name, folder)
    schema = schemas.TABLES[name].schema
    header = pl.read_csv(path, n_rows=0).columns
    unknown = [c for c in header if c not in schema or c == "is_synthetic"]
    if unknown:
        raise ValueError(f"{path.name}: unknown column(s) {', '.join(unknown)}")
    frame = pl.read_csv(path, schema={c: schema[c] for c in header})
    return schemas.conform(name, frame.with_columns(is_synthetic=pl.lit(False)))


def reference_tables(folder: Path = paths.REFERENCE_DIR) -> dict[str, pl.DataFrame]:
    """Return the real, cited reference tables of the default snapshot.

    Every frame has exactly the schema of its table in ``loaders.schemas`` and every
    row is real (``is_synthetic`` false) and names a ``source_id`` found in
    ``sources``.

    Returns
    -------
    dict[str, polars.DataFrame]
        The tables ``sources``, ``evaluators``, ``evaluator_ties``, ``editions``,
        ``indicators``, ``rankings`` and ``division_changes``, keyed by table name.

    Examples
    --------
    >>> tables = reference_tables()
    >>> tables["editions"].filter(pl.col("edition_id") == "zhongding-2018")["n_subjects"][0]
    2794
    """
    return {name: read_table(name, folder) for name in TABLES}
