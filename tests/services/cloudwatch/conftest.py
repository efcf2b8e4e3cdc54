"""Fixtures for the CloudWatch service tests."""

from __future__ import annotations

import math
from typing import Any

import pytest


@pytest.fixture
def cw(aws: Any) -> Any:
    """A CloudWatch client on fogbank (us-east-1, the default account; boto3 speaks CBOR)."""
    return aws("cloudwatch")


@pytest.fixture
def minute(fogbank: Any) -> Any:
    """``minute()`` moves fogbank's clock to 5 s past the next minute boundary; returns that time."""

    def align() -> float:
        now = fogbank.advance(0)
        target = math.floor(now / 60) * 60 + 65
        return fogbank.advance(target - now)

    return align
