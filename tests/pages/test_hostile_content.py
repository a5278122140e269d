"""Hostile text in the data shows as inert, literal text on every page (DESIGN.md §8).

The snapshot is the committed one with HTML, scripts, Markdown links, LaTeX, Plotly tags,
a template placeholder, a right-to-left override and a zero-width space appended to
every shown text (``tests/hostile.py``). Plotly must get that text as entities, Markdown
as backslash escapes, tables as it is; no ``javascript:`` link reaches a link column.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import paths
from tests.hostile import (
    COUNTY,
    IMG,
    JAVASCRIPT_URL,
    LONG,
    LONG_COUNTY,
    MARKDOWN_ESCAPED,
    MARKDOWN_PAYLOAD,
    PAYLOAD,
    PIECES,
    PLOTLY_PAYLOAD,
    TEX,
    write_hostile_snapshot,
)
from tests.pages.conftest import figures

# Elements whose text Streamlit renders as Markdown, and widgets whose label it does.
MARKDOWN_KINDS = ("title", "header", "subheader", "markdown", "caption")
ALERT_KINDS = ("info", "warning", "error", "success")
LABEL_KINDS = ("button", "expander", "tab", "metric")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")  # embeddings, overrides, isolates


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The hostile snapshot, written once per session."""
    return str(write_hostile_snapshot(tmp_path_factory.mktemp("hostile") / "snapshot"))


def _strings(node: Any) -> Iterator[str]:
    """Yield every string in a figure's JSON (data, layout, templates, customdata)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _markdown_texts(at: AppTest) -> list[str]:
    """Return the text of every element and label that Streamlit renders as Markdown."""
    texts = [e.value for kind in (*MARKDOWN_KINDS, *ALERT_KINDS) for e in at.get(kind)]
    texts += [e.label for kind in LABEL_KINDS for e in at.get(kind)]
    texts += [e.proto.label for e in at.get("page_link")]
    return texts


def _plotly_texts(at: AppTest) -> list[str]:
    return [text for figure in figures(at) for text in _strings(figure)]


def _hostile_in_plotly(at: AppTest) -> list[str]:
    """Check every figure text that carries data; return those texts."""
    texts = _plotly_texts(at)
    for text in texts:
        for raw in (IMG, "<script", "<a ", "<br><b>", "$\\href", "&quot;"):
            assert raw not in text, (raw, text[:300])
        assert not _BIDI.search(text), text[:300]
        if "onerror" in text:
            # A chart's source line is wrapped at spaces with real line breaks.
            assert PLOTLY_PAYLOAD in text.replace("<br>", " "), text[:400]
    return [t for t in texts if "onerror" in t]


def _hostile_in_markdown(at: AppTest) -> list[str]:
    """Check every Markdown text that carries data; return those texts."""
    texts = _markdown_texts(at)
    for text in texts:
        unlisted = re.sub(r"\\([+\-.])", r"\1", text)  # the profile also escapes list marks
        for raw in PIECES[:4]:  # tags, script, Markdown link, LaTeX
            assert raw not in unlisted, (raw, text[:300])
        assert not _BIDI.search(text), text[:300]
        if "onerror" in text:
            assert MARKDOWN_PAYLOAD in unlisted, text[:400]
    return [t for t in texts if "onerror" in t]


def _tables(at: AppTest) -> list[Any]:
    return [frame.value for frame in at.dataframe]


def _check_tables(at: AppTest) -> list[str]:
    """Tables hold the text as it is; no cell is a javascript: link. Return hostile cells."""
    cells = []
    for frame in _tables(at):
        for column in frame.columns:
            values = [v for v in frame[column].tolist() if isinstance(v, str)]
            assert not [v for v in values if v.strip().lower().startswith("javascript:")], column
            cells += [v for v in values if "onerror" in v]
    for cell in cells:
        assert PAYLOAD in cell, cell[:300]
    return cells


# page, query parameters, and whether data text is expected in figures / Markdown / tables
VIEWS = [
    (routes.ATLAS.file, {}, True, True, True),
    (routes.ATLAS.file, {"province": "52"}, True, True, True),
    (routes.ATLAS.file, {"province": "54"}, True, True, False),  # excluded: the reason
    (routes.ATLAS.file, {"edition": "zhongding-2021"}, True, True, True),  # published map
    (routes.RANKINGS.file, {"province": "52"}, False, True, True),
    (routes.RANKINGS.file, {"edition": "zhongding-2021"}, False, True, True),
    (routes.METRICS.file, {"province": "52"}, True, True, True),
    (routes.EVALUATORS.file, {"compare": "demo-audit-2021"}, True, True, True),
    (routes.RECORDS.file, {"province": "52", "county": COUNTY}, True, True, True),
    (routes.COUNTY.file, {"county": COUNTY}, True, True, True),
    (routes.COUNTY.file, {"county": COUNTY, "edition": "zhongding-2021"}, True, True, True),
    # Tibet: not assessed; its records chart still cites the (hostile) snapshot id
    # no data text in its figures: the one chart's source line is the short evaluator name
    (routes.COUNTY.file, {"county": "540102"}, False, True, True),
    (routes.DATA.file, {}, False, True, True),
]


@pytest.mark.parametrize("lang", ["en", "zh"])  # the Chinese templates embed data too
@pytest.mark.parametrize(
    ("page", "params", "in_figures", "in_markdown", "in_tables"),
    VIEWS,
    ids=[f"{page[6:-3]}-{'-'.join(p.values()) or 'default'}" for page, p, *_ in VIEWS],
)
def test_hostile_text_is_inert_on_every_page(
    run_app: Callable[..., AppTest],
    hostile: str,
    page: str,
    params: dict[str, str],
    in_figures: bool,
    in_markdown: bool,
    in_tables: bool,
    lang: str,
) -> None:
    at = run_app(page, snapshot=hostile, lang=lang, **params)
    assert not at.exception
    assert bool(_hostile_in_plotly(at)) == in_figures
    assert bool(_hostile_in_markdown(at)) == in_markdown
    assert bool(_check_tables(at)) == in_tables


def test_map_hover_names_are_entities(run_app: Callable[..., AppTest], hostile: str) -> None:
    at = run_app(routes.ATLAS.file, snapshot=hostile, province="52")
    county = figures(at)[0]["data"][0]
    names = {row[0] for row in county["customdata"]}
    assert f"修文县{PLOTLY_PAYLOAD}" in names
    assert county["hovertemplate"].startswith("<b>%{customdata[0]}</b>")  # ours, not data


def test_profile_title_and_breakdown_show_the_name_literally(
    run_app: Callable[..., AppTest], hostile: str
) -> None:
    at = run_app(routes.COUNTY.file, snapshot=hostile, county=COUNTY)
    assert at.title[0].value.startswith("修文县 \\<img src=x onerror=alert\\(1\\)\\>")
    assert MARKDOWN_ESCAPED[TEX] in at.title[0].value
    assert "⟨U\\+202E⟩evil\u200bend Xiuwen Xian \\<img" in at.title[0].value  # "+" escaped too
    breakdown = next(f for f in figures(at) if f["data"][0]["type"] == "bar")
    name = f"修文县{PLOTLY_PAYLOAD} Xiuwen Xian{PLOTLY_PAYLOAD}"  # the pinyin is hostile too
    assert breakdown["data"][0]["name"] == f"{name} (synthetic)"
    history = at.dataframe[0].value  # results across editions: text as it is, no script link
    assert history["evaluator"].str.contains(IMG, regex=False).any()
    assert not history["source_url"].fillna("").str.startswith("javascript").any()


def test_a_long_name_renders_in_full(run_app: Callable[..., AppTest], hostile: str) -> None:
    at = run_app(routes.COUNTY.file, snapshot=hostile, county=LONG_COUNTY)
    assert not at.exception
    assert at.title[0].value.endswith(" " + LONG)


def test_single_search_match_links_to_an_escaped_profile(
    run_app: Callable[..., AppTest], hostile: str
) -> None:
    at = run_app(routes.RANKINGS.file, snapshot=hostile, province="52")
    at.text_input(key="rankings_search").input(COUNTY).run()
    labels = [link.proto.label for link in at.get("page_link")]
    assert f"Open the profile of 修文县{MARKDOWN_PAYLOAD}" in labels


def test_evaluator_card_and_charts_escape_names(
    run_app: Callable[..., AppTest], hostile: str
) -> None:
    at = run_app(routes.EVALUATORS.file, snapshot=hostile, compare="demo-audit-2021")
    card = at.subheader[0].value
    assert card.startswith(f"Demo 示例诚信评级有限公司{MARKDOWN_PAYLOAD} · Demo")
    source = next(c.value for c in at.caption if c.value.startswith("Source"))
    assert MARKDOWN_PAYLOAD in source
    ties = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Who is tied"))
    labels = [a["text"].replace("<br>", " ") for a in ties["layout"]["annotations"]]
    assert any(label.endswith(f"{PLOTLY_PAYLOAD}</b>") for label in labels)  # the evaluator
    assert any(f"{PLOTLY_PAYLOAD} <i>" in label for label in labels)  # a party
    provinces = next(f for f in figures(at) if f["data"][0].get("error_x"))
    assert f"Guizhou{PLOTLY_PAYLOAD}" in provinces["data"][0]["y"]


def test_data_page_escapes_the_manifest(run_app: Callable[..., AppTest], hostile: str) -> None:
    at = run_app(routes.DATA.file, snapshot=hostile)
    assert at.caption[0].value.startswith(f"Snapshot hostile\\`{MARKDOWN_PAYLOAD}\\` · ")
    description = next(m.value for m in at.markdown if "county-level divisions" in m.value)
    assert description.endswith(MARKDOWN_PAYLOAD)
    real = next(f for f in _tables(at) if "on_map" in f.columns)
    assert real["source_url"].isna().all()  # every source URL was javascript:


def test_published_results_table_drops_script_links(
    run_app: Callable[..., AppTest], hostile: str
) -> None:
    at = run_app(routes.ATLAS.file, snapshot=hostile, edition="zhongding-2021")
    named = at.dataframe[0].value
    assert not named.empty
    assert JAVASCRIPT_URL not in set(named["published_source_url"].dropna())
    assert named["name_zh"].str.endswith(PAYLOAD).all()  # the name itself, untouched


def _unsafe_calls(path: Path) -> list[str]:
    """Return the calls in a source file that could render HTML: where and what."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Module-level names bound once to a string literal (a constant style sheet).
    constants = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        unsafe = [
            k
            for k in node.keywords
            if k.arg == "unsafe_allow_html"
            and not (isinstance(k.value, ast.Constant) and k.value.value is False)
        ]
        constant_html = (
            name == "html"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in constants
        )
        if (name == "html" and not constant_html) or unsafe:
            found.append(f"{path.relative_to(paths.ROOT)}:{node.lineno} {ast.unparse(func)}")
    return found


def test_no_code_renders_raw_html() -> None:
    """No ``st.html`` (but of a constant), ``unsafe_allow_html=True`` or HTML component."""
    files = [
        paths.ROOT / "app.py",
        *sorted((paths.ROOT / "components").glob("*.py")),
        *sorted((paths.ROOT / "pages").glob("*.py")),
    ]
    assert [f for f in files if "components.v1" in f.read_text(encoding="utf-8")] == []
    assert [call for f in files for call in _unsafe_calls(f)] == []
