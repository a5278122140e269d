"""Hostile URLs: every query parameter fuzzed leaves every page working, with a safe notice."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from components.frame.filters import (
    CARRIED,
    MANAGED,
    MAX_UNKNOWN_SHOWN,
    Choices,
    Filters,
    parse_params,
    shown,
)
from loaders import geo
from tests.pages.conftest import figures

DEFAULT_EDITION = "demo-tp-2021"
SCRIPT = "<img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))"
LATEX = "$\\href{javascript:alert(1)}{x}$"
HUGE = str(10**30)
LONG = "9" * 5000
# What must never reach the page: pieces of the hostile values above and below.
MARKERS = ("onerror=", "javascript:", "\\href", "etc/passwd", "s3:/", "<img", "<b>", "<script")

# One link with every parameter hostile at once (and a repeated key, an unknown key
# that is itself markup, and an empty unknown key).
EVERYTHING: dict[str, str | list[str]] = {
    "edition": SCRIPT,
    "metric": LINK,
    "province": ["33", "52"],  # repeated: the last one is used, with a notice
    "county": LONG,
    "classes": LATEX,
    "compare": "../../etc/passwd",
    "weights": f"{HUGE},-1,0.5,nan,1e400",
    "lang": "s3://x",
    "present": "\u202e1\u200b\x01",
    "<b>x</b>": "1",
    "utm_source": "",
}

# The page's main content, still drawn under a hostile URL.
PAGES: dict[str, tuple[str, Callable[[AppTest], bool]]] = {
    routes.ATLAS.file: ("Atlas", lambda at: len(figures(at)[0]["data"][0]["locations"]) > 50),
    routes.RANKINGS.file: ("Rankings", lambda at: len(at.dataframe[0].value) > 50),
    routes.METRICS.file: ("Metrics and weights", lambda at: len(figures(at)) >= 4),
    routes.EVALUATORS.file: ("Evaluators", lambda at: len(figures(at)) >= 1),
    routes.RECORDS.file: ("Records", lambda at: len(figures(at)) >= 3 and len(at.dataframe) >= 1),
    routes.COUNTY.file: (
        "County profile",
        lambda at: any(t.label == "Find a county" for t in at.text_input),
    ),
    routes.DATA.file: (
        "County government integrity ratings: the data",
        lambda at: len(at.dataframe) >= 1,
    ),
}

TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error")
SAFE_LITERAL = re.compile(r"[0-9A-Za-z_.,?…-]*")


def _open(run_app: Callable[..., AppTest], page: str, params: Mapping[str, object]) -> AppTest:
    """Open ``page``, then follow a link to it with ``params`` (the URL the page is run with)."""
    at = run_app(page)
    at.query_params.clear()
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _notices(at: AppTest) -> list[str]:
    return [i.value for i in at.sidebar.info if i.value.startswith("Ignored")]


def _assert_safe(at: AppTest, params: Mapping[str, object]) -> None:
    """No exception; every notice names its parameter; no hostile value is shown as markup."""
    assert not at.exception, [e.value for e in at.exception]
    notices = _notices(at)
    for key in (k for k in params if k in (*MANAGED, *CARRIED)):
        assert any(re.match(rf"Ignored (all but the last )?{key}\b", n) for n in notices), key
    unknown = [k for k in params if k not in (*MANAGED, *CARRIED)]
    if unknown:  # one notice names the first few and counts the rest
        notice = next(n for n in notices if n.startswith("Ignored unknown parameter"))
        for key in unknown[:MAX_UNKNOWN_SHOWN]:
            assert (f"`{shown(key)}`" if key else "(empty)") in notice, (key, notice)
        more = len(unknown) - MAX_UNKNOWN_SHOWN
        assert more <= 0 or f" and {more} more:" in notice
    for notice in notices:
        for literal in re.findall(r"`([^`]*)`", notice):
            assert SAFE_LITERAL.fullmatch(literal), notice
        rest = re.sub(r"`[^`]*`", "", notice)
        assert not set(rest) & set("<>[]$\\*~|`") and "www." not in rest, notice
    texts = [str(e.value) for kind in TEXT_KINDS for e in getattr(at, kind)]
    for text in texts:
        assert not any(m in text.lower() for m in MARKERS), text
        assert not any(unicodedata.category(c) in ("Cc", "Cf") and c != "\n" for c in text), text
        assert LONG[:100] not in text and HUGE not in text
    # The address bar is rewritten to the view actually shown: nothing hostile left in it.
    url = " ".join(f"{k}={v}" for k, v in at.query_params.items())
    assert not any(m in url.lower() for m in MARKERS) and "utm_source" not in url
    assert len(url) < 200


@pytest.mark.parametrize("page", PAGES)
def test_everything_hostile_at_once(run_app: Callable[..., AppTest], page: str) -> None:
    at = _open(run_app, page, EVERYTHING)
    _assert_safe(at, EVERYTHING)
    assert len(_notices(at)) == 10  # one per parameter and the repeat; unknown keys in one
    title, drawn = PAGES[page]
    assert at.title[0].value == title
    assert drawn(at)
    assert dict(at.query_params) == {"edition": DEFAULT_EDITION, "province": "52"}


def test_everything_hostile_in_a_new_session(run_app: Callable[..., AppTest]) -> None:
    at = run_app(**EVERYTHING)  # the link opens the app: parsed on the session's first run
    _assert_safe(at, EVERYTHING)
    assert figures(at)[0]["data"][0]["geojson"] == geo.static_url("counties_52")


CASES = [
    {"edition": "nope"},
    {"edition": "../../etc/passwd"},
    {"edition": LONG},
    {"edition": "\u200b" + DEFAULT_EDITION},  # zero-width space before a real id
    {"edition": "\x00"},
    {"edition": "www.example.com"},  # Markdown would link it: shown as a code span
    {"edition": ""},
    {"edition": ["demo-tp-2020", "nope"]},
    {"metric": "nope"},
    {"metric": LINK},
    {"metric": HUGE},
    {"province": "99"},
    {"province": HUGE},
    {"province": "-52"},
    {"province": "52.0"},
    {"province": "/etc/passwd"},
    {"province": "\u202e52"},
    {"province": "5\u200b2"},
    {"province": "<script>alert(1)</script>"},
    {"province": ["33", "52"]},
    {"county": "999999"},
    {"county": LONG},
    {"county": "-520123"},
    {"county": "5.20123e5"},
    {"classes": LATEX},
    {"classes": "**nope**"},
    {"compare": "s3://x"},
    {"compare": DEFAULT_EDITION},  # the edition itself
    {"weights": "1e30,0,0,0,0"},
    {"weights": "-1,1,1,1,1"},
    {"weights": "1.5"},
    {"weights": "nan,1,1,1,1"},
    {"weights": "x" * 5000},
    {"lang": "fr"},
    {"lang": "<b>zh</b>"},
    {"lang": ["zh", "en"]},  # the last (English) wins: notices in English,
    {"present": "2"},
    {"present": "-1"},
    {"present": "1.0"},
    {"present": "true"},
    {"foo": "1"},
    {"<script>": "x"},
    {"": "x"},
    {"www.example.com": "x"},  # Markdown would link it: shown as a code span
    {f"k{i}": "1" for i in range(12)},
]


def _case_id(params: dict[str, object]) -> str:
    key, value = next(iter(params.items()))
    return f"{shown(key, 12)}={shown(str(value), 12)}".replace("…", "")[:40]


@pytest.mark.parametrize("params", CASES, ids=_case_id)
def test_each_hostile_parameter_on_the_atlas(
    run_app: Callable[..., AppTest], params: dict[str, object]
) -> None:
    at = run_app(routes.ATLAS.file, **params)
    _assert_safe(at, params)
    assert len(figures(at)[0]["data"][0]["locations"]) > 50


@pytest.mark.parametrize("params", CASES, ids=_case_id)
def test_each_hostile_parameter_on_the_county_profile(
    run_app: Callable[..., AppTest], params: dict[str, object]
) -> None:
    county = {"county": "520123"} if "county" not in params else {}
    at = _open(run_app, routes.COUNTY.file, {**county, **params})
    _assert_safe(at, params)
    expected = "修文县 Xiuwen Xian" if county else "County profile"
    assert at.title[0].value == expected


def test_repeated_province_uses_the_last(run_app: Callable[..., AppTest]) -> None:
    at = run_app(edition=DEFAULT_EDITION, province=["33", "52"])
    assert _notices(at) == ["Ignored all but the last province: the link gives it 2 times."]
    # The address bar is rewritten with one value (AppTest shows a repeated key as a list).
    assert at.query_params == {"edition": DEFAULT_EDITION, "province": "52"}
    assert figures(at)[0]["data"][0]["geojson"] == geo.static_url("counties_52")


def test_valid_lang_and_present_are_carried(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.RANKINGS.file, lang="zh", present="1")
    assert not at.exception and not _notices(at)
    assert at.query_params["lang"] == "zh" and at.query_params["present"] == "1"


# parse_params, the pure function behind all of the above

CHOICES = Choices(
    editions=("e1", "e2"),
    default_edition="e2",
    metrics={"e1": ("total",), "e2": ("total", "x")},
    provinces=("330000", "520000"),
    counties=frozenset({"520123"}),
    unscored_editions=frozenset({"e0"}),
)
WHERE = (
    "the app reads only edition, metric, province, county, classes, compare, weights, "
    "counties, lang, present, story, step, snapshot"
)


def _parse(**raw: str | Sequence[str]) -> tuple[Filters, list[str]]:
    return parse_params(raw, CHOICES)


def test_parse_valid_values_give_no_notice() -> None:
    filters, notices = _parse(
        edition="e2", metric="x", province="52", county="520123", classes="grade",
        compare="e1", weights="100,0,12.5,0,0", lang="zh", present="1",
    )  # fmt: skip
    assert notices == []
    assert filters == Filters(
        "e2", "x", "520000", "520123", "grade", {"lang": "zh", "present": "1"}, "e1",
        (100.0, 0.0, 12.5, 0.0, 0.0),
    )  # fmt: skip


def test_parse_repeated_keys_use_the_last_value() -> None:
    assert _parse(province=["33", "52"]) == (
        Filters("e2", province="520000"),
        ["Ignored all but the last province: the link gives it 2 times."],
    )
    assert _parse(province=["52", "33", "nope"]) == (
        Filters("e2"),
        [
            "Ignored all but the last province: the link gives it 3 times.",
            "Ignored province `nope`: use a 2- or 6-digit province code such as 52 or 520000.",
        ],
    )
    assert _parse(edition=("e1",)) == (Filters("e1"), [])  # one value in a list: no repeat


def test_parse_huge_negative_and_float_numbers() -> None:
    province = "use a 2- or 6-digit province code such as 52 or 520000"
    weights = "give 5 numbers from 0 to 100, not all zero"
    assert _parse(province=HUGE) == (
        Filters("e2"), [f"Ignored province `100000000000000000000000…`: {province}."]
    )  # fmt: skip
    assert _parse(province="-52")[1] == [f"Ignored province `-52`: {province}."]
    assert _parse(province="52.0")[1] == [f"Ignored province `52.0`: {province}."]
    assert _parse(county=LONG)[1] == [
        "Ignored county `999999999999999999999999…`: not a county-level adcode in this snapshot."
    ]
    assert _parse(weights="1e30,0,0,0,0")[1] == [f"Ignored weights `1e30,0,0,0,0`: {weights}."]
    assert _parse(weights="-1,1,1,1,1")[1] == [f"Ignored weights `-1,1,1,1,1`: {weights}."]
    assert _parse(weights="1e400,1,1,1,1")[0].weights is None  # inf
    assert _parse(weights="x" * 5000)[1] == [f"Ignored weights `{'x' * 24}…`: {weights}."]
    assert _parse(present="-1")[1] == ["Ignored present `-1`: use 0 or 1."]
    assert _parse(present="1.0")[1] == ["Ignored present `1.0`: use 0 or 1."]


def test_parse_paths_markup_and_unknown_codes() -> None:
    filters, notices = _parse(
        edition="../../etc/passwd", metric=LINK, province="99", county="999999",
        classes=LATEX, compare="s3://x", lang="<b>zh</b>", present="/etc/passwd",
    )  # fmt: skip
    assert filters == Filters("e2")
    assert notices == [
        "Ignored edition `..?..?etc?passwd`: no such edition in this snapshot.",
        "Ignored metric `?x??javascript?alert?1??`: not an indicator of this edition.",
        "Ignored province `99`: use a 2- or 6-digit province code such as 52 or 520000.",
        "Ignored county `999999`: not a county-level adcode in this snapshot.",
        "Ignored classes `??href?javascript?alert?…`: use one of continuous, quantile, equal, "
        "jenks, grade.",
        "Ignored compare `s3???x`: not another edition with scores in this snapshot.",
        "Ignored lang `?b?zh??b?`: use en or zh.",
        "Ignored present `?etc?passwd`: use 0 or 1.",
    ]
    assert _parse(edition=SCRIPT)[1] == [
        "Ignored edition `?img?src?x?onerror?alert…`: no such edition in this snapshot."
    ]
    assert _parse(edition="e0")[1] == [
        "Ignored edition `e0`: it has no published results in this snapshot (see About the data)."
    ]
    assert _parse(compare="e2")[1] == [
        "Ignored compare `e2`: not another edition with scores in this snapshot."
    ]
    assert _parse(edition="e1", metric="x")[1] == [
        "Ignored metric `x`: not an indicator of this edition."
    ]


def test_parse_control_zero_width_and_rtl_characters() -> None:
    assert _parse(edition="\u200be1", province="\u202e52", county="520123\x00", lang="zh\n") == (
        Filters("e2"),
        [
            "Ignored edition `?e1`: no such edition in this snapshot.",
            "Ignored province `?52`: use a 2- or 6-digit province code such as 52 or 520000.",
            "Ignored county `520123?`: not a county-level adcode in this snapshot.",
            "Ignored lang `zh?`: use en or zh.",
        ],
    )


def test_parse_empty_values() -> None:
    filters, notices = _parse(edition="", province="", weights=[], lang="")
    assert filters == Filters("e2")
    assert notices == [
        "Ignored edition: it is empty.",
        "Ignored province: it is empty.",
        "Ignored weights: it is empty.",
        "Ignored lang: it is empty.",
    ]


def test_parse_unknown_keys_in_one_notice() -> None:
    assert _parse(foo="1", **{"<b>": "2", "": "3"}) == (
        Filters("e2"), [f"Ignored unknown parameters `foo`, `?b?`, (empty): {WHERE}."]
    )  # fmt: skip
    many = {f"k{i}": "1" for i in range(8)}
    assert _parse(**many)[1] == [
        f"Ignored unknown parameters `k0`, `k1`, `k2`, `k3`, `k4` and 3 more: {WHERE}."
    ]
    assert _parse(utm_source="x")[1] == [f"Ignored unknown parameter `utm_source`: {WHERE}."]
