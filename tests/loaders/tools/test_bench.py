from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders import records as records_of
from loaders.derive.records import RecordFilters
from loaders.tools import bench, cli
from tests.fixtures import demo_snapshot

SNAPSHOT = str(demo_snapshot())


def test_a_missed_budget_is_flagged() -> None:
    slow = bench._measurement("sensitivity_seconds").finish([2.0, 3.0, 4.0])
    assert (slow.value, slow.spread, slow.holds) == (3.0, 2.0, False)
    fast = bench._measurement("sensitivity_seconds").finish([0.1])
    assert fast.holds is True
    # Higher is better for the speed-up ratio.
    assert bench._measurement("records_speedup").finish([3.0]).holds is False
    assert bench._measurement("records_speedup").finish([9.0]).holds is True
    # Any failed session misses the audience budget.
    assert bench._measurement("audience_failures").finish([0.0]).holds is True
    assert bench._measurement("audience_failures").finish([1.0]).holds is False
    # A measurement without a budget is reported, never judged.
    assert bench._measurement("reweight_seconds").finish([0.5]).holds is None


def test_bench_runs_on_a_small_snapshot_and_reports_every_budget(tmp_path: Path) -> None:
    report = bench.run_bench(
        snapshot=SNAPSHOT,
        edition="demo-tp-2021",
        records=3000,
        repeat=2,
        skip={"browser", "memory", "cold-start", "import", "audience", "interactions", "renderers"},
        work=tmp_path,
    )
    assert set(report["budgets"]) == set(bench.BUDGETS)
    measured = {k for k, m in report["budgets"].items() if m["value"] is not None}
    assert measured == set(bench.BUDGETS) - {
        "atlas_drawn_seconds",
        "memory_10_sessions_mb",
        "cold_start_seconds",
        "import_cli_seconds",
        "import_rows_per_second",
        "import_other_session_seconds",
        "audience_p95_seconds",
        "audience_failures",
        "audience_rss_mb",
        "metrics_drawn_seconds",
        "records_drawn_seconds",
        "weights_slider_seconds",
        "province_switch_seconds",
        "records_page_turn_seconds",
        "records_xlsx_download_seconds",
        *(b.key for b in bench.RENDERER_BUDGETS),
    }
    records = report["budgets"]["records_query_seconds"]
    assert "records" in records["note"] and len(records["runs"]) == 2
    assert report["budgets"]["map_national_bytes"]["value"] > 10_000
    exported = records_of.export_rows(SNAPSHOT, RecordFilters()).height
    assert report["budgets"]["records_xlsx_seconds"]["note"].startswith(f"{exported:,} rows × ")
    assert report["budgets"]["cold_start_seconds"]["note"] == "skipped"
    assert isinstance(report["all_hold"], bool)
    json.dumps(report)  # the report is plain JSON


def test_bench_rejects_unknown_steps(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench", "--skip", "maps,teleport"]) == 2
    assert "teleport" in capsys.readouterr().err
