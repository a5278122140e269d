"""Replicas behind a real proxy on one machine: render deploy/nginx.conf, start, stop, fail over.

``Deployment`` starts N replicas of ``streamlit run app.py`` on loopback ports (one
cookie secret, one snapshot) and Debian's nginx in front of them with the configuration
of ``deploy/nginx.conf``: WebSocket upgrade, sticky sessions with failover, compressed and
cached static files, security headers, request-size and rate limits. It is a context
manager: everything it started is stopped when the block ends, whatever happens.
``python -m loaders serve`` runs one until it is interrupted, restarting a replica that
exits and restarting them all one by one on SIGHUP.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from loaders import paths
from loaders.tools.browser import free_port, rss_mb

DEPLOY_DIR = paths.ROOT / "deploy"
TEMPLATE = DEPLOY_DIR / "nginx.conf"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
INSTALL = "apt-get install -y nginx libnginx-mod-http-brotli-filter"
COOKIE = "gi_replica"
# An origin allowed to embed the app in a frame: scheme://host[:port], or * for any.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?|https?://\*\.[A-Za-z0-9.-]+|\*")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


@dataclass(frozen=True)
class Limits:
    """Per-address request limits of the proxy (see deploy/nginx.conf)."""

    rate: int = 100  # requests per second, sustained
    burst: int = 2000  # requests above the rate served at once before 429
    stream_rate: int = 20  # WebSocket opens per second
    stream_burst: int = 400
    max_connections: int = 2000  # open connections per address (a room behind one NAT)


def nginx_missing() -> str | None:
    """Return why the proxy cannot run here, or None when nginx and its brotli module exist."""
    if not (Path(NGINX).exists() or shutil.which(NGINX)):
        return f"{NGINX} not installed ({INSTALL})"
    if not BROTLI_MODULE.exists():
        return f"{BROTLI_MODULE} not installed ({INSTALL})"
    return None


def streamlit_static() -> Path:
    """Return the folder of the installed Streamlit's front end (index.html, static/)."""
    import streamlit

    return Path(streamlit.__file__).parent / "static"


_COMPRESSIBLE = {".json", ".geojson", ".js", ".css", ".svg", ".txt"}


def precompressed_static(source: Path | None = None, cache: Path | None = None) -> Path:
    """Return a copy of ``static/`` with a gzip file beside each compressible one.

    nginx serves ``counties_national.json.gz`` (``gzip_static``) instead of compressing
    5 MB again for every new viewer (0.3–0.6 s of a core each). The copy is made once per
    content of ``static/`` (a folder in the temporary directory named by its hash) and
    reused by later deployments.
    """
    source = source or paths.STATIC_DIR
    files = sorted(p for p in source.rglob("*") if p.is_file())
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(source).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    root = cache or Path(tempfile.gettempdir())
    folder = root / f"gi-static-{os.getuid()}-{digest.hexdigest()[:16]}"
    if (folder / ".complete").exists():
        return folder
    tmp = Path(tempfile.mkdtemp(prefix=".gi-static-", dir=root))
    try:
        for path in files:
            target = tmp / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            target.write_bytes(data)
            if path.suffix in _COMPRESSIBLE and len(data) > 1024:
                (tmp / f"{target}.gz").write_bytes(gzip.compress(data, 6, mtime=0))
        (tmp / ".complete").touch()
        for folder_path in (tmp, *(p for p in tmp.rglob("*") if p.is_dir())):
            folder_path.chmod(0o755)
        os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (folder / ".complete").exists():  # not another process's copy: a real error
            raise
    return folder


def inline_script_hashes(index_html: Path | None = None) -> list[str]:
    """Return CSP source expressions (``'sha256-…'``) for the inline scripts of Streamlit's page.

    Streamlit's index.html holds one small inline script; the policy allows exactly it.
    """
    html = (index_html or streamlit_static() / "index.html").read_text(encoding="utf-8")
    found = []
    for body in _INLINE_SCRIPT.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        found.append(f"'sha256-{digest}'")
    return found


def csp(embed_origins: Sequence[str] = (), script_hashes: Sequence[str] = ()) -> str:
    """Return the Content-Security-Policy: the app's own origin and what Plotly needs.

    Plotly draws in SVG with inline styles and exports images as ``data:``/``blob:`` URLs;
    Streamlit styles with inline ``<style>`` (emotion). Nothing comes from another
    origin. ``frame-ancestors`` is ``'self'`` plus ``embed_origins``.

    Examples
    --------
    >>> "frame-ancestors 'self' https://news.example.org" in csp(["https://news.example.org"])
    True
    >>> csp(["javascript:alert(1)"])
    Traceback (most recent call last):
    ...
    ValueError: not an origin that may embed the app: 'javascript:alert(1)'
    """
    for origin in embed_origins:
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"not an origin that may embed the app: {origin!r}")
    ancestors = " ".join(["'self'", *embed_origins])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src " + " ".join(["'self'", *script_hashes]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def render(
    ports: Sequence[int],
    *,
    listen: str,
    run_dir: Path,
    embed_origins: Sequence[str] = (),
    limits: Limits = Limits(),
    template: Path = TEMPLATE,
    static_dir: Path | None = None,
) -> str:
    """Return deploy/nginx.conf filled in for replicas on ``ports`` (loopback).

    Raises ``ValueError`` when a placeholder is left unfilled or an embed origin is
    not an origin.
    """
    names = [f"r{i}" for i in range(len(ports))]
    share = 100 / len(ports)
    split = [f'        {share:.2f}% "{n}";' for n in names[:-1]] + [f'        * "{names[-1]}";']
    upstreams = []
    for i, port in enumerate(ports):
        backups = [f"        server 127.0.0.1:{p} backup;" for p in ports if p != port]
        upstreams.append(
            "\n".join(
                [
                    f"    upstream gi_{names[i]} {{",
                    f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;",
                    *backups,
                    "        keepalive 16;",
                    "    }",
                ]
            )
        )
    values = {
        "user": "user root root;" if os.geteuid() == 0 else "",
        "run_dir": str(run_dir),
        "deploy_dir": str(DEPLOY_DIR),
        "brotli_module": str(BROTLI_MODULE),
        "mime_types": str(MIME_TYPES),
        "split": "\n".join(split),
        "known": "\n".join(f'        "{n}" "{n}";' for n in names),
        "served": "\n".join(
            f'        "~127\\.0\\.0\\.1:{p}$" "{n}";' for n, p in zip(names, ports, strict=True)
        ),
        "upstreams": "\n".join(upstreams),
        "listen": listen,
        "csp": csp(embed_origins, inline_script_hashes()),
        "static_dir": str(static_dir or paths.STATIC_DIR),
        "streamlit_static": str(streamlit_static()),
        "rate": str(limits.rate),
        "burst": str(limits.burst),
        "stream_rate": str(limits.stream_rate),
        "stream_burst": str(limits.stream_burst),
        "max_connections": str(limits.max_connections),
    }
    text = template.read_text(encoding="utf-8")
    missing = sorted(set(_PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise ValueError(f"{template}: no value for {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def _healthy(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=timeout) as reply:
            return bool(reply.status == 200)
    except urllib.error.HTTPError as exc:
        exc.close()
        return False
    except OSError:
        return False


def _wait(url: str, proc: subprocess.Popen[bytes], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not _healthy(url):
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up (status {proc.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not become healthy in {seconds:.0f} s")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Replica:
    """One ``streamlit run app.py`` behind the proxy."""

    name: str
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The replica's own address (loopback only)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        """Whether its process is running."""
        return self.proc is not None and self.proc.poll() is None


@dataclass
class Deployment:
    """Replicas and the proxy in front of them; a context manager that stops them all.

    Parameters
    ----------
    replicas
        How many app processes.
    port
        The proxy's port on ``host`` (0: a free one).
    snapshot
        ``GI_SNAPSHOT`` for every replica (a folder, an ``s3://`` snapshot or channel).
    embed_origins
        Origins allowed to show the app in a frame (``frame-ancestors``).
    env
        More environment for the replicas (e.g. ``AWS_*`` for a snapshot in S3).
    """

    replicas: int = 2
    port: int = 0
    host: str = "127.0.0.1"
    snapshot: str | None = None
    embed_origins: Sequence[str] = ()
    limits: Limits = field(default_factory=Limits)
    env: dict[str, str] = field(default_factory=dict)
    run_dir: Path | None = None
    members: list[Replica] = field(default_factory=list)
    proxy: subprocess.Popen[bytes] | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None
    _secret: str = field(default_factory=lambda: secrets.token_hex(32))

    @property
    def url(self) -> str:
        """The proxy's address: the one link viewers get."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def access_log(self) -> Path:
        """The proxy's access log (one line per request, with the replica that answered)."""
        assert self.run_dir is not None
        return self.run_dir / "access.log"

    def config(self) -> str:
        """Return the proxy configuration for this deployment's ports."""
        assert self.run_dir is not None
        return render(
            [r.port for r in self.members],
            listen=f"{self.host}:{self.port}",
            run_dir=self.run_dir,
            embed_origins=self.embed_origins,
            limits=self.limits,
            static_dir=precompressed_static(),
        )

    def __enter__(self) -> Deployment:
        if self.replicas < 1:
            raise ValueError("at least one replica")
        missing = nginx_missing()
        if missing:
            raise RuntimeError(missing)
        if self.run_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="gi-deploy-")
            self.run_dir = Path(self._tmp.name)
        (self.run_dir / "tmp").mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.members = [
            Replica(f"r{i}", free_port(), self.run_dir / f"r{i}.log") for i in range(self.replicas)
        ]
        try:
            for replica in self.members:
                self._launch(replica)
            for replica in self.members:
                assert replica.proc is not None
                _wait(replica.url, replica.proc, f"replica {replica.name}")
            self._start_proxy()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _launch(self, replica: Replica) -> None:
        env = {**os.environ, **self.env, "STREAMLIT_SERVER_COOKIE_SECRET": self._secret}
        if self.snapshot:
            env["GI_SNAPSHOT"] = self.snapshot
        command = [
            sys.executable, "-m", "streamlit", "run", "app.py", "--server.port",
            str(replica.port), "--server.address", "127.0.0.1", "--server.headless", "true",
        ]  # fmt: skip
        with replica.log.open("ab") as log:
            replica.proc = subprocess.Popen(
                command, cwd=paths.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def _start_proxy(self) -> None:
        assert self.run_dir is not None
        conf = self.run_dir / "nginx.conf"
        conf.write_text(self.config(), encoding="utf-8")
        command = [NGINX, "-p", str(self.run_dir), "-c", str(conf)]
        test = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        if test.returncode:
            raise RuntimeError(f"nginx rejected the configuration: {test.stderr[-2000:]}")
        with (self.run_dir / "nginx.out").open("ab") as log:
            self.proxy = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        _wait(self.url, self.proxy, "nginx", seconds=30)

    def close(self) -> None:
        """Stop the proxy and every replica (idempotent)."""
        try:
            _stop(self.proxy, signal.SIGQUIT)  # nginx: graceful shutdown
            for replica in self.members:
                _stop(replica.proc)
        finally:
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None

    # --- operations -------------------------------------------------------------------
    def kill(self, index: int) -> None:
        """Kill replica ``index`` at once (SIGKILL), as a crash would."""
        proc = self.members[index].proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)

    def restart(self, index: int, *, graceful: bool = True) -> None:
        """Start replica ``index`` again on its port (stopping it first) and wait for it."""
        replica = self.members[index]
        _stop(replica.proc, signal.SIGTERM if graceful else signal.SIGKILL)
        self._launch(replica)
        assert replica.proc is not None
        _wait(replica.url, replica.proc, f"replica {replica.name}")
        time.sleep(0.5)  # a server that cannot bind its port exits within moments
        if replica.proc.poll() is not None:  # the health answer came from someone else
            raise RuntimeError(f"replica {replica.name} exited after start-up (port taken?)")

    def rolling_restart(self) -> None:
        """Restart the replicas one at a time; the others serve meanwhile."""
        for index in range(len(self.members)):
            self.restart(index)

    def rss_mb(self) -> list[float]:
        """Resident memory of each replica, in MB (0 for a stopped one)."""
        return [rss_mb(r.proc.pid) if r.alive and r.proc else 0.0 for r in self.members]

    def replica_of(self, cookie: str) -> str | None:
        """Return the replica that answers a viewer holding ``gi_replica=cookie``."""
        request = urllib.request.Request(
            self.url + "/_stcore/health", headers={"Cookie": f"{COOKIE}={cookie}"}
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            given = reply.headers.get_all("Set-Cookie") or []
        for value in given:
            if value.startswith(f"{COOKIE}="):
                return value.split(";", 1)[0].split("=", 1)[1]
        return cookie


@contextlib.contextmanager
def _signals(handlers: dict[signal.Signals, Callable[[int, object], None]]) -> Iterator[None]:
    before = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def serve(deployment: Deployment, *, out: IO[str] = sys.stdout) -> int:
    """Run ``deployment`` until SIGINT or SIGTERM; restart a replica that exits.

    SIGHUP restarts the replicas one at a time (new code, new settings), so viewers
    of the restarted replica reconnect to another one and keep their view.
    """
    stop: list[int] = []
    rolling: list[int] = []
    handlers = {
        signal.SIGINT: lambda sig, frame: stop.append(sig),
        signal.SIGTERM: lambda sig, frame: stop.append(sig),
        signal.SIGHUP: lambda sig, frame: rolling.append(sig),
    }
    with _signals(handlers), deployment:
        ports = ", ".join(f"{r.name} :{r.port}" for r in deployment.members)
        print(f"serving {deployment.url} (replicas {ports}; Ctrl-C stops)", file=out, flush=True)
        while not stop:
            if rolling:
                rolling.clear()
                print("rolling restart…", file=out, flush=True)
                deployment.rolling_restart()
            for index, replica in enumerate(deployment.members):
                if not replica.alive and not stop:
                    print(f"replica {replica.name} exited; restarting", file=out, flush=True)
                    deployment.restart(index)
            if deployment.proxy is not None and deployment.proxy.poll() is not None:
                print("nginx exited; stopping", file=sys.stderr, flush=True)
                return 1
            time.sleep(0.5)
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` command's options."""
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="the proxy's port (default 8080)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="the proxy's address (default 127.0.0.1)"
    )
    parser.add_argument(
        "--snapshot", default=None, help="GI_SNAPSHOT for every replica (folder, s3:// URI)"
    )
    parser.add_argument(
        "--embed-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="an origin allowed to embed the app in a frame (repeatable; default: none)",
    )
    parser.add_argument(
        "--print-config", action="store_true", help="print the proxy configuration and exit"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``python -m loaders serve``."""
    deployment = Deployment(
        replicas=args.replicas,
        port=args.port,
        host=args.host,
        snapshot=args.snapshot,
        embed_origins=tuple(args.embed_origin),
    )
    try:
        if args.print_config:
            ports = [8501 + i for i in range(args.replicas)]
            print(
                render(
                    ports,
                    listen=f"{args.host}:{args.port}",
                    run_dir=Path("/var/lib/gi"),
                    embed_origins=deployment.embed_origins,
                )
            )
            return 0
        return serve(deployment)
    except (RuntimeError, ValueError) as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
