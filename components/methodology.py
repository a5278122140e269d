"""The methodology page: each section's paragraphs, every one with its sources shown and linked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import polars as pl
import streamlit as st

from components import routes
from components.frame import links
from components.frame.filters import Filters
from components.i18n import is_zh, labels, mark, pick, tr
from components.provenance import enum_label, md_escape, safe_links, safe_url

# The page's sections in reading order: (anchor, heading). The anchors are part of links
# from other pages (the Records page links to "records"): keep them stable.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("integrity", mark("What government integrity is")),
    ("assessment", mark("Three ways counties are assessed")),
    ("records", mark("The records database: documented and reconstructed")),
    ("metrics", mark("The five first-level metrics and their sub-indicators")),
    ("grades", mark("Grades, and why they are illustrative here")),
    ("evaluators", mark("What the evaluators measure, and who they are")),
    ("codes", mark("Counties, their codes and the dates of results")),
    ("demo", mark("What the demo data does and does not claim")),
)
RECORDS_SECTION = "records"
INTRO = mark(
    "How the ratings, records and demo data in this app come about, section by section. "
    "Every paragraph names its sources under it; the table at the end lists them all "
    "with their links."
)
_CODE = re.compile(r"(`[^`]*`)")


def paragraph_markdown(text: str) -> str:
    r"""Return a paragraph of data as Markdown: escaped as plain text, code spans kept.

    Examples
    --------
    >>> paragraph_markdown("Run `python -m loaders demo` *now*")
    'Run `python -m loaders demo` \\*now\\*'
    """
    parts = _CODE.split(text)
    return "".join(p if _CODE.fullmatch(p) else md_escape(p) for p in parts)


def source_label(source: Mapping[str, Any]) -> str:
    """Return a source's title in the interface language, with its date where known.

    Examples
    --------
    >>> source_label({"title": "报告", "title_en": "Report", "published": "2016-12"})
    'Report (2016-12)'
    """
    title = pick(source.get("title_en"), source.get("title")) if not is_zh() else None
    title = title or source.get("title") or source.get("source_id") or ""
    published = source.get("published")
    return f"{title} ({published})" if published else str(title)


def citation_markdown(cites: list[str], sources: Mapping[str, Mapping[str, Any]]) -> str:
    """Return the sources line of a paragraph: each title linked where it has a web address.

    Examples
    --------
    >>> citation_markdown(["a", "b"], {"a": {"title": "A", "url": "https://x.org/a"},
    ...     "b": {"title": "B", "url": "javascript:alert(1)"}})
    'Sources: [A](https://x.org/a) · B'
    """
    shown = []
    for source_id in cites:
        source = sources.get(source_id, {"source_id": source_id})
        text = md_escape(source_label(source))
        url = safe_url(source.get("url"))
        shown.append(f"[{text}]({url})" if url else text)
    return tr("Sources: {sources}", sources=" · ".join(shown))


def render_contents() -> None:
    """Draw the list of sections, each a link to its heading on this page."""
    items = [f"[{tr(heading)}](#{anchor})" for anchor, heading in SECTIONS]
    st.markdown(" · ".join(items))


def render_section(
    anchor: str,
    heading: str,
    paragraphs: pl.DataFrame,
    sources: Mapping[str, Mapping[str, Any]],
) -> None:
    """Draw one section: its heading (an anchor) and each paragraph with its sources."""
    st.subheader(tr(heading), anchor=anchor)
    for row in paragraphs.filter(pl.col("section_id") == anchor).iter_rows(named=True):
        text = row["text_zh"] if is_zh() else row["text_en"]
        with st.container(border=bool(row["is_synthetic"])):
            if row["is_synthetic"]:
                st.markdown(":orange-badge[" + tr("About the synthetic demo data") + "]")
            st.markdown(paragraph_markdown(text))
            st.caption(citation_markdown(row["cites"], sources))


def render_section_links(anchor: str, filters: Filters) -> None:
    """Draw the links that lead on from a section to the page that shows its data."""
    to = links.Links(filters)
    if anchor == "records":
        links.render(to.to(routes.RECORDS), tr("Open the records"), icon=routes.RECORDS.icon)
    elif anchor == "evaluators":
        links.render(
            to.to(routes.DATA), tr("What each family of evaluators measures"),
            icon=routes.DATA.icon,
        )  # fmt: skip
        links.render(to.to(routes.EVALUATORS), tr("Open the evaluators"),
                     icon=routes.EVALUATORS.icon)  # fmt: skip


def sources_table(sources: pl.DataFrame) -> pl.DataFrame:
    """Return the sources cited on the page as a table: title, publisher, date, kind, link."""
    english = not is_zh()
    title = pl.coalesce("title_en", "title") if english else pl.col("title")
    kinds = {code: enum_label(code, labels.RELIABILITIES) for code in labels.RELIABILITIES}
    frame = sources.select(
        title.alias("title"),
        "publisher",
        "published",
        pl.col("reliability").replace_strict(kinds, default=pl.col("reliability")),
        "url",
    )
    return safe_links(frame, "url")


def sources_config() -> dict[str, Any]:
    """Return the column labels of :func:`sources_table`."""
    return {
        "title": st.column_config.TextColumn(tr("Source"), width="large"),
        "publisher": st.column_config.TextColumn(tr("Publisher")),
        "published": st.column_config.TextColumn(tr("Date published")),
        "reliability": st.column_config.TextColumn(tr("Kind of source")),
        "url": st.column_config.LinkColumn(tr("Link")),
    }
