"""Real, cited reference facts of the default snapshot, read from ``data/reference/*.csv``.

One CSV per snapshot table (``sources.csv``, ``evaluators.csv``, ``evaluator-ties.csv``,
``editions.csv``, ``indicators.csv``, ``rankings.csv``, ``division-changes.csv``), with
the table's columns but ``is_synthetic``: every row is real. The conventions behind
the rows (what a missing URL means, descriptive titles, placeholders for unpublished
indicators) are in ``data/reference/README.md``.
"""

from __future__ import annotations

import tomllib
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


METHODOLOGY_FILE = "methodology.toml"


def methodology_table(
    folder: Path = paths.REFERENCE_DIR, *, known: set[str] | None = None
) -> pl.DataFrame:
    """Read the methodology page's paragraphs (``methodology.toml``) as the table ``methodology``.

    Each paragraph's first source becomes ``source_id``, the others ``also_cited``
    (joined by "|"); ``position`` numbers the paragraphs within their section. With
    ``known`` (source ids), only the paragraphs whose every source is known are kept: a
    snapshot of reference facts alone has no demo generator and no published pages to
    cite, so it leaves out the paragraphs about them.

    Raises
    ------
    ValueError
        If a paragraph lacks its section, a source or a text in either language.

    Examples
    --------
    >>> table = methodology_table()
    >>> table.filter(pl.col("section_id") == "assessment").get_column("source_id").to_list()[1]
    'src-shaanxi-2021-1072'
    """
    document = tomllib.loads((folder / METHODOLOGY_FILE).read_text(encoding="utf-8"))
    rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for number, paragraph in enumerate(document.get("paragraph", []), start=1):
        section = paragraph.get("section")
        sources = list(paragraph.get("sources", []))
        if not section or not sources or not paragraph.get("en") or not paragraph.get("zh"):
            raise ValueError(
                f"{METHODOLOGY_FILE}: paragraph {number} needs a section, sources, en and zh"
            )
        seen[section] = seen.get(section, 0) + 1
        if known is not None and not set(sources) <= known:
            continue
        rows.append(
            {
                "section_id": section,
                "position": seen[section],
                "text_en": paragraph["en"].strip(),
                "text_zh": paragraph["zh"].strip(),
                "also_cited": schemas.CITATION_SEPARATOR.join(sources[1:]) or None,
                "source_id": sources[0],
                "is_synthetic": bool(paragraph.get("synthetic", False)),
            }
        )
    return schemas.conform("methodology", pl.DataFrame(rows, schema=schemas.METHODOLOGY))


def reference_tables(folder: Path = paths.REFERENCE_DIR) -> dict[str, pl.DataFrame]:
    """Return the real, cited reference tables of the default snapshot.

    Every frame has exactly the schema of its table in ``loaders.schemas`` and every
    row is real (``is_synthetic`` false) and names a ``source_id`` found in
    ``sources``.

    Returns
    -------
    dict[str, polars.DataFrame]
        The tables ``sources``, ``evaluators``, ``evaluator_ties``, ``editions``,
        ``indicators``, ``rankings`` and ``division_changes``, keyed by table name, and
        ``methodology`` (the methodology page's paragraphs, from ``methodology.toml``,
        those that cite only these sources; ``loaders.build.demo`` adds the others).

    Examples
    --------
    >>> tables = reference_tables()
    >>> tables["editions"].filter(pl.col("edition_id") == "zhongding-2018")["n_subjects"][0]
    2794
    """
    tables = {name: read_table(name, folder) for name in TABLES}
    known = set(tables["sources"].get_column("source_id"))
    tables["methodology"] = methodology_table(folder, known=known)
    return tables
