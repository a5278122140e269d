from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders import paths

APP = str(paths.ROOT / "app.py")


def _run(monkeypatch: pytest.MonkeyPatch, snapshot: Path | None = None) -> AppTest:
    if snapshot is not None:
        monkeypatch.setenv("GI_SNAPSHOT", str(snapshot))
    at = AppTest.from_file(APP, default_timeout=30)
    return at.run()


def test_data_page_lists_real_and_synthetic_editions(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(monkeypatch)
    assert not at.exception
    assert "Synthetic demo data on screen" in at.warning[0].value
    editions = at.dataframe[0].value
    kinds = dict(zip(editions["edition"], editions["data"], strict=True))
    assert kinds["zhongding-2019"] == "real (cited)"
    assert kinds["demo-tp-2021"] == "synthetic (demo)"
    assert "demo-audit-2021" in kinds
    tables = at.dataframe[1].value
    assert dict(zip(tables["table"], tables["rows"], strict=True))["divisions"] == 2875


def test_corrupt_snapshot_shows_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID, broken)
    path = broken / "editions.parquet"
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    at = _run(monkeypatch, broken)
    assert not at.exception
    assert len(at.error) == 1
    assert "editions.parquet: sha256 mismatch" in at.error[0].value
    assert not at.dataframe  # no numbers shown from a corrupt snapshot


def test_missing_snapshot_shows_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = _run(monkeypatch, tmp_path / "nowhere")
    assert not at.exception
    assert "no manifest" in at.error[0].value
