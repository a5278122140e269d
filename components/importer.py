"""The /import page's widgets: edition metadata form, file preview and problem report."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from loaders import importing, schemas


def save_upload(upload: Any) -> Path:
    """Write an uploaded file to a private temporary folder; return its path."""
    folder = Path(tempfile.mkdtemp(prefix="import-"))
    name = re.sub(r"[^\w.\-]", "_", Path(upload.name).name) or "upload.csv"
    path = folder / name
    path.write_bytes(upload.getvalue())
    return path


def render_meta_form(evaluators: pl.DataFrame) -> dict[str, Any]:
    """Ask who published the table, when and where; return the edition metadata."""
    real = evaluators.filter(~pl.col("is_synthetic"))
    ids = real.get_column("evaluator_id").to_list()
    names = dict(zip(ids, real.get_column("name_en").to_list(), strict=True))
    left, right = st.columns(2)
    evaluator = left.selectbox("Evaluator", ids, format_func=lambda e: names[e])
    edition_id = left.text_input("Edition id (letters, digits, dashes)", "import-1")
    title_zh = left.text_input("Title (Chinese)", "")
    title_en = left.text_input("Title (English)", "")
    data_year = right.number_input("Data year", 2000, 2100, 2021)
    released = right.text_input("Released (YYYY-MM-DD or YYYY-MM)", "")
    mode = right.selectbox("Mode", schemas.EDITION_MODES)
    score_max = right.number_input("Highest possible score", 1.0, 10_000.0, 100.0)
    source_title = st.text_input("Source title", "")
    source_url = st.text_input("Source URL", "")
    reliability = st.selectbox("Source kind", schemas.SOURCE_RELIABILITY[:-1])
    return {
        "edition_id": edition_id.strip(),
        "evaluator_id": evaluator,
        "title_zh": title_zh.strip(),
        "title_en": title_en.strip() or None,
        "data_year": int(data_year),
        "released": released.strip() or None,
        "mode": mode,
        "score_max": float(score_max),
        "source": {
            "source_id": f"src-{edition_id.strip()}",
            "title": source_title.strip(),
            "url": source_url.strip() or None,
            "reliability": reliability,
            "kind": "report",
        },
    }


def meta_problems(meta: dict[str, Any]) -> list[str]:
    """Return what is missing or malformed in the form (empty when it can be imported).

    Examples
    --------
    >>> meta_problems({"edition_id": "x y", "title_zh": "", "source": {"title": ""}})
    ['edition id: letters, digits and dashes only', 'a Chinese title', 'a source title']
    """
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-]{0,60}", meta["edition_id"]):
        problems.append("edition id: letters, digits and dashes only")
    if not meta["title_zh"]:
        problems.append("a Chinese title")
    if not meta["source"]["title"]:
        problems.append("a source title")
    return problems


def problems_frame(problems: list[importing.Problem]) -> pl.DataFrame:
    """Return the problems as a table (severity, row, column, value, problem)."""
    return pl.DataFrame(
        [
            {"severity": p.severity, "row": p.row, "column": p.column, "value": p.value,
             "problem": p.message}
            for p in problems
        ],
        schema={"severity": pl.String, "row": pl.Int64, "column": pl.String,
                "value": pl.String, "problem": pl.String},
    )  # fmt: skip


def report_bytes(problems: list[importing.Problem]) -> bytes:
    """Return the problem report as the CSV ``--report`` writes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.csv"
        importing.write_report(path, problems)
        return path.read_bytes()


def render_preview(table: importing.Table, parsed: list[importing.ParsedRow]) -> None:
    """Show how the file was read: encoding, sheet, column mapping and the first rows."""
    how = f"Read as {table.encoding}" + (f", sheet {table.sheet}" if table.sheet else "")
    st.text(f"{how}; header on row {table.header_row + 1}; {len(parsed)} rows ready to import.")
    header = table.rows[table.header_row]
    mapping = pl.DataFrame(
        {
            "column in file": [header[i] for i in table.columns],
            "read as": list(table.columns.values()),
        }
    )
    st.dataframe(mapping, hide_index=True)
    preview = table.rows[table.header_row + 1 : table.header_row + 11]
    width = len(header)
    st.dataframe(
        pl.DataFrame(
            [(row + [""] * width)[:width] for row in preview],
            schema=[f"{i + 1}: {h}" for i, h in enumerate(header)],
            orient="row",
        ),
        hide_index=True,
    )


def csv_text(frame: pl.DataFrame) -> str:
    """Return a frame as CSV text (for tests and downloads)."""
    buffer = io.StringIO()
    frame.write_csv(buffer)
    return buffer.getvalue()
