"""The store's object-storage fixtures: a moto S3 server on 127.0.0.1 and the test bucket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import s3_server


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 (a free port), stopped when the module's tests end."""
    with s3_server.moto_endpoint() as url:
        yield url


@pytest.fixture
def bucket(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> object:
    """The test bucket, with the credentials and endpoint in the environment."""
    for name, value in {**s3_server.CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}.items():
        monkeypatch.setenv(name, value)
    return s3_server.client(endpoint)
