"""The provenance line under every map, ranking and profile: who produced these numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import polars as pl
import streamlit as st

from components import routes, theme
from components.frame import links
from components.frame.filters import Filters
from components.i18n import is_zh, labels, mark, pick, tr, translated

# ``&`` too: "&lt;" in data must show as typed, not as "<".
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#!|<>~$&])")
# Streamlit's Markdown turns text into links, emoji, icons and colours after escapes are
# undone: bare URLs ("https://", "www."), e-mail addresses, ":skull:", ":material/…:",
# ":red[…]". An invisible word joiner (U+2060) inside each such pattern leaves it as text.
_LIVE_TEXT = re.compile(r"(?<=:)(?=[\w/])|(?<=[\w.+-])(?=@)|(?<=www)(?=\.)", re.IGNORECASE)
_WORD_JOINER = "\u2060"
_SAFE_URL = r"https?://[^\s<>\"']+"

_SYNTHETIC_DATA = mark("synthetic demo data")
_REAL_DATA = mark("real data")  # its reliability is its source's (from the metadata)


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


def enum_label(code: object, labels: Mapping[str, str]) -> str:
    """Return the label of an enum code in the interface language (a code without one: spaced).

    Examples
    --------
    >>> enum_label("upper_level_audit", labels.MODES), enum_label(None, labels.MODES)
    ('upper-level audit', '')
    >>> enum_label("something_new", labels.MODES)
    'something new'
    """
    if code is None:
        return ""
    if code in labels:
        return tr(labels[str(code)])
    return str(code).replace("_", " ")


def enum_expr(column: str, labels: Mapping[str, str], *, english: pl.Expr | None = None) -> pl.Expr:
    """Return ``column`` as labels in the interface language (``english`` overrides English).

    Vectorised (``replace_strict``); codes without a label show with spaces for underscores.
    """
    codes = pl.col(column)
    if english is not None and not is_zh():
        return english
    return codes.replace_strict(
        translated(labels), default=codes.str.replace_all("_", " "), return_dtype=pl.String
    )


def provenance_text(info: Mapping[str, Any] | None) -> str:
    """Return the one-line provenance of an edition (plain text).

    Edition · evaluator · mode · whether the method is published · source and its
    reliability · real or synthetic. In Chinese the source's title (as the data has it,
    often in English) is left out: :func:`render_provenance` shows it on its own.

    Examples
    --------
    >>> provenance_text({"title_en": "Report 2021", "evaluator_en": "Firm", "mode": "third_party",
    ...     "method_published": "partial", "is_synthetic": True, "source_title": "Generator",
    ...     "source_reliability": "synthetic"})
    'Report 2021 · Firm · third-party assessment · method: partly published · source: Generator (generated, synthetic) · synthetic demo data'
    """  # noqa: E501
    if not info:
        return tr("Unknown edition")
    kind = tr(_SYNTHETIC_DATA) if info.get("is_synthetic") else tr(_REAL_DATA)
    reliability = enum_label(info.get("source_reliability"), labels.RELIABILITIES)
    method_text = enum_label(info.get("method_published"), labels.DISCLOSURES)
    if is_zh():
        source = tr("source kind: {kind}", kind=reliability) if reliability else ""
        if not source_title(info):
            source = tr("no source recorded")
    else:
        source = source_title(info) or "no source recorded"
        source = "source: " + source + (f" ({reliability})" if reliability else "")
    mode = enum_label(info.get("mode"), labels.MODES)
    parts = [
        pick(info.get("title_en"), info.get("title_zh")) or str(info.get("edition_id")),
        pick(info.get("evaluator_en"), info.get("evaluator_zh")) or tr("unknown evaluator"),
        mode or tr("unknown mode"),
        tr("method: {value}", value=method_text or tr("unknown")),
        source,
        kind,
    ]
    return " · ".join(p for p in parts if p)


def source_title(info: Mapping[str, Any]) -> str | None:
    """Return the title of an edition's or evaluator's source in the interface language.

    English: the English title (``source_title_en``) where there is one; Chinese: the
    title as published (``source_title``); each falls back to the other.

    Examples
    --------
    >>> source_title({"source_title": "报告", "source_title_en": "Report"})
    'Report'
    """
    return pick(info.get("source_title_en"), info.get("source_title")) or None


def source_title_expr() -> pl.Expr:
    """Return :func:`source_title` as a Polars expression (``source_title``)."""
    first, second = "source_title_en", "source_title"
    if is_zh():
        first, second = second, first
    return pl.coalesce(first, second).alias("source_title")


def render_provenance(info: Mapping[str, Any] | None, filters: Filters) -> None:
    """Show the provenance line and a link to the evaluator's entry, carrying the view."""
    left, middle, right = st.columns([5, 2, 1], vertical_alignment="center")
    left.caption(md_escape(provenance_text(info)))
    title = source_title(info) if is_zh() and info else None
    if title:
        # NOTE: the source's title as the data has it (often with English notes), apart.
        left.caption(md_escape(title))
    with middle:
        to = links.Links(filters)
        links.render(to.evaluators(), tr("Who rated this?"), icon=":material/policy:")
        links.render(to.to(routes.METHODOLOGY), tr("How is it made?"), icon=routes.METHODOLOGY.icon)
    url = safe_url(info.get("source_url") if info else None)
    if url:
        right.link_button(tr("Source"), url, icon=":material/open_in_new:")


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
