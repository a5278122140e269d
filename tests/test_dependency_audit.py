"""Dependency audit of the runtime set, offline.

``pip-audit`` needs pypi.org's JSON API or api.osv.dev, and this machine and CI reach
only the package mirrors (measured: both lookups fail with a name-resolution error).
So the audit runs against ``.ci/advisories.json``: the PyPA Advisory Database entries
for every package of the runtime closure, with their source paths and commits,
refreshed from the newest copy reachable here (its date, ``newest_entry``, is printed at
the end of every test run: ``advisory_summary``). Where the network allows,
``pip-audit -r requirements.txt`` gives the up-to-date answer.

Two things can fail here: an installed runtime package falls in an advisory's affected
range, or the runtime closure gains a package the advisory list was never built for.
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
ADVISORIES = json.loads((ROOT / ".ci" / "advisories.json").read_text("utf-8"))
# Advisories whose stored copy predates their fix, checked by hand: (package, first fixed
# version, why). They count as fixed only from that version on.
REVIEWED = {
    "PYSEC-0000-CVE-2024-3651": (
        "idna",
        "3.7",
        "the stored copy (2024-07-11) lists no fix; idna 3.7 fixed it (GHSA-jjg7-2v4v-x38h)",
    ),
}


def affected(advisory: dict[str, Any], version: str) -> bool:
    """Return whether ``version`` is affected by an OSV-style advisory.

    Examples
    --------
    >>> adv = {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0.63.0"},
    ...     {"fixed": "1.11.1"}]}]}
    >>> affected(adv, "1.11.0"), affected(adv, "1.11.1"), affected(adv, "0.62")
    (True, False, False)
    """
    if version in advisory.get("versions", []):
        return True
    v = Version(version)
    for rng in advisory.get("ranges", []):
        if rng.get("type") != "ECOSYSTEM":
            continue
        low: Version | None = Version("0")
        for event in rng["events"]:
            if "introduced" in event:
                low = Version("0") if event["introduced"] == "0" else Version(event["introduced"])
            elif "fixed" in event and low is not None:
                if low <= v < Version(event["fixed"]):
                    return True
                low = None
            elif "last_affected" in event and low is not None:
                if low <= v <= Version(event["last_affected"]):
                    return True
                low = None
        if low is not None and v >= low and rng["events"][-1].keys() == {"introduced"}:
            return True  # introduced and never fixed
    return False


def runtime_closure() -> dict[str, str]:
    """Return {name: installed version} for requirements.txt and everything it pulls in."""
    pending = [
        Requirement(line.split("#")[0].strip())
        for line in (ROOT / "requirements.txt").read_text("utf-8").splitlines()
        if line.split("#")[0].strip()
    ]
    found: dict[str, str] = {}
    while pending:
        req = pending.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name in found:
            continue
        dist = metadata.distribution(req.name)
        found[name] = dist.version
        pending.extend(Requirement(r) for r in dist.requires or [])
    return found


def advisory_summary() -> str:
    """Return the line the test run ends with: how recent the advisory data is."""
    return (
        f"dependency audit: {len(ADVISORIES['advisories'])} advisories, newest entry "
        f"{ADVISORIES['newest_entry']} (refreshed {ADVISORIES['refreshed']}; "
        "tests/test_dependency_audit.py, .ci/advisories.json)"
    )


def test_the_advisory_data_is_from_after_mid_2024() -> None:
    """The first copy held advisories only up to 2024-07: the refresh reaches 2026."""
    modified = [(a.get("modified") or "")[:10] for a in ADVISORIES["advisories"]]
    assert max(modified) == ADVISORIES["newest_entry"] >= "2026-01-01", advisory_summary()
    assert sum(m >= "2025-01-01" for m in modified) >= 50


def test_the_advisory_list_covers_every_runtime_package() -> None:
    checked = {canonicalize_name(p) for p in ADVISORIES["packages_checked"]}
    # Compiled helper wheels of a listed package share its advisories.
    closure = {n for n in runtime_closure() if not re.fullmatch(r"polars-runtime-\d+", n)}
    assert closure <= checked, f"refresh .ci/advisories.json for: {sorted(closure - checked)}"


def test_no_runtime_package_is_in_an_affected_range() -> None:
    installed = runtime_closure()
    hits = []
    for advisory in ADVISORIES["advisories"]:
        version = installed.get(canonicalize_name(advisory["package"]))
        if version is None or advisory.get("withdrawn"):
            continue
        reviewed = REVIEWED.get(advisory["id"])
        if reviewed and Version(version) >= Version(reviewed[1]):
            continue
        try:
            if affected(advisory, version):
                hits.append(f"{advisory['package']} {version}: {advisory['id']}")
        except InvalidVersion as exc:  # a malformed range must not pass silently
            pytest.fail(f"{advisory['path']}: {exc}")
    assert hits == []


@pytest.mark.parametrize(
    ("package", "version", "advisory_id"),
    [
        ("streamlit", "1.11.0", "PYSEC-0000-CVE-2022-35918"),  # path traversal, fixed 1.11.1
        ("jinja2", "2.10", None),
        ("urllib3", "1.24.1", None),
        # Advisories of 2025-2026, missing from the first copy of the data:
        ("streamlit", "1.53.0", "PYSEC-2026-2285"),  # SSRF on Windows, fixed 1.54.0
        ("starlette", "1.0.1", "PYSEC-2026-2280"),  # HTTPEndpoint method lookup, fixed 1.1.0
        ("python-multipart", "0.0.26", "PYSEC-2026-3039"),  # unbounded part headers, 0.0.27
        ("urllib3", "2.6.3", "PYSEC-2026-142"),  # decompression, fixed 2.7.0
        ("pillow", "12.2.0", "PYSEC-0000-CVE-2026-59197"),  # rank filter overflow, 12.3.0
    ],
)
def test_an_old_pin_would_be_caught(package: str, version: str, advisory_id: str | None) -> None:
    """The check finds known advisories for versions that really had them."""
    hits = [
        a["id"]
        for a in ADVISORIES["advisories"]
        if a["package"] == package and affected(a, version)
    ]
    assert hits, f"{package} {version} should be affected"
    if advisory_id:
        assert advisory_id in hits


def test_reviewed_exceptions_name_real_advisories() -> None:
    by_id = {a["id"]: a for a in ADVISORIES["advisories"]}
    for advisory_id, (package, fixed, _) in REVIEWED.items():
        assert by_id[advisory_id]["package"] == package
        assert affected(by_id[advisory_id], fixed)  # the stored range really is open-ended
