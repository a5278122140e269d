"""Tools' fixtures: the proxy and Chromium are required in CI, skipped elsewhere when absent."""

from __future__ import annotations

import os

import pytest

from loaders.tools.browser import chromium_missing
from loaders.tools.deploy import nginx_missing


@pytest.fixture
def nginx() -> None:
    """Require Debian's nginx (and its brotli module): a failure in CI, a skip elsewhere."""
    missing = nginx_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} in CI: .ci/run must install Debian's nginx")
        pytest.skip(missing)


@pytest.fixture
def chromium() -> None:
    """Require Debian's Chromium and Playwright: a failure in CI, a skip elsewhere."""
    missing = chromium_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} in CI: .ci/run must install Debian's chromium")
        pytest.skip(missing)
