"""In Chinese (``lang=zh``) a page shows no English interface words (issue 8).

Every string an AppTest run can see is scanned: titles, Markdown, captions, notices,
widget labels, options and help, table headers and column help, and every text of
every Plotly figure (titles, axes, legends, hover templates, hover data). What may stay
Latin: file-format names, "Demo" in fictional evaluators' names, grade letters, code
spans (values echoed from a link), links, hashes, and English-only notes from the data
(shown as the source wrote them, each in an element of its own).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders.store import load, open_snapshot
from tests.components.i18n.test_i18n import ALLOWED
from tests.fixtures import demo_snapshot
from tests.i18n_scan import element_texts, english_words

QUOTED = 20  # data texts this long are skipped inside other texts too, not only whole
GRADE = re.compile(r"^[ABC]{1,3}[+-]?$")
BIBTEX_FIELD = re.compile(r"^\s*[a-z]+ = ", re.MULTILINE)
BIBTEX_URL = re.compile(r"url\{[^}]*\}")
RELATIVE_LINK = re.compile(r"(?<![\w/])/[a-z]*\?\S*")
HEX = re.compile(r"\b[0-9a-f]{8,64}\b")
# Streamlit markdown directives (badges, colours, icons): markup, not shown words
DIRECTIVE = re.compile(r":(?:[a-z]+-badge|[a-z]+)\[|:material/[a-z_]+:")
# Free-text columns the data has only in English: shown as written, never translated.
ENGLISH_ONLY = {
    "sources": ("title", "title_en", "publisher", "url"),
    "coverage": ("reason",),
    "evaluators": ("description_en", "name_history"),
    "evaluator_ties": ("note", "party_name_en"),
    "editions": ("universe_note", "exclusions_note"),
    "indicators": ("note",),
    "division_changes": ("note",),
}

VIEWS = [
    (routes.ATLAS.file, {}),
    (routes.ATLAS.file, {"province": "52", "classes": "grade"}),
    (routes.RANKINGS.file, {}),
    (routes.RANKINGS.file, {"province": "33"}),
    (routes.METRICS.file, {}),
    (routes.METRICS.file, {"province": "52", "weights": "100,0,0,0,0"}),
    (routes.EVALUATORS.file, {}),
    (routes.RECORDS.file, {}),
    (routes.RECORDS.file, {"province": "52"}),
    (routes.COUNTY.file, {}),
    (routes.COUNTY.file, {"county": "520123", "province": "52"}),
    (routes.COMPARE.file, {"counties": "520123,520621,360921"}),
    (routes.HOME.file, {}),
    (routes.PUBLISHED.file, {}),
    (routes.DATA.file, {}),
    (routes.METHODOLOGY.file, {}),
    (routes.RECORDS.file, {"records_layer": "演示记录（合成）", "province": "52"}),
    # real editions (published ranks and lists, no scores), comparisons, odd counties
    (routes.ATLAS.file, {"edition": "zhongding-2021"}),
    (routes.RANKINGS.file, {"edition": "zhongding-2021", "province": "52"}),
    (routes.RANKINGS.file, {"edition": "demo-audit-2021"}),
    (routes.METRICS.file, {"compare": "demo-tp-2020", "metric": "transparency"}),
    (routes.EVALUATORS.file, {"compare": "demo-tp-2020", "edition": "demo-tp-2021"}),
    (routes.EVALUATORS.file, {"edition": "cass-transparency-2019"}),
    (routes.COUNTY.file, {"county": "540102"}),
    (routes.COUNTY.file, {"county": "330102", "edition": "zj-law-designation-2021-proposed"}),
    (routes.RECORDS.file, {"province": "33", "county": "330102"}),
    (routes.ATLAS.file, {"edition": "sic-city-credit-2019-05", "classes": "quantile"}),
]


@functools.cache
def data_texts() -> frozenset[str]:
    """Return the English-only free-text values of the default snapshot."""
    snapshot = demo_snapshot()
    tables = open_snapshot(snapshot).manifest["tables"]
    found: set[str] = set()
    for table, columns in ENGLISH_ONLY.items():
        if table not in tables:
            continue
        frame = load(snapshot, table)
        for column in columns:
            if column in frame.columns:
                found |= {v.strip() for v in frame.get_column(column).drop_nulls() if v}
    return frozenset(found)


def snapshot_words() -> set[str]:
    """Return the words of identifiers a view may name: the snapshot id and edition ids."""
    snap = open_snapshot(demo_snapshot())
    ids = [snap.snapshot_id, *load(demo_snapshot(), "editions")["edition_id"]]
    return {word for i in ids for word in re.findall(r"[A-Za-z]+", i)}


def english_shown(at: AppTest) -> list[str]:
    """Return ``type: text`` for every shown text with English interface words."""
    allowed = ALLOWED | snapshot_words()
    data = data_texts()
    found = []
    quoted = sorted((d for d in data if len(d) >= QUOTED), key=len, reverse=True)
    for kind, text in element_texts(at):
        plain = html.unescape(text.replace("\\", "").replace("<br>", " ")).strip()
        plain = DIRECTIVE.sub(
            " ", plain.replace("\u2060", "")
        )  # the joiner that keeps a bare domain unlinked
        for value in (q for q in quoted if q in plain):
            plain = plain.replace(value, " ")  # a long note or source title, quoted as written
        if plain in data or (kind == "code" and plain.startswith(("/", "http", "<iframe"))):
            continue  # English-only notes from the data; the view's link
        if kind == "code" and plain.startswith("@misc{"):
            plain = BIBTEX_FIELD.sub(" ", BIBTEX_URL.sub(" ", plain.split("\n", 1)[-1]))
        words = [
            w
            for w in english_words(HEX.sub(" ", RELATIVE_LINK.sub(" ", plain)), allowed)
            if not GRADE.match(w)
        ]
        if words:
            found.append(f"{kind}: {' '.join(words[:8])} ← {plain[:90]!r}")
    return sorted(set(found))


@pytest.mark.parametrize(("page", "params"), VIEWS, ids=lambda v: str(v))
def test_page_in_chinese_shows_no_english(
    run_app: Callable[..., AppTest], page: str, params: dict[str, str]
) -> None:
    at = run_app(page, lang="zh", **params)
    assert not at.exception
    shown = english_shown(at)
    assert shown == [], f"{len(shown)} texts in English on {page}:\n" + "\n".join(shown[:60])


def test_scan_sees_the_english_interface(run_app: Callable[..., AppTest]) -> None:
    """The same scan on the English atlas finds English: it is not blind."""
    at = run_app(routes.ATLAS.file)
    shown = english_shown(at)
    assert len(shown) > 10
    assert any(s.startswith("title:") for s in shown)
    assert any(s.startswith("plotly_chart:") for s in shown)


def test_presentation_mode_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.ATLAS.file, lang="zh", present="1")
    assert english_shown(at) == []


def test_counties_are_chinese_with_pinyin_only_in_english(
    run_app: Callable[..., AppTest],
) -> None:
    divisions = load(demo_snapshot(), "divisions").filter(pl.col("adcode") == "520123")
    name, pinyin = divisions.row(0)[1], divisions.row(0)[2]
    zh = run_app(routes.COUNTY.file, lang="zh", county="520123")
    en = run_app(routes.COUNTY.file, lang="en", county="520123")
    assert zh.title[0].value.startswith(name) and pinyin not in zh.title[0].value
    assert en.title[0].value.startswith(name) and pinyin in en.title[0].value


def test_notices_about_a_bad_link_are_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = run_app(None, lang="zh", edition="<b>x</b>", foo="1", weights="1,2")
    notices = [i.value for i in at.sidebar.info]
    assert len(notices) == 3
    assert all(english_words(re.sub(r"`[^`]*`", "", n)) == [] for n in notices), notices
    assert any("`?b?x??b?`" in n for n in notices)  # the value, cleaned, in a code span


def test_language_switch_rewrites_the_page_and_the_link(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.RANKINGS.file)
    assert english_shown(at) != []
    at.sidebar.button_group(key="_state_language").set_value("zh").run()
    assert at.query_params["lang"] == "zh"
    assert at.sidebar.button_group(key="_state_language").value == "zh"
    assert english_shown(at) == []
    at.sidebar.button_group(key="_state_language").set_value("en").run()
    assert "lang" not in at.query_params
    assert at.title[0].value == "Rankings"
