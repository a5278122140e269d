"""Load and soak in a small form: concurrent real-browser sessions against one server.

The larger form runs on demand: ``python -m loaders soak --sessions 8 --rounds 6``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from loaders.tools.soak import SoakResult, Wave

pytestmark = pytest.mark.e2e


def test_concurrent_sessions_all_succeed_and_memory_levels_off() -> None:
    command = [sys.executable, "-m", "loaders", "soak", "--sessions", "2", "--rounds", "3"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.stdout, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert [w["failures"] for w in result["waves"]] == [[], [], []]
    assert [w["sessions"] for w in result["waves"]] == [2, 2, 2]
    assert all(w["server_responding"] for w in result["waves"])
    assert result["late_growth_mb"] <= result["max_growth_mb"]
    assert done.returncode == 0 and result["ok"]


def _result(rss: list[float], failures: list[list[str]] | None = None) -> SoakResult:
    failures = failures or [[] for _ in rss]
    waves = [Wave(3, f, 1.0, mb) for mb, f in zip(rss, failures, strict=True)]
    return SoakResult(idle_mb=70.0, waves=waves, max_growth_mb=50.0)


def test_memory_growth_is_measured_over_the_second_half() -> None:
    levelled = _result([300, 340, 350, 352, 355, 356])  # grows early, then flat
    assert levelled.late_growth_mb == 6 and levelled.ok
    leaking = _result([300, 340, 380, 420, 460, 500])
    assert leaking.late_growth_mb == 120 and not leaking.ok


def test_one_failed_session_fails_the_soak() -> None:
    result = _result([300, 301], [[], ["session 5: exception box on /records"]])
    assert result.failures == ["session 5: exception box on /records"]
    assert not result.ok


def test_a_server_that_stops_answering_fails_the_soak() -> None:
    result = SoakResult(idle_mb=70.0, waves=[Wave(3, [], 1.0, 300.0, server_responding=False)])
    assert result.failures == ["wave 1: server not responding"]
    assert not result.ok
