"""An audience opening one shared link: protocol sessions and a few browsers through the proxy.

``python -m loaders soak --clients 200 --replicas 1,2`` starts, for each replica count in
turn, the deployment of ``loaders.tools.deploy`` (nginx in front of the replicas, all on
127.0.0.1), warms each replica with one session, then lets ``--clients`` protocol sessions
(``loaders.tools.protocol``: Streamlit's WebSocket messages, nothing rendered) arrive
evenly over ``--within`` seconds, each opening ``--link`` and holding its connection until
the last has finished. ``--browsers`` real Chromium sessions open the same link meanwhile
and must draw the map. The report gives, per replica count, p50/p95/max of the server
time to the last delta and to the finished run, failures, each replica's memory (idle,
peak, at the end) and, when two counts ran, the ratio of their p95.

``--kill-after S`` kills the first replica S seconds into the run: its sessions must
reconnect through the proxy to another replica and show the same view again, and no
session of another replica may lose its connection.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from typing import Any

from loaders.tools import browser as browsers
from loaders.tools import protocol
from loaders.tools.deploy import Deployment

DEFAULT_LINK = "/atlas?edition=demo-tp-2021"
BROWSER_TIMEOUT_MS = 180_000
TARGET_P95_S = 5.0
TARGET_RSS_MB = 1024.0


class _Memory:
    """Samples each replica's resident memory every quarter second while running."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.peak = [0.0] * len(deployment.members)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            for i, mb in enumerate(self.deployment.rss_mb()):
                self.peak[i] = max(self.peak[i], mb)

    def __enter__(self) -> _Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


async def _browser_view(pw_browser: Any, url: str, number: int) -> dict[str, Any]:
    """Open ``url`` in a new browser context; the map must draw. Returns time and error."""
    context = await pw_browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error {exc}"))
    start = time.perf_counter()
    seconds = None
    try:
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_function(browsers.MAP_DRAWN, arg=10, timeout=BROWSER_TIMEOUT_MS)
        await page.wait_for_function(browsers.SETTLED, timeout=BROWSER_TIMEOUT_MS)
        seconds = round(time.perf_counter() - start, 2)
        if await page.locator("[data-testid='stException']").count():
            errors.append("exception box")
        drawn = await page.locator(".choroplethlocation").count()
    except Exception as exc:  # a timeout or a crashed page is a failed browser session
        errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        drawn = 0
    finally:
        await context.close()
    return {"browser": number, "map_drawn_s": seconds, "counties_drawn": drawn, "errors": errors}


async def _browsers(url: str, count: int, within: float) -> list[dict[str, Any]]:
    """Run ``count`` browser sessions spread over the middle of the arrival window."""
    if count < 1:
        return []
    missing = browsers.chromium_missing()
    if missing:
        return [{"browser": 0, "map_drawn_s": None, "counties_drawn": 0, "errors": [missing]}]
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(
            executable_path=browsers.CHROMIUM, args=browsers.CHROMIUM_ARGS
        )
        try:

            async def one(i: int) -> dict[str, Any]:
                await asyncio.sleep(within * (i + 1) / (count + 1))
                return await _browser_view(chromium, url, i)

            return list(await asyncio.gather(*(one(i) for i in range(count))))
        finally:
            await chromium.close()


async def _audience(
    deployment: Deployment,
    *,
    link: str,
    clients: int,
    within: float,
    browser_count: int,
    kill_after: float | None,
) -> tuple[list[protocol.SessionResult], list[dict[str, Any]], float | None]:
    killed_at: list[float] = []

    async def kill() -> None:
        assert kill_after is not None
        await asyncio.sleep(kill_after)
        deployment.kill(0)
        killed_at.append(kill_after)

    killer = asyncio.create_task(kill()) if kill_after is not None else None
    hold_for = (kill_after + 15.0) if kill_after is not None else 0.0
    load = protocol.run_load(
        deployment.url, link, clients=clients, within=within, hold_for=hold_for
    )
    results, seen = await asyncio.gather(
        load, _browsers(deployment.url + link, browser_count, within)
    )
    if killer is not None:
        killer.cancel()
    return results, seen, (killed_at[0] if killed_at else None)


def run_audience(
    replicas: int,
    *,
    clients: int,
    within: float,
    link: str = DEFAULT_LINK,
    browser_count: int = 2,
    snapshot: str | None = None,
    kill_after: float | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Serve ``replicas`` behind the proxy and let the audience in; return the report."""
    with Deployment(replicas=replicas, snapshot=snapshot, env=dict(env or {})) as deployment:
        for member in deployment.members:  # the first session after a start is a cold one
            warm = protocol.run(protocol.open_view(member.url, link, timeout=120))
            if not warm.ok:
                raise RuntimeError(f"replica {member.name} did not open {link}: {warm.error}")
        idle = deployment.rss_mb()
        start = time.perf_counter()
        with _Memory(deployment) as memory:
            results, seen, killed = protocol.run(
                _audience(
                    deployment,
                    link=link,
                    clients=clients,
                    within=within,
                    browser_count=browser_count,
                    kill_after=kill_after,
                )
            )
        seconds = time.perf_counter() - start
        after = deployment.rss_mb()
    summary = protocol.summary(results)
    p95 = summary["complete_s"]["p95"]
    names = [m.name for m in deployment.members]
    report: dict[str, Any] = {
        "replicas": replicas,
        "clients": clients,
        "within_s": within,
        "link": link,
        "seconds": round(seconds, 1),
        **summary,
        "rss_mb": {
            n: {"idle": round(i, 1), "peak": round(p, 1), "end": round(a, 1)}
            for n, i, p, a in zip(names, idle, memory.peak, after, strict=True)
        },
        "browsers": seen,
        "browser_failures": sum(1 for b in seen if b["errors"]),
        "targets": {
            "p95_complete_s": TARGET_P95_S,
            "p95_holds": p95 is not None and p95 <= TARGET_P95_S,
            "rss_mb": TARGET_RSS_MB,
            "rss_holds": max(memory.peak, default=0.0) <= TARGET_RSS_MB,
        },
    }
    if killed is not None:
        report["failover"] = failover_check(results, killed_replica=names[0], at=killed)
    return report


def failover_check(
    results: Sequence[protocol.SessionResult], *, killed_replica: str, at: float
) -> dict[str, Any]:
    """Judge a failover: the killed replica's sessions came back elsewhere, nobody else moved.

    Every session of the killed replica must have reconnected once, to another replica,
    and shown the same view (as many charts as before); no session of another replica
    may have lost its connection.
    """
    on_killed = [r for r in results if r.replica == killed_replica and r.started < at]
    others = [r for r in results if r.replica != killed_replica]
    came_back = [
        r
        for r in on_killed
        if r.reconnects == 1
        and r.ok
        and r.replica_after not in (None, killed_replica)
        and r.charts_after == r.charts
    ]
    disturbed = [r.number for r in others if r.reconnects]
    return {
        "killed": killed_replica,
        "at_s": at,
        "sessions_on_killed": len(on_killed),
        "came_back_same_view": len(came_back),
        "others_disturbed": disturbed,
        "ok": len(came_back) == len(on_killed) and not disturbed,
    }


def compare(runs: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the gain of more replicas: p95 and p50 of the first run over the last's."""
    if len(runs) < 2:
        return None
    first, last = runs[0]["complete_s"], runs[-1]["complete_s"]

    def ratio(key: str) -> float | None:
        if not first[key] or not last[key]:
            return None
        return round(first[key] / last[key], 2)

    return {
        "replicas": [runs[0]["replicas"], runs[-1]["replicas"]],
        "p95_ratio": ratio("p95"),
        "p50_ratio": ratio("p50"),
    }
