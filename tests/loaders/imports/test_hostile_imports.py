# ruff: noqa: F811 (the fixtures of test_table are used by name)
"""Hostile and heavy imports: uncached formulas, huge cells, too many rows, stale folders.

Also the matching behind a 667,000-row file: each distinct county is matched once, by
dictionary (``python -m loaders bench`` times it; here only what it finds is tested).
"""

from __future__ import annotations

import os
import sys
import time
import types
from pathlib import Path

import openpyxl
import pytest

from loaders import store
from loaders.imports import read
from loaders.imports.drafts import publish
from loaders.imports.job import NICENESS, Failed, Job, Rejected, check_upload
from loaders.imports.match import Matcher
from loaders.imports.read import ImportRejected
from loaders.imports.table import parse_rows
from loaders.tools import cli
from tests.loaders.imports.test_table import (  # noqa: F401 (fixtures)
    BASE,
    GOOD,
    HEADER,
    _assert_rejected,
    _hashes,
    _run,
    _write,
    base_hashes,
    meta,
)


def test_xlsx_formula_without_a_cached_value_is_a_problem_with_its_cell(
    tmp_path: Path,
    meta: Path,
    base_hashes: dict[str, str],
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["排名", "县(市、区)", "所属省份", "总分"])
    sheet.append([1, "修文县", "贵州省", 91.5])
    sheet.append([2, "胶州市", "山东省", "=AVERAGE(80,90)"])  # openpyxl stores no cached value
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    code, out, report = _run(tmp_path, path, meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    assert '3,总分,"\'=AVERAGE(80,90)",cell D3 is a formula without a cached value' in report
    assert "not a number" not in report  # one problem per cell


def test_a_200_kb_field_is_a_rejection_not_a_failure(
    tmp_path: Path,
    meta: Path,
    base_hashes: dict[str, str],
) -> None:
    path = _write(tmp_path, [HEADER, GOOD[0], "2,修文县" + "县" * 200_000 + ",贵州省,贵阳市,80"])
    code, out, _ = _run(tmp_path, path, meta)
    _assert_rejected(tmp_path, code, out, base_hashes)  # exit 2, not 1 ("unexpected")
    with pytest.raises(ImportRejected, match=r"line 3: a field is over the 131,072-character"):
        read.read_table(path)


def test_too_many_rows_are_refused_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "MAX_ROWS", 3)
    path = _write(tmp_path, [HEADER, *GOOD])
    with pytest.raises(ImportRejected, match=r"more than 3 rows: refused"):
        read.read_table(path)


def test_nan_percent_is_not_a_number() -> None:
    with pytest.raises(ValueError):
        read.parse_number("nan%")


def test_stale_temporary_folders_are_removed_at_the_next_run(
    tmp_path: Path,
    meta: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = time.time() - 2 * 3600
    killed = tmp_path / ".earlier.tmp-abcd1234"  # a write killed midway
    fresh = tmp_path / ".running.tmp-efgh5678"  # one still being written
    upload = tmp_path / "temp" / "import-xyz"  # an upload of a killed import
    for folder in (killed, fresh, upload):
        folder.mkdir(parents=True)
        (folder / "part.parquet").write_bytes(b"x")
    for folder in (killed, upload):
        os.utime(folder, (old, old))
    assert _run(tmp_path, _write(tmp_path, [HEADER, *GOOD]), meta)[0] == 0
    assert not killed.exists() and fresh.exists()
    monkeypatch.setattr(read.tempfile, "tempdir", str(tmp_path / "temp"))
    with read.upload_file(b"data", "t.csv") as path:
        assert path.read_bytes() == b"data"
        held = path.parent
    assert not upload.exists() and not held.exists()


def test_matching_is_the_same_for_repeated_and_many_rows() -> None:
    matcher = Matcher(store.load(BASE, "divisions"), store.load(BASE, "division_changes"))
    lines = [HEADER, *GOOD * 500, "9,朝阳区,,,50"]
    table = read.Table([line.split(",") for line in lines], "utf-8", columns={})
    read.find_header(table)
    parsed, problems = parse_rows(table, matcher, score_max=100)
    assert {r.adcode for r in parsed} == {"520123", "520581", "370281", "330106"}
    assert sum("ambiguous: 2 units named 朝阳区" in p.message for p in problems) == 1
    assert sum("duplicate" in p.message for p in problems) == 4 * 499


def test_a_job_runs_in_a_child_and_reports_rejections(tmp_path: Path) -> None:
    job = Job(check_upload, b"not,a,table\n1,2,3\n", "t.csv", str(BASE), 100.0, None, None)
    assert job.wait(60)
    outcome = job.outcome()
    assert isinstance(outcome, Rejected) and "no header row found" in outcome.message
    assert job.process.exitcode == 0


def test_a_job_never_runs_the_script_that_started_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit makes the running page script ``__main__``; the child must not re-run it.

    ``spawn`` re-executes ``__main__.__file__`` in the child before the job: that would
    run the app (or, in a test run, a temporary AppTest script that no longer works).
    """
    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n", "utf-8")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    job = Job(sorted, [3, 1, 2])
    assert sys.modules["__main__"] is page
    assert job.wait(60) and job.outcome() == [1, 2, 3]
    assert not marker.exists()


def test_a_job_runs_at_a_lower_priority_than_the_server() -> None:
    """On a small machine the parsing must not starve other viewers' pages."""
    job = Job(os.nice, 0)  # os.nice(0) returns the child's niceness
    assert job.wait(60)
    assert job.outcome() == min(os.nice(0) + NICENESS, 19)


def test_a_cancelled_job_stops_at_once() -> None:
    job = Job(time.sleep, 60)
    job.cancel()
    assert job.poll() and isinstance(job.outcome(), Failed)
    assert not job.process.is_alive()


def test_a_job_over_its_time_is_stopped() -> None:
    job = Job(time.sleep, 60, timeout=0.5)
    assert job.wait(30)
    assert "stopped after" in job.outcome().message and not job.process.is_alive()


def test_publish_moves_a_valid_draft_and_refuses_the_rest(
    tmp_path: Path,
    meta: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    drafts, snapshots = tmp_path / "drafts", tmp_path / "snapshots"
    code = cli.main(["import", str(_write(tmp_path, [HEADER, *GOOD])), "--snapshot", str(BASE),
                     "--out", str(drafts / "mine"), "--edition-meta", str(meta)])  # fmt: skip
    assert code == 0
    before = _hashes(drafts / "mine")
    args = ["--drafts", str(drafts), "--snapshots", str(snapshots)]
    assert cli.main(["publish", "../mine", *args]) == 2
    assert cli.main(["publish", "absent", *args]) == 2
    (drafts / "mine" / "scores.parquet").write_bytes(b"tampered")
    assert cli.main(["publish", "mine", *args]) == 2  # invalid: nothing moves
    assert "scores.parquet: sha256 mismatch" in capsys.readouterr().err
    assert not (snapshots / "mine").exists()
    (drafts / "mine").rename(tmp_path / "broken")
    cli.main(["import", str(_write(tmp_path, [HEADER, *GOOD])), "--snapshot", str(BASE),
              "--out", str(drafts / "mine"), "--edition-meta", str(meta)])  # fmt: skip
    assert cli.main(["publish", "mine", *args]) == 0
    assert _hashes(snapshots / "mine") == before and not (drafts / "mine").exists()
    with pytest.raises(ImportRejected, match="no draft named"):
        publish("mine", drafts=drafts, snapshots=snapshots)


def test_the_field_limit_holds_when_a_library_raised_csvs_own() -> None:
    """csv.field_size_limit is process-global (frictionless raises it on import)."""
    import csv

    previous = csv.field_size_limit(sys.maxsize)
    try:
        with pytest.raises(ImportRejected, match=r"line 2: a field is over the 131,072-character"):
            read.read_csv("a,b\n1," + "x" * 200_000 + "\n", "excel")
    finally:
        csv.field_size_limit(previous)
