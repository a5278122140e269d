"""Share and cite the current view: its full link and a citation that pins the data.

A citation names the edition's evaluator and source, the page's full URL (which
reproduces the view), the snapshot id and manifest sha256 (which pin every number),
the access date, and says "synthetic demo data" when the edition is synthetic. It is
given as plain text and as a BibTeX entry, both in code blocks: copyable with one
click, and inert (data never becomes Markdown or HTML).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components import i18n
from components.frame import links, url
from components.i18n import labels, mark, tr
from components.provenance import safe_url
from loaders import evaluators
from loaders.store import Snapshot

APP_NAME = mark("County government integrity ratings")
SYNTHETIC_NOTE = mark("SYNTHETIC demo data by a fictional evaluator, not a real assessment")
_BIBTEX_SPECIAL = re.compile(r"([{}\\%#&$_^~])")


@dataclass(frozen=True)
class Citation:
    """What a citation of a view holds."""

    url: str
    edition_id: str
    edition_title: str
    evaluator: str
    year: int | None
    source: str
    source_url: str | None
    snapshot_id: str
    manifest_sha256: str
    accessed: dt.date
    synthetic: bool


def citation(
    info: Mapping[str, Any] | None,
    *,
    url: str,
    snapshot_id: str,
    manifest_sha256: str,
    accessed: dt.date,
) -> Citation:
    """Return the citation of a view from its edition's provenance (``evaluators.provenance``).

    Titles and names are in the interface language, falling back to the other.
    """
    info = info or {}
    year = info.get("data_year")
    title = i18n.pick(info.get("title_en"), info.get("title_zh"))
    evaluator = i18n.pick(info.get("evaluator_en"), info.get("evaluator_zh"))
    return Citation(
        url=url,
        edition_id=str(info.get("edition_id") or tr("unknown edition")),
        edition_title=title or tr("Untitled edition"),
        evaluator=evaluator or tr("Unknown evaluator"),
        year=int(year) if isinstance(year, int) else None,
        source=i18n.pick(info.get("source_title_en"), info.get("source_title"))
        or tr("no source recorded"),
        source_url=safe_url(info.get("source_url")),
        snapshot_id=snapshot_id,
        manifest_sha256=manifest_sha256,
        accessed=accessed,
        synthetic=bool(info.get("is_synthetic", True)),
    )


def text(c: Citation) -> str:
    """Return the citation as one plain-text paragraph.

    Examples
    --------
    >>> c = Citation("https://x.org/?edition=e", "e", "Report", "Firm", 2021, "Report PDF",
    ...     "https://src.org/r", "default", "ab12", dt.date(2026, 11, 25), False)
    >>> print(text(c))
    Firm (2021). Report [edition e]. Source: Report PDF, https://src.org/r. \
Viewed in County government integrity ratings, https://x.org/?edition=e \
(data snapshot default, manifest sha256 ab12). Accessed 2026-11-25.
    """
    year = f" ({c.year})" if c.year else ""
    source = c.source + (f", {c.source_url}" if c.source_url else "")
    parts = [
        tr(
            "{evaluator}{year}. {title} [edition {edition}].",
            evaluator=c.evaluator,
            year=year,
            title=c.edition_title,
            edition=c.edition_id,
        ),
        tr("Source: {source}.", source=source),
        tr("Viewed in {app}, {url}", app=tr(APP_NAME), url=c.url),
        tr(
            "(data snapshot {snapshot}, manifest sha256 {sha}).",
            snapshot=c.snapshot_id,
            sha=c.manifest_sha256,
        ),
        tr("Accessed {date}.", date=c.accessed.isoformat()),
    ]
    if c.synthetic:
        parts.append(tr(SYNTHETIC_NOTE) + tr("."))
    return " ".join(parts)


def _bib(value: str) -> str:
    r"""Escape BibTeX's special characters in a field value.

    Examples
    --------
    >>> _bib("50% {x} a_b")
    '50\\% \\{x\\} a\\_b'
    """
    return _BIBTEX_SPECIAL.sub(r"\\\1", value)


def bibtex(c: Citation) -> str:
    """Return the citation as a BibTeX ``@misc`` entry, the link in a ``url`` command."""
    key = re.sub(r"[^A-Za-z0-9]+", "-", f"gi-{c.edition_id}-{c.accessed.isoformat()}")
    note = (
        tr("Edition {edition}; source: {source}", edition=c.edition_id, source=c.source)
        + (f" ({c.source_url})" if c.source_url else "")
        + tr(
            "; data snapshot {snapshot}, manifest sha256 {sha}",
            snapshot=c.snapshot_id,
            sha=c.manifest_sha256,
        )
        + (tr("; ") + tr(SYNTHETIC_NOTE) if c.synthetic else "")
    )
    fields = {
        "author": "{" + _bib(c.evaluator) + "}",
        "title": "{" + _bib(c.edition_title) + "}",
        "year": str(c.year) if c.year else "",
        "howpublished": "\\url{" + c.url.replace("}", "%7D").replace("{", "%7B") + "}",
        "note": _bib(note),
        "urldate": c.accessed.isoformat(),
    }
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@misc{{{key},\n{body}\n}}"


def current_citation(snap: Snapshot, url_path: str, edition: str) -> Citation:
    """Return the citation of the view on screen (its URL as the address bar has it).

    ``snap`` is the snapshot on screen, already opened and verified by the shell.
    """
    return citation(
        evaluators.provenance(snap.uri or snap.path, edition),
        url=links.view_url(st.context.url, url_path, url.strings()),
        snapshot_id=snap.snapshot_id,
        manifest_sha256=snap.manifest_sha256,
        accessed=dt.datetime.now(dt.UTC).date(),
    )


def render_share(c: Citation) -> None:
    """Draw the link and the citation of the view (inside the share panel)."""
    st.caption(
        tr(
            "The link opens exactly this view. Copy it with the button at the right of "
            "the box. The citation pins the data with the snapshot id and manifest hash."
        )
    )
    st.code(c.url, language=None, wrap_lines=True)
    st.markdown(tr("**Cite this view**"))
    st.code(text(c), language=None, wrap_lines=True)
    st.code(bibtex(c), language="latex", wrap_lines=True)


EMBED_SIZES = {"small": (640, 480), "medium": (960, 640), "large": (1200, 800)}


def embed_url(view_url: str) -> str:
    """Return the view's link as an embed: Streamlit's ``embed=true`` and presentation styling.

    Examples
    --------
    >>> embed_url("https://gi.example/atlas?edition=demo-tp-2021&province=52")
    'https://gi.example/atlas?edition=demo-tp-2021&province=52&present=1&embed=true'
    >>> embed_url("/rankings?present=1")
    '/rankings?present=1&embed=true'
    """
    parts = urllib.parse.urlsplit(view_url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k not in ("embed",)]
    if not any(k == "present" for k, _ in query):
        query.append(("present", "1"))
    query.append(("embed", "true"))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def embed_snippet(view_url: str, title: str, width: int, height: int) -> str:
    """Return an ``<iframe>`` of the view; the title is escaped (it may hold data).

    Examples
    --------
    >>> embed_snippet("/atlas?edition=e1", 'A "view" <b>', 640, 480)
    '<iframe src="/atlas?edition=e1&amp;present=1&amp;embed=true" width="640" height="480" \
title="A &quot;view&quot; &lt;b&gt;" style="border:0" loading="lazy"></iframe>'
    """
    src = html.escape(embed_url(view_url), quote=True)
    return (
        f'<iframe src="{src}" width="{width}" height="{height}" '
        f'title="{html.escape(title, quote=True)}" style="border:0" loading="lazy"></iframe>'
    )


def render_embed(c: Citation) -> None:
    """Draw the embed snippet of the view (size chosen) and how to copy a chart as an image."""
    st.markdown(tr("**Embed this view**"))
    names = {key: tr(text) for key, text in labels.EMBED_SIZES.items()}  # in this run's language
    size = st.selectbox(
        tr("Size"),
        list(EMBED_SIZES),
        index=1,
        key="_embed_size",
        format_func=names.__getitem__,
    )
    width, height = EMBED_SIZES[size]
    st.code(embed_snippet(c.url, c.edition_title or tr(APP_NAME), width, height), language="html",
            wrap_lines=True)  # fmt: skip
    st.caption(
        tr(
            "The embedded page shows this view without the sidebar, as in presentation "
            "mode; the site embedding it must be allowed by the server (see the README). "
            "To copy one chart as an image, use the camera button at the chart's top right: "
            "it saves a PNG (or SVG, chosen below) with the title and source line."
        )
    )
