"""Fixtures for the Lambda service tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def lam(aws: Any) -> Any:
    """A Lambda client on fogbank (us-east-1, the default account), with a long read timeout."""
    return aws("lambda", read_timeout=60)
