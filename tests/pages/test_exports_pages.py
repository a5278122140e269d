"""Every table download offers CSV and XLSX with the rows shown, its provenance, no formula.

The snapshot is the committed one with a county named like a spreadsheet formula
(``=HYPERLINK(...)``): each page's exports must hold it neutralised (a leading ``'``),
the same rows in CSV and XLSX as in the table on screen, and a header naming the
snapshot, its manifest hash and, for synthetic data, SYNTHETIC.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import polars as pl
import pytest
import streamlit
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


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every download button drawn, with its (deferred) data, in drawing order."""
    drawn: list[dict[str, Any]] = []
    original = streamlit.download_button

    def spy(label: str, data: Any, *args: Any, **kwargs: Any) -> bool:
        drawn.append({"label": label, "data": data, **kwargs})
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    return drawn


def _open(run_app: Callable[..., AppTest], page: str, snapshot: str, **params: str) -> AppTest:
    at = run_app(page, snapshot=snapshot, **params)
    at.run()  # NOTE: the first run after AppTest's page switch shows sidebar defaults
    assert not at.exception
    return at


def _last_pair(drawn: list[dict[str, Any]]) -> tuple[bytes, bytes]:
    """Return the CSV and XLSX bytes of the last pair of buttons (built as on a click)."""
    csv_button, xlsx_button = drawn[-2:]
    assert csv_button["file_name"].endswith(".csv")
    assert xlsx_button["file_name"] == csv_button["file_name"].removesuffix(".csv") + ".xlsx"
    assert csv_button["on_click"] == xlsx_button["on_click"] == "ignore"
    return csv_button["data"](), xlsx_button["data"]()


def _read_csv(data: bytes) -> tuple[str, list[str], list[list[str]]]:
    assert data.startswith(b"\xef\xbb\xbf")
    (header,), columns, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return header, columns, rows


def _read_xlsx(data: bytes) -> tuple[str, list[str], list[list[Any]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if FORMULA.match(text)]
    (header, *_), columns, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return header, columns, rows


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


def _check_pair(csv_data: bytes, xlsx_data: bytes, snapshot: str) -> list[dict[str, str]]:
    """Assert CSV and XLSX hold the same header, columns and rows; return the CSV rows."""
    header, columns, rows = _read_csv(csv_data)
    xlsx_header, xlsx_columns, xlsx_rows = _read_xlsx(xlsx_data)
    snap = open_snapshot(snapshot)
    assert header == xlsx_header
    assert f"snapshot {snap.snapshot_id}" in header
    assert f"manifest sha256 {snap.manifest_sha256[:12]}" in header
    assert columns == xlsx_columns
    assert len(rows) == len(xlsx_rows)
    for row, xlsx_row in zip(rows, xlsx_rows, strict=True):
        assert all(_same(a, b) for a, b in zip(row, xlsx_row, strict=True)), (row, xlsx_row)
    texts = [cell for row in rows for cell in row if not NUMBER.fullmatch(cell)]
    assert not [text for text in [header, *columns, *texts] if FORMULA.match(text)]
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _hostile_row(rows: list[dict[str, str]]) -> dict[str, str]:
    (row,) = [r for r in rows if r["adcode"] == COUNTY]
    return row


def test_rankings_exports_hold_the_rows_shown(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]], formula_snapshot: str
) -> None:
    at = _open(run_app, routes.RANKINGS.file, formula_snapshot, province="52")
    shown: pd.DataFrame = at.dataframe[0].value
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download these rows (CSV)", "Download these rows (XLSX)"]
    rows = _check_pair(*_last_pair(downloads), formula_snapshot)
    assert [r["adcode"] for r in rows] == list(shown["adcode"])
    assert [int(r["rank"]) for r in rows] == list(shown["rank"])
    assert shown.loc[shown["adcode"] == COUNTY, "name_zh"].item() == HYPERLINK
    assert _hostile_row(rows)["name_zh"] == "'" + HYPERLINK
    header = _read_csv(_last_pair(downloads)[0])[0]
    assert header.startswith("# Rankings · province 52 · edition demo-tp-2021 · ")
    assert header.endswith("SYNTHETIC demo data: not real assessments")


def test_published_results_exports_are_not_marked_synthetic(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]], formula_snapshot: str
) -> None:
    at = _open(
        run_app, routes.RANKINGS.file, formula_snapshot, province="52", edition="zhongding-2021"
    )
    shown: pd.DataFrame = at.dataframe[0].value
    csv_data, xlsx_data = _last_pair(downloads)
    rows = _check_pair(csv_data, xlsx_data, formula_snapshot)
    assert [r["adcode"] for r in rows] == list(shown["adcode"])
    assert _hostile_row(rows)["name_zh"] == "'" + HYPERLINK
    header = _read_csv(csv_data)[0]
    assert "edition zhongding-2021" in header and "SYNTHETIC" not in header


def test_metrics_exports_hold_the_reweighted_rows(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]], formula_snapshot: str
) -> None:
    at = _open(run_app, routes.METRICS.file, formula_snapshot, province="52", weights="100,0,0,0,0")
    shown: pd.DataFrame = at.dataframe[-1].value
    csv_data, xlsx_data = _last_pair(downloads)
    rows = _check_pair(csv_data, xlsx_data, formula_snapshot)
    assert [r["adcode"] for r in rows] == list(shown["adcode"])
    assert [int(r["rank"]) for r in rows] == list(shown["rank"])
    assert _hostile_row(rows)["name_zh"] == "'" + HYPERLINK
    header = _read_csv(csv_data)[0]
    assert "under weights 100,0,0,0,0" in header and "edition demo-tp-2021" in header
    assert "SYNTHETIC" in header


def test_records_exports_hold_the_filtered_records(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]], formula_snapshot: str
) -> None:
    at = _open(
        run_app, routes.RECORDS.file, formula_snapshot, province="52", county=COUNTY,
        records_layer=labels.RECORD_LAYERS["demo"],
    )  # fmt: skip
    shown = next(d.value for d in at.dataframe if "record_id" in d.value.columns)
    csv_data, xlsx_data = _last_pair(downloads)
    rows = _check_pair(csv_data, xlsx_data, formula_snapshot)
    wanted = records.RecordFilters(
        county=COUNTY, start=dt.date(2016, 1, 1), end=dt.date(2021, 12, 31), synthetic=True
    )
    assert len(rows) == records.count_records(formula_snapshot, wanted) > 0
    assert [r["record_id"] for r in rows[: len(shown)]] == list(shown["record_id"])
    assert {r["name_zh"] for r in rows} == {"'" + HYPERLINK}
    header = _read_csv(csv_data)[0]
    assert header.startswith(f"# Records county {COUNTY}")
    assert "edition" not in header
    assert header.endswith("SYNTHETIC demo data: not real records about any government body")


def test_page_files_hold_no_download_button_but_through_exports() -> None:
    """Every table download goes through components.exports (so it says where it came from)."""
    pages = sorted((paths.ROOT / "pages").glob("*.py"))
    direct = [p.name for p in pages if "st.download_button(" in Path(p).read_text()]
    assert direct == ["import.py"]  # the import problem report is not a data table


def test_exports_in_chinese_say_where_they_came_from_in_chinese(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]]
) -> None:
    """With lang=zh the buttons and the file header are Chinese; rows and columns are data."""
    snapshot = str(demo_snapshot())
    _open(run_app, routes.RANKINGS.file, snapshot, province="52", lang="zh")
    assert downloads[-2]["label"] == "下载这些行（CSV）"
    csv_data, xlsx_data = _last_pair(downloads)
    header, columns, rows = _read_csv(csv_data)
    snap = open_snapshot(snapshot)
    assert header == _read_xlsx(xlsx_data)[0]
    assert header.startswith("# 排名 · 省份 52 · 评估期次 demo-tp-2021")
    assert f"数据快照 {snap.snapshot_id}" in header
    assert f"清单校验值 {snap.manifest_sha256[:12]}" in header
    assert header.endswith("合成演示数据：非真实评估")
    assert "name_zh" in columns and "name_pinyin" not in columns
    guizhou = rankings.ranking_table(snapshot, "demo-tp-2021", province="520000")
    assert len(rows) == guizhou.height  # Guizhou's assessed counties, as in English
