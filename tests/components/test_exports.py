"""Table exports open cleanly everywhere, say where they came from, and run no formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
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
ABOUT = exports.About(
    what="Rankings · province 52",
    snapshot_id="demo-snapshot-1",
    manifest_sha=SHA,
    edition="demo-tp-2021",
    synthetic=True,
    evaluator="Demo Integrity Ratings Ltd. (fictional)",
    source_title="Demo data generator",
    accessed="2026-12-03",
)
REAL = exports.About(
    what="Published results",
    snapshot_id="demo-snapshot-1",
    manifest_sha=SHA,
    edition="zhongding-2021",
    synthetic=False,
    evaluator="Zhongding Credit Rating Service Co., Ltd.",
    source_title="Repost of a report",
    source_url="http://www.ahstudent.com/jingji/2022/0819/52051.html",
    accessed="2026-12-03",
)


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


def _csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    columns, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return columns, rows


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _xlsx(data: bytes) -> tuple[list[Any], list[list[Any]]]:
    sheet = _book(data).worksheets[0]
    columns, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return columns, rows


def _cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    return [cell for sheet in _book(data).worksheets for row in sheet.iter_rows() for cell in row]


def _unzip(data: bytes, into: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(into)
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_cell_would_be_evaluated(frame: pl.DataFrame, fmt: exports.Format) -> None:
    hostile = frame.with_columns(pl.Series("name_zh", [*HOSTILE] * 5 + [None] * 5))
    data = exports.table_bytes(hostile, fmt, about=ABOUT)
    if fmt == "csv":
        columns, rows = _csv(data)
        cells = [*columns, *(c for r in rows for c in r)]
        assert not [c for c in cells if FORMULA.match(c) and not NUMBER.fullmatch(c)]
        names = [r[1] for r in rows]
        assert set(names[:7]) == {"'" + h for h in HOSTILE}
    else:
        cells = _cells(data)
        assert all(c.data_type != "f" for c in cells)  # nothing is stored as a formula
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert not [t for t in texts if FORMULA.match(t)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_first_line_is_the_header_and_the_rows_are_the_rows(
    frame: pl.DataFrame, fmt: exports.Format
) -> None:
    data = exports.table_bytes(frame, fmt, about=ABOUT)
    columns, rows = _csv(data) if fmt == "csv" else _xlsx(data)
    assert columns == [
        "Rank",
        "County",
        "Rank change",
        "Total score",
        "Grade",
        "Published as",
        "Data",
    ]
    assert len(rows) == frame.height
    assert [int(r[0]) for r in rows] == frame["rank"].to_list()  # same order
    assert {r[-1] for r in rows} == {"SYNTHETIC demo data"}  # on every row


def test_machine_names_are_the_data_names(frame: pl.DataFrame) -> None:
    columns, _ = _csv(exports.table_bytes(frame, "csv", about=ABOUT, machine=True))
    assert columns == [*frame.columns, "data"]


def test_csv_round_trips_through_pandas_and_polars(frame: pl.DataFrame) -> None:
    data = exports.table_bytes(frame, "csv", about=REAL)
    by_polars = pl.read_csv(io.BytesIO(data))
    by_pandas = pd.read_csv(io.BytesIO(data))
    assert by_polars.columns == list(by_pandas.columns)
    assert by_polars.columns[0] == "Rank"  # no byte-order mark in the first name
    assert by_polars["Rank"].to_list() == by_pandas["Rank"].tolist() == frame["rank"].to_list()
    assert by_polars["Total score"].to_list() == frame["total"].to_list()
    assert by_pandas["Total score"].tolist() == frame["total"].to_list()
    assert by_polars["Rank change"].to_list() == frame["rank_change"].to_list()
    names = [n if n is None else str(n) for n in frame["name_zh"].to_list()]
    safe = [n if n is None or not FORMULA.match(n) else "'" + n for n in names]
    assert by_polars["County"].to_list() == safe
    assert set(by_pandas["Data"]) == {"real, cited"}


def test_the_zip_is_a_valid_data_package(frame: pl.DataFrame, tmp_path: Path) -> None:
    from frictionless import validate

    files = _unzip(exports.table_bytes(frame, "zip", about=REAL, stem="published-z"), tmp_path)
    assert set(files) == {"published-z.csv", "datapackage.json", "README.md"}
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])
    package = json.loads(files["datapackage.json"])
    assert package["sources"][0]["path"] == REAL.source_url
    assert package["snapshot"] == {"id": "demo-snapshot-1", "manifest_sha256": SHA}
    assert package["synthetic"] is False and package["edition"] == "zhongding-2021"
    assert package["evaluator"] == "Zhongding Credit Rating Service Co., Ltd."
    assert package["licenses"][0]["title"].startswith("Real rows are facts published")
    fields = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == _csv(files["published-z.csv"])[0]
    assert {f["title"]: f["type"] for f in fields}["rank"] == "integer"
    assert {f["title"]: f["type"] for f in fields}["total"] == "number"
    assert all(f["description"] for f in fields)
    readme = files["README.md"].decode()
    assert REAL.source_url in readme and SHA in readme


def test_a_synthetic_package_says_so_everywhere(frame: pl.DataFrame, tmp_path: Path) -> None:
    files = _unzip(exports.table_bytes(frame, "zip", about=ABOUT), tmp_path)
    package = json.loads(files["datapackage.json"])
    assert package["synthetic"] is True
    assert "SYNTHETIC demo data" in package["description"]
    assert files["README.md"].decode().splitlines()[2].startswith("**SYNTHETIC")
    assert exports.marked_stem("rankings", True).endswith("-SYNTHETIC")


def test_xlsx_has_the_table_first_and_an_about_sheet(frame: pl.DataFrame) -> None:
    book = _book(exports.table_bytes(frame, "xlsx", about=REAL))
    assert book.sheetnames == ["Table", "About"]
    rows = [[c.value for c in r] for r in book["About"].iter_rows()]
    split = next(i for i, r in enumerate(rows) if r[0] == "Columns")
    about = {r[0]: r[1] for r in rows[:split] if len(r) > 1}
    columns = {r[0]: r[1] for r in rows[split + 1 :] if len(r) > 1}
    assert about["Source URL"] == REAL.source_url
    assert about["Manifest sha256"] == SHA and about["Data"] == "real, cited"
    assert columns["Rank"].startswith("Rank computed here")  # what each column holds


def test_a_hostile_provenance_stays_inert(frame: pl.DataFrame, tmp_path: Path) -> None:
    hostile = exports.About(
        what="=cmd|' /C calc'!A0\nsecond line",
        snapshot_id="s,1",
        manifest_sha=SHA,
        evaluator="@SUM(1)",
        accessed="2026-12-03",
    )
    book = _book(exports.table_bytes(frame, "xlsx", about=hostile))
    values = [c.value for row in book["About"].iter_rows() for c in row if c.value]
    assert "'=cmd|' /C calc'!A0 second line" in values and "'@SUM(1)" in values
    files = _unzip(exports.table_bytes(frame, "zip", about=hostile), tmp_path)
    assert json.loads(files["datapackage.json"])["title"] == "=cmd|' /C calc'!A0 second line"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_empty_table_keeps_its_columns(frame: pl.DataFrame, fmt: exports.Format) -> None:
    data = exports.table_bytes(frame.clear(), fmt, about=ABOUT)
    columns, rows = _csv(data) if fmt == "csv" else _xlsx(data)
    assert columns[0] == "Rank" and rows == []


def test_xlsx_drops_what_a_workbook_cannot_hold() -> None:
    odd = pl.DataFrame(
        {
            "when": [dt.datetime(2021, 5, 1, 8, tzinfo=dt.UTC)],
            "score": [float("nan")],
            "note": ["bell\x07and tab"],
        }
    )
    _, rows = _xlsx(exports.table_bytes(odd, "xlsx", about=ABOUT))
    assert rows == [[dt.datetime(2021, 5, 1, 8), None, "bell\ufffdand tab", "SYNTHETIC demo data"]]


def test_an_unknown_format_is_refused(frame: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        exports.table_bytes(frame, "pdf", about=ABOUT)  # type: ignore[arg-type]


def _three_buttons() -> None:
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


def test_render_downloads_draws_csv_xlsx_and_zip_side_by_side() -> None:
    at = AppTest.from_function(_three_buttons, default_timeout=30).run()
    assert not at.exception
    buttons = [b.proto for b in at.get("download_button")]
    assert [b.label for b in buttons] == [
        "Download these rows (CSV)",
        "Download these rows (XLSX)",
        "Download these rows (ZIP with data package)",
    ]
    assert all(b.ignore_rerun and b.icon and b.deferred_file_id for b in buttons)
    assert at.toggle[0].label == "Machine column names"


def test_record_codes_become_the_labels_on_screen_unless_machine_names() -> None:
    from components.records import relabel

    rows = pl.DataFrame({"source_agency": ["civil_service"], "record_type": ["commendation"]})

    def written(machine: bool, lang: str) -> list[list[str]]:
        data = exports._deferred(rows, "csv", ABOUT, machine, None, "r", lang, relabel)
        columns, body = _csv(data)
        return [columns, *body]

    assert written(False, "en")[1][:2] == [
        "Civil service administration 公务员局",
        "Commendation 表彰",
    ]
    assert written(False, "zh")[1][:2] == ["公务员局", "表彰"]
    assert written(True, "en") == [
        ["source_agency", "record_type", "data"],
        ["civil_service", "commendation", "SYNTHETIC demo data"],
    ]
