from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from loaders import geo, schemas
from loaders.build import published as published_module
from loaders.build import synthetic
from loaders.build.demo import build_tables, expected_records
from loaders.store import open_snapshot, sha256_file
from loaders.store.validate import check_tables, validate_snapshot
from loaders.tools import cli


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def full() -> dict[str, pl.DataFrame]:
    """The demo tables at the committed size (takes well under a second)."""
    return build_tables(geo.county_attributes())


def test_demo_is_deterministic_on_a_reduced_size(tmp_path: Path) -> None:
    args = ["--provinces", "52,33", "--records", "3000", "--snapshot-id", "reduced"]
    assert cli.main(["demo", "--out", str(tmp_path / "a"), *args]) == 0
    assert cli.main(["demo", "--out", str(tmp_path / "b"), *args]) == 0
    assert cli.main(["demo", "--out", str(tmp_path / "c"), "--seed", "1", *args]) == 0
    a, b, c = (_hashes(tmp_path / x) for x in "abc")
    assert a == b
    assert a["scores.parquet"] != c["scores.parquet"]
    assert validate_snapshot(tmp_path / "a") == []
    scores = open_snapshot(tmp_path / "a").read("scores").filter(pl.col("is_synthetic"))
    scored = scores.get_column("adcode").str.slice(0, 2)  # real published results stay complete
    assert set(scored.unique()) == {"52", "33"}


def test_demo_refuses_to_overwrite_another_folder(tmp_path: Path) -> None:
    out = tmp_path / "x"
    assert cli.main(["demo", "--out", str(out), "--provinces", "52", "--records", "100"]) == 0
    with pytest.raises(FileExistsError):
        cli.main(["demo", "--out", str(out), "--provinces", "52", "--records", "100"])


def test_records_option_scales_the_record_count() -> None:
    attrs = geo.county_attributes()
    tables = build_tables(attrs, provinces=["52"], records=20_000)
    assert 18_000 < tables["records"].height < 22_000
    assert expected_records(88) == pytest.approx(
        88 * 6 * 7.8, rel=0.01
    )  # complaints: counted apart


def test_full_demo_is_valid_and_labelled(full: dict[str, pl.DataFrame]) -> None:
    assert check_tables(full) == []
    editions = full["editions"]
    demo = editions.filter(pl.col("is_synthetic"))
    assert demo.get_column("evaluator_id").is_in(["demo-rating", "demo-audit"]).all()
    names = full["evaluators"].filter(pl.col("is_synthetic")).get_column("name_en")
    assert names.str.starts_with("Demo").all()
    real = full["scores"].filter(~pl.col("is_synthetic"))
    # Only the scores published in data/reference/real-results*.csv, each beside the
    # published result of its county in the same edition.
    published = 0
    for path, column in ((published_module.REAL_RESULTS, "score"),
                         (published_module.REAL_RESULTS_2, "score")):  # fmt: skip
        with path.open(encoding="utf-8") as handle:
            published += sum(1 for row in csv.DictReader(handle) if row[column].strip())
    assert real.height == published
    ranked = full["rankings"].select("edition_id", "adcode")
    assert real.join(ranked, on=["edition_id", "adcode"], how="anti").is_empty()
    demo = full["records"].filter(pl.col("is_synthetic"))
    assert demo.get_column("subject_name").str.ends_with("（示例）").all()
    real_records = full["records"].filter(~pl.col("is_synthetic"))
    assert not real_records.get_column("subject_name").str.contains("示例").any()


def test_demo_series_and_audit_cover_the_same_counties(full: dict[str, pl.DataFrame]) -> None:
    tp = [f"demo-tp-{y}" for y in synthetic.TP_YEARS]
    assert full["editions"].filter(pl.col("series_id") == "demo-tp").height == 4
    assessed = full["coverage"].filter(pl.col("status") == "assessed")
    last = set(assessed.filter(pl.col("edition_id") == tp[-1]).get_column("adcode"))
    audit = set(assessed.filter(pl.col("edition_id") == "demo-audit-2021").get_column("adcode"))
    assert last == audit
    assert 2700 <= len(last) <= 2800
    modes = dict(full["editions"].select("edition_id", "mode").iter_rows())
    assert modes["demo-audit-2021"] == "upper_level_audit"


def test_excluded_provinces_are_recorded_not_scored(full: dict[str, pl.DataFrame]) -> None:
    cov = full["coverage"].filter(pl.col("edition_id") == "demo-tp-2021")
    excluded = cov.filter(pl.col("status") == "excluded")
    # Tibet, Taiwan, Hong Kong, Macau, and 金门县 (Fujian's code, Taiwan-administered).
    assert set(excluded.get_column("adcode").str.slice(0, 2)) == {"35", "54", "71", "81", "82"}
    assert excluded.filter(pl.col("adcode").str.starts_with("35")).get_column(
        "adcode"
    ).to_list() == ["350527"]
    provinces = excluded.filter(~pl.col("adcode").str.starts_with("35"))
    assert provinces.get_column("reason").str.contains("Tibet").all()
    kinmen = excluded.filter(pl.col("adcode") == "350527").item(0, "reason")
    assert kinmen.startswith("administered by Taiwan")
    not_covered = cov.filter(pl.col("status") == "not_covered")
    assert 20 <= not_covered.height <= 45
    assert not_covered.get_column("reason").is_not_null().all()
    scored = full["scores"].filter(pl.col("edition_id") == "demo-tp-2021")
    assert set(scored.get_column("adcode")) == set(
        cov.filter(pl.col("status") == "assessed").get_column("adcode")
    )
    provinces = scored.get_column("adcode").str.slice(0, 2).n_unique()
    assert provinces == 30


def _totals(full: dict[str, pl.DataFrame], edition: str) -> pl.Series:
    return full["scores"].filter(
        (pl.col("edition_id") == edition) & (pl.col("indicator_id") == "total")
    )["score"]


@pytest.mark.parametrize("year", synthetic.TP_YEARS)
def test_totals_have_believable_distributions(full: dict[str, pl.DataFrame], year: int) -> None:
    total = _totals(full, f"demo-tp-{year}")
    ordered = total.sort(descending=True)
    assert 60 <= total.mean() <= 66
    assert 8 <= total.std() <= 10
    assert total.skew() < 0  # slight left skew
    assert 78 <= ordered[99] <= 82  # top-100 cut-off
    assert 86 <= ordered[0] <= 93
    assert total.min() >= 0 and total.max() <= 100


def test_year_on_year_rank_correlation(full: dict[str, pl.DataFrame]) -> None:
    wide = (
        full["scores"]
        .filter(pl.col("indicator_id") == "total", pl.col("edition_id").str.starts_with("demo-tp"))
        .pivot(on="edition_id", index="adcode", values="score")
        .drop_nulls()
    )
    ranks = wide.select(pl.exclude("adcode").rank())
    for a, b in zip(ranks.columns, ranks.columns[1:], strict=False):
        rho = np.corrcoef(ranks[a], ranks[b])[0, 1]
        assert 0.6 <= rho <= 0.8, (a, b, rho)


def test_composites_are_weighted_means_of_their_parts(full: dict[str, pl.DataFrame]) -> None:
    edition = "demo-tp-2021"
    wide = (
        full["scores"]
        .filter(pl.col("edition_id") == edition)
        .pivot(on="indicator_id", index="adcode", values="score")
    )
    tree = full["indicators"].filter(pl.col("edition_id") == edition)
    first = tree.filter(pl.col("level") == 1)
    total = sum(wide[k] * w for k, w in first.select("indicator_id", "weight").iter_rows())
    assert (total - wide["total"]).abs().max() < 0.02
    for key in schemas.FIRST_LEVEL:
        parts = tree.filter(pl.col("parent_id") == key).select("indicator_id", "weight")
        assert parts["weight"].sum() == pytest.approx(1.0, abs=1e-5)
        mean = sum(wide[k] * w for k, w in parts.iter_rows())
        assert (mean - wide[key]).abs().max() < 0.02


def test_2021_tree_differs_at_the_second_level_only(full: dict[str, pl.DataFrame]) -> None:
    tree = full["indicators"]

    def level(edition: str, n: int) -> set[str]:
        rows = tree.filter(pl.col("edition_id") == edition, pl.col("level") == n)
        return set(rows.get_column("indicator_id"))

    assert level("demo-tp-2020", 1) == level("demo-tp-2021", 1)
    assert level("demo-tp-2020", 2) < level("demo-tp-2021", 2)


def test_top_100_over_represents_coastal_provinces(full: dict[str, pl.DataFrame]) -> None:
    scores = full["scores"].filter(
        pl.col("edition_id") == "demo-tp-2021", pl.col("indicator_id") == "total"
    )
    coastal = pl.col("adcode").str.slice(0, 2).is_in([p[:2] for p in synthetic.COASTAL])
    share_all = scores.select(coastal.mean()).item()
    share_top = scores.sort("score", descending=True).head(100).select(coastal.mean()).item()
    assert share_top > 1.5 * share_all


def test_audit_scores_are_inflated_and_bunched(full: dict[str, pl.DataFrame]) -> None:
    audit = _totals(full, "demo-audit-2021")
    third = _totals(full, "demo-tp-2021")
    assert audit.mean() > third.mean() + 15
    assert audit.std() < third.std() / 2


def test_debtor_listings_cleared_by_the_2017_deadline(full: dict[str, pl.DataFrame]) -> None:
    debtors = full["records"].filter(pl.col("record_type") == "dishonest_judgment_debtor")
    early = debtors.filter(pl.col("occurred") < dt.date(2017, 6, 30))
    counties = full["divisions"].filter(~pl.col("adcode").str.starts_with("8"))
    assert 0.01 < early.get_column("adcode").n_unique() / counties.height < 0.05
    cleared = early.filter(pl.col("resolved") <= dt.date(2017, 6, 30))
    assert cleared.height / early.height > 0.85
    assert (debtors["resolved"].drop_nulls() > debtors.drop_nulls("resolved")["occurred"]).all()


def test_record_volumes_and_lifecycles(full: dict[str, pl.DataFrame]) -> None:
    records = full["records"].filter(pl.col("is_synthetic"))  # the real ones are apart
    assert 100_000 <= records.height <= 200_000
    counts = dict(records.group_by("record_type").len().iter_rows())
    # Failed website checks are real records only: the demo generates none; the types
    # counted per month (complaints, petitions, applications) are never itemised.
    assert set(counts) == set(schemas.RECORD_TYPES) - {
        "website_check_failure",
        *schemas.VOLUME_TYPES,
    }
    assert counts["admin_litigation_loss"] > counts["admin_penalty"]
    assert set(records.get_column("source_agency")) == set(schemas.SOURCE_AGENCIES) - {
        "general_office",
        "hotline_12345",
        "letters_visits",
    }
    # The counted types at their yearly magnitude per county: complaints as the notes
    # give it (hundreds to thousands), petitions and applications as assumed (fewer).
    yearly = (
        full["record_volumes"]
        .group_by("record_type", "adcode", pl.col("month").dt.year())
        .agg(pl.col("records").sum())
        .group_by("record_type")
        .agg(pl.col("records").median())
    )
    median = dict(yearly.iter_rows())
    assert 300 <= median["complaint"] <= 1_500
    assert median["complaint"] > median["petition"] > median["reconsideration_application"] > 5
    agencies = dict(full["record_volumes"].select("record_type", "source_agency").unique().rows())
    assert agencies == {
        "complaint": "hotline_12345",
        "petition": "letters_visits",
        "reconsideration_application": "legal_affairs_office",
    }
    resolved = records.filter(pl.col("resolved").is_not_null())
    assert resolved.get_column("status").is_in(list(synthetic._RESOLVED)).all()
    amounts = records.get_column("amount_cny").drop_nulls()
    assert amounts.min() >= 1e4 and amounts.max() <= 5e7
    commendations = records.filter(pl.col("record_type") == "commendation")
    assert (commendations.get_column("polarity") == "positive").all()


def test_better_counties_get_fewer_negative_records(full: dict[str, pl.DataFrame]) -> None:
    total = full["scores"].filter(
        pl.col("edition_id") == "demo-tp-2021", pl.col("indicator_id") == "total"
    )
    negatives = (
        full["records"]
        .filter(pl.col("polarity") == "negative", pl.col("record_type") != "complaint")
        .group_by("adcode")
        .len()
    )
    joined = total.join(negatives, on="adcode").select(pl.corr("score", "len", method="spearman"))
    assert joined.item() < -0.1
