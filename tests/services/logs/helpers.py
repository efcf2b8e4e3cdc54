"""Helpers for the CloudWatch Logs service tests."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Any, *args: Any, **kwargs: Any) -> tuple[str, int, str]:
    """(code, HTTP status, message) of the ClientError a call raises."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"].get("Message", "")


def now_ms(fogbank: Any) -> int:
    """fogbank's clock in milliseconds."""
    return int(fogbank.advance(0) * 1000)


def stream(logs: Any, group: str = "g", name: str = "s") -> None:
    """Create a group (if needed) and a stream in it."""
    try:
        logs.create_log_group(logGroupName=group)
    except ClientError as err:
        if err.response["Error"]["Code"] != "ResourceAlreadyExistsException":
            raise
    logs.create_log_stream(logGroupName=group, logStreamName=name)


def put(logs: Any, messages: list[str], start: int, group: str = "g", name: str = "s", step: int = 1) -> dict:
    """Put ``messages`` one ``step`` ms apart from ``start``."""
    return logs.put_log_events(logGroupName=group, logStreamName=name,
                               logEvents=[{"timestamp": start + i * step, "message": m} for i, m in enumerate(messages)])
