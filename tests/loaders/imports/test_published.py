"""Real published results: real-results.csv into snapshot rows, and the long-format import."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from loaders import schemas
from loaders.build import reference
from loaders.build.published import REAL_RESULTS
from loaders.imports import long_format, published
from loaders.imports.match import Matcher
from loaders.imports.read import ImportRejected
from loaders.store import load, open_snapshot, sha256_file, write_snapshot
from loaders.store.validate import check_tables, validate_snapshot
from loaders.tools import cli
from tests.fixtures import demo_snapshot

BASE = demo_snapshot()
CSV = REAL_RESULTS


def _csv_rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def existing() -> dict[str, pl.DataFrame]:
    """The reference facts and the divisions: what the demo builder has before this step."""
    return {**reference.reference_tables(), "divisions": load(BASE, "divisions")}


@pytest.fixture(scope="module")
def built(existing: dict[str, pl.DataFrame]) -> published.Built:
    rows, problems = long_format.read_file(CSV)
    assert problems == []
    matcher = Matcher(existing["divisions"], existing["division_changes"])
    return published.build(rows, matcher, existing)


def _ranking(built: published.Built, edition: str, adcode: str) -> dict:
    rows = built.tables["rankings"].filter(
        (pl.col("edition_id") == edition) & (pl.col("adcode") == adcode)
    )
    assert rows.height == 1, (edition, adcode)
    return rows.row(0, named=True)


# ---------------------------------------------------------------------------------------
# the real CSV
# ---------------------------------------------------------------------------------------
def test_the_reference_copy_is_the_shared_file() -> None:
    shared = Path("/work/shared/reference/real-results.csv")
    if not shared.exists():
        pytest.skip("the shared reference folder is not mounted")
    assert sha256_file(CSV) == sha256_file(shared)
    assert len(_csv_rows()) == 158


def test_every_row_is_mapped_once_or_listed_as_unmappable(built: published.Built) -> None:
    assert built.errors == []
    outcomes = built.outcomes
    assert outcomes.get_column("row").to_list() == list(range(2, 160))  # one per CSV row
    mapped = outcomes.filter(pl.col("adcode").is_not_null())
    unmappable = outcomes.filter(pl.col("adcode").is_null())
    assert mapped.get_column("adcode").str.contains(r"^\d{6}$").all()
    assert mapped.get_column("reason").is_null().all()
    assert unmappable.get_column("reason").is_not_null().all()
    assert unmappable.select("row", "name_as_published").rows() == [(155, "宣武区")]
    assert "merge in 2010 (now part of 西城区)" in unmappable.item(0, "reason")
    # Group A is already in the snapshot (reference.py): matched, not added twice.
    present = outcomes.filter(pl.col("status") == "already_present")
    assert present.get_column("grp").to_list() == ["A", "A", "A"]
    assert set(outcomes.get_column("status")) == {"added", "already_present"}


def test_unmappable_rows_are_returned_with_their_reason(
    existing: dict[str, pl.DataFrame],
) -> None:
    new, unmappable = published.published_tables(
        CSV, existing["divisions"], existing["division_changes"], existing
    )
    assert unmappable.columns == [
        "row", "name_as_published", "province", "prefecture", "edition_id", "reason"
    ]  # fmt: skip
    assert unmappable.rows() == [
        (155, "宣武区", "北京市", None, "unnamed-web-2009",
         "宣武区 no longer exists: merge in 2010 (now part of 西城区)")
    ]  # fmt: skip
    gone = new["rankings"].filter(pl.col("adcode").is_null())
    assert gone.get_column("name_as_published").to_list() == ["宣武区"]
    assert "Not on today's map" in gone.item(0, "note")


@pytest.mark.parametrize(
    ("edition", "adcode", "published_name"),
    [
        ("sdcc-shandong-disclosure-2019", "370211", "青岛西海岸新区"),  # new area = 黄岛区
        ("law-gov-designation-3", "659001", "兵团第八师石河子市"),  # XPCC division + its city
        ("cass-transparency-2023", "370681", "山东烟台市龙口市"),  # province without 省
        ("ndrc-credit-designation-4", "130682", "定州市"),  # prefecture cell is a remark
        ("cass-info-web-2016", "310115", "上海浦东"),  # = 浦东新区
        ("ndrc-credit-designation-3", "310107", "普陀区"),  # Shanghai, not Zhoushan
        ("zj-law-designation-2021-proposed", "330205", "江北区"),  # Ningbo, not Chongqing
        ("law-gov-designation-3", "652701", "博乐市"),  # 博尔塔拉州 for 博尔塔拉蒙古自治州
    ],
)
def test_names_needing_context_are_matched(
    built: published.Built, edition: str, adcode: str, published_name: str
) -> None:
    assert _ranking(built, edition, adcode)["name_as_published"] == published_name


def test_ranks_list_positions_and_bands_survive_unchanged(built: published.Built) -> None:
    rankings = built.tables["rankings"]
    new_rows = [r for r in _csv_rows() if r["grp"] != "A"]
    assert rankings.height == len(new_rows) == 155

    def number(text: str) -> int | None:
        return int(text) if text else None

    expected = [
        (r["county_as_published"], number(r["rank"]), number(r["list_pos"])) for r in new_rows
    ]
    assert rankings.select("name_as_published", "rank", "list_pos").rows() == expected
    assert set(rankings.get_column("band").drop_nulls()) == {
        "top5", "top10", "top20", "member", "proposed_member", "near_top"
    }  # fmt: skip
    # Explicit ranks keep their numbers, gaps included; ordered lists keep positions.
    assert _ranking(built, "cass-transparency-2019", "440104")["rank"] == 9
    assert _ranking(built, "cass-transparency-2021", "440303")["rank"] == 9
    assert _ranking(built, "cass-transparency-2021", "440303")["list_pos"] == 9
    cass_2021 = rankings.filter(pl.col("edition_id") == "cass-transparency-2021")
    assert cass_2021.get_column("list_pos").to_list() == [1, 2, 3, 4, 5, 7, 8, 9, 10]
    credit = rankings.filter(pl.col("edition_id") == "sic-city-credit-2019-05")
    assert credit.select("rank", "band").rows() == [(10, "top10"), (20, "top20")]
    # The band text as published is kept in the note; a rank restated as text is no band.
    assert (
        "Band as published: top10 of 125."
        in _ranking(built, "cass-transparency-2019", "440104")["note"]
    )
    assert _ranking(built, "guomai-web-2015", "310104")["band"] is None
    assert _ranking(built, "henan-business-env-2023", "410425")["rank"] == 1
    assert rankings.get_column("is_synthetic").not_().all()


def test_inferred_prefectures_and_dates_are_noted(built: published.Built) -> None:
    yiwu = _ranking(built, "ndrc-credit-designation-1", "330782")
    assert "Prefecture inferred from the name" in yiwu["note"]
    assert yiwu["published"] == "2018-01-09"
    named = _ranking(built, "moj-pufa-designation-1", "610113")
    assert named["published"] == "2026-02"
    assert "article 2026-02-05" in named["note"]


def test_only_published_scores_are_present(built: published.Built) -> None:
    scores = built.tables["scores"]
    with_score = [r for r in _csv_rows() if r["score"]]
    assert len(with_score) == scores.height == 4
    assert sorted(scores.select("edition_id", "adcode", "score").rows()) == [
        ("cass-info-web-2016", "440606", 83.3),
        ("cass-transparency-2019", "440104", 68.71),
        ("sic-city-credit-2019-05", "411281", 80.07),
        ("sic-city-credit-2019-05", "411282", 81.43),
    ]
    assert set(scores.get_column("indicator_id")) == {"total"}
    assert scores.get_column("observed").all()
    assert not scores.get_column("is_synthetic").any()


def test_sources_one_per_url_and_resolving(
    built: published.Built, existing: dict[str, pl.DataFrame]
) -> None:
    new = built.tables["sources"]
    sources = pl.concat([existing["sources"], new])
    assert sources.get_column("source_id").is_unique().all()
    assert sources.get_column("url").drop_nulls().is_unique().all()
    urls = {r["source_url"] for r in _csv_rows()}
    assert urls <= set(sources.get_column("url").drop_nulls())
    known = set(sources.get_column("source_id"))
    for name in ("evaluators", "evaluator_ties", "editions", "rankings", "scores"):
        assert set(built.tables[name].get_column("source_id")) <= known, name
    by_url = dict(zip(new["url"], new["reliability"], strict=True))
    hunan = "http://swt.hunan.gov.cn/swt/hnswt/zt/xyxxgs/202308/t20230814_711615336926900864.html"
    assert by_url[hunan] == "official"
    assert by_url["http://echinagov.com/news/42710.htm"] == "evaluator_self_published"
    assert by_url["https://ycpai.ycwb.com/ycppad/content/2020-06/09/content_874424.html"] == "media"
    assert by_url["https://4ll.net/society/16411.html"] == "secondary"
    # Each row cites the source of its own URL.
    row = _ranking(built, "cass-transparency-2021", "440303")
    source = sources.filter(pl.col("source_id") == row["source_id"])
    assert source.item(0, "url") == "http://www.paragon.net.cn/jrsz/2022/0617/24049.html"


def test_editions(built: published.Built, existing: dict[str, pl.DataFrame]) -> None:
    editions = built.tables["editions"]
    assert editions.height == 23
    assert not set(editions.get_column("edition_id")) & set(existing["editions"]["edition_id"])
    modes = dict(editions.select("edition_id", "mode").iter_rows())
    designations = {e for e, m in modes.items() if m == "designation"}
    assert designations == {
        "ndrc-credit-designation-1", "ndrc-credit-designation-3", "ndrc-credit-designation-4",
        "law-gov-designation-2", "law-gov-designation-3", "moj-pufa-designation-1-proposed",
        "moj-pufa-designation-1",
        "zj-law-designation-2021-proposed", "pufa-law-county-4", "pufa-law-county-1-3",
    }  # fmt: skip
    assert modes["henan-business-env-2023"] == "upper_level_audit"
    facts = {r["edition_id"]: r for r in editions.to_dicts()}
    assert (facts["cass-transparency-2019"]["n_subjects"], facts["cass-transparency-2019"][
        "score_max"]) == (125, 100.0)  # fmt: skip
    assert facts["sdcc-shandong-disclosure-2019"]["n_subjects"] == 137
    assert facts["sdcc-shandong-disclosure-2019"]["score_max"] is None  # no scale published
    assert facts["sic-city-credit-2019-05"]["data_year"] == 2018
    assert "2018-06/2019-05" in facts["sic-city-credit-2019-05"]["universe_note"]
    assert facts["ndrc-credit-designation-3"]["released"] == "2021-10"
    assert "(notice)" in facts["ndrc-credit-designation-3"]["universe_note"]
    assert facts["ndrc-credit-designation-4"]["n_subjects"] is None  # 68 is the list, not a cohort
    assert facts["unnamed-web-2009"]["released"] is None  # only a repost date is known
    # The CASS 2021 rows join the existing edition; group A joins zhongding-2021.
    rankings = built.tables["rankings"]
    assert rankings.filter(pl.col("edition_id") == "cass-transparency-2021").height == 9
    assert rankings.filter(pl.col("edition_id") == "zhongding-2021").is_empty()
    assert not editions.get_column("is_synthetic").any()


def test_evaluator_identities(built: published.Built) -> None:
    editions = dict(built.tables["editions"].select("edition_id", "evaluator_id").iter_rows())
    assert editions["cass-transparency-2019"] == "cass-law"
    assert editions["cass-transparency-2023"] == "cass-law-index-centre"  # kept apart
    assert editions["sic-city-credit-2019-05"] == "sic"
    assert editions["ndrc-credit-designation-4"] == "ndrc"
    assert editions["tsinghua-web-2020"] == "tsinghua"
    # The unnamed evaluator is never the "likely" one.
    assert editions["unnamed-web-2009"] == "unnamed-evaluator-web-2009"
    evaluators = built.tables["evaluators"]
    unnamed = evaluators.filter(pl.col("evaluator_id") == "unnamed-evaluator-web-2009")
    assert "does not name who evaluated" in unnamed.item(0, "description_en")
    assert not evaluators.get_column("name_en").str.starts_with("Demo").any()
    ties = built.tables["evaluator_ties"]
    client = ties.filter(pl.col("relation") == "commissioning_client").row(0, named=True)
    assert (client["evaluator_id"], client["party_name"], client["confidence"]) == (
        "sdcc", "山东省人民政府办公厅", "reported"
    )  # fmt: skip
    g1 = _ranking(built, "sdcc-shandong-disclosure-2019", "370783")
    assert client["source_id"] == g1["source_id"]


def test_tables_validate_with_the_reference_facts(
    built: published.Built, existing: dict[str, pl.DataFrame]
) -> None:
    tables = {name: existing.get(name, schemas.empty(name)) for name in schemas.TABLES}
    assert check_tables(published.merge(tables, built.tables)) == []


# ---------------------------------------------------------------------------------------
# the long-format import
# ---------------------------------------------------------------------------------------
ROW = {
    "grp": "X",
    "evaluator": "CASS 法学所",
    "edition": "中国政府透明度指数报告(2030)",
    "data_year": "2030",
    "pub_date": "2031-05-01",
    "county_as_published": "修文县",
    "province": "贵州省",
    "prefecture": "贵阳市",
    "rank": "",
    "list_pos": "",
    "score": "",
    "scale": "0-100",
    "band": "top10 of 120",
    "source_url": "https://example.org/cass-2030",
    "source_type": "media (example)",
    "notes": "",
}


def _long(tmp_path: Path, rows: list[dict[str, str]], name: str = "long.csv") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(long_format.COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**ROW, **row})
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in folder.rglob("*") if p.is_file()}


def _import(tmp_path: Path, file: Path, *extra: str, base: Path = BASE) -> tuple[int, Path, str]:
    out = tmp_path / "new"
    report = tmp_path / "report.csv"
    code = cli.main(
        ["import", str(file), "--format", "published", "--snapshot", str(base),
         "--out", str(out), "--report", str(report), *extra]
    )  # fmt: skip
    return code, out, report.read_text(encoding="utf-8-sig") if report.exists() else ""


@pytest.fixture(scope="module")
def base_hashes() -> dict[str, str]:
    return _hashes(BASE)


SMALL = [
    {"county_as_published": "修文县", "rank": "1", "score": "91.5"},
    {"county_as_published": "胶州市", "province": "山东省", "prefecture": "青岛市", "rank": "3"},
    {"county_as_published": "西湖区", "province": "浙江省", "prefecture": "杭州市", "rank": "3"},
    {"county_as_published": "淮阳县", "province": "河南省", "prefecture": "周口市",
     "list_pos": "4"},
    {"county_as_published": "宣武区", "province": "北京市", "prefecture": "", "score": "70"},
    {"county_as_published": "青岛西海岸新区", "province": "山东省", "prefecture": "青岛市",
     "notes": "= 黄岛区"},
]  # fmt: skip


def test_long_format_import(tmp_path: Path, base_hashes: dict[str, str]) -> None:
    code, out, report = _import(tmp_path, _long(tmp_path, SMALL))
    assert code == 0, report
    assert validate_snapshot(out) == []
    assert _hashes(BASE) == base_hashes
    snap = open_snapshot(out)
    edition = snap.read("editions").filter(pl.col("title_zh") == ROW["edition"])
    edition_id = edition.item(0, "edition_id")
    assert edition_id.startswith("cass-law-2030-")  # a new edition of an existing evaluator
    rankings = snap.read("rankings").filter(pl.col("edition_id") == edition_id)
    assert rankings.select("adcode", "rank", "list_pos", "band").rows() == [
        ("520123", 1, None, "top10"),
        ("370281", 3, None, "top10"),  # a tie keeps its shared rank
        ("330106", 3, None, "top10"),
        ("411603", None, 4, "top10"),  # 淮阳县 → 淮阳区
        (None, None, None, "top10"),  # 宣武区: kept, not on today's map
        ("370211", None, None, "top10"),  # 青岛西海岸新区 = 黄岛区
    ]
    scores = snap.read("scores").filter(pl.col("edition_id") == edition_id)
    assert scores.select("adcode", "score").rows() == [("520123", 91.5)]  # 宣武区's is not
    assert edition.select("evaluator_id", "series_id", "score_max", "is_synthetic").row(0) == (
        "cass-law", None, 100.0, False
    )  # fmt: skip
    assert "6,county_as_published,宣武区,not on today's map" in report
    assert "warning" in report
    assert snap.read("rankings").height == load(BASE, "rankings").height + 6


def test_importing_twice_gives_identical_snapshots(tmp_path: Path) -> None:
    file = _long(tmp_path, SMALL)
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name / "snap"
        assert cli.main(["import", str(file), "--format", "published", "--snapshot",
                         str(BASE), "--out", str(out)]) == 0  # fmt: skip
        outs.append(_hashes(out))
    assert outs[0] == outs[1]


def test_ambiguous_row_without_context_is_rejected_with_its_row(
    tmp_path: Path, base_hashes: dict[str, str]
) -> None:
    rows = [SMALL[0], {"county_as_published": "普陀区", "province": "", "prefecture": ""}]
    code, out, report = _import(tmp_path, _long(tmp_path, rows))
    assert code == 2
    assert not out.exists()
    assert _hashes(BASE) == base_hashes
    assert 'error,3,county_as_published,普陀区,"ambiguous: 2 units named 普陀区' in report
    # With its province the same name is no longer ambiguous.
    rows[1] = {"county_as_published": "普陀区", "province": "浙江省", "prefecture": "舟山市"}
    assert _import(tmp_path, _long(tmp_path, rows, "ok.csv"))[0] == 0


def test_bad_rows_are_rejected_row_by_row(tmp_path: Path) -> None:
    rows = [
        {"county_as_published": "不存在县"},
        {"rank": "2.5"},
        {"score": "120"},
        {"band": "shiny"},
        {"evaluator": "某评估公司"},
        {"county_as_published": "=HYPERLINK(1)"},
        {"source_url": "not a url"},
        {"band": ""},
        {"county_as_published": "修文县", "band": "top10"},  # the same county again
    ]
    code, _, report = _import(tmp_path, _long(tmp_path, rows))
    assert code == 2
    for expected in (
        "2,county_as_published,不存在县,no county-level unit named 不存在县",
        "3,rank,2.5,must be a whole number",
        "4,score,120,outside the edition's scale 0–100",
        '5,band,shiny,"band not understood',
        '6,evaluator,某评估公司,"unknown evaluator',
        "7,county_as_published,'=HYPERLINK(1),starts like a formula",
        "8,source_url,not a url,not an http(s) address",
        '9,,,"no rank, list position, band or score"',
        "the same county as row",
    ):
        assert expected in report, expected


def test_new_evaluators_need_an_id_and_a_type(tmp_path: Path) -> None:
    row = {"evaluator": "某评估公司", "edition": "某榜单(2030)", "evaluator_id": "some-rater",
           "evaluator_type": "private_rating_firm", "evaluator_en": "Some Rater"}  # fmt: skip
    path = tmp_path / "new.csv"
    buffer = io.StringIO()
    fields = [*long_format.COLUMNS, "evaluator_id", "evaluator_type", "evaluator_en"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerow({**ROW, **row})
    path.write_text(buffer.getvalue(), encoding="utf-8")
    code, out, report = _import(tmp_path, path)
    assert code == 0, report
    evaluator = open_snapshot(out).read("evaluators").filter(pl.col("evaluator_id") == "some-rater")
    assert evaluator.select("name_zh", "name_en", "evaluator_type", "is_synthetic").row(0) == (
        "某评估公司", "Some Rater", "private_rating_firm", False
    )  # fmt: skip


def test_a_row_contradicting_the_snapshot_is_rejected(tmp_path: Path) -> None:
    row = {field: value for field, value in _csv_rows()[4].items()}  # 罗湖区, CASS 2019, rank 5
    assert row["county_as_published"] == "深圳市罗湖区"
    code, _, report = _import(tmp_path, _long(tmp_path, [{**row, "rank": "6"}]))
    assert code == 2
    assert "contradicts the snapshot's published result for 440303" in report


def test_the_reference_file_imports_into_the_default_snapshot_as_a_no_op(tmp_path: Path) -> None:
    code, out, report = _import(tmp_path, CSV)
    assert code == 0, report
    assert report.count("already in the snapshot") == 158
    for name in ("rankings", "scores", "editions", "sources", "evaluators", "evaluator_ties"):
        assert open_snapshot(out).read(name).equals(load(BASE, name)), name


def test_the_import_path_gives_what_the_demo_builder_gives(
    tmp_path: Path, existing: dict[str, pl.DataFrame]
) -> None:
    tables = {name: existing.get(name, schemas.empty(name)) for name in schemas.TABLES}
    base = tmp_path / "reference-only"
    write_snapshot(tables, base, snapshot_id="reference-only", description="reference facts",
                   created_by="test", created_at="2026-01-01T00:00:00Z")  # fmt: skip
    code, out, report = _import(tmp_path, CSV, base=base)
    assert code == 0, report
    new, _ = published.published_tables(
        CSV, existing["divisions"], existing["division_changes"], existing
    )
    imported = open_snapshot(out).read("rankings").slice(existing["rankings"].height)
    assert imported.equals(new["rankings"])
    assert open_snapshot(out).read("scores").sort("adcode").equals(new["scores"].sort("adcode"))


def test_edition_meta_is_refused_with_the_published_format(tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text("{}", encoding="utf-8")
    code, out, _ = _import(tmp_path, _long(tmp_path, SMALL), "--edition-meta", str(meta))
    assert code == 2 and not out.exists()


def test_a_published_file_without_rows_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(",".join(long_format.COLUMNS) + "\n\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="no data rows"):
        long_format.read_file(path)
