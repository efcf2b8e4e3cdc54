"""Fixtures for the CloudWatch Logs service tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def logs(aws: Any) -> Any:
    """A CloudWatch Logs client on fogbank (us-east-1, the default account)."""
    return aws("logs")
