"""A server started with ``--verify-signatures --enforce-iam`` for this package's tests, and
helpers that make IAM users and role sessions with given policies (set up as the account root)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig

from tests.conftest import Server, start_server, stop_server


@pytest.fixture(scope="module")
def secure() -> Iterator[Server]:
    """A fogbank that checks signatures and enforces IAM."""
    srv = start_server("--verify-signatures", "--enforce-iam")
    yield srv
    stop_server(srv)


def client(server: Server, service: str, key: str = "test", secret: str = "test", token: str | None = None,
           region: str = "us-east-1", **config: Any) -> Any:
    """A boto3 client with these credentials."""
    return boto3.client(service, endpoint_url=server.endpoint, region_name=region, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token,
                        config=BotoConfig(retries={"max_attempts": 1}, **config))


@pytest.fixture
def root(secure: Server) -> Callable[..., Any]:
    """``root("sqs", account="111111111111")``: the account root's client (state reset per test)."""
    secure.reset()
    return lambda service, account="test", **kw: client(secure, service, key=account, **kw)


def policy(*statements: dict[str, Any]) -> str:
    """A policy document of these statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    """An Allow statement."""
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    """A Deny statement."""
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


@pytest.fixture
def user(secure: Server, root: Callable[..., Any]) -> Callable[..., Callable[..., Any]]:
    """``user("alice", policy(...), boundary=policy(...), account=...)`` -> a client factory for alice."""

    def make(name: str, *policies: str, boundary: str | None = None, account: str = "test") -> Callable[..., Any]:
        iam = root("iam", account=account)
        iam.create_user(UserName=name)
        for i, doc in enumerate(policies):
            iam.put_user_policy(UserName=name, PolicyName=f"p{i}", PolicyDocument=doc)
        if boundary is not None:
            arn = iam.create_policy(PolicyName=f"{name}-boundary", PolicyDocument=boundary)["Policy"]["Arn"]
            iam.put_user_permissions_boundary(UserName=name, PermissionsBoundary=arn)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return lambda service, **kw: client(secure, service, key["AccessKeyId"], key["SecretAccessKey"], **kw)

    return make
