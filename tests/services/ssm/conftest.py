"""Fixtures for the SSM Parameter Store tests."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def ssm(aws: Any) -> Any:
    """An SSM client on fogbank (us-east-1, account 111111111111)."""
    return aws("ssm", account="111111111111")


@pytest.fixture
def kms(aws: Any) -> Any:
    """A KMS client of the same account and Region."""
    return aws("kms", account="111111111111")


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    """(code, HTTP status, message) of a ClientError."""
    err = excinfo.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"].get("Message", "")
