"""Fixtures for the Kinesis service tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def kinesis(aws: Any) -> Any:
    """A Kinesis client on fogbank (us-east-1, account 111111111111)."""
    return aws("kinesis", account="111111111111")


@pytest.fixture
def stream(kinesis: Any) -> str:
    """An ACTIVE two-shard stream named ``s1``."""
    kinesis.create_stream(StreamName="s1", ShardCount=2)
    kinesis.describe_stream(StreamName="s1")
    return "s1"
