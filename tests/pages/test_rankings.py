from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import assessments, rankings
from tests.fixtures import demo_snapshot

SNAPSHOT = str(demo_snapshot())
PAGE = routes.RANKINGS.file


def _open(run_app: Callable[..., AppTest], **params: str) -> AppTest:
    at = run_app(PAGE, **params)
    # NOTE: in AppTest the first run after switch_page returns the sidebar widgets'
    # defaults (their ids change with the page); the session's view is back on the next
    # run. A real browser keeps the view across page switches (checked with Playwright).
    at.run()
    assert not at.exception
    return at


def _table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def _notes(at: AppTest) -> str:
    return " ".join([i.value for i in at.info] + [c.value for c in at.caption])


def test_provincial_ranking_shows_only_that_province(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    shown = _table(at)
    expected = rankings.ranking_table(SNAPSHOT, "demo-tp-2021", province="520000")
    assert 80 <= len(shown) <= 88 and len(shown) == expected.height
    assert shown["adcode"].str.startswith("52").all()
    # ranks 1..n in order; tied totals share the best rank (Guizhou has one tie: 86, 86, 88)
    assert shown["rank"].iloc[0] == 1 and shown["rank"].iloc[-1] == len(shown)
    assert shown["rank"].is_monotonic_increasing
    assert list(shown["total"]) == sorted(shown["total"], reverse=True)
    higher = [int((shown["total"] > total).sum()) + 1 for total in shown["total"]]
    assert list(shown["rank"]) == higher
    assert "rank_national" in shown.columns
    assert f"{len(shown)} of {len(shown)} counties shown" in _notes(at)
    prefectures = at.selectbox(key="rankings_prefecture").options
    assert "贵阳市" in prefectures and "杭州市" not in prefectures


def _assessed(edition: str, province: str | None = None) -> int:
    """The counties ``edition`` assessed (in ``province``) in the test snapshot."""
    view = assessments.county_view(SNAPSHOT, edition, province=province)
    return view.filter(pl.col("status") == "assessed").height


def test_national_ranking_by_default(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    shown = _table(at)
    assert len(shown) == _assessed("demo-tp-2021") > 500
    assert shown["rank"].iloc[0] == 1
    assert shown["total"].iloc[0] == shown["total"].max()
    assert shown["rank"].is_monotonic_increasing
    assert "rank_national" not in shown.columns
    assert shown["adcode"].str.fullmatch(r"\d{6}").all()
    assert shown["transparency"].between(0, 100).all()
    assert at.query_params["edition"] == "demo-tp-2021"
    title, provenance = at.title[0].value, at.caption[0].value
    assert title == "Rankings"
    assert "Demo Integrity Ratings Ltd." in provenance
    assert "· third-party assessment ·" in provenance and "method: partly published" in provenance
    assert provenance.endswith("synthetic demo data")
    assert "Synthetic demo data on screen" in at.warning[0].value


def test_first_edition_of_a_series_has_no_rank_change(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, edition="demo-tp-2018")
    assert _table(at)["rank_change"].isna().all()
    assert "no previous edition" in _notes(at)


def test_rank_change_against_a_flagged_previous_edition(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, edition="demo-tp-2021")
    change = _table(at)["rank_change"]
    assert change.notna().sum() > 0.9 * _assessed("demo-tp-2021")
    assert (change > 0).any() and (change < 0).any()
    note = " ".join(i.value for i in at.info)
    assert "demo-tp-2020" in note or "2020" in note
    assert "second-level indicators differ" in note and "adds 1" in note


def _county_links(at: AppTest) -> list:
    return [link.proto for link in at.get("page_link") if link.proto.page == "county"]


def test_provenance_links_to_the_evaluator(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    (link,) = [x.proto for x in at.get("page_link") if x.proto.page == "evaluators"]
    assert "edition=demo-tp-2021" in link.query_string


def test_rank_change_of_a_clean_comparison(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, edition="demo-tp-2019")
    assert _table(at)["rank_change"].notna().sum() > 0.9 * _assessed("demo-tp-2019")
    assert "same indicator tree" in _notes(at)


def test_search_by_pinyin_leaves_one_county_and_links_its_profile(
    run_app: Callable[..., AppTest],
) -> None:
    at = _open(run_app)
    at.text_input(key="rankings_search").input("xiuwen").run()
    shown = _table(at)
    assert list(shown["name_zh"]) == ["修文县"]
    assert f"1 of {_assessed('demo-tp-2021'):,} counties shown" in _notes(at)
    (link,) = _county_links(at)
    assert link.page == "county"
    assert "county=520123" in link.query_string and "edition=demo-tp-2021" in link.query_string


@pytest.mark.parametrize("search", ["<script>alert(1)</script>", ".*", "("])
def test_odd_search_text_finds_nothing_and_breaks_nothing(
    run_app: Callable[..., AppTest], search: str
) -> None:
    at = _open(run_app, province="52")
    at.text_input(key="rankings_search").input(search).run()
    assert not at.exception
    assert _table(at).empty
    assert "0 of" in _notes(at)
    assert not _county_links(at)


def test_grade_and_prefecture_filters(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    at.multiselect(key="rankings_grades").select("A").select("BBB").run()
    assert set(_table(at)["grade"]) == {"A", "BBB"}
    at.multiselect(key="rankings_grades").set_value([]).run()
    at.selectbox(key="rankings_prefecture").select("520100").run()
    shown = _table(at)
    assert set(shown["prefecture_name_zh"]) == {"贵阳市"}
    assert list(shown["rank"]) == sorted(shown["rank"])  # provincial ranks kept, not renumbered


def test_download_holds_exactly_the_rows_shown(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]]
) -> None:
    at = _open(run_app, province="33")
    at.multiselect(key="rankings_grades").select("BBB").run()
    shown = _table(at)
    latest = downloads[-3]  # CSV, then XLSX, then ZIP
    assert latest["file_name"] == "rankings-demo-tp-2021-33-SYNTHETIC.csv"
    text = latest["data"]().decode("utf-8")  # generated on click
    assert text.startswith("\ufeffProvincial rank (Total score),National rank (Total score),")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert 0 < len(rows) == len(shown) < 90
    assert [r["Adcode"] for r in rows] == list(shown["adcode"])
    assert [int(r["Provincial rank (Total score)"]) for r in rows] == list(shown["rank"])
    assert {r["Grade"] for r in rows} == {"BBB"}
    assert {r["Data"] for r in rows} == {"SYNTHETIC demo data"}
    assert len(rows[0]) == len(shown.columns) + 1  # and the data column


def test_top_ten_of_guizhou_on_transparency_is_what_the_download_holds(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]], tmp_path: Path
) -> None:
    """rankings?metric=transparency&province=52&top=10: ten Guizhou counties, by transparency."""
    at = _open(run_app, metric="transparency", province="52", top="10")
    shown = _table(at)
    assert len(shown) == 10
    assert set(shown["adcode"].str[:2]) == {"52"}
    assert shown["score"].is_monotonic_decreasing  # descending transparency
    assert list(shown["rank"]) == sorted(shown["rank"]) and shown["rank"].iloc[0] == 1
    every = rankings.ranking_table(
        SNAPSHOT, "demo-tp-2021", province="520000", metric="transparency"
    )
    best = every.sort("score", descending=True, nulls_last=True).head(10)
    assert list(shown["adcode"]) == best["adcode"].to_list()
    header = json.loads(at.dataframe[0].proto.columns)
    label = "Transparency (open government) 透明度"  # the sidebar's metric label
    assert header["rank"]["label"] == f"Provincial rank ({label})"
    assert header["rank_national"]["label"] == f"National rank ({label})"
    assert at.query_params["top"] == "10"
    csv_file, _, zip_file = downloads[-3:]
    assert csv_file["file_name"] == "rankings-demo-tp-2021-52-transparency-top10-SYNTHETIC.csv"
    data = csv_file["data"]()
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith(f"Provincial rank ({label}),National rank ({label}),")  # header
    exported = pl.read_csv(io.BytesIO(data))
    assert exported.height == 10
    assert exported["Adcode"].cast(pl.String).to_list() == list(shown["adcode"])
    assert exported[label].to_list() == list(shown["score"])
    with zipfile.ZipFile(io.BytesIO(zip_file["data"]())) as archive:
        archive.extractall(tmp_path)
    from frictionless import validate

    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["synthetic"] is True and package["edition"] == "demo-tp-2021"
