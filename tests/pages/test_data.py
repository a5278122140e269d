from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from loaders import paths


def test_data_page_lists_real_and_synthetic_editions(run_app: Callable[..., AppTest]) -> None:
    at = run_app("pages/data.py")
    assert not at.exception
    assert "Synthetic demo data on screen" in at.warning[0].value
    editions = at.dataframe[0].value
    kinds = dict(zip(editions["edition"], editions["data"], strict=True))
    assert kinds["zhongding-2019"] == "real (cited)"
    assert kinds["demo-tp-2021"] == "synthetic (demo)"
    frames = [d.value for d in at.dataframe]
    tables = next(f for f in frames if "table" in f.columns)
    assert dict(zip(tables["table"], tables["rows"], strict=True))["divisions"] == 2875
    real = next(f for f in frames if "on_map" in f.columns)
    row = real[real["edition_id"] == "zhongding-2021"].iloc[0]
    assert (row["named"], row["on_map"], row["source_kinds"]) == (3, 3, "media")
    assert not real["edition_id"].str.startswith("demo").any()


def test_corrupt_snapshot_shows_a_clear_error(
    run_app: Callable[..., AppTest], tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID, broken)
    path = broken / "editions.parquet"
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    at = run_app(snapshot=str(broken))
    assert not at.exception
    assert len(at.error) == 1
    assert "editions.parquet: sha256 mismatch" in at.error[0].value
    assert not at.get("plotly_chart")  # no numbers from a corrupt snapshot
    assert not at.dataframe


def test_missing_snapshot_shows_a_clear_error(
    run_app: Callable[..., AppTest], tmp_path: Path
) -> None:
    at = run_app(snapshot=str(tmp_path / "nowhere"))
    assert not at.exception
    assert "no manifest" in at.error[0].value
