"""Tools' fixtures: the proxy and Chromium are required in CI, skipped elsewhere when absent."""

from __future__ import annotations

import pytest

from loaders.tools.browser import chromium_missing
from loaders.tools.deploy import nginx_missing
from tests.fixtures import require_tool


@pytest.fixture
def nginx() -> None:
    """Require Debian's nginx (and its brotli module): a failure in CI, a skip elsewhere."""
    require_tool(nginx_missing(), "Debian's nginx")


@pytest.fixture
def chromium() -> None:
    """Require Debian's Chromium and Playwright: a failure in CI, a skip elsewhere."""
    require_tool(chromium_missing(), "Debian's chromium")
