"""Table exports say where they came from and hold no cell a spreadsheet would evaluate."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import numpy as np
import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components import exports

SHA = "0123456789abcdef" * 4
FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"-?\d+(\.\d+)?")  # a number cell such as -3 is a number, not a formula
HOSTILE = (
    '=HYPERLINK("https://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
)
PROVENANCE: dict[str, Any] = {
    "what": "Rankings · province 52",
    "snapshot_id": "demo-snapshot-1",
    "manifest_sha": SHA,
    "edition": "demo-tp-2021",
}


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    """Forty rows: names (some hostile, one null), ranks, negative changes, scores, dates."""
    rng = np.random.default_rng(8)
    names = [str(n) for n in rng.choice(["修文县", "息烽县", "Xiuwen", *HOSTILE], size=40)]
    names[3] = None  # type: ignore[call-overload]
    return pl.DataFrame(
        {
            "rank": np.arange(1, 41),
            "name_zh": names,
            "rank_change": rng.integers(-30, 30, size=40),
            "total": np.round(rng.uniform(40, 100, size=40), 1),
            "grade": pl.Series(rng.choice(["A", "BBB", "-C"], size=40)).cast(pl.Categorical),
            "published": pl.date_range(dt.date(2021, 1, 1), dt.date(2021, 2, 9), eager=True),
        }
    )


def _csv(data: bytes) -> tuple[list[str], list[str], list[list[str]]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    header, columns, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return header, columns, rows


def _xlsx(data: bytes) -> tuple[list[Any], list[Any], list[list[Any]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    header, columns, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return header, columns, rows


def _cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_cell_would_be_evaluated(frame: pl.DataFrame, fmt: exports.Format) -> None:
    hostile = frame.rename({"name_zh": "=name_zh"})  # column names are checked too
    data = exports.table_bytes(hostile, fmt, **PROVENANCE, synthetic=True)
    if fmt == "csv":
        header, columns, rows = _csv(data)
        cells = [cell for row in rows for cell in row if not NUMBER.fullmatch(cell)]
        texts = [*header, *columns, *cells]
    else:
        cells = _cells(data)
        assert all(cell.data_type != "f" for cell in cells)
        texts = [cell.value for cell in cells if isinstance(cell.value, str)]
        assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    assert not [text for text in texts if FORMULA.match(text)]
    assert sum(text.startswith("'") for text in texts) >= 8  # hostile names and grades kept


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_holds_exactly_the_rows_given(frame: pl.DataFrame, fmt: exports.Format) -> None:
    data = exports.table_bytes(frame, fmt, **PROVENANCE, synthetic=True)
    expected = [
        ["'" + v if isinstance(v, str) and FORMULA.match(v) else v for v in row]
        for row in frame.rows()
    ]
    if fmt == "csv":
        _, columns, rows = _csv(data)
        assert rows == [["" if v is None else str(v) for v in row] for row in expected]
    else:
        _, columns, rows = _xlsx(data)
        # numbers stay numbers (a negative rank change too); dates come back as datetimes;
        # NOTE: XML reads a CR in text back as LF
        expected = [
            [v.replace("\r", "\n") if isinstance(v, str) else v for v in row] for row in expected
        ]
        dates = [[dt.datetime.combine(row[-1], dt.time())] for row in expected]
        assert [row[:-1] for row in rows] == [row[:-1] for row in expected]
        assert [row[-1:] for row in rows] == dates
        assert all(isinstance(row[2], int) for row in rows)
    assert columns == frame.columns


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_header_names_the_snapshot_hash_edition_and_synthetic(
    frame: pl.DataFrame, fmt: exports.Format
) -> None:
    data = exports.table_bytes(frame, fmt, **PROVENANCE, synthetic=True)
    header = (_csv(data) if fmt == "csv" else _xlsx(data))[0][0]
    assert header == (
        "# Rankings · province 52 · edition demo-tp-2021 · snapshot demo-snapshot-1 · "
        "manifest sha256 0123456789ab · SYNTHETIC demo data: not real assessments"
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_real_edition_has_no_synthetic_mark(frame: pl.DataFrame, fmt: exports.Format) -> None:
    real = {**PROVENANCE, "edition": "zhongding-2021"}
    data = exports.table_bytes(frame, fmt, **real, synthetic=False)
    header = (_csv(data) if fmt == "csv" else _xlsx(data))[0][0]
    assert "SYNTHETIC" not in header
    assert "edition zhongding-2021" in header and "manifest sha256 0123456789ab" in header


def test_a_hostile_header_stays_one_cell_on_one_line(frame: pl.DataFrame) -> None:
    what = 'Ranking under weights 100,0\n=HYPERLINK("https://evil.example"),@x'
    hostile = {**PROVENANCE, "what": what, "snapshot_id": "s,\r-1"}
    data = exports.table_bytes(frame, "csv", **hostile, synthetic=False)
    text = data.decode("utf-8-sig")
    header, _, rows = _csv(data)
    assert len(header) == 1 and header[0].startswith("# Ranking under weights 100,0 =HYPERLINK")
    assert text.splitlines()[1] == ",".join(frame.columns)
    assert len(rows) == frame.height
    xlsx_header, _, _ = _xlsx(exports.table_bytes(frame, "xlsx", **hostile, synthetic=False))
    assert xlsx_header[0] == header[0]


def test_records_have_their_own_synthetic_mark(frame: pl.DataFrame) -> None:
    records = {**PROVENANCE, "edition": None, "mark": exports.SYNTHETIC_RECORDS_MARK}
    header = _csv(exports.table_bytes(frame, "csv", **records, synthetic=True))[0][0]
    assert "edition" not in header
    assert header.endswith("SYNTHETIC demo data: not real records about any government body")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_empty_table_keeps_header_and_columns(frame: pl.DataFrame, fmt: exports.Format) -> None:
    data = exports.table_bytes(frame.clear(), fmt, **PROVENANCE, synthetic=True)
    header, columns, rows = _csv(data) if fmt == "csv" else _xlsx(data)
    assert header[0].startswith("# Rankings") and columns == frame.columns and rows == []


def test_xlsx_drops_what_a_workbook_cannot_hold() -> None:
    odd = pl.DataFrame(
        {
            "name": ["a\x01b", "ok"],
            "score": [float("nan"), 1.5],
            "at": pl.Series([dt.datetime(2021, 1, 1, 8)] * 2).dt.replace_time_zone("UTC"),
            "parts": [[1, 2], [3]],
        }
    )
    _, _, rows = _xlsx(exports.table_bytes(odd, "xlsx", **PROVENANCE, synthetic=False))
    assert rows == [
        ["a\ufffdb", None, dt.datetime(2021, 1, 1, 8), "[1, 2]"],
        ["ok", 1.5, dt.datetime(2021, 1, 1, 8), "[3]"],
    ]


def test_an_unknown_format_is_refused(frame: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        exports.table_bytes(frame, "pdf", **PROVENANCE, synthetic=False)  # type: ignore[arg-type]


def _two_buttons() -> None:
    import polars as pl

    from components import exports
    from loaders import store
    from tests.fixtures import demo_snapshot

    exports.render_downloads(
        pl.DataFrame({"adcode": ["520123"], "name_zh": ["=1"]}),
        what="Rankings",
        file_stem="rankings-demo-tp-2021",
        edition="demo-tp-2021",
        synthetic=True,
        snapshot=store.ref(demo_snapshot()),
    )


def test_render_downloads_draws_csv_and_xlsx_side_by_side() -> None:
    at = AppTest.from_function(_two_buttons).run()
    assert not at.exception
    buttons = [b.proto for b in at.get("download_button")]
    assert [b.label for b in buttons] == [
        "Download these rows (CSV)",
        "Download these rows (XLSX)",
    ]
    assert all(b.ignore_rerun and b.icon and b.deferred_file_id for b in buttons)
