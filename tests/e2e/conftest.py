"""Real-browser fixtures: a Streamlit server on 127.0.0.1 and Debian's Chromium via Playwright."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from loaders.tools import browser as browsers
from tests.fixtures import require_tool


@contextlib.contextmanager
def serve(log_path: Path) -> Iterator[str]:
    """Start the app (``loaders.tools.browser.serve``) with its output in ``log_path``."""
    with log_path.open("wb") as log:
        try:
            with browsers.serve(log=log) as (url, _, _):
                yield url
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}: {log_path.read_text()[-2000:]}") from None


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One app server for the whole test session."""
    with serve(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path: Path) -> Iterator[str]:
    """A freshly started app server, for tests of what the first visitor sees."""
    with serve(tmp_path / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; required in CI, skipped elsewhere if absent."""
    require_tool(browsers.chromium_missing(), "Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=browsers.CHROMIUM, args=browsers.CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
