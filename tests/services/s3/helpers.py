"""Assertions shared by the S3 tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The ClientError response of a call that must fail."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value.response


def assert_error(call: Callable[..., Any], code: str, status: int, **kwargs: Any) -> dict[str, Any]:
    """Call, expect S3's error ``code`` with HTTP ``status``; returns the error dict."""
    response = error_of(call, **kwargs)
    assert response["Error"]["Code"] == code, response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    return response["Error"]
