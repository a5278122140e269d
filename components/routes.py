"""The one page registry: every page's file, URL path, title and icon.

``st.navigation``, every link between pages, story steps and the presentation bar read
it; no other module spells a page's file. ``/import`` is listed only where importing is
switched on (DESIGN.md §8).
"""

from __future__ import annotations

from dataclasses import dataclass

from components.i18n import mark


@dataclass(frozen=True)
class Route:
    """A page: its script, its URL path ("" for the home page), its title and its icon."""

    file: str
    url_path: str
    title: str  # English, marked for translation (shown with ``tr``)
    icon: str


HOME = Route("pages/home.py", "", mark("Start here"), ":material/home:")
PUBLISHED = Route(
    "pages/published.py", "published", mark("Published results"), ":material/fact_check:"
)
ATLAS = Route("pages/atlas.py", "atlas", mark("Atlas"), ":material/map:")
RANKINGS = Route("pages/rankings.py", "rankings", mark("Rankings"), ":material/leaderboard:")
METRICS = Route("pages/metrics.py", "metrics", mark("Metrics and weights"), ":material/tune:")
EVALUATORS = Route("pages/evaluators.py", "evaluators", mark("Evaluators"), ":material/policy:")
RECORDS = Route("pages/records.py", "records", mark("Records"), ":material/folder_open:")
COUNTY = Route("pages/county.py", "county", mark("County profile"), ":material/account_balance:")
COMPARE = Route("pages/compare.py", "compare", mark("Compare counties"), ":material/compare:")
DATA = Route("pages/data.py", "data", mark("About the data"), ":material/menu_book:")
METHODOLOGY = Route(
    "pages/methodology.py", "methodology", mark("Methodology"), ":material/science:"
)
IMPORT = Route("pages/import.py", "import", mark("Import"), ":material/upload:")

# The pages every deployment has, in menu order (IMPORT is added where importing is on).
PAGES: tuple[Route, ...] = (
    HOME, PUBLISHED, ATLAS, RANKINGS, METRICS, EVALUATORS, RECORDS, COUNTY, COMPARE, DATA,
    METHODOLOGY,
)  # fmt: skip
# Before the front door, "" was the atlas: links and stories of that time still say "".
LEGACY_ATLAS = ""
_BY_PATH = {route.url_path: route for route in (*PAGES, IMPORT)}


def by_path(url_path: str) -> Route:
    """Return the route of a URL path; an unknown path gives the home page.

    Examples
    --------
    >>> by_path("rankings").file, by_path("nowhere").file
    ('pages/rankings.py', 'pages/home.py')
    """
    return _BY_PATH.get(url_path, HOME)


def is_page(url_path: str) -> bool:
    """Return whether ``url_path`` is one of the pages every deployment has.

    Examples
    --------
    >>> is_page("county"), is_page("import"), is_page("../etc")
    (True, False, False)
    """
    return any(route.url_path == url_path for route in PAGES)
