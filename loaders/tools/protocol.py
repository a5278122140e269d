"""A load client that speaks Streamlit's own WebSocket protocol: sessions without a browser.

Each session does what the front end does before it draws anything: it asks
``/_stcore/health`` (which sets the proxy's sticky cookie), opens ``/_stcore/stream``,
sends a ``BackMsg`` asking to run the page of a link (its path and query string), and
reads the ``ForwardMsg`` stream until the script run finishes. Nothing is rendered, so
the times are the server's: from the request to the last delta and to the end of the
run, measured on loopback. A run that shows an exception or an error box, closes, or
does not finish in time is a failed session.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import math
import statistics
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

FINISHED_SUCCESSFULLY = 0
FINISHED_EARLY_FOR_RERUN = 2
COOKIE = "gi_replica"


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Return ``asyncio.run(coroutine)``, also from a thread whose event loop is running.

    Playwright's sync API keeps an event loop running in the thread that uses it (a test
    session's browser fixture does): the coroutine then runs in a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass
class SessionResult:
    """What one protocol session saw; times in seconds."""

    number: int
    started: float = 0.0  # since the start of the load
    replica: str | None = None  # the proxy's sticky cookie, when behind the proxy
    connect_s: float | None = None  # health check + WebSocket open
    first_delta_s: float | None = None  # from the run request
    last_delta_s: float | None = None
    complete_s: float | None = None  # the run finished
    deltas: int = 0
    received_bytes: int = 0
    charts: int = 0
    error: str | None = None
    reconnects: int = 0  # the server went away while the session was open
    recovered_s: float | None = None  # from losing the server to the view shown again
    replica_after: str | None = None
    charts_after: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the run finished without an error."""
        return self.error is None and self.complete_s is not None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Return the nearest-rank ``q`` percentile (0 < q ≤ 100) of ``values``.

    Examples
    --------
    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 95)
    (2.0, 4.0)
    >>> percentile([], 95) is None
    True
    """
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def split_link(link: str) -> tuple[str, str]:
    """Return the page name and query string of an app link, as the front end sends them.

    Examples
    --------
    >>> split_link("/atlas?edition=demo-tp-2021&province=52")
    ('atlas', 'edition=demo-tp-2021&province=52')
    >>> split_link("/")  # the front door
    ('', '')
    >>> split_link("/rankings?province=52")
    ('rankings', 'province=52')
    """
    parts = urlsplit(link)
    return parts.path.strip("/"), parts.query


async def http_get(url: str, headers: dict[str, str], timeout: float) -> tuple[int, list[str]]:
    """GET ``url`` (http on loopback); return the status and the ``Set-Cookie`` values."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        lines = [f"GET {parts.path or '/'} HTTP/1.1", f"Host: {parts.netloc}"]
        lines += [f"{k}: {v}" for k, v in headers.items()] + ["Connection: close", "", ""]
        writer.write("\r\n".join(lines).encode("latin-1"))
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        cookies = [
            line.split(":", 1)[1].strip()
            for line in header_lines
            if line.lower().startswith("set-cookie:")
        ]
        return int(status_line.split()[1]), cookies
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


def _request(link: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    page, query = split_link(link)
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    msg.rerun_script.context_info.timezone = "UTC"
    msg.rerun_script.context_info.locale = "en-US"
    return bytes(msg.SerializeToString())


def _problem(msg: Any) -> str | None:
    """Return what is wrong with a delta (an exception or an error box), or None."""
    from streamlit.proto.Alert_pb2 import Alert

    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        return f"exception: {element.exception.message[:200]}"
    if kind == "alert" and element.alert.format == Alert.ERROR:
        return f"error box: {element.alert.body[:200]}"
    return None


_Run = SessionResult  # one run's times and counts (a reconnect's run has its own)


async def _read_run(ws: Any, result: SessionResult, sent: float) -> None:
    """Read ForwardMsgs until the run finishes successfully; record times and problems."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    while True:
        data = await ws.recv()
        now = time.perf_counter() - sent
        result.received_bytes += len(data)
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "delta":
            result.deltas += 1
            result.first_delta_s = result.first_delta_s or now
            result.last_delta_s = now
            if msg.delta.new_element.WhichOneof("type") == "plotly_chart":
                result.charts += 1
            problem = _problem(msg)
            if problem and result.error is None:
                result.error = problem
        elif kind == "script_finished":
            status = msg.script_finished
            if status == FINISHED_SUCCESSFULLY:
                result.complete_s = now
                return
            if status != FINISHED_EARLY_FOR_RERUN:
                result.error = result.error or f"script finished with status {status}"
                return


async def _visit(base_url: str, link: str, run: _Run, timeout: float) -> Any:
    """Health check (the sticky cookie), WebSocket open, the run of ``link``; yield the socket."""
    from websockets.asyncio.client import connect

    start = time.perf_counter()
    status, cookies = await http_get(base_url + "/_stcore/health", {}, timeout)
    if status != 200:
        raise RuntimeError(f"health check answered {status}")
    jar = dict(c.split(";", 1)[0].split("=", 1) for c in cookies if "=" in c)
    run.replica = jar.get(COOKIE)
    stream = "ws" + base_url.removeprefix("http") + "/_stcore/stream"
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
    ws = await connect(
        stream,
        subprotocols=["streamlit"],  # type: ignore[list-item]
        additional_headers=headers,
        origin=base_url,  # type: ignore[arg-type]
        max_size=None,
        open_timeout=timeout,
        ping_interval=None,
        compression=None,
    )
    try:
        run.connect_s = time.perf_counter() - start
        sent = time.perf_counter()
        await ws.send(_request(link))
        await asyncio.wait_for(_read_run(ws, run, sent), timeout)
    except BaseException:
        await ws.close()
        raise
    return ws


async def _held(ws: Any, hold: asyncio.Event) -> bool:
    """Keep ``ws`` open until ``hold`` is set; return True when the server closed it first."""
    closed = asyncio.ensure_future(ws.wait_closed())
    held = asyncio.ensure_future(hold.wait())
    done, pending = await asyncio.wait({closed, held}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    lost = closed in done and not hold.is_set()
    await ws.close()
    return lost


async def open_view(
    base_url: str,
    link: str,
    *,
    number: int = 0,
    timeout: float = 60.0,
    hold: asyncio.Event | None = None,
    settled: Callable[[], None] = lambda: None,
    reconnect: bool = True,
) -> SessionResult:
    """Open ``link`` (e.g. ``/?edition=…``) in a new session and wait for its run to finish.

    ``settled`` is called once the run has finished or failed. With ``hold`` the
    WebSocket then stays open (as a viewer's tab does) until the event is set; if the
    server goes away meanwhile the session reconnects through ``base_url`` once and
    opens the same link again, as the front end does (``reconnects``, ``recovered_s``).
    Never raises: whatever went wrong is the result's ``error``.
    """
    result = SessionResult(number)
    try:
        ws = await _visit(base_url, link, result, timeout)
        settled()
        settled = _nothing
        if hold is not None and await _held(ws, hold) and reconnect:
            lost = time.perf_counter()
            result.reconnects += 1
            again = SessionResult(number)
            ws = await _visit(base_url, link, again, timeout)
            result.recovered_s = time.perf_counter() - lost
            result.replica_after, result.charts_after = again.replica, again.charts
            result.error = again.error
            await _held(ws, hold)
        elif hold is None:
            await ws.close()
    except TimeoutError:
        result.error = result.error or f"no finished run within {timeout:.0f} s"
    except Exception as exc:  # a refused or closed connection is a failed session
        result.error = result.error or f"{type(exc).__name__}: {str(exc)[:200]}"
    finally:
        settled()
    return result


def _nothing() -> None:
    return None


async def run_load(
    base_url: str,
    link: str,
    *,
    clients: int,
    within: float,
    timeout: float = 60.0,
    hold: bool = True,
    hold_for: float = 0.0,
) -> list[SessionResult]:
    """Open ``link`` in ``clients`` sessions arriving evenly over ``within`` seconds.

    With ``hold`` every session stays connected until the last one has finished (an
    audience keeps its tabs open), and at least ``hold_for`` seconds from the start,
    so the servers carry all of them at the end (and a failover can happen meanwhile).
    """
    release, everyone = asyncio.Event(), asyncio.Event()
    t0 = time.perf_counter()
    count = 0

    def settled() -> None:
        nonlocal count
        count += 1
        if count >= clients:
            everyone.set()

    async def one(number: int) -> SessionResult:
        await asyncio.sleep(number * within / clients)
        started = time.perf_counter() - t0
        found = await open_view(
            base_url,
            link,
            number=number,
            timeout=timeout,
            hold=release if hold else None,
            settled=settled,
        )
        found.started = started
        return found

    tasks = [asyncio.create_task(one(i)) for i in range(clients)]
    try:
        # Every session finishes its run (then holds) or fails; release once all have.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(everyone.wait(), within + timeout + 30)
        await asyncio.sleep(max(0.0, hold_for - (time.perf_counter() - t0)))
    finally:
        release.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    return [
        r if isinstance(r, SessionResult) else SessionResult(i, error=repr(r))
        for i, r in enumerate(results)
    ]


def summary(results: Sequence[SessionResult]) -> dict[str, Any]:
    """Return counts, failures and p50/p95/max of the times (seconds) of ``results``."""
    ok = [r for r in results if r.ok]

    def stats(name: str) -> dict[str, float | None]:
        values = [getattr(r, name) for r in ok if getattr(r, name) is not None]
        return {
            "p50": _round(percentile(values, 50)),
            "p95": _round(percentile(values, 95)),
            "max": _round(max(values) if values else None),
            "mean": _round(statistics.fmean(values) if values else None),
        }

    failures = [f"session {r.number}: {r.error}" for r in results if not r.ok]
    moved = [r for r in results if r.reconnects]
    recovered = [r.recovered_s for r in moved if r.ok and r.recovered_s is not None]
    return {
        "sessions": len(results),
        "failures": len(failures),
        "failure_reasons": failures[:20],
        "complete_s": stats("complete_s"),
        "last_delta_s": stats("last_delta_s"),
        "connect_s": stats("connect_s"),
        "per_replica": dict(sorted(Counter(r.replica or "-" for r in results).items())),
        "reconnected": len(moved),
        "reconnected_from": dict(sorted(Counter(r.replica or "-" for r in moved).items())),
        "reconnected_to": dict(sorted(Counter(r.replica_after or "-" for r in moved).items())),
        "recovered_s": {
            "p50": _round(percentile(recovered, 50)),
            "p95": _round(percentile(recovered, 95)),
            "max": _round(max(recovered) if recovered else None),
        },
        "megabytes_received": round(sum(r.received_bytes for r in results) / 1e6, 1),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def as_rows(results: Sequence[SessionResult]) -> list[dict[str, Any]]:
    """Return the results as plain rows (for a JSON report)."""
    return [asdict(r) for r in results]
