"""A broken snapshot is detected on load: a banner, the last valid snapshot, nothing changed.

The broken snapshots are those of ``tests.tampering.BROKEN``: the same ones that
``python -m loaders validate`` rejects (``tests/loaders/store/test_check.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import paths
from loaders.store import snapshot
from tests.tampering import BROKEN, reseal

COMMITTED = paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID


def _fingerprint(folder: Path) -> dict[str, str]:
    """Return the sha256 of every file under ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


FAULTS = BROKEN
_truncate = BROKEN["truncated"][0]
_flip_bit = BROKEN["bit-flipped"][0]


@pytest.fixture
def broken_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(COMMITTED, folder)
    return folder


@pytest.mark.parametrize("fault", FAULTS)
def test_broken_snapshot_falls_back_to_the_last_valid_one(
    run_app: Callable[..., AppTest], broken_copy: Path, fault: str
) -> None:
    damage, message = FAULTS[fault]
    damage(broken_copy)
    before = _fingerprint(broken_copy), _fingerprint(COMMITTED)

    at = run_app(routes.ATLAS.file, snapshot=str(broken_copy))

    assert not at.exception
    assert len(at.error) == 1
    banner = at.error[0].value
    assert "shows the last valid snapshot instead: **default**" in banner
    assert message in banner
    # Server paths are not shown to viewers: paths are relative to the snapshot folder.
    assert str(paths.ROOT) not in banner and str(broken_copy.parent) not in banner
    # The page goes on with the committed snapshot's numbers: every county on the map.
    atlas = next(c for c in at.get("plotly_chart") if c.key == "atlas_map")
    assessed, missing = json.loads(atlas.proto.spec)["data"][:2]
    assert len(assessed["locations"]) + len(missing["locations"]) == 2875
    assert (_fingerprint(broken_copy), _fingerprint(COMMITTED)) == before


def test_every_page_shows_the_banner_and_falls_back(
    run_app: Callable[..., AppTest], broken_copy: Path
) -> None:
    _flip_bit(broken_copy)
    for page in ("rankings", "metrics", "evaluators", "records", "data"):
        at = run_app(f"pages/{page}.py", snapshot=str(broken_copy))
        assert not at.exception, page
        assert "last valid snapshot" in at.error[0].value, page
        assert at.get("plotly_chart") or at.dataframe, page


def test_a_file_altered_while_the_app_runs_is_caught_on_the_next_run(
    run_app: Callable[..., AppTest], tmp_path: Path
) -> None:
    folder = tmp_path / "live"
    shutil.copytree(COMMITTED, folder)
    at = run_app(snapshot=str(folder))
    assert not at.error
    _flip_bit(folder)
    at.run()
    assert not at.exception
    assert "editions.parquet: sha256 mismatch" in at.error[0].value


def test_no_valid_snapshot_left_stops_with_a_clear_message(
    run_app: Callable[..., AppTest],
    broken_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _truncate(broken_copy)
    monkeypatch.setattr(paths, "SNAPSHOTS_DIR", tmp_path / "no-snapshots-here")
    before = _fingerprint(broken_copy)

    at = run_app(snapshot=str(broken_copy))

    assert not at.exception
    assert len(at.error) == 1
    assert "no valid snapshot is left to fall back on" in at.error[0].value
    assert "scores.parquet: sha256 mismatch" in at.error[0].value
    assert not at.get("plotly_chart")  # no numbers at all
    assert not at.dataframe
    assert _fingerprint(broken_copy) == before


def test_missing_snapshot_folder_stops_when_nothing_else_is_valid(
    run_app: Callable[..., AppTest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "SNAPSHOTS_DIR", tmp_path / "no-snapshots-here")
    at = run_app(snapshot=str(tmp_path / "nowhere"))
    assert not at.exception
    assert "no manifest" in at.error[0].value
    assert not at.get("plotly_chart")


def test_same_size_tampering_with_the_mtime_restored_is_caught_on_schedule(
    run_app: Callable[..., AppTest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "live"
    shutil.copytree(COMMITTED, folder)
    at = run_app(snapshot=str(folder))
    assert not at.error
    path = folder / "editions.parquet"
    info = path.stat()
    _flip_bit(folder)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    later = snapshot.verification_epoch() + 1  # the next re-verification period
    monkeypatch.setattr(snapshot, "verification_epoch", lambda: later)
    at.run()
    assert not at.exception
    assert "editions.parquet: sha256 mismatch" in at.error[0].value


def test_a_draft_is_never_offered_nor_a_fallback(
    run_app: Callable[..., AppTest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An Import page draft is private: not in the Snapshot picker, never the fallback."""
    snapshots, drafts = tmp_path / "snapshots", tmp_path / "drafts"
    shutil.copytree(COMMITTED, snapshots / "default")
    shutil.copytree(COMMITTED, drafts / "evil-draft")
    reseal(drafts / "evil-draft")
    monkeypatch.setattr(paths, "SNAPSHOTS_DIR", snapshots)
    monkeypatch.setattr(paths, "DRAFTS_DIR", drafts)
    at = run_app(snapshot=str(snapshots / "default"))
    assert not any(s.label == "Snapshot" for s in at.sidebar.selectbox)
    _truncate(snapshots / "default")
    at = run_app(snapshot=str(snapshots / "default"))
    assert not at.exception
    assert "no valid snapshot is left to fall back on" in at.error[0].value
    assert not at.get("plotly_chart")
