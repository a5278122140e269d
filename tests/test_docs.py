"""The README documents every URL parameter, command-line verb, page and top-level folder.

As datasette's ``test_docs.py``: adding a parameter, a verb or a page without saying so
in the README fails here.
"""

from __future__ import annotations

import re

import pytest

from components import routes
from components.frame.filters import CARRIED, MANAGED, PAGE_PARAMS
from loaders import paths
from loaders.tools.cli import COMMANDS

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def _code_spans() -> set[str]:
    return set(re.findall(r"`([^`]+)`", README))


@pytest.mark.parametrize("name", [*MANAGED, *CARRIED, *PAGE_PARAMS])
def test_every_url_parameter_is_documented(name: str) -> None:
    assert re.search(rf"\b{re.escape(name)}=", README), f"{name}= is not in the README"


@pytest.mark.parametrize("verb", sorted(COMMANDS))
def test_every_command_line_verb_is_documented(verb: str) -> None:
    assert re.search(rf"python -m loaders {re.escape(verb)}\b", README)


@pytest.mark.parametrize(
    "route", [*routes.PAGES, routes.IMPORT], ids=lambda r: r.url_path or "home"
)
def test_every_page_is_documented(route: routes.Route) -> None:
    assert f"**{route.title}**" in README
    assert f"(`/{route.url_path}" in README


@pytest.mark.parametrize(
    "folder",
    ["loaders/store/", "loaders/derive/", "loaders/build/", "loaders/imports/",
     "loaders/tools/", "components/frame/", "components/i18n/", "components/routes.py"],
)  # fmt: skip
def test_the_layout_section_names_every_package(folder: str) -> None:
    layout = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    assert folder in layout
