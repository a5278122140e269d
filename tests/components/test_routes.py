"""The page registry: every page once, every page file exists, and nothing else spells one."""

from __future__ import annotations

import re
from pathlib import Path

from components import routes
from loaders import paths


def test_every_route_has_its_page_file_and_a_unique_path() -> None:
    every = (*routes.PAGES, routes.IMPORT)
    assert len({r.url_path for r in every}) == len(every)
    assert len({r.file for r in every}) == len(every)
    for route in every:
        assert (paths.ROOT / route.file).is_file(), route.file
    assert routes.HOME.url_path == "" and routes.ATLAS.url_path == "atlas"
    assert sorted(p.name for p in (paths.ROOT / "pages").glob("*.py")) == sorted(
        r.file.removeprefix("pages/") for r in every
    )


def test_lookups() -> None:
    assert routes.by_path("records") is routes.RECORDS
    assert routes.by_path("../../etc/passwd") is routes.HOME
    assert not routes.is_page("import")  # never in a story: off in public deployments
    assert all(routes.is_page(r.url_path) for r in routes.PAGES)


def test_page_files_are_spelled_only_in_the_registry() -> None:
    spelled = re.compile(r"pages/\w+\.py")
    sources = [paths.ROOT / "app.py", *(paths.ROOT / "components").rglob("*.py")]
    sources += [*(paths.ROOT / "pages").glob("*.py"), *(paths.ROOT / "loaders").rglob("*.py")]
    found = [
        str(p.relative_to(paths.ROOT))
        for p in sources
        if p.name != "routes.py" and spelled.search(p.read_text("utf-8"))
    ]
    assert found == []


def test_every_page_file_is_named_as_its_url_path() -> None:
    """A server's first request looks pages up by file name (Streamlit's pages/ folder mode):
    a page whose file is named otherwise pops up "Page not found" on a first visit."""
    for route in (*routes.PAGES, routes.IMPORT):
        if route is not routes.HOME:
            assert Path(route.file).stem == route.url_path, route
