"""Real published county results (real-results.csv, the long import format) as snapshot rows.

One input row is one published result: who published it (``evaluator``, ``edition``),
for which county (``county_as_published`` with ``province`` and ``prefecture``
context), what was published (``rank``, ``list_pos``, ``score``, ``band``) and where
(``source_url``, ``source_type``). :func:`build` turns such rows into rows of the
snapshot tables ``sources``, ``evaluators``, ``evaluator_ties``, ``editions``,
``rankings`` and ``scores`` — all real (``is_synthetic`` false) — matching every
county with :class:`loaders.imports.match.Matcher` and reporting every problem with its
spreadsheet row. The default snapshot gets the reference file
``data/reference/real-results.csv`` this way (``loaders.build.published``);
``python -m loaders import FILE --format published`` applies the same code to a
user's file.

What the rows do not say comes from ``loaders.imports.curation``; the format itself
(columns, cell parsers) is ``loaders.imports.long_format``. Everything else about an
edition is read from its rows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polars as pl

from loaders import schemas
from loaders.imports import real_records
from loaders.imports.compact import read_file
from loaders.imports.curation import RecordSpec, curation
from loaders.imports.long_format import (
    MEMBERSHIP_BANDS,
    REPORTING,
    SCALE,
    SOURCE_TYPES,
    Row,
    first_year,
    paren,
    source_id_for,
    split_date,
)
from loaders.imports.match import Matcher
from loaders.imports.read import (
    Problem,
    clean_text,
)
from loaders.imports.rows import Context, Resolved, resolve_row
from loaders.imports.write import base_tables, refuse_existing, reject_errors, write_new

TABLES = ("sources", "evaluators", "evaluator_ties", "editions", "rankings", "scores", "records")


@dataclass
class Built:
    """What :func:`build` returns: new table rows, one outcome per row, the problems."""

    tables: dict[str, pl.DataFrame]
    outcomes: pl.DataFrame
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that reject the input."""
        return [p for p in self.problems if p.severity == "error"]


OUTCOME_SCHEMA = pl.Schema(
    {
        "row": pl.Int64,
        "grp": pl.String,
        "name_as_published": pl.String,
        "province": pl.String,
        "prefecture": pl.String,
        "edition_id": pl.String,
        "adcode": pl.String,
        "status": pl.String,  # added, already_present, error
        "reason": pl.String,
    }
)


def _edition_row(
    evaluator_id: str,
    key: str,
    members: list[Resolved],
    source_id: str,
    source_of: dict[str, str],
) -> tuple[dict[str, Any], list[Problem]]:
    """Return the editions row for one (evaluator, edition) group of rows."""
    first = members[0]
    spec = curation().editions.get(key)
    problems: list[Problem] = []
    sentences: list[str] = []
    if first.spec and first.spec.note:
        sentences.append(first.spec.note)
    period = clean_text(first.row.get("data_year"))
    year = first_year(period)
    if spec and spec.data_year:
        year = spec.data_year
    elif year is None and first.date:
        year = int(first.date[:4])
        if not (spec and spec.note):
            sentences.append(
                f"The source gives no data year: {year} is the year of the source, the "
                "latest the results can date from."
            )
    if year is None:
        problems.append(
            Problem(first.row.line, "data_year", "", "no data_year and no pub_date: the "
                    "edition needs a year")
        )  # fmt: skip
        year = 0
    elif period and not re.fullmatch(r"\d{4}", period):
        sentences.append(f"Data period as published: {period}.")
    released = first.date
    if first.date_note:
        if REPORTING.search(first.date_note):
            released = None
            sentences.append(
                f"Release date not stated: reported on {first.date} ({first.date_note})."
            )
        else:
            sentences.append(f"Date as given: {first.date} ({first.date_note}).")
    modes = {clean_text(m.row.get("mode")) for m in members} - {""}
    bands = {m.band for m in members}
    if len(modes) > 1:
        problems.append(
            Problem(first.row.line, "mode", ", ".join(sorted(modes)), "one edition, several modes")
        )
    if modes:
        mode = modes.pop()
    elif spec and spec.mode:
        mode = spec.mode
    elif bands <= set(MEMBERSHIP_BANDS):
        mode = "designation"
    else:
        mode = "third_party"
    title = members[0].row.get("edition")
    # "of N" is a list size only beside a rank ("优秀 (1 of 2 excellent)" is not).
    sizes = {
        int(m[1])
        for r in members
        if (r.rank is not None or r.list_pos is not None)
        and (m := re.search(r"\bof\s+(\d+)", r.row.get("band")))
    }
    n_subjects = None
    listed = re.search(r"\((\d+)[^()]*\)\s*$", key)
    if mode == "designation":
        if listed:
            sentences.append(f"The list names {listed[1]} units in all (as its title says).")
    elif len(sizes) == 1:
        n_subjects = sizes.pop()
    elif m := re.search(r"(\d+)\s*个?\s*(?:区县|县)", key):
        n_subjects = int(m[1])
    maxima = {float(m[2]) for r in members if (m := SCALE.search(r.row.get("scale")))}
    if len(maxima) > 1:
        problems.append(Problem(first.row.line, "scale", "", "one edition, several score scales"))
    score_max = max(maxima) if maxima else None
    for r in members:
        if r.score is not None and score_max is not None and r.score > score_max:
            problems.append(
                Problem(r.row.line, "score", r.row.get("score"),
                        f"outside the edition's scale 0–{score_max:g}")
            )  # fmt: skip
    if spec and spec.note:
        sentences.append(spec.note)
    measures = list(dict.fromkeys(m.row.get("metric") for m in members if m.row.get("metric")))
    if measures:
        sentences.append(f"What it measures, as published: {'; '.join(measures)}.")
    if spec and spec.year_source:
        sentences.append(f"(Year source: {source_of[spec.year_source['url']]}.)")
    sentences.append("Recorded here: only the county-level results named in the cited sources.")
    edition_id = (
        spec.edition_id
        if spec
        else f"{evaluator_id}-{year}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:6]}"
    )
    row = {
        "edition_id": edition_id,
        "evaluator_id": evaluator_id,
        "series_id": spec.series_id if spec else None,
        "title_zh": spec.title_zh if spec and spec.title_zh else title,
        "title_en": spec.title_en if spec else None,
        "data_year": year,
        "released": released,
        "mode": mode,
        "n_subjects": n_subjects,
        "n_provinces": None,
        "universe_note": " ".join(sentences),
        "exclusions_note": None,
        "score_max": score_max,
        "method_published": spec.method_published if spec else "none",
        "grade_scale_id": None,
        "source_id": source_id,
    }
    return row, problems


def _source_row(url: str, first: Row, titles: list[str]) -> dict[str, Any]:
    source_type = first.get("source_type")
    kind, reliability = SOURCE_TYPES[source_type.split(" ")[0].lower()]
    domain = urlsplit(url).netloc
    outlet = paren(source_type)
    published = None
    date, date_note = split_date(first.get("pub_date"))
    if date_note and REPORTING.search(date_note):
        explicit = re.search(r"\d{4}-\d{2}-\d{2}", date_note)
        published = explicit[0] if explicit else date
    headline = first.get("source_title")
    title = (
        f"{headline} — {source_type}, {domain}"
        if headline
        else f"{'; '.join(titles)} — {source_type}, {domain} (headline not recorded)"
    )
    return {
        "source_id": source_id_for(url),
        "title": title,
        "title_en": None,
        "publisher": f"{domain} ({outlet})" if outlet else domain,
        "published": published,
        "url": url,
        "kind": kind,
        "reliability": reliability,
    }


def _ranking_note(r: Resolved) -> str | None:
    parts: list[str] = []
    band_text = r.row.get("band")
    if band_text and band_text != r.band:
        parts.append(f"Band as published: {band_text}.")
    parts += r.notes
    if r.date_note:
        parts.append(f"Date as given: {r.date} ({r.date_note}).")
    if r.reason:
        parts.append(f"Not on today's map: {r.reason}.")
        if r.score is not None:
            parts.append(f"Published score {r.score:g}: not stored (no current county).")
    if r.row.get("notes"):
        parts.append(f"Source note: {r.row.get('notes')}")
    return " ".join(parts) or None


def build(rows: Sequence[Row], matcher: Matcher, existing: dict[str, pl.DataFrame]) -> Built:
    """Turn long-format rows into new rows of the snapshot tables.

    Rows already in ``existing`` (same edition, county and published values) are not
    added again; a row that contradicts one there is an error. Editions, evaluators
    and sources already in ``existing`` are reused (sources by URL).

    Parameters
    ----------
    rows
        Rows from :func:`read_file`.
    matcher
        County matcher over the snapshot's divisions and division changes.
    existing
        The snapshot's tables (any missing table counts as empty).

    Returns
    -------
    :class:`Built`: the new rows of ``sources``, ``evaluators``, ``evaluator_ties``,
    ``editions``, ``rankings`` and ``scores`` (each conformed to its schema), one
    outcome per row (``status`` added, already_present or error; ``reason`` why a row
    has no adcode), and the problems (errors reject the input; warnings do not).
    """
    run = _Build(Context(existing))
    run.resolve(rows, matcher)
    run.editions()
    run.evaluators()
    run.results()
    run.records(matcher)
    run.sources()
    return run.finish(rows)


class _Build:
    """One run of :func:`build`: its phases share the rows resolved so far and the problems."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.new_evaluators: dict[str, dict[str, Any]] = {}
        self.problems: list[Problem] = []
        self.resolved: list[Resolved] = []
        self.failed: set[int] = set()
        self.groups: dict[tuple[str, str], list[Resolved]] = {}
        self.by_url: dict[str, list[Resolved]] = {}
        self.record_rows: list[tuple[Row, RecordSpec]] = []  # lists that name bodies
        self.record_urls: dict[str, Row] = {}
        self.record_adcodes: dict[int, str] = {}
        self.source_of: dict[str, str] = {}
        self.edition_of: dict[tuple[str, str], str] = {}
        self.status: dict[int, tuple[str, str | None]] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}

    def fail(self, problem: Problem, members: Iterable[Resolved] = ()) -> None:
        """Record an error and reject the rows it concerns."""
        self.problems.append(problem)
        self.failed.update(m.row.line for m in members)

    def resolve(self, rows: Sequence[Row], matcher: Matcher) -> None:
        """Check every row and match its county; group the good ones by edition and URL."""
        for row in rows:
            spec = real_records.spec_of(row)
            if spec is not None:
                self.record_rows.append((row, spec))
                continue
            item, row_problems = resolve_row(row, matcher, self.context, self.new_evaluators)
            self.problems += row_problems
            if item is None:
                self.failed.add(row.line)
                continue
            self.resolved.append(item)
        for item in self.resolved:
            self.groups.setdefault((item.evaluator_id, item.key), []).append(item)
            self.by_url.setdefault(item.row.get("source_url"), []).append(item)
        year_sources = [s.year_source["url"] for s in curation().editions.values() if s.year_source]
        self.record_urls = {row.get("source_url"): row for row, _ in self.record_rows}
        self.source_of = {
            url: self.context.sources_by_url.get(url, source_id_for(url))
            for url in [*self.by_url, *self.record_urls, *year_sources]
        }

    def editions(self) -> None:
        """Add one editions row per (evaluator, edition) group not in the snapshot yet."""
        for (evaluator_id, key), members in self.groups.items():
            source_id = self.source_of[members[0].row.get("source_url")]
            found = self.context.edition_by_title.get((evaluator_id, key))
            row, edition_problems = _edition_row(
                evaluator_id, key, members, source_id, self.source_of
            )
            self.problems += edition_problems
            edition_id = found or row["edition_id"]
            known = self.context.editions.get(edition_id)
            where = (members[0].row.line, "edition", key[:60])
            if known is not None and known["evaluator_id"] != evaluator_id:
                self.fail(
                    Problem(*where, f"edition {edition_id} belongs to evaluator "
                            f"{known['evaluator_id']}, not {evaluator_id}"),
                    members,
                )  # fmt: skip
            elif known is not None and known["is_synthetic"]:
                self.fail(
                    Problem(*where, f"edition {edition_id} is synthetic: real results cannot "
                            "join it"),
                    members,
                )  # fmt: skip
            elif known is None:
                self.rows["editions"].append(row)
            self.edition_of[(evaluator_id, key)] = edition_id

    def evaluators(self) -> None:
        """Add the evaluators and their ties that the snapshot does not have yet."""
        added: set[str] = set()
        for (evaluator_id, _), members in self.groups.items():
            line = members[0].row.line
            known = self.context.evaluators.get(evaluator_id)
            if known is not None:
                if known["is_synthetic"]:
                    self.fail(
                        Problem(line, "evaluator", evaluator_id,
                                "a synthetic (demo) evaluator cannot publish real results"),
                        members,
                    )  # fmt: skip
                continue
            if evaluator_id in added:
                continue
            spec = curation().evaluators.get(evaluator_id) or self.new_evaluators.get(evaluator_id)
            if spec is None:  # an existing evaluator of the reference facts, absent here
                self.fail(
                    Problem(line, "evaluator", evaluator_id,
                            f"evaluator {evaluator_id!r} is not in the snapshot"),
                    members,
                )  # fmt: skip
                continue
            added.add(evaluator_id)
            source_id = self.source_of[members[0].row.get("source_url")]
            self.rows["evaluators"].append(
                {"evaluator_id": evaluator_id, "founded": None, "name_history": None, **spec,
                 "source_id": source_id}
            )  # fmt: skip
            for tie in curation().ties.get(evaluator_id, []):
                if tie["tie_id"] not in self.context.tie_ids:
                    self.rows["evaluator_ties"].append(
                        {"evaluator_id": evaluator_id, **tie, "source_id": source_id}
                    )

    def results(self) -> None:
        """Add rankings and scores, row by row; duplicates and contradictions are errors."""
        seen: dict[tuple[str, str], int] = {}
        for item in self.resolved:
            line = item.row.line
            if line in self.failed:
                continue
            edition_id = self.edition_of[(item.evaluator_id, item.key)]
            name = item.row.get("county_as_published")
            who = item.adcode or name
            if (edition_id, who) in seen:
                self.problems.append(
                    Problem(line, "county_as_published", name,
                            f"the same county as row {seen[(edition_id, who)]} in this edition "
                            "(duplicate)")
                )  # fmt: skip
                self.failed.add(line)
                continue
            seen[(edition_id, who)] = line
            if self._ranking(item, edition_id, who):
                self._score(item, edition_id)
        for item in self.resolved:
            if item.reason and item.row.line not in self.failed:
                self.problems.append(
                    Problem(item.row.line, "county_as_published",
                            item.row.get("county_as_published"),
                            f"not on today's map: {item.reason}; kept without an adcode", "warning")
                )  # fmt: skip

    def _ranking(self, item: Resolved, edition_id: str, who: str) -> bool:
        """Add the row's ranking unless the snapshot has it; False when it contradicts it."""
        line = item.row.line
        ranking = {
            "edition_id": edition_id,
            "adcode": item.adcode,
            "name_as_published": item.row.get("county_as_published"),
            "rank": item.rank,
            "list_pos": item.list_pos,
            "band": item.band,
            "published": item.date,
            "note": _ranking_note(item),
            "source_id": self.source_of[item.row.get("source_url")],
        }
        present = self.context.rankings.get((edition_id, who))
        if present is None:
            self.rows["rankings"].append(ranking)
            self.status[line] = ("added", item.reason)
            return True
        if not all(present[c] == ranking[c] for c in ("rank", "list_pos", "band")):
            self.problems.append(
                Problem(line, "county_as_published", item.row.get("county_as_published"),
                        f"contradicts the snapshot's published result for {who} in "
                        f"{edition_id} (rank {present['rank']}, list position "
                        f"{present['list_pos']}, band {present['band']})")
            )  # fmt: skip
            self.failed.add(line)
            return False
        self.problems.append(
            Problem(line, None, who, f"already in the snapshot ({edition_id}): skipped", "warning")
        )
        self.status[line] = ("already_present", item.reason)
        return True

    def _score(self, item: Resolved, edition_id: str) -> None:
        """Add the row's published score (never for a unit that is not on today's map)."""
        line, raw = item.row.line, item.row.get("score")
        if item.score is None:
            return
        if item.adcode is None:
            self.problems.append(
                Problem(line, "score", raw, "score not stored: the unit is not on today's map",
                        "warning")
            )  # fmt: skip
            return
        old = self.context.scores.get((edition_id, item.adcode))
        if old is not None and old != item.score:
            self.problems.append(
                Problem(line, "score", raw,
                        f"contradicts the snapshot's score {old:g} for {item.adcode}")
            )  # fmt: skip
            self.failed.add(line)
        elif old is None:
            self.rows["scores"].append(
                {"edition_id": edition_id, "adcode": item.adcode, "indicator_id": "total",
                 "score": item.score, "observed": True,
                 "source_id": self.source_of[item.row.get("source_url")]}
            )  # fmt: skip

    def records(self, matcher: Matcher) -> None:
        """Add one record per named body of a list that names bodies (never a result)."""
        for row, spec in self.record_rows:
            line, body = row.line, row.get("county_as_published")
            missing = [c for c in ("source_url", "source_type", "county_as_published")
                       if not row.get(c)]  # fmt: skip
            if missing:
                for column in missing:
                    self.fail(Problem(line, column, "", "required value missing"))
                self.failed.add(line)
                continue
            match = matcher.within(body, province=clean_text(row.get("province")))
            if match.adcode is None:
                self.fail(
                    Problem(
                        line,
                        "county_as_published",
                        body[:60],
                        f"a record needs the county it is about: {match.problem}",
                    )
                )
                self.failed.add(line)
                continue  # fmt: skip
            record = real_records.record_row(
                row, spec, match.adcode, self.source_of[row.get("source_url")]
            )
            if record["record_id"] in self.context.record_ids:
                self.problems.append(
                    Problem(line, None, body[:60], "record already in the snapshot: skipped",
                            "warning")
                )  # fmt: skip
                self.status[line] = ("already_present", None)
            else:
                self.rows["records"].append(record)
                self.status[line] = ("added", None)
            self.record_adcodes[line] = match.adcode

    def sources(self) -> None:
        """Add one sources row per URL not in the snapshot yet (and an edition's year source)."""
        titles_by_url: dict[str, list[str]] = {}
        for item in self.resolved:
            titles = titles_by_url.setdefault(item.row.get("source_url"), [])
            if item.row.get("edition") not in titles:
                titles.append(item.row.get("edition"))
        for url, members in self.by_url.items():
            if url not in self.context.sources_by_url:
                self.rows["sources"].append(_source_row(url, members[0].row, titles_by_url[url]))
        for url, row in self.record_urls.items():
            if url not in self.context.sources_by_url and url not in self.by_url:
                self.rows["sources"].append(_source_row(url, row, [row.get("edition")]))
            found = {SOURCE_TYPES[m.row.get("source_type").split(" ")[0].lower()][1]
                     for m in members}  # fmt: skip
            if len(found) > 1:
                self.problems.append(
                    Problem(members[0].row.line, "source_type", url[:60],
                            f"one URL, several reliabilities ({', '.join(sorted(found))})")
                )  # fmt: skip
        new_editions = {r["edition_id"] for r in self.rows["editions"]}
        for spec in curation().editions.values():
            year_source = spec.year_source
            if year_source is None or spec.edition_id not in new_editions:
                continue
            if year_source["url"] not in self.context.sources_by_url:
                self.rows["sources"].append(
                    {"source_id": self.source_of[year_source["url"]], "title_en": None,
                     **year_source}
                )  # fmt: skip

    def finish(self, rows: Sequence[Row]) -> Built:
        """Return the new tables, one outcome per input row and the sorted problems."""
        outcomes = [
            _outcome(item.row, self.edition_of[(item.evaluator_id, item.key)], item.adcode,
                     *self.status[item.row.line])
            for item in self.resolved
            if item.row.line not in self.failed
        ]  # fmt: skip
        outcomes += [
            _outcome(row, None, self.record_adcodes[row.line], *self.status[row.line])
            for row, _ in self.record_rows
            if row.line not in self.failed
        ]
        for row in rows:
            if row.line in self.failed:
                outcomes.append(
                    _outcome(row, None, None, "error", _first_error(self.problems, row.line))
                )
        self.problems.sort(key=lambda p: (p.row or 0, p.severity))
        tables = {name: _frame(name, self.rows[name]) for name in TABLES}
        frame = pl.DataFrame(outcomes, schema=OUTCOME_SCHEMA).sort("row")
        return Built(tables, frame, self.problems)


def _outcome(
    row: Row, edition_id: str | None, adcode: str | None, status: str, reason: str | None
) -> dict[str, Any]:
    return {
        "row": row.line,
        "grp": row.get("grp") or None,
        "name_as_published": row.get("county_as_published"),
        "province": row.get("province") or None,
        "prefecture": row.get("prefecture") or None,
        "edition_id": edition_id,
        "adcode": adcode,
        "status": status,
        "reason": reason,
    }


def _first_error(problems: Iterable[Problem], line: int) -> str:
    for p in problems:
        if p.row == line and p.severity == "error":
            return p.message
    return "rejected"


def _frame(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    if not rows:
        return schemas.empty(name)
    schema = {c: t for c, t in schemas.TABLES[name].schema.items()}
    frame = pl.from_dicts([{**row, "is_synthetic": False} for row in rows], schema=schema)
    return schemas.conform(name, frame)


# ---------------------------------------------------------------------------------------
# entry points
# ---------------------------------------------------------------------------------------
def published_tables(
    csv_path: Path,
    divisions: pl.DataFrame,
    division_changes: pl.DataFrame,
    existing: dict[str, pl.DataFrame],
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """Return the new table rows of a published-results file, and its unmappable rows.

    Parameters
    ----------
    csv_path
        A long-format file such as ``data/reference/real-results.csv``.
    divisions, division_changes
        The snapshot's divisions and code changes (for matching counties).
    existing
        The snapshot's other tables: evaluators, editions and sources found there are
        reused, rows already there are not added again.

    Returns
    -------
    tuple
        New rows of ``sources``, ``evaluators``, ``evaluator_ties``, ``editions``,
        ``rankings`` and ``scores`` (real, schema-conformed), and one row per input
        row whose unit is not on today's map: ``row`` (spreadsheet row),
        ``name_as_published``, ``province``, ``prefecture``, ``edition_id``, ``reason``.

    Raises
    ------
    ValueError
        If any row has an error (an unknown or ambiguous county, a bad value …).
    """
    rows, problems = read_file(Path(csv_path))
    built = build(rows, Matcher(divisions, division_changes), existing)
    errors = [p for p in problems + built.problems if p.severity == "error"]
    if errors:
        raise ValueError(
            f"{csv_path}: {len(errors)} problem(s):\n" + "\n".join(p.line() for p in errors)
        )
    unmappable = built.outcomes.filter(pl.col("adcode").is_null()).select(
        "row", "name_as_published", "province", "prefecture", "edition_id", "reason"
    )
    return built.tables, unmappable


def merge(tables: dict[str, pl.DataFrame], new: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Return ``tables`` with the rows of ``new`` appended (table by table)."""
    merged = dict(tables)
    for name, frame in new.items():
        if frame.height:
            base = merged.get(name, schemas.empty(name)).drop(
                schemas.RECORDS_PARTITION, strict=False
            )
            merged[name] = pl.concat([base, frame])
    return merged


def import_published(
    path: Path,
    *,
    snapshot: Path,
    out: Path,
    sheet: str | None = None,
    encoding: str | None = None,
) -> tuple[dict[str, Any], list[Problem], pl.DataFrame]:
    """Import a published-results file (this module's long format) into a new snapshot.

    One row per published result, each with its evaluator, edition, county (with
    province and prefecture context), rank, list position, band or score, and source
    URL. Counties are matched as in ``loaders.imports.table.import_file``; a unit that
    no longer exists is kept without an adcode (a warning naming the reason); rows
    already in the base snapshot are skipped. Returns the new manifest, the problems
    (warnings only) and one outcome per row. Raises :class:`ImportRejected` with every
    problem when any row is wrong (an ambiguous or unknown county, a bad value …);
    then nothing is written.
    """
    refuse_existing(out)
    rows, problems = read_file(path, sheet=sheet, encoding=encoding)
    base_snapshot, base = base_tables(snapshot)
    built = build(rows, Matcher(base["divisions"], base["division_changes"]), base)
    problems = problems + built.problems
    reject_errors(problems, path)
    manifest = write_new(
        merge(base, built.tables),
        out,
        base=base_snapshot,
        path=path,
        what=f"{built.tables['rankings'].height} published result(s)",
        command=f"python -m loaders import {path.name} --format published",
    )
    return manifest, problems, built.outcomes
