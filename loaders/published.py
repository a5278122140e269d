"""Real published county results (real-results.csv, the long import format) as snapshot rows.

One input row is one published result: who published it (``evaluator``, ``edition``),
for which county (``county_as_published`` with ``province`` and ``prefecture``
context), what was published (``rank``, ``list_pos``, ``score``, ``band``) and where
(``source_url``, ``source_type``). :func:`build` turns such rows into rows of the
snapshot tables ``sources``, ``evaluators``, ``evaluator_ties``, ``editions``,
``rankings`` and ``scores`` — all real (``is_synthetic`` false) — matching every
county with :class:`loaders.importing.Matcher` and reporting every problem with its
spreadsheet row. The default snapshot gets the reference file
``data/reference/real-results.csv`` this way (:func:`with_published_results`);
``python -m loaders import FILE --format published`` applies the same code to a
user's file.

Which body an ``evaluator`` string stands for is decided here, once, in
:data:`EVALUATORS` (see the rules above it); edition ids, English titles and series
in :data:`EDITIONS`. Everything else about an edition is read from its rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polars as pl

from loaders import paths, schemas
from loaders.importing import (
    HEADER_SCAN,
    ImportRejected,
    Matcher,
    Problem,
    _formula_like,
    clean_text,
    decode,
    is_missing,
    parse_number,
    read_bytes,
    read_xlsx,
)

REAL_RESULTS = paths.DATA / "reference" / "real-results.csv"

# Columns of the long format, in the order of real-results.csv.
COLUMNS = (
    "grp",
    "evaluator",
    "edition",
    "data_year",
    "pub_date",
    "county_as_published",
    "province",
    "prefecture",
    "rank",
    "list_pos",
    "score",
    "scale",
    "band",
    "source_url",
    "source_type",
    "notes",
)
REQUIRED = ("evaluator", "edition", "county_as_published", "source_url", "source_type")
# For an evaluator not in EVALUATORS: its id and type (and English name), or an
# existing evaluator's id; ``mode`` overrides the edition mode read from the bands.
OPTIONAL = ("evaluator_id", "evaluator_type", "evaluator_en", "mode")
COLUMN_ALIASES = {
    "county": "county_as_published",
    "name": "county_as_published",
    "url": "source_url",
    "note": "notes",
    "group": "grp",
}
# Free text kept inside a composed note ("Source note: …"), so it may start with "=".
FREE_TEXT = ("notes",)
TABLES = ("sources", "evaluators", "evaluator_ties", "editions", "rankings", "scores")

# source_type's first word → (sources.kind, sources.reliability)
SOURCE_TYPES: dict[str, tuple[str, str]] = {
    "official": ("official", "official"),
    "evaluator": ("report", "evaluator_self_published"),
    "evaluator-affiliated": ("evaluator_site", "evaluator_self_published"),
    "media": ("news", "media"),
    "repost": ("repost", "secondary"),
}
MEMBERSHIP_BANDS = ("member", "proposed_member")

# An evaluator that the source does not name is of type "unknown" (never the one it
# "likely" is).
UNKNOWN_TYPE = "unknown"
_NO_METHOD_DOC = " Methodology disclosure: nothing documented in the project's sources."


# ---------------------------------------------------------------------------------------
# who published: evaluator strings → evaluators
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EvaluatorSpec:
    """What an ``evaluator`` string of the long format stands for.

    ``evaluator_id`` is an existing evaluator (reference.py) or one of :data:`NEW_EVALUATORS`;
    ``note`` goes into the universe note of every edition published under the string
    (a named unit, co-publishers); ``ties`` are added with the evaluator, citing its
    first source.
    """

    evaluator_id: str
    note: str | None = None


# Rules (judgement calls, kept here in one place):
# 1. one body named → that body; a named unit of an existing evaluator → that evaluator,
#    the unit named in the edition note (Tsinghua's institute and school; SIC's 中经网);
# 2. several bodies → the first named leads, the others are named in the edition note;
# 3. an assessment commissioned by a government → the body that assessed, with a
#    commissioning_client tie to the government;
# 4. a body the sources do not tie to an existing evaluator is a new evaluator (the CASS
#    rule-of-law index centre is not merged into the CASS Law Institute: no source here
#    says how the two relate);
# 5. an evaluator the source does not name is an explicit unnamed entry, never the
#    "likely" one.
EVALUATORS: dict[str, EvaluatorSpec] = {
    "中鼎资信评级服务有限公司": EvaluatorSpec("zhongding"),
    "CASS 法学所": EvaluatorSpec("cass-law"),
    "CASS 国家法治指数研究中心": EvaluatorSpec("cass-law-index-centre"),
    "国家信息中心中经网 (全国城市信用状况监测平台)": EvaluatorSpec(
        "sic",
        "Published as 国家信息中心中经网 (全国城市信用状况监测平台), a unit of the State "
        "Information Center by its name; recorded under the State Information Center, "
        "whose credit monitoring of cities the project's notes describe.",
    ),
    "NDRC+PBoC": EvaluatorSpec(
        "ndrc",
        "Designated jointly by the NDRC and the People's Bank of China (中国人民银行); "
        "recorded under the NDRC, named first.",
    ),
    "中央依法治国办": EvaluatorSpec("central-law-office"),
    "司法部": EvaluatorSpec("moj"),
    "全国普法办": EvaluatorSpec("pufa-office"),
    "山东省政府办公厅 (commissioned 山东省计算中心 政务公开评估工作组)": EvaluatorSpec(
        "sdcc",
        "Commissioned by the General Office of the Shandong Provincial Government "
        "(山东省政府办公厅) and carried out by the 山东省计算中心 government-disclosure "
        "assessment team; recorded under the team that assessed.",
    ),
    "中共浙江省委全面依法治省委员会办公室": EvaluatorSpec("zj-law-office"),
    "国脉互联 + 中国社科院信息化研究中心": EvaluatorSpec(
        "guomai",
        "Published jointly with the CASS Informatization Research Center "
        "(中国社科院信息化研究中心, named second); recorded under 国脉互联, named first, "
        "on whose own site the results appear.",
    ),
    "中国社科院信息化研究中心等": EvaluatorSpec(
        "cass-info",
        "Published by the centre with unnamed others ('等').",
    ),
    "清华大学国家治理研究院 + 公共管理学院": EvaluatorSpec(
        "tsinghua",
        "By two units of Tsinghua University, 国家治理研究院 and 公共管理学院; recorded "
        "under Tsinghua University.",
    ),
    "中国软件评测中心 (工信部)": EvaluatorSpec("cstc"),
    "中国软件评测中心 + 人民网等": EvaluatorSpec(
        "cstc",
        "Published jointly with 人民网 and others ('等'); recorded under 中国软件评测中心, "
        "named first.",
    ),
    "evaluator not named in excerpt (likely 中国软件评测中心)": EvaluatorSpec(
        "unnamed-evaluator-web-2009",
        "The source does not name the evaluator. The compiler's guess (中国软件评测中心) "
        "is not confirmed by the source and is not used.",
    ),
    "河南省 (营商环境评价)": EvaluatorSpec(
        "henan-business-env",
        "The organising department is not named in the source.",
    ),
}

# Evaluators that reference.py does not have: evaluators-table rows without source_id
# (they cite the first source they appear in).
NEW_EVALUATORS: dict[str, dict[str, Any]] = {
    "cass-law-index-centre": {
        "name_zh": "中国社会科学院国家法治指数研究中心",
        "name_en": "National Rule of Law Index Research Center, CASS",
        "evaluator_type": "state_academy",
        "home_province_adcode": None,
        "methodology_disclosure": "partial",
        "description_en": "Named as the compiler of the China Government Transparency Index "
        "(中国政府透明度指数) from its 2023 edition (2024 法治蓝皮书) in the project's "
        "sources; the earlier editions are credited to the CASS Law Institute. The sources "
        "do not say how the centre and the institute relate, so they are kept apart. The "
        "index's method (five weighted first-level indicators, 0–100) is described in the "
        "project's notes.",
    },
    "central-law-office": {
        "name_zh": "中央全面依法治国委员会办公室 (中央依法治国办)",
        "name_en": "Office of the Central Commission for Comprehensively Governing the "
        "Country According to Law",
        "evaluator_type": "government_body",
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "Office of a commission of the Communist Party's Central "
        "Committee (the type list has no separate code for party bodies). Names the "
        "national rule-of-law government demonstration areas (全国法治政府建设示范地区)."
        + _NO_METHOD_DOC,
    },
    "moj": {
        "name_zh": "中华人民共和国司法部",
        "name_en": "Ministry of Justice",
        "evaluator_type": "government_body",
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "Names the national law-abiding and law-popularisation "
        "demonstration cities and counties (全国守法普法示范市(县、区))." + _NO_METHOD_DOC,
    },
    "pufa-office": {
        "name_zh": "全国普法办公室 (全国普法办)",
        "name_en": "National Law Popularisation Office (全国普法办)",
        "evaluator_type": "government_body",
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "Named the advanced units of the national rule-of-law county "
        "campaign (全国法治县(市、区)创建活动先进单位) in batches." + _NO_METHOD_DOC,
    },
    "sdcc": {
        "name_zh": "山东省计算中心 (政务公开评估工作组)",
        "name_en": "Shandong Computer Science Center (government-disclosure assessment team)",
        "evaluator_type": "state_academy",
        "home_province_adcode": "370000",
        "methodology_disclosure": "none",
        "description_en": "Carried out the Shandong Provincial Government's third-party "
        "assessment of county government disclosure (政务公开) for 2019, commissioned by "
        "the provincial government's General Office. A public research centre; "
        "'state_academy' is the nearest type (the sources do not state one)." + _NO_METHOD_DOC,
    },
    "zj-law-office": {
        "name_zh": "中共浙江省委全面依法治省委员会办公室",
        "name_en": "Office of the Zhejiang Provincial Party Committee's Commission for "
        "Law-based Governance of the Province",
        "evaluator_type": "government_body",
        "home_province_adcode": "330000",
        "methodology_disclosure": "none",
        "description_en": "Provincial party body (the type list has no separate code for "
        "party bodies). Names Zhejiang's rule-of-law demonstration counties, i.e. rates "
        "counties of its own province." + _NO_METHOD_DOC,
    },
    "guomai": {
        "name_zh": "国脉互联",
        "name_en": "Guomai Hulian (国脉互联)",
        "evaluator_type": "private_rating_firm",
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "Company that published the 2015 China government website "
        "performance evaluation on its own site (echinagov.com), named before the CASS "
        "Informatization Research Center. 'private_rating_firm' is our reading of a company "
        "publishing ratings; its ownership was not checked." + _NO_METHOD_DOC,
    },
    "cass-info": {
        "name_zh": "中国社会科学院信息化研究中心",
        "name_en": "Informatization Research Center, CASS",
        "evaluator_type": "state_academy",
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "Evaluated the websites of 100 pilot counties for government "
        "disclosure and services in 2016 (with unnamed others); co-publisher of the 2015 "
        "round published by 国脉互联." + _NO_METHOD_DOC,
    },
    "cstc": {
        "name_zh": "中国软件评测中心",
        "name_en": "China Software Testing Center",
        "evaluator_type": "state_info_center",
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "Runs the annual China government website performance evaluation "
        "(the 13th round in 2014, the 19th in 2020, per the sources). Described in a source "
        "as under the Ministry of Industry and Information Technology (工信部); "
        "'state_info_center' is the nearest type." + _NO_METHOD_DOC,
    },
    "unnamed-evaluator-web-2009": {
        "name_zh": "未具名评估机构 (2009年中国政府网站绩效评估)",
        "name_en": "Unnamed evaluator (2009 government website evaluation)",
        "evaluator_type": UNKNOWN_TYPE,
        "home_province_adcode": None,
        "methodology_disclosure": "none",
        "description_en": "The source (a repost of a 北京晨报 report) does not name who "
        "evaluated. More than one evaluator used the title 中国政府网站绩效评估 (中国软件评测中心 "
        "and 国脉互联 in these sources), so none is assumed, and its type is unknown.",
    },
    "henan-business-env": {
        "name_zh": "河南省营商环境评价 (牵头部门未具名)",
        "name_en": "Henan provincial business-environment evaluation (department not named)",
        "evaluator_type": "government_body",
        "home_province_adcode": "410000",
        "methodology_disclosure": "none",
        "description_en": "Henan's own evaluation of the business environment of its "
        "counties; the source does not name the department that runs it." + _NO_METHOD_DOC,
    },
}

# Ties the sources state (name_zh of a body, relation, party type, note), per evaluator.
NEW_TIES: dict[str, list[dict[str, Any]]] = {
    "cass-law-index-centre": [
        {
            "tie_id": "cass-law-index-centre-cass-parent",
            "party_name": "中国社会科学院",
            "party_name_en": "Chinese Academy of Social Sciences (CASS)",
            "party_type": "government_body",
            "relation": "parent_body",
            "confidence": "reported",
            "note": "Part of CASS as its name says (the sources call it "
            "CASS 国家法治指数研究中心).",
        }
    ],
    "cass-info": [
        {
            "tie_id": "cass-info-cass-parent",
            "party_name": "中国社会科学院",
            "party_name_en": "Chinese Academy of Social Sciences (CASS)",
            "party_type": "government_body",
            "relation": "parent_body",
            "confidence": "reported",
            "note": "Part of CASS as its name says (中国社科院信息化研究中心).",
        }
    ],
    "sdcc": [
        {
            "tie_id": "sdcc-shandong-government-client",
            "party_name": "山东省人民政府办公厅",
            "party_name_en": "General Office of the Shandong Provincial Government",
            "party_type": "government_body",
            "relation": "commissioning_client",
            "confidence": "reported",
            "note": "The copied 经济导报 report says the 2019 county disclosure assessment was "
            "commissioned by the provincial government's General Office: the province paid "
            "for the rating of its own counties.",
        }
    ],
    "cstc": [
        {
            "tie_id": "cstc-miit-parent",
            "party_name": "工业和信息化部",
            "party_name_en": "Ministry of Industry and Information Technology (MIIT)",
            "party_type": "government_body",
            "relation": "parent_body",
            "confidence": "reported",
            "note": "The source lists the centre as '中国软件评测中心 (工信部)'.",
        }
    ],
}


# ---------------------------------------------------------------------------------------
# editions: ids, English titles, series (everything else comes from the rows)
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EditionSpec:
    """Edition facts the rows do not give: id, English title, series, overrides."""

    edition_id: str
    title_en: str
    series_id: str | None = None
    mode: str | None = None
    method_published: str = "none"
    data_year: int | None = None
    note: str | None = None
    year_source: dict[str, str] | None = None  # a sources row (without id) for data_year
    title_zh: str | None = None  # a Chinese title where the row's title carries an English note


DUBAISHAN_2018 = {
    "url": "http://m.dubaishan.com/xqzc/xianqudongtai/mszx/2018-08-02/939634.html",
    "title": "丹凤县获第四批“全国法治县(市、区)创建活动先进单位” — repost of a local newspaper "
    "report dated 2018-08-02 (headline not recorded); cited only for the year of the fourth "
    "batch",
    "publisher": "m.dubaishan.com (repost of a local newspaper report)",
    "published": "2018-08-02",
    "kind": "repost",
    "reliability": "secondary",
}
_TRANSPARENCY = "China Government Transparency Index Report ({}), county tier"
_WEB = "China government website performance evaluation"

# Keyed by the edition title without its bracketed annotation (see edition_key).
EDITIONS: dict[str, EditionSpec] = {
    "中国政府透明度指数报告(2019)": EditionSpec(
        "cass-transparency-2019", _TRANSPARENCY.format(2019), "cass-transparency",
        method_published="partial",
    ),
    "中国政府透明度指数报告(2021)": EditionSpec(
        "cass-transparency-2021", _TRANSPARENCY.format(2021), "cass-transparency",
        method_published="partial",
    ),
    "中国政府透明度指数报告(2022)": EditionSpec(
        "cass-transparency-2022", _TRANSPARENCY.format(2022), "cass-transparency",
        method_published="partial",
    ),
    "中国政府透明度指数报告(2023)": EditionSpec(
        "cass-transparency-2023", _TRANSPARENCY.format(2023), "cass-index-centre-transparency",
        method_published="partial",
    ),
    "中国政府透明度指数报告(2024)": EditionSpec(
        "cass-transparency-2024", _TRANSPARENCY.format(2024), "cass-index-centre-transparency",
        method_published="partial",
    ),
    "城市信用监测报告 (window 2018-06-01 to 2019-05-31)": EditionSpec(
        "sic-city-credit-2019-05",
        "City credit monitoring report, window 2018-06-01 to 2019-05-31 (county-level cities)",
        title_zh="城市信用监测报告（监测期 2018-06-01 至 2019-05-31）",
    ),
    "首批社会信用体系建设示范城市 (12)": EditionSpec(
        "ndrc-credit-demo-1", "Social credit system demonstration cities, first batch",
        "ndrc-credit-demo",
    ),
    "第三批社会信用体系建设示范区 (34)": EditionSpec(
        "ndrc-credit-demo-3", "Social credit system demonstration areas, third batch",
        "ndrc-credit-demo",
    ),
    "第四批社会信用体系建设示范区 (68)": EditionSpec(
        "ndrc-credit-demo-4", "Social credit system demonstration areas, fourth batch",
        "ndrc-credit-demo",
    ),
    "第二批全国法治政府建设示范地区 (50 市县区)": EditionSpec(
        "law-gov-demo-2", "National rule-of-law government demonstration areas, second batch",
        "law-gov-demo",
    ),
    "第三批全国法治政府建设示范市(县、区) (72)": EditionSpec(
        "law-gov-demo-3",
        "National rule-of-law government demonstration cities and counties, third batch",
        "law-gov-demo",
    ),
    "首批全国守法普法示范市(县、区) 拟命名名单 (公示)": EditionSpec(
        "moj-pufa-demo-1-proposed",
        "National law-abiding and law-popularisation demonstration cities and counties, first "
        "batch: proposed list (public notice)",
        "moj-pufa-demo",
    ),
    "首批全国守法普法示范市(县、区) 命名 (50)": EditionSpec(
        "moj-pufa-demo-1",
        "National law-abiding and law-popularisation demonstration cities and counties, first "
        "batch (named)",
        "moj-pufa-demo",
    ),
    "山东省政务公开第三方评估 (137 县(市、区))": EditionSpec(
        "sdcc-shandong-disclosure-2019",
        "Shandong government disclosure third-party assessment 2019 (137 counties)",
    ),
    "法治浙江(法治政府)建设示范县(市、区) 拟命名 (30)": EditionSpec(
        "zj-law-demo-2021-proposed",
        "Zhejiang rule-of-law (law-based government) demonstration counties 2021: proposed list",
    ),
    "2015中国政府网站绩效评估: 试点县(市、区)及自报名": EditionSpec(
        "guomai-web-2015", f"{_WEB} 2015: pilot and self-nominated counties",
    ),
    "2016中国政府网站绩效评估: 100个全国政务公开和政务服务试点县(市、区)": EditionSpec(
        "cass-info-web-2016",
        f"{_WEB} 2016: 100 national pilot counties for government disclosure and services",
    ),
    "2020年中国政府网站绩效评估 (直辖市和副省级城市所辖区县; 263 区县级网站)": EditionSpec(
        "tsinghua-web-2020",
        f"{_WEB} 2020: districts and counties of municipalities and sub-provincial cities "
        "(263 websites)",
    ),
    "2020数字政府服务能力暨第十九届政府网站绩效评估": EditionSpec(
        "cstc-web-2020",
        "Digital government service capability and 19th government website performance "
        "evaluation (2020)",
        "cstc-web",
    ),
    "第十三届(2014)中国政府网站绩效评估 (区县)": EditionSpec(
        "cstc-web-2014", f"13th {_WEB} (2014), districts and counties", "cstc-web",
    ),
    "2009年中国政府网站绩效评估 (区县)": EditionSpec(
        "unnamed-web-2009", f"{_WEB} 2009, districts and counties (evaluator not named)",
    ),
    "第四批全国法治县(市、区)创建活动先进单位": EditionSpec(
        "pufa-law-county-4",
        "Advanced units of the national rule-of-law county campaign, fourth batch",
        "pufa-law-county",
        data_year=2018,
        note="The row's source gives no date. Year from a separate report of 2018-08-02 "
        "(m.dubaishan.com, a repost) saying that the National Law Popularisation Office had "
        "recently published its decision on the fourth batch.",
        year_source=DUBAISHAN_2018,
    ),
    "首批 & 第三批全国法治县创建活动先进集体": EditionSpec(
        "pufa-law-county-1-3",
        "Advanced units of the national rule-of-law county campaign, first and third batches "
        "(combined as reported)",
        "pufa-law-county",
        note="Two batches reported together. The source (2020) does not date them; it says "
        "泸县 joined the campaign in 2007, so both fall between 2007 and 2020. data_year is "
        "the year of the source, an upper bound.",
    ),
    "2023年全省营商环境评价 \"企业权益保护\" 指标": EditionSpec(
        "henan-business-env-2023",
        "Henan business-environment evaluation 2023: indicator 'protection of enterprise "
        "rights' (企业权益保护)",
        mode="upper_level_audit",
        note="A province's evaluation of its own counties on one indicator: the rank is on "
        "that indicator, not overall.",
    ),
}  # fmt: skip


# ---------------------------------------------------------------------------------------
# names that the matcher cannot read as published
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Alias:
    """A published name that stands for a county-level unit of another name."""

    province: str  # province name prefix the alias applies in
    names: tuple[str, ...]
    today: str
    reason: str


ALIASES: tuple[Alias, ...] = (
    Alias(
        "山东",
        ("青岛西海岸新区", "西海岸新区"),
        "黄岛区",
        "青岛西海岸新区 is a state-level new area, not a county-level unit; it covers the "
        "same territory as 黄岛区 (370211), whose code it is given.",
    ),
    Alias("上海", ("浦东",), "浦东新区", "浦东 is short for 浦东新区 (310115)."),
)
# "兵团第八师石河子市": an XPCC division published together with its county-level city.
_XPCC = re.compile(r"^(?:新疆生产建设)?兵团第[一二三四五六七八九十\d]+师")
_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_DATE = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s*(?:\((.*)\))?$")
_REPORTING = re.compile(r"article|repost", re.IGNORECASE)
_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s*[-–~]\s*(\d+(?:\.\d+)?)")


# ---------------------------------------------------------------------------------------
# small parsers (pure)
# ---------------------------------------------------------------------------------------
def band_code(text: str) -> str | None:
    """Return the short band code of a published band text (None: it only restates a rank).

    Codes: ``topN``/``bottomN`` (a top or bottom N list), ``member`` (designated or
    named), ``proposed_member`` (on a proposed list), ``near_top`` ("among the first",
    no N). Raises ValueError for text it cannot read.

    Examples
    --------
    >>> [band_code(t) for t in ("top10 of 120", "rank 1 of 120 百强县(市、区)",
    ...     "designated member", "proposed member", "区县 top10", "位于榜单前列", "全省第一",
    ...     "第三批示范区", "排名前20")]
    ['top10', None, 'member', 'proposed_member', 'top10', 'near_top', None, 'member', 'top20']
    """
    t = clean_text(text).lower()
    if not t:
        return None
    if "proposed" in t or "拟" in t:
        return "proposed_member"
    if m := re.search(r"\b(top|bottom)\s*(\d+)", t):
        return f"{m[1]}{m[2]}"
    if re.search(
        r"\brank\s*\d+|第[一二三四五六七八九十\d]+[名位]|[国省市]第[一二三四五六七八九十\d]+", t
    ):
        return None
    if m := re.search(r"前\s*(\d+)", t):
        return f"top{m[1]}"
    if "前十" in t:
        return "top10"
    if "百强" in t:
        return "top100"
    if re.search(r"member|designated|named|示范|命名|先进", t):
        return "member"
    if "前列" in t:
        return "near_top"
    raise ValueError(text)


def split_date(text: str) -> tuple[str | None, str | None]:
    """Return the ISO (possibly partial) date of a ``pub_date`` cell and its annotation.

    Examples
    --------
    >>> split_date("2021-10 (notice)"), split_date("2022-06-16"), split_date("")
    (('2021-10', 'notice'), ('2022-06-16', None), (None, None))
    """
    text = clean_text(text)
    if not text:
        return None, None
    m = _DATE.match(text)
    if not m:
        raise ValueError(text)
    return m[1], m[2]


def first_year(text: str) -> int | None:
    """Return the first year of a ``data_year`` cell ("2021", "2021-2022", "2018-06/2019-05").

    Examples
    --------
    >>> first_year("2018-06/2019-05"), first_year("2021"), first_year("")
    (2018, 2021, None)
    """
    m = re.match(r"\s*(\d{4})", clean_text(text))
    return int(m[1]) if m else None


def edition_key(title: str) -> str:
    """Return an edition title without its bracketed annotation, normalised.

    Examples
    --------
    >>> edition_key("中国政府透明度指数报告(2019) [法治蓝皮书 No.18(2020)]")
    '中国政府透明度指数报告(2019)'
    """
    return re.sub(r"\s+", " ", re.sub(r"\s*\[[^\]]*\]", "", clean_text(title))).strip()


def evaluator_key(text: str) -> str:
    """Return an evaluator string normalised for lookup in :data:`EVALUATORS`."""
    return re.sub(r"\s+", " ", clean_text(text))


def source_id_for(url: str) -> str:
    """Return the deterministic source id of a URL.

    Examples
    --------
    >>> source_id_for("http://example.org/a")
    'src-pub-a08896bcf1'
    """
    return "src-pub-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]


def _province_short(province: str) -> str:
    return _PROVINCE_SUFFIX.sub("", province)


def _paren(text: str) -> str | None:
    m = re.search(r"\(([^()]*)\)", text)
    return m[1].strip() if m else None


# ---------------------------------------------------------------------------------------
# reading a file
# ---------------------------------------------------------------------------------------
@dataclass
class Row:
    """One input row: its cells by canonical column and its spreadsheet row number."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """Return a cell's text, trimmed ('' when absent)."""
        return self.cells.get(column, "").strip()


def _canonical(header: str) -> str:
    key = re.sub(r"[\s\-]+", "_", clean_text(header).lower())
    return COLUMN_ALIASES.get(key, key)


def read_file(
    path: Path, *, sheet: str | None = None, encoding: str | None = None
) -> tuple[list[Row], list[Problem]]:
    """Read a long-format file (CSV or XLSX) into rows, with file-level problems.

    The header is the first of the top rows that names ``county_as_published``;
    size, encoding and workbook checks are those of :mod:`loaders.importing`.
    """
    data = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        cells, _ = read_xlsx(data, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        text, _ = decode(data, encoding)
        dialect = "excel-tab" if suffix == ".tsv" else "excel"
        cells = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect=dialect)]
    else:
        raise ImportRejected(f"{path.name}: only .csv and .xlsx files can be imported")
    heads = [
        i for i, r in enumerate(cells[:HEADER_SCAN]) if "county_as_published" in map(_canonical, r)
    ]
    if not heads:
        raise ImportRejected(
            "no header row found: a published-results file needs the columns " + ", ".join(COLUMNS)
        )
    index = heads[0]
    header = cells[index]
    names = [_canonical(h) for h in header]
    problems = [
        Problem(index + 1, header[i], "", "unknown column: not imported", "warning")
        for i, name in enumerate(names)
        if name and name not in COLUMNS and name not in OPTIONAL
    ]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ImportRejected(
            f"missing required column(s): {', '.join(missing)}",
            [Problem(None, c, "", "missing required column") for c in missing],
        )
    rows = []
    for offset, values in enumerate(cells[index + 1 :]):
        if not any(v.strip() for v in values):
            continue
        row = {
            name: values[i] if i < len(values) else ""
            for i, name in enumerate(names)
            if name in COLUMNS or name in OPTIONAL
        }
        rows.append(Row(index + 2 + offset, row))
    return rows, problems


# ---------------------------------------------------------------------------------------
# rows → tables
# ---------------------------------------------------------------------------------------
@dataclass
class Resolved:
    """One row after checking: its county, values, and the notes it will carry."""

    row: Row
    evaluator_id: str
    spec: EvaluatorSpec | None
    key: str
    adcode: str | None
    reason: str | None  # why the unit is not on today's map
    rank: int | None
    list_pos: int | None
    score: float | None
    band: str | None
    date: str | None
    date_note: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class Built:
    """What :func:`build` returns: new table rows, one outcome per row, the problems."""

    tables: dict[str, pl.DataFrame]
    outcomes: pl.DataFrame
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that reject the input."""
        return [p for p in self.problems if p.severity == "error"]


OUTCOME_SCHEMA = pl.Schema(
    {
        "row": pl.Int64,
        "grp": pl.String,
        "name_as_published": pl.String,
        "province": pl.String,
        "prefecture": pl.String,
        "edition_id": pl.String,
        "adcode": pl.String,
        "status": pl.String,  # added, already_present, error
        "reason": pl.String,
    }
)


class _Context:
    """Lookups into the snapshot's existing tables."""

    def __init__(self, existing: dict[str, pl.DataFrame]) -> None:
        def table(name: str) -> pl.DataFrame:
            return existing.get(name, schemas.empty(name))

        self.evaluators = {r["evaluator_id"]: r for r in table("evaluators").to_dicts()}
        self.tie_ids = set(table("evaluator_ties").get_column("tie_id"))
        self.editions = {r["edition_id"]: r for r in table("editions").to_dicts()}
        self.edition_by_title = {
            (r["evaluator_id"], edition_key(r["title_zh"])): r["edition_id"]
            for r in self.editions.values()
        }
        self.sources_by_url = {
            r["url"]: r["source_id"] for r in table("sources").to_dicts() if r["url"]
        }
        self.rankings: dict[tuple[str, str], dict[str, Any]] = {}
        for r in table("rankings").to_dicts():
            self.rankings[(r["edition_id"], r["adcode"] or r["name_as_published"])] = r
        self.scores = {
            (r["edition_id"], r["adcode"]): r["score"]
            for r in table("scores").filter(pl.col("indicator_id") == "total").to_dicts()
        }


def _resolve_evaluator(
    row: Row, context: _Context, new_evaluators: dict[str, dict[str, Any]]
) -> tuple[str | None, EvaluatorSpec | None, Problem | None]:
    name = evaluator_key(row.get("evaluator"))
    spec = EVALUATORS.get(name)
    if spec is not None:
        return spec.evaluator_id, spec, None
    given = clean_text(row.get("evaluator_id"))
    if given and given in context.evaluators:
        return given, None, None
    kind = clean_text(row.get("evaluator_type"))
    if given and kind:
        if kind not in schemas.EVALUATOR_TYPES:
            return None, None, Problem(
                row.line, "evaluator_type", kind,
                f"unknown evaluator type: use one of {', '.join(schemas.EVALUATOR_TYPES)}",
            )  # fmt: skip
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,60}", given):
            return (
                None,
                None,
                Problem(
                    row.line, "evaluator_id", given, "use lower-case letters, digits and dashes"
                ),
            )
        new_evaluators.setdefault(
            given,
            {
                "name_zh": row.get("evaluator"),
                "name_en": clean_text(row.get("evaluator_en")) or row.get("evaluator"),
                "evaluator_type": kind,
                "home_province_adcode": None,
                "methodology_disclosure": "none",
                "description_en": "Added from a published-results import." + _NO_METHOD_DOC,
            },
        )
        return given, None, None
    return None, None, Problem(
        row.line, "evaluator", name[:60],
        "unknown evaluator: give evaluator_id (an existing evaluator, or a new id with "
        "evaluator_type and evaluator_en)",
    )  # fmt: skip


def _match(row: Row, matcher: Matcher) -> tuple[str | None, str | None, list[str], Problem | None]:
    """Return (adcode, reason not on the map, notes, problem) for a row's county."""
    published = row.get("county_as_published")
    province = clean_text(row.get("province"))
    prefecture = clean_text(row.get("prefecture"))
    notes: list[str] = []
    if prefecture.endswith("(inf)"):
        prefecture = prefecture[: -len("(inf)")].strip()
        notes.append("Prefecture inferred from the name (not printed in the source).")
    elif prefecture.startswith("("):
        notes.append(f"Prefecture as given: {prefecture}.")
        prefecture = ""
    name = re.sub(r"\s+", "", clean_text(published))
    if m := _XPCC.match(name):
        name = name[m.end() :]
        notes.append(
            f"Published with its XPCC division ({m[0]}); matched to the county-level city "
            f"{name}, listed under Xinjiang."
        )
        if province.startswith("新疆生产建设兵团"):
            province = "新疆维吾尔自治区"
    short = _province_short(province)
    if (
        short
        and name.startswith(short)
        and not name.startswith(province)
        and not re.match(r"[省市区县]", name[len(short) :] or "省")
    ):
        name = name[len(short) :]
    aliased = False
    for alias in ALIASES:
        if province.startswith(alias.province) and name in alias.names:
            name, aliased = alias.today, True
            notes.append(alias.reason)
    match = matcher.by_name(name, province=province, prefecture=prefecture)
    if match.retired:
        return None, match.problem, notes, None
    if match.problem or match.adcode is None:
        problem = match.problem or "no match"
        return None, None, notes, Problem(row.line, "county_as_published", published, problem)
    today = next(r["name_zh"] for r in matcher.rows if r["adcode"] == match.adcode)
    if not aliased and today not in name:
        notes.append(f"Today: {today} ({match.adcode}).")
    return match.adcode, None, notes, None


def _whole(row: Row, column: str) -> tuple[int | None, Problem | None]:
    raw = row.get(column)
    if is_missing(raw):
        return None, None
    try:
        number = parse_number(raw)
        if not number.is_integer() or number < 1:
            raise ValueError
    except ValueError:
        return None, Problem(row.line, column, raw[:40], "must be a whole number of 1 or more")
    return int(number), None


def _resolve_row(
    row: Row,
    matcher: Matcher,
    context: _Context,
    new_evaluators: dict[str, dict[str, Any]],
) -> tuple[Resolved | None, list[Problem]]:
    problems: list[Problem] = []
    for column, value in row.cells.items():
        if column not in FREE_TEXT and _formula_like(value):
            problems.append(Problem(row.line, column, value[:40], "starts like a formula: refused"))
    for column in REQUIRED:
        if is_missing(row.get(column)):
            problems.append(Problem(row.line, column, "", "required value missing"))
    if problems:
        return None, problems
    evaluator_id, spec, problem = _resolve_evaluator(row, context, new_evaluators)
    if problem:
        problems.append(problem)
    url = row.get("source_url")
    if not re.fullmatch(r"https?://\S+", url):
        problems.append(Problem(row.line, "source_url", url[:60], "not an http(s) address"))
    kind = row.get("source_type").split(" ")[0].lower()
    if kind not in SOURCE_TYPES:
        problems.append(
            Problem(row.line, "source_type", row.get("source_type")[:40],
                    f"must start with one of {', '.join(SOURCE_TYPES)}")
        )  # fmt: skip
    mode = clean_text(row.get("mode"))
    if mode and mode not in schemas.EDITION_MODES:
        problems.append(
            Problem(row.line, "mode", mode, f"must be one of {', '.join(schemas.EDITION_MODES)}")
        )
    rank, problem = _whole(row, "rank")
    problems += [problem] if problem else []
    list_pos, problem = _whole(row, "list_pos")
    problems += [problem] if problem else []
    score = None
    if not is_missing(row.get("score")):
        try:
            score = parse_number(row.get("score"))
            if score < 0:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(row.line, "score", row.get("score")[:40], "not a score (0 or more)")
            )
    try:
        band = band_code(row.get("band"))
    except ValueError:
        band = None
        problems.append(
            Problem(row.line, "band", row.get("band")[:40],
                    "band not understood: use e.g. top10, bottom5, member, proposed member")
        )  # fmt: skip
    try:
        date, date_note = split_date(row.get("pub_date"))
    except ValueError:
        date, date_note = None, None
        problems.append(
            Problem(row.line, "pub_date", row.get("pub_date")[:40],
                    "not a date: YYYY, YYYY-MM or YYYY-MM-DD, optionally with a (note)")
        )  # fmt: skip
    if rank is None and list_pos is None and band is None and score is None:
        problems.append(Problem(row.line, None, "", "no rank, list position, band or score"))
    adcode, reason, notes, problem = _match(row, matcher)
    if problem:
        problems.append(problem)
    if problems or evaluator_id is None:
        return None, problems
    return (
        Resolved(
            row, evaluator_id, spec, edition_key(row.get("edition")), adcode, reason, rank,
            list_pos, score, band, date, date_note, notes,
        ),
        [],
    )  # fmt: skip


def _edition_row(
    evaluator_id: str,
    key: str,
    members: list[Resolved],
    source_id: str,
    source_of: dict[str, str],
) -> tuple[dict[str, Any], list[Problem]]:
    """Return the editions row for one (evaluator, edition) group of rows."""
    first = members[0]
    spec = EDITIONS.get(key)
    problems: list[Problem] = []
    sentences: list[str] = []
    if first.spec and first.spec.note:
        sentences.append(first.spec.note)
    period = clean_text(first.row.get("data_year"))
    year = first_year(period)
    if spec and spec.data_year:
        year = spec.data_year
    elif year is None and first.date:
        year = int(first.date[:4])
        if not (spec and spec.note):
            sentences.append(
                f"The source gives no data year: {year} is the year of the source, the "
                "latest the results can date from."
            )
    if year is None:
        problems.append(
            Problem(first.row.line, "data_year", "", "no data_year and no pub_date: the "
                    "edition needs a year")
        )  # fmt: skip
        year = 0
    elif period and not re.fullmatch(r"\d{4}", period):
        sentences.append(f"Data period as published: {period}.")
    released = first.date
    if first.date_note:
        if _REPORTING.search(first.date_note):
            released = None
            sentences.append(
                f"Release date not stated: reported on {first.date} ({first.date_note})."
            )
        else:
            sentences.append(f"Date as given: {first.date} ({first.date_note}).")
    modes = {clean_text(m.row.get("mode")) for m in members} - {""}
    bands = {m.band for m in members}
    if len(modes) > 1:
        problems.append(
            Problem(first.row.line, "mode", ", ".join(sorted(modes)), "one edition, several modes")
        )
    if modes:
        mode = modes.pop()
    elif spec and spec.mode:
        mode = spec.mode
    elif bands <= set(MEMBERSHIP_BANDS):
        mode = "designation"
    else:
        mode = "third_party"
    title = members[0].row.get("edition")
    sizes = {int(m[1]) for r in members if (m := re.search(r"\bof\s+(\d+)", r.row.get("band")))}
    n_subjects = None
    listed = re.search(r"\((\d+)[^()]*\)\s*$", key)
    if mode == "designation":
        if listed:
            sentences.append(f"The list names {listed[1]} units in all (as its title says).")
    elif len(sizes) == 1:
        n_subjects = sizes.pop()
    elif m := re.search(r"(\d+)\s*个?\s*(?:区县|县)", key):
        n_subjects = int(m[1])
    maxima = {float(m[2]) for r in members if (m := _SCALE.search(r.row.get("scale")))}
    if len(maxima) > 1:
        problems.append(Problem(first.row.line, "scale", "", "one edition, several score scales"))
    score_max = max(maxima) if maxima else None
    for r in members:
        if r.score is not None and score_max is not None and r.score > score_max:
            problems.append(
                Problem(r.row.line, "score", r.row.get("score"),
                        f"outside the edition's scale 0–{score_max:g}")
            )  # fmt: skip
    if spec and spec.note:
        sentences.append(spec.note)
    if spec and spec.year_source:
        sentences.append(f"(Year source: {source_of[spec.year_source['url']]}.)")
    sentences.append("Recorded here: only the county-level results named in the cited sources.")
    edition_id = (
        spec.edition_id
        if spec
        else f"{evaluator_id}-{year}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:6]}"
    )
    row = {
        "edition_id": edition_id,
        "evaluator_id": evaluator_id,
        "series_id": spec.series_id if spec else None,
        "title_zh": spec.title_zh if spec and spec.title_zh else title,
        "title_en": spec.title_en if spec else None,
        "data_year": year,
        "released": released,
        "mode": mode,
        "n_subjects": n_subjects,
        "n_provinces": None,
        "universe_note": " ".join(sentences),
        "exclusions_note": None,
        "score_max": score_max,
        "method_published": spec.method_published if spec else "none",
        "grade_scale_id": None,
        "source_id": source_id,
    }
    return row, problems


def _source_row(url: str, members: list[Resolved], titles: list[str]) -> dict[str, Any]:
    first = members[0]
    source_type = first.row.get("source_type")
    kind, reliability = SOURCE_TYPES[source_type.split(" ")[0].lower()]
    domain = urlsplit(url).netloc
    outlet = _paren(source_type)
    published = None
    if first.date_note and _REPORTING.search(first.date_note):
        explicit = re.search(r"\d{4}-\d{2}-\d{2}", first.date_note)
        published = explicit[0] if explicit else first.date
    return {
        "source_id": source_id_for(url),
        "title": f"{'; '.join(titles)} — {source_type}, {domain} (headline not recorded)",
        "title_en": None,
        "publisher": f"{domain} ({outlet})" if outlet else domain,
        "published": published,
        "url": url,
        "kind": kind,
        "reliability": reliability,
    }


def _ranking_note(r: Resolved) -> str | None:
    parts: list[str] = []
    band_text = r.row.get("band")
    if band_text and band_text != r.band:
        parts.append(f"Band as published: {band_text}.")
    parts += r.notes
    if r.date_note:
        parts.append(f"Date as given: {r.date} ({r.date_note}).")
    if r.reason:
        parts.append(f"Not on today's map: {r.reason}.")
        if r.score is not None:
            parts.append(f"Published score {r.score:g}: not stored (no current county).")
    if r.row.get("notes"):
        parts.append(f"Source note: {r.row.get('notes')}")
    return " ".join(parts) or None


def build(rows: Sequence[Row], matcher: Matcher, existing: dict[str, pl.DataFrame]) -> Built:
    """Turn long-format rows into new rows of the snapshot tables.

    Rows already in ``existing`` (same edition, county and published values) are not
    added again; a row that contradicts one there is an error. Editions, evaluators
    and sources already in ``existing`` are reused (sources by URL).

    Parameters
    ----------
    rows
        Rows from :func:`read_file`.
    matcher
        County matcher over the snapshot's divisions and division changes.
    existing
        The snapshot's tables (any missing table counts as empty).

    Returns
    -------
    :class:`Built`: the new rows of ``sources``, ``evaluators``, ``evaluator_ties``,
    ``editions``, ``rankings`` and ``scores`` (each conformed to its schema), one
    outcome per row (``status`` added, already_present or error; ``reason`` why a row
    has no adcode), and the problems (errors reject the input; warnings do not).
    """
    context = _Context(existing)
    new_evaluators: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    resolved: list[Resolved] = []
    outcomes: list[dict[str, Any]] = []
    failed: set[int] = set()
    for row in rows:
        item, row_problems = _resolve_row(row, matcher, context, new_evaluators)
        problems += row_problems
        if item is None:
            failed.add(row.line)
            continue
        resolved.append(item)

    # editions, in order of first appearance
    groups: dict[tuple[str, str], list[Resolved]] = {}
    for item in resolved:
        groups.setdefault((item.evaluator_id, item.key), []).append(item)
    by_url: dict[str, list[Resolved]] = {}
    for item in resolved:
        by_url.setdefault(item.row.get("source_url"), []).append(item)
    year_sources = {s.year_source["url"]: s.year_source for s in EDITIONS.values() if s.year_source}
    source_of = {
        url: context.sources_by_url.get(url, source_id_for(url)) for url in [*by_url, *year_sources]
    }
    edition_rows: list[dict[str, Any]] = []
    edition_of: dict[tuple[str, str], str] = {}
    for (evaluator_id, key), members in groups.items():
        source_id = source_of[members[0].row.get("source_url")]
        found = context.edition_by_title.get((evaluator_id, key))
        row, edition_problems = _edition_row(evaluator_id, key, members, source_id, source_of)
        problems += edition_problems
        edition_id = found or row["edition_id"]
        known = context.editions.get(edition_id)
        if known is not None and known["evaluator_id"] != evaluator_id:
            problems.append(
                Problem(members[0].row.line, "edition", key[:60],
                        f"edition {edition_id} belongs to evaluator {known['evaluator_id']}, "
                        f"not {evaluator_id}")
            )  # fmt: skip
            failed.update(m.row.line for m in members)
        elif known is not None and known["is_synthetic"]:
            problems.append(
                Problem(members[0].row.line, "edition", key[:60],
                        f"edition {edition_id} is synthetic: real results cannot join it")
            )  # fmt: skip
            failed.update(m.row.line for m in members)
        elif known is None:
            edition_rows.append(row)
        edition_of[(evaluator_id, key)] = edition_id

    # evaluators and their ties (only those not in the snapshot yet)
    evaluator_rows: list[dict[str, Any]] = []
    tie_rows: list[dict[str, Any]] = []
    for (evaluator_id, _), members in groups.items():
        known = context.evaluators.get(evaluator_id)
        if known is not None:
            if known["is_synthetic"]:
                problems.append(
                    Problem(members[0].row.line, "evaluator", evaluator_id,
                            "a synthetic (demo) evaluator cannot publish real results")
                )  # fmt: skip
                failed.update(m.row.line for m in members)
            continue
        if any(e["evaluator_id"] == evaluator_id for e in evaluator_rows):
            continue
        spec = NEW_EVALUATORS.get(evaluator_id) or new_evaluators.get(evaluator_id)
        if spec is None:  # an existing evaluator of the reference facts, absent here
            problems.append(
                Problem(members[0].row.line, "evaluator", evaluator_id,
                        f"evaluator {evaluator_id!r} is not in the snapshot")
            )  # fmt: skip
            failed.update(m.row.line for m in members)
            continue
        source_id = source_of[members[0].row.get("source_url")]
        evaluator_rows.append(
            {"evaluator_id": evaluator_id, "founded": None, "name_history": None, **spec,
             "source_id": source_id}
        )  # fmt: skip
        for tie in NEW_TIES.get(evaluator_id, []):
            if tie["tie_id"] not in context.tie_ids:
                tie_rows.append(
                    {"evaluator_id": evaluator_id, "share_pct": None, "as_of": None, **tie,
                     "source_id": source_id}
                )  # fmt: skip

    # rankings and scores, row by row
    ranking_rows: list[dict[str, Any]] = []
    score_rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    status: dict[int, tuple[str, str | None]] = {}
    for item in resolved:
        line = item.row.line
        edition_id = edition_of[(item.evaluator_id, item.key)]
        if line in failed:
            continue
        who = item.adcode or item.row.get("county_as_published")
        if (edition_id, who) in seen:
            problems.append(
                Problem(line, "county_as_published", item.row.get("county_as_published"),
                        f"the same county as row {seen[(edition_id, who)]} in this edition "
                        "(duplicate)")
            )  # fmt: skip
            failed.add(line)
            continue
        seen[(edition_id, who)] = line
        ranking = {
            "edition_id": edition_id,
            "adcode": item.adcode,
            "name_as_published": item.row.get("county_as_published"),
            "rank": item.rank,
            "list_pos": item.list_pos,
            "band": item.band,
            "published": item.date,
            "note": _ranking_note(item),
            "source_id": source_of[item.row.get("source_url")],
        }
        present = context.rankings.get((edition_id, who))
        if present is not None:
            same = all(present[c] == ranking[c] for c in ("rank", "list_pos", "band"))
            if not same:
                problems.append(
                    Problem(line, "county_as_published", item.row.get("county_as_published"),
                            f"contradicts the snapshot's published result for {who} in "
                            f"{edition_id} (rank {present['rank']}, list position "
                            f"{present['list_pos']}, band {present['band']})")
                )  # fmt: skip
                failed.add(line)
                continue
            problems.append(
                Problem(line, None, who, f"already in the snapshot ({edition_id}): skipped",
                        "warning")
            )  # fmt: skip
            status[line] = ("already_present", item.reason)
        else:
            ranking_rows.append(ranking)
            status[line] = ("added", item.reason)
        if item.score is None:
            continue
        if item.adcode is None:
            problems.append(
                Problem(line, "score", item.row.get("score"),
                        "score not stored: the unit is not on today's map", "warning")
            )  # fmt: skip
            continue
        old = context.scores.get((edition_id, item.adcode))
        if old is not None and old != item.score:
            problems.append(
                Problem(line, "score", item.row.get("score"),
                        f"contradicts the snapshot's score {old:g} for {item.adcode}")
            )  # fmt: skip
            failed.add(line)
        elif old is None:
            score_rows.append(
                {"edition_id": edition_id, "adcode": item.adcode, "indicator_id": "total",
                 "score": item.score, "observed": True,
                 "source_id": source_of[item.row.get("source_url")]}
            )  # fmt: skip
    for item in resolved:
        if item.reason and item.row.line not in failed:
            problems.append(
                Problem(item.row.line, "county_as_published",
                        item.row.get("county_as_published"),
                        f"not on today's map: {item.reason}; kept without an adcode", "warning")
            )  # fmt: skip

    # sources: one per URL not in the snapshot yet (plus the year source of one edition)
    source_rows: list[dict[str, Any]] = []
    titles_by_url: dict[str, list[str]] = {}
    for item in resolved:
        titles = titles_by_url.setdefault(item.row.get("source_url"), [])
        if item.row.get("edition") not in titles:
            titles.append(item.row.get("edition"))
    for url, members in by_url.items():
        if url not in context.sources_by_url:
            source_rows.append(_source_row(url, members, titles_by_url[url]))
    kinds = {
        url: {SOURCE_TYPES[m.row.get("source_type").split(" ")[0].lower()][1] for m in members}
        for url, members in by_url.items()
    }
    for url, found in kinds.items():
        if len(found) > 1:
            problems.append(
                Problem(by_url[url][0].row.line, "source_type", url[:60],
                        f"one URL, several reliabilities ({', '.join(sorted(found))})")
            )  # fmt: skip
    new_editions = {r["edition_id"] for r in edition_rows}
    for spec in EDITIONS.values():
        url = spec.year_source["url"] if spec.year_source else None
        if url and spec.edition_id in new_editions and url not in context.sources_by_url:
            source_rows.append({"source_id": source_of[url], "title_en": None, **spec.year_source})

    for item in resolved:
        line = item.row.line
        if line in failed:
            continue
        state, reason = status[line]
        outcomes.append(_outcome(item.row, edition_of[(item.evaluator_id, item.key)],
                                 item.adcode, state, reason))  # fmt: skip
    for row in rows:
        if row.line in failed:
            outcomes.append(_outcome(row, None, None, "error", _first_error(problems, row.line)))
    problems.sort(key=lambda p: (p.row or 0, p.severity))
    tables = {
        "sources": _frame("sources", source_rows),
        "evaluators": _frame("evaluators", evaluator_rows),
        "evaluator_ties": _frame("evaluator_ties", tie_rows),
        "editions": _frame("editions", edition_rows),
        "rankings": _frame("rankings", ranking_rows),
        "scores": _frame("scores", score_rows),
    }
    frame = pl.DataFrame(outcomes, schema=OUTCOME_SCHEMA).sort("row")
    return Built(tables, frame, problems)


def _outcome(
    row: Row, edition_id: str | None, adcode: str | None, status: str, reason: str | None
) -> dict[str, Any]:
    return {
        "row": row.line,
        "grp": row.get("grp") or None,
        "name_as_published": row.get("county_as_published"),
        "province": row.get("province") or None,
        "prefecture": row.get("prefecture") or None,
        "edition_id": edition_id,
        "adcode": adcode,
        "status": status,
        "reason": reason,
    }


def _first_error(problems: Iterable[Problem], line: int) -> str:
    for p in problems:
        if p.row == line and p.severity == "error":
            return p.message
    return "rejected"


def _frame(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    if not rows:
        return schemas.empty(name)
    schema = {c: t for c, t in schemas.TABLES[name].schema.items()}
    frame = pl.from_dicts([{**row, "is_synthetic": False} for row in rows], schema=schema)
    return schemas.conform(name, frame)


# ---------------------------------------------------------------------------------------
# entry points
# ---------------------------------------------------------------------------------------
def published_tables(
    csv_path: Path,
    divisions: pl.DataFrame,
    division_changes: pl.DataFrame,
    existing: dict[str, pl.DataFrame],
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """Return the new table rows of a published-results file, and its unmappable rows.

    Parameters
    ----------
    csv_path
        A long-format file such as :data:`REAL_RESULTS`.
    divisions, division_changes
        The snapshot's divisions and code changes (for matching counties).
    existing
        The snapshot's other tables: evaluators, editions and sources found there are
        reused, rows already there are not added again.

    Returns
    -------
    tuple
        New rows of ``sources``, ``evaluators``, ``evaluator_ties``, ``editions``,
        ``rankings`` and ``scores`` (real, schema-conformed), and one row per input
        row whose unit is not on today's map: ``row`` (spreadsheet row),
        ``name_as_published``, ``province``, ``prefecture``, ``edition_id``, ``reason``.

    Raises
    ------
    ValueError
        If any row has an error (an unknown or ambiguous county, a bad value …).
    """
    rows, problems = read_file(Path(csv_path))
    built = build(rows, Matcher(divisions, division_changes), existing)
    errors = [p for p in problems + built.problems if p.severity == "error"]
    if errors:
        raise ValueError(
            f"{csv_path}: {len(errors)} problem(s):\n" + "\n".join(p.line() for p in errors)
        )
    unmappable = built.outcomes.filter(pl.col("adcode").is_null()).select(
        "row", "name_as_published", "province", "prefecture", "edition_id", "reason"
    )
    return built.tables, unmappable


def merge(tables: dict[str, pl.DataFrame], new: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Return ``tables`` with the rows of ``new`` appended (table by table)."""
    merged = dict(tables)
    for name, frame in new.items():
        if frame.height:
            base = merged.get(name, schemas.empty(name)).drop(
                schemas.RECORDS_PARTITION, strict=False
            )
            merged[name] = pl.concat([base, frame])
    return merged


def with_published_results(
    tables: dict[str, pl.DataFrame], csv_path: Path = REAL_RESULTS
) -> dict[str, pl.DataFrame]:
    """Return snapshot ``tables`` with the real published results of ``csv_path`` added.

    The one call the default snapshot's builder makes (``loaders.demo``).
    """
    new, _ = published_tables(csv_path, tables["divisions"], tables["division_changes"], tables)
    return merge(tables, new)
