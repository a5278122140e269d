"""Snapshots for tests, built from code: ``make_snapshot`` and the shared ``demo_snapshot``.

As datasette's ``tests/fixtures.py``: tests build the data they read instead of
depending on the committed snapshot (which is tested as a whole once, in
``tests/loaders/test_committed_snapshot.py``). ``make_snapshot`` runs the real demo
builder (reference facts and real published results complete, synthetic data for the
given provinces only), so expectations are computed from the tables it wrote.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from loaders.build.demo import DEFAULT_SEED, write_demo

# Guizhou, Zhejiang, Shanghai, Guangdong, Shandong, Hainan, Anhui, Inner Mongolia and
# Tibet (excluded by the demo evaluators, as by the real ones): the provinces the page
# tests look at.
PROVINCES = ("52", "33", "31", "44", "37", "46", "34", "15", "54")
RECORDS = 60_000  # itemised: the same density as 120,000 when complaints were itemised too


def make_snapshot(
    folder: Path,
    *,
    provinces: Sequence[str] = PROVINCES,
    records: int = RECORDS,
    seed: int = DEFAULT_SEED,
    name: str = "demo",
) -> Path:
    """Write a demo snapshot into ``folder/name`` and return its path.

    Parameters
    ----------
    folder
        Where to write it.
    provinces
        Two-digit province codes that get synthetic assessments and records.
    records
        About how many synthetic records to generate.
    seed
        Seed of the generator: the same arguments give the same bytes.
    name
        The snapshot's folder name and id.
    """
    out = Path(folder) / name
    write_demo(
        out,
        seed=seed,
        records=records,
        provinces=list(provinces),
        snapshot_id=name,
        overwrite=True,
        created_by="tests/fixtures.py make_snapshot",
    )
    return out


@functools.cache
def demo_snapshot() -> Path:
    """Return the shared test snapshot, built once per process (pytest-xdist: per worker)."""
    folder = Path(tempfile.gettempdir()) / f"gi-tests-{os.getuid()}-{os.getpid()}"
    return make_snapshot(folder)


def require_tool(missing: str | None, package: str) -> None:
    """Fail when a system tool is missing in CI (``.ci/run`` must install ``package``).

    Elsewhere the test is skipped: a laptop without Chromium or nginx can still run the
    rest. ``missing`` says what is missing, or is None when the tool is there.
    """
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} in CI: .ci/run must install {package}")
        pytest.skip(missing)
