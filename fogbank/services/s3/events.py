"""What happens around an object write or delete besides storing it: replication (see
``replication``) and event notifications (see ``notifications``), both owned by ``Hooks``, which
the provider holds (their workers and pending deliveries live as long as it does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import replication
from fogbank.services.s3.buckets import Bucket
from fogbank.services.s3.notifications import Notifier


@dataclass
class Hooks:
    """The provider's background helpers."""

    replicator: replication.Replicator = field(default_factory=replication.Replicator)
    notifier: Notifier = field(default_factory=Notifier)


def before_write(ctx: Ctx, bucket: Bucket, key: str, record: dict[str, Any]) -> None:
    """Mark a new version of ``key`` PENDING when a replication rule will copy it."""
    record["key"] = key
    if replication.applies(bucket, record):
        record["repl"] = "PENDING"


def after_write(ctx: Ctx, bucket: Bucket, record: dict[str, Any], event: str, hooks: Hooks) -> None:
    """A version was stored (or a delete marker added)."""
    if record.get("repl") == "PENDING" or (record.get("dm") and replication.applies(bucket, record)):
        hooks.replicator.enqueue(ctx, bucket, record)
    hooks.notifier.notify(ctx, bucket, record, event)


def after_delete(ctx: Ctx, bucket: Bucket, record: dict[str, Any], event: str, hooks: Hooks) -> None:
    """A version was removed for good (not replicated, as in S3)."""
    hooks.notifier.notify(ctx, bucket, record, event)
