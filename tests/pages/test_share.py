"""Every page offers its own link and a citation that pins the data."""

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
from tests.fixtures import demo_snapshot, make_snapshot


def _codes(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.code]


@pytest.mark.parametrize(
    ("page", "params", "path"),
    [
        (routes.RANKINGS.file, {"province": "52", "edition": "demo-tp-2020"}, "/rankings"),
        (routes.COUNTY.file, {"county": "520123"}, "/county"),
        (routes.METRICS.file, {"weights": "40,20,20,10,10"}, "/metrics"),
    ],
)
def test_link_and_citation_of_the_view(
    run_app: Callable[..., AppTest], page: str, params: dict[str, str], path: str
) -> None:
    at = run_app(page, **params)
    assert not at.exception
    link, cited, bib, embed = _codes(at)
    assert link.startswith(path + "?")  # no browser address in AppTest: relative to the app
    assert embed.startswith(f'<iframe src="{path}?') and 'width="960" height="640"' in embed
    assert "present=1&amp;embed=true" in embed
    for key, value in params.items():
        assert f"{key}={value.replace(',', '%2C')}" in link
    manifest = demo_snapshot() / "manifest.json"
    sha = hashlib.sha256(manifest.read_bytes()).hexdigest()
    snapshot_id = json.loads(manifest.read_text("utf-8"))["snapshot_id"]
    assert f"data snapshot {snapshot_id}, manifest sha256 {sha}" in cited
    assert link in cited and "Accessed 20" in cited
    assert "Demo Integrity Ratings Ltd. (fictional)" in cited
    assert "SYNTHETIC demo data" in cited  # every default view is a demo edition
    assert bib.startswith("@misc{gi-") and "\\url{" + link + "}" in bib


def test_a_real_edition_cites_its_real_source(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.RANKINGS.file, edition="zhongding-2021")
    assert not at.exception
    _, cited, _, _ = _codes(at)
    assert "SYNTHETIC" not in cited
    assert "[edition zhongding-2021]" in cited
    assert "Source: " in cited and "http" in cited.split("Source: ")[1]


@pytest.fixture
def two_snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A snapshots folder with the test snapshot as default and a second, smaller one."""
    folder = tmp_path / "snapshots"
    folder.mkdir()
    shutil.copytree(demo_snapshot(), folder / "default")
    make_snapshot(folder, provinces=("52",), records=2_000, name="guizhou-only")
    monkeypatch.setattr(paths, "SNAPSHOTS_DIR", folder)
    monkeypatch.setenv("GI_SNAPSHOT", str(folder / "default"))
    return folder


def _open(**params: str) -> AppTest:
    """Run the app with query parameters (``run_app`` takes ``snapshot`` as its own)."""
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_the_share_link_carries_the_chosen_snapshot(
    run_app: Callable[..., AppTest], two_snapshots: Path
) -> None:
    at = run_app(routes.RANKINGS.file, snapshot=str(two_snapshots / "default"))
    assert "snapshot=" not in _codes(at)[0]  # the default snapshot needs no parameter
    picker = next(s for s in at.sidebar.selectbox if s.label == "Snapshot")
    picker.select(str(two_snapshots / "guizhou-only")).run()
    assert not at.exception
    link, cited, _, _ = _codes(at)
    assert "snapshot=guizhou-only" in link
    assert "data snapshot guizhou-only" in cited
    assert at.query_params["snapshot"] == "guizhou-only"


def test_a_shared_link_opens_its_snapshot(two_snapshots: Path) -> None:
    at = _open(snapshot="guizhou-only")
    assert not at.exception
    link, cited, _, _ = _codes(at)
    assert "snapshot=guizhou-only" in link and "data snapshot guizhou-only" in cited
    assert not any("Ignored snapshot" in i.value for i in at.sidebar.info)


def test_a_link_to_an_unknown_snapshot_opens_the_default_with_a_notice(
    two_snapshots: Path,
) -> None:
    at = _open(snapshot="gone-2024")
    assert not at.exception
    link, cited, _, _ = _codes(at)
    assert "snapshot=" not in link and "data snapshot demo" in cited
    assert any("Ignored snapshot `gone-2024`" in i.value for i in at.sidebar.info)
