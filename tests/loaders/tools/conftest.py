"""Tools' fixtures: the proxy must be installed in CI, and is skipped elsewhere when absent."""

from __future__ import annotations

import os

import pytest

from loaders.tools.deploy import nginx_missing


@pytest.fixture
def nginx() -> None:
    """Require Debian's nginx (and its brotli module): a failure in CI, a skip elsewhere."""
    missing = nginx_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} in CI: .ci/run must install Debian's nginx")
        pytest.skip(missing)
