"""The /import page's widgets: edition metadata form, file preview and problem report."""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import streamlit as st

from components.i18n import is_zh, labels, pick, tr, translated
from components.provenance import md_escape
from loaders import schemas
from loaders.imports.read import Problem, Table
from loaders.imports.table import ParsedRow


def render_meta_form(evaluators: pl.DataFrame) -> dict[str, Any]:
    """Ask who published the table, when and where; return the edition metadata."""
    real = evaluators.filter(~pl.col("is_synthetic"))
    ids = real.get_column("evaluator_id").to_list()
    names = dict(
        zip(ids, [pick(e, z) for e, z in real.select("name_en", "name_zh").rows()], strict=True)
    )
    # NOTE: labels are made now, not in format_func, which may run outside the script run
    # (AppTest calls it) where the interface language is unknown. English shows the codes.
    chinese = is_zh()
    modes = translated(labels.MODES) if chinese else {}
    kinds = translated(labels.RELIABILITIES) if chinese else {}
    left, right = st.columns(2)
    evaluator = left.selectbox(tr("Evaluator"), ids, format_func=lambda e: names[e])
    edition_id = left.text_input(tr("Edition id (letters, digits, dashes)"), "import-1")
    title_zh = left.text_input(tr("Title (Chinese)"), "")
    title_en = left.text_input(tr("Title (English)"), "")
    data_year = right.number_input(tr("Data year"), 2000, 2100, 2021)
    released = right.text_input(tr("Released (YYYY-MM-DD or YYYY-MM)"), "")
    mode = right.selectbox(
        tr("Mode"),
        schemas.EDITION_MODES,
        format_func=lambda m: modes.get(m, m),
    )
    score_max = right.number_input(tr("Highest possible score"), 1.0, 10_000.0, 100.0)
    source_title = st.text_input(tr("Source title"), "")
    source_url = st.text_input(tr("Source URL"), "")
    reliability = st.selectbox(
        tr("Source kind"),
        schemas.SOURCE_RELIABILITY[:-1],
        format_func=lambda r: kinds.get(r, r),
    )
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
        problems.append(tr("edition id: letters, digits and dashes only"))
    if not meta["title_zh"]:
        problems.append(tr("a Chinese title"))
    if not meta["source"]["title"]:
        problems.append(tr("a source title"))
    return problems


def render_missing(missing: list[str]) -> None:
    """Say what the form still needs before the snapshot can be written."""
    separator = "；" if is_zh() else "; "
    st.info(tr("Still needed: {items}.", items=separator.join(missing)))


def render_rejected(rejected: Exception, where: Any = st) -> None:
    """Say that the file was rejected and why (the checker's reason, in English, apart)."""
    if is_zh():
        where.error(tr("Rejected: the file cannot be imported. The checker's reason:"))
        where.caption(md_escape(str(rejected)))
    else:
        where.error(md_escape(tr("Rejected: {reason}", reason=str(rejected))))


def problems_frame(problems: list[Problem]) -> pl.DataFrame:
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


def render_rejected_status(status: Any, rejected: Exception) -> None:
    """Mark the import's status as rejected, with the checker's reason (apart in Chinese)."""
    if is_zh():
        status.update(label=tr("Rejected"), state="error")
        render_rejected(rejected)
    else:
        status.update(
            label=md_escape(tr("Rejected: {reason}", reason=str(rejected))), state="error"
        )


def problems_columns() -> dict[str, Any]:
    """Return Chinese column headers for :func:`problems_frame` (none in English).

    The problem messages come from the checker (``loaders.imports``) in English.
    """
    if not is_zh():
        return {}
    return {
        "severity": st.column_config.TextColumn(tr("Severity")),
        "row": st.column_config.NumberColumn(tr("Row"), format="%d"),
        "column": st.column_config.TextColumn(tr("Column")),
        "value": st.column_config.TextColumn(tr("Value")),
        "problem": st.column_config.TextColumn(tr("Problem (as the checker wrote it)")),
    }


def problems_display(problems: list[Problem]) -> pl.DataFrame:
    """Return :func:`problems_frame` for display: severities labelled in Chinese in zh."""
    frame = problems_frame(problems)
    if not is_zh():
        return frame
    words = translated(labels.SEVERITIES)
    return frame.with_columns(pl.col("severity").replace_strict(words, default=pl.col("severity")))


def render_preview(table: Table, parsed: list[ParsedRow]) -> None:
    """Show how the file was read: encoding, sheet, column mapping and the first rows."""
    header = table.rows[table.header_row]
    if is_zh():
        # NOTE: names from the file go in code spans (no backticks of their own).
        sheet = tr(", sheet `{sheet}`", sheet=table.sheet.replace("`", "'")) if table.sheet else ""
        st.markdown(
            tr(
                "Read as `{encoding}`{sheet}; header on row {row}; {n} rows ready to import.",
                encoding=table.encoding.replace("`", "'"),
                sheet=sheet,
                row=table.header_row + 1,
                n=len(parsed),
            )
        )
    else:
        how = f"Read as {table.encoding}" + (f", sheet {table.sheet}" if table.sheet else "")
        st.text(
            tr(
                "{how}; header on row {row}; {n} rows ready to import.",
                how=how,
                row=table.header_row + 1,
                n=len(parsed),
            )
        )
    read_as = list(table.columns.values())
    if is_zh():
        read_as = [tr(labels.IMPORT_FIELDS[f]) if f in labels.IMPORT_FIELDS else f for f in read_as]
    mapping = pl.DataFrame(
        {
            "column in file": [header[i] for i in table.columns],
            "read as": read_as,
        }
    )
    columns = {}
    if is_zh():
        columns = {
            "column in file": st.column_config.TextColumn(tr("Column in the file")),
            "read as": st.column_config.TextColumn(tr("Read as")),
        }
    st.dataframe(mapping, hide_index=True, column_config=columns)
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
