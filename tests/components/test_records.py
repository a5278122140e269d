from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pytest

from components import exports, i18n
from components import record_scores as scores
from components import record_table as table
from components import records as view
from components.frame.filters import Filters
from components.i18n import labels
from loaders import records as loader
from loaders import schemas
from loaders.derive.records import OPEN, disagreement, status_over_time
from loaders.store import write_snapshot
from tests.conftest import tiny_tables
from tests.fixtures import demo_snapshot

DEFAULT = str(demo_snapshot())
PERIOD = loader.RecordFilters(
    province="520000", start=dt.date(2016, 1, 1), end=dt.date(2021, 12, 31)
)


def _sum(values: object) -> float:
    return float(sum(v for v in values if v is not None))  # type: ignore[attr-defined]


def test_monthly_bars_add_up_to_the_rollup_by_source() -> None:
    monthly = loader.monthly(DEFAULT, PERIOD)
    fig = view.monthly_figure(monthly, lang=i18n.lang())
    assert fig.layout.barmode == "stack"
    by_source = dict(monthly.group_by("source_agency").agg(pl.col("records").sum()).rows())
    shown = {trace.name: _sum(trace.y) for trace in fig.data}
    assert shown == {labels.RECORD_SOURCES[s]: n for s, n in by_source.items()}
    months = {m for trace in fig.data for m in trace.x}
    assert min(months) == dt.date(2016, 1, 1) and max(months) == dt.date(2021, 12, 1)


def test_types_bars_give_each_type_its_total_coloured_by_source() -> None:
    monthly = loader.monthly(DEFAULT, PERIOD)
    fig = view.types_figure(monthly, lang=i18n.lang())
    totals = dict(monthly.group_by("record_type").agg(pl.col("records").sum()).rows())
    shown: dict[str, float] = {}
    for trace in fig.data:
        for x, y in zip(trace.x, trace.y, strict=True):
            shown[y] = shown.get(y, 0) + x
    assert shown == {labels.RECORD_TYPES[t]: n for t, n in totals.items()}
    courts = next(t for t in fig.data if t.name == labels.RECORD_SOURCES["courts"])
    assert courts.marker.color == view.SOURCE_COLOURS["courts"]


def test_polarity_lines_and_totals() -> None:
    monthly = loader.monthly(DEFAULT, PERIOD)
    fig = view.polarity_figure(monthly, lang=i18n.lang())
    numbers = view.totals(monthly)
    assert [t.name for t in fig.data] == ["negative", "positive"]
    assert _sum(fig.data[0].y) == numbers["negative"]
    assert _sum(fig.data[1].y) == numbers["positive"]
    assert numbers["all"] == numbers["negative"] + numbers["positive"]


def _records_map(
    filters: loader.RecordFilters, choice: view.MapChoice, *, lang: str = "en"
) -> go.Figure:
    """The records page's map of ``filters`` (its view read as the page reads it)."""
    counties = loader.map_view(DEFAULT, choice.narrow(filters), per_year=choice.per_year)
    synthetic = loader.is_synthetic(DEFAULT)
    return view.map_figure(
        counties, choice=choice, province=filters.province, synthetic=synthetic, lang=lang
    )


@pytest.mark.parametrize("measure", ["count", "per_year"])
def test_province_map_reuses_the_atlas_map_with_record_counts(measure: str) -> None:
    choice = view.MapChoice(measure=measure, polarity="negative")
    fig = _records_map(PERIOD, choice)
    counted, missing, outline = fig.data  # the atlas component's three traces, no inset
    assert all(code.startswith("52") for code in counted.locations)
    assert len(counted.locations) == 88 and not missing.locations
    assert list(outline.locations) == ["520000"]
    assert counted.geojson.split("?v=")[0].endswith("counties_52.json")  # geometry by URL
    negative = dataclasses.replace(PERIOD, polarities=("negative",))
    counts = dict(loader.county_counts(DEFAULT, negative).rows())
    per = 6.0 if measure == "per_year" else 1.0
    shown = {code: row[4] for code, row in zip(counted.locations, counted.customdata, strict=True)}
    assert shown == {code: round(n / per, 2) for code, n in counts.items()}
    assert choice.title in fig.layout.coloraxis.colorbar.title.text
    assert len(pio.to_json(fig)) < 150_000


def test_national_map_has_the_inset_and_greys_areas_without_records() -> None:
    national = loader.RecordFilters(start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31))
    fig = _records_map(national, view.MapChoice(polarity="all"))
    assert len(fig.data) == 6  # main map and South China Sea inset
    missing = set(fig.data[1].locations)
    covered = loader.covered_provinces(DEFAULT)
    # Counties of provinces the records cover are coloured (0 when they have none);
    # the rest (Taiwan, Hong Kong, Macau, and here every province outside the fixture's)
    # are grey.
    assert missing and all(f"{code[:2]}0000" not in covered for code in missing)
    assert {f"{code[:2]}0000" for code in fig.data[0].locations} == covered


def test_lifecycle_marks_the_campaign_deadline_only_inside_the_period() -> None:
    frame = pl.DataFrame(
        {
            "status": ["performed", "expired"],
            "occurred": [dt.date(2016, 3, 1), dt.date(2016, 5, 1)],
            "resolved": [dt.date(2017, 6, 1), dt.date(2018, 5, 1)],
        }
    )
    stock = status_over_time(frame, start=dt.date(2016, 1, 1), end=dt.date(2018, 12, 31))
    fig = view.lifecycle_figure(stock, record_type="dishonest_judgment_debtor", lang=i18n.lang())
    assert [t.name for t in fig.data] == [OPEN, "performed", "expired"]
    assert all(t.stackgroup == "one" for t in fig.data)
    (line,) = fig.layout.shapes
    assert line.x0 == dt.date(2017, 6, 30)
    later = status_over_time(frame, start=dt.date(2019, 1, 1), end=dt.date(2019, 6, 30))
    assert not view.lifecycle_figure(later, record_type="complaint", lang=i18n.lang()).layout.shapes


@pytest.fixture
def odd_snapshot(tmp_path: Path) -> Path:
    """The tiny snapshot with subject names a spreadsheet would run as formulas."""
    tables = tiny_tables()
    names = ["=HYPERLINK(1)", "+cmd", "-2", "@SUM(1)", "\tTab"] + ["某局（示例）"] * 7
    tables["records"] = tables["records"].with_columns(subject_name=pl.Series(names))
    out = tmp_path / "odd"
    write_snapshot(
        tables,
        out,
        snapshot_id="odd",
        description="odd",
        created_by="tests",
        created_at="2026-01-01T00:00:00Z",
    )
    return out


def test_csv_export_says_synthetic_and_neutralises_formulas(odd_snapshot: Path) -> None:
    """The page's export path: the loader's rows through ``exports`` with the records mark."""
    filters = loader.RecordFilters(start=dt.date(2019, 1, 1), end=dt.date(2020, 12, 31))
    rows = loader.export_rows(str(odd_snapshot), filters)
    total = loader.count_records(str(odd_snapshot), filters)
    about = exports.About(
        what=f"Records {table.describe(filters)} · {exports.rows_note(rows.height, total)}",
        snapshot_id="odd",
        manifest_sha="ab" * 32,
        synthetic=True,
        mark=exports.SYNTHETIC_RECORDS_MARK,
    )
    assert about.what.startswith("Records all China · 2019-01-01 to 2020-12-31 · 12 of 12 rows")
    data = exports.table_bytes(rows, "csv", about=about, machine=True)
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows_read = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows_read) == 12 and list(rows_read[0]) == [*loader.TABLE_COLUMNS, "data"]
    assert {r["data"] for r in rows_read} == {"SYNTHETIC demo data"}
    subjects = {r["subject_name"] for r in rows_read}
    assert {"'=HYPERLINK(1)", "'+cmd", "'-2", "'@SUM(1)", "'\tTab"} <= subjects
    assert "某局（示例）" in subjects
    occurred = [r["occurred"] for r in rows_read]
    assert occurred == sorted(occurred, reverse=True)


def test_table_filters_keep_the_place_and_period() -> None:
    choice = table.TableChoice(county="520123", statuses=("active",), polarities=("negative",))
    wanted = table.table_filters(PERIOD, choice)
    assert (wanted.province, wanted.county, wanted.start, wanted.end) == (
        "520000",
        "520123",
        PERIOD.start,
        PERIOD.end,
    )
    assert wanted.statuses == ("active",) and wanted.polarities == ("negative",)


def test_scatter_and_disagreement_links() -> None:
    paired, year, key = loader.scores_vs_records(
        DEFAULT, "demo-tp-2021", "public_opinion", "520000"
    )
    worst = disagreement(paired)
    title = scores.comparison_title(key, year)
    assert title == (
        "Public opinion score vs complaint, public-opinion incident, petition and "
        "reconsideration application records in 2021"
    )
    fig = scores.scatter_figure(paired, worst, title=title, lang=i18n.lang())
    assert list(fig.data[0].x) == paired.get_column("records").to_list()
    assert list(fig.data[0].y) == paired.get_column("score").to_list()
    assert [c[1] for c in fig.data[1].customdata] == worst.get_column("adcode").to_list()
    filters = Filters("demo-tp-2021", metric="public_opinion", province="520000")
    at_odds = scores.disagreement_table(worst, filters)
    first = at_odds.row(0, named=True)
    code = first["adcode"]
    assert first["records_link"] == (
        f"records?edition=demo-tp-2021&metric=public_opinion&province=52&county={code}"
    )
    assert first["profile_link"].startswith("county?") and f"county={code}" in first["profile_link"]


def test_timeline_has_one_dot_per_record() -> None:
    rows = loader.county_records(DEFAULT, "310107")
    fig = scores.timeline_figure(rows, lang=i18n.lang())
    assert sum(len(t.x) for t in fig.data) == rows.height
    assert {t.name.split(" ")[0] for t in fig.data} <= {"negative", "positive"}
    hover = [c for t in fig.data for c in t.customdata]
    assert all(subject.endswith("（示例）") for _, _, subject in hover)


# ---------------------------------------------------------------------------------------
# Chinese (lang=zh)
# ---------------------------------------------------------------------------------------
@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interface in Chinese (outside a Streamlit run)."""
    monkeypatch.setattr(i18n, "lang", lambda: "zh")


def test_every_code_has_a_label_with_chinese() -> None:
    for words, codes in (
        (labels.RECORD_SOURCES, schemas.SOURCE_AGENCIES),
        (labels.RECORD_TYPES, schemas.RECORD_TYPES),
        (labels.RECORD_STATUSES, schemas.RECORD_STATUS),
        (labels.POLARITIES, schemas.POLARITY),
    ):
        assert set(words) == set(codes)
        assert all(text in i18n.catalogue() for text in words.values())
    assert set(labels.METRIC_SCORES) == set(loader.METRIC_RECORDS)


@pytest.mark.usefixtures("zh")
def test_overview_figures_in_chinese() -> None:
    monthly = loader.monthly(DEFAULT, PERIOD)
    bars = view.monthly_figure(monthly, lang=i18n.lang())
    assert "法院" in {t.name for t in bars.data}
    assert bars.layout.yaxis.title.text == "每月记录数"
    assert bars.layout.xaxis.tickformat == "%Y-%m"  # no English month names
    assert "条记录" in bars.data[0].hovertemplate
    types = view.types_figure(monthly, lang=i18n.lang())
    assert "投诉" in {y for t in types.data for y in t.y}
    assert types.layout.xaxis.title.text == "时段内记录数"
    assert [t.name for t in view.polarity_figure(monthly, lang=i18n.lang()).data] == [
        "负面",
        "正面",
    ]


@pytest.mark.usefixtures("zh")
def test_lifecycle_in_chinese() -> None:
    frame = pl.DataFrame(
        {
            "status": ["performed", "expired"],
            "occurred": [dt.date(2016, 3, 1), dt.date(2016, 5, 1)],
            "resolved": [dt.date(2017, 6, 1), dt.date(2018, 5, 1)],
        }
    )
    stock = status_over_time(frame, start=dt.date(2016, 1, 1), end=dt.date(2018, 12, 31))
    fig = view.lifecycle_figure(stock, record_type="dishonest_judgment_debtor", lang=i18n.lang())
    assert [t.name for t in fig.data] == ["尚未了结", "已履行", "已到期"]
    assert fig.layout.title.text.startswith("失信被执行人：")
    assert fig.layout.annotations[0].text.startswith("2017-06-30：")


def test_the_map_legend_follows_the_language() -> None:
    choice = view.MapChoice(measure="per_year", polarity="negative")
    english = _records_map(PERIOD, choice, lang="en")
    assert english.layout.coloraxis.colorbar.title.text.startswith("Negative records per year")
    chinese = _records_map(PERIOD, choice, lang="zh")
    assert chinese.layout.coloraxis.colorbar.title.text.startswith("每年负面记录数")


@pytest.mark.usefixtures("zh")
def test_table_values_and_titles_in_chinese() -> None:
    rows = loader.records_page(DEFAULT, PERIOD, page=1)
    shown = table.shown_page(rows)
    for column, words in (
        ("source_agency", labels.RECORD_SOURCES),
        ("record_type", labels.RECORD_TYPES),
        ("status", labels.RECORD_STATUSES),
        ("polarity", labels.POLARITIES),
    ):
        chinese = {i18n.catalogue()[text] for text in words.values()}
        assert set(shown.get_column(column)) <= chinese
    assert table.table_config()["name_zh"]["label"] == "县区"
    assert (
        scores.comparison_title("public_opinion", 2021)
        == "2021年：政务舆情事件得分与投诉、舆情事件、信访、行政复议申请记录对比"
    )
    assert scores.comparison_title("total", 2021) == "2021年：总分与全部负面记录对比"
    filters = loader.RecordFilters(province="520000", types=("complaint", "commendation"))
    assert table.describe(filters) == "省份 52 · 记录类型 投诉、表彰"


@pytest.mark.usefixtures("zh")
def test_timeline_in_chinese() -> None:
    fig = scores.timeline_figure(loader.county_records(DEFAULT, "310107"), lang=i18n.lang())
    assert {t.name.split(" ")[0] for t in fig.data} <= {"负面", "正面"}
    chinese = {i18n.catalogue()[text] for text in labels.RECORD_STATUSES.values()}
    assert {status for t in fig.data for _, status, _ in t.customdata} <= chinese
    assert "状态：" in fig.data[0].hovertemplate
