"""The hardened server configuration (DESIGN.md §8), read the way Streamlit reads it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def settings() -> dict[str, dict[str, object]]:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("section", "key", "expected"),
    [
        ("server", "enableXsrfProtection", True),
        ("server", "enableCORS", True),
        ("server", "enableStaticServing", True),
        ("server", "runOnSave", False),
        ("server", "headless", True),
        ("server", "fileWatcherType", "none"),
        ("runner", "magicEnabled", False),
        ("browser", "gatherUsageStats", False),
        ("client", "showErrorDetails", "none"),
        ("client", "toolbarMode", "viewer"),
        ("client", "disableDataExport", True),
    ],
)
def test_hardened_setting(
    settings: dict[str, dict[str, object]], section: str, key: str, expected: object
) -> None:
    assert settings[section][key] == expected


def test_upload_size_is_capped(settings: dict[str, dict[str, object]]) -> None:
    size = settings["server"]["maxUploadSize"]
    assert isinstance(size, int) and 1 <= size <= 50  # Streamlit's own default is 200 MB


def test_message_size_is_capped_near_the_largest_element(
    settings: dict[str, dict[str, object]],
) -> None:
    """Streamlit's default (200 MB) lets one message exhaust memory: a few MB is enough."""
    size = settings["server"]["maxMessageSize"]
    assert isinstance(size, int) and 1 <= size <= 16


@pytest.mark.parametrize("page", ["pages/rankings.py", "pages/atlas.py", "pages/metrics.py"])
def test_the_largest_elements_fit_in_a_message_many_times(
    settings: dict[str, dict[str, object]], page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The biggest elements (the national ranking table, the map) stay under a tenth."""
    from streamlit.testing.v1 import AppTest

    from tests.fixtures import demo_snapshot

    monkeypatch.setenv("GI_SNAPSHOT", str(demo_snapshot()))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(page).run()
    sizes = [node.proto.ByteSize() for node in _elements(at._tree)]
    limit = int(settings["server"]["maxMessageSize"]) * 1_000_000  # type: ignore[call-overload]
    assert sizes and max(sizes) < limit / 10, max(sizes)


def test_the_hostile_snapshots_map_fits_in_a_message(
    settings: dict[str, dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The largest element of all: the map of tests/hostile.py, every name a long string.

    About 5.2 MB, so the cap sits above it with room to spare (a message over the cap
    would leave the page with an error instead of the map).
    """
    from streamlit.testing.v1 import AppTest

    from tests.hostile import write_hostile_snapshot

    hostile = write_hostile_snapshot(tmp_path_factory.mktemp("hostile") / "snapshot")
    monkeypatch.setenv("GI_SNAPSHOT", str(hostile))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/atlas.py").run()
    assert not at.exception
    biggest = max(node.proto.ByteSize() for node in _elements(at._tree))
    limit = int(settings["server"]["maxMessageSize"]) * 1_000_000  # type: ignore[call-overload]
    assert 2_000_000 < biggest < limit / 1.5, biggest


def _elements(node: object) -> list:  # type: ignore[type-arg]
    found = []
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ByteSize") and hasattr(node, "type"):
        found.append(node)
    for child in getattr(node, "children", {}).values():
        found += _elements(child)
    return found


def test_every_key_is_one_streamlit_knows() -> None:
    """A misspelt key would be ignored silently and leave the default (e.g. errors shown)."""
    known = set(st_config._config_options_template)
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    used = {f"{section}.{key}" for section, keys in settings.items() for key in keys}
    assert used <= known, used - known


def test_streamlit_applies_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit parses the file into the values the server runs with."""
    monkeypatch.chdir(ROOT)
    st_config.get_config_options(force_reparse=True)
    try:
        assert st_config.get_option("server.enableXsrfProtection") is True
        assert st_config.get_option("client.showErrorDetails") == "none"
        assert st_config.get_option("client.toolbarMode") == "viewer"
        assert st_config.get_option("browser.gatherUsageStats") is False
        assert st_config.get_option("server.maxUploadSize") <= 50
        assert st_config.get_option("server.maxMessageSize") <= 16
        assert st_config.get_option("server.fileWatcherType") == "none"
        assert st_config.get_option("server.headless") is True
        assert st_config.get_option("runner.magicEnabled") is False
        assert st_config.get_option("server.enableCORS") is True
        assert st_config.get_option("client.disableDataExport") is True
    finally:
        st_config.get_config_options(force_reparse=True)


def test_static_folder_holds_only_public_map_files() -> None:
    """Static serving exposes static/ to everyone: only map GeoJSON/TopoJSON may live there."""
    files = [p for p in (ROOT / "static").rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert path.suffix == ".json", path
        head = json.loads(path.read_bytes())
        assert head.get("type") in {"FeatureCollection", "Topology"}, path
