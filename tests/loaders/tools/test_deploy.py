"""The proxy configuration and the supervisor: rendered, accepted by nginx, limits enforced."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from loaders import paths
from loaders.tools import cli, deploy
from loaders.tools.browser import free_port


def _config(tmp_path: Path, ports: list[int], **kwargs: object) -> str:
    return deploy.render(ports, listen="127.0.0.1:8080", run_dir=tmp_path, **kwargs)  # type: ignore[arg-type]


def test_every_placeholder_is_filled_and_each_replica_backs_up_the_others(
    tmp_path: Path,
) -> None:
    text = _config(tmp_path, [8501, 8502, 8503])
    assert "{{" not in text and "}}" not in text
    for name, port in (("r0", 8501), ("r1", 8502), ("r2", 8503)):
        block = re.search(rf"upstream gi_{name} \{{(.*?)\}}", text, re.S)
        assert block is not None
        servers = re.findall(r"server 127\.0\.0\.1:(\d+)( backup)?", block.group(1))
        assert servers[0] == (str(port), "")  # its own replica first
        assert sorted(p for p, backup in servers[1:] if backup) == sorted(
            str(p) for p in (8501, 8502, 8503) if p != port
        )
    assert '33.33% "r0";' in text and '* "r2";' in text
    assert f"alias {paths.STATIC_DIR}/;" in text
    assert "location = /_stcore/metrics" in text


def test_the_policy_allows_only_the_app_and_embeds_only_where_told(tmp_path: Path) -> None:
    policy = deploy.csp()
    assert "frame-ancestors 'self'" in policy and "'unsafe-eval'" not in policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "http" not in policy  # no other origin
    text = _config(tmp_path, [8501], embed_origins=["https://news.example.org"])
    assert "frame-ancestors 'self' https://news.example.org" in text
    for bad in ("https://x.org; script-src *", "javascript:alert(1)", 'https://x.org"'):
        with pytest.raises(ValueError, match="not an origin"):
            _config(tmp_path, [8501], embed_origins=[bad])


def test_the_inline_script_hash_is_streamlits(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text("<html><script>window.x = 1</script></html>")
    assert deploy.inline_script_hashes(page) == [
        "'sha256-TRQHTtKk2Jz9TNrGZb+BnTJZb+vLVfeW/a0aaZ7avUM='"
    ]
    assert deploy.inline_script_hashes()  # the installed Streamlit's page has one


def test_nginx_accepts_the_configuration(tmp_path: Path, nginx: None) -> None:
    (tmp_path / "tmp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(_config(tmp_path, [8501, 8502], embed_origins=["https://a.example"]))
    done = subprocess.run(
        [deploy.NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr


def test_print_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--print-config", "--replicas", "3", "--port", "80"]) == 0
    text = capsys.readouterr().out
    assert "listen 127.0.0.1:80;" in text and "upstream gi_r2" in text
    assert cli.main(["serve", "--print-config", "--embed-origin", "ftp://x"]) == 2


def _status(url: str, method: str = "GET", body: bytes | None = None) -> int:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, "/_stcore/health", body=body)
        return connection.getresponse().status
    finally:
        connection.close()


def test_limits_are_enforced_by_the_proxy(nginx: None) -> None:
    tight = deploy.Limits(rate=2, burst=5, stream_rate=1, stream_burst=1, max_connections=50)
    with deploy.Deployment(replicas=1, limits=tight) as running:
        statuses = [_status(running.url) for _ in range(20)]  # bounded, on loopback
        assert statuses.count(200) >= 5 and statuses.count(429) >= 10
        time.sleep(3)  # the rate refills
        assert _status(running.url, "POST", b"x" * 200_000) == 413  # body over 64 KB
        with pytest.raises(urllib.error.HTTPError) as hidden:
            urllib.request.urlopen(running.url + "/_stcore/metrics", timeout=10)
        assert hidden.value.code == 404
        hidden.value.close()
    assert not running.members[0].alive and running.proxy is not None
    assert running.proxy.poll() is not None  # everything it started has stopped


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(p) for p in found]


def _replica_pids(pid: int) -> list[int]:
    return [
        child
        for child in _children(pid)
        if b"streamlit" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def _wait_for(check: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_serve_restarts_a_dead_replica_rolls_on_hup_and_stops_everything(nginx: None) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "loaders", "serve", "--replicas", "2", "--port", str(port)]
    proc = subprocess.Popen(
        command, cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert proc.stdout is not None
        assert "serving" in proc.stdout.readline()
        assert _status(url) == 200
        first = _replica_pids(proc.pid)
        assert len(first) == 2
        os.kill(first[0], signal.SIGKILL)
        _wait_for(
            lambda: len(_replica_pids(proc.pid)) == 2 and first[0] not in _replica_pids(proc.pid)
        )
        _wait_for(lambda: _status(url) == 200)
        before = _replica_pids(proc.pid)
        proc.send_signal(signal.SIGHUP)  # rolling restart: new processes, one at a time
        _wait_for(lambda: not set(before) & set(_replica_pids(proc.pid)), seconds=120)
        _wait_for(lambda: len(_replica_pids(proc.pid)) == 2 and _status(url) == 200)
        started = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        for child in started:
            assert (
                not Path(f"/proc/{child}").exists()
                or b"zombie" in Path(f"/proc/{child}/status").read_bytes()
            )
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def test_static_files_are_precompressed_once_per_content(tmp_path: Path) -> None:
    source = tmp_path / "static"
    (source / "geo").mkdir(parents=True)
    layer = '{"type": "FeatureCollection", "features": []}' * 100
    (source / "geo" / "counties_52.json").write_text(layer)
    (source / "geo" / "tiny.json").write_text("{}")
    cache = tmp_path / "cache"
    cache.mkdir()
    folder = deploy.precompressed_static(source, cache)
    assert (folder / "geo" / "counties_52.json").read_text() == layer
    packed = (folder / "geo" / "counties_52.json.gz").read_bytes()
    assert gzip.decompress(packed).decode() == layer
    assert not (folder / "geo" / "tiny.json.gz").exists()  # too small to be worth it
    assert deploy.precompressed_static(source, cache) == folder  # reused
    (source / "geo" / "counties_52.json").write_text(layer + " ")
    assert deploy.precompressed_static(source, cache) != folder  # new content, new copy
