"""Fixtures for the SNS service tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def sns(aws: Any) -> Any:
    """An SNS client on fogbank (us-east-1, the default account)."""
    return aws("sns")


@pytest.fixture
def sqs(aws: Any) -> Any:
    """An SQS client on fogbank (us-east-1, the default account)."""
    return aws("sqs")
