"""Fixtures for the S3 service tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def s3(aws: Any) -> Any:
    """An S3 client on fogbank (us-east-1, the default account)."""
    return aws("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    """A fresh bucket in us-east-1."""
    s3.create_bucket(Bucket="test-bucket")
    return "test-bucket"
