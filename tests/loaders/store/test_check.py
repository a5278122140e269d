"""The one snapshot check: validate and the app (``check``) agree on every broken snapshot."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from loaders import paths
from loaders.store import SnapshotError, check, snapshot, validate_snapshot
from loaders.tools import cli
from tests.tampering import BROKEN

COMMITTED = paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(COMMITTED, folder)
    return folder


def test_the_committed_snapshot_passes_both(copy: Path) -> None:
    assert validate_snapshot(copy) == []
    assert check(copy).snapshot_id == "default"


@pytest.mark.parametrize("broken", BROKEN)
def test_validate_and_the_app_agree(
    copy: Path, broken: str, capsys: pytest.CaptureFixture[str]
) -> None:
    damage, message = BROKEN[broken]
    damage(copy)
    assert cli.main(["validate", str(copy)]) == 1
    printed = capsys.readouterr().out
    assert message in printed
    with pytest.raises(SnapshotError) as caught:
        check(copy)
    assert message in str(caught.value)


def test_an_extra_table_outside_the_folder_is_never_read(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damage, _ = BROKEN["extra table outside the folder"]
    damage(copy)
    opened: list[str] = []
    real = snapshot.sha256_file
    monkeypatch.setattr(snapshot, "sha256_file", lambda p: opened.append(str(p)) or real(p))
    assert validate_snapshot(copy)
    assert not any("passwd" in p for p in opened)


def test_same_size_tampering_with_the_mtime_restored_is_caught_on_schedule(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert check(copy)
    path = copy / "editions.parquet"
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # size and mtime as before
    assert check(copy)  # within the period the hashes are trusted: not noticed yet
    later = snapshot.verification_epoch() + 1
    monkeypatch.setattr(snapshot, "verification_epoch", lambda: later)
    with pytest.raises(SnapshotError, match=r"editions\.parquet: sha256 mismatch"):
        check(copy)


def test_the_check_is_cached_per_manifest(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check(copy)
    calls: list[str] = []
    from loaders.store import validate

    monkeypatch.setattr(validate, "check_tables", lambda t: calls.append("x") or [])
    check(copy)
    assert calls == []  # the content check ran once for this manifest
