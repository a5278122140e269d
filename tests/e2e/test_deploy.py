"""The hosted deployment end to end: nginx, two replicas, a snapshot from S3, Chromium.

The proxy and both replicas run on 127.0.0.1 (``loaders.tools.deploy``), the replicas
reading a snapshot published to a local S3 server (moto). Chromium opens pages through
the proxy: the security headers are there, the geometry comes compressed and cached
(a second visit does not fetch it), and when the replica serving a viewer is killed the
page reconnects to the other one and shows the same view while a viewer of the other
replica notices nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from loaders.store import s3
from loaders.store.publish import publish
from loaders.tools import browser as browsers
from loaders.tools.deploy import COOKIE, Deployment, nginx_missing
from tests import s3_server
from tests.fixtures import demo_snapshot, require_tool

pytestmark = pytest.mark.e2e

VIEW = "/atlas?edition=demo-tp-2021&province=52&classes=quantile"
OTHER_VIEW = "/atlas?edition=demo-tp-2021&province=33"


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    """nginx and two replicas reading a snapshot published to moto; all stopped afterwards."""
    require_tool(nginx_missing(), "Debian's nginx")
    with s3_server.moto_endpoint() as endpoint:
        env = {**s3_server.CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}
        s3_server.client(endpoint)
        channel = f"s3://{s3_server.BUCKET}/live"
        with _environment(env):
            s3._filesystem.cache_clear()
            publish(demo_snapshot(), channel, validate=False)
        with Deployment(replicas=2, snapshot=channel, env=env) as running:
            yield running


def _open(browser: Any, url: str, cookie: str | None = None) -> tuple[Any, Any, dict[str, list]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if cookie:
        context.add_cookies([{"name": COOKIE, "value": cookie, "url": url}])
    page = context.new_page()
    seen: dict[str, list] = {"errors": [], "csp": [], "sockets": [], "responses": []}
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on(
        "console",
        lambda msg: seen["csp"].append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("websocket", lambda ws: seen["sockets"].append(ws))
    page.on("response", lambda r: seen["responses"].append(r))
    return context, page, seen


def _drawn(page: Any, url: str, *, goto: bool = True) -> None:
    if goto:
        page.goto(url)
    page.wait_for_function(browsers.MAP_DRAWN, arg=10, timeout=60_000)
    page.wait_for_function(browsers.SETTLED, timeout=60_000)


def _view(page: Any) -> tuple[str, int, str]:
    """What a viewer sees: the link, the counties on the map, the text of the page."""
    text = page.inner_text("[data-testid='stMain']")
    return page.url, page.locator(".choroplethlocation").count(), text


def _geometry_requests(deployment: Deployment, layer: str) -> list[str]:
    log = deployment.access_log.read_text(encoding="utf-8")
    return re.findall(rf'"GET /app/static/geo/{layer}\.json\?v=[0-9a-f]{{12}} [^"]*" (\d+)', log)


def test_headers_compression_and_cache_through_the_proxy(
    browser: Any, deployment: Deployment
) -> None:
    context, page, seen = _open(browser, deployment.url)
    response = page.goto(deployment.url + VIEW)
    assert response is not None and response.ok
    _drawn(page, "", goto=False)
    headers = response.all_headers()
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert "object-src 'none'" in policy and "unsafe-eval" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert seen["csp"] == [] and seen["errors"] == []  # nothing the page needs is refused

    geometry = [r for r in seen["responses"] if "/app/static/geo/counties_52.json?v=" in r.url]
    assert len(geometry) == 1
    served = geometry[0].all_headers()
    assert served["content-encoding"] == "gzip"
    assert int(served["content-length"]) < 100_000  # sent precompressed (gzip_static), whole
    assert served["cache-control"] == "public, max-age=31536000, immutable"
    assert served["content-security-policy"] == policy
    assert _geometry_requests(deployment, "counties_52") == ["200"]

    # A second visit in the same browser draws the map without fetching the geometry.
    second = context.new_page()
    _drawn(second, deployment.url + VIEW)
    counties = page.locator(".choroplethlocation").count()
    assert second.locator(".choroplethlocation").count() == counties
    assert _geometry_requests(deployment, "counties_52") == ["200"]
    context.close()

    # Streamlit's metrics are not public; each replica still has them on loopback.
    with pytest.raises(urllib.error.HTTPError) as hidden:
        urllib.request.urlopen(deployment.url + "/_stcore/metrics", timeout=10)
    assert hidden.value.code == 404
    hidden.value.close()
    with urllib.request.urlopen(deployment.members[0].url + "/_stcore/metrics", timeout=10) as r:
        assert r.status == 200


def _logs_tail(deployment: Deployment, lines: int = 15) -> str:
    """The end of nginx's error and access logs, to say why a test of the proxy failed."""
    assert deployment.run_dir is not None
    first = deployment.members[0]
    tails = [f"r0 alive: {first.alive}"]
    for path in (deployment.run_dir / "error.log", deployment.run_dir / "access.log", first.log):
        name = path.name
        text = path.read_text(errors="replace").splitlines() if path.exists() else []
        tails.append(f"--- {name}\n" + "\n".join(text[-lines:]))
    return "\n".join(tails)


def test_a_killed_replica_s_viewers_come_back_with_the_same_view(
    browser: Any, deployment: Deployment
) -> None:
    assert deployment.replica_of("r0") == "r0" and deployment.replica_of("r1") == "r1"
    moved_context, moved, moved_seen = _open(browser, deployment.url, cookie="r0")
    stayed_context, stayed, stayed_seen = _open(browser, deployment.url, cookie="r1")
    _drawn(moved, deployment.url + VIEW)
    _drawn(stayed, deployment.url + OTHER_VIEW)
    before, other_before = _view(moved), _view(stayed)
    assert len(moved_seen["sockets"]) == len(stayed_seen["sockets"]) == 1

    deployment.kill(0)
    deadline = time.monotonic() + 60
    while len(moved_seen["sockets"]) < 2 and time.monotonic() < deadline:
        moved.wait_for_timeout(200)
    assert len(moved_seen["sockets"]) == 2, "the page did not reconnect"
    _drawn(moved, "", goto=False)
    moved.wait_for_function(
        "(n) => document.querySelectorAll('.choroplethlocation').length === n",
        arg=before[1],
        timeout=60_000,
    )
    assert _view(moved) == before  # the same link, the same map, the same text
    cookies = {c["name"]: c["value"] for c in moved_context.cookies()}
    assert cookies[COOKIE] == "r1"  # the sticky cookie follows the replica that answered
    assert moved_seen["errors"] == []

    # The viewer of the other replica noticed nothing: same socket, same page.
    assert len(stayed_seen["sockets"]) == 1 and not stayed_seen["sockets"][0].is_closed()
    assert _view(stayed) == other_before and stayed_seen["errors"] == []
    moved_context.close()
    stayed_context.close()
    # Restarted, the replica takes its viewers back once nginx retries it (fail_timeout 5 s).
    deployment.restart(0)
    # NOTE: 15 s was not always enough with three test workers on the two cores (a full
    # run on 2026-12-03 saw r1 still answering); the bound only matters when it fails.
    deadline = time.monotonic() + 45
    while deployment.replica_of("r0") != "r0" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert deployment.replica_of("r0") == "r0", _logs_tail(deployment)
