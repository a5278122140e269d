"""Every table download offers CSV, XLSX and a data-package ZIP with the rows shown.

The snapshot is the committed one with a county named like a spreadsheet formula
(``=HYPERLINK(...)``): each page's exports must hold it neutralised (a leading ``'``),
the same rows in CSV, XLSX and the ZIP as in the table on screen, a valid Frictionless
data package naming the snapshot and its manifest hash, and, for synthetic data,
SYNTHETIC on every row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from components.i18n import labels
from loaders import paths, rankings, records, schemas
from loaders.store import load, open_snapshot, write_snapshot
from tests.fixtures import demo_snapshot
from tests.hostile import COUNTY

HYPERLINK = '=HYPERLINK("https://evil.example/?x=1","修文县")'
FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


@pytest.fixture(scope="session")
def formula_snapshot(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test snapshot with county 修文县 renamed to a spreadsheet formula."""
    base = demo_snapshot()
    tables = {name: load(base, name) for name in schemas.TABLES}
    tables["records"] = tables["records"].drop("year", strict=False)
    tables["divisions"] = tables["divisions"].with_columns(
        name_zh=pl.when(pl.col("adcode") == COUNTY)
        .then(pl.lit(HYPERLINK))
        .otherwise(pl.col("name_zh"))
    )
    out = tmp_path_factory.mktemp("formula") / "snapshot"
    write_snapshot(
        tables,
        out,
        snapshot_id="formula-names",
        description="The test snapshot with a county named like a formula",
        created_by="tests/pages/test_exports_pages.py",
        created_at="2026-01-01T00:00:00Z",
    )
    return str(out)


def _open(run_app: Callable[..., AppTest], page: str, snapshot: str, **params: str) -> AppTest:
    at = run_app(page, snapshot=snapshot, **params)
    at.run()  # NOTE: the first run after AppTest's page switch shows sidebar defaults
    assert not at.exception
    return at


def _last_three(drawn: list[dict[str, Any]]) -> tuple[bytes, bytes, bytes]:
    """Return the CSV, XLSX and ZIP bytes of the last three buttons (built as on a click)."""
    csv_button, xlsx_button, zip_button = drawn[-3:]
    stem = csv_button["file_name"].removesuffix(".csv")
    assert csv_button["file_name"].endswith(".csv")
    assert xlsx_button["file_name"] == stem + ".xlsx" and zip_button["file_name"] == stem + ".zip"
    assert {b["on_click"] for b in drawn[-3:]} == {"ignore"}
    return csv_button["data"](), xlsx_button["data"](), zip_button["data"]()


def _read_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    assert data.startswith(b"\xef\xbb\xbf")
    columns, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return columns, rows


def _read_xlsx(data: bytes) -> tuple[list[str], list[list[Any]], dict[str, Any]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[1] in ("About", "说明")
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if FORMULA.match(text)]
    columns, *rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    about = {r[0].value: r[1].value for r in book.worksheets[1].iter_rows() if len(r) > 1}
    return columns, rows, about


def _read_zip(data: bytes, into: Path) -> dict[str, Any]:
    """Unpack the ZIP, validate its data package with frictionless; return the descriptor."""
    from frictionless import validate

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(into)
    report = validate(into / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])
    return json.loads((into / "datapackage.json").read_text(encoding="utf-8"))


def _as_csv(value: Any) -> str:
    """Return an XLSX cell's value as the CSV writes it (for comparing the two)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)


def _same(csv_cell: str, xlsx_cell: Any) -> bool:
    if isinstance(xlsx_cell, int | float) and not isinstance(xlsx_cell, bool):
        return csv_cell != "" and float(csv_cell) == float(xlsx_cell)
    if isinstance(xlsx_cell, dt.datetime):
        return csv_cell.startswith(_as_csv(xlsx_cell)[:10])
    return csv_cell == _as_csv(xlsx_cell)


def _check_three(
    files: tuple[bytes, bytes, bytes],
    snapshot: str,
    tmp_path: Path,
    *,
    synthetic: bool,
    data_label: str | None = None,
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """Assert CSV, XLSX and ZIP hold the same columns and rows and say where they came from.

    Return the CSV rows keyed by machine column names (from the data package's field
    titles) and the data package descriptor.
    """
    csv_data, xlsx_data, zip_data = files
    columns, rows = _read_csv(csv_data)
    xlsx_columns, xlsx_rows, about = _read_xlsx(xlsx_data)
    package = _read_zip(zip_data, tmp_path / "package")
    snap = open_snapshot(snapshot)
    assert package["snapshot"] == {"id": snap.snapshot_id, "manifest_sha256": snap.manifest_sha256}
    assert package["synthetic"] is synthetic
    assert snap.manifest_sha256 in about.values()
    assert columns == xlsx_columns
    fields = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == columns
    assert len(rows) == len(xlsx_rows)
    for row, xlsx_row in zip(rows, xlsx_rows, strict=True):
        assert all(_same(a, b) for a, b in zip(row, xlsx_row, strict=True)), (row, xlsx_row)
    texts = [cell for row in rows for cell in row if not NUMBER.fullmatch(cell)]
    assert not [text for text in [*columns, *texts] if FORMULA.match(text)]
    machine = [f["title"] for f in fields]
    keyed = [dict(zip(machine, row, strict=True)) for row in rows]
    label = data_label or ("SYNTHETIC demo data" if synthetic else "real, cited")
    assert {r["data"] for r in keyed} == {label} or not keyed
    return keyed, package


def _hostile_row(rows: list[dict[str, str]]) -> dict[str, str]:
    (row,) = [r for r in rows if r["adcode"] == COUNTY]
    return row


def test_rankings_exports_hold_the_rows_shown(
    run_app: Callable[..., AppTest],
    downloads: list[dict[str, Any]],
    formula_snapshot: str,
    tmp_path: Path,
) -> None:
    at = _open(run_app, routes.RANKINGS.file, formula_snapshot, province="52")
    shown: pd.DataFrame = at.dataframe[0].value
    names = [b.proto.label for b in at.get("download_button")]
    assert names == [
        "Download these rows (CSV)",
        "Download these rows (XLSX)",
        "Download these rows (ZIP with data package)",
    ]
    rows, package = _check_three(_last_three(downloads), formula_snapshot, tmp_path, synthetic=True)
    assert [r["adcode"] for r in rows] == list(shown["adcode"])
    assert [int(r["rank"]) for r in rows] == list(shown["rank"])
    assert shown.loc[shown["adcode"] == COUNTY, "name_zh"].item() == HYPERLINK
    assert _hostile_row(rows)["name_zh"] == "'" + HYPERLINK
    assert package["title"].startswith("Rankings by Total score · province 52")
    assert package["edition"] == "demo-tp-2021"
    assert package["evaluator"] == "Demo Integrity Ratings Ltd. (fictional)"


def test_published_results_exports_are_not_marked_synthetic(
    run_app: Callable[..., AppTest],
    downloads: list[dict[str, Any]],
    formula_snapshot: str,
    tmp_path: Path,
) -> None:
    at = _open(
        run_app, routes.RANKINGS.file, formula_snapshot, province="52", edition="zhongding-2021"
    )
    shown: pd.DataFrame = at.dataframe[0].value
    rows, package = _check_three(
        _last_three(downloads), formula_snapshot, tmp_path, synthetic=False
    )
    assert [r["adcode"] for r in rows] == list(shown["adcode"])
    assert _hostile_row(rows)["name_zh"] == "'" + HYPERLINK
    assert package["edition"] == "zhongding-2021" and "SYNTHETIC" not in package["description"]
    assert package["sources"][0]["path"].startswith("http")  # the edition's source


def test_metrics_exports_hold_the_reweighted_rows(
    run_app: Callable[..., AppTest],
    downloads: list[dict[str, Any]],
    formula_snapshot: str,
    tmp_path: Path,
) -> None:
    at = _open(run_app, routes.METRICS.file, formula_snapshot, province="52", weights="100,0,0,0,0")
    shown: pd.DataFrame = at.dataframe[-1].value
    rows, package = _check_three(_last_three(downloads), formula_snapshot, tmp_path, synthetic=True)
    assert [r["adcode"] for r in rows] == list(shown["adcode"])
    assert [int(r["rank"]) for r in rows] == list(shown["rank"])
    assert _hostile_row(rows)["name_zh"] == "'" + HYPERLINK
    assert "under weights 100,0,0,0,0" in package["title"]


def test_records_exports_hold_the_filtered_records(
    run_app: Callable[..., AppTest],
    downloads: list[dict[str, Any]],
    formula_snapshot: str,
    tmp_path: Path,
) -> None:
    at = _open(
        run_app, routes.RECORDS.file, formula_snapshot, province="52", county=COUNTY,
        records_layer=labels.RECORD_LAYERS["demo"],
    )  # fmt: skip
    shown = next(d.value for d in at.dataframe if "record_id" in d.value.columns)
    rows, package = _check_three(_last_three(downloads), formula_snapshot, tmp_path, synthetic=True)
    wanted = records.RecordFilters(
        county=COUNTY, start=dt.date(2016, 1, 1), end=dt.date(2021, 12, 31), synthetic=True
    )
    assert len(rows) == records.count_records(formula_snapshot, wanted) > 0
    assert [r["record_id"] for r in rows[: len(shown)]] == list(shown["record_id"])
    assert {r["name_zh"] for r in rows} == {"'" + HYPERLINK}
    assert package["title"].startswith(f"Records county {COUNTY}")
    assert package["edition"] is None
    assert "not real records about any government body" in package["description"]


def test_page_files_hold_no_download_button_but_through_exports() -> None:
    """Every table download goes through components.exports (so it says where it came from)."""
    pages = sorted((paths.ROOT / "pages").glob("*.py"))
    direct = [p.name for p in pages if "st.download_button(" in Path(p).read_text()]
    assert direct == ["import.py"]  # the import problem report is not a data table


def test_exports_in_chinese_say_where_they_came_from_in_chinese(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]], tmp_path: Path
) -> None:
    """With lang=zh the buttons, column names and the provenance are Chinese."""
    snapshot = str(demo_snapshot())
    _open(run_app, routes.RANKINGS.file, snapshot, province="52", lang="zh")
    assert downloads[-3]["label"] == "下载这些行（CSV）"
    rows, package = _check_three(
        _last_three(downloads), snapshot, tmp_path, synthetic=True, data_label="合成演示数据"
    )
    columns = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    assert columns[:3] == ["省内名次（总分）", "全国名次（总分）", "县区"]
    assert "name_pinyin" not in [f["title"] for f in package["resources"][0]["schema"]["fields"]]
    assert package["title"].startswith("按总分排名 · 省份 52")
    assert "合成演示数据" in package["description"]
    guizhou = rankings.ranking_table(snapshot, "demo-tp-2021", province="520000")
    assert len(rows) == guizhou.height  # Guizhou's assessed counties, as in English
