"""What happens around an object write or delete besides storing it: replication and event
notifications.

Replication is done (see ``replication``). Notifications to SQS, SNS and Lambda are the place
marked below: they need those services' providers, and will be sent through ``ctx.call`` from
``after_write``/``after_delete`` using the bucket's stored ``NotificationConfiguration``.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import replication
from fogbank.services.s3.buckets import Bucket


def before_write(ctx: Ctx, bucket: Bucket, key: str, record: dict[str, Any]) -> None:
    """Mark a new version of ``key`` PENDING when a replication rule will copy it."""
    record["key"] = key
    if replication.applies(bucket, record):
        record["repl"] = "PENDING"


def after_write(ctx: Ctx, bucket: Bucket, record: dict[str, Any], event: str,
                replicator: replication.Replicator | None) -> None:
    """A version was stored (or a delete marker added)."""
    wanted = record.get("repl") == "PENDING" or (record.get("dm") and replication.applies(bucket, record))
    if wanted and replicator is not None:
        replicator.enqueue(ctx, bucket, record)
    # notifications: send ``event`` to the bucket's configured targets here


def after_delete(ctx: Ctx, bucket: Bucket, record: dict[str, Any], event: str) -> None:
    """A version was removed for good."""
    # notifications: send ``event`` here (permanent deletes are not replicated, as in S3)
