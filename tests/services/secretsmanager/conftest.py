"""Fixtures for the Secrets Manager tests."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "111111111111"


@pytest.fixture
def sm(aws: Any) -> Any:
    """A Secrets Manager client on fogbank (us-east-1, account 111111111111)."""
    return aws("secretsmanager", account=ACCOUNT)


@pytest.fixture
def kms(aws: Any) -> Any:
    """A KMS client of the same account and Region."""
    return aws("kms", account=ACCOUNT)


def error_of(call: Any, *args: Any, **kwargs: Any) -> tuple[str, int, str]:
    """(code, HTTP status, message) of the ClientError a call raises."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"].get("Message", "")
