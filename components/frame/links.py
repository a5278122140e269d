"""Every link between pages: built from the view, so a link carries the view along.

``Links(filters).county("520123")`` is the county profile of the current view;
``Links(filters).to(routes.RANKINGS, province=None)`` the rankings with the province
dropped; ``render`` draws a link, ``follow`` goes there. Absolute addresses for sharing
come from ``view_url``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import streamlit as st

from components import routes
from components.frame.filters import Filters


@dataclass(frozen=True)
class Link:
    """A page and the query parameters that open the view on it."""

    route: routes.Route
    params: Mapping[str, str] = field(default_factory=dict)

    def url(self, root: str | None = None) -> str:
        """Return the link's address: under ``root`` (the app's address), else relative.

        Examples
        --------
        >>> Link(routes.RANKINGS, {"province": "52"}).url("https://x.org/app/")
        'https://x.org/app/rankings?province=52'
        >>> Link(routes.ATLAS, {"edition": "e"}).url()
        '/atlas?edition=e'
        """
        query = urlencode(dict(self.params))
        base = (root or "/").rstrip("/") + "/" + self.route.url_path
        return base + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Links:
    """The links of one view: each carries the view's parameters, with changes.

    Examples
    --------
    >>> links = Links(Filters("e1", province="520000"))
    >>> links.county("520123").params
    {'edition': 'e1', 'province': '52', 'county': '520123'}
    >>> links.to(routes.RANKINGS, province=None).params
    {'edition': 'e1'}
    """

    filters: Filters

    def to(self, route: routes.Route, **changes: str | None) -> Link:
        """Return the link to ``route`` with this view (``changes`` applied; None drops)."""
        return Link(route, self.filters.params(**changes))

    def county(self, adcode: str) -> Link:
        """Return the link to a county's profile."""
        return self.to(routes.COUNTY, county=adcode)

    def evaluators(self) -> Link:
        """Return the link to the evaluators page (who produced this edition)."""
        return self.to(routes.EVALUATORS)


def view_url(base: str | None, url_path: str, params: Mapping[str, str]) -> str:
    """Return the link of a view: the page's address as the browser has it, with ``params``.

    ``base`` is ``st.context.url``; without one (tests, scripts) the link is relative.

    Examples
    --------
    >>> view_url("https://x.org/app/rankings", "rankings", {"province": "52"})
    'https://x.org/app/rankings?province=52'
    >>> view_url(None, "", {"edition": "demo-tp-2021", "metric": "total"})
    '/?edition=demo-tp-2021&metric=total'
    """
    query = urlencode(dict(params))
    root = base if base and not base.startswith("/") else "/" + url_path
    return root + (f"?{query}" if query else "")


def app_root(url: str | None, url_path: str) -> str:
    """Return the app's address (ending in ``/``) from a page's address.

    Examples
    --------
    >>> app_root("https://x.org/gi/rankings", "rankings"), app_root("https://x.org/gi/", "")
    ('https://x.org/gi/', 'https://x.org/gi/')
    >>> app_root(None, "county")
    '/'
    """
    if not url:
        return "/"
    if url_path and url.rstrip("/").endswith("/" + url_path):
        url = url.rstrip("/")[: -len(url_path)]
    return url if url.endswith("/") else url + "/"


def render(link: Link, label: str, *, icon: str | None = None, help: str | None = None) -> None:
    """Draw ``link`` as a page link with ``label`` (already in the interface language)."""
    st.page_link(link.route.file, label=label, icon=icon, query_params=dict(link.params), help=help)


def section_url(link: Link, anchor: str, *, here: str) -> str:
    """Return the address of a section (``#anchor``) of ``link``'s page, seen from page ``here``.

    For a Markdown link: ``st.page_link`` cannot point into a page. The address is
    absolute under the app's root (so a deployment under a path prefix works).

    Examples
    --------
    >>> section_url(Link(routes.METHODOLOGY, {"lang": "zh"}), "records", here="records")
    '/methodology?lang=zh#records'
    """
    root = app_root(st.context.url if st.runtime.exists() else None, here)
    return f"{link.url(root)}#{anchor}"


def render_section_link(link: Link, anchor: str, label: str, *, here: str) -> None:
    """Draw a link to section ``anchor`` of ``link``'s page (``label`` already translated)."""
    st.markdown(f":material/menu_book: [{label}]({section_url(link, anchor, here=here)})")


def follow(link: Link) -> None:
    """Go to ``link`` now (ends this run)."""
    st.switch_page(link.route.file, query_params=dict(link.params))


# What a link to the atlas carried when the atlas was the home page ("/?province=52").
# ``edition`` alone is not among them: every page's link carries it, the front door's too.
_ATLAS_KEYS = frozenset(
    {"metric", "province", "county", "classes", "compare", "weights", "story", "step"}
)
_LINK_KEYS = "_link_keys"


def remember_link_keys(keys: Collection[str]) -> None:
    """Keep the parameters a link from outside carried (before the view is written back)."""
    st.session_state[_LINK_KEYS] = frozenset(keys)


def forget_link_keys() -> None:
    """Forget the parameters of an earlier run's link: only the link of this run counts.

    Without this, the keys of a session's first link (``/atlas?province=52``) waited
    for the first visit to the front door and sent it on to the atlas.
    """
    st.session_state.pop(_LINK_KEYS, None)


def forward_legacy_atlas(filters: Filters) -> None:
    """Open the atlas for a link to "/" that carries a view (links made before the front door).

    A plain visit to "/" (or one with only ``edition``, ``lang``, ``present`` or
    ``snapshot``) stays on the front door.
    """
    if _ATLAS_KEYS & st.session_state.pop(_LINK_KEYS, frozenset()):
        follow(Links(filters).to(routes.ATLAS))
