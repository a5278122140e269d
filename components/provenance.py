"""The provenance line under every map, ranking and profile: who produced these numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import polars as pl
import streamlit as st

from components import state, theme

# ``&`` too: "&lt;" in data must show as typed, not as "<".
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#!|<>~$&])")
# Streamlit's Markdown turns text into links, emoji, icons and colours after escapes are
# undone: bare URLs ("https://", "www."), e-mail addresses, ":skull:", ":material/…:",
# ":red[…]". An invisible word joiner (U+2060) inside each such pattern leaves it as text.
_LIVE_TEXT = re.compile(r"(?<=:)(?=[\w/])|(?<=[\w.+-])(?=@)|(?<=www)(?=\.)", re.IGNORECASE)
_WORD_JOINER = "\u2060"
_SAFE_URL = r"https?://[^\s<>\"']+"
EVALUATORS_PAGE = "pages/evaluators.py"


def md_escape(text: str) -> str:
    r"""Return ``text`` with Markdown punctuation escaped, so data shows as plain text.

    Bidi controls show as marks (:func:`components.theme.reveal_bidi`), so a
    right-to-left override in a name cannot reverse the sentence around it; bare URLs,
    e-mail addresses, emoji codes and colour directives get an invisible word joiner
    (U+2060), so Streamlit shows them as text, not as links, emoji or colours.

    Examples
    --------
    >>> print(md_escape("[click](x.html) *bold* &amp;"))
    \[click\]\(x.html\) \*bold\* \&amp;
    >>> md_escape("at: www.x.org a@x.org :skull:")
    'at: www\u2060.x.org a\u2060@x.org :\u2060skull:'
    """
    text = _LIVE_TEXT.sub(_WORD_JOINER, theme.reveal_bidi(text))
    return _MARKDOWN.sub(r"\\\1", text)


def provenance_text(info: Mapping[str, Any] | None) -> str:
    """Return the one-line provenance of an edition (plain text).

    Edition · evaluator · mode · whether the method is published · source and its
    reliability · real or synthetic.

    Examples
    --------
    >>> provenance_text({"title_en": "Report 2021", "evaluator_en": "Firm", "mode": "third_party",
    ...     "method_published": "partial", "is_synthetic": True, "source_title": "Generator",
    ...     "source_reliability": "synthetic"})
    'Report 2021 · Firm · third party · method published: partial · source: Generator (synthetic) · synthetic demo data'
    """  # noqa: E501
    if not info:
        return "Unknown edition"
    kind = "synthetic demo data" if info.get("is_synthetic") else "real, cited source"
    source = str(info.get("source_title") or "no source recorded")
    if info.get("source_reliability"):
        source += f" ({str(info['source_reliability']).replace('_', ' ')})"
    return " · ".join(
        [
            str(info.get("title_en") or info.get("title_zh") or info.get("edition_id")),
            str(info.get("evaluator_en") or info.get("evaluator_zh") or "unknown evaluator"),
            str(info.get("mode") or "unknown mode").replace("_", " "),
            f"method published: {info.get('method_published') or 'unknown'}",
            f"source: {source}",
            kind,
        ]
    )


def render_provenance(info: Mapping[str, Any] | None, filters: state.Filters) -> None:
    """Show the provenance line and a link to the evaluator's entry, carrying the view."""
    left, middle, right = st.columns([5, 2, 1], vertical_alignment="center")
    left.caption(md_escape(provenance_text(info)))
    with middle:
        state.page_link(EVALUATORS_PAGE, "Who rated this?", filters, icon=":material/policy:")
    url = safe_url(info.get("source_url") if info else None)
    if url:
        right.link_button("Source", url, icon=":material/open_in_new:")


def safe_url(url: object) -> str | None:
    """Return ``url`` if it is a plain http(s) link, else None (never a script or data URL).

    Examples
    --------
    >>> safe_url("https://example.org/a"), safe_url("javascript:alert(1)"), safe_url(None)
    ('https://example.org/a', None, None)
    """
    if isinstance(url, str) and re.fullmatch(_SAFE_URL, url):
        return url
    return None


def safe_links(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Return ``frame`` with every link in ``columns`` that is not plain http(s) blanked.

    For tables whose link columns open the URL on a click (``LinkColumn``): a
    ``javascript:`` or ``data:`` link in the data must never reach the browser.

    Examples
    --------
    >>> f = pl.DataFrame({"url": ["https://example.org/a", "javascript:alert(1)", None]})
    >>> safe_links(f, "url").get_column("url").to_list()
    ['https://example.org/a', None, None]
    """
    return frame.with_columns(
        pl.when(pl.col(c).cast(pl.String).str.contains(f"^{_SAFE_URL}$"))
        .then(pl.col(c).cast(pl.String))
        .alias(c)
        for c in columns
    )
