"""The snapshot's tables and the shared vocabulary: one schema per table, codes as enums.

Every other module reads column names and types from here. A snapshot is a folder
of Parquet files (one per table, ``records`` hive-partitioned by year) and a
``manifest.json``; see ``loaders.store``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

SCHEMA_VERSION = 3

# Columns every fact-carrying table has (DESIGN.md §3).
PROVENANCE = {"source_id": pl.String, "is_synthetic": pl.Boolean}


class DivisionType(StrEnum):
    """Kind of county-level unit, from the full suffix of its name."""

    DISTRICT = "district"
    COUNTY = "county"
    COUNTY_CITY = "county_city"
    AUTONOMOUS_COUNTY = "autonomous_county"
    BANNER = "banner"
    AUTONOMOUS_BANNER = "autonomous_banner"
    SPECIAL_DISTRICT = "special_district"
    FORESTRY_DISTRICT = "forestry_district"
    OTHER = "other"


class ChangeType(StrEnum):
    """How a division code changed between years."""

    RENAME = "rename"
    COUNTY_TO_CITY = "county_to_city"
    COUNTY_TO_DISTRICT = "county_to_district"
    MERGE = "merge"
    SPLIT = "split"
    ABOLISHED = "abolished"


class Reliability(StrEnum):
    """How far a cited source can be trusted, by who published it."""

    OFFICIAL = "official"
    EVALUATOR_SELF_PUBLISHED = "evaluator_self_published"
    MEDIA = "media"
    SECONDARY = "secondary"
    SYNTHETIC = "synthetic"


class EvaluatorType(StrEnum):
    """What kind of body an evaluator is."""

    PRIVATE_RATING_FIRM = "private_rating_firm"
    UNIVERSITY = "university"
    STATE_ACADEMY = "state_academy"
    STATE_INFO_CENTER = "state_info_center"
    GOVERNMENT_BODY = "government_body"
    NGO = "ngo"
    UNKNOWN = "unknown"  # a source that does not name the evaluator


class Disclosure(StrEnum):
    """How much of a method is published."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class TieRelation(StrEnum):
    """How a party is tied to an evaluator."""

    SHAREHOLDER = "shareholder"
    ULTIMATE_OWNER = "ultimate_owner"
    FOUNDER = "founder"
    EXECUTIVE = "executive"
    CPPCC_MEMBER = "cppcc_member"
    COMMISSIONING_CLIENT = "commissioning_client"
    SPONSOR = "sponsor"
    APPROVED_BY = "approved_by"
    PARENT_BODY = "parent_body"
    CO_DEVELOPER = "co_developer"  # developed the method together with the evaluator


class Confidence(StrEnum):
    """How well a tie is documented."""

    CONFIRMED = "confirmed"
    REPORTED = "reported"
    UNVERIFIED = "unverified"


class Mode(StrEnum):
    """How an edition assessed its counties."""

    THIRD_PARTY = "third_party"
    SELF = "self"
    UPPER_LEVEL_AUDIT = "upper_level_audit"
    DESIGNATION = "designation"


class CoverageStatus(StrEnum):
    """Whether an edition assessed a county (its coverage ledger)."""

    ASSESSED = "assessed"
    EXCLUDED = "excluded"
    NOT_COVERED = "not_covered"


class RecordSource(StrEnum):
    """The agency that contributes a record to the integrity database."""

    COURTS = "courts"
    SUPERVISORY_COMMISSION = "supervisory_commission"
    CIVIL_SERVICE = "civil_service"
    LEGAL_AFFAIRS_OFFICE = "legal_affairs_office"
    HOTLINE_12345 = "hotline_12345"
    GENERAL_OFFICE = "general_office"  # a government's general office (website checks)
    # NOTE: not among the Shanghai database's documented contributors: an assumption of
    # the demo (the methodology page says so).
    LETTERS_VISITS = "letters_visits"  # the letters and visits (petitions) bureau, 信访局
    OTHER = "other"


class RecordType(StrEnum):
    """What a record says about a government body."""

    ADMIN_LITIGATION_LOSS = "admin_litigation_loss"
    DISHONEST_JUDGMENT_DEBTOR = "dishonest_judgment_debtor"
    ADMIN_PENALTY = "admin_penalty"
    RECONSIDERATION_REVOKED = "reconsideration_revoked"
    DISCIPLINARY_ACTION = "disciplinary_action"
    ACCOUNTABILITY_ACTION = "accountability_action"
    BROKEN_COMMITMENT = "broken_commitment"
    COMPLAINT = "complaint"
    OPINION_INCIDENT = "opinion_incident"
    COMMENDATION = "commendation"
    WEBSITE_CHECK_FAILURE = "website_check_failure"  # named as failing an official check
    PETITION = "petition"  # a letter or visit to the petitions bureau (信访)
    RECONSIDERATION_APPLICATION = "reconsideration_application"  # 行政复议申请, not a decision


class Polarity(StrEnum):
    """Whether a record counts against a body or for it."""

    NEGATIVE = "negative"
    POSITIVE = "positive"
    NEUTRAL = "neutral"


class RecordStatus(StrEnum):
    """Where a record is in its lifecycle."""

    ACTIVE = "active"
    PERFORMED = "performed"
    SETTLED = "settled"
    REVOKED = "revoked"
    REPAIRED = "repaired"
    EXPIRED = "expired"
    REMOVED = "removed"
    UNKNOWN = "unknown"  # a real record whose source does not say what became of it


class Metric(StrEnum):
    """The composite total and the five first-level metrics, in the reports' order."""

    TOTAL = "total"
    TRANSPARENCY = "transparency"
    COMPLIANCE = "compliance"
    HONORING_AGREEMENTS = "honoring_agreements"
    INTEGRITY_WORK = "integrity_work"
    PUBLIC_OPINION = "public_opinion"


def codes(kind: type[StrEnum]) -> tuple[str, ...]:
    """Return the codes of an enum as plain strings, in declaration order.

    Examples
    --------
    >>> codes(Polarity)
    ('negative', 'positive', 'neutral')
    """
    return tuple(str(member) for member in kind)


DIVISION_TYPES = codes(DivisionType)
CHANGE_TYPES = codes(ChangeType)
SOURCE_RELIABILITY = codes(Reliability)
EVALUATOR_TYPES = codes(EvaluatorType)
DISCLOSURE = codes(Disclosure)
TIE_RELATIONS = codes(TieRelation)
CONFIDENCE = codes(Confidence)
EDITION_MODES = codes(Mode)
COVERAGE_STATUS = codes(CoverageStatus)
SOURCE_AGENCIES = codes(RecordSource)
RECORD_TYPES = codes(RecordType)
POLARITY = codes(Polarity)
RECORD_STATUS = codes(RecordStatus)
CROSSWALK_KEYS = codes(Metric)
# Record types that come in hundreds or thousands per county and year: the demo holds
# them as monthly counts per county (``record_volumes``), never as single records.
VOLUME_TYPES = (
    str(RecordType.COMPLAINT),
    str(RecordType.PETITION),
    str(RecordType.RECONSIDERATION_APPLICATION),
)
# Of those, the types whose magnitude the project's notes document (12345 complaints:
# hundreds to thousands per county and year); the others' volumes are assumed.
DOCUMENTED_VOLUMES = frozenset({str(RecordType.COMPLAINT)})
TOTAL = str(Metric.TOTAL)
# The five first-level metrics in the order the reports list them.
FIRST_LEVEL = CROSSWALK_KEYS[1:]
# The 2017 national campaign to clear government bodies from the judgment-debtor list
# ended on this date (domain notes).
DEBTOR_CAMPAIGN_DEADLINE = dt.date(2017, 6, 30)

DIVISIONS = pl.Schema(
    {
        "adcode": pl.String,
        "name_zh": pl.String,
        "name_pinyin": pl.String,
        # Old character-by-character spellings that differ from name_pinyin, joined by "|"
        # (丰都县: "Fengdou Xian"), for search; null where there is none.
        "name_pinyin_variants": pl.String,
        "division_type": pl.String,
        "prefecture_adcode": pl.String,
        "prefecture_name_zh": pl.String,
        "province_adcode": pl.String,
        "province_name_zh": pl.String,
        "province_name_en": pl.String,
        **PROVENANCE,
    }
)
DIVISION_CHANGES = pl.Schema(
    {
        "from_adcode": pl.String,
        "from_name_zh": pl.String,
        "to_adcode": pl.String,
        "to_name_zh": pl.String,
        "change_type": pl.String,
        "effective_year": pl.Int16,
        "note": pl.String,
        **PROVENANCE,
    }
)
SOURCES = pl.Schema(
    {
        "source_id": pl.String,
        "title": pl.String,
        "title_en": pl.String,
        "publisher": pl.String,
        "published": pl.String,  # ISO date, possibly partial ("2019-06")
        "url": pl.String,
        "kind": pl.String,  # policy, report, news, repost, registry, dataset, generator
        "reliability": pl.String,
        "is_synthetic": pl.Boolean,
    }
)
EVALUATORS = pl.Schema(
    {
        "evaluator_id": pl.String,
        "name_zh": pl.String,
        "name_en": pl.String,
        "evaluator_type": pl.String,
        "founded": pl.String,
        "name_history": pl.String,
        "home_province_adcode": pl.String,
        "methodology_disclosure": pl.String,
        "description_en": pl.String,
        **PROVENANCE,
    }
)
EVALUATOR_TIES = pl.Schema(
    {
        "tie_id": pl.String,
        "evaluator_id": pl.String,
        "party_name": pl.String,
        "party_name_en": pl.String,
        "party_type": pl.String,  # person, company, government_body, party_body, university
        "relation": pl.String,
        "share_pct": pl.Float64,
        "as_of": pl.String,
        "confidence": pl.String,
        "note": pl.String,
        **PROVENANCE,
    }
)
EDITIONS = pl.Schema(
    {
        "edition_id": pl.String,
        "evaluator_id": pl.String,
        "series_id": pl.String,
        "title_zh": pl.String,
        "title_en": pl.String,
        "data_year": pl.Int16,
        "released": pl.String,
        "mode": pl.String,
        "n_subjects": pl.Int32,
        "n_provinces": pl.Int16,
        "universe_note": pl.String,
        "exclusions_note": pl.String,
        "score_max": pl.Float64,
        "method_published": pl.String,  # full, partial, none
        "grade_scale_id": pl.String,
        **PROVENANCE,
    }
)
INDICATORS = pl.Schema(
    {
        "edition_id": pl.String,
        "indicator_id": pl.String,
        "parent_id": pl.String,
        "level": pl.Int8,
        "name_zh": pl.String,
        "name_en": pl.String,
        "weight": pl.Float64,
        "name_confirmed": pl.Boolean,
        "crosswalk_key": pl.String,
        "note": pl.String,
        **PROVENANCE,
    }
)
SCORES = pl.Schema(
    {
        "edition_id": pl.String,
        "adcode": pl.String,
        "indicator_id": pl.String,
        "score": pl.Float64,
        "observed": pl.Boolean,
        **PROVENANCE,
    }
)
COVERAGE = pl.Schema(
    {
        "edition_id": pl.String,
        "adcode": pl.String,
        "status": pl.String,
        "reason": pl.String,
        **PROVENANCE,
    }
)
RANKINGS = pl.Schema(
    {
        "edition_id": pl.String,
        "adcode": pl.String,
        "name_as_published": pl.String,
        "rank": pl.Int32,
        "list_pos": pl.Int32,
        "band": pl.String,
        "published": pl.String,
        "note": pl.String,
        **PROVENANCE,
    }
)
GRADE_SCALES = pl.Schema(
    {
        "scale_id": pl.String,
        "grade": pl.String,
        "min_score": pl.Float64,
        "label_zh": pl.String,
        "label_en": pl.String,
        "confirmed": pl.Boolean,
        **PROVENANCE,
    }
)
# The partition column ``year`` lives in the folder names only (records/year=2019/…),
# so pyarrow and pandas can read the folder too (DESIGN.md §3b).
RECORDS = pl.Schema(
    {
        "record_id": pl.String,
        "adcode": pl.String,
        "subject_name": pl.String,
        "source_agency": pl.String,
        "record_type": pl.String,
        "polarity": pl.String,
        "occurred": pl.Date,
        "published": pl.Date,
        "status": pl.String,
        "resolved": pl.Date,
        "amount_cny": pl.Float64,
        "note": pl.String,  # a real record: what the source says, and how precise its date is
        **PROVENANCE,
    }
)
RECORDS_PARTITION = "year"
# Monthly rollup of ``records``: one row per county × month × source agency × record type
# (× polarity, source and kind), so overviews never scan the raw records. Derived: every
# snapshot writer computes it from ``records`` (``loaders.records.monthly_rollup``).
RECORD_ROLLUPS = pl.Schema(
    {
        "adcode": pl.String,
        "month": pl.Date,  # first day of the month the records occurred in
        "source_agency": pl.String,
        "record_type": pl.String,
        "polarity": pl.String,
        "records": pl.UInt32,
        "amount_cny": pl.Float64,  # sum of the known amounts (0 when none is known)
        **PROVENANCE,
    }
)

# Counts of records kept as volumes only (``VOLUME_TYPES``): one row per county × month
# × source agency × record type. The monthly rollup adds them to the counts of
# ``records``; the records table, lifecycles and exports hold single records only.
RECORD_VOLUMES = pl.Schema(
    {
        "adcode": pl.String,
        "month": pl.Date,
        "source_agency": pl.String,
        "record_type": pl.String,
        "polarity": pl.String,
        "records": pl.UInt32,
        **PROVENANCE,
    }
)
# The methodology page's paragraphs, each with the sources it rests on: ``source_id``
# (the first) and ``also_cited`` (the others, joined by "|"). In the snapshot, so that
# ``validate`` can tell a cited source from one that nothing cites.
METHODOLOGY = pl.Schema(
    {
        "section_id": pl.String,
        "position": pl.Int16,
        "text_en": pl.String,
        "text_zh": pl.String,
        "also_cited": pl.String,
        **PROVENANCE,
    }
)
CITATION_SEPARATOR = "|"


@dataclass(frozen=True)
class Table:
    """A snapshot table: its name, schema, key columns and whether it is partitioned."""

    name: str
    schema: pl.Schema
    key: tuple[str, ...]
    partitioned: bool = False

    @property
    def path(self) -> str:
        """Path of the table inside a snapshot folder."""
        return self.name if self.partitioned else f"{self.name}.parquet"


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("sources", SOURCES, ("source_id",)),
        Table("divisions", DIVISIONS, ("adcode",)),
        Table("division_changes", DIVISION_CHANGES, ("from_adcode", "to_adcode", "effective_year")),
        Table("evaluators", EVALUATORS, ("evaluator_id",)),
        Table("evaluator_ties", EVALUATOR_TIES, ("tie_id",)),
        Table("grade_scales", GRADE_SCALES, ("scale_id", "grade")),
        Table("editions", EDITIONS, ("edition_id",)),
        Table("indicators", INDICATORS, ("edition_id", "indicator_id")),
        Table("scores", SCORES, ("edition_id", "adcode", "indicator_id")),
        Table("coverage", COVERAGE, ("edition_id", "adcode")),
        Table("rankings", RANKINGS, ()),
        Table("records", RECORDS, ("record_id",), partitioned=True),
        Table(
            "record_volumes",
            RECORD_VOLUMES,
            ("adcode", "month", "source_agency", "record_type", "polarity", "source_id"),
        ),
        Table("methodology", METHODOLOGY, ("section_id", "position")),
    )
}
# Tables derived from the others when a snapshot is written, listed under the manifest's
# ``derived`` key: never given to a writer, always recomputable, checked by validate.
DERIVED: dict[str, Table] = {
    "record_rollups": Table(
        "record_rollups",
        RECORD_ROLLUPS,
        (
            "adcode",
            "month",
            "source_agency",
            "record_type",
            "polarity",
            "source_id",
            "is_synthetic",
        ),
    )
}

# Columns whose values must come from a fixed list (table -> column -> allowed values).
# A None value is allowed only where the column is nullable in ``NULLABLE``.
CODES: dict[str, dict[str, tuple[str, ...]]] = {
    "divisions": {"division_type": DIVISION_TYPES},
    "division_changes": {"change_type": CHANGE_TYPES},
    "sources": {"reliability": SOURCE_RELIABILITY},
    "evaluators": {"evaluator_type": EVALUATOR_TYPES, "methodology_disclosure": DISCLOSURE},
    "evaluator_ties": {"relation": TIE_RELATIONS, "confidence": CONFIDENCE},
    "editions": {"mode": EDITION_MODES, "method_published": DISCLOSURE},
    "indicators": {"crosswalk_key": CROSSWALK_KEYS},
    "coverage": {"status": COVERAGE_STATUS},
    "records": {
        "source_agency": SOURCE_AGENCIES,
        "record_type": RECORD_TYPES,
        "polarity": POLARITY,
        "status": RECORD_STATUS,
    },
    "record_volumes": {
        "source_agency": SOURCE_AGENCIES,
        "record_type": VOLUME_TYPES,
        "polarity": POLARITY,
    },
}

# Columns that may hold nulls; every other column must be complete.
NULLABLE: dict[str, frozenset[str]] = {
    "sources": frozenset({"title_en", "publisher", "published", "url"}),
    "divisions": frozenset({"name_pinyin_variants"}),
    "division_changes": frozenset({"from_adcode", "to_adcode", "to_name_zh", "note"}),
    "evaluators": frozenset({"founded", "name_history", "home_province_adcode", "description_en"}),
    "evaluator_ties": frozenset({"party_name_en", "share_pct", "as_of", "note"}),
    "grade_scales": frozenset({"label_zh", "label_en"}),
    "editions": frozenset(
        {
            "series_id",
            "title_en",
            "released",
            "n_subjects",
            "n_provinces",
            "universe_note",
            "exclusions_note",
            "score_max",
            "grade_scale_id",
        }
    ),
    "indicators": frozenset({"parent_id", "name_en", "weight", "crosswalk_key", "note"}),
    "scores": frozenset({"score"}),
    "coverage": frozenset({"reason"}),
    "rankings": frozenset({"adcode", "rank", "list_pos", "band", "published", "note"}),
    "records": frozenset({"resolved", "amount_cny", "published", "note"}),
    "record_volumes": frozenset(),
    "methodology": frozenset({"also_cited"}),
}


def empty(name: str) -> pl.DataFrame:
    """Return an empty frame with the schema of table ``name``.

    Examples
    --------
    >>> empty("sources").columns[:2]
    ['source_id', 'title']
    """
    return pl.DataFrame(schema=TABLES[name].schema)


def conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with exactly the columns of table ``name``, in order, cast to its types.

    Missing nullable columns are added as nulls; a missing required column or an
    unknown column raises ``ValueError`` naming it.

    Examples
    --------
    >>> conform("grade_scales", pl.DataFrame({"scale_id": ["s"], "grade": ["A"],
    ...     "min_score": [90], "confirmed": [False], "source_id": ["x"],
    ...     "is_synthetic": [True]})).schema["min_score"]
    Float64
    """
    table = TABLES[name]
    extra = [c for c in frame.columns if c not in table.schema]
    if extra:
        raise ValueError(f"table {name!r}: unknown column(s) {', '.join(extra)}")
    missing = [c for c in table.schema if c not in frame.columns]
    required = [c for c in missing if c not in NULLABLE[name]]
    if required:
        raise ValueError(f"table {name!r}: missing column(s) {', '.join(required)}")
    return frame.with_columns(pl.lit(None).alias(c) for c in missing).select(
        pl.col(c).cast(t, strict=True) for c, t in table.schema.items()
    )
