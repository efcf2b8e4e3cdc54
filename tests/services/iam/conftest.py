"""Fixtures for the IAM service tests."""

from __future__ import annotations

import json
from typing import Any

import pytest


@pytest.fixture
def iam(aws: Any) -> Any:
    """An IAM client on fogbank (the default account)."""
    return aws("iam")


def document(*statements: dict[str, Any]) -> str:
    """A 2012-10-17 policy document with these statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str = "*") -> str:
    """An identity policy that allows ``action`` on ``resource``."""
    return document({"Effect": "Allow", "Action": action, "Resource": resource})


def trust(principal: dict[str, Any], action: str = "sts:AssumeRole", **extra: Any) -> str:
    """A role trust policy for ``principal``."""
    return document({"Effect": "Allow", "Principal": principal, "Action": action, **extra})
