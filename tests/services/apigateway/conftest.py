"""Fixtures for the API Gateway tests: a server that serves deployed stages, boto3 clients on it,
and plain HTTP calls to stages."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Server


@pytest.fixture(scope="session")
def gateway_server(server: Server) -> Server:
    """The session's server: it serves deployed stages itself."""
    return server


@pytest.fixture
def gw(gateway_server: Server) -> Server:
    """The stage-serving server with fresh state."""
    gateway_server.reset()
    return gateway_server


@pytest.fixture
def apigw(gw: Server) -> Any:
    """An apigateway client."""
    return client(gw, "apigateway")


@pytest.fixture
def lam(gw: Server) -> Any:
    """A Lambda client with a long read timeout."""
    return client(gw, "lambda", read_timeout=60)


def client(server: Server, service: str, **config: Any) -> Any:
    """A boto3 client on ``server``."""
    import boto3
    from botocore.config import Config as BotoConfig

    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=BotoConfig(**{"retries": {"max_attempts": 1}, **config}))


@dataclass
class Answer:
    """An HTTP answer from a stage."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def stage_call(endpoint: str, api_id: str, stage: str, path: str, method: str = "GET", body: Any = None,
               headers: dict[str, str] | None = None, host_form: bool = False) -> Answer:
    """One plain HTTP request to a stage of the server at ``endpoint``."""
    data = json.dumps(body).encode() if isinstance(body, dict | list) else body
    port = endpoint.rsplit(":", 1)[1]
    if host_form:
        url = f"http://127.0.0.1:{port}/{stage}{path}"
        headers = {**(headers or {}), "Host": f"{api_id}.execute-api.localhost:{port}"}
    else:
        url = f"{endpoint}/restapis/{api_id}/{stage}/_user_request_{path}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return Answer(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


@pytest.fixture
def http(gw: Server) -> Callable[..., Answer]:
    """``http(api_id, stage, path, method="GET", body=None, headers=None, host_form=False)``."""
    return lambda *args, **kwargs: stage_call(gw.endpoint, *args, **kwargs)
