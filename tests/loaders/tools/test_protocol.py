"""The protocol load client against a real server on 127.0.0.1: runs, times, failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from loaders.tools import browser as browsers
from loaders.tools import protocol
from loaders.tools.browser import free_port


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with browsers.serve() as (url, _, _):
        yield url


def test_a_session_opens_the_atlas_and_times_the_run(app_url: str) -> None:
    result = protocol.run(protocol.open_view(app_url, "/atlas?edition=demo-tp-2021&province=52"))
    assert result.ok, result.error
    assert result.charts >= 1 and result.deltas > 10
    assert result.connect_s is not None and result.complete_s is not None
    assert 0 < result.first_delta_s <= result.last_delta_s <= result.complete_s  # type: ignore[operator]
    assert result.replica is None  # no proxy, no sticky cookie


def test_an_error_box_fails_the_session(app_url: str) -> None:
    # A snapshot id that is not on the server: a notice (not an error box), the view works.
    fine = protocol.run(protocol.open_view(app_url, "/atlas?snapshot=nope&province=<b>"))
    assert fine.ok, fine.error
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.delta.new_element.alert.body = "Something went wrong"
    msg.delta.new_element.alert.format = Alert.ERROR
    assert protocol._problem(msg) == "error box: Something went wrong"
    msg = ForwardMsg()
    msg.delta.new_element.exception.message = "boom"
    assert protocol._problem(msg) == "exception: boom"


def test_sessions_arrive_over_the_window_and_hold_until_the_last(app_url: str) -> None:
    results = protocol.run(
        protocol.run_load(app_url, "/rankings?province=52", clients=4, within=1.0, timeout=60)
    )
    assert [r.number for r in results] == [0, 1, 2, 3]
    assert all(r.ok for r in results), [r.error for r in results]
    starts = [r.started for r in results]
    assert starts == sorted(starts) and starts[-1] >= 0.7
    summary = protocol.summary(results)
    assert summary["sessions"] == 4 and summary["failures"] == 0
    assert (
        summary["complete_s"]["p50"] <= summary["complete_s"]["p95"] <= summary["complete_s"]["max"]
    )


def test_a_server_that_is_not_there_is_a_failure_not_a_crash() -> None:
    result = protocol.run(protocol.open_view(f"http://127.0.0.1:{free_port()}", "/", timeout=5))
    assert not result.ok and "Error" in (result.error or "")
    summary = protocol.summary([result])
    assert summary["failures"] == 1 and summary["complete_s"]["p95"] is None
