"""mypy finds no type errors in loaders/ and components/ (configured in pyproject.toml)."""

from __future__ import annotations

from mypy import api

from loaders import paths


def test_mypy_finds_no_errors() -> None:
    out, err, status = api.run(["--config-file", str(paths.ROOT / "pyproject.toml")])
    assert status == 0, out + err
