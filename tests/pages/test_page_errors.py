"""An unexpected error on a page shows viewers a plain message, never a traceback."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import rankings

SECRET = "/srv/secret/path leaked in a traceback"


def _explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError(SECRET)


def test_a_failing_page_shows_a_generic_message(
    run_app: Callable[..., AppTest],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(rankings, "ranking_table", _explode)
    at = run_app(routes.RANKINGS.file)
    assert not at.exception  # no exception box, no traceback
    assert [e.value for e in at.error] == [
        "Something went wrong while drawing this page, so it stops here rather than show "
        "partial numbers. The problem has been logged. Try another view, or reload the page."
    ]
    shown = " ".join(str(el.value) for el in at.main if hasattr(el, "value"))
    assert SECRET not in shown
    assert any(SECRET in r.getMessage() or SECRET in str(r.exc_info) for r in caplog.records)
    assert at.sidebar.selectbox  # the frame stays usable: the viewer can change the view


def test_other_pages_are_unaffected(
    run_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rankings, "ranking_table", _explode)
    at = run_app(routes.ATLAS.file)
    assert not at.exception and not at.error
    assert at.get("plotly_chart")
