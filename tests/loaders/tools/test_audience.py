"""The audience soak in a small form, with a failover; and its verdicts on made-up results."""

from __future__ import annotations

from loaders.tools import audience
from loaders.tools.protocol import SessionResult


def _session(number: int, replica: str, **kwargs: object) -> SessionResult:
    return SessionResult(number, started=1.0, replica=replica, complete_s=0.2, charts=2, **kwargs)  # type: ignore[arg-type]


def test_a_failover_passes_only_when_every_viewer_came_back_and_nobody_else_moved() -> None:
    back = {"reconnects": 1, "replica_after": "r1", "charts_after": 2}
    good = [_session(0, "r0", **back), _session(1, "r1")]
    assert audience.failover_check(good, killed_replica="r0", at=5.0)["ok"]
    wrong_view = [_session(0, "r0", **{**back, "charts_after": 1}), _session(1, "r1")]
    assert not audience.failover_check(wrong_view, killed_replica="r0", at=5.0)["ok"]
    never_back = [_session(0, "r0"), _session(1, "r1")]
    assert not audience.failover_check(never_back, killed_replica="r0", at=5.0)["ok"]
    disturbed = [_session(0, "r0", **back), _session(1, "r1", reconnects=1, replica_after="r1")]
    verdict = audience.failover_check(disturbed, killed_replica="r0", at=5.0)
    assert verdict["others_disturbed"] == [1] and not verdict["ok"]


def test_the_gain_of_a_second_replica_is_a_ratio() -> None:
    runs = [
        {"replicas": 1, "complete_s": {"p50": 0.3, "p95": 1.2}},
        {"replicas": 2, "complete_s": {"p50": 0.2, "p95": 0.4}},
    ]
    assert audience.compare(runs) == {"replicas": [1, 2], "p95_ratio": 3.0, "p50_ratio": 1.5}
    assert audience.compare(runs[:1]) is None


def test_an_audience_through_the_proxy_survives_a_killed_replica(nginx: None) -> None:
    report = audience.run_audience(2, clients=12, within=2.0, browser_count=0, kill_after=5.0)
    assert report["failures"] == 0, report["failure_reasons"]
    assert report["sessions"] == 12 and set(report["rss_mb"]) == {"r0", "r1"}
    assert all(m["peak"] > 50 for m in report["rss_mb"].values())
    failover = report["failover"]
    assert failover["sessions_on_killed"] >= 1, report["per_replica"]
    assert failover["ok"], failover
    assert report["reconnected_to"] == {"r1": failover["sessions_on_killed"]}
