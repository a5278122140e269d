"""Evaluators, their ties and editions, coverage, divergence and home bias, for the app."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from loaders import assessments, paths
from loaders.derive import divergence
from loaders.derive.compare import Reason, comparability, english_reason
from loaders.derive.divergence import agreement
from loaders.store import SnapshotLike, load

SOURCE_COLUMNS = {
    "title": "source_title",
    "title_en": "source_title_en",
    "url": "source_url",
    "reliability": "source_reliability",
}


def _with_source(snapshot: SnapshotLike, frame: pl.DataFrame) -> pl.DataFrame:
    sources = load(snapshot, "sources").select("source_id", *SOURCE_COLUMNS).rename(SOURCE_COLUMNS)
    return frame.join(sources, on="source_id", how="left")


def source_titles_en(snapshot: SnapshotLike) -> dict[str, str]:
    """Return source id → English title, for the sources that have one."""
    sources = load(snapshot, "sources").select("source_id", "title_en").drop_nulls()
    return dict(sources.iter_rows())


def registry(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return every evaluator with its source and how many editions and ties it has.

    Real evaluators first (by English name), then the synthetic demo ones. The home
    province is named in English and Chinese (``home_province_en``, ``home_province_zh``)
    and both together (``home_province``, "Guizhou 贵州省").
    """
    editions = load(snapshot, "editions").group_by("evaluator_id").agg(n_editions=pl.len())
    ties = load(snapshot, "evaluator_ties").group_by("evaluator_id").agg(n_ties=pl.len())
    provinces = (
        load(snapshot, "divisions")
        .select(
            home_province_adcode="province_adcode",
            home_province=pl.concat_str("province_name_en", "province_name_zh", separator=" "),
            home_province_en="province_name_en",
            home_province_zh="province_name_zh",
        )
        .unique()
    )
    frame = (
        load(snapshot, "evaluators")
        .join(editions, on="evaluator_id", how="left")
        .join(ties, on="evaluator_id", how="left")
        .join(provinces, on="home_province_adcode", how="left")
        .with_columns(pl.col("n_editions", "n_ties").fill_null(0))
    )
    return _with_source(snapshot, frame).sort("is_synthetic", "name_en")


def ties(snapshot: SnapshotLike, evaluator_id: str | None = None) -> pl.DataFrame:
    """Return the ties of one evaluator (or all), with their sources and the evaluator's name."""
    frame = load(snapshot, "evaluator_ties")
    if evaluator_id is not None:
        frame = frame.filter(pl.col("evaluator_id") == evaluator_id)
    names = load(snapshot, "evaluators").select("evaluator_id", evaluator_en="name_en")
    return _with_source(snapshot, frame.join(names, on="evaluator_id", how="left")).sort(
        "evaluator_id", "tie_id"
    )


def editions_of(snapshot: SnapshotLike, evaluator_id: str) -> pl.DataFrame:
    """Return the editions an evaluator produced, with their sources, oldest first."""
    frame = load(snapshot, "editions").filter(pl.col("evaluator_id") == evaluator_id)
    return _with_source(snapshot, frame).sort("data_year", "edition_id")


def evaluator_of(snapshot: SnapshotLike, edition: str) -> str | None:
    """Return the evaluator id of an edition (None if unknown)."""
    rows = load(snapshot, "editions").filter(pl.col("edition_id") == edition)
    return None if rows.is_empty() else rows.item(0, "evaluator_id")


def provenance(snapshot: SnapshotLike, edition: str) -> dict[str, object] | None:
    """Return what a provenance line needs: edition, evaluator, mode, method, source, kind."""
    rows = _with_source(
        snapshot,
        load(snapshot, "editions")
        .filter(pl.col("edition_id") == edition)
        .join(
            load(snapshot, "evaluators").select(
                "evaluator_id", evaluator_en="name_en", evaluator_zh="name_zh"
            ),
            on="evaluator_id",
            how="left",
        ),
    )
    return None if rows.is_empty() else rows.row(0, named=True)


def coverage_counts(snapshot: SnapshotLike, edition: str) -> pl.DataFrame:
    """Return, per province, how many counties the edition assessed, excluded or did not cover."""
    view = assessments.county_view(snapshot, edition)
    return (
        view.group_by("province_adcode", "province_name_en", "province_name_zh")
        .agg(
            divisions=pl.len(),
            assessed=(pl.col("status") == "assessed").sum(),
            published=(pl.col("status") == "published").sum(),
            excluded=(pl.col("status") == "excluded").sum(),
            not_covered=(pl.col("status") == "not_covered").sum(),
            not_published=(pl.col("status") == "not_published").sum(),
            reasons=pl.col("reason").drop_nulls().unique().sort().str.join("; "),
        )
        .sort("province_adcode")
    )


def paired_scores(
    snapshot: SnapshotLike, edition_a: str, edition_b: str, metric: str = assessments.TOTAL
) -> pl.DataFrame:
    """Return the counties scored by both editions: adcode, names, province, ``a`` and ``b``."""
    view_a = assessments.county_view(snapshot, edition_a, metric)
    view_b = assessments.county_view(snapshot, edition_b, metric).select("adcode", b="score")
    return (
        view_a.rename({"score": "a"})
        .join(view_b, on="adcode")
        .filter(pl.col("a").is_not_null() & pl.col("b").is_not_null())
        .select(
            "adcode",
            "name_zh",
            "name_pinyin",
            "province_adcode",
            "province_name_en",
            "province_name_zh",
            "a",
            "b",
        )
    )


def home_bias_table(snapshot: SnapshotLike, *, top_n: int = 100) -> pl.DataFrame:
    """Return the home-bias test for every scored edition whose evaluator has a home province.

    Editions without scores (e.g. a real edition that named only some members of its
    top 100), or with a few published scores but no county assessed in full, are listed
    with how many members are known (``n_published``) and no test.
    ``reading`` says what the numbers mean, in English.
    """
    evaluators = load(snapshot, "evaluators").filter(pl.col("home_province_adcode").is_not_null())
    editions = load(snapshot, "editions").join(
        evaluators.select("evaluator_id", "home_province_adcode", evaluator_en="name_en"),
        on="evaluator_id",
    )
    scored = set(load(snapshot, "scores").get_column("edition_id").unique().to_list())
    rankings = load(snapshot, "rankings")
    divisions = load(snapshot, "divisions").select("adcode", "province_adcode")
    # An edition that does not state its scope takes its series' widest (Zhongding 2021).
    series_scope = dict(
        editions.filter(pl.col("series_id").is_not_null())
        .group_by("series_id")
        .agg(pl.col("n_provinces").max())
        .iter_rows()
    )
    rows = []
    for row in editions.sort("evaluator_id", "data_year").iter_rows(named=True):
        home = row["home_province_adcode"]
        base = {
            "edition_id": row["edition_id"],
            "evaluator_en": row["evaluator_en"],
            "data_year": row["data_year"],
            "is_synthetic": row["is_synthetic"],
            "home_province_adcode": home,
        }
        test = None
        if row["edition_id"] in scored:
            view = assessments.county_view(snapshot, row["edition_id"])
            test = divergence.home_bias(
                view.filter(pl.col("status") == "assessed"), home_province=home, top_n=top_n
            )
        # A real edition with a few published scores covers no county as assessed: it is
        # a published list like the others below, not a testable score table.
        if test is not None and test.covered:
            rows.append(
                base
                | {
                    "top_n": test.top_n,
                    "home_in_top": test.home_in_top,
                    "expected": test.expected,
                    "home_share_covered": test.home_covered / test.covered,
                    "p_value": test.p_value,
                    "n_published": None,
                    "reading": test.reading,
                    "applies": True,
                }
            )
            continue
        named = rankings.filter(pl.col("edition_id") == row["edition_id"]).join(
            divisions, on="adcode", how="left"
        )
        if named.is_empty():
            continue
        home_named = named.filter(pl.col("province_adcode") == home).height
        # A provincial list: one province by its metadata, or (scope unstated) every county
        # it names in the evaluator's home province. A national list naming only home
        # counties (Zhongding 2021's three) is a partial list, not a provincial one.
        scope = row["n_provinces"] or series_scope.get(row["series_id"])
        provincial = scope == 1 or (scope is None and home_named == named.height)
        reading = (
            "Not applicable: the list covers only the evaluator's home province, so every "
            "county it names is a home county."
            if provincial
            else f"Only {named.height} published results are known for this edition "
            f"({home_named} in the home province): too few to test for home bias. "
            "The full list was not published."
        )
        rows.append(
            base
            | {
                "top_n": None,
                "home_in_top": home_named,
                "expected": None,
                "home_share_covered": None,
                "p_value": None,
                "n_published": named.height,
                "reading": reading,
                "applies": not provincial,
            }
        )
    schema = {
        "edition_id": pl.String,
        "evaluator_en": pl.String,
        "data_year": pl.Int16,
        "is_synthetic": pl.Boolean,
        "home_province_adcode": pl.String,
        "top_n": pl.Int64,
        "home_in_top": pl.Int64,
        "expected": pl.Float64,
        "home_share_covered": pl.Float64,
        "p_value": pl.Float64,
        "n_published": pl.Int64,
        "reading": pl.String,
        "applies": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


@dataclass(frozen=True)
class Divergence:
    """Two editions set against each other over the counties both scored."""

    edition_a: str
    edition_b: str
    comparable: bool
    reasons: tuple[Reason, ...]
    paired: pl.DataFrame
    agreement: dict[str, float]
    provinces: pl.DataFrame
    disagreements: pl.DataFrame

    @property
    def reason(self) -> str:
        """The reasons in English, joined by "; "."""
        return english_reason(self.reasons)


def divergence_between(
    snapshot: SnapshotLike, edition_a: str, edition_b: str, *, top: int = 20
) -> Divergence:
    """Compare the totals of two editions: correlations, province differences, disagreements.

    Refused (``comparable`` false, empty frames) when the first-level indicator trees
    differ or fewer than three counties were scored by both; ``reasons`` says why, or
    what differs between the trees of comparable ones.
    """
    tree_a = assessments.indicators(snapshot, edition_a)
    tree_b = assessments.indicators(snapshot, edition_b)
    verdict = comparability(tree_a, tree_b)
    paired = paired_scores(snapshot, edition_a, edition_b)
    empty = paired.clear()
    if not verdict.comparable:
        return Divergence(edition_a, edition_b, False, verdict.reasons, empty, {}, empty, empty)
    if paired.height < 3:
        few = (Reason("too_few_paired", n=paired.height),)
        return Divergence(edition_a, edition_b, False, few, empty, {}, empty, empty)
    return Divergence(
        edition_a,
        edition_b,
        True,
        verdict.reasons,
        paired,
        agreement(paired),
        divergence.province_differences(paired),
        divergence.rank_disagreements(paired, n=top),
    )


FAMILIES = paths.REFERENCE_DIR / "evaluator-families.toml"


def families(snapshot: SnapshotLike, path: Path = FAMILIES) -> tuple[dict[str, str], pl.DataFrame]:
    """Return what government integrity is (``intro``: en, zh) and the evaluator families.

    One row per family: ``family_id``, names, what it measures and how that differs from
    an integrity rating (English and Chinese), and the real evaluators of ``snapshot`` in
    it (``evaluators_en``, ``evaluators_zh``: their names, joined). Families without an
    evaluator in the snapshot are left out.
    """
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    names = (
        load(snapshot, "evaluators")
        .filter(~pl.col("is_synthetic"))
        .select("evaluator_id", "name_en", "name_zh")
    )
    rows = []
    for family in data["families"]:
        members = names.filter(pl.col("evaluator_id").is_in(family["evaluators"]))
        if members.is_empty():
            continue
        rows.append(
            {
                "family_id": family["id"],
                **{k: family[k] for k in ("name_en", "name_zh", "measures_en", "measures_zh",
                                          "differs_en", "differs_zh")},
                "evaluators_en": "; ".join(sorted(members.get_column("name_en"))),
                "evaluators_zh": "；".join(sorted(members.get_column("name_zh"))),
            }
        )  # fmt: skip
    return dict(data["intro"]), pl.DataFrame(rows)
