"""real-results-2.csv through the import path: every row placed with its source, or listed."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import polars as pl
import pytest

from loaders import schemas
from loaders.build import reference
from loaders.build.published import REAL_RESULTS_2
from loaders.imports import compact, real_records
from loaders.imports.curation import curation
from loaders.imports.long_format import Row, edition_key
from loaders.imports.match import Matcher
from loaders.imports.published import published_tables
from loaders.imports.read import ImportRejected
from loaders.store import open_snapshot
from tests.fixtures import demo_snapshot

SHARED = Path(__file__).parents[4] / "shared" / "reference" / "real-results-2.csv"


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    snap = open_snapshot(demo_snapshot())
    return {name: snap.read(name) for name in schemas.TABLES}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with REAL_RESULTS_2.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# sha256 of reference/real-results-2.csv as delivered (the shared reference folder).
DELIVERED_SHA256 = "ebc8a28d7ffce13b4d1f0ec83c51f1bd1151c19fd73ed60b0f4f05978a955562"


def test_the_file_is_the_published_one_unedited() -> None:
    assert hashlib.sha256(REAL_RESULTS_2.read_bytes()).hexdigest() == DELIVERED_SHA256
    if SHARED.exists():  # beside a working copy: still the shared file, byte for byte
        assert SHARED.read_bytes() == REAL_RESULTS_2.read_bytes()


def test_every_row_is_in_the_snapshot_with_its_source_or_listed_as_not_placed(
    tables: dict[str, pl.DataFrame], rows: list[dict[str, str]]
) -> None:
    sources = dict(tables["sources"].select("source_id", "url").iter_rows())
    rankings = tables["rankings"].with_columns(
        url=pl.col("source_id").replace_strict(sources, default=None)
    )
    found = tables["records"].filter(~pl.col("is_synthetic"))
    found = found.with_columns(url=pl.col("source_id").replace_strict(sources, default=None))
    placed = listed = recorded = 0
    for row in rows:
        name, url = row["name_as_published"], row["source_url"]
        if real_records.spec_of(Row(0, {"edition": row["edition"]})):
            match = found.filter((pl.col("subject_name") == name) & (pl.col("url") == url))
            assert match.height == 1, name
            assert match.item(0, "adcode") is not None
            recorded += 1
            continue
        match = rankings.filter((pl.col("name_as_published") == name) & (pl.col("url") == url))
        assert match.height >= 1, (name, row["edition"])
        if match.item(0, "adcode") is None:
            assert "Not on today's map: " in match.item(0, "note"), name
            listed += 1
        else:
            placed += 1
    assert (placed, listed, recorded) == (len(rows) - 24 - 3, 3, 24)


def test_records_are_never_results(tables: dict[str, pl.DataFrame]) -> None:
    real = tables["records"].filter(~pl.col("is_synthetic"))
    named = set(real.get_column("subject_name"))
    assert not named & set(tables["rankings"].get_column("name_as_published"))
    assert set(real.get_column("record_type")) == {
        "website_check_failure",
        "dishonest_judgment_debtor",
    }
    assert set(real.get_column("status")) == {"unknown"}  # no source says what became of them
    assert real.get_column("note").str.contains("Date: ").all()


@pytest.mark.parametrize(
    ("body", "adcode"),
    [
        ("奉新县人民政府", "360921"),
        ("遵义县新舟镇", "520304"),  # 遵义县 became 播州区 in 2016
        ("宽甸满族自治县长甸镇政府", "210624"),
        ("科尔沁右翼中旗“科右中旗统计信息网”", "152222"),
        ("福建省福安市“晓阳镇人民政府”网", "350981"),
        ("重庆市“城口县城乡建设委员会”网", "500229"),
        ("洛阳市西工区", "410303"),
    ],
)
def test_a_record_sits_in_the_county_of_the_body_it_names(
    tables: dict[str, pl.DataFrame], body: str, adcode: str
) -> None:
    real = tables["records"].filter(pl.col("subject_name") == body)
    assert real.get_column("adcode").to_list() == [adcode]


def test_debtor_amounts_come_from_the_source_note(tables: dict[str, pl.DataFrame]) -> None:
    real = tables["records"].filter(pl.col("record_type") == "dishonest_judgment_debtor")
    amounts = dict(real.filter(~pl.col("is_synthetic")).select("subject_name", "amount_cny").rows())
    assert amounts["奉新县人民政府"] == 320_000_000
    assert amounts["宽甸满族自治县长甸镇政府"] == 37_000_000
    assert amounts["洛阳市西工区"] is None  # the source gives none


def test_mirror_and_repost_hosts_stay_secondary(tables: dict[str, pl.DataFrame]) -> None:
    sources = tables["sources"]
    by_url = dict(sources.select("url", "reliability").iter_rows())
    mirror = (
        "http://www.7263355.com/zglygzfmhwz/fktj/content/49667ccf-25d4-4baa-b924-6367166e67f4.html"
    )
    assert by_url[mirror] == "secondary"
    forum = "http://www.gztrwy.com/forum.php?goto=lastpost&mod=redirect&tid=17952"
    assert by_url[forum] == "secondary"
    official = (
        "http://www.lyg.gov.cn/zglygzfmhwz/fktj/content/f7176698-8c1e-4122-a0f0-74dd65af7f19.html"
    )
    assert by_url[official] == "official"
    for url in curation().sources:
        assert url in by_url, url


def test_a_group_rank_keeps_its_group_and_list_size(tables: dict[str, pl.DataFrame]) -> None:
    editions = tables["editions"].filter(pl.col("edition_id").str.starts_with("lyg-12345-2022-02"))
    sizes = dict(editions.select("edition_id", "n_subjects").iter_rows())
    scales = dict(editions.select("edition_id", "score_max").iter_rows())
    assert sizes == {"lyg-12345-2022-02-counties": 4, "lyg-12345-2022-02-districts": 5}
    assert scales == {"lyg-12345-2022-02-counties": 150.0, "lyg-12345-2022-02-districts": 100.0}
    ranks = tables["rankings"].filter(pl.col("edition_id").is_in(list(sizes)))
    by_name = {r["name_as_published"]: (r["edition_id"], r["rank"]) for r in ranks.to_dicts()}
    assert by_name["灌云县"] == ("lyg-12345-2022-02-counties", 1)
    assert by_name["连云区"] == ("lyg-12345-2022-02-districts", 3)
    ccid = tables["editions"].filter(pl.col("edition_id") == "ccid-business-env-2020")
    assert ccid.item(0, "n_subjects") == 1879


def test_business_environment_and_credit_lists_say_they_are_not_integrity_ratings(
    tables: dict[str, pl.DataFrame],
) -> None:
    editions = tables["editions"].filter(
        pl.col("edition_id").is_in(["ccid-business-env-2020", "shaanxi-credit-designation-1"])
    )
    for title in editions.get_column("title_en"):
        assert "not an integrity rating" in title or "social-credit designation" in title
    ccid = tables["evaluators"].filter(pl.col("evaluator_id") == "ccid")
    assert "not government integrity" in ccid.item(0, "description_en")


def test_garbled_names_and_zones_stay_as_published_and_unmapped(
    tables: dict[str, pl.DataFrame],
) -> None:
    unmapped = tables["rankings"].filter(pl.col("adcode").is_null())
    names = set(unmapped.get_column("name_as_published"))
    assert {"陵市", "山河市", "西安市高新区"} <= names
    assert not tables["rankings"].filter(pl.col("name_as_published") == "陵市").item(0, "adcode")


def test_zhongding_provenance_ties_are_reported_with_their_source(
    tables: dict[str, pl.DataFrame],
) -> None:
    ties = tables["evaluator_ties"].filter(pl.col("source_id") == "src-zhongding-guizhou-2015")
    assert ties.height == 4
    assert set(ties.get_column("confidence")) == {"reported"}
    assert "石校瑜" in set(ties.get_column("party_name"))
    assert "co_developer" in set(ties.get_column("relation"))
    e2015 = tables["editions"].filter(pl.col("edition_id") == "zhongding-2015")
    assert e2015.item(0, "source_id") == "src-zhongding-guizhou-2015"
    assert tables["rankings"].filter(pl.col("edition_id") == "zhongding-2015").is_empty()


def test_the_import_path_builds_the_rows_from_reference_facts_alone() -> None:
    facts = reference.reference_tables()
    divisions = open_snapshot(demo_snapshot()).read("divisions")
    existing = {**facts, "divisions": divisions}
    new, unmappable = published_tables(
        REAL_RESULTS_2, divisions, facts["division_changes"], existing
    )
    assert new["records"].height == 24
    assert set(unmappable.get_column("name_as_published")) == {"陵市", "山河市", "西安市高新区"}
    assert new["rankings"].height == 193 - 24


def test_a_url_without_a_curated_reliability_is_refused() -> None:
    row = Row(7, {"source_url": "http://unknown.example/x", "edition": "e", "band": ""})
    _, problems = compact.to_long(row, {})
    assert [p.column for p in problems] == ["source_url"]
    assert "published-sources.toml" in problems[0].message


def test_a_compact_file_with_a_header_and_no_rows_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(",".join(compact.COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="no data rows"):
        compact.read_file(path)


def test_every_records_list_is_in_the_file(rows: list[dict[str, str]]) -> None:
    keys = {edition_key(r["edition"]) for r in rows}
    assert set(curation().records) <= keys


def test_within_matches_the_county_a_body_name_starts_from() -> None:
    snap = open_snapshot(demo_snapshot())
    matcher = Matcher(snap.read("divisions"), snap.read("division_changes"))
    assert matcher.within("山西省泽州县林业局", province="山西省").adcode == "140525"
    assert matcher.within("黑龙江省“北安市公安局”网", province="黑龙江省").adcode == "231181"
    # A name that only contains a county's name further in is not matched on a guess.
    assert matcher.within("某某镇泽州县办事处", province="山西省").adcode is None


def test_a_score_with_full_marks_is_its_editions_scale(tables: dict[str, pl.DataFrame]) -> None:
    april = tables["editions"].filter(pl.col("edition_id") == "lyg-12345-2017-04")
    assert april.item(0, "score_max") == 100.0  # "3家单位考评成绩均为满分" with 100 points
