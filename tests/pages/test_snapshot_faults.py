"""A broken snapshot is detected on load: a banner, the last valid snapshot, nothing changed."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import paths

COMMITTED = paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID


def _fingerprint(folder: Path) -> dict[str, str]:
    """Return the sha256 of every file under ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _truncate(folder: Path) -> None:
    path = folder / "scores.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_bit(folder: Path) -> None:
    path = folder / "editions.parquet"
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))


def _delete_table(folder: Path) -> None:
    (folder / "coverage.parquet").unlink()


def _garble_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_text('{"snapshot_id": "default", "tables": ', "utf-8")


def _drop_manifest_key(folder: Path) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    del manifest["schema_version"]
    path.write_text(json.dumps(manifest), "utf-8")


FAULTS = {
    "truncated": (_truncate, "scores.parquet: sha256 mismatch"),
    "bit-flipped": (_flip_bit, "editions.parquet: sha256 mismatch"),
    "missing table": (_delete_table, "coverage.parquet: file of table 'coverage' is missing"),
    "invalid manifest": (_garble_manifest, "manifest.json: not valid JSON"),
    "incomplete manifest": (_drop_manifest_key, "manifest lacks one of"),
}


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
    assert str(paths.ROOT) not in banner  # server paths are not shown to viewers
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
