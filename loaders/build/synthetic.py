"""Synthetic demo data: fictional "Demo" evaluators, their editions, scores and records.

Everything here is ``is_synthetic=True`` and attributed only to fictional evaluators
whose names start with "Demo". The distributions follow the believable ranges in
the project's domain notes (total mean 60–66, SD 8–10, slight left skew, top-100
cut-off about 78–82, year-on-year rank correlation 0.6–0.8). All randomness comes
from one seeded ``numpy`` generator, so the same seed gives the same frames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from loaders import schemas
from loaders.derive.universe import TAIWAN_ADMINISTERED, region_expr
from loaders.derive.weights import composite_expr

SOURCE_ID = "src-demo-generator"
TP_EVALUATOR = "demo-rating"
AUDIT_EVALUATOR = "demo-audit"
TP_SERIES = "demo-tp"
TP_YEARS = (2018, 2019, 2020, 2021)
AUDIT_EDITION = "demo-audit-2021"
GRADE_SCALE = "demo-aaa-d"
RECORD_YEARS = (2016, 2017, 2018, 2019, 2020, 2021)
# Hong Kong, Macau, Taiwan and Tibet were outside the real 2019 national report (the one
# real report that documents its exclusions).
EXCLUDED_PROVINCES = {
    "540000": "Tibet",
    "710000": "Taiwan",
    "810000": "Hong Kong",
    "820000": "Macau",
}
COASTAL = {"110000", "120000", "310000", "320000", "330000", "350000", "370000", "440000"}
HOME_PROVINCE = "330000"  # the fictional rater's home: a planted, labelled home bias

# First-level weights of the demo rater and its second-level indicators (weight within parent).
FIRST_LEVEL: tuple[tuple[str, str, str, float], ...] = (
    ("transparency", "透明度", "Transparency", 0.25),
    ("compliance", "合规度", "Compliance", 0.25),
    ("honoring_agreements", "践约度", "Honoring agreements", 0.20),
    ("integrity_work", "政务诚信专项工作", "Integrity work", 0.15),
    ("public_opinion", "政务舆情事件", "Public opinion", 0.15),
)
SECOND_LEVEL: tuple[tuple[str, str, str, str, float], ...] = (
    ("transparency", "info_mechanism", "信息公开机制", "Disclosure mechanism", 0.3),
    ("transparency", "basic_info", "基本信息公开", "Basic information disclosed", 0.3),
    ("transparency", "key_info", "重点信息公开", "Key information disclosed", 0.4),
    ("compliance", "rule_of_law_mechanism", "法治政府机制", "Rule-of-law mechanism", 0.5),
    ("compliance", "rule_of_law_progress", "法治建设推进", "Rule-of-law progress", 0.5),
    ("honoring_agreements", "commitments_public", "践约公示", "Commitments published", 0.4),
    ("honoring_agreements", "convenience_services", "便民服务", "Services to the public", 0.3),
    ("honoring_agreements", "citizen_interaction", "政民互动", "Interaction with citizens", 0.3),
    ("integrity_work", "special_deployment", "政务诚信专项部署", "Integrity work plans", 0.5),
    ("integrity_work", "key_area_credit", "重点领域信用建设", "Credit in key areas", 0.5),
    (
        "public_opinion",
        "incident_count",
        "舆情事件数量",
        "Opinion incidents (fewer is better)",
        0.6,
    ),
    ("public_opinion", "response_quality", "舆情回应", "Response to incidents", 0.4),
)
# Added in the 2021 demo edition, so 2021 is flagged as differing at the second level.
SECOND_LEVEL_2021 = (
    ("integrity_work", "commitment_fulfilment", "承诺履行", "Commitments fulfilled", 0.2),
)
# Illustrative only: no grade scale for governments was ever confirmed. AAA to D as the
# seed article's hint names it (src-trivium-data-collection; the credit ratings' nine
# grades, 三等九级, plus D); the cut-offs are this demo's own.
GRADES = (
    ("AAA", 90.0),
    ("AA", 85.0),
    ("A", 80.0),
    ("BBB", 75.0),
    ("BB", 70.0),
    ("B", 65.0),
    ("CCC", 60.0),
    ("CC", 50.0),
    ("C", 40.0),
    ("D", 0.0),
)


@dataclass(frozen=True)
class RecordKind:
    """How one record type is generated: agency, polarity, yearly rate and lifecycle."""

    record_type: str
    agency: str
    polarity: str
    rate: float  # mean per county per year
    quality_effect: float  # log-rate change per SD of county quality (negative: better → fewer)
    statuses: tuple[tuple[str, float], ...]  # final status and its probability
    resolve_days: float  # mean days to a resolved status
    amount_share: float  # share of records with an amount
    department: bool  # subject is a department (True) or the county government


RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        "admin_litigation_loss",
        "courts",
        "negative",
        3.0,
        -0.3,
        (("active", 0.2), ("performed", 0.8)),
        120,
        0.4,
        True,
    ),
    RecordKind(
        "admin_penalty", "other", "negative", 0.5, -0.2, (("performed", 1.0),), 45, 0.9, True
    ),
    RecordKind(
        "reconsideration_revoked",
        "legal_affairs_office",
        "negative",
        0.8,
        -0.3,
        (("revoked", 1.0),),
        0,
        0.0,
        True,
    ),
    RecordKind(
        "disciplinary_action",
        "supervisory_commission",
        "negative",
        1.5,
        -0.2,
        (("active", 0.3), ("expired", 0.7)),
        540,
        0.0,
        True,
    ),
    RecordKind(
        "accountability_action",
        "civil_service",
        "negative",
        0.8,
        -0.2,
        (("active", 0.3), ("expired", 0.7)),
        365,
        0.0,
        True,
    ),
    RecordKind(
        "broken_commitment",
        "other",
        "negative",
        0.3,
        -0.4,
        (("active", 0.35), ("repaired", 0.65)),
        200,
        0.8,
        False,
    ),
    RecordKind(
        "opinion_incident",
        "other",
        "negative",
        0.3,
        -0.5,
        (("settled", 0.8), ("active", 0.2)),
        30,
        0.0,
        False,
    ),
    RecordKind(
        "commendation",
        "civil_service",
        "positive",
        0.6,
        0.3,
        (("active", 1.0),),
        0,
        0.0,
        True,
    ),
)


@dataclass(frozen=True)
class VolumeKind:
    """A record type counted per county and month, never itemised (``record_volumes``).

    ``median`` is the median count per county and year. Whether the project's notes give
    that magnitude (else it is this demo's assumption) is ``schemas.DOCUMENTED_VOLUMES``.
    """

    record_type: str
    agency: str
    median: float
    spread: float  # SD of the log yearly count between counties and years
    quality_effect: float  # log-count change per SD of county quality


VOLUME_KINDS: tuple[VolumeKind, ...] = (
    # 12345 complaints: "hundreds to thousands per county per year" (domain notes).
    VolumeKind("complaint", "hotline_12345", 600.0, 0.6, -0.15),
    # Petitions (信访) and reconsideration applications: no volume in the notes: assumed.
    VolumeKind("petition", "letters_visits", 150.0, 0.6, -0.2),
    VolumeKind("reconsideration_application", "legal_affairs_office", 25.0, 0.7, -0.2),
)
# Months of a year relative to the mean (more complaints in summer, fewer at New Year).
_SEASON = np.array([0.85, 0.8, 0.95, 1.0, 1.05, 1.1, 1.15, 1.15, 1.05, 1.0, 0.95, 0.95])

DEPARTMENTS = (
    "人民政府",
    "自然资源局",
    "住房和城乡建设局",
    "市场监督管理局",
    "生态环境局",
    "交通运输局",
    "财政局",
    "教育局",
    "卫生健康局",
    "人力资源和社会保障局",
)


def _weighted_total(first: dict[str, np.ndarray]) -> np.ndarray:
    """Return the total as the published first-level scores give it, rounded to 2 decimals.

    Computed with ``loaders.weights.composite_expr`` itself, so re-weighting at the
    rater's own weights reproduces every published total exactly.
    """
    weights = [w for *_, w in FIRST_LEVEL]
    frame = pl.DataFrame({key: first[key] for key, *_ in FIRST_LEVEL})
    return frame.select(composite_expr(weights)).to_series().round(2).to_numpy()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _year_start(year: np.ndarray) -> np.ndarray:
    """Proleptic ordinal of 1 January of each year (vectorised)."""
    first = dt.date(2000, 1, 1).toordinal()
    table = np.array([dt.date(y, 1, 1).toordinal() - first for y in range(2000, 2101)])
    return first + table[np.asarray(year, dtype=np.int64) - 2000]


def _edition_id(year: int) -> str:
    return f"{TP_SERIES}-{year}"


def metadata_tables() -> dict[str, pl.DataFrame]:
    """Return the demo sources, evaluators, ties, editions (without counts) and grade scale."""
    src = {"source_id": SOURCE_ID, "is_synthetic": True}
    sources = pl.DataFrame(
        [
            {
                "source_id": SOURCE_ID,
                # ``title`` is the source's own language: Chinese, as for the real
                # sources, so a Chinese citation needs no English.
                "title": "Demo 演示数据生成器（合成数据，本项目生成）",
                "title_en": "Demo data generator (synthetic; python -m loaders demo)",
                "publisher": "this project",
                "kind": "generator",
                "reliability": "synthetic",
                "is_synthetic": True,
            }
        ]
    )
    evaluators = pl.DataFrame(
        [
            {
                "evaluator_id": TP_EVALUATOR,
                "name_zh": "Demo 示例诚信评级有限公司",
                "name_en": "Demo Integrity Ratings Ltd. (fictional)",
                "evaluator_type": "private_rating_firm",
                "founded": "2014",
                "home_province_adcode": HOME_PROVINCE,
                "methodology_disclosure": "partial",
                "description_en": "Fictional third-party rater used to demonstrate the dashboard. "
                "Its scores are generated, not measured.",
                **src,
            },
            {
                "evaluator_id": AUDIT_EVALUATOR,
                "name_zh": "Demo 示例上级审核办公室",
                "name_en": "Demo Upper-Level Audit Office (fictional)",
                "evaluator_type": "government_body",
                "methodology_disclosure": "none",
                "description_en": "Fictional upper-level government office auditing the "
                "counties below it (self-assessment mode). Generated scores.",
                **src,
            },
        ]
    )
    ties = pl.DataFrame(
        [
            {
                "tie_id": "demo-tie-1",
                "evaluator_id": TP_EVALUATOR,
                "party_name": "Demo 控股集团（虚构）",
                "party_name_en": "Demo Holding Group (fictional)",
                "party_type": "company",
                "relation": "shareholder",
                "share_pct": 70.0,
                "as_of": "2020",
                "confidence": "confirmed",
                **src,
            },
            {
                "tie_id": "demo-tie-2",
                "evaluator_id": TP_EVALUATOR,
                "party_name": "Demo 自然人甲（虚构）",
                "party_name_en": "Demo Person A (fictional)",
                "party_type": "person",
                "relation": "cppcc_member",
                "as_of": "2020",
                "confidence": "unverified",
                "note": "fictional: a demo of how a political membership is shown",
                **src,
            },
            {
                "tie_id": "demo-tie-3",
                "evaluator_id": TP_EVALUATOR,
                "party_name": "Demo 省发展改革委（虚构）",
                "party_name_en": "Demo Provincial Development Commission (fictional)",
                "party_type": "government_body",
                "relation": "commissioning_client",
                "as_of": "2021",
                "confidence": "reported",
                **src,
            },
            {
                "tie_id": "demo-tie-4",
                "evaluator_id": AUDIT_EVALUATOR,
                "party_name": "Demo 省人民政府（虚构）",
                "party_name_en": "Demo Provincial Government (fictional)",
                "party_type": "government_body",
                "relation": "parent_body",
                "confidence": "confirmed",
                **src,
            },
        ]
    )
    grades = pl.DataFrame(
        [
            {
                "scale_id": GRADE_SCALE,
                "grade": grade,
                "min_score": floor,
                "label_zh": f"{grade}（示例等级）",
                "label_en": f"{grade} (illustrative)",
                "confirmed": False,
                **src,
            }
            for grade, floor in GRADES
        ]
    )
    return {
        "sources": sources,
        "evaluators": evaluators,
        "evaluator_ties": ties,
        "grade_scales": grades,
    }


def indicator_table() -> pl.DataFrame:
    """Return the demo editions' indicator trees (weights: share within the parent)."""
    rows: list[tuple[object, ...]] = []
    editions = [(_edition_id(y), y) for y in TP_YEARS] + [(AUDIT_EDITION, 2021)]
    for edition_id, year in editions:
        for key, zh, en, weight in FIRST_LEVEL:
            rows.append((edition_id, key, None, 1, zh, en, weight, key))
        if edition_id == AUDIT_EDITION:
            continue  # the audit office publishes first-level scores only
        for parent, key, zh, en, weight in _second_level(year):
            rows.append((edition_id, f"{parent}.{key}", parent, 2, zh, en, weight, parent))
    frame = pl.DataFrame(
        rows,
        schema=[
            "edition_id",
            "indicator_id",
            "parent_id",
            "level",
            "name_zh",
            "name_en",
            "weight",
            "crosswalk_key",
        ],
        orient="row",
    )
    return frame.with_columns(
        name_confirmed=pl.lit(True),
        source_id=pl.lit(SOURCE_ID),
        is_synthetic=pl.lit(True),
    )


def _second_level(year: int) -> list[tuple[str, str, str, str, float]]:
    rows = list(SECOND_LEVEL)
    if year >= 2021:
        rows += SECOND_LEVEL_2021
    # Renormalise within each parent so weights under a parent sum to 1.
    totals: dict[str, float] = {}
    for parent, *_, weight in rows:
        totals[parent] = totals.get(parent, 0.0) + weight
    return [(p, k, zh, en, round(w / totals[p], 6)) for p, k, zh, en, w in rows]


def _latent_quality(divisions: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
    provinces = divisions.get_column("province_adcode").to_numpy()
    names = sorted(set(provinces))
    effect = dict(zip(names, rng.normal(0.0, 0.5, len(names)), strict=True))
    province_effect = np.array([effect[p] + (1.2 if p in COASTAL else 0.0) for p in provinces])
    urban = (divisions.get_column("division_type").to_numpy() == "district") * 0.35
    z = province_effect + urban + rng.normal(0.0, 1.0, len(provinces))
    return (z - z.mean()) / (z.std() or 1.0)  # one county (Taiwan alone) has no spread


def coverage_table(
    divisions: pl.DataFrame, rng: np.random.Generator, edition_id: str, *, not_covered: int
) -> pl.DataFrame:
    """Return one coverage row per division for an edition: assessed, excluded or not covered."""
    province = divisions.get_column("province_adcode")
    kinmen = divisions.get_column("adcode").is_in(sorted(TAIWAN_ADMINISTERED)).to_numpy()
    excluded = province.is_in(list(EXCLUDED_PROVINCES)).to_numpy() | kinmen
    candidates = np.flatnonzero(~excluded)
    missing = rng.choice(candidates, size=min(not_covered, len(candidates)), replace=False)
    status = np.where(excluded, "excluded", "assessed").astype(object)
    status[missing] = "not_covered"
    reason = np.full(len(excluded), None, dtype=object)
    reason[excluded] = (
        "province outside this edition (Tibet, Hong Kong, Macau and Taiwan were excluded, "
        "as the real 2019 national report says it did)"
    )
    reason[kinmen] = "administered by Taiwan (listed under Fujian): outside this edition"
    reason[missing] = "not covered: too little public information (demo reason)"
    return pl.DataFrame(
        {
            "edition_id": edition_id,
            "adcode": divisions.get_column("adcode"),
            "status": pl.Series(status.tolist(), dtype=pl.String),
            "reason": pl.Series(reason.tolist(), dtype=pl.String),
            "source_id": SOURCE_ID,
            "is_synthetic": True,
        }
    )


_SCORE_COLUMNS = ("edition_id", "adcode", "indicator_id", "score", "observed")


def _scores_long(
    edition_id: str,
    adcodes: np.ndarray,
    columns: dict[str, np.ndarray],
    observed: dict[str, np.ndarray] | None = None,
) -> pl.DataFrame:
    parts = []
    for indicator_id, values in columns.items():
        seen = observed.get(indicator_id) if observed else None
        parts.append(
            pl.DataFrame(
                {
                    "edition_id": edition_id,
                    "adcode": adcodes,
                    "indicator_id": indicator_id,
                    "score": np.round(values, 2),
                    "observed": np.ones(len(adcodes), bool) if seen is None else seen,
                },
                # NOTE: typed, so an edition that assessed no county (a small province in
                # a reduced demo) gives an empty frame that still concatenates.
                schema={c: schemas.SCORES[c] for c in _SCORE_COLUMNS},
            )
        )
    return pl.concat(parts).with_columns(source_id=pl.lit(SOURCE_ID), is_synthetic=pl.lit(True))


def _tp_scores(
    divisions: pl.DataFrame,
    assessed: np.ndarray,
    z: np.ndarray,
    year: int,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Scores of one demo third-party edition for the assessed rows of ``divisions``."""
    n = len(z)
    home = (divisions.get_column("province_adcode").to_numpy() == HOME_PROVINCE) * 0.25
    common = z + home
    columns: dict[str, np.ndarray] = {}
    observed: dict[str, np.ndarray] = {}
    first: dict[str, np.ndarray] = {}
    for key, *_ in FIRST_LEVEL:
        metric = 0.8 * common + 0.6 * rng.normal(0.0, 1.0, n)
        parts = [(k, w) for p, k, *_, w in _second_level(year) if p == key]
        total_weight = 0.0
        acc = np.zeros(n)
        for sub, weight in parts:
            x = metric + 0.45 * rng.normal(0.0, 1.0, n)
            values = 100.0 * _sigmoid(0.6 + 0.5 * x)
            seen = rng.random(n) > 0.01
            # NOTE: the demo rater imputes an unobserved sub-indicator with its median.
            imputed = np.round(np.where(seen, values, np.median(values)), 2)
            columns[f"{key}.{sub}"] = imputed
            observed[f"{key}.{sub}"] = seen
            acc += weight * imputed
            total_weight += weight
        first[key] = np.round(acc / total_weight, 2)
    # NOTE: like a real report, each level is computed from the published (rounded)
    # level below, so anyone can recompute the total from the first-level scores shown.
    total = _weighted_total(first)
    adcodes = divisions.get_column("adcode").to_numpy()
    ordered = {"total": total, **first, **columns}
    keep = {k: v[assessed] for k, v in ordered.items()}
    seen_keep = {k: v[assessed] for k, v in observed.items()}
    return _scores_long(_edition_id(year), adcodes[assessed], keep, seen_keep)


def _audit_scores(
    divisions: pl.DataFrame, assessed: np.ndarray, z: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    """Score an upper-level self-assessment: inflated, bunched high, with province leniency."""
    n = len(z)
    provinces = divisions.get_column("province_adcode").to_numpy()
    names = sorted(set(provinces))
    leniency = dict(zip(names, rng.normal(0.0, 1.5, len(names)), strict=True))
    offset = np.array([leniency[p] for p in provinces])
    first = {}
    for key, *_ in FIRST_LEVEL:
        x = 0.5 * z + 0.85 * rng.normal(0.0, 1.0, n)
        first[key] = np.round(np.clip(87.0 + offset + 3.0 * x, 0.0, 100.0), 2)
    total = _weighted_total(first)
    adcodes = divisions.get_column("adcode").to_numpy()
    cols = {"total": total, **first}
    return _scores_long(AUDIT_EDITION, adcodes[assessed], {k: v[assessed] for k, v in cols.items()})


def assessment_tables(
    divisions: pl.DataFrame, rng: np.random.Generator
) -> tuple[dict[str, pl.DataFrame], np.ndarray]:
    """Return demo editions, indicators, scores and coverage, and the latest latent quality."""
    divisions = divisions.sort("adcode")
    z = _latent_quality(divisions, rng)
    rho = 0.86
    scores, coverage, editions = [], [], []
    released = {2018: "2019-06-20", 2019: "2020-06-18", 2020: "2021-06-17", 2021: "2022-06-16"}
    for year in TP_YEARS:
        z = rho * z + np.sqrt(1 - rho**2) * rng.normal(0.0, 1.0, len(z))
        cov = coverage_table(
            divisions, rng, _edition_id(year), not_covered=int(rng.integers(20, 45))
        )
        assessed = (cov.get_column("status") == "assessed").to_numpy()
        scores.append(_tp_scores(divisions, assessed, z, year, rng))
        coverage.append(cov)
        editions.append(_edition_row(_edition_id(year), year, released[year], divisions, assessed))
    cov = coverage.copy()[-1].with_columns(edition_id=pl.lit(AUDIT_EDITION))
    assessed = (cov.get_column("status") == "assessed").to_numpy()
    scores.append(_audit_scores(divisions, assessed, z, rng))
    coverage.append(cov)
    editions.append(_edition_row(AUDIT_EDITION, 2021, "2022-03-31", divisions, assessed))
    tables = {
        "editions": pl.DataFrame(editions),
        "indicators": indicator_table(),
        "scores": pl.concat(scores),
        "coverage": pl.concat(coverage),
    }
    return tables, z


def _edition_row(
    edition_id: str, year: int, released: str, divisions: pl.DataFrame, assessed: np.ndarray
) -> dict[str, object]:
    provinces = divisions.filter(pl.Series(assessed)).get_column("province_adcode").n_unique()
    audit = edition_id == AUDIT_EDITION
    return {
        "edition_id": edition_id,
        "evaluator_id": AUDIT_EVALUATOR if audit else TP_EVALUATOR,
        "series_id": "demo-audit" if audit else TP_SERIES,
        "title_zh": f"Demo 县级政府政务诚信{'上级审核' if audit else '第三方评估'}"
        f"（{year}，示例数据）",
        "title_en": f"Demo county government integrity "
        f"{'upper-level audit' if audit else 'third-party assessment'} {year} (synthetic)",
        "data_year": year,
        "released": released,
        "mode": "upper_level_audit" if audit else "third_party",
        "n_subjects": int(assessed.sum()),
        "n_provinces": provinces,
        "universe_note": f"all {divisions.height:,} county-level units in the boundary data "
        "(the mainland's, and those of Hong Kong, Macau and Taiwan)",
        "exclusions_note": "Tibet, Hong Kong, Macau and Taiwan (with Taiwan-administered "
        "Kinmen) excluded; a few dozen counties not covered (see the coverage table)",
        "score_max": 100.0,
        "method_published": "none" if audit else "partial",
        "grade_scale_id": None if audit else GRADE_SCALE,
        "source_id": SOURCE_ID,
        "is_synthetic": True,
    }


def records_table(
    divisions: pl.DataFrame,
    quality: np.ndarray,
    rng: np.random.Generator,
    *,
    scale: float = 1.0,
) -> pl.DataFrame:
    """Generate synthetic records about county government bodies, vectorised.

    Parameters
    ----------
    divisions
        Counties to generate for, sorted by adcode (Hong Kong, Macau, Taiwan dropped).
    quality
        Latent county quality (SD units) aligned with ``divisions``: better counties
        get fewer negative and more positive records.
    rng
        The seeded generator.
    scale
        Multiplies every rate (``scale=40`` gives about ten million records).
    """
    n = divisions.height
    years = np.array(RECORD_YEARS)
    frames = [_debtor_records(divisions, quality, rng, scale)]
    for kind in RECORD_KINDS:
        lam = kind.rate * scale * np.exp(kind.quality_effect * quality)
        counts = rng.poisson(np.repeat(lam[:, None], len(years), axis=1))  # county × year
        county = np.repeat(np.repeat(np.arange(n), len(years)), counts.ravel())
        year = np.repeat(np.tile(years, n), counts.ravel())
        frames.append(_records_for(kind, county, year, divisions, rng))
    frame = pl.concat(frames)
    ids = pl.int_range(frame.height, eager=True).cast(pl.String).str.zfill(9)
    return frame.with_columns(record_id=pl.lit("demo-") + ids).select(list(schemas.RECORDS))


def _records_for(
    kind: RecordKind,
    county: np.ndarray,
    year: np.ndarray,
    divisions: pl.DataFrame,
    rng: np.random.Generator,
) -> pl.DataFrame:
    m = len(county)
    occurred = _year_start(year) + (rng.random(m) * np.where(year % 4 == 0, 366, 365)).astype(
        np.int64
    )
    status = rng.choice(len(kind.statuses), size=m, p=[p for _, p in kind.statuses])
    done = np.array([s in _RESOLVED for s, _ in kind.statuses])[status]
    lag = rng.exponential(max(kind.resolve_days, 1.0), m).astype(np.int64) + 1
    amount = np.where(
        rng.random(m) < kind.amount_share, np.round(np.exp(rng.normal(12.5, 1.6, m)), -2), np.nan
    )
    department = rng.integers(0, len(DEPARTMENTS), m) if kind.department else np.zeros(m, int)
    return _assemble(
        divisions,
        county,
        department,
        kind,
        occurred=occurred,
        published=occurred + rng.integers(0, 45, m),
        status=pl.Series([s for s, _ in kind.statuses]).gather(status),
        resolved=np.where(done, occurred + lag, -1),
        amount=np.clip(amount, 1e4, 5e7),
    )


_RESOLVED = frozenset({"performed", "settled", "repaired", "expired", "removed"})
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _dates(days: np.ndarray) -> pl.Series:
    """Proleptic ordinals → a Date series; negative ordinals become null."""
    series = pl.Series((days - _EPOCH).astype(np.int32)).cast(pl.Date)
    return series.set(pl.Series(days < 0), None) if (days < 0).any() else series


def _assemble(
    divisions: pl.DataFrame,
    county: np.ndarray,
    department: np.ndarray,
    kind: RecordKind,
    *,
    occurred: np.ndarray,
    published: np.ndarray,
    status: pl.Series,
    resolved: np.ndarray,
    amount: np.ndarray,
) -> pl.DataFrame:
    # NOTE: subjects are real county governments, the records are not: every subject
    # name carries the 示例 (example) mark so an exported row cannot pass as real.
    names = divisions.get_column("name_zh").gather(county)
    return pl.DataFrame(
        {
            "adcode": divisions.get_column("adcode").gather(county),
            "subject_name": names
            + pl.Series(DEPARTMENTS).gather(department.astype(np.int64))
            + "（示例）",
            "source_agency": kind.agency,
            "record_type": kind.record_type,
            "polarity": kind.polarity,
            "occurred": _dates(occurred),
            "published": _dates(published),
            "status": status,
            "resolved": _dates(resolved),
            "amount_cny": pl.Series(amount, dtype=pl.Float64).fill_nan(None),
            "note": pl.repeat(None, len(county), dtype=pl.String, eager=True),
            "source_id": SOURCE_ID,
            "is_synthetic": True,
        }
    ).cast({c: t for c, t in schemas.RECORDS.items() if c != "record_id"})  # empty frames too


def _debtor_records(
    divisions: pl.DataFrame,
    quality: np.ndarray,
    rng: np.random.Generator,
    scale: float,
) -> pl.DataFrame:
    """Dishonest-judgment-debtor listings: ~3% of counties before mid-2017, then a clearing.

    The 2017 national campaign aimed to clear government bodies from the list by
    2017-06-30: nearly all listings made before it are resolved by that date.
    """
    n = divisions.height
    p = 0.03 * np.exp(-0.4 * quality)
    p = np.clip(p / p.mean() * 0.03 * scale, 0.0, 1.0)
    listed = rng.random(n) < p
    county = np.repeat(np.flatnonzero(listed), rng.integers(1, 3, listed.sum()))
    m = len(county)
    start, end = dt.date(2016, 1, 1).toordinal(), dt.date(2017, 5, 31).toordinal()
    occurred = rng.integers(start, end, m)
    deadline = schemas.DEBTOR_CAMPAIGN_DEADLINE.toordinal()
    cleared = rng.random(m) < 0.95
    resolved = np.where(
        cleared,
        np.minimum(occurred + rng.integers(10, 400, m), deadline - rng.integers(0, 20, m)),
        occurred + 730,  # listed for two years, then expired
    )
    resolved = np.maximum(resolved, occurred + 1)
    status = np.where(cleared, np.where(rng.random(m) < 0.8, "performed", "removed"), "expired")
    # A trickle of later listings, mostly performed within a year.
    later = rng.poisson(0.004 * scale, (n, 4))
    county2 = np.repeat(np.repeat(np.arange(n), 4), later.ravel())
    year2 = np.repeat(np.tile(np.array([2018, 2019, 2020, 2021]), n), later.ravel())
    occurred2 = _year_start(year2) + rng.integers(0, 365, len(year2))
    performed2 = rng.random(len(year2)) < 0.85
    resolved2 = np.where(performed2, occurred2 + rng.integers(20, 365, len(year2)), -1)
    status2 = np.where(performed2, "performed", "active")
    kind = RecordKind("dishonest_judgment_debtor", "courts", "negative", 0, 0, (), 0, 1.0, False)
    all_county = np.concatenate([county, county2])
    k = len(all_county)
    occ = np.concatenate([occurred, occurred2]).astype(np.int64)
    return _assemble(
        divisions,
        all_county,
        np.zeros(k, np.int64),
        kind,
        occurred=occ,
        published=occ + rng.integers(1, 20, k),
        status=pl.Series(np.concatenate([status, status2]).tolist(), dtype=pl.String),
        resolved=np.concatenate([resolved, resolved2]).astype(np.int64),
        amount=np.clip(np.round(np.exp(rng.normal(13.5, 1.5, k)), -2), 1e4, 5e7),
    )


def volumes_table(
    divisions: pl.DataFrame, quality: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    """Return monthly counts per county of the record types kept as volumes only.

    Each county and year draws a yearly level (log-normal around the kind's median,
    lower for better counties); each month is a Poisson count around its seasonal share.
    Months with no record are left out. Not scaled by ``records_scale``: the volumes are
    the documented (or assumed) magnitude, whatever the number of itemised records.
    """
    n, years = divisions.height, np.array(RECORD_YEARS)
    months = np.array(
        [dt.date(int(y), m, 1) for y in years for m in range(1, 13)], dtype="datetime64[D]"
    )
    frames = []
    for kind in VOLUME_KINDS:
        county_level = rng.normal(0.0, kind.spread * 0.8, n) + kind.quality_effect * quality
        yearly = np.exp(
            np.log(kind.median)
            + county_level[:, None]
            + rng.normal(0.0, kind.spread * 0.6, (n, len(years)))
        )
        lam = np.repeat(yearly, 12, axis=1) / 12.0 * np.tile(_SEASON, len(years))
        counts = rng.poisson(lam)  # county × month
        county, month = np.nonzero(counts)
        frames.append(
            pl.DataFrame(
                {
                    "adcode": divisions.get_column("adcode").gather(county),
                    "month": pl.Series(months[month]).cast(pl.Date),
                    "source_agency": kind.agency,
                    "record_type": kind.record_type,
                    "polarity": "negative",
                    "records": pl.Series(counts[county, month], dtype=pl.UInt32),
                    "source_id": SOURCE_ID,
                    "is_synthetic": True,
                },
                schema=schemas.RECORD_VOLUMES,
            )
        )
    return pl.concat(frames)


def synthetic_tables(
    divisions: pl.DataFrame, *, seed: int, records_scale: float = 1.0
) -> dict[str, pl.DataFrame]:
    """Return every synthetic table of the demo snapshot.

    Parameters
    ----------
    divisions
        The ``divisions`` table (all county-level units).
    seed
        Seed of the one random generator used.
    records_scale
        Multiplier on record rates (1.0 gives roughly 140,000 records for all counties).
    """
    rng = np.random.default_rng(seed)
    divisions = divisions.sort("adcode")
    tables = metadata_tables()
    assessments, quality = assessment_tables(divisions, rng)
    tables.update(assessments)
    keep = divisions.select(region_expr()).to_series() == "mainland"
    tables["records"] = records_table(
        divisions.filter(keep), quality[keep.to_numpy()], rng, scale=records_scale
    )
    # NOTE: drawn last, so a change of the volumes leaves the records of a seed alone.
    tables["record_volumes"] = volumes_table(divisions.filter(keep), quality[keep.to_numpy()], rng)
    return tables
