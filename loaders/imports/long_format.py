"""The long "published results" format: one row per published result, read and parsed.

Columns as in ``data/reference/real-results.csv`` (:data:`COLUMNS`); cells are parsed by
the small pure functions here (bands, dates, years, edition titles, source ids).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from loaders.imports.read import (
    HEADER_SCAN,
    ImportRejected,
    Problem,
    clean_text,
    decode,
    read_bytes,
    read_csv,
    read_xlsx,
)

# Columns of the long format, in the order of real-results.csv.
COLUMNS = (
    "grp",
    "evaluator",
    "edition",
    "data_year",
    "pub_date",
    "county_as_published",
    "province",
    "prefecture",
    "rank",
    "list_pos",
    "score",
    "scale",
    "band",
    "source_url",
    "source_type",
    "notes",
)

REQUIRED = ("evaluator", "edition", "county_as_published", "source_url", "source_type")


# For an evaluator not in EVALUATORS: its id and type (and English name), or an
# existing evaluator's id; ``mode`` overrides the edition mode read from the bands;
# ``metric`` says what the edition measures, ``source_title`` is the cited page's title.
OPTIONAL = (
    "evaluator_id", "evaluator_type", "evaluator_en", "mode", "metric", "source_title",
)  # fmt: skip

COLUMN_ALIASES = {
    "county": "county_as_published",
    "name": "county_as_published",
    "url": "source_url",
    "note": "notes",
    "group": "grp",
}


# Free text kept inside a composed note ("Source note: …"), so it may start with "=".
FREE_TEXT = ("notes", "metric", "source_title")


# source_type's first word → (sources.kind, sources.reliability)
SOURCE_TYPES: dict[str, tuple[str, str]] = {
    "official": ("official", "official"),
    "evaluator": ("report", "evaluator_self_published"),
    "evaluator-affiliated": ("evaluator_site", "evaluator_self_published"),
    "media": ("news", "media"),
    "repost": ("repost", "secondary"),
    "mirror": ("mirror", "secondary"),  # an unofficial copy of an official page
}

MEMBERSHIP_BANDS = ("member", "proposed_member")
# Grades of assessments that grade instead of ranking: published words → band code.
GRADE_WORDS = (
    (r"优秀|\bexcellent\b", "excellent"),
    (r"良好|\bgood\b", "good"),
    (r"^一般|\bfair\b", "fair"),
    (r"\bbelow\s*60\b|不及格|不合格", "below60"),
)


# "兵团第八师石河子市": an XPCC division published together with its county-level city.
XPCC = re.compile(r"^(?:新疆生产建设)?兵团第[一二三四五六七八九十\d]+师")

_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")

_DATE = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s*(?:\((.*)\))?$")

REPORTING = re.compile(r"article|repost", re.IGNORECASE)

SCALE = re.compile(r"(\d+(?:\.\d+)?)\s*[-–~]\s*(\d+(?:\.\d+)?)")


# ---------------------------------------------------------------------------------------
# small parsers (pure)
# ---------------------------------------------------------------------------------------
def band_code(text: str) -> str | None:
    """Return the short band code of a published band text (None: it only restates a rank).

    Codes: ``topN``/``bottomN`` (a top or bottom N list), ``member`` (designated or
    named), ``proposed_member`` (on a proposed list), ``near_top`` / ``near_bottom``
    ("among the first" / "at the bottom", no N), and the grades of an assessment that
    grades instead of ranking: ``excellent`` (优秀), ``good`` (良好), ``fair`` (一般),
    ``below60`` (under 60 points). Text that only restates a rank ("rank 3 of 88",
    "rank of 4", "first of 10", "#1 of …", 全省第一) has no code. Raises ValueError
    for text it cannot read.

    Examples
    --------
    >>> [band_code(t) for t in ("top10 of 120", "rank 1 of 120 百强县(市、区)",
    ...     "designated member", "proposed member", "区县 top10", "位于榜单前列", "全省第一",
    ...     "第三批示范区", "排名前20")]
    ['top10', None, 'member', 'proposed_member', 'top10', 'near_top', None, 'member', 'top20']
    >>> [band_code(t) for t in ("rank of 4 (county group; max 150)", "first of 10",
    ...     "last of 10 ('垫底')", "#1 of ~122-125 (derived)", "bottom of 88 (末位)",
    ...     "优秀 (1 of 2)", "良好等次", "below 60 (of 7)")]
    [None, None, None, None, 'near_bottom', 'excellent', 'good', 'below60']
    """
    t = clean_text(text).lower()
    if not t:
        return None
    if "proposed" in t or "拟" in t:
        return "proposed_member"
    if m := re.search(r"\b(top|bottom)\s*(\d+)", t):
        return f"{m[1]}{m[2]}"
    if re.search(
        r"\brank\s*(?:of\s*)?\d+|\b(?:first|last)\s+of\s+\d|^#\d+\s+of\b"
        r"|第[一二三四五六七八九十\d]+[名位]|[国省市]第[一二三四五六七八九十\d]+",
        t,
    ):
        return None
    if re.search(r"末位|\bbottom of\b", t):
        return "near_bottom"
    for words, code in GRADE_WORDS:
        if re.search(words, t):
            return code
    if m := re.search(r"前\s*(\d+)", t):
        return f"top{m[1]}"
    if "前十" in t:
        return "top10"
    if "百强" in t:
        return "top100"
    if re.search(r"member|designated|named|示范|命名|先进", t):
        return "member"
    if "前列" in t:
        return "near_top"
    raise ValueError(text)


def split_date(text: str) -> tuple[str | None, str | None]:
    """Return the ISO (possibly partial) date of a ``pub_date`` cell and its annotation.

    Examples
    --------
    >>> split_date("2021-10 (notice)"), split_date("2022-06-16"), split_date("")
    (('2021-10', 'notice'), ('2022-06-16', None), (None, None))
    """
    text = clean_text(text)
    if not text:
        return None, None
    m = _DATE.match(text)
    if not m:
        raise ValueError(text)
    return m[1], m[2]


def first_year(text: str) -> int | None:
    """Return the first year of a ``data_year`` cell ("2021", "2021-2022", "2018-06/2019-05").

    Examples
    --------
    >>> first_year("2018-06/2019-05"), first_year("2021"), first_year("")
    (2018, 2021, None)
    """
    m = re.match(r"\s*(\d{4})", clean_text(text))
    return int(m[1]) if m else None


def edition_key(title: str) -> str:
    """Return an edition title without its bracketed annotation, normalised.

    Examples
    --------
    >>> edition_key("中国政府透明度指数报告(2019) [法治蓝皮书 No.18(2020)]")
    '中国政府透明度指数报告(2019)'
    """
    return re.sub(r"\s+", " ", re.sub(r"\s*\[[^\]]*\]", "", clean_text(title))).strip()


def evaluator_key(text: str) -> str:
    """Return an evaluator string normalised for lookup in :attr:`Curation.names`."""
    return re.sub(r"\s+", " ", clean_text(text))


def source_id_for(url: str) -> str:
    """Return the deterministic source id of a URL.

    Examples
    --------
    >>> source_id_for("http://example.org/a")
    'src-pub-a08896bcf1'
    """
    return "src-pub-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]


def province_short(province: str) -> str:
    """Return a province name without its suffix (山东省 → 山东, 广西壮族自治区 → 广西).

    Examples
    --------
    >>> province_short("广西壮族自治区"), province_short("上海市")
    ('广西', '上海')
    """
    return _PROVINCE_SUFFIX.sub("", province)


def paren(text: str) -> str | None:
    """Return the text inside the first pair of round brackets, or None.

    Examples
    --------
    >>> paren("media (新华网) article"), paren("official")
    ('新华网', None)
    """
    m = re.search(r"\(([^()]*)\)", text)
    return m[1].strip() if m else None


# ---------------------------------------------------------------------------------------
# reading a file
# ---------------------------------------------------------------------------------------
@dataclass
class Row:
    """One input row: its cells by canonical column and its spreadsheet row number."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """Return a cell's text, trimmed ('' when absent)."""
        return self.cells.get(column, "").strip()


def _canonical(header: str) -> str:
    key = re.sub(r"[\s\-]+", "_", clean_text(header).lower())
    return COLUMN_ALIASES.get(key, key)


def read_cells(
    path: Path, *, sheet: str | None = None, encoding: str | None = None
) -> list[list[str]]:
    """Return the cells of a CSV or XLSX file, row by row (checks of ``loaders.imports.read``)."""
    data = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        cells, _, _ = read_xlsx(data, sheet)  # an uncached formula stays its formula text
        return cells
    if suffix in (".csv", ".txt", ".tsv"):
        text, _ = decode(data, encoding)
        return read_csv(text, "excel-tab" if suffix == ".tsv" else "excel")
    raise ImportRejected(f"{path.name}: only .csv and .xlsx files can be imported")


def read_file(
    path: Path, *, sheet: str | None = None, encoding: str | None = None
) -> tuple[list[Row], list[Problem]]:
    """Read a long-format file (CSV or XLSX) into rows, with file-level problems.

    The header is the first of the top rows that names ``county_as_published``;
    size, encoding and workbook checks are those of :mod:`loaders.imports.read`.
    """
    return rows_from_cells(read_cells(path, sheet=sheet, encoding=encoding))


def rows_from_cells(cells: list[list[str]]) -> tuple[list[Row], list[Problem]]:
    """Return the long-format rows below the header of ``cells``, with file-level problems."""
    heads = [
        i for i, r in enumerate(cells[:HEADER_SCAN]) if "county_as_published" in map(_canonical, r)
    ]
    if not heads:
        raise ImportRejected(
            "no header row found: a published-results file needs the columns " + ", ".join(COLUMNS)
        )
    index = heads[0]
    header = cells[index]
    names = [_canonical(h) for h in header]
    problems = [
        Problem(index + 1, header[i], "", "unknown column: not imported", "warning")
        for i, name in enumerate(names)
        if name and name not in COLUMNS and name not in OPTIONAL
    ]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ImportRejected(
            f"missing required column(s): {', '.join(missing)}",
            [Problem(None, c, "", "missing required column") for c in missing],
        )
    rows = []
    for offset, values in enumerate(cells[index + 1 :]):
        if not any(v.strip() for v in values):
            continue
        row = {
            name: values[i] if i < len(values) else ""
            for i, name in enumerate(names)
            if name in COLUMNS or name in OPTIONAL
        }
        rows.append(Row(index + 2 + offset, row))
    if not rows:
        raise ImportRejected("no data rows below the header: nothing to import")
    return rows, problems
