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
