"""The table format: one edition's scores or ranks (with its metadata JSON) → a new edition."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from loaders import schemas, store
from loaders.imports.match import Match, Matcher
from loaders.imports.read import (
    MISSING,
    SCORE_COLUMNS,
    ImportRejected,
    Problem,
    Table,
    parse_number,
    read_table,
)
from loaders.imports.write import base_tables, refuse_existing, reject_errors, write_new


# ---------------------------------------------------------------------------------------
# rows → edition tables
# ---------------------------------------------------------------------------------------
@dataclass
class ParsedRow:
    """One input row turned into values, with its spreadsheet row number."""

    line: int
    name: str
    adcode: str | None
    rank: int | None
    band: str | None
    scores: dict[str, float]


def _column(rows: list[list[str]], index: int) -> pl.Series:
    return pl.Series([row[index] if index < len(row) else "" for row in rows], dtype=pl.String)


def _cleaned(raw: pl.Series) -> pl.Series:
    """``clean_text`` of every cell at once (NFKC, trimmed)."""
    return raw.str.normalize("NFKC").str.strip_chars()


def _numbers(raw: pl.Series, *, scale: float) -> pl.Series:
    """``parse_number`` of every cell at once: the number, or null where there is none.

    Plain numbers are read by Polars; the few cells it cannot read (and only their
    distinct values) go through :func:`parse_number`, so the result is the same.
    """
    text = _cleaned(raw).str.replace_all(r"[,， ]", "")
    digits = text.str.strip_suffix("%").cast(pl.Float64, strict=False)
    value = pl.when(text.str.ends_with("%")).then(digits * scale / 100.0).otherwise(digits)
    fast = pl.select(pl.when(value.is_finite()).then(value)).to_series()
    unread = raw.filter(fast.is_null()).unique()
    slow: dict[str, float | None] = {}
    for value in unread:
        try:
            slow[value] = parse_number(value, scale=scale)
        except ValueError:
            slow[value] = None
    if not slow:
        return fast
    found = raw.replace_strict(slow, default=None, return_dtype=pl.Float64)
    return fast.fill_null(found)


def _cell_flags(raw: pl.Series) -> tuple[list[bool], list[bool], list[str]]:
    """Return (missing, formula-like, cleaned text) of every cell (see ``read``)."""
    cleaned = _cleaned(raw)
    missing = cleaned.str.to_lowercase().is_in(sorted(MISSING))
    numeric = _numbers(raw, scale=100.0).is_not_null()
    start = r"^[=+\-@\t\r]"
    formula = ~missing & ~numeric & (raw.str.contains(start) | cleaned.str.contains(start))
    return missing.to_list(), formula.to_list(), cleaned.to_list()


def _match_all(
    matcher: Matcher, codes: list[str] | None, code_missing: list[bool] | None,
    names: list[str], provinces: list[str], prefectures: list[str],
) -> list[Match]:  # fmt: skip
    """Match every row, each distinct (code) or (name, province, prefecture) only once."""
    found: dict[tuple[str, ...], Match] = {}
    matches = []
    for i, name in enumerate(names):
        if codes is not None and code_missing is not None and not code_missing[i]:
            key: tuple[str, ...] = ("code", codes[i])
            if key not in found:
                found[key] = matcher.by_code(codes[i])
        else:
            key = ("name", name, provinces[i], prefectures[i])
            if key not in found:
                found[key] = matcher.by_name(name, province=provinces[i], prefecture=prefectures[i])
        matches.append(found[key])
    return matches


def _header_problems(table: Table, by_name: dict[str, int]) -> list[Problem]:
    """Return the unknown columns (warnings) and the missing required ones (errors)."""
    problems = [
        Problem(table.header_row + 1, header, "", "unknown column: not imported", "warning")
        for header in table.unknown.values()
    ]
    if "county" not in by_name and "adcode" not in by_name:
        problems.append(
            Problem(None, None, "", "missing required column: county (县(市、区)) or adcode")
        )
    if not ({"rank", "band"} | set(SCORE_COLUMNS)) & set(by_name):
        problems.append(Problem(None, None, "", "missing required column: a rank or a score"))
    return problems


def parse_rows(
    table: Table, matcher: Matcher, *, score_max: float | None
) -> tuple[list[ParsedRow], list[Problem]]:
    """Turn the data rows into values, matching counties and checking every cell.

    Cells are read column by column (Polars), each distinct county matched once: a
    table of 667,000 rows is checked in seconds (``python -m loaders bench``).
    """
    by_name = {name: index for index, name in table.columns.items()}
    problems = _header_problems(table, by_name)
    if any(p.severity == "error" for p in problems):
        return [], problems
    header = table.rows[table.header_row]
    header_names = {i: header[i] for i in by_name.values()}
    first = table.header_row + 1
    kept = [i for i, row in enumerate(table.rows[first:]) if any(c.strip() for c in row)]
    rows = [table.rows[first + i] for i in kept]
    lines = [first + 1 + i for i in kept]
    raw = {index: _column(rows, index) for index in by_name.values()}
    flags = {index: _cell_flags(series) for index, series in raw.items()}
    empty = [""] * len(rows)

    def text(name: str) -> list[str]:
        return raw[by_name[name]].to_list() if name in by_name else empty

    code_missing = flags[by_name["adcode"]][0] if "adcode" in by_name else None
    names = flags[by_name["county"]][2] if "county" in by_name else empty
    matches = _match_all(
        matcher, text("adcode") if "adcode" in by_name else None, code_missing,
        names, text("province"), text("prefecture"),
    )  # fmt: skip
    scale = score_max or 100.0
    numbers = {
        column: _numbers(raw[by_name[column]], scale=scale).to_list()
        for column in SCORE_COLUMNS
        if column in by_name
    }
    valued = [name for name in ("rank", *SCORE_COLUMNS) if name in by_name]
    rank_numbers = _numbers(raw[by_name["rank"]], scale=100.0).to_list() if valued[:1] else []
    columns = {name: text(name) for name in valued}
    missing = {name: flags[by_name[name]][0] for name in valued}
    bands = flags[by_name["band"]][2] if "band" in by_name else None

    parsed: list[ParsedRow] = []
    ranks: list[tuple[int, int]] = []  # (line, rank) of every row with a valid rank
    for i, line in enumerate(lines):
        row_problems: list[Problem] = []
        uncached = set()
        for index in by_name.values():
            if table.uncached and (first + kept[i], index) in table.uncached:
                uncached.add(index)
                address, formula = table.uncached[(first + kept[i], index)]
                row_problems.append(
                    Problem(line, header_names[index], formula[:40],
                            f"cell {address} is a formula without a cached value (the workbook "
                            "was not recalculated and saved): refused")
                )  # fmt: skip
            elif flags[index][1][i]:
                row_problems.append(
                    Problem(line, header_names[index], raw[index][i][:40],
                            "starts like a formula: refused")
                )  # fmt: skip
        match = matches[i]
        if match.problem:
            coded = code_missing is not None and not code_missing[i]
            column = "adcode" if coded else "county"
            where = by_name.get(column)
            row_problems.append(
                Problem(
                    line,
                    header_names.get(where, column) if where is not None else column,
                    (text("adcode")[i] if coded else names[i])[:40],
                    match.problem,
                )
            )
        rank = None
        if "rank" in by_name and not missing["rank"][i] and by_name["rank"] not in uncached:
            number = rank_numbers[i]
            if number is None or not number.is_integer() or number < 1:
                row_problems.append(
                    Problem(line, header_names[by_name["rank"]], columns["rank"][i][:40],
                            "rank must be a whole number of 1 or more")
                )  # fmt: skip
            else:
                rank = int(number)
                ranks.append((line, rank))
        scores: dict[str, float] = {}
        for column, values in numbers.items():
            if missing[column][i] or by_name[column] in uncached:
                continue
            value, written = values[i], columns[column][i]
            if value is None:
                row_problems.append(
                    Problem(line, header_names[by_name[column]], written[:40], "not a number")
                )
            elif value < 0 or (score_max is not None and value > score_max):
                row_problems.append(
                    Problem(line, header_names[by_name[column]], written[:40],
                            f"outside the edition's scale 0–{score_max:g}" if score_max
                            else "negative score")
                )  # fmt: skip
            else:
                scores[column] = value
        band = (bands[i] or None) if bands is not None else None
        if rank is None and not scores and not band and not row_problems:
            row_problems.append(Problem(line, None, "", "no rank, band or score on this row"))
        problems += row_problems
        if not row_problems:
            parsed.append(ParsedRow(line, names[i], match.adcode, rank, band, scores))
    problems += _check_duplicates_and_ranks(parsed, ranks, table, by_name)
    if not parsed and not any(p.severity == "error" for p in problems):
        problems.append(Problem(None, None, "", "no data rows below the header: nothing to import"))
    return parsed, problems


def _check_duplicates_and_ranks(
    parsed: list[ParsedRow], ranks: list[tuple[int, int]], table: Table, by_name: dict[str, int]
) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for row in parsed:
        if row.adcode in seen:
            problems.append(
                Problem(row.line, None, row.adcode or "",
                        f"the same county as row {seen[row.adcode]} (duplicate)")
            )  # fmt: skip
        elif row.adcode:
            seen[row.adcode] = row.line
    ranked = sorted(ranks, key=lambda pair: pair[1])
    rank_header = table.rows[table.header_row][by_name["rank"]] if "rank" in by_name else "rank"
    for position, (line, rank) in enumerate(ranked, start=1):
        previous = ranked[position - 2][1] if position > 1 else None
        if rank != position and rank != previous:
            problems.append(
                Problem(line, rank_header, str(rank),
                        f"ranks are not contiguous: expected {position}"
                        + (f" or a tie at {previous}" if previous else ""))
            )  # fmt: skip
    return problems


# ---------------------------------------------------------------------------------------
# edition metadata and the new snapshot
# ---------------------------------------------------------------------------------------
META_REQUIRED = ("edition_id", "evaluator_id", "title_zh", "data_year", "mode", "source")


def read_meta(path: Path | None) -> dict[str, Any]:
    """Read and check the edition metadata JSON (see README: Importing)."""
    if path is None:
        raise ImportRejected("--edition-meta is required: who published this table, when, where")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected(f"{path}: cannot read the edition metadata: {exc}") from None
    missing = [k for k in META_REQUIRED if k not in meta]
    if not isinstance(meta, dict) or missing:
        raise ImportRejected(f"{path}: edition metadata lacks {', '.join(missing)}")
    source = meta["source"]
    if not isinstance(source, dict) or not {"source_id", "title", "reliability"} <= set(source):
        raise ImportRejected(f"{path}: source needs source_id, title and reliability")
    source.setdefault("kind", "report")
    if meta["mode"] not in schemas.EDITION_MODES:
        raise ImportRejected(f"{path}: mode must be one of {', '.join(schemas.EDITION_MODES)}")
    return meta


def write_meta(path: Path, meta: dict[str, Any]) -> None:
    """Write edition metadata as the JSON ``--edition-meta`` reads."""
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")


def edition_tables(
    meta: dict[str, Any],
    parsed: list[ParsedRow],
    base: dict[str, pl.DataFrame],
    *,
    metric_names: dict[str, str],
) -> dict[str, pl.DataFrame]:
    """Return the base tables with the new edition's rows added (and its source/evaluator)."""
    edition_id = meta["edition_id"]
    if edition_id in set(base["editions"].get_column("edition_id")):
        raise ImportRejected(f"edition {edition_id!r} already exists in the base snapshot")
    evaluators = base["evaluators"]
    known = evaluators.filter(pl.col("evaluator_id") == meta["evaluator_id"])
    tables = dict(base)
    if known.is_empty():
        if "evaluator" not in meta:
            raise ImportRejected(
                f"evaluator {meta['evaluator_id']!r} is not in the snapshot: add an "
                "'evaluator' object (name_zh, name_en, evaluator_type, methodology_disclosure)"
            )
        synthetic = bool(meta.get("is_synthetic", False))
        new = {"evaluator_id": meta["evaluator_id"], **meta["evaluator"],
               "source_id": meta["source"]["source_id"], "is_synthetic": synthetic}  # fmt: skip
        tables["evaluators"] = pl.concat(
            [evaluators, schemas.conform("evaluators", pl.DataFrame([new]))]
        )
    else:
        synthetic = bool(known.item(0, "is_synthetic"))
    flags = {"source_id": meta["source"]["source_id"], "is_synthetic": synthetic}
    source_id = meta["source"]["source_id"]
    if source_id not in set(base["sources"].get_column("source_id")):
        source = {**meta["source"], "is_synthetic": synthetic}
        tables["sources"] = pl.concat(
            [base["sources"], schemas.conform("sources", pl.DataFrame([source]))]
        )
    edition = {
        key: meta.get(key)
        for key in ("edition_id", "evaluator_id", "series_id", "title_zh", "title_en", "data_year",
                    "released", "mode", "n_subjects", "n_provinces", "universe_note",
                    "exclusions_note", "score_max")
    } | {"method_published": meta.get("method_published", "none"), **flags}  # fmt: skip
    tables["editions"] = _append(base, "editions", [edition])
    present = sorted({k for r in parsed for k in r.scores} - {"total"}, key=SCORE_COLUMNS.index)
    tables["indicators"] = _append(
        base,
        "indicators",
        [
            {"edition_id": edition_id, "indicator_id": key, "level": 1,
             "name_zh": metric_names.get(key, key), "name_confirmed": True,
             "crosswalk_key": key, **flags}
            for key in present
        ],
    )  # fmt: skip
    scores = [
        {"edition_id": edition_id, "adcode": r.adcode, "indicator_id": k, "score": v,
         "observed": True, **flags}
        for r in parsed for k, v in r.scores.items()
    ]  # fmt: skip
    tables["scores"] = _append(base, "scores", scores)
    scored = {r.adcode for r in parsed if "total" in r.scores}
    tables["coverage"] = _append(
        base,
        "coverage",
        [{"edition_id": edition_id, "adcode": a, "status": "assessed", **flags}
         for a in sorted(x for x in scored if x)],
    )  # fmt: skip
    rankings = [
        {"edition_id": edition_id, "adcode": r.adcode, "name_as_published": r.name or r.adcode,
         "rank": r.rank, "band": r.band, "published": meta.get("released"), **flags}
        for r in parsed if r.rank is not None or r.band
    ]  # fmt: skip
    tables["rankings"] = _append(base, "rankings", rankings)
    return tables


def _append(base: dict[str, pl.DataFrame], name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    if not rows:
        return base[name]
    return pl.concat([base[name], schemas.conform(name, pl.DataFrame(rows))])


def check_file(
    path: Path,
    *,
    snapshot: Path,
    score_max: float | None,
    sheet: str | None = None,
    encoding: str | None = None,
) -> tuple[Table, list[ParsedRow], list[Problem]]:
    """Read and check a file against a snapshot without writing anything (a dry run)."""
    table = read_table(path, sheet=sheet, encoding=encoding)
    matcher = Matcher(store.load(snapshot, "divisions"), store.load(snapshot, "division_changes"))
    parsed, problems = parse_rows(table, matcher, score_max=score_max)
    return table, parsed, problems


def import_file(
    path: Path,
    *,
    snapshot: Path,
    out: Path,
    meta_path: Path | None,
    sheet: str | None = None,
    encoding: str | None = None,
) -> tuple[dict[str, Any], list[Problem], Table]:
    """Import ``path`` into a copy of ``snapshot`` written to ``out``.

    Returns the new manifest, the warnings, and the table as read. Raises
    :class:`ImportRejected` (with every problem) when anything is wrong; then
    nothing is written.
    """
    refuse_existing(out)
    meta = read_meta(meta_path)
    table = read_table(path, sheet=sheet, encoding=encoding)
    base_snapshot, base = base_tables(snapshot)
    matcher = Matcher(base["divisions"], base["division_changes"])
    parsed, problems = parse_rows(table, matcher, score_max=meta.get("score_max"))
    reject_errors(problems, path)
    header = table.rows[table.header_row]
    metric_names = {name: header[i] for i, name in table.columns.items()}
    tables = edition_tables(meta, parsed, base, metric_names=metric_names)
    manifest = write_new(
        tables,
        out,
        base=base_snapshot,
        path=path,
        what=f"edition {meta['edition_id']}",
        command=f"python -m loaders import {path.name}",
    )
    return manifest, problems, table
