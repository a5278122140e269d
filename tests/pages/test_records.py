from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pandas as pd
import polars as pl
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from components import routes
from components.i18n import chinese, labels
from loaders import records
from loaders.derive.records import correlation, disagreement, page_count, with_types
from loaders.store import load
from tests.fixtures import demo_snapshot
from tests.pages.conftest import figures

SNAPSHOT = str(demo_snapshot())
PAGE = routes.RECORDS.file
EVERYTHING = records.RecordFilters(
    start=dt.date(2016, 1, 1), end=dt.date(2021, 12, 31), synthetic=True
)
GUIZHOU = records.RecordFilters(
    province="520000", start=dt.date(2016, 1, 1), end=dt.date(2021, 12, 31), synthetic=True
)
DEMO_LAYER = labels.RECORD_LAYERS["demo"]  # a bound control links its label
REAL_LAYER = labels.RECORD_LAYERS["real"]


def _open(run_app: Callable[..., AppTest], **params: str) -> AppTest:
    """Open the page on the demo records (the real ones, the default, are tested apart)."""
    at = run_app(PAGE, **{"records_layer": DEMO_LAYER, **params})
    at.run()  # NOTE: the first run after AppTest's page switch shows sidebar defaults
    assert not at.exception
    return at


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The one table on the page that has ``column``."""
    (frame,) = [d.value for d in at.dataframe if column in d.value.columns]
    return frame


def _table(at: AppTest) -> pd.DataFrame:
    return _frame(at, "record_id")


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def _figure(at: AppTest, title: str) -> dict[str, Any]:
    (figure,) = [
        f for f in figures(at) if f["layout"].get("title", {}).get("text", "").startswith(title)
    ]
    return figure


def test_province_view_shows_only_that_province(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    assert at.title[0].value == "Records"
    assert at.query_params["province"] == "52"
    numbers = _metrics(at)
    monthly = records.monthly(SNAPSHOT, GUIZHOU)
    assert numbers["Records"] == f"{monthly.get_column('records').sum():,}"
    assert numbers["Counties with records"] == "88"
    table = _table(at)
    assert len(table) == records.PAGE_SIZE
    assert table["adcode"].str.startswith("52").all()
    (county_map,) = [f for f in figures(at) if f["data"][0]["type"] == "choropleth"]
    locations = [loc for trace in county_map["data"] for loc in trace["locations"]]
    assert locations and all(loc.startswith("52") for loc in locations)
    scatter = _figure(at, "Total score vs")
    assert all(c[1].startswith("52") for trace in scatter["data"] for c in trace["customdata"])
    top = _frame(at, "prefecture_name_zh")
    negative = records.RecordFilters(**{**vars(GUIZHOU), "polarities": ("negative",)})
    counts = records.county_counts(SNAPSHOT, negative).sort("records", descending=True)
    assert list(top["score"]) == counts.get_column("records").head(10).to_list()
    assert top["adcode"].str.startswith("52").all()
    options = at.selectbox(key="records_county").options
    assert len(options) == 88 and all("· 52" in o for o in options)
    assert "Page 1 of " in _captions(at)


def _counted() -> int:
    """Return the demo records counted per county and month (never itemised)."""
    return int(load(SNAPSHOT, "record_volumes").get_column("records").sum())


def test_the_page_says_the_records_are_synthetic(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    assert "Synthetic demo data on screen" in at.warning[0].value
    assert "Every record on this page is synthetic demo data" in _captions(at)
    assert _table(at)["subject_name"].str.endswith("（示例）").all()
    # the records listed one by one and those counted per month (complaints, petitions…)
    total = records.count_records(SNAPSHOT, EVERYTHING) + _counted()
    assert _metrics(at)["Records"] == f"{total:,}"


def test_pages_move_and_do_not_overlap(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    first = _table(at)
    at.number_input(key="records_page").set_value(2).run()
    second = _table(at)
    assert not set(first["record_id"]) & set(second["record_id"])
    assert first["occurred"].min() >= second["occurred"].max()  # newest first
    expected = records.records_page(SNAPSHOT, GUIZHOU, page=2)
    assert list(second["record_id"]) == expected.get_column("record_id").to_list()
    total = records.count_records(SNAPSHOT, GUIZHOU)
    assert f"Page 2 of {page_count(total):,} · records 51–100 of {total:,}" in _captions(at)
    # A new filter starts again at page 1.
    at.multiselect(key="records_types").select("opinion_incident").run()
    assert at.number_input(key="records_page").value == 1
    assert set(_table(at)["record_type"]) == {"Public-opinion incident 舆情"}


def test_table_filters_apply_together(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    at.multiselect(key="records_sources").select("courts").run()
    at.multiselect(key="records_statuses").select("active").run()
    table = _table(at)
    assert set(table["source_agency"]) == {"Courts 法院"}
    assert set(table["status"]) == {"active"}
    wanted = records.RecordFilters(
        province="520000",
        start=GUIZHOU.start,
        end=GUIZHOU.end,
        sources=("courts",),
        statuses=("active",),
    )
    total = records.count_records(SNAPSHOT, wanted)
    raw = (
        records.scan_records(SNAPSHOT, records.RecordFilters(province="520000"))
        .filter(pl.col("source_agency") == "courts", pl.col("status") == "active")
        .collect()
    )
    assert total == raw.height > 0
    assert f"of {total:,}, newest first" in _captions(at)


def test_a_county_link_opens_its_records(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52", county="520123")
    assert at.selectbox(key="records_county").value == "520123"
    note = " ".join(i.value for i in at.info)
    label = "修文县 Xiuwen Xian · Guiyang · 520123"
    assert f"{label}: its records are in [the table below](#the-records)" in note
    table = _table(at)
    assert set(table["adcode"]) == {"520123"} and set(table["name_zh"]) == {"修文县"}
    total = records.count_records(SNAPSHOT, records.RecordFilters(county="520123"))
    assert f"of {total:,}, newest first" in _captions(at)
    # Choosing another county in the table updates the view's URL.
    at.selectbox(key="records_county").select("520323").run()
    assert at.query_params["county"] == "520323"
    assert set(_table(at)["adcode"]) == {"520323"}


def _type_county(at: AppTest, text: str) -> AppTest:
    """Type ``text`` into the county box and press Enter, as a browser does, and rerun.

    The box accepts new options, so the browser sends the typed text itself; AppTest's
    ``select`` takes options only, so the widget's state is the typed text here.
    """
    box = at.selectbox(key="records_county")
    state = WidgetState(id=box.id, string_value=text)
    typed = {"_widget_state": property(lambda _: state)}
    box.__class__ = type("TypedSelectbox", (type(box),), typed)
    box._value = text
    return at.run()


@pytest.mark.parametrize("typed", ["Minhang", "minhang qu", "Mǐnháng Qū", "闵行", "310112"])
def test_the_county_filter_takes_chinese_pinyin_or_an_adcode(
    run_app: Callable[..., AppTest], typed: str
) -> None:
    """Typed into the county box, each finds 闵行区 (issue 18), and the link follows."""
    at = _open(run_app, province="31")
    assert "闵行区 Minhang Qu · Shanghai · 310112" in at.selectbox(key="records_county").options
    _type_county(at, typed)
    assert not at.exception
    assert at.selectbox(key="records_county").value == "310112"
    assert set(_table(at)["adcode"]) == {"310112"}
    assert at.query_params["county"] == "310112"


def test_the_county_filter_takes_pinyin_in_chinese_and_says_when_nothing_matches(
    run_app: Callable[..., AppTest],
) -> None:
    at = _open(run_app, province="31", lang="zh", records_layer=chinese(DEMO_LAYER))
    assert "闵行区 · 上海市 · 310112" in at.selectbox(key="records_county").options
    _type_county(at, "minhang")
    assert at.selectbox(key="records_county").value == "310112"
    _type_county(at, "Xiuwen")  # a county, but not in Shanghai
    assert at.selectbox(key="records_county").value is None
    assert "此处没有与“Xiuwen”匹配的县区。" in [c.value for c in at.caption]


def test_the_period_narrows_every_overview(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    at.select_slider(key="records_period").set_value(
        (dt.date(2017, 1, 1), dt.date(2017, 12, 1))
    ).run()
    assert not at.exception
    year = records.RecordFilters(
        province="520000", start=dt.date(2017, 1, 1), end=dt.date(2017, 12, 31)
    )
    monthly = records.monthly(SNAPSHOT, year)
    assert _metrics(at)["Records"] == f"{monthly.get_column('records').sum():,}"
    bars = _figure(at, "Records per month")
    months = {m for trace in bars["data"] for m in trace["x"]}
    assert min(months).startswith("2017-01") and max(months).startswith("2017-12")
    assert pd.to_datetime(_table(at)["occurred"]).dt.year.eq(2017).all()


def test_download_holds_the_filtered_records_and_says_synthetic(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]]
) -> None:
    at = _open(run_app, province="52")
    at.multiselect(key="records_types").select("dishonest_judgment_debtor").run()
    latest = downloads[-3]  # CSV, then XLSX, then ZIP
    assert latest["file_name"] == "records-52-2016-01-2021-12-SYNTHETIC.csv"
    body = latest["data"]().decode("utf-8-sig")  # generated on click
    rows = list(csv.DictReader(io.StringIO(body)))
    wanted = with_types(GUIZHOU, "dishonest_judgment_debtor")
    assert len(rows) == records.count_records(SNAPSHOT, wanted) > 0
    assert latest["label"] == f"Download the {len(rows):,} filtered records (CSV)"
    # the labels the table on screen shows (the "Machine column names" switch keeps codes)
    assert {r["Record type"] for r in rows} == {"Dishonest judgment debtor 失信被执行人"}
    assert all(r["Adcode"].startswith("52") for r in rows)
    assert {r["Data"] for r in rows} == {"SYNTHETIC demo data"}
    assert [r["Record id"] for r in rows[:5]] == list(_table(at)["record_id"][:5])


def test_scores_against_records_follow_the_sidebar_metric(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="52")
    at.sidebar.selectbox(key="metric").select("compliance").run()
    assert not at.exception
    paired, _, _ = records.scores_vs_records(SNAPSHOT, "demo-tp-2021", "compliance", "520000")
    scatter = _figure(at, "Compliance score vs administrative lawsuit lost")
    assert len(scatter["data"][0]["customdata"]) == paired.height
    rho = correlation(paired)
    spearman = _metrics(at)["Spearman rank correlation"]
    assert spearman == f"{rho:.2f}".replace("-", "−")
    worst = disagreement(paired)
    listed = _frame(at, "records_link")
    assert list(listed["adcode"]) == worst.get_column("adcode").to_list()
    assert listed["records_link"].str.contains("county=").all()
    assert "Who rated this?" in [p.proto.label for p in at.get("page_link")]


def test_lifecycle_of_judgment_debtors_marks_the_campaign(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    assert at.selectbox(key="records_lifecycle_type").value == "dishonest_judgment_debtor"
    chart = _figure(at, "Dishonest judgment debtor")
    assert chart["layout"]["shapes"][0]["x0"].startswith("2017-06-30")
    at.selectbox(key="records_lifecycle_type").select("opinion_incident").run()
    chart = _figure(at, "Public-opinion incident")
    assert not chart["layout"].get("shapes")
    summary = _frame(at, "median_days")
    assert summary["median_days"].notna().any() and summary["share_resolved"].between(0, 1).all()


def test_a_real_edition_has_no_scores_to_compare_but_records_stay_synthetic(
    run_app: Callable[..., AppTest],
) -> None:
    at = _open(run_app, edition="zhongding-2021", province="52")
    assert at.query_params["edition"] == "zhongding-2021"
    # The shell shows no synthetic banner for a real edition: the page shows it itself.
    assert any("Synthetic demo data on screen" in w.value for w in at.warning)
    assert "the demo records are synthetic, so the two are not set against each other" in (
        " ".join(i.value for i in at.info)
    )
    titles = [f["layout"].get("title", {}).get("text", "") for f in figures(at)]
    assert titles and not [t for t in titles if " score vs " in t]
    assert not [d for d in at.dataframe if "records_link" in d.value.columns]
    assert _table(at)["adcode"].str.startswith("52").all()


# ---------------------------------------------------------------------------------------
# real records: a layer of their own, shown first, never counted with the demo records
# ---------------------------------------------------------------------------------------
REAL_ALL = records.RecordFilters(synthetic=False)


def test_the_page_opens_on_the_real_records_with_their_sources(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(PAGE)
    at.run()
    assert not at.exception
    assert at.query_params.get("records_layer") in (None, REAL_LAYER)
    real = records.real_records(SNAPSHOT, REAL_ALL)
    assert real.height == records.layer_counts(SNAPSHOT)["real"] > 0
    # Every number is the real layer's: none of the synthetic records is counted.
    numbers = _metrics(at)
    assert numbers["Records"] == f"{real.height:,}"
    assert numbers["Counties with records"] == f"{real.get_column('adcode').n_unique():,}"
    # No synthetic banner: nothing synthetic is on screen, whatever edition the sidebar holds.
    assert not any("Synthetic demo data on screen" in w.value for w in at.warning)
    assert any("Real records, each with its source" in i.value for i in at.info)
    table = _frame(at, "source_url")
    assert len(table) == real.height
    assert table["source_url"].str.startswith("http").all()
    assert not table["subject_name"].str.contains("示例").any()
    assert "奉新县人民政府" in set(table["subject_name"])
    # No lifecycle and no scores against records for the real layer.
    titles = [f["layout"].get("title", {}).get("text", "") for f in figures(at)]
    assert not [t for t in titles if "Lifecycle" in t or " vs " in t]


def test_the_real_records_map_colours_only_counties_with_a_record(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(PAGE, records_layer=REAL_LAYER)
    at.run()
    (county_map,) = [f for f in figures(at) if f["data"][0]["type"] == "choropleth"]
    real = records.real_records(SNAPSHOT, REAL_ALL)
    named = [t for t in county_map["data"] if t.get("showlegend")]
    grey = [t for t in named if t["name"].startswith("no real record found")]
    coloured = {loc for t in named if t not in grey for loc in t["locations"]}
    assert coloured == set(real.get_column("adcode"))
    assert not coloured & set(grey[0]["locations"])


def test_a_county_link_opens_its_real_records(run_app: Callable[..., AppTest]) -> None:
    at = run_app(PAGE, records_layer=REAL_LAYER, county="360921", province="36")
    at.run()
    assert not at.exception
    table = _frame(at, "source_url")
    assert list(table["subject_name"]) == ["奉新县人民政府"]
    assert "Dishonest judgment debtor" in table["record_type"].iloc[0]


def test_the_demo_layer_counts_no_real_record(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    total = records.count_records(SNAPSHOT, records.RecordFilters(synthetic=True)) + _counted()
    assert _metrics(at)["Records"] == f"{total:,}"
    assert not (_table(at)["record_id"].str.startswith("real-")).any()


def test_counted_record_types_say_whether_their_volume_is_documented(
    run_app: Callable[..., AppTest],
) -> None:
    """Complaints at the notes' magnitude (documented); petitions and applications assumed."""
    at = run_app(PAGE, records_layer=DEMO_LAYER)
    table = next(d.value for d in at.dataframe if "basis" in d.value.columns)
    basis = dict(zip(table["record_type"], table["basis"], strict=True))
    assert basis == {
        "Complaint 投诉": "documented",
        "Petition 信访": "assumed",
        "Reconsideration application 行政复议申请": "assumed",
    }
    median = dict(zip(table["record_type"], table["median"], strict=True))
    assert 100 <= median["Complaint 投诉"] <= 5000  # "hundreds to thousands" a county-year
    assert (
        median["Complaint 投诉"]
        > median["Petition 信访"]
        > median["Reconsideration application 行政复议申请"]
    )
    links = " ".join(m.value for m in at.markdown)
    assert "/methodology?" in links and "#records)" in links
    # counted types are never itemised: the records table and lifecycles do not offer them
    options = at.selectbox(key="records_lifecycle_type").options
    assert "Dishonest judgment debtor 失信被执行人" in options
    assert not {"Complaint 投诉", "Petition 信访"} & set(options)
