"""Import a report table (CSV or XLSX) as a new edition of a snapshot: validated, nothing lost.

``python -m loaders import FILE --snapshot BASE --out NEW --edition-meta META.json``
reads one edition's scores or published ranks, matches every row to a county
(by adcode, by name in province/prefecture context, or through the snapshot's
division changes), checks every value, and writes a copy of BASE with the new
edition to NEW — or rejects the file (exit 2) with one line per problem. BASE is
never modified and NEW appears complete or not at all.

``python -m loaders import FILE --format published --snapshot BASE --out NEW`` reads
the long "published results" format instead (one row per published result, naming its
evaluator, edition and source; see ``loaders.published``) with the same matching,
checks and guarantees.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from loaders import schemas

MAX_BYTES = 20_000_000  # larger files are rejected before parsing
MAX_UNZIPPED = 200_000_000  # XLSX: total uncompressed size
MAX_RATIO = 100  # XLSX: uncompressed / compressed, per member (zip bombs)
HEADER_SCAN = 12  # rows searched for the header (title rows above it)
MISSING = {"", "—", "–", "-", "－", "无", "/", "／", "n/a", "na", "null", "none", "暂无", "空"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Canonical column → accepted header spellings (compared after `_key`).
ALIASES: dict[str, tuple[str, ...]] = {
    "rank": ("排名", "名次", "排序", "rank", "ranking", "position"),
    "county": (
        "县(市、区)",
        "县(市,区)",
        "县（市、区）",
        "县区",
        "县市区",
        "区县",
        "县",
        "县级政府",
        "县级行政区",
        "地区",
        "名称",
        "单位",
        "county",
        "countyname",
        "name",
        "district",
    ),
    "province": ("所属省份", "省份", "省", "省(区、市)", "所在省份", "province"),
    "prefecture": ("地级市", "所属地市", "地市", "所属市", "市", "prefecture", "city"),
    "adcode": ("行政区划代码", "区划代码", "代码", "adcode", "code", "gbcode"),
    "total": ("总分", "得分", "综合得分", "分数", "总得分", "score", "total", "totalscore"),
    "band": ("榜单", "类别", "等级", "band", "list", "grade"),
    "transparency": ("透明度", "政务公开", "transparency"),
    "compliance": ("合规度", "依法行政", "compliance"),
    "honoring_agreements": ("践约度", "守信践诺", "honoringagreements", "honoring"),
    "integrity_work": ("政务诚信专项工作", "专项工作", "integritywork"),
    "public_opinion": ("政务舆情事件", "舆情", "政务舆情", "publicopinion"),
}
SCORE_COLUMNS = ("total", *schemas.FIRST_LEVEL)
IGNORED_HEADERS = ("序号", "no", "#", "备注", "note", "notes")
ONE_TO_ONE = ("rename", "county_to_city", "county_to_district")


class ImportRejected(Exception):
    """The input cannot be imported; ``problems`` says why, row by row where possible."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (spreadsheet row, column) and what."""

    row: int | None
    column: str | None
    value: str
    message: str
    severity: str = "error"  # or "warning" (reported, does not reject)

    def line(self) -> str:
        """Return the problem as one readable line."""
        where = f"row {self.row}" if self.row else "file"
        if self.column:
            where += f", column {self.column!r}"
        value = f" (value {self.value!r})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass
class Table:
    """A decoded input table: rows of text cells, how it was read, and header facts."""

    rows: list[list[str]]
    encoding: str
    sheet: str | None = None
    header_row: int = 0  # index into rows of the (last) header row
    columns: dict[int, str] = field(default_factory=dict)  # cell index → canonical name
    unknown: dict[int, str] = field(default_factory=dict)  # cell index → header as written


# ---------------------------------------------------------------------------------------
# reading: size, type, encoding, workbook safety
# ---------------------------------------------------------------------------------------
def read_bytes(path: Path) -> bytes:
    """Return the file's bytes, rejecting missing, empty and oversized files."""
    if not path.is_file():
        raise ImportRejected(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise ImportRejected(f"{path}: the file is empty")
    if size > MAX_BYTES:
        raise ImportRejected(f"{path}: {size:,} bytes is over the {MAX_BYTES:,}-byte limit")
    return path.read_bytes()


def check_workbook(data: bytes) -> None:
    """Reject an XLSX that is not a zip, is a zip bomb, or carries XML entity declarations."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRejected("not an XLSX workbook (the file is not a zip archive)") from None
    with archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > MAX_UNZIPPED:
            raise ImportRejected(f"workbook unpacks to {total:,} bytes: refused (zip bomb?)")
        for member in members:
            if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                raise ImportRejected(
                    f"workbook member {member.filename} compresses {MAX_RATIO}+ times: "
                    "refused (zip bomb?)"
                )
        if "[Content_Types].xml" not in archive.namelist():
            raise ImportRejected("not an XLSX workbook (no [Content_Types].xml)")
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                head = archive.read(member)[:4096].upper()
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ImportRejected(
                        f"workbook member {member.filename} declares XML entities: refused"
                    )


def read_xlsx(data: bytes, sheet: str | None) -> tuple[list[list[str]], str]:
    """Return the rows of one worksheet as text, and the sheet's name.

    A workbook with several non-empty sheets needs ``sheet``.
    """
    check_workbook(data)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportRejected(f"the workbook cannot be read: {exc}") from exc
    try:
        filled = [ws.title for ws in book.worksheets if ws.max_row and ws.max_row > 1]
        if sheet is None:
            if len(filled) > 1:
                raise ImportRejected(
                    f"the workbook has {len(filled)} sheets with data ({', '.join(filled)}); "
                    "choose one with --sheet NAME"
                )
            if not filled:
                raise ImportRejected("the workbook has no sheet with data")
            sheet = filled[0]
        if sheet not in book.sheetnames:
            raise ImportRejected(f"no sheet named {sheet!r} (sheets: {', '.join(book.sheetnames)})")
        rows = [
            ["" if v is None else _cell_text(v) for v in row]
            for row in book[sheet].iter_rows(values_only=True)
        ]
    finally:
        book.close()
    return rows, sheet


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Return the text of a CSV and the encoding used.

    A byte-order mark decides; else ``encoding`` if given; else strict UTF-8, then
    GB18030. Binary content (NUL bytes, a zip) is rejected.
    """
    if data.startswith(b"PK\x03\x04"):
        raise ImportRejected("this is a zip/XLSX file, not a CSV: give it an .xlsx name")
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    for bom, name in boms:
        if data.startswith(bom):
            return _strict(data, name), name
    if encoding:
        return _strict(data, encoding), encoding
    if b"\x00" in data:
        raise ImportRejected("the file holds binary data (NUL bytes): not a CSV")
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    raise ImportRejected(
        "the file is neither UTF-8 nor GB18030 text; give its encoding with --encoding"
    )


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportRejected(f"cannot decode the file as {encoding}: {exc}") from None


def read_table(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Table:
    """Read a CSV or XLSX file into a :class:`Table` and find its header.

    The header is the first of the top rows in which at least two cells are known
    column names (title rows above it are skipped); a second header row directly
    below it (merged header cells) contributes the names its first row lacks.
    """
    data = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows, sheet = read_xlsx(data, sheet)
        table = Table(rows, "xlsx", sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        text, used = decode(data, encoding)
        dialect = "excel-tab" if suffix == ".tsv" or text.count("\t") > text.count(",") else "excel"
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect=dialect)]
        table = Table(rows, used)
    else:
        raise ImportRejected(f"{path.name}: only .csv and .xlsx files can be imported")
    find_header(table)
    return table


# ---------------------------------------------------------------------------------------
# header
# ---------------------------------------------------------------------------------------
def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s_\-·:：*]", "", folded)


_ALIAS_KEYS = {_key(a): name for name, spellings in ALIASES.items() for a in spellings}
_IGNORED_KEYS = {_key(h) for h in IGNORED_HEADERS}


def column_name(header: str) -> str | None:
    """Return the canonical column a header names, or None.

    Examples
    --------
    >>> column_name(" 县（市、区） "), column_name("RANK"), column_name("总 分"), column_name("x")
    ('county', 'rank', 'total', None)
    """
    return _ALIAS_KEYS.get(_key(header))


def find_header(table: Table) -> None:
    """Locate the header row and map its cells to canonical columns (see :func:`read_table`)."""
    for index, row in enumerate(table.rows[:HEADER_SCAN]):
        names = {i: column_name(cell) for i, cell in enumerate(row) if cell.strip()}
        known = {i: n for i, n in names.items() if n}
        if len(known) < 2:
            continue
        below = table.rows[index + 1] if index + 1 < len(table.rows) else []
        extra = {i: column_name(cell) for i, cell in enumerate(below) if cell.strip()}
        extra = {i: n for i, n in extra.items() if n and i not in known and n != "county"}
        if extra and not any(_looks_like_data(c) for c in below):
            known |= extra
            index += 1
        table.header_row = index
        table.columns = known
        header_cells = table.rows[table.header_row]
        table.unknown = {
            i: cell
            for i, cell in enumerate(header_cells)
            if cell.strip() and i not in known and _key(cell) not in _IGNORED_KEYS
        }
        return
    encoding = table.encoding
    hint = (
        ""
        if encoding == "xlsx"
        else f" The file was decoded as {encoding}; if it uses another encoding "
        "(e.g. Big5), give it with --encoding."
    )
    raise ImportRejected(
        "no header row found in the first rows: expected column names such as "
        f"排名/rank, 县(市、区)/county, 省份/province, 总分/score.{hint}"
    )


def _looks_like_data(cell: str) -> bool:
    return bool(re.fullmatch(r"\s*[\d.,%]+\s*", cell))


# ---------------------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------------------
def clean_text(value: str) -> str:
    """Return a cell's text normalised: NFKC (full-width to half-width), trimmed.

    Examples
    --------
    >>> clean_text("　修文县 "), clean_text("５２０１２３")
    ('修文县', '520123')
    """
    return unicodedata.normalize("NFKC", value).strip()


def is_missing(value: str) -> bool:
    """Return whether a cell means "no value" (empty, a dash, 无 …) — never zero."""
    return clean_text(value).lower() in MISSING


def parse_number(value: str, *, scale: float = 100.0) -> float:
    """Return a number from a cell: thousands separators dropped, percent of ``scale``.

    Raises ValueError for text that is not a number.

    Examples
    --------
    >>> parse_number("1,234.5"), parse_number("85%"), parse_number("８７．５")
    (1234.5, 85.0, 87.5)
    """
    text = clean_text(value).replace(",", "").replace("，", "").replace(" ", "")
    if text.endswith("%"):
        return float(text[:-1]) * scale / 100.0
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(value)
    return number


# ---------------------------------------------------------------------------------------
# matching rows to counties
# ---------------------------------------------------------------------------------------
_SUFFIX = re.compile(r"(自治县|自治旗|林区|特区|县|区|市|旗)$")


def _stem(name: str) -> str:
    return _SUFFIX.sub("", name)


@dataclass(frozen=True)
class Match:
    """The outcome of matching one row: an adcode, or why not."""

    adcode: str | None
    problem: str | None = None
    retired: bool = False  # the unit no longer exists (merged, split, abolished)


class Matcher:
    """Match county names and codes against a snapshot's divisions and division changes."""

    def __init__(self, divisions: pl.DataFrame, changes: pl.DataFrame) -> None:
        """Index the divisions by code and name, and the changes by old code and name."""
        self.divisions = divisions
        self.codes = set(divisions.get_column("adcode"))
        self.rows = divisions.select(
            "adcode", "name_zh", "prefecture_name_zh", "province_name_zh", "province_name_en"
        ).to_dicts()
        self.changes = changes.to_dicts()
        self.provinces = {r["province_name_zh"] for r in self.rows} | {
            r["province_name_en"] for r in self.rows
        }
        self.prefectures = {r["prefecture_name_zh"] for r in self.rows}

    def _province_ok(self, row: dict[str, Any], province: str) -> bool:
        p = province.lower()
        return bool(
            row["province_name_zh"].startswith(province)
            or province.startswith(row["province_name_zh"][:2])
            or row["province_name_en"].lower() == p
        )

    def _strip_context(self, name: str) -> str:
        """Drop a leading province and prefecture name (山东省青岛市胶州市 → 胶州市)."""
        for names in (self.provinces, self.prefectures):
            for prefix in sorted(names, key=len, reverse=True):
                if prefix and name.startswith(prefix) and len(name) > len(prefix):
                    name = name[len(prefix) :]
                    break
        return name

    def by_code(self, code: str) -> Match:
        """Match a six-digit code (old codes through one-to-one division changes)."""
        code = clean_text(code)
        if not re.fullmatch(r"\d{6}", code):
            return Match(None, "not a six-digit adcode")
        if code in self.codes:
            return Match(code)
        for change in self.changes:
            if change["from_adcode"] == code:
                return self._follow(change)
        return Match(None, "unknown adcode (not a county-level code in this snapshot)")

    def _follow(self, change: dict[str, Any]) -> Match:
        if change["change_type"] in ONE_TO_ONE and change["to_adcode"] in self.codes:
            return Match(change["to_adcode"])
        year = change["effective_year"]
        what = f"{change['change_type'].replace('_', ' ')} in {year}"
        if change["to_name_zh"]:
            what += f" (now part of {change['to_name_zh']})"
        return Match(None, f"{change['from_name_zh']} no longer exists: {what}", retired=True)

    def by_name(self, name: str, *, province: str = "", prefecture: str = "") -> Match:
        """Match a name within its province/prefecture context; ambiguity is an error."""
        name = re.sub(r"\s+", "", clean_text(name))
        province, prefecture = clean_text(province), clean_text(prefecture)
        prefecture = re.sub(r"\s*\((inf|推断)\)$", "", prefecture)
        if not name:
            return Match(None, "no county name")
        bare = self._strip_context(name)

        def context(row: dict[str, Any]) -> bool:
            if province and not self._province_ok(row, province):
                return False
            return not (prefecture and not row["prefecture_name_zh"].startswith(prefecture[:2]))

        for candidates in (
            [r for r in self.rows if r["name_zh"] in (name, bare)],
            [r for r in self.rows if _stem(r["name_zh"]) in (_stem(name), _stem(bare))],
        ):
            inside = [r for r in candidates if context(r)]
            if len(inside) == 1:
                return Match(inside[0]["adcode"])
            if len(inside) > 1:
                codes = ", ".join(r["adcode"] for r in inside[:6])
                return Match(
                    None,
                    f"ambiguous: {len(inside)} units named {bare} ({codes}); "
                    "give the province and prefecture or the adcode",
                )
        for change in self.changes:
            if change["from_name_zh"] in (name, bare) and (
                not province
                or not change["from_adcode"]
                or any(
                    r["adcode"][:2] == str(change["from_adcode"])[:2]
                    and self._province_ok(r, province)
                    for r in self.rows
                )
            ):
                return self._follow(change)
        where = " in " + " ".join(x for x in (province, prefecture) if x) if province else ""
        return Match(None, f"no county-level unit named {bare}{where} in this snapshot")


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


def parse_rows(
    table: Table, matcher: Matcher, *, score_max: float | None
) -> tuple[list[ParsedRow], list[Problem]]:
    """Turn the data rows into values, matching counties and checking every cell."""
    by_name = {name: index for index, name in table.columns.items()}
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
    if any(p.severity == "error" for p in problems):
        return [], problems

    def cell(row: list[str], name: str) -> str:
        index = by_name.get(name)
        return row[index] if index is not None and index < len(row) else ""

    parsed: list[ParsedRow] = []
    ranks: list[tuple[int, int]] = []  # (line, rank) of every row with a valid rank
    for offset, row in enumerate(table.rows[table.header_row + 1 :]):
        line = table.header_row + 2 + offset
        if not any(c.strip() for c in row):
            continue
        header_names = {i: table.rows[table.header_row][i] for i in by_name.values()}
        row_problems: list[Problem] = []
        for index in by_name.values():
            value = row[index] if index < len(row) else ""
            if _formula_like(value):
                row_problems.append(
                    Problem(line, header_names[index], value[:40], "starts like a formula: refused")
                )
        name = clean_text(cell(row, "county"))
        code = cell(row, "adcode")
        if not is_missing(code):
            match = matcher.by_code(code)
        else:
            match = matcher.by_name(
                name, province=cell(row, "province"), prefecture=cell(row, "prefecture")
            )
        if match.problem:
            column = "adcode" if not is_missing(code) else "county"
            index = by_name.get(column)
            row_problems.append(
                Problem(
                    line,
                    header_names.get(index, column) if index is not None else column,
                    (code if column == "adcode" else name)[:40],
                    match.problem,
                )
            )
        rank = None
        if "rank" in by_name and not is_missing(cell(row, "rank")):
            try:
                number = parse_number(cell(row, "rank"))
                if not number.is_integer() or number < 1:
                    raise ValueError
                rank = int(number)
                ranks.append((line, rank))
            except ValueError:
                row_problems.append(
                    Problem(line, header_names[by_name["rank"]], cell(row, "rank")[:40],
                            "rank must be a whole number of 1 or more")
                )  # fmt: skip
        scores: dict[str, float] = {}
        for column in SCORE_COLUMNS:
            if column not in by_name or is_missing(cell(row, column)):
                continue
            raw = cell(row, column)
            try:
                value = parse_number(raw, scale=score_max or 100.0)
            except ValueError:
                row_problems.append(
                    Problem(line, header_names[by_name[column]], raw[:40], "not a number")
                )
                continue
            if value < 0 or (score_max is not None and value > score_max):
                row_problems.append(
                    Problem(line, header_names[by_name[column]], raw[:40],
                            f"outside the edition's scale 0–{score_max:g}" if score_max
                            else "negative score")
                )  # fmt: skip
                continue
            scores[column] = value
        band = clean_text(cell(row, "band")) or None if "band" in by_name else None
        if rank is None and not scores and not band and not row_problems:
            row_problems.append(Problem(line, None, "", "no rank, band or score on this row"))
        problems += row_problems
        if not row_problems:
            parsed.append(ParsedRow(line, name, match.adcode, rank, band, scores))
    problems += _check_duplicates_and_ranks(parsed, ranks, table, by_name)
    return parsed, problems


def _formula_like(value: str) -> bool:
    """Return whether a cell would run as a spreadsheet formula (numbers and dashes never do).

    Examples
    --------
    >>> [_formula_like(v) for v in ("=SUM(A1)", chr(9) + "=1", "@cmd", "-3.5", "—", "修文县")]
    [True, True, True, False, False, False]
    """
    if is_missing(value) or _numeric(value):
        return False
    return value.startswith(FORMULA_START) or clean_text(value).startswith(FORMULA_START)


def _numeric(value: str) -> bool:
    try:
        parse_number(value)
    except ValueError:
        return False
    return True


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
    from loaders.store import load

    table = read_table(path, sheet=sheet, encoding=encoding)
    matcher = Matcher(load(snapshot, "divisions"), load(snapshot, "division_changes"))
    parsed, problems = parse_rows(table, matcher, score_max=score_max)
    return table, parsed, problems


def sheet_names(path: Path) -> list[str]:
    """Return the worksheet names of an XLSX file (checked for bombs first)."""
    data = read_bytes(path)
    check_workbook(data)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


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
    from loaders.store import SnapshotError, open_snapshot, write_snapshot
    from loaders.store.validate import check_tables

    if out.exists():
        raise ImportRejected(f"{out} already exists: choose a new folder for the new snapshot")
    meta = read_meta(meta_path)
    table = read_table(path, sheet=sheet, encoding=encoding)
    try:
        base_snapshot = open_snapshot(snapshot)
        base = {name: base_snapshot.read(name) for name in schemas.TABLES}
    except SnapshotError as exc:
        raise ImportRejected(f"the base snapshot cannot be used: {exc}") from None
    base = {
        name: frame.drop(schemas.RECORDS_PARTITION, strict=False) for name, frame in base.items()
    }
    matcher = Matcher(base["divisions"], base["division_changes"])
    parsed, problems = parse_rows(table, matcher, score_max=meta.get("score_max"))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ImportRejected(f"{len(errors)} problem(s) in {path.name}; nothing imported", problems)
    header = table.rows[table.header_row]
    metric_names = {name: header[i] for i, name in table.columns.items()}
    tables = edition_tables(meta, parsed, base, metric_names=metric_names)
    invalid = check_tables(tables)
    if invalid:
        raise ImportRejected(
            "the new snapshot would be invalid; nothing written",
            [Problem(None, None, "", line) for line in invalid],
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    manifest = write_snapshot(
        tables,
        out,
        snapshot_id=out.name,
        description=(
            f"{base_snapshot.manifest.get('description', '')} Imported edition "
            f"{meta['edition_id']} from {path.name} (sha256 {digest}…)."
        ).strip(),
        created_by=f"python -m loaders import {path.name} --snapshot {base_snapshot.snapshot_id}",
        created_at=str(base_snapshot.manifest["created_at"]),
    )
    return manifest, problems, table


def import_published(
    path: Path,
    *,
    snapshot: Path,
    out: Path,
    sheet: str | None = None,
    encoding: str | None = None,
) -> tuple[dict[str, Any], list[Problem], pl.DataFrame]:
    """Import a published-results file (the long format of ``loaders.published``).

    One row per published result, each with its evaluator, edition, county (with
    province and prefecture context), rank, list position, band or score, and source
    URL. Counties are matched as in :func:`import_file`; a unit that no longer exists
    is kept without an adcode (a warning naming the reason); rows already in the base
    snapshot are skipped. Returns the new manifest, the problems (warnings only) and
    one outcome per row. Raises :class:`ImportRejected` with every problem when any
    row is wrong (an ambiguous or unknown county, a bad value …); then nothing is
    written.
    """
    from loaders import published
    from loaders.store import SnapshotError, open_snapshot, write_snapshot
    from loaders.store.validate import check_tables

    if out.exists():
        raise ImportRejected(f"{out} already exists: choose a new folder for the new snapshot")
    rows, problems = published.read_file(path, sheet=sheet, encoding=encoding)
    try:
        base_snapshot = open_snapshot(snapshot)
        base = {name: base_snapshot.read(name) for name in schemas.TABLES}
    except SnapshotError as exc:
        raise ImportRejected(f"the base snapshot cannot be used: {exc}") from None
    base = {
        name: frame.drop(schemas.RECORDS_PARTITION, strict=False) for name, frame in base.items()
    }
    built = published.build(rows, Matcher(base["divisions"], base["division_changes"]), base)
    problems = problems + built.problems
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ImportRejected(f"{len(errors)} problem(s) in {path.name}; nothing imported", problems)
    tables = published.merge(base, built.tables)
    invalid = check_tables(tables)
    if invalid:
        raise ImportRejected(
            "the new snapshot would be invalid; nothing written",
            [Problem(None, None, "", line) for line in invalid],
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    added = built.tables["rankings"].height
    manifest = write_snapshot(
        tables,
        out,
        snapshot_id=out.name,
        description=(
            f"{base_snapshot.manifest.get('description', '')} Imported {added} published "
            f"result(s) from {path.name} (sha256 {digest}…)."
        ).strip(),
        created_by=f"python -m loaders import {path.name} --format published "
        f"--snapshot {base_snapshot.snapshot_id}",
        created_at=str(base_snapshot.manifest["created_at"]),
    )
    return manifest, problems, built.outcomes


def write_report(path: Path, problems: Iterable[Problem]) -> None:
    """Write one CSV row per problem (UTF-8 with BOM; formula-like text neutralised)."""

    def safe(text: str) -> str:
        return "'" + text if text.startswith(FORMULA_START) else text

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["severity", "row", "column", "value", "problem"])
        for p in problems:
            writer.writerow(
                [p.severity, p.row or "", safe(p.column or ""), safe(p.value), safe(p.message)]
            )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``import`` command's options."""
    parser.add_argument("file", type=Path, help="CSV or XLSX table of one edition")
    parser.add_argument("--snapshot", type=Path, required=True, help="base snapshot (read only)")
    parser.add_argument("--out", type=Path, required=True, help="new snapshot folder to write")
    parser.add_argument("--edition-meta", type=Path, default=None, help="edition metadata JSON")
    parser.add_argument("--sheet", default=None, help="worksheet name (XLSX with several)")
    parser.add_argument("--encoding", default=None, help="CSV encoding, e.g. gb18030 or big5")
    parser.add_argument("--report", type=Path, default=None, help="write problems to this CSV")
    parser.add_argument(
        "--format",
        choices=("table", "published"),
        default="table",
        help="table: one edition's scores or ranks (with --edition-meta); published: one row "
        "per published result, with its evaluator, edition and source (see "
        "data/reference/real-results.csv)",
    )


def _report_problems(problems: list[Problem], report: Path | None) -> None:
    for problem in problems:
        print(problem.line(), file=sys.stderr)
    if report:
        write_report(report, problems)


def _report_rejected(rejected: ImportRejected, report: Path | None) -> int:
    print(f"rejected: {rejected}", file=sys.stderr)
    _report_problems(rejected.problems, report)
    return 2


def run(args: argparse.Namespace) -> int:
    """Run ``python -m loaders import``: 0 imported, 2 rejected, 1 unexpected failure."""
    if getattr(args, "format", "table") == "published":
        return _run_published(args)
    try:
        manifest, problems, table = import_file(
            args.file,
            snapshot=args.snapshot,
            out=args.out,
            meta_path=args.edition_meta,
            sheet=args.sheet,
            encoding=args.encoding,
        )
    except ImportRejected as rejected:
        return _report_rejected(rejected, args.report)
    _report_problems(problems, args.report)
    added = {n: e["rows"] for n, e in manifest["tables"].items()}
    print(
        f"imported {args.file.name} ({table.encoding}"
        + (f", sheet {table.sheet}" if table.sheet else "")
        + f") into {args.out}: {added['scores']:,} scores, {added['rankings']:,} published "
        "rankings in the snapshot"
    )
    return 0


def _run_published(args: argparse.Namespace) -> int:
    """Run ``python -m loaders import FILE --format published``."""
    try:
        if args.edition_meta is not None:
            raise ImportRejected(
                "--edition-meta is not used with --format published: every row names its "
                "evaluator, edition and source"
            )
        manifest, problems, outcomes = import_published(
            args.file,
            snapshot=args.snapshot,
            out=args.out,
            sheet=args.sheet,
            encoding=args.encoding,
        )
    except ImportRejected as rejected:
        return _report_rejected(rejected, args.report)
    _report_problems(problems, args.report)
    counts = dict(outcomes.group_by("status").len().iter_rows())
    gone = outcomes.filter(pl.col("adcode").is_null())
    print(
        f"imported {args.file.name} into {args.out}: {counts.get('added', 0):,} published "
        f"result(s) added, {counts.get('already_present', 0):,} already in the base; "
        f"{gone.height:,} not on today's map; "
        f"{manifest['tables']['rankings']['rows']:,} published rankings in the snapshot"
    )
    return 0
