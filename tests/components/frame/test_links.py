"""Links carry the view: every link between pages is built from ``Filters`` in one place."""

from __future__ import annotations

from components import routes
from components.frame.filters import Filters
from components.frame.links import Link, Links, app_root, view_url


def test_a_county_link_keeps_the_view_and_adds_the_county() -> None:
    view = Filters("demo-tp-2021", metric="compliance", province="520000", weights=(1, 0, 0, 0, 0))
    link = Links(view).county("520123")
    assert link.route is routes.COUNTY
    assert dict(link.params) == {
        "edition": "demo-tp-2021",
        "metric": "compliance",
        "province": "52",
        "county": "520123",
        "weights": "1,0,0,0,0",
    }


def test_changes_drop_or_replace_parameters() -> None:
    view = Filters("e", province="330000", carried={"lang": "zh", "present": "1"})
    link = Links(view).to(routes.RANKINGS, province=None, present=None)
    assert dict(link.params) == {"edition": "e", "lang": "zh"}
    assert Links(view).evaluators().route is routes.EVALUATORS


def test_addresses() -> None:
    assert Link(routes.RECORDS, {"county": "520123"}).url("https://x.org/gi/") == (
        "https://x.org/gi/records?county=520123"
    )
    assert Link(routes.HOME).url() == "/"
    assert Link(routes.ATLAS).url() == "/atlas"
    assert app_root("https://x.org/gi/metrics", "metrics") == "https://x.org/gi/"
    assert view_url(None, "county", {"county": "1"}) == "/county?county=1"
