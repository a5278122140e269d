"""Publishing to a channel in object storage (moto on 127.0.0.1) and following its pointer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders import paths
from loaders.store import SnapshotError, open_snapshot, s3
from loaders.store.publish import POINTER, publish, published_name, resolve
from loaders.tools import cli
from tests.fixtures import demo_snapshot
from tests.s3_server import BUCKET


def _renamed(folder: Path, tmp_path: Path, snapshot_id: str) -> Path:
    """A copy of ``folder`` under another snapshot id (same tables, another manifest)."""
    copy = tmp_path / snapshot_id
    shutil.copytree(folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["snapshot_id"] = snapshot_id
    (copy / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return copy


def _pointer(bucket: object, channel: str) -> dict[str, str]:
    key = channel.removeprefix(f"s3://{BUCKET}/") + f"/{POINTER}"
    body = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()  # type: ignore[attr-defined]
    return dict(json.loads(body))


def test_publish_uploads_verifies_and_points(bucket: object, tiny_snapshot: Path) -> None:
    channel = f"s3://{BUCKET}/live-a"
    local = open_snapshot(tiny_snapshot)
    target = publish(tiny_snapshot, channel, validate=False)
    assert target == f"{channel}/{published_name('tiny', local.manifest_sha256)}"
    pointer = _pointer(bucket, channel)
    assert pointer["snapshot"] == target.rsplit("/", 1)[1]
    assert pointer["manifest_sha256"] == local.manifest_sha256
    assert resolve(channel) == resolve(channel + "/") == target
    assert open_snapshot(resolve(channel)).manifest_sha256 == local.manifest_sha256
    # Not a channel: a snapshot prefix, a folder and a ref are what they are.
    assert resolve(target) == target
    assert resolve(tiny_snapshot) == tiny_snapshot


def test_a_new_publish_moves_the_pointer_and_keeps_the_old(
    bucket: object, tiny_snapshot: Path, tmp_path: Path
) -> None:
    channel = f"s3://{BUCKET}/live-b"
    first = publish(tiny_snapshot, channel, validate=False)
    second = publish(_renamed(tiny_snapshot, tmp_path, "tiny-2"), channel, validate=False)
    assert first != second and resolve(channel) == second
    assert open_snapshot(second).snapshot_id == "tiny-2"
    assert open_snapshot(first).read("scores").height == 24  # older sessions still read
    assert publish(tiny_snapshot, channel, validate=False) == first  # re-point, same copy
    assert resolve(channel) == first


def test_a_pointer_that_does_not_match_is_refused(bucket: object, tiny_snapshot: Path) -> None:
    channel = f"s3://{BUCKET}/live-c"
    target = publish(tiny_snapshot, channel, validate=False)
    options = s3.storage_options()
    manifest = json.loads(s3.read_bytes(s3.join(target, "manifest.json"), options))
    manifest["description"] = "altered after publishing"
    s3.write_bytes(s3.join(target, "manifest.json"), json.dumps(manifest).encode(), options)
    with pytest.raises(SnapshotError, match="not the published"):
        resolve(channel)
    for bad in (b"not json", b'{"snapshot": "../../etc", "manifest_sha256": "' + b"a" * 64 + b'"}'):
        s3.write_bytes(s3.join(channel, POINTER), bad, options)
        with pytest.raises(SnapshotError, match="pointer"):
            resolve(channel)


def test_an_invalid_snapshot_is_not_published(bucket: object, tiny_snapshot: Path) -> None:
    scores = tiny_snapshot / "scores.parquet"
    data = bytearray(scores.read_bytes())
    data[len(data) // 2] ^= 0x01
    scores.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match="sha256 mismatch"):
        publish(tiny_snapshot, f"s3://{BUCKET}/live-d")
    with pytest.raises(OSError):
        s3.read_bytes(f"s3://{BUCKET}/live-d/{POINTER}", s3.storage_options())


def test_the_publish_command(
    bucket: object, tiny_snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["publish", f"s3://{BUCKET}/live-e", "--snapshot", str(tiny_snapshot)]) == 0
    assert "CURRENT points to it" in capsys.readouterr().out
    assert cli.main(["publish", "/not/s3", "--snapshot", str(tiny_snapshot)]) == 2
    assert "neither a channel (s3://bucket/prefix) nor a draft" in capsys.readouterr().err
    assert cli.main(["publish", f"s3://{BUCKET}/live-e", "--snapshot", "/no/such"]) == 1
    assert "publish: " in capsys.readouterr().err


def _shown_snapshot(at: AppTest) -> str:
    return str(at.session_state["_snapshot_ref"].snapshot_id)


def test_a_session_keeps_its_snapshot_and_new_sessions_get_the_new_one(
    bucket: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every replica follows the channel per session: no restart, never two in one session."""
    channel = f"s3://{BUCKET}/live-app"
    publish(demo_snapshot(), channel, validate=False)
    monkeypatch.setenv("GI_SNAPSHOT", channel)
    viewer = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=120)
    viewer.query_params["province"] = "52"
    viewer.run()
    assert not viewer.exception and not viewer.error
    assert _shown_snapshot(viewer) == "demo"
    publish(_renamed(demo_snapshot(), tmp_path, "demo-next"), channel, validate=False)
    viewer.run()  # the same session, after the publish: still the snapshot it opened with
    assert not viewer.exception and not viewer.error
    assert _shown_snapshot(viewer) == "demo"
    newcomer = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=120)
    newcomer.query_params["province"] = "52"
    newcomer.run()
    assert not newcomer.exception and not newcomer.error
    assert _shown_snapshot(newcomer) == "demo-next"
    assert "snapshot" not in newcomer.query_params  # the channel's snapshot is the default
