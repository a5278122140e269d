"""The app served on loopback and Debian's Chromium: helpers for the bench, soak and e2e tests.

One place for how the app is started (``serve``), how Chromium is launched
(``CHROMIUM``, ``CHROMIUM_ARGS``) and how a page is known to be drawn (``SETTLED``,
``MAP_DRAWN``), as Streamlit's own e2e suite keeps its helpers in ``app_utils.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from loaders import paths

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

MAP_DRAWN = "(n) => document.querySelectorAll('.choroplethlocation').length >= n"


# A Streamlit page has settled when its script is not running and no skeleton is left.
SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector("[data-testid='stSkeleton']");
}"""


# ---------------------------------------------------------------------------------------
# server: cold start, browser, memory
# ---------------------------------------------------------------------------------------
def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(
    snapshot: str | None = None,
    *,
    log: IO[bytes] | None = None,
    env: dict[str, str] | None = None,
    options: Sequence[str] = (),
) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """Start ``streamlit run app.py`` on a free loopback port; stop it afterwards.

    Yields the URL, the process and the seconds from launch to healthy. ``snapshot``
    sets ``GI_SNAPSHOT``; ``log`` receives the server's output (discarded otherwise);
    ``env`` adds environment variables and ``options`` command-line options
    (``--secrets.files PATH``).
    """
    port = free_port()
    extra, env = dict(env or {}), dict(os.environ)
    env.update(extra)
    if snapshot:
        env["GI_SNAPSHOT"] = snapshot
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", *options,
        ],
        cwd=paths.ROOT,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = start + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("streamlit exited during start-up")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                    break
            except OSError:
                if time.perf_counter() > deadline:
                    raise RuntimeError("streamlit did not become healthy in 60 s") from None
                time.sleep(0.05)
        yield url, proc, time.perf_counter() - start
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def chromium_missing() -> str | None:
    """Return why Chromium or Playwright cannot run here, or None when both are present."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} not installed (apt-get install -y chromium fonts-noto-cjk)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    return None
