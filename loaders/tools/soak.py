"""Load and soak: concurrent browser sessions against one server, rounds after rounds.

With ``--clients N --replicas R`` it is an audience instead (``loaders.tools.audience``):
N protocol sessions opening one link within a minute through the proxy in front of R
replicas, with a few real browsers alongside.

``python -m loaders soak --sessions 8 --rounds 6`` starts the app on 127.0.0.1, then
runs ``rounds`` waves of ``sessions`` concurrent Chromium sessions. Each session walks
the pages a reader would (atlas, a province, rankings with a search typed in, a county
profile, records, evaluators) and fails on an exception box, a page error or a
timeout. After each wave the sessions close and the server's resident memory is read.

It passes when no session failed and memory levelled off: the growth over the second
half of the waves stays under ``--max-growth-mb`` (Python seldom returns memory to the
system, so the test is that later waves stop adding to it, not that it drops).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from loaders.tools import browser as browsers
from loaders.tools import protocol

SETTLED = browsers.SETTLED  # the page's script has finished
# (path, what must be on the page once it settled: a CSS selector and a minimum count)
WALK = (
    ("/atlas", ".choroplethlocation", 2800),
    ("/atlas?province=33", ".choroplethlocation", 80),
    ("/rankings?province=52", "[data-testid='stDataFrame']", 1),
    ("/county?county=520123", ".plot-container", 1),
    ("/records?province=33", ".plot-container", 1),
    ("/evaluators", ".plot-container", 1),
)
PAGE_TIMEOUT_MS = 90_000


@dataclass
class Wave:
    """One wave of concurrent sessions: failures and the server's memory after it."""

    sessions: int
    failures: list[str]
    seconds: float
    rss_mb: float
    server_responding: bool = True


@dataclass
class SoakResult:
    """What a soak run saw; ``ok`` when no session failed and memory levelled off."""

    idle_mb: float
    waves: list[Wave] = field(default_factory=list)
    max_growth_mb: float = 0.0

    @property
    def failures(self) -> list[str]:
        """Every failure of every wave, and every wave after which the server was stuck."""
        stuck = [f"wave {i + 1}: server not responding" for i, w in enumerate(self.waves)
                 if not w.server_responding]  # fmt: skip
        return [f for w in self.waves for f in w.failures] + stuck

    @property
    def late_growth_mb(self) -> float:
        """Memory added over the second half of the waves (from the middle wave to the last)."""
        if not self.waves:
            return 0.0
        return self.waves[-1].rss_mb - self.waves[(len(self.waves) - 1) // 2].rss_mb

    @property
    def ok(self) -> bool:
        """Whether every session succeeded and memory levelled off."""
        return not self.failures and self.late_growth_mb <= self.max_growth_mb

    def to_json(self) -> dict[str, Any]:
        """Return the result as plain data, with the derived verdicts."""
        return {
            "idle_mb": round(self.idle_mb, 1),
            "waves": [asdict(w) for w in self.waves],
            "late_growth_mb": round(self.late_growth_mb, 1),
            "max_growth_mb": self.max_growth_mb,
            "ok": self.ok,
        }


async def _session(browser: Any, url: str, number: int) -> list[str]:
    """Walk the pages once in a fresh context; return what went wrong (empty if nothing)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"session {number}: page error {exc}"))
    try:
        for path, selector, count in WALK:
            await page.goto(url + path, wait_until="domcontentloaded")
            await page.wait_for_function(SETTLED, timeout=PAGE_TIMEOUT_MS)
            await page.wait_for_function(
                "([s, n]) => document.querySelectorAll(s).length >= n",
                arg=[selector, count],
                timeout=PAGE_TIMEOUT_MS,
            )
            if await page.locator("[data-testid='stException']").count():
                errors.append(f"session {number}: exception box on {path}")
            if path.startswith("/rankings"):  # change a filter the way a reader does
                search = page.get_by_role("textbox", name="Search county")
                await search.fill("Xiuwen")
                await search.press("Enter")
                # one match left: the page offers that county's profile
                await page.get_by_text("Open the profile of 修文县").wait_for(
                    timeout=PAGE_TIMEOUT_MS
                )
    except Exception as exc:  # a timeout or a closed page is a failed session
        errors.append(f"session {number}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()
    return errors


def _responding(url: str) -> bool:
    """Whether the server still answers its health check within 10 s."""
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as reply:
            return reply.status == 200
    except OSError:
        return False


async def _wave(pw: Any, url: str, first: int, sessions: int) -> list[str]:
    # A fresh browser per wave: a crashed renderer cannot fail the waves after it.
    browser = await pw.chromium.launch(
        executable_path=browsers.CHROMIUM, args=browsers.CHROMIUM_ARGS
    )
    try:
        found = await asyncio.gather(*(_session(browser, url, first + i) for i in range(sessions)))
    finally:
        await browser.close()
    return [f for failures in found for f in failures]


async def _soak(url: str, pid: int, sessions: int, rounds: int, result: SoakResult) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        # NOTE: one session first: the first visit after a start-up switches Streamlit
        # from its pages/-folder mode to st.navigation (see components/shell.py).
        await _wave(pw, url, 0, 1)
        for wave in range(rounds):
            start = time.perf_counter()
            failures = await _wave(pw, url, wave * sessions + 1, sessions)
            await asyncio.sleep(2)  # the server drops closed sessions
            seconds = round(time.perf_counter() - start, 1)
            alive = _responding(url)
            result.waves.append(Wave(sessions, failures, seconds, browsers.rss_mb(pid), alive))
            if not alive:
                break  # a stuck server fails every later wave the same way


def run_soak(sessions: int, rounds: int, max_growth_mb: float) -> SoakResult:
    """Serve the app and run the waves; raise ``RuntimeError`` when Chromium is missing."""
    missing = browsers.chromium_missing()
    if missing:
        raise RuntimeError(missing)
    with browsers.serve() as (url, proc, _):
        result = SoakResult(idle_mb=browsers.rss_mb(proc.pid), max_growth_mb=max_growth_mb)
        protocol.run(_soak(url, proc.pid, sessions, rounds, result))
    return result


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the soak options to ``parser``."""
    parser.add_argument("--sessions", type=int, default=8, help="concurrent sessions per wave")
    parser.add_argument("--rounds", type=int, default=6, help="waves of sessions")
    parser.add_argument(
        "--max-growth-mb",
        type=float,
        default=80.0,
        help="most memory the second half of the waves may add (default 80)",
    )
    audience = parser.add_argument_group(
        "audience (protocol sessions through the proxy; loaders/tools/audience.py)"
    )
    audience.add_argument(
        "--clients", type=int, default=0, help="protocol sessions opening the link (0: off)"
    )
    audience.add_argument(
        "--replicas",
        default="2",
        help="replicas behind the proxy; a list (1,2) runs each and reports the ratio",
    )
    audience.add_argument(
        "--within", type=float, default=60.0, help="seconds over which the clients arrive"
    )
    audience.add_argument(
        "--browsers", type=int, default=2, help="real Chromium sessions alongside (default 2)"
    )
    audience.add_argument("--link", default=None, help="the shared link (default: the atlas)")
    audience.add_argument("--snapshot", default=None, help="GI_SNAPSHOT for the replicas")
    audience.add_argument(
        "--kill-after",
        type=float,
        default=None,
        help="kill the first replica this many seconds in (failover)",
    )
    audience.add_argument("--json", type=Path, default=None, help="also write the report here")


def _run_audience(args: argparse.Namespace) -> int:
    from loaders.tools import audience

    try:
        counts = [int(r) for r in str(args.replicas).split(",") if r.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1 or args.within <= 0 or args.clients > 1000:
        print("soak: --replicas takes counts ≥ 1 (1,2), --clients at most 1000", file=sys.stderr)
        return 2
    runs = []
    try:
        for count in counts:
            print(f"audience: {args.clients} clients, {count} replica(s)…", file=sys.stderr)
            runs.append(
                audience.run_audience(
                    count,
                    clients=args.clients,
                    within=args.within,
                    link=args.link or audience.DEFAULT_LINK,
                    browser_count=args.browsers,
                    snapshot=args.snapshot,
                    kill_after=args.kill_after,
                )
            )
    except RuntimeError as exc:
        print(f"soak: {exc}", file=sys.stderr)
        return 2
    report = {"runs": runs, "gain": audience.compare(runs)}
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    failed = any(r["failures"] or r["browser_failures"] for r in runs)
    failover = [r["failover"]["ok"] for r in runs if "failover" in r]
    return 1 if failed or not all(failover) else 0


def run(args: argparse.Namespace) -> int:
    """Run a soak from the command line; print JSON; exit 0 when it passed."""
    if args.clients:
        return _run_audience(args)
    if args.sessions < 1 or args.rounds < 1:
        print("soak: --sessions and --rounds must be at least 1", file=sys.stderr)
        return 2
    try:
        result = run_soak(args.sessions, args.rounds, args.max_growth_mb)
    except RuntimeError as exc:
        print(f"soak: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json(), indent=2))
    return 0 if result.ok else 1
