"""Check a snapshot: manifest and hashes, schemas, codes, references and the synthetic/real rule."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from loaders import schemas
from loaders.derive.records import monthly_rollup
from loaders.store.snapshot import Snapshot, SnapshotError, open_snapshot

# (table, column) → (referenced table, column): every non-null value must exist there.
REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("division_changes", "to_adcode", "divisions", "adcode"),
    ("evaluator_ties", "evaluator_id", "evaluators", "evaluator_id"),
    ("editions", "evaluator_id", "evaluators", "evaluator_id"),
    ("editions", "grade_scale_id", "grade_scales", "scale_id"),
    ("evaluators", "home_province_adcode", "divisions", "province_adcode"),
    ("indicators", "edition_id", "editions", "edition_id"),
    ("scores", "edition_id", "editions", "edition_id"),
    ("scores", "adcode", "divisions", "adcode"),
    ("coverage", "edition_id", "editions", "edition_id"),
    ("coverage", "adcode", "divisions", "adcode"),
    ("rankings", "edition_id", "editions", "edition_id"),
    ("rankings", "adcode", "divisions", "adcode"),
    ("records", "adcode", "divisions", "adcode"),
    ("record_volumes", "adcode", "divisions", "adcode"),
)
# Tables whose rows belong to an edition: their is_synthetic must equal the edition's.
EDITION_TABLES = ("indicators", "scores", "coverage", "rankings")
_SHOWN = 5  # offending values listed per problem


def _values(frame: pl.DataFrame, column: str) -> str:
    shown = frame.get_column(column).unique(maintain_order=True).head(_SHOWN).to_list()
    more = frame.get_column(column).n_unique() - len(shown)
    return ", ".join(map(repr, shown)) + (f" (+{more} more)" if more > 0 else "")


def check_tables(tables: dict[str, pl.DataFrame]) -> list[str]:
    """Return one line per problem in a set of snapshot tables (empty when valid).

    Checks schemas, required values, allowed codes, unique keys, references
    between tables and the synthetic/real rule: a synthetic row never belongs to
    a real evaluator's edition, rows cite sources of their own kind, and
    synthetic evaluators' names start with "Demo" while real ones' never do.

    Examples
    --------
    >>> check_tables({n: schemas.empty(n) for n in schemas.TABLES})
    []
    """
    problems: list[str] = []
    for name, table in schemas.TABLES.items():
        frame = tables[name].drop(schemas.RECORDS_PARTITION, strict=False)
        if dict(frame.schema) != dict(table.schema):
            diff = sorted(set(frame.schema.items()) ^ set(table.schema.items()), key=str)
            problems.append(f"{name}: schema differs from the declared one: {diff}")
            continue
        for column in table.schema:
            if column not in schemas.NULLABLE[name]:
                nulls = frame.get_column(column).null_count()
                if nulls:
                    problems.append(
                        f"{name}.{column}: {nulls} missing value(s) in a required column"
                    )
        for column, allowed in schemas.CODES.get(name, {}).items():
            bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed))
            if bad.height:
                problems.append(f"{name}.{column}: unknown code(s) {_values(bad, column)}")
        if table.key:
            dupes = frame.filter(pl.struct(table.key).is_duplicated())
            if dupes.height:
                problems.append(
                    f"{name}: {dupes.height} row(s) share a key ({', '.join(table.key)})"
                )
    if problems:
        return problems  # references are meaningless on malformed tables
    problems += _check_references(tables)
    problems += _check_citations(tables)
    problems += _check_indicators(tables)
    problems += _check_values(tables)
    problems += _check_synthetic_rule(tables)
    return problems


def _check_references(tables: dict[str, pl.DataFrame]) -> list[str]:
    problems = []
    for name, column, target, target_column in REFERENCES:
        known = tables[target].get_column(target_column).unique()
        bad = tables[name].filter(
            pl.col(column).is_not_null() & ~pl.col(column).is_in(known.implode())
        )
        if bad.height:
            problems.append(
                f"{name}.{column}: {bad.height} row(s) refer to no {target}.{target_column}: "
                f"{_values(bad, column)}"
            )
    known_sources = tables["sources"].get_column("source_id")
    for name, frame in tables.items():
        if "source_id" in frame.columns and name != "sources":
            bad = frame.filter(~pl.col("source_id").is_in(known_sources.implode()))
            if bad.height:
                problems.append(
                    f"{name}.source_id: {bad.height} row(s) cite no known source: "
                    f"{_values(bad, 'source_id')}"
                )
    divisions = tables["divisions"]
    wrong = divisions.filter(
        pl.col("province_adcode").str.slice(0, 2) != pl.col("adcode").str.slice(0, 2)
    )
    if wrong.height:
        problems.append(f"divisions: adcode outside its province: {_values(wrong, 'adcode')}")
    return problems


# Free-text columns in which a row may cite a further source by its id ("Year source:
# src-…" in an edition's note; the 2016 Opinions in an indicator's note).
NOTE_COLUMNS = ("note", "universe_note", "exclusions_note", "description_en")


def cited_sources(tables: dict[str, pl.DataFrame]) -> set[str]:
    """Return every cited source id: in ``source_id``, a paragraph, or a row's note.

    A row cites its ``source_id``; a methodology paragraph its ``source_id`` and
    ``also_cited``; a note (``NOTE_COLUMNS``) the source ids it names.

    Examples
    --------
    >>> tables = {n: schemas.empty(n) for n in schemas.TABLES}
    >>> tables["methodology"] = pl.DataFrame({"source_id": ["a"], "also_cited": ["b|c"]})
    >>> tables["sources"] = pl.DataFrame({"source_id": ["a", "b", "c", "d", "e"]})
    >>> tables["rankings"] = pl.DataFrame({"source_id": ["a"], "note": ["(Year source: d.)"]})
    >>> sorted(cited_sources(tables))
    ['a', 'b', 'c', 'd']
    """
    cited: set[str] = set()
    notes: list[str] = []
    for name, frame in tables.items():
        if name == "sources":
            continue
        if "source_id" in frame.columns:
            cited.update(frame.get_column("source_id").drop_nulls().to_list())
        for column in NOTE_COLUMNS:
            if column in frame.columns:
                notes.extend(frame.get_column(column).drop_nulls().unique().to_list())
    also = tables["methodology"].get_column("also_cited").drop_nulls()
    for value in also.to_list():
        cited.update(s for s in value.split(schemas.CITATION_SEPARATOR) if s)
    text = "\n".join(notes)
    known = tables["sources"].get_column("source_id").to_list()
    cited.update(
        s
        for s in known
        if s not in cited and re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)
    )
    return cited


def _check_citations(tables: dict[str, pl.DataFrame]) -> list[str]:
    """Return problems with citations: a source nothing cites, a citation of no source."""
    problems = []
    known = set(tables["sources"].get_column("source_id").to_list())
    cited = cited_sources(tables)
    uncited = tables["sources"].filter(~pl.col("source_id").is_in(sorted(cited)))
    if uncited.height:
        problems.append(
            f"sources: {uncited.height} source(s) cited by no row and no methodology paragraph: "
            f"{_values(uncited, 'source_id')}"
        )
    unknown = sorted(cited - known)
    if unknown:
        shown = ", ".join(map(repr, unknown[:_SHOWN]))
        problems.append(f"methodology.also_cited: cites no known source: {shown}")
    return problems


def _check_indicators(tables: dict[str, pl.DataFrame]) -> list[str]:
    problems = []
    indicators = tables["indicators"]
    parents = indicators.filter(pl.col("parent_id").is_not_null()).join(
        indicators.select("edition_id", parent_id="indicator_id"),
        on=["edition_id", "parent_id"],
        how="anti",
    )
    if parents.height:
        problems.append(f"indicators.parent_id: unknown parent(s) {_values(parents, 'parent_id')}")
    scored = (
        tables["scores"]
        .filter(pl.col("indicator_id") != "total")
        .select("edition_id", "indicator_id")
        .unique()
        .join(indicators, on=["edition_id", "indicator_id"], how="anti")
    )
    if scored.height:
        problems.append(
            f"scores.indicator_id: not in the edition's indicator tree: "
            f"{_values(scored, 'indicator_id')}"
        )
    return problems


def _check_values(tables: dict[str, pl.DataFrame]) -> list[str]:
    problems = []
    scores = tables["scores"].join(
        tables["editions"].select("edition_id", "score_max"), on="edition_id", how="left"
    )
    bad = scores.filter(
        (pl.col("score") < 0) | (pl.col("score") > pl.col("score_max").fill_null(float("inf")))
    )
    if bad.height:
        problems.append(
            f"scores.score: {bad.height} score(s) outside 0…score_max: {_values(bad, 'edition_id')}"
        )
    assessed = tables["coverage"].filter(pl.col("status") == "assessed")
    with_ledger = tables["coverage"].get_column("edition_id").unique()
    unassessed = (
        tables["scores"]
        .filter(pl.col("edition_id").is_in(with_ledger.implode()))
        .join(assessed, on=["edition_id", "adcode"], how="anti")
    )
    if unassessed.height:
        problems.append(
            f"scores: {unassessed.height} score(s) for counties the coverage table does not list "
            f"as assessed: {_values(unassessed, 'adcode')}"
        )
    for column in ("rank", "list_pos"):
        bad = tables["rankings"].filter(pl.col(column) < 1)
        if bad.height:
            problems.append(f"rankings.{column}: must be 1 or more: {_values(bad, column)}")
    siblings = (
        tables["indicators"]
        .group_by("edition_id", "parent_id")
        .agg(pl.col("weight").sum(), known=pl.col("weight").is_not_null().all())
        .filter(pl.col("known") & ((pl.col("weight") - 1).abs() > 1e-4))
    )
    if siblings.height:
        problems.append(
            "indicators.weight: weights under one parent must sum to 1 where all are known: "
            f"{_values(siblings, 'edition_id')}"
        )
    return problems


def _check_synthetic_rule(tables: dict[str, pl.DataFrame]) -> list[str]:
    problems = []
    evaluators = tables["evaluators"]
    demo_named = pl.col("name_en").str.starts_with("Demo") & pl.col("name_zh").str.starts_with(
        "Demo"
    )
    misnamed = evaluators.filter(pl.col("is_synthetic") != demo_named)
    if misnamed.height:
        problems.append(
            "evaluators: synthetic evaluators must be named 'Demo …' (English and Chinese) "
            f"and real ones must not: {_values(misnamed, 'evaluator_id')}"
        )
    real = evaluators.filter(~pl.col("is_synthetic"))
    # "demo" marks synthetic data in ids, links and citations: a real id never says it
    # (a real demonstration designation, 示范, is a "designation").
    for name, column in (("evaluators", "evaluator_id"), ("editions", "edition_id"),
                         ("editions", "series_id")):  # fmt: skip
        posing = tables[name].filter(
            ~pl.col("is_synthetic") & pl.col(column).str.to_lowercase().str.contains("demo")
        )
        if posing.height:
            problems.append(
                f"{name}.{column}: a real id must not contain 'demo' (the synthetic marker): "
                f"{_values(posing, column)}"
            )
    borrowed = evaluators.filter(
        pl.col("is_synthetic")
        & (
            pl.col("name_zh").str.replace(r"^Demo\s*", "").is_in(real["name_zh"].implode())
            | pl.col("name_en").str.replace(r"^Demo\s*", "").is_in(real["name_en"].implode())
        )
    )
    if borrowed.height:
        problems.append(
            "evaluators: synthetic evaluators borrow a real evaluator's name: "
            f"{_values(borrowed, 'evaluator_id')}"
        )
    owner = evaluators.select("evaluator_id", owner_synthetic="is_synthetic")
    ties = (
        tables["evaluator_ties"]
        .join(owner, on="evaluator_id")
        .filter(pl.col("is_synthetic") != pl.col("owner_synthetic"))
    )
    if ties.height:
        problems.append(
            "evaluator_ties: a synthetic tie on a real evaluator, or a real tie on a demo one: "
            f"{_values(ties, 'tie_id')}"
        )
    scales = (
        tables["grade_scales"]
        .group_by("scale_id")
        .agg(scale_synthetic=pl.col("is_synthetic").any())
    )
    graded = (
        tables["editions"]
        .join(scales, left_on="grade_scale_id", right_on="scale_id")
        .filter(pl.col("is_synthetic") != pl.col("scale_synthetic"))
    )
    if graded.height:
        problems.append(
            "editions: an edition uses a grade scale of the other kind (synthetic vs real): "
            f"{_values(graded, 'edition_id')}"
        )
    series = (
        tables["editions"]
        .filter(pl.col("series_id").is_not_null())
        .group_by("series_id")
        .agg(pl.col("evaluator_id").n_unique(), pl.col("is_synthetic").n_unique())
        .filter((pl.col("evaluator_id") > 1) | (pl.col("is_synthetic") > 1))
    )
    if series.height:
        problems.append(
            "editions.series_id: a series must hold one evaluator's editions of one kind: "
            f"{_values(series, 'series_id')}"
        )
    generator = tables["sources"].filter(
        (pl.col("reliability") == "synthetic") != pl.col("is_synthetic")
    )
    if generator.height:
        problems.append(
            "sources: reliability 'synthetic' must go with is_synthetic and only with it: "
            f"{_values(generator, 'source_id')}"
        )
    editions = tables["editions"].join(
        evaluators.select("evaluator_id", evaluator_synthetic="is_synthetic"), on="evaluator_id"
    )
    mixed = editions.filter(pl.col("is_synthetic") != pl.col("evaluator_synthetic"))
    if mixed.height:
        problems.append(
            "editions: a synthetic edition of a real evaluator, or a real edition of a demo "
            f"evaluator: {_values(mixed, 'edition_id')}"
        )
    kinds = tables["editions"].select("edition_id", edition_synthetic="is_synthetic")
    for name in EDITION_TABLES:
        bad = (
            tables[name]
            .join(kinds, on="edition_id")
            .filter(pl.col("is_synthetic") != pl.col("edition_synthetic"))
        )
        if bad.height:
            problems.append(
                f"{name}: {bad.height} row(s) whose is_synthetic differs from their edition's "
                f"(synthetic numbers may never be attributed to a real evaluator): "
                f"{_values(bad, 'edition_id')}"
            )
    sources = tables["sources"].select("source_id", source_synthetic="is_synthetic")
    for name, frame in tables.items():
        if name == "sources" or "source_id" not in frame.columns:
            continue
        bad = frame.join(sources, on="source_id").filter(
            pl.col("is_synthetic") != pl.col("source_synthetic")
        )
        if bad.height:
            problems.append(
                f"{name}: {bad.height} row(s) cite a source of the other kind "
                f"(synthetic vs real): {_values(bad, 'source_id')}"
            )
    return problems


def validate_snapshot(path: Path | str) -> list[str]:
    """Return one line per problem found in the snapshot at ``path`` (empty when valid).

    Verifies the manifest, every file's sha256 and row count, then runs
    :func:`check_tables` on the contents.
    """
    try:
        snap = open_snapshot(path)
    except SnapshotError as exc:
        return [str(exc)]
    problems: list[str] = []
    tables: dict[str, pl.DataFrame] = {}
    for name in schemas.TABLES:
        try:
            frame = snap.read(name)
        except SnapshotError as exc:
            problems.append(str(exc))
            continue
        listed = snap.manifest["tables"][name]["rows"]
        if frame.height != listed:
            problems.append(f"{name}: {frame.height} rows, manifest says {listed}")
        tables[name] = frame
    if problems:
        return problems
    problems = check_tables(tables)
    problems += _check_derived(snap, tables["records"], tables["record_volumes"])
    any_synthetic = any(bool(t.get_column("is_synthetic").any()) for t in tables.values())
    if any_synthetic != snap.is_synthetic:
        problems.append(
            f"manifest.json: is_synthetic is {snap.is_synthetic} but the tables say {any_synthetic}"
        )
    return problems


def check_rollup(
    records: pl.DataFrame, rollup: pl.DataFrame, volumes: pl.DataFrame | None = None
) -> list[str]:
    """Return problems if ``rollup`` is not the monthly aggregation of ``records`` (+ volumes).

    Examples
    --------
    >>> records = schemas.empty("records")
    >>> check_rollup(records, monthly_rollup(records))
    []
    """
    expected = monthly_rollup(records.drop(schemas.RECORDS_PARTITION, strict=False), volumes)
    key = list(schemas.DERIVED["record_rollups"].key)
    if dict(rollup.schema) != dict(expected.schema):
        return ["record_rollups: schema differs from the declared one"]
    try:
        assert_frame_equal(
            rollup.sort(key), expected, check_exact=False, rel_tol=1e-9, abs_tol=0.01
        )
    except AssertionError as exc:
        first = str(exc).splitlines()[0]
        return [
            f"record_rollups: not the monthly aggregation of records "
            f"({rollup.height} rows, expected {expected.height}): {first}"
        ]
    return []


def _check_derived(snap: Snapshot, records: pl.DataFrame, volumes: pl.DataFrame) -> list[str]:
    if not snap.has("record_rollups"):
        return []  # written before rollups existed: the app derives them on the fly
    try:
        rollup = snap.read("record_rollups")
    except SnapshotError as exc:
        return [str(exc)]
    listed = snap.manifest["derived"]["record_rollups"]["rows"]
    if rollup.height != listed:
        return [f"record_rollups: {rollup.height} rows, manifest says {listed}"]
    return check_rollup(records, rollup, volumes)
