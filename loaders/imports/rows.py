"""One published-results row checked: its evaluator, county, values and notes (``Resolved``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from loaders import schemas
from loaders.imports.curation import EvaluatorSpec, curation
from loaders.imports.long_format import (
    FREE_TEXT,
    REQUIRED,
    SOURCE_TYPES,
    XPCC,
    Row,
    band_code,
    edition_key,
    evaluator_key,
    province_short,
    split_date,
)
from loaders.imports.match import Matcher
from loaders.imports.read import Problem, clean_text, formula_like, is_missing, parse_number

# An evaluator that the source does not name is of type "unknown" (never the one it
# "likely" is).
UNKNOWN_TYPE = "unknown"

NO_METHOD_DOC = " Methodology disclosure: nothing documented in the project's sources."


# ---------------------------------------------------------------------------------------
# rows → tables
# ---------------------------------------------------------------------------------------
@dataclass
class Resolved:
    """One row after checking: its county, values, and the notes it will carry."""

    row: Row
    evaluator_id: str
    spec: EvaluatorSpec | None
    key: str
    adcode: str | None
    reason: str | None  # why the unit is not on today's map
    rank: int | None
    list_pos: int | None
    score: float | None
    band: str | None
    date: str | None
    date_note: str | None
    notes: list[str] = field(default_factory=list)


class Context:
    """Lookups into the snapshot's existing tables."""

    def __init__(self, existing: dict[str, pl.DataFrame]) -> None:
        def table(name: str) -> pl.DataFrame:
            return existing.get(name, schemas.empty(name))

        self.evaluators = {r["evaluator_id"]: r for r in table("evaluators").to_dicts()}
        self.tie_ids = set(table("evaluator_ties").get_column("tie_id"))
        self.editions = {r["edition_id"]: r for r in table("editions").to_dicts()}
        self.edition_by_title = {
            (r["evaluator_id"], edition_key(r["title_zh"])): r["edition_id"]
            for r in self.editions.values()
        }
        self.sources_by_url = {
            r["url"]: r["source_id"] for r in table("sources").to_dicts() if r["url"]
        }
        self.rankings: dict[tuple[str, str], dict[str, Any]] = {}
        for r in table("rankings").to_dicts():
            self.rankings[(r["edition_id"], r["adcode"] or r["name_as_published"])] = r
        real = table("records").filter(~pl.col("is_synthetic"))
        self.record_ids = set(real.get_column("record_id"))
        self.scores = {
            (r["edition_id"], r["adcode"]): r["score"]
            for r in table("scores").filter(pl.col("indicator_id") == "total").to_dicts()
        }


def _resolve_evaluator(
    row: Row, context: Context, new_evaluators: dict[str, dict[str, Any]]
) -> tuple[str | None, EvaluatorSpec | None, Problem | None]:
    name = evaluator_key(row.get("evaluator"))
    spec = curation().names.get(name)
    if spec is not None:
        return spec.evaluator_id, spec, None
    given = clean_text(row.get("evaluator_id"))
    if given and given in context.evaluators:
        return given, None, None
    kind = clean_text(row.get("evaluator_type"))
    if given and kind:
        if kind not in schemas.EVALUATOR_TYPES:
            return None, None, Problem(
                row.line, "evaluator_type", kind,
                f"unknown evaluator type: use one of {', '.join(schemas.EVALUATOR_TYPES)}",
            )  # fmt: skip
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,60}", given):
            return (
                None,
                None,
                Problem(
                    row.line, "evaluator_id", given, "use lower-case letters, digits and dashes"
                ),
            )
        new_evaluators.setdefault(
            given,
            {
                "name_zh": row.get("evaluator"),
                "name_en": clean_text(row.get("evaluator_en")) or row.get("evaluator"),
                "evaluator_type": kind,
                "home_province_adcode": None,
                "methodology_disclosure": "none",
                "description_en": "Added from a published-results import." + NO_METHOD_DOC,
            },
        )
        return given, None, None
    return None, None, Problem(
        row.line, "evaluator", name[:60],
        "unknown evaluator: give evaluator_id (an existing evaluator, or a new id with "
        "evaluator_type and evaluator_en)",
    )  # fmt: skip


def _match(row: Row, matcher: Matcher) -> tuple[str | None, str | None, list[str], Problem | None]:
    """Return (adcode, reason not on the map, notes, problem) for a row's county."""
    published = row.get("county_as_published")
    province = clean_text(row.get("province"))
    prefecture = clean_text(row.get("prefecture"))
    notes: list[str] = []
    if prefecture.endswith("(inf)"):
        prefecture = prefecture[: -len("(inf)")].strip()
        notes.append("Prefecture inferred from the name (not printed in the source).")
    elif prefecture.startswith("("):
        notes.append(f"Prefecture as given: {prefecture}.")
        prefecture = ""
    name = re.sub(r"\s+", "", clean_text(published))
    if m := XPCC.match(name):
        name = name[m.end() :]
        notes.append(
            f"Published with its XPCC division ({m[0]}); matched to the county-level city "
            f"{name}, listed under Xinjiang."
        )
        if province.startswith("新疆生产建设兵团"):
            province = "新疆维吾尔自治区"
    short = province_short(province)
    if (
        short
        and name.startswith(short)
        and not name.startswith(province)
        and not re.match(r"[省市区县]", name[len(short) :] or "省")
    ):
        name = name[len(short) :]
    for unplaced in curation().unplaced:
        if province.startswith(unplaced.province) and name in unplaced.names:
            return None, unplaced.reason, notes, None
    aliased = False
    for alias in curation().aliases:
        if province.startswith(alias.province) and name in alias.names:
            name, aliased = alias.today, True
            notes.append(alias.reason)
    match = matcher.by_name(name, province=province, prefecture=prefecture)
    if match.retired:
        return None, match.problem, notes, None
    if match.problem or match.adcode is None:
        problem = match.problem or "no match"
        return None, None, notes, Problem(row.line, "county_as_published", published, problem)
    today = next(r["name_zh"] for r in matcher.rows if r["adcode"] == match.adcode)
    if not aliased and today not in name:
        notes.append(f"Today: {today} ({match.adcode}).")
    return match.adcode, None, notes, None


def _whole(row: Row, column: str) -> tuple[int | None, Problem | None]:
    raw = row.get(column)
    if is_missing(raw):
        return None, None
    try:
        number = parse_number(raw)
        if not number.is_integer() or number < 1:
            raise ValueError
    except ValueError:
        return None, Problem(row.line, column, raw[:40], "must be a whole number of 1 or more")
    return int(number), None


def resolve_row(
    row: Row,
    matcher: Matcher,
    context: Context,
    new_evaluators: dict[str, dict[str, Any]],
) -> tuple[Resolved | None, list[Problem]]:
    """Check one row and match its county; return it resolved, or its problems.

    Refused: formula-like cells (outside free text), missing required values, an
    unknown evaluator, a source URL or type that is not understood, numbers that are
    not whole or not scores, bands and dates that cannot be read, a row without any
    result, and a county that cannot be matched. ``new_evaluators`` collects the new
    evaluators that rows name by id and type.
    """
    problems: list[Problem] = []
    for column, value in row.cells.items():
        if column not in FREE_TEXT and formula_like(value):
            problems.append(Problem(row.line, column, value[:40], "starts like a formula: refused"))
    for column in REQUIRED:
        if is_missing(row.get(column)):
            problems.append(Problem(row.line, column, "", "required value missing"))
    if problems:
        return None, problems
    evaluator_id, spec, problem = _resolve_evaluator(row, context, new_evaluators)
    if problem:
        problems.append(problem)
    url = row.get("source_url")
    if not re.fullmatch(r"https?://\S+", url):
        problems.append(Problem(row.line, "source_url", url[:60], "not an http(s) address"))
    kind = row.get("source_type").split(" ")[0].lower()
    if kind not in SOURCE_TYPES:
        problems.append(
            Problem(row.line, "source_type", row.get("source_type")[:40],
                    f"must start with one of {', '.join(SOURCE_TYPES)}")
        )  # fmt: skip
    mode = clean_text(row.get("mode"))
    if mode and mode not in schemas.EDITION_MODES:
        problems.append(
            Problem(row.line, "mode", mode, f"must be one of {', '.join(schemas.EDITION_MODES)}")
        )
    rank, problem = _whole(row, "rank")
    problems += [problem] if problem else []
    list_pos, problem = _whole(row, "list_pos")
    problems += [problem] if problem else []
    score = None
    if not is_missing(row.get("score")):
        try:
            score = parse_number(row.get("score"))
            if score < 0:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(row.line, "score", row.get("score")[:40], "not a score (0 or more)")
            )
    try:
        band = band_code(row.get("band"))
    except ValueError:
        band = None
        problems.append(
            Problem(row.line, "band", row.get("band")[:40],
                    "band not understood: use e.g. top10, bottom5, member, proposed member")
        )  # fmt: skip
    try:
        date, date_note = split_date(row.get("pub_date"))
    except ValueError:
        date, date_note = None, None
        problems.append(
            Problem(row.line, "pub_date", row.get("pub_date")[:40],
                    "not a date: YYYY, YYYY-MM or YYYY-MM-DD, optionally with a (note)")
        )  # fmt: skip
    if rank is None and list_pos is None and band is None and score is None:
        problems.append(Problem(row.line, None, "", "no rank, list position, band or score"))
    adcode, reason, notes, problem = _match(row, matcher)
    if problem:
        problems.append(problem)
    if problems or evaluator_id is None:
        return None, problems
    return (
        Resolved(
            row, evaluator_id, spec, edition_key(row.get("edition")), adcode, reason, rank,
            list_pos, score, band, date, date_note, notes,
        ),
        [],
    )  # fmt: skip
