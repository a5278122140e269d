"""Snapshots in object storage, against a local S3-compatible server (moto, server mode)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from components import routes
from loaders import records, schemas
from loaders.store import SnapshotError, load, open_snapshot, s3, scan
from loaders.store.validate import validate_snapshot
from tests.fixtures import demo_snapshot
from tests.s3_server import BUCKET, CREDENTIALS, upload


def test_storage_options_come_from_the_environment() -> None:
    options = s3.storage_options({**CREDENTIALS, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert options == {
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "aws_region": "us-east-1",
        "aws_endpoint_url": "http://127.0.0.1:9",
        "aws_allow_http": "true",
    }
    assert s3.storage_options({"AWS_DEFAULT_REGION": "cn-north-1"}) == {"aws_region": "cn-north-1"}
    assert not s3.is_uri(Path("s3://bucket/x"))  # a Path has lost its scheme's //


def test_a_snapshot_in_s3_reads_like_the_local_one(bucket: object, tiny_snapshot: Path) -> None:
    uri = upload(bucket, tiny_snapshot, "snapshots/tiny")
    remote, local = open_snapshot(uri + "/"), open_snapshot(tiny_snapshot)
    assert remote.uri == uri and remote.snapshot_id == "tiny"
    assert remote.manifest_sha256 == local.manifest_sha256
    assert remote.where("scores.parquet") == f"{uri}/scores.parquet"
    for name in (*schemas.TABLES, *schemas.DERIVED):
        assert_frame_equal(remote.read(name), local.read(name))
    assert_frame_equal(load(uri, "scores"), local.read("scores"))  # cached per URI + manifest
    assert validate_snapshot(uri) == []


def test_records_queries_push_down_on_s3(bucket: object, tiny_snapshot: Path) -> None:
    uri = upload(bucket, tiny_snapshot, "snapshots/pushdown")
    filters = records.RecordFilters(
        province="520000", start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31)
    )
    plan = records.scan_records(uri, filters, ("record_id",)).explain()
    assert f"{uri}/records/year=2020/part-0.parquet" in plan
    assert "year=2019" not in plan and "SELECTION" in plan
    local = records.scan_records(tiny_snapshot, filters).collect()
    assert_frame_equal(records.scan_records(uri, filters).collect(), local)
    assert local.height == 3 and local.get_column("adcode").str.starts_with("52").all()
    assert records.count_records(uri, filters) == 3
    page = records.records_page(uri, filters, page=1, size=2)
    assert page.height == 2 and set(page.get_column("name_zh")) <= {"修文县", "绥阳县"}
    assert_frame_equal(
        records.monthly(uri, records.RecordFilters()),
        records.monthly(tiny_snapshot, records.RecordFilters()),
    )


def test_an_altered_object_is_refused(bucket: object, tiny_snapshot: Path) -> None:
    uri = upload(bucket, tiny_snapshot, "snapshots/altered")
    data = bytearray((tiny_snapshot / "records/year=2020/part-0.parquet").read_bytes())
    data[len(data) // 2] ^= 0x01
    key = "snapshots/altered/records/year=2020/part-0.parquet"
    bucket.put_object(Bucket=BUCKET, Key=key, Body=bytes(data))  # type: ignore[attr-defined]
    with pytest.raises(SnapshotError, match="sha256 mismatch"):
        scan(uri, "records")
    assert open_snapshot(uri).read("scores").height == 24  # other tables still read
    bucket.delete_object(Bucket=BUCKET, Key="snapshots/altered/scores.parquet")  # type: ignore[attr-defined]
    with pytest.raises(SnapshotError, match="cannot be read"):
        open_snapshot(uri).read("scores")


def test_a_missing_snapshot_is_a_clear_error(bucket: object) -> None:
    with pytest.raises(SnapshotError, match="no manifest can be read"):
        open_snapshot(f"s3://{BUCKET}/snapshots/nothing-here")


def test_the_app_setting_keeps_an_s3_uri_intact(monkeypatch: pytest.MonkeyPatch) -> None:
    from loaders import paths
    from loaders.store import location

    monkeypatch.setenv("GI_SNAPSHOT", "s3://bucket/snapshots/default")
    assert paths.default_snapshot() == "s3://bucket/snapshots/default"
    assert location(paths.default_snapshot()) == "s3://bucket/snapshots/default"


def test_the_app_opens_a_snapshot_in_s3(bucket: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The atlas and rankings run on a snapshot served from S3."""
    from streamlit.testing.v1 import AppTest

    from loaders import paths

    uri = upload(bucket, demo_snapshot(), "snapshots/app")
    monkeypatch.setenv("GI_SNAPSHOT", uri)
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=120)
    at.query_params["province"] = "52"
    at.run()
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) >= 1
    at.switch_page(routes.RANKINGS.file)
    at.run()
    assert not at.exception and not at.error
