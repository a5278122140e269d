"""The XLSX writer: what goes in comes back out (read by openpyxl), and nothing runs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import xlsx
from tests.fixtures import require_tool


def _write(*sheets: xlsx.Sheet, **options: object) -> bytes:
    out = io.BytesIO()
    xlsx.workbook(list(sheets), out, **options)  # type: ignore[arg-type]
    return out.getvalue()


def _rows(data: bytes, sheet: int = 0) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [[c.value for c in row] for row in book.worksheets[sheet].iter_rows()]


def test_every_type_comes_back_as_itself() -> None:
    frame = pl.DataFrame(
        {
            "text": ["修文县", " lead & <tail> ", None],
            "int": [1, -20, None],
            "float": [89.88, float("nan"), float("inf")],
            "flag": [True, False, None],
            "day": [dt.date(2021, 5, 1), dt.date(1900, 3, 1), None],
            "when": [dt.datetime(2021, 5, 1, 8, 30, 15), None, dt.datetime(2000, 1, 1)],
        }
    )
    rows = _rows(_write(xlsx.Sheet("T", frame)))
    assert rows[0] == frame.columns
    assert rows[1] == [
        "修文县",
        1,
        89.88,
        True,
        dt.datetime(2021, 5, 1),
        dt.datetime(2021, 5, 1, 8, 30, 15),
    ]
    assert rows[2] == [" lead & <tail> ", -20, None, False, dt.datetime(1900, 3, 1), None]
    assert rows[3] == [None, None, None, None, None, dt.datetime(2000, 1, 1)]


def test_an_aware_time_is_written_as_utc() -> None:
    frame = pl.DataFrame({"when": [dt.datetime(2021, 5, 1, 16, tzinfo=dt.UTC)]}).with_columns(
        pl.col("when").dt.convert_time_zone("Asia/Shanghai")
    )
    assert _rows(_write(xlsx.Sheet("T", frame)))[1] == [dt.datetime(2021, 5, 1, 16)]


def test_dates_carry_a_date_format_and_the_header_is_frozen() -> None:
    frame = pl.DataFrame({"day": [dt.date(2021, 5, 1)], "when": [dt.datetime(2021, 5, 1, 8)]})
    sheet = openpyxl.load_workbook(io.BytesIO(_write(xlsx.Sheet("T", frame)))).worksheets[0]
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet.freeze_panes == "A2"


def test_text_that_looks_like_a_formula_stays_text() -> None:
    hostile = ["=1+1", "@SUM(1)", '=HYPERLINK("http://x")', "+1", "-1"]
    data = _write(xlsx.Sheet("T", pl.DataFrame({"a": hostile})))
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for row in book.worksheets[0].iter_rows(min_row=2) for c in row]
    assert [c.value for c in cells] == hostile
    assert {c.data_type for c in cells} == {"s"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_other_types_are_written_as_text() -> None:
    frame = pl.DataFrame(
        {
            "cat": pl.Series(["a", None], dtype=pl.Categorical),
            "items": [[1, 2], None],
            "id": [1, 2],
        }
    )
    assert _rows(_write(xlsx.Sheet("T", frame)))[1:] == [["a", "[1, 2]", 1], [None, None, 2]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",))), min_size=1))
def test_any_text_comes_back_as_written(texts: list[str]) -> None:
    rows = _rows(_write(xlsx.Sheet("T", pl.DataFrame({"a": texts}, schema={"a": pl.String}))))
    illegal = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    expected = [illegal.sub("\ufffd", t)[: xlsx.MAX_CHARS] for t in texts]
    assert [r[0] if r[0] is not None else "" for r in rows[1:]] == expected


def test_long_text_is_cut_to_what_a_cell_holds() -> None:
    rows = _rows(_write(xlsx.Sheet("T", pl.DataFrame({"a": ["x" * 40_000]}))))
    assert rows[1] == ["x" * xlsx.MAX_CHARS]


def test_chunks_join_without_a_gap_and_progress_reaches_the_total(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsx, "CHUNK", 3)
    seen: list[tuple[int, int]] = []
    frame = pl.DataFrame({"i": list(range(10))})
    notes = pl.DataFrame({"a": ["x", "y"]})
    data = _write(
        xlsx.Sheet("T", frame),
        xlsx.Sheet("N", notes, header=False),
        progress=lambda *a: seen.append(a),
    )
    assert [r[0] for r in _rows(data)[1:]] == list(range(10))
    assert _rows(data, 1) == [["x"], ["y"]]
    assert seen == [(3, 12), (6, 12), (9, 12), (10, 12), (12, 12)]


def test_an_empty_table_keeps_its_header() -> None:
    frame = pl.DataFrame(schema={"rank": pl.Int64, "name": pl.String})
    assert _rows(_write(xlsx.Sheet("T", frame))) == [["rank", "name"]]


def test_sheet_names_are_made_legal_and_unique() -> None:
    data = _write(
        xlsx.Sheet("Records: 2021/22 [demo]", pl.DataFrame({"a": [1]})),
        xlsx.Sheet("Records: 2021/22 [demo]", pl.DataFrame({"a": [2]})),
        xlsx.Sheet("说明", pl.DataFrame({"a": [3]})),
    )
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert names == ["Records 2021 22 demo", "Records 2021 22 demo 2", "说明"]


def test_more_rows_than_a_sheet_holds_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 5)
    with pytest.raises(ValueError, match="at most 5 rows; 'T' has 6: download the CSV"):
        _write(xlsx.Sheet("T", pl.DataFrame({"a": range(5)})))
    assert len(_rows(_write(xlsx.Sheet("T", pl.DataFrame({"a": range(4)}))))) == 5


def test_no_sheet_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one sheet"):
        _write()


def _soffice() -> str:
    """LibreOffice, a second reader made by other people: required in CI."""
    found = shutil.which("soffice")
    missing = None if found else "LibreOffice (soffice) is not installed"
    require_tool(missing, "libreoffice-calc-nogui")
    assert found is not None
    return found


def test_libreoffice_opens_it_and_reads_the_same_cells(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "name": ["修文县", "=1+1", "A & B <c>", "line\r\nbreak", None],
            "score": [89.88, None, float("nan"), -1.5, 0.0],
            "day": [dt.date(2021, 5, 1), None, dt.date(1999, 12, 31), None, None],
            "id": [1, 2, 3, 4, 5],
        }
    )
    (tmp_path / "t.xlsx").write_bytes(_write(xlsx.Sheet("T", frame)))
    profile = (tmp_path / "profile").as_uri()
    utf8_csv = "csv:Text - txt - csv (StarCalc):44,34,76"  # comma, quote, UTF-8
    command = [_soffice(), f"-env:UserInstallation={profile}", "--headless"]
    command += ["--convert-to", utf8_csv, "--outdir", str(tmp_path), str(tmp_path / "t.xlsx")]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    with (tmp_path / "t.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["name", "score", "day", "id"],
        ["修文县", "89.88", "2021-05-01", "1"],
        ["=1+1", "", "", "2"],
        ["A & B <c>", "", "1999-12-31", "3"],
        ["line\nbreak", "-1.5", "", "4"],  # LibreOffice keeps a line break as LF
        ["", "0", "", "5"],
    ]
