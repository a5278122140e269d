"""Check snapshot tables: schemas, codes, references, finite values and the synthetic/real rule.

The checks run on eager frames (an import about to be written) and on lazy scans alike
(an opened snapshot, whose ``records`` may hold millions of rows): every check is a
query that collects only the offending values, never a whole large table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from loaders import schemas
from loaders.derive.records import monthly_rollup, rollup_query  # noqa: F401 (doctest)
from loaders.store import snapshot as store
from loaders.store.snapshot import Snapshot, SnapshotError, SnapshotLike, open_snapshot

# A table as a frame in memory or a lazy scan of its files.
Frame = pl.DataFrame | pl.LazyFrame

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


def _bad(frame: Frame, condition: pl.Expr, *columns: str) -> pl.DataFrame:
    """Return ``columns`` of the rows of ``frame`` where ``condition`` holds (collected)."""
    return frame.lazy().filter(condition).select(columns).collect()


def _schema(frame: Frame) -> dict[str, pl.DataType]:
    return dict(frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema)


def _values(frame: pl.DataFrame, column: str) -> str:
    shown = frame.get_column(column).unique(maintain_order=True).head(_SHOWN).to_list()
    more = frame.get_column(column).n_unique() - len(shown)
    return ", ".join(map(repr, shown)) + (f" (+{more} more)" if more > 0 else "")


def check_tables(tables: Mapping[str, Frame]) -> list[str]:
    """Return one line per problem in a set of snapshot tables (empty when valid).

    Checks schemas, required values, allowed codes, unique keys, finite scores within
    the edition's scale, references between tables and the synthetic/real rule: a
    synthetic row never belongs to a real evaluator's edition, rows cite sources of
    their own kind, and synthetic evaluators' names start with "Demo" while real ones'
    never do. Tables may be frames or lazy scans.

    Examples
    --------
    >>> check_tables({n: schemas.empty(n) for n in schemas.TABLES})
    []
    """
    problems: list[str] = []
    for name, table in schemas.TABLES.items():
        frame = tables[name]
        found = _schema(frame)
        found.pop(schemas.RECORDS_PARTITION, None)
        if found != dict(table.schema):
            diff = sorted(set(found.items()) ^ set(table.schema.items()), key=str)
            problems.append(f"{name}: schema differs from the declared one: {diff}")
            continue
        problems += _check_table(name, table, frame.lazy())
    if problems:
        return problems  # references are meaningless on malformed tables
    problems += _check_references(tables)
    problems += _check_citations(tables)
    problems += _check_indicators(tables)
    problems += _check_values(tables)
    problems += _check_synthetic_rule(tables)
    return problems


def _check_table(name: str, table: schemas.Table, frame: pl.LazyFrame) -> list[str]:
    """Check the required values, codes and key of one table, in one query."""
    required = [c for c in table.schema if c not in schemas.NULLABLE[name]]
    codes = schemas.CODES.get(name, {})
    queries = [pl.col(c).null_count().alias(f"null:{c}") for c in required]
    queries += [
        (pl.col(c).is_not_null() & ~pl.col(c).is_in(allowed)).sum().alias(f"code:{c}")
        for c, allowed in codes.items()
    ]
    if table.key:
        queries.append(pl.struct(table.key).is_duplicated().sum().alias("key"))
    if not queries:
        return []
    counts = frame.select(queries).collect().row(0, named=True)
    problems = [
        f"{name}.{c}: {counts[f'null:{c}']} missing value(s) in a required column"
        for c in required
        if counts[f"null:{c}"]
    ]
    for column, allowed in codes.items():
        if counts[f"code:{column}"]:
            bad = _bad(frame, pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed), column)
            problems.append(f"{name}.{column}: unknown code(s) {_values(bad, column)}")
    if table.key and counts["key"]:
        problems.append(f"{name}: {counts['key']} row(s) share a key ({', '.join(table.key)})")
    return problems


def _known(frame: Frame, column: str) -> pl.Series:
    return frame.lazy().select(pl.col(column).unique()).collect().to_series()


def _check_references(tables: Mapping[str, Frame]) -> list[str]:
    problems = []
    for name, column, target, target_column in REFERENCES:
        known = _known(tables[target], target_column)
        bad = _bad(
            tables[name], pl.col(column).is_not_null() & ~pl.col(column).is_in(known.implode()),
            column,
        )  # fmt: skip
        if bad.height:
            problems.append(
                f"{name}.{column}: {bad.height} row(s) refer to no {target}.{target_column}: "
                f"{_values(bad, column)}"
            )
    known_sources = _known(tables["sources"], "source_id")
    for name, frame in tables.items():
        if "source_id" in _schema(frame) and name != "sources":
            bad = _bad(frame, ~pl.col("source_id").is_in(known_sources.implode()), "source_id")
            if bad.height:
                problems.append(
                    f"{name}.source_id: {bad.height} row(s) cite no known source: "
                    f"{_values(bad, 'source_id')}"
                )
    wrong = _bad(
        tables["divisions"],
        pl.col("province_adcode").str.slice(0, 2) != pl.col("adcode").str.slice(0, 2),
        "adcode",
    )
    if wrong.height:
        problems.append(f"divisions: adcode outside its province: {_values(wrong, 'adcode')}")
    return problems


# Free-text columns in which a row may cite a further source by its id ("Year source:
# src-…" in an edition's note; the 2016 Opinions in an indicator's note).
NOTE_COLUMNS = ("note", "universe_note", "exclusions_note", "description_en")


def cited_sources(tables: Mapping[str, Frame]) -> set[str]:
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
        columns = frame.collect_schema().names()  # records are a lazy scan
        if "source_id" in columns:
            cited.update(_distinct(frame, "source_id"))
        for column in NOTE_COLUMNS:
            if column in columns:
                notes.extend(_distinct(frame, column))
    for value in _distinct(tables["methodology"], "also_cited"):
        cited.update(s for s in value.split(schemas.CITATION_SEPARATOR) if s)
    text = "\n".join(notes)
    known = _distinct(tables["sources"], "source_id")
    cited.update(
        s
        for s in known
        if s not in cited and re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)
    )
    return cited


def _distinct(frame: Frame, column: str) -> list[str]:
    """Return the distinct non-null values of a column of a frame or a lazy scan."""
    values = frame.lazy().select(pl.col(column).drop_nulls().unique()).collect()
    return values.get_column(column).to_list()


def _check_citations(tables: Mapping[str, Frame]) -> list[str]:
    """Return problems with citations: a source nothing cites, a citation of no source."""
    problems = []
    known = set(_distinct(tables["sources"], "source_id"))
    cited = cited_sources(tables)
    sources = tables["sources"].lazy().collect()
    uncited = sources.filter(~pl.col("source_id").is_in(sorted(cited)))
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


def _check_indicators(tables: Mapping[str, Frame]) -> list[str]:
    problems = []
    indicators = tables["indicators"].lazy()
    parents = (
        indicators.filter(pl.col("parent_id").is_not_null())
        .join(
            indicators.select("edition_id", parent_id="indicator_id"),
            on=["edition_id", "parent_id"],
            how="anti",
        )
        .collect()
    )
    if parents.height:
        problems.append(f"indicators.parent_id: unknown parent(s) {_values(parents, 'parent_id')}")
    scored = (
        tables["scores"]
        .lazy()
        .filter(pl.col("indicator_id") != "total")
        .select("edition_id", "indicator_id")
        .unique()
        .join(indicators, on=["edition_id", "indicator_id"], how="anti")
        .collect()
    )
    if scored.height:
        problems.append(
            f"scores.indicator_id: not in the edition's indicator tree: "
            f"{_values(scored, 'indicator_id')}"
        )
    return problems


def _check_values(tables: Mapping[str, Frame]) -> list[str]:
    problems = []
    scores = (
        tables["scores"]
        .lazy()
        .join(
            tables["editions"].lazy().select("edition_id", "score_max"), on="edition_id", how="left"
        )
    )
    # NOTE: NaN compares as larger than any number in Polars; say so in plain words.
    bad = _bad(scores, pl.col("score").is_not_null() & ~pl.col("score").is_finite(), "edition_id")
    if bad.height:
        problems.append(
            f"scores.score: {bad.height} score(s) are not finite numbers (NaN or infinite): "
            f"{_values(bad, 'edition_id')}"
        )
    bad = _bad(
        scores,
        pl.col("score").is_finite()
        & ((pl.col("score") < 0) | (pl.col("score") > pl.col("score_max").fill_null(float("inf")))),
        "edition_id",
    )
    if bad.height:
        problems.append(
            f"scores.score: {bad.height} score(s) outside 0…score_max: {_values(bad, 'edition_id')}"
        )
    coverage = tables["coverage"].lazy()
    assessed = coverage.filter(pl.col("status") == "assessed")
    with_ledger = _known(coverage, "edition_id")
    unassessed = (
        tables["scores"]
        .lazy()
        .filter(pl.col("edition_id").is_in(with_ledger.implode()))
        .join(assessed, on=["edition_id", "adcode"], how="anti")
        .select("adcode")
        .collect()
    )
    if unassessed.height:
        problems.append(
            f"scores: {unassessed.height} score(s) for counties the coverage table does not list "
            f"as assessed: {_values(unassessed, 'adcode')}"
        )
    for column in ("rank", "list_pos"):
        bad = _bad(tables["rankings"], pl.col(column) < 1, column)
        if bad.height:
            problems.append(f"rankings.{column}: must be 1 or more: {_values(bad, column)}")
    for name, column in (("indicators", "weight"), ("grade_scales", "min_score"),
                         ("records", "amount_cny")):  # fmt: skip
        bad = _bad(tables[name], pl.col(column).is_not_null() & ~pl.col(column).is_finite(), column)
        if bad.height:
            problems.append(f"{name}.{column}: {bad.height} value(s) are not finite numbers")
    siblings = (
        tables["indicators"]
        .lazy()
        .group_by("edition_id", "parent_id")
        .agg(pl.col("weight").sum(), known=pl.col("weight").is_not_null().all())
        .filter(pl.col("known") & ((pl.col("weight") - 1).abs() > 1e-4))
        .collect()
    )
    if siblings.height:
        problems.append(
            "indicators.weight: weights under one parent must sum to 1 where all are known: "
            f"{_values(siblings, 'edition_id')}"
        )
    return problems


def _check_synthetic_rule(given: Mapping[str, Frame]) -> list[str]:
    problems = []
    # Every table but the records is small: checked in memory.
    tables = {n: f.lazy().collect() for n, f in given.items() if n != "records"}
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
    return problems + _check_rows_kind(given, tables)


def _check_rows_kind(given: Mapping[str, Frame], tables: dict[str, pl.DataFrame]) -> list[str]:
    """Check that rows are of their edition's kind and cite sources of their own kind."""
    problems = []
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
    sources = tables["sources"].lazy().select("source_id", source_synthetic="is_synthetic")
    for name, frame in given.items():
        if name == "sources" or "source_id" not in _schema(frame):
            continue
        bad = (
            frame.lazy()
            .join(sources, on="source_id")
            .filter(pl.col("is_synthetic") != pl.col("source_synthetic"))
            .select("source_id")
            .collect()
        )
        if bad.height:
            problems.append(
                f"{name}: {bad.height} row(s) cite a source of the other kind "
                f"(synthetic vs real): {_values(bad, 'source_id')}"
            )
    return problems


def validate_snapshot(path: SnapshotLike) -> list[str]:
    """Return one line per problem found in the snapshot at ``path`` (empty when valid).

    The one snapshot check, shared by ``python -m loaders validate`` and the app
    (:func:`check`): the manifest against its schema, every file's sha256, each
    table's schema and row count from its Parquet metadata, then :func:`check_tables`
    on the contents (``records`` as a lazy scan), the rollup and the manifest's
    ``is_synthetic``.
    """
    try:
        snap = open_snapshot(path)
    except SnapshotError as exc:
        return [str(exc)]
    return inspect(snap, store.location(path))


def _table_files(snap: Snapshot, where: str, name: str) -> list[str]:
    """Return the problems of one table's files: hash, schema and row counts."""
    try:
        files = store._verified(
            where, snap.manifest_sha256, name, snap.stamp(name), store.verification_epoch()
        )
    except SnapshotError as exc:
        return [str(exc)]
    table = schemas.TABLES.get(name) or schemas.DERIVED[name]
    options = store.s3.storage_options() if snap.uri else None
    rows = 0
    for entry, path in zip(snap.files(name), files, strict=True):
        try:
            scan = pl.scan_parquet(path, storage_options=options)
            schema = dict(scan.collect_schema())
            height = int(scan.select(pl.len()).collect().item())
        except Exception as exc:  # a file that matches its hash can still be unreadable
            return [f"{path}: cannot read table {name!r}: {exc}"]
        if schema != dict(table.schema):
            diff = sorted(set(schema.items()) ^ set(table.schema.items()), key=str)
            return [f"{path}: table {name!r} does not match its schema: {diff}"]
        if height != entry.rows:
            return [f"{path}: {height} rows, manifest says {entry.rows} (table {name!r})"]
        rows += height
    listed = (snap.manifest["tables"].get(name) or snap.manifest["derived"][name])["rows"]
    if rows != listed:
        return [f"{name}: {rows} rows, manifest says {listed}"]
    return []


def inspect(snap: Snapshot, where: str) -> list[str]:
    """Return the problems of an opened snapshot (see :func:`validate_snapshot`)."""
    problems = [p for name in snap.table_names() for p in _table_files(snap, where, name)]
    if problems:
        return problems
    sha = snap.manifest_sha256
    tables: dict[str, Frame] = {}
    epoch = store.verification_epoch()
    for name, table in schemas.TABLES.items():
        files = list(store._verified(where, sha, name, snap.stamp(name), epoch))
        # NOTE: records may hold millions of rows: checked through a lazy scan.
        read = snap.scan if table.partitioned else snap.read
        tables[name] = read(name, verified=files)
    problems = check_tables(tables)
    if problems:
        return problems
    if snap.has("record_rollups"):
        problems += check_rollup(
            tables["records"], snap.read("record_rollups"), tables["record_volumes"]
        )
    kinds = [
        bool(t.lazy().select(pl.col("is_synthetic").any()).collect().item())
        for t in tables.values()
    ]
    if any(kinds) != snap.is_synthetic:
        problems.append(
            f"manifest.json: is_synthetic is {snap.is_synthetic} but the tables say {any(kinds)}"
        )
    return problems


@lru_cache(maxsize=16)
def _inspected(where: str, manifest_sha: str) -> tuple[str, ...]:
    return tuple(inspect(store._opened(where, manifest_sha), where))


def check(path: SnapshotLike) -> Snapshot:
    """Open the snapshot at ``path`` and run the one snapshot check; return it when valid.

    Raises :class:`SnapshotError` naming the table and the problem (the first three
    problems when there are several). The full check (:func:`validate_snapshot`) runs
    once per manifest hash; every file's sha256 is checked again when its size or
    mtime changes and in any case once every ``REVERIFY_SECONDS``, so calling this on
    every page run is cheap.
    """
    snap = open_snapshot(path)
    where, sha = store.location(path), snap.manifest_sha256
    problems = _inspected(where, sha)
    if not problems:  # the contents are pinned by the hashes: re-verify those
        for name in snap.table_names():
            try:
                store._verified(where, sha, name, snap.stamp(name), store.verification_epoch())
            except SnapshotError as exc:
                problems = (str(exc),)
                break
    if problems:
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        raise SnapshotError("; ".join(problems[:3]) + more)
    return snap


def first_valid(candidates: Iterable[Path | str]) -> tuple[Path | str, Snapshot] | None:
    """Return the first of ``candidates`` that passes :func:`check`, with its snapshot."""
    for candidate in candidates:
        try:
            return candidate, check(candidate)
        except SnapshotError:
            continue
    return None


def check_rollup(records: Frame, rollup: pl.DataFrame, volumes: Frame | None = None) -> list[str]:
    """Return problems if ``rollup`` is not the monthly aggregation of ``records`` (+ volumes).

    Examples
    --------
    >>> records = schemas.empty("records")
    >>> check_rollup(records, monthly_rollup(records))
    []
    """
    key = list(schemas.DERIVED["record_rollups"].key)
    scan = records.lazy().drop(schemas.RECORDS_PARTITION, strict=False)
    lazy_volumes = None if volumes is None else volumes.lazy()
    expected = rollup_query(scan, lazy_volumes).collect(engine="streaming").sort(key)
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
