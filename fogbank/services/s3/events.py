"""What happens around an object write or delete besides storing it: replication (see
``replication``), event notifications (see ``notifications``) and lifecycle sweeps (see
``lifecycle``), owned by ``Hooks``, which the provider holds (their workers and pending
deliveries live as long as it does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import lifecycle, replication
from fogbank.services.s3.buckets import Bucket
from fogbank.services.s3.notifications import Notifier


@dataclass
class Hooks:
    """The provider's background helpers."""

    replicator: replication.Replicator = field(default_factory=replication.Replicator)
    notifier: Notifier = field(default_factory=Notifier)
    sweeper: lifecycle.Sweeper = field(default_factory=lifecycle.Sweeper)

    def pump(self, ctx: Ctx) -> None:
        """Before a read: carry out due replications and a due lifecycle sweep."""
        self.sweeper.pump(ctx)
        self.replicator.pump(ctx)

    def start(self, ctx: Ctx) -> None:
        """Start the background threads."""
        self.replicator.start(ctx)
        self.sweeper.start(ctx)

    def stop(self) -> None:
        """Stop the background threads."""
        self.replicator.stop()
        self.sweeper.stop()


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
