"""No raw code on screen: every code shows as its label, every table header is named.

Every page is opened in both languages (AppTest) and every string it shows is scanned
(``tests.i18n_scan.element_texts``): a snake_case code ("third_party", "cppcc_member"),
an edition id or a province code in prose, or a table column shown under its
identifier ("severity", "edition") fails. Code spans, links, file names and the
share panel's code blocks (links and citations, which must hold ids) are not prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from components.i18n import labels
from tests.i18n_scan import NOT_WORDS, element_texts

SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./-])")
# An id: lower-case parts joined by dashes, one of them with a digit (demo-tp-2021).
EDITION_ID = re.compile(r"(?<![\w./-])(?=[a-z0-9-]*\d)[a-z]+(?:-[a-z0-9]+){2,}(?![\w./-])")
PROVINCE_CODE = re.compile(r"(?<!\d)\d{2}0000(?!\d)")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
# Elements whose strings are data or machine text, not prose: code blocks (links,
# citations), widget values echoed back, figure data (hover values come from the data).
NOT_PROSE = {"code", "text_input", "plotly_chart", "number_input", "date_input"}
FILE_NAME = re.compile(r"\S+\.(?:parquet|csv|xlsx|json|toml)\b|\brecords/")

VIEWS = [
    (routes.HOME.file, {}),
    (routes.PUBLISHED.file, {}),
    (routes.ATLAS.file, {}),
    (routes.ATLAS.file, {"edition": "zhongding-2021"}),
    (routes.RANKINGS.file, {"province": "52"}),
    (routes.METRICS.file, {}),
    (routes.EVALUATORS.file, {}),
    (routes.EVALUATORS.file, {"edition": "zhongding-2021"}),
    (routes.RECORDS.file, {}),
    (routes.RECORDS.file, {"records_layer": labels.RECORD_LAYERS["demo"], "province": "52"}),
    (routes.COUNTY.file, {"county": "520123", "province": "52"}),
    (routes.COMPARE.file, {"counties": "520123,520621,360921"}),
    (routes.RANKINGS.file, {"metric": "transparency", "province": "52", "top": "10"}),
    (routes.DATA.file, {}),
]


def raw_codes(at: AppTest) -> list[str]:
    """Return every raw code the page shows, with the kind of element it is in."""
    found = []
    for kind, text in element_texts(at):
        if kind == "dataframe column":
            if IDENTIFIER.match(text):
                found.append(f"column {text!r}")
            continue
        if kind in NOT_PROSE:
            continue
        prose = FILE_NAME.sub(" ", NOT_WORDS.sub(" ", text))
        for pattern in (SNAKE, EDITION_ID, PROVINCE_CODE):
            found += [f"{kind}: {m} in {text[:80]!r}" for m in pattern.findall(prose)]
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("page", "params"), VIEWS, ids=[f"{p}-{q}" for p, q in VIEWS])
def test_no_page_shows_a_raw_code(
    run_app: Callable[..., AppTest], page: str, params: dict[str, str], lang: str
) -> None:
    if lang == "zh" and "records_layer" in params:  # a bound control links its label
        from components import i18n

        params = {**params, "records_layer": i18n.catalogue()[params["records_layer"]]}
    at = run_app(page, lang=lang, **params)
    at.run()
    assert not at.exception
    assert raw_codes(at) == []


def test_the_scan_finds_what_it_looks_for() -> None:
    """The patterns catch the codes the review found, and leave prose alone."""
    assert SNAKE.findall("mode third_party, cppcc_member") == ["third_party", "cppcc_member"]
    assert EDITION_ID.findall("henan-business-env-2023 named 410000") == ["henan-business-env-2023"]
    assert PROVINCE_CODE.findall("henan-business-env-2023 … 410000") == ["410000"]
    assert not SNAKE.findall("the county-level units, rank 3 of 88, records/year=2019")
    assert not EDITION_ID.findall("a third-party assessment, well-known list")
