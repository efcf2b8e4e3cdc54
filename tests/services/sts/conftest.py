"""Fixtures for the STS tests: clients signed with credentials IAM or STS issued."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig


@pytest.fixture
def client_with(fogbank: Any) -> Callable[..., Any]:
    """``client_with("sts", creds)``: a boto3 client signed with an access key (and session token)."""

    def make(service: str, creds: dict[str, str], region: str = "us-east-1") -> Any:
        return boto3.client(
            service, endpoint_url=fogbank.endpoint, region_name=region,
            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds.get("SessionToken"), config=BotoConfig(retries={"max_attempts": 1}),
        )

    return make


def document(*statements: dict[str, Any]) -> str:
    """A 2012-10-17 policy document."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal: dict[str, Any], action: str | list[str] = "sts:AssumeRole", **extra: Any) -> str:
    """A trust policy allowing ``principal`` to ``action``."""
    return document({"Effect": "Allow", "Principal": principal, "Action": action, **extra})
