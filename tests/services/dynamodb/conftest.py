"""Fixtures for the DynamoDB service tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def ddb(aws: Any) -> Any:
    """A DynamoDB client on fogbank (us-east-1, the default account)."""
    return aws("dynamodb")
