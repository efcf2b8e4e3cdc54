"""Cross-region replication: a placeholder until the worker lands."""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx


def applies(bucket: Any, record: dict[str, Any]) -> bool:
    """Whether a replication rule of the bucket copies this version."""
    return False


def enqueue(ctx: Ctx, bucket: Any, record: dict[str, Any]) -> None:
    """Queue a version for replication."""
