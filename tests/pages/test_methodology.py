"""The methodology page: every paragraph shows its sources, in both languages (issue 23)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components import i18n, routes
from components import methodology as view
from components.frame import banner
from components.provenance import md_escape
from loaders import methodology, schemas
from loaders.store import load
from loaders.store.validate import cited_sources
from tests.fixtures import demo_snapshot

SOURCES_LINE = re.compile(r"^(Sources: |来源：)")


def paragraphs_on_screen(at: AppTest) -> dict[str, str]:
    """Return each paragraph shown (its Markdown) with the sources line right under it."""
    shown = [(e.type, e.value) for e in at.main if e.type in ("markdown", "caption")]
    return {
        text: cites
        for (kind, text), (next_kind, cites) in itertools.pairwise(shown)
        if kind == "markdown" and next_kind == "caption" and SOURCES_LINE.match(cites)
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_paragraph_is_shown_with_its_sources(
    run_app: Callable[..., AppTest], lang: str
) -> None:
    at = run_app(routes.METHODOLOGY.file, lang=lang)
    assert not at.exception
    table = methodology.paragraphs(demo_snapshot())
    pairs = paragraphs_on_screen(at)
    assert len(pairs) == table.height >= 20  # no paragraph without a sources line under it
    sources = {r["source_id"]: r for r in load(demo_snapshot(), "sources").iter_rows(named=True)}
    linked = 0
    with i18n.language(lang):
        for row in table.iter_rows(named=True):
            text = view.paragraph_markdown(row["text_zh" if lang == "zh" else "text_en"])
            cites = pairs[text]  # the paragraph is on screen, with a sources line
            for source_id in row["cites"]:
                source = sources[source_id]
                assert md_escape(view.source_label(source)) in cites, (source_id, cites)
                if (source["url"] or "").startswith("http"):
                    assert f"]({source['url']})" in cites  # linked
                    linked += 1
    assert linked >= 5


def test_the_page_cites_the_sources_no_row_cites(run_app: Callable[..., AppTest]) -> None:
    """The 2014 outline, the 2016 Opinions, Shanghai 92号 … are cited here and nowhere else."""
    tables = {name: load(demo_snapshot(), name) for name in schemas.TABLES}
    without_page = {**tables, "methodology": schemas.empty("methodology")}
    only_here = set(tables["sources"]["source_id"]) - cited_sources(without_page)
    assert {"src-plan-2014", "src-gov-2016-76-en", "src-sh-2017-92", "src-notes-domain"} <= (
        only_here
    )
    at = run_app(routes.METHODOLOGY.file)
    cited = methodology.cited_sources(demo_snapshot())
    shown = at.dataframe[-1].value
    assert len(shown) == cited.height
    assert only_here <= set(cited.get_column("source_id"))


def test_sections_are_anchors_and_the_records_page_links_to_its_section(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(routes.METHODOLOGY.file)
    headings = [h.value for h in at.subheader]
    assert headings[: len(view.SECTIONS)] == [h for _, h in view.SECTIONS]
    records = run_app(routes.RECORDS.file)
    links = " ".join(m.value for m in records.markdown)
    assert "/methodology?" in links and f"#{view.RECORDS_SECTION})" in links


def test_grades_and_demo_paragraphs_are_marked_synthetic(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.METHODOLOGY.file)
    badges = [m.value for m in at.markdown if "About the synthetic demo data" in m.value]
    synthetic = methodology.paragraphs(demo_snapshot()).filter(pl.col("is_synthetic"))
    assert len(badges) == synthetic.height >= 3
    text = " ".join(m.value for m in at.markdown)
    assert "D below 40" in text and "illustrative" in text
    # the page is not "synthetic data on screen" because the sidebar holds a demo edition
    notices = set()
    for lang in ("en", "zh"):
        with i18n.language(lang):
            notices |= {i18n.tr(banner.SYNTHETIC_NOTICE), i18n.tr(banner.REAL_NOTICE)}
    assert not notices & {w.value for w in [*at.warning, *at.info]}
