from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import paths
from loaders.store import open_snapshot
from loaders.store.validate import validate_snapshot
from tests.fixtures import demo_snapshot

PAGE = routes.IMPORT.file
TABLE = "排名,县(市、区),所属省份,总分\n1,修文县,贵州省,91.5\n2,胶州市,山东省,85\n".encode(
    "gb18030"
)


def test_import_page_is_absent_unless_enabled(
    run_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GI_ENABLE_IMPORT", raising=False)
    at = run_app()
    with pytest.raises(ValueError, match=r"not a registered page|Could not find"):
        at.switch_page(PAGE)


@pytest.fixture
def snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the snapshots folder, so the page writes there, not into data/."""
    folder = tmp_path / "snapshots"
    folder.mkdir()
    shutil.copytree(demo_snapshot(), folder / "default")
    monkeypatch.setattr(paths, "SNAPSHOTS_DIR", folder)
    monkeypatch.setenv("GI_SNAPSHOT", str(folder / "default"))
    monkeypatch.setenv("GI_ENABLE_IMPORT", "1")
    return folder


def _fill(at: AppTest) -> AppTest:
    at.text_input[0].set_value("test-upload")  # edition id
    at.text_input[1].set_value("上传测试")  # Chinese title
    source = next(t for t in at.text_input if t.label == "Source title")
    source.set_value("a table from a PDF")
    return at.run()


def test_upload_check_and_write_a_new_snapshot(
    run_app: Callable[..., AppTest], snapshots: Path
) -> None:
    at = run_app(PAGE)
    assert not at.exception
    at.file_uploader[0].set_value(("rank.csv", TABLE, "text/csv"))
    at.run()
    assert any("Read as gb18030" in t.value for t in at.text)
    _fill(at)
    button = next(b for b in at.button if b.label == "Write the new snapshot")
    assert not button.disabled
    button.click().run()
    assert not at.exception
    out = snapshots / "test-upload"
    assert validate_snapshot(out) == []
    base = open_snapshot(snapshots / "default").read("rankings").height
    assert open_snapshot(out).read("rankings").height == base + 2  # the 2 imported rows
    assert sorted(p.name for p in snapshots.iterdir()) == ["default", "test-upload"]


def test_a_bad_table_shows_problems_and_cannot_be_written(
    run_app: Callable[..., AppTest], snapshots: Path
) -> None:
    at = run_app(PAGE)
    bad = "排名,县(市、区),总分\n1,朝阳区,90\n2,=cmd,80\n".encode()
    at.file_uploader[0].set_value(("bad.csv", bad, "text/csv"))
    at.run()
    _fill(at)
    problems = at.dataframe[-1].value
    assert set(problems["severity"]) == {"error"}
    assert problems["problem"].str.contains("ambiguous").any()
    assert problems["problem"].str.contains("formula").any()
    button = next(b for b in at.button if b.label == "Write the new snapshot")
    assert button.disabled
    assert sorted(p.name for p in snapshots.iterdir()) == ["default"]
