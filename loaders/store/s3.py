"""Snapshots in S3-compatible object storage: ``s3://`` URIs, credentials and verified reads.

Polars scans Parquet in S3 natively (``storage_options``); pyarrow's S3 filesystem reads
the manifest and streams each file once to check its sha256. Credentials come from the
environment (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``,
``AWS_REGION``, and ``AWS_ENDPOINT_URL`` for an S3-compatible server). A Streamlit
deployment puts them at the top level of ``.streamlit/secrets.toml``: Streamlit copies
root-level ``st.secrets`` into the environment when the server starts.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

SCHEME = "s3://"
# Polars (object_store) option name ← environment variable.
_ENVIRONMENT = {
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "aws_session_token": "AWS_SESSION_TOKEN",
    "aws_region": "AWS_REGION",
    "aws_endpoint_url": "AWS_ENDPOINT_URL",
}
_BLOCK = 1 << 20


def is_uri(path: object) -> bool:
    """Return whether ``path`` is an ``s3://`` URI (a string; a ``Path`` never is).

    Examples
    --------
    >>> is_uri("s3://bucket/snapshots/default"), is_uri("data/snapshots/default")
    (True, False)
    """
    return isinstance(path, str) and path.startswith(SCHEME)


def join(uri: str, *parts: str) -> str:
    """Return ``uri`` with path parts appended.

    Examples
    --------
    >>> join("s3://bucket/prefix/", "records/year=2019", "part-0.parquet")
    's3://bucket/prefix/records/year=2019/part-0.parquet'
    """
    return "/".join([uri.rstrip("/"), *parts])


def storage_options(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return Polars ``storage_options`` for S3 from the environment (or ``env``).

    An ``http://`` endpoint (a local S3-compatible server) is allowed explicitly.

    Examples
    --------
    >>> storage_options({"AWS_ACCESS_KEY_ID": "key", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000"})
    {'aws_access_key_id': 'key', 'aws_endpoint_url': 'http://127.0.0.1:9000', 'aws_allow_http': 'true'}
    """  # noqa: E501
    env = os.environ if env is None else env
    options = {key: env[name] for key, name in _ENVIRONMENT.items() if env.get(name)}
    if "aws_region" not in options and env.get("AWS_DEFAULT_REGION"):
        options["aws_region"] = env["AWS_DEFAULT_REGION"]
    if options.get("aws_endpoint_url", "").startswith("http://"):
        options["aws_allow_http"] = "true"
    return options


@lru_cache(maxsize=8)
def _filesystem(options: tuple[tuple[str, str], ...]) -> object:
    from pyarrow import fs

    given = dict(options)
    endpoint = urlsplit(given.get("aws_endpoint_url", ""))
    return fs.S3FileSystem(
        access_key=given.get("aws_access_key_id"),
        secret_key=given.get("aws_secret_access_key"),
        session_token=given.get("aws_session_token"),
        region=given.get("aws_region", "us-east-1"),
        endpoint_override=endpoint.netloc or None,
        scheme=endpoint.scheme or "https",
    )


def _open(uri: str, options: Mapping[str, str]) -> Any:
    if not is_uri(uri):
        raise ValueError(f"not an s3:// URI: {uri}")
    filesystem = _filesystem(tuple(sorted(options.items())))
    return filesystem.open_input_stream(uri.removeprefix(SCHEME))  # type: ignore[attr-defined]


def read_bytes(uri: str, options: Mapping[str, str]) -> bytes:
    """Return the whole object at ``uri``; raise ``OSError`` when it cannot be read."""
    with _open(uri, options) as stream:
        return bytes(stream.read())


def sha256(uri: str, options: Mapping[str, str]) -> str:
    """Return the hex sha256 of the object at ``uri``, streamed in 1 MiB blocks."""
    digest = hashlib.sha256()
    with _open(uri, options) as stream:
        while block := stream.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def write_bytes(uri: str, data: bytes, options: Mapping[str, str]) -> None:
    """Write ``data`` as the object at ``uri`` (one PUT: readers see all of it or none)."""
    if not is_uri(uri):
        raise ValueError(f"not an s3:// URI: {uri}")
    filesystem = _filesystem(tuple(sorted(options.items())))
    with filesystem.open_output_stream(uri.removeprefix(SCHEME)) as stream:  # type: ignore[attr-defined]
        stream.write(data)
