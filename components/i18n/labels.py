"""Every code → label dictionary of the app, once: English marked for translation.

Each dictionary maps the codes of one column (``loaders.schemas`` enums) to words a
reader understands; ``tr`` (or :func:`components.i18n.translated`) shows them in the
interface language. No other module defines a code → label dictionary.
"""

from __future__ import annotations

from components.i18n import mark

# Kinds of county-level unit (``divisions.division_type``).
DIVISION_TYPES = {
    "district": mark("District 市辖区"),
    "county": mark("County 县"),
    "county_city": mark("County-level city 县级市"),
    "autonomous_county": mark("Autonomous county 自治县"),
    "banner": mark("Banner 旗"),
    "autonomous_banner": mark("Autonomous banner 自治旗"),
    "special_district": mark("Special district 特区"),
    "forestry_district": mark("Forestry district 林区"),
    "other": mark("Other county-level unit"),
}

# A county's status in an edition (``county_view.status``), and on the records map.
COUNTY_STATUSES = {
    "assessed": mark("assessed"),
    "published": mark("named in published results"),
    "not_published": mark("not named in the published results"),
    "not_covered": mark("not covered"),
    "excluded": mark("excluded"),
    "no_records": mark("no records"),  # the records map's counties without data
}

# Published bands of a real result (``rankings.band``).
BANDS = {
    "member": mark("member of the list or designation"),
    "proposed_member": mark("proposed for the list (not yet named)"),
    "near_top": mark("near the top (no number given)"),
    "near_bottom": mark("at the bottom (no number given)"),
    "excellent": mark("graded excellent (优秀)"),
    "good": mark("graded good (良好)"),
    "fair": mark("graded fair (一般)"),
    "below60": mark("scored below 60"),
    "top5": mark("in the top 5"),
    "top10": mark("in the top 10"),
    "top20": mark("in the top 20"),
    "top50": mark("in the top 50"),
    "top100": mark("in the top 100"),
}

# Published bands other than "top N" / "bottom N", as a county's profile spells them.
PROFILE_BANDS = {
    "member": mark("Listed"),
    "proposed_member": mark("Proposed for the list (not yet named)"),
    "near_top": mark("Near the top (no number given)"),
    "near_bottom": mark("At the bottom (no number given)"),
    "excellent": mark("Graded excellent (优秀)"),
    "good": mark("Graded good (良好)"),
    "fair": mark("Graded fair (一般)"),
    "below60": mark("Scored below 60"),
}

# The kind of data a chart shows, in its one source line (``components.charts``): real,
# synthetic, synthetic beside real ("mixed"), synthetic records ("records").
CHART_KINDS = {
    False: mark("REAL, CITED"),
    True: mark("SYNTHETIC DEMO DATA"),
    "mixed": mark("SYNTHETIC DEMO DATA beside real results"),
    "records": mark("SYNTHETIC DEMO RECORDS"),
}

# What a real published row is (``loaders.overview.KINDS``).
RESULT_KINDS = {
    "rank": mark("rank"),
    "list_position": mark("list position"),
    "band": mark("band or grade"),
    "designation": mark("designation"),
    "score": mark("score"),
    "record": mark("record"),
}

# How an edition assessed its counties (``editions.mode``).
MODES = {
    "third_party": mark("third-party assessment"),
    "self": mark("self-assessment"),
    "upper_level_audit": mark("upper-level audit"),
    "designation": mark("designation"),
}

# How much of a method is published (``method_published``, ``methodology_disclosure``).
DISCLOSURES = {
    "full": mark("published in full"),
    "partial": mark("partly published"),
    "none": mark("not published"),
}

# What kind of source a document is (``sources.reliability``).
RELIABILITIES = {
    "official": mark("official source"),
    "evaluator_self_published": mark("published by the evaluator itself"),
    "media": mark("media report"),
    "secondary": mark("secondary source"),
    "synthetic": mark("generated, synthetic"),
}

# Kinds of evaluator (``evaluators.evaluator_type``).
EVALUATOR_TYPES = {
    "private_rating_firm": mark("private rating firm"),
    "university": mark("university"),
    "state_academy": mark("state academy"),
    "state_info_center": mark("state information centre"),
    "government_body": mark("government body"),
    "ngo": mark("NGO"),
    "unknown": mark("not named by the source"),
}

# Kinds of party tied to an evaluator (``evaluator_ties.party_type``).
PARTY_TYPES = {
    "government_body": mark("Government body"),
    "party_body": mark("Party body"),
    "person": mark("Person"),
    "company": mark("Company"),
    "university": mark("University"),
}

# How a party is tied to an evaluator (``evaluator_ties.relation``).
TIE_RELATIONS = {
    "shareholder": mark("shareholder of the evaluator"),
    "ultimate_owner": mark("ultimate owner of the evaluator"),
    "founder": mark("founder of the evaluator"),
    "executive": mark("executive of the evaluator"),
    "cppcc_member": mark("CPPCC member tied to the evaluator"),
    "commissioning_client": mark("client commissioning the assessment"),
    "sponsor": mark("sponsor of the assessment"),
    "approved_by": mark("body that approved the assessment"),
    "parent_body": mark("parent body of the evaluator"),
    "co_developer": mark("developed the method with the evaluator"),
}

# How well a tie is documented (``evaluator_ties.confidence``).
CONFIDENCES = {
    "confirmed": mark("tie confirmed"),
    "reported": mark("tie reported"),
    "unverified": mark("tie unverified"),
}

# The same confidences as badges for tables.
# How many ties are how sure, for a chart's text alternative.
CONFIDENCE_COUNTS = {
    "confirmed": mark("{n} confirmed"),
    "reported": mark("{n} reported"),
    "unverified": mark("{n} unverified"),
}
CONFIDENCE_BADGES = {
    "confirmed": mark("● confirmed"),
    "reported": mark("◑ reported"),
    "unverified": mark("○ unverified"),
}

# Whether a row is synthetic (``is_synthetic``).
DATA_KINDS = {True: mark("synthetic"), False: mark("real")}

# Agencies that contribute records (``records.source_agency``).
RECORD_SOURCES = {
    "courts": mark("Courts 法院"),
    "supervisory_commission": mark("Supervisory commission 监委"),
    "civil_service": mark("Civil service administration 公务员局"),
    "legal_affairs_office": mark("Legal affairs office (appeals) 司法局"),
    "hotline_12345": mark("12345 hotline 热线"),
    "general_office": mark("Government general office (website checks) 办公厅"),
    "letters_visits": mark("Letters and visits (petitions) bureau 信访局"),
    "other": mark("Other bodies 其他"),
}

# What a record says (``records.record_type``).
RECORD_TYPES = {
    "admin_litigation_loss": mark("Administrative lawsuit lost 行政诉讼败诉"),
    "dishonest_judgment_debtor": mark("Dishonest judgment debtor 失信被执行人"),
    "admin_penalty": mark("Administrative penalty 行政处罚"),
    "reconsideration_revoked": mark("Decision revoked on appeal 复议撤销"),
    "disciplinary_action": mark("Disciplinary action 处分"),
    "accountability_action": mark("Accountability action 问责"),
    "broken_commitment": mark("Broken commitment 违约"),
    "complaint": mark("Complaint 投诉"),
    "opinion_incident": mark("Public-opinion incident 舆情"),
    "commendation": mark("Commendation 表彰"),
    "website_check_failure": mark("Website failed a check 网站抽查不合格"),
    "petition": mark("Petition 信访"),
    "reconsideration_application": mark("Reconsideration application 行政复议申请"),
}

# Where a record is in its lifecycle (``records.status``).
RECORD_STATUSES = {
    "active": mark("active"),
    "performed": mark("performed"),
    "settled": mark("settled"),
    "revoked": mark("revoked"),
    "repaired": mark("repaired"),
    "expired": mark("expired"),
    "removed": mark("removed"),
    "unknown": mark("not known"),
}

# The two layers of records (``loaders.derive.records.LAYERS``), never counted together.
RECORD_LAYERS = {"real": mark("Real records (cited)"), "demo": mark("Demo records (synthetic)")}

# Whether a record counts against a body or for it (``records.polarity``).
POLARITIES = {
    "negative": mark("negative"),
    "positive": mark("positive"),
    "neutral": mark("neutral"),
}

# A metric's score, for titles of charts set against records.
METRIC_SCORES = {
    "total": mark("Total score"),
    "transparency": mark("Transparency score"),
    "compliance": mark("Compliance score"),
    "honoring_agreements": mark("Honoring agreements score"),
    "integrity_work": mark("Integrity work score"),
    "public_opinion": mark("Public opinion score"),
}

# The five first-level metrics by crosswalk key (Chinese: their official names).
METRICS = {
    "transparency": mark("Transparency"),
    "compliance": mark("Compliance"),
    "honoring_agreements": mark("Honoring agreements"),
    "integrity_work": mark("Integrity work"),
    "public_opinion": mark("Public opinion"),
}

# The same, short, for narrow table headers.
METRIC_HEADERS = {
    "transparency": mark("Transparency"),
    "compliance": mark("Compliance"),
    "honoring_agreements": mark("Honoring"),
    "integrity_work": mark("Integrity"),
    "public_opinion": mark("Opinion"),
}

# How the map classes scores (``classes`` parameter).
CLASSINGS = {
    "continuous": mark("Continuous"),
    "quantile": mark("Quantile"),
    "equal": mark("Equal"),
    "jenks": mark("Natural breaks"),
    "grade": mark("Grade"),
}

# The snapshot's tables, for readers of the Chinese interface (English shows the name).
TABLES = {
    "sources": mark("sources (table)"),
    "divisions": mark("county-level divisions (table)"),
    "division_changes": mark("division changes (table)"),
    "evaluators": mark("evaluators (table)"),
    "evaluator_ties": mark("evaluator ties (table)"),
    "grade_scales": mark("grade scales (table)"),
    "editions": mark("editions (table)"),
    "indicators": mark("indicators (table)"),
    "scores": mark("scores (table)"),
    "coverage": mark("coverage (table)"),
    "rankings": mark("rankings (table)"),
    "records": mark("records (table)"),
    "record_volumes": mark("record volumes (table)"),
    "methodology": mark("methodology paragraphs (table)"),
}

# What each column of an imported file was read as (``loaders.imports.read.ALIASES``).
IMPORT_FIELDS = {
    "rank": mark("rank (column read)"),
    "county": mark("county (column read)"),
    "province": mark("province (column read)"),
    "prefecture": mark("prefecture (column read)"),
    "adcode": mark("adcode (column read)"),
    "total": mark("total score (column read)"),
    "band": mark("band or list (column read)"),
    "transparency": mark("transparency (column read)"),
    "compliance": mark("compliance (column read)"),
    "honoring_agreements": mark("honoring agreements (column read)"),
    "integrity_work": mark("integrity work (column read)"),
    "public_opinion": mark("public opinion (column read)"),
}

# How bad an import problem is.
SEVERITIES = {
    "error": mark("error (import problem)"),
    "warning": mark("warning (import problem)"),
}

# What the records map measures (its control's options).
MAP_MEASURES = {"count": mark("Records"), "per_year": mark("Records per year")}
# Which records the records map counts (its control's options).
MAP_POLARITIES = {"negative": mark("Negative"), "positive": mark("Positive"), "all": mark("All")}
# The records map's legend title for each (measure, polarity).
MAP_TITLES = {
    ("count", "negative"): mark("Negative records"),
    ("count", "positive"): mark("Positive records"),
    ("count", "all"): mark("Records"),
    ("per_year", "negative"): mark("Negative records per year"),
    ("per_year", "positive"): mark("Positive records per year"),
    ("per_year", "all"): mark("Records per year"),
}


# Export columns: the header a downloaded table carries (in the interface language) and
# the field description its datapackage.json gives. The machine names stay available.
EXPORT_COLUMNS = {
    "rank": (
        mark("Rank"),
        mark("Rank computed here on the chosen metric; ties share the best rank."),
    ),
    "rank_national": (
        mark("National rank"),
        mark("Rank among all counties the edition assessed, computed here."),
    ),
    "rank_province": (mark("Provincial rank"), mark("Rank within the province, computed here.")),
    "name_zh": (mark("County"), mark("Name of the county-level division in Chinese.")),
    "name_pinyin": (mark("Pinyin"), mark("Name of the county-level division in pinyin.")),
    "county": (mark("County"), mark("Name of the county-level division.")),
    "prefecture_name_zh": (
        mark("Prefecture"),
        mark("Prefecture-level division the county belongs to."),
    ),
    "province_name_zh": (mark("Province"), mark("Province-level division the county belongs to.")),
    "province": (mark("Province"), mark("Province-level division the county belongs to.")),
    "adcode": (mark("Adcode"), mark("Six-digit administrative division code (GB/T 2260).")),
    "total": (mark("Total score"), mark("Total score of the edition.")),
    "score": (mark("Score"), mark("Score on the chosen metric.")),
    "composite": (
        mark("Your composite"),
        mark("Total under your weights, renormalised to the edition's scale."),
    ),
    "grade": (
        mark("Grade"),
        mark("Grade on the edition's grade scale (illustrative for demo data)."),
    ),
    "rank_change": (
        mark("Rank change"),
        mark("Places moved since the previous edition of the series (+ = up)."),
    ),
    "previous_rank": (
        mark("Previous rank"),
        mark("Rank in the previous edition of the series, same scope."),
    ),
    "evaluator_rank": (
        mark("Evaluator's rank"),
        mark("National rank under the evaluator's own weights."),
    ),
    "transparency": (
        mark("Transparency"),
        mark("First-level score: transparency (open government)."),
    ),
    "compliance": (
        mark("Compliance"),
        mark("First-level score: compliance (lawful administration)."),
    ),
    "honoring_agreements": (
        mark("Honoring agreements"),
        mark("First-level score: honoring agreements and commitments."),
    ),
    "integrity_work": (mark("Integrity work"), mark("First-level score: internal integrity work.")),
    "public_opinion": (mark("Public opinion"), mark("First-level score: public opinion.")),
    "published": (
        mark("Published as"),
        mark("The rank, list position or band the evaluator itself published."),
    ),
    "position": (
        mark("Published position"),
        mark("Published rank, else position in the published list."),
    ),
    "published_source_url": (mark("Source URL"), mark("Where the published result can be read.")),
    "published_source_kind": (
        mark("Source kind"),
        mark("What kind of source published the result."),
    ),
    "data_year": (mark("Year"), mark("Year the data describe.")),
    "kind_label": (
        mark("Kind of result"),
        mark("Rank, list position, band, designation, score or record."),
    ),
    "who": (mark("Evaluator"), mark("Who published the result.")),
    "edition": (mark("Edition"), mark("The assessment edition.")),
    "result": (
        mark("Result"),
        mark("The result as published, with the size of its list where known."),
    ),
    "name_as_published": (
        mark("Name as published"),
        mark("The county's name as the source wrote it."),
    ),
    "source_title": (mark("Source"), mark("Title of the source.")),
    "source_url": (mark("Source URL"), mark("Where the source can be read.")),
    "source_reliability": (
        mark("Source reliability"),
        mark("What kind of source it is (official, media, …)."),
    ),
    "reliability": (
        mark("Source reliability"),
        mark("What kind of source it is (official, media, …)."),
    ),
    "occurred": (mark("Date"), mark("When the record's event happened.")),
    "subject_name": (mark("Body named"), mark("The government body the record names.")),
    "record_type": (mark("Record type"), mark("What kind of record it is.")),
    "source_agency": (mark("Source agency"), mark("The agency whose database holds the record.")),
    "status": (mark("Status"), mark("Where the record stands.")),
    "polarity": (
        mark("Negative or positive"),
        mark("Whether the record counts against or for the body."),
    ),
    "resolved": (mark("Resolved"), mark("When the record was resolved.")),
    "amount_cny": (mark("Amount (CNY)"), mark("Amount of money involved, in yuan.")),
    "note": (mark("Note"), mark("What the source says about the record.")),
    "record_id": (mark("Record id"), mark("Identifier of the record in this snapshot.")),
    "records": (mark("Records"), mark("Number of records.")),
    "data": (mark("Data"), mark("Real (cited) or SYNTHETIC demo data, on every row.")),
}
EXPORT_DATA = {True: mark("SYNTHETIC demo data"), False: mark("real, cited")}
EXPORT_FORMATS = {"csv": mark("CSV"), "xlsx": mark("XLSX"), "zip": mark("ZIP with data package")}
EMBED_SIZES = {
    "small": mark("Small (640 × 480)"),
    "medium": mark("Medium (960 × 640)"),
    "large": mark("Large (1200 × 800)"),
}
