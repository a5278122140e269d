"""Table exports: CSV and XLSX that say where they came from and never run a formula.

Every table that leaves the app carries a header naming what it is, the snapshot id,
the first 12 characters of the manifest's sha256 (which pins every number), the edition
and, for synthetic data, a SYNTHETIC mark (DESIGN.md §4). Text that a spreadsheet would
run as a formula (starting with ``= + - @``, tab or CR) gets a leading ``'``
(DESIGN.md §8); numbers stay numbers.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Callable
from typing import Any, Literal

import polars as pl
import streamlit as st
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from components.i18n import mark, tr
from loaders.store import SnapshotRef

Format = Literal["csv", "xlsx"]
SYNTHETIC_MARK = mark("SYNTHETIC demo data: not real assessments")
SYNTHETIC_RECORDS_MARK = mark("SYNTHETIC demo data: not real records about any government body")
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_START = r"^[=+\-@\t\r]"
_FORMULA = re.compile(FORMULA_START)
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ICONS = {"csv": ":material/download:", "xlsx": ":material/table_view:"}
_NESTED = (pl.List, pl.Array, pl.Struct, pl.Object, pl.Binary)


def neutral_text(text: str) -> str:
    r"""Return ``text`` with a leading ``'`` if a spreadsheet would run it as a formula.

    Examples
    --------
    >>> neutral_text('=HYPERLINK("https://evil.example")'), neutral_text("修文县")
    ('\'=HYPERLINK("https://evil.example")', '修文县')
    """
    return "'" + text if _FORMULA.match(text) else text


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` safe for spreadsheets: text cells and column names neutralised.

    Categorical and nested columns become text first (so they are checked too); number,
    date and boolean columns are left as they are, so a rank change of ``-3`` stays a
    number.

    Examples
    --------
    >>> neutralise(pl.DataFrame({"name_zh": ["=1+1", "@x", "a"], "change": [-3, 0, 2]})).rows()
    [("'=1+1", -3), ("'@x", 0), ('a', 2)]
    """
    frame = frame.with_columns(
        pl.col(name).cast(pl.String)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Categorical | pl.Enum)
    ).with_columns(
        pl.Series(name, [None if v is None else str(v) for v in frame.get_column(name).to_list()])
        for name, dtype in frame.schema.items()
        if isinstance(dtype, _NESTED)
    )
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    frame = frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )
    return frame.rename({name: neutral_text(name) for name in frame.columns})


def header_line(
    *,
    what: str,
    snapshot_id: str,
    manifest_sha: str,
    edition: str | None,
    synthetic: bool,
    mark: str = SYNTHETIC_MARK,
) -> str:
    """Return the one-line header of an export: what, edition, snapshot, hash, synthetic mark.

    Line breaks in any part become spaces, so the header stays one line.

    Examples
    --------
    >>> header_line(what="Rankings · province 52", snapshot_id="default-2026",
    ...     manifest_sha="0123456789abcdef", edition="demo-tp-2021", synthetic=True)
    '# Rankings · province 52 · edition demo-tp-2021 · snapshot default-2026 · \
manifest sha256 0123456789ab · SYNTHETIC demo data: not real assessments'
    """
    parts = [what]
    if edition:
        parts.append(tr("edition {edition}", edition=edition))
    parts += [
        tr("snapshot {snapshot}", snapshot=snapshot_id),
        tr("manifest sha256 {sha}", sha=manifest_sha[:12]),
    ]
    if synthetic:
        parts.append(tr(mark))
    return _LINE_BREAKS.sub(" ", "# " + " · ".join(parts))


def scope(province: str | None) -> str:
    """Return the place a table covers, in words, for export headers.

    Examples
    --------
    >>> scope("520000"), scope(None)
    ('province 52', 'all China')
    """
    return tr("province {code}", code=province[:2]) if province else tr("all China")


def rows_note(rows: int, total: int) -> str:
    """Return how many of the matching rows an export holds, saying when it is cut short.

    Examples
    --------
    >>> rows_note(12, 12)
    '12 of 12 rows'
    >>> rows_note(100000, 250000)
    '100000 of 250000 rows (the first 100000 in the order shown: narrow the filters for the rest)'
    """
    if rows < total:
        return tr(
            "{rows} of {total} rows (the first {rows} in the order shown: narrow the "
            "filters for the rest)",
            rows=rows,
            total=total,
        )
    return tr("{rows} of {total} rows", rows=rows, total=total)


def table_bytes(
    frame: pl.DataFrame,
    fmt: Format,
    *,
    what: str,
    snapshot_id: str,
    manifest_sha: str,
    edition: str | None,
    synthetic: bool,
    mark: str = SYNTHETIC_MARK,
) -> bytes:
    """Return ``frame`` as a CSV or XLSX file that says where it came from.

    CSV is UTF-8 with a byte-order mark (so Excel reads Chinese names), the header
    (:func:`header_line`) on the first line (quoted if it holds a comma), then the
    column names and exactly the rows of ``frame``. XLSX holds the same header in
    cell A1, the column names in row 2 and the rows from row 3; every text cell is
    stored as text, never as a formula. In both, text that starts like a formula gets
    a leading ``'`` (:func:`neutralise`).

    Parameters
    ----------
    frame
        The rows and columns to export, as shown on the page.
    fmt
        ``"csv"`` or ``"xlsx"``.
    what
        What the table is (``"Rankings · province 52"``), first in the header.
    snapshot_id, manifest_sha
        The snapshot's id and the sha256 of its manifest (the header keeps 12 characters).
    edition
        Edition id, or None for a table not tied to one edition.
    synthetic
        Whether the rows are synthetic demo data: the header then says so (``mark``).
    mark
        The synthetic mark.

    Returns
    -------
    bytes
        The file's content.

    Examples
    --------
    >>> data = table_bytes(pl.DataFrame({"name_zh": ["=1+1"], "rank_change": [-3]}), "csv",
    ...     what="Rankings", snapshot_id="s1", manifest_sha="ab" * 32, edition="demo-tp-2021",
    ...     synthetic=False)
    >>> data.decode("utf-8-sig").splitlines()
    ['# Rankings · edition demo-tp-2021 · snapshot s1 · manifest sha256 abababababab', \
'name_zh,rank_change', "'=1+1,-3"]
    """
    header = header_line(
        what=what,
        snapshot_id=snapshot_id,
        manifest_sha=manifest_sha,
        edition=edition,
        synthetic=synthetic,
        mark=mark,
    )
    return encode(frame, fmt, header)


def encode(frame: pl.DataFrame, fmt: Format, header: str) -> bytes:
    """Return ``frame`` as CSV or XLSX under the one-line ``header`` (see :func:`table_bytes`)."""
    safe = neutralise(frame)
    if fmt == "csv":
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow([header])
        return ("\ufeff" + line.getvalue() + safe.write_csv()).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(safe, header)
    raise ValueError(f"unknown export format {fmt!r}: expected 'csv' or 'xlsx'")


def _xlsx(frame: pl.DataFrame, header: str) -> bytes:
    """Return a one-sheet workbook: ``header`` in A1, column names, then the rows."""
    frame = frame.with_columns(  # Excel has no time zones: write UTC wall time
        pl.col(name).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("rows")
    sheet.freeze_panes = "A3"

    def cell(value: Any) -> WriteOnlyCell:
        if isinstance(value, float) and not math.isfinite(value):
            value = None  # Excel has no NaN or infinity
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # text, even if it looked like a formula
        return written

    sheet.append([cell(header)])
    sheet.append([cell(name) for name in frame.columns])
    for row in frame.iter_rows():
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _deferred(frame: pl.DataFrame | Callable[[], pl.DataFrame], fmt: Format, header: str) -> bytes:
    """Return the export of ``frame`` (or of the frame it makes): built on click, not per run.

    The header is written when the buttons are drawn, in the interface language: the
    click may be served outside the page's run.
    """
    rows = frame() if callable(frame) else frame
    return encode(rows, fmt, header)


def render_downloads(
    frame: pl.DataFrame | Callable[[], pl.DataFrame],
    *,
    what: str,
    file_stem: str,
    edition: str | None,
    synthetic: bool,
    snapshot: SnapshotRef,
    label: str | None = None,
    mark: str = SYNTHETIC_MARK,
    disabled: bool = False,
) -> None:
    """Draw two download buttons side by side: the table as CSV and as XLSX.

    The files are built when a button is clicked (not on every rerun) and hold exactly
    the rows of ``frame``, under the header of :func:`header_line`.

    Parameters
    ----------
    frame
        The rows shown, or a function returning them (for tables too big to build
        on every rerun).
    what
        What the table is, first in the header.
    file_stem
        File name without extension; ``.csv`` and ``.xlsx`` are added.
    edition
        Edition id, or None for a table not tied to one edition.
    synthetic
        Whether the rows are synthetic demo data.
    snapshot
        The snapshot shown (``components.frame.shell.current_snapshot()``): its id and
        manifest sha256 go into the header.
    label
        What the buttons download: ``"Download {label} (CSV)"`` (default: these rows).
    mark
        The synthetic mark, when the default (assessments) does not fit.
    disabled
        Whether the buttons are disabled (nothing to download).
    """
    header = header_line(
        what=what,
        snapshot_id=snapshot.snapshot_id,
        manifest_sha=snapshot.manifest_sha256,
        edition=edition,
        synthetic=synthetic,
        mark=mark,
    )
    label = label or tr("these rows")
    with st.container(horizontal=True, gap="small"):
        for fmt in ("csv", "xlsx"):
            # NOTE: st.download_button, not row.download_button: tests spy on the former.
            st.download_button(
                tr("Download {label} ({format})", label=label, format=fmt.upper()),
                data=functools.partial(_deferred, frame, fmt, header),
                file_name=f"{file_stem}.{fmt}",
                mime=MIME[fmt],
                icon=ICONS[fmt],
                on_click="ignore",
                disabled=disabled,
            )
