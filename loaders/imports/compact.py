"""The compact published-results shape (``real-results-2.csv``), read as the long format.

Columns: ``evaluator, edition, year, name_as_published, province, rank, band, score,
metric, source_url, source_title, note``. The file says in free text what the long
format (:mod:`loaders.imports.long_format`) has columns for, so each row is mapped
(:func:`to_long`) by rules that are pure and tested here:

- ``year`` is the data year, ``name_as_published`` the county, ``note`` the notes;
- a band that names a group ("rank of 4 (各县、赣榆区 group; max 150)") splits the
  edition by group (a rank is a rank *of its group*), and ``max N`` is the group's
  score scale; ``(survey, 0-100)`` or ``100-pt`` in ``metric`` is the edition's scale,
  and so is the score of a row with "full marks";
- a band the long format cannot read (重点帮扶单位, "full marks") is kept word for word
  in the notes, never dropped;
- how far each page can be trusted (official host, repost, unofficial mirror) is
  decided once per URL in ``data/reference/published-sources.toml`` (the file's notes
  say it in prose); a URL missing there is an error, never a guess.

The file itself is never edited: it is read as published.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from loaders.imports.curation import SourceSpec, curation
from loaders.imports.long_format import Row, band_code, read_cells, rows_from_cells
from loaders.imports.read import HEADER_SCAN, ImportRejected, Problem, clean_text

COLUMNS = (
    "evaluator",
    "edition",
    "year",
    "name_as_published",
    "province",
    "rank",
    "band",
    "score",
    "metric",
    "source_url",
    "source_title",
    "note",
)

_GROUP = re.compile(r"\brank of \d+\s*\(([^;()]+?)\s+group\b")
_BAND_MAX = re.compile(r"\bmax\s+(\d+(?:\.\d+)?)\b")
_FULL_MARKS = re.compile(r"\bfull marks\b|满分")  # a score with full marks is the scale
_METRIC_SCALE = re.compile(r"\b0\s*[-–]\s*(\d+)\b|\b(\d+)\s*-\s*pt\b")


def is_compact(header: Sequence[str]) -> bool:
    """Return whether a header row is the compact shape (it names its county column so).

    Examples
    --------
    >>> is_compact(["evaluator", "edition", "year", "name_as_published", "source_url"])
    True
    >>> is_compact(["grp", "evaluator", "county_as_published"])
    False
    """
    names = {clean_text(h).lower() for h in header}
    return {"name_as_published", "source_url", "year"} <= names


def group_of(band: str) -> str | None:
    """Return the group a band ranks within ("rank of 4 (各县、赣榆区 group; …)" → 各县、赣榆区).

    Examples
    --------
    >>> group_of("rank of 5 (各区、功能板块 group incl. 3 non-county functional zones; max 100)")
    '各区、功能板块'
    >>> group_of("top100 of 1879") is None
    True
    """
    m = _GROUP.search(clean_text(band))
    return m[1].strip() if m else None


def scale_of(band: str, metric: str) -> str:
    """Return the score scale a row states ("0-150"), from its band or its metric, or ''.

    Examples
    --------
    >>> scale_of("rank of 4 (group; max 150)", ""), scale_of("", "survey, 0-100")
    ('0-150', '0-100')
    >>> scale_of("", "performance score (100-pt: 基础工作/…)"), scale_of("top5", "")
    ('0-100', '')
    """
    if m := _BAND_MAX.search(clean_text(band)):
        return f"0-{m[1]}"
    if m := _METRIC_SCALE.search(clean_text(metric)):
        return f"0-{m[1] or m[2]}"
    return ""


def band_cells(band: str) -> tuple[str, str | None]:
    """Return (the band for the long format, a note keeping a band it cannot read).

    Examples
    --------
    >>> band_cells("top100 of 1879 县级行政区划")
    ('top100 of 1879 县级行政区划', None)
    >>> band_cells("重点帮扶单位")
    ('', 'Band as published: 重点帮扶单位.')
    """
    text = clean_text(band)
    try:
        band_code(text)
    except ValueError:
        return "", f"Band as published: {text}."
    return text, None


def to_long(row: Row, sources: Mapping[str, SourceSpec]) -> tuple[Row, list[Problem]]:
    """Return a compact-shape row as a long-format row, with the problems of mapping it.

    Examples
    --------
    >>> spec = {"http://x.gov.cn/a": SourceSpec("official (x)", "2022-03")}
    >>> row = Row(5, {"evaluator": "E", "edition": "Monthly 2022-02", "year": "2022",
    ...     "name_as_published": "灌云县", "province": "江苏省", "rank": "1",
    ...     "band": "rank of 4 (各县 group; max 150)", "score": "145.76", "metric": "m",
    ...     "source_url": "http://x.gov.cn/a", "source_title": "通报", "note": "official"})
    >>> long, problems = to_long(row, spec)
    >>> (long.get("edition"), long.get("scale"), long.get("source_type"), problems)
    ('Monthly 2022-02 (各县组)', '0-150', 'official (x)', [])
    """
    cells = {k: clean_text(v) for k, v in row.cells.items()}
    url = cells.get("source_url", "")
    problems: list[Problem] = []
    spec = sources.get(url)
    if spec is None:
        problems.append(
            Problem(row.line, "source_url", url[:60],
                    "no source_type for this URL in data/reference/published-sources.toml")
        )  # fmt: skip
    band, kept = band_cells(cells.get("band", ""))
    edition = cells.get("edition", "")
    if group := group_of(band):
        edition = f"{edition} ({group}组)"
    notes = " ".join(x for x in (kept, cells.get("note", "")) if x)
    long = {
        "grp": "",
        "evaluator": cells.get("evaluator", ""),
        "edition": edition,
        "data_year": cells.get("year", ""),
        "pub_date": spec.pub_date if spec and spec.pub_date else "",
        "county_as_published": cells.get("name_as_published", ""),
        "province": cells.get("province", ""),
        "prefecture": "",
        "rank": cells.get("rank", ""),
        "list_pos": "",
        "score": cells.get("score", ""),
        "scale": scale_of(band, cells.get("metric", ""))
        or (
            f"0-{cells['score']}"
            if cells.get("score") and _FULL_MARKS.search(cells.get("band", ""))
            else ""
        ),
        "band": band,
        "source_url": url,
        "source_type": spec.source_type if spec else "",
        "notes": notes,
        "metric": cells.get("metric", ""),
        "source_title": cells.get("source_title", ""),
    }
    return Row(row.line, long), problems


def read_file(
    path: Path, *, sheet: str | None = None, encoding: str | None = None
) -> tuple[list[Row], list[Problem]]:
    """Read a published-results file in either shape, as long-format rows with problems.

    A compact header (:func:`is_compact`) among the top rows makes every row below it
    mapped by :func:`to_long`; otherwise the file is read as the long format.
    """
    cells = read_cells(path, sheet=sheet, encoding=encoding)
    heads = [i for i, r in enumerate(cells[:HEADER_SCAN]) if is_compact(r)]
    if not heads:
        return rows_from_cells(cells)
    index = heads[0]
    names = [clean_text(h).lower() for h in cells[index]]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ImportRejected(
            f"compact published-results file: missing column(s) {', '.join(missing)}"
        )
    sources = curation().sources
    rows: list[Row] = []
    problems: list[Problem] = []
    for offset, values in enumerate(cells[index + 1 :]):
        if not any(v.strip() for v in values):
            continue
        cells_ = {name: values[i] if i < len(values) else "" for i, name in enumerate(names)}
        row, row_problems = to_long(Row(index + 2 + offset, cells_), sources)
        rows.append(row)
        problems += row_problems
    if not rows:
        raise ImportRejected("no data rows below the header: nothing to import")
    return rows, problems
