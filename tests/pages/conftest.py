"""AppTest helpers: run the app with query parameters and read its Plotly figures."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from loaders import paths
from tests.fixtures import demo_snapshot

APP = str(paths.ROOT / "app.py")


def figures(at: AppTest) -> list[dict[str, Any]]:
    """Return every Plotly figure on the page as its JSON spec (data + layout)."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def values(data: Any) -> list[Any]:
    """Return a figure array as a list, decoding Plotly's typed-array form (``bdata``)."""
    if isinstance(data, dict) and "bdata" in data:
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
        return array.tolist()
    return list(data)


def chart_configs(at: AppTest) -> list[dict[str, Any]]:
    """Return the Plotly ``config`` of every chart on the page."""
    return [json.loads(chart.proto.config or "{}") for chart in at.get("plotly_chart")]


@pytest.fixture
def run_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Return a function that runs the app (optionally a page) with query parameters.

    The app reads the shared test snapshot (``tests.fixtures.demo_snapshot``) unless
    ``snapshot`` names another.
    """

    def run(page: str | None = None, *, snapshot: str | None = None, **params: str) -> AppTest:
        monkeypatch.setenv("GI_SNAPSHOT", snapshot or str(demo_snapshot()))
        at = AppTest.from_file(APP, default_timeout=60)
        if page is not None:
            # AppTest needs one run before it can switch pages: on the front door, with
            # no link, so that the link below is the page's own (as a browser opens it).
            at.run()
        for key, value in params.items():
            at.query_params[key] = value
        if page is not None:
            at.switch_page(page)
        at.run()
        return at

    return run


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every download button drawn, with its (deferred) data, in drawing order."""
    drawn: list[dict[str, Any]] = []
    original = streamlit.download_button

    def spy(label: str, data: Any, *args: Any, **kwargs: Any) -> bool:
        drawn.append({"label": label, "data": data, **kwargs})
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    return drawn
