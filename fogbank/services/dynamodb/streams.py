"""Table streams: writing change records with item writes, and the record feed readers use.

A table's stream has one shard; its records live under (..., "stream", table, label, seq) in
write order (``seq`` grows strictly, from the clock in microseconds), written in the same store
transaction as the item change, so a reader never sees a change without its record or the
reverse. Records older than 24 hours (on fogbank's clock) are trimmed as readers pass.

``Feed`` is the reader's side: the DynamoDB Streams API uses it, and so can a Lambda event
source mapping (``records(ctx, table, label, after=seq, limit=n)``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import store as keys
from fogbank.services.dynamodb.expressions import item_size

RETENTION_SECONDS = 24 * 3600
SEQUENCE_DIGITS = 21
SERVICE_IDENTITY = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}


def new_label(now: float) -> str:
    """A stream label: the creation time as AWS writes it (``2024-01-02T03:04:05.678``)."""
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def label_time(label: str) -> float:
    """The creation time a stream label stands for."""
    return datetime.strptime(label, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC).timestamp()


def shard_id(label: str, table_id: str) -> str:
    """The id of a stream's (single) shard."""
    return f"shardId-{int(label_time(label) * 1000):020d}-{table_id.replace('-', '')[:8]}"


def sequence_text(seq: int) -> str:
    """A sequence number as the API shows it."""
    return f"{seq:0{SEQUENCE_DIGITS}d}"


class Feed:
    """Appends records (with the item write) and reads them back in order."""

    def __init__(self) -> None:
        # the last sequence number per stream; writes are serialised by the store's writer lock
        self._last: dict[tuple[str, str, str, str], int] = {}

    def clear(self) -> None:
        """Forget cached sequence numbers (after a reset)."""
        self._last.clear()

    def _next_seq(self, ctx: Ctx, txn: Any, table: str, label: str) -> int:
        cache_key = (ctx.account, ctx.region, table, label)
        last = self._last.get(cache_key)
        if last is None:
            last = 0
            for key, _ in txn.scan(prefix=keys.stream_prefix(ctx.account, ctx.region, table, label), reverse=True, limit=1):
                last = int(key[-1])
        seq = max(last + 1, int(ctx.clock.now() * 1_000_000))
        self._last[cache_key] = seq
        return seq

    def append(
        self,
        ctx: Ctx,
        txn: Any,
        table: str,
        stream: dict[str, Any],
        key: dict[str, Any],
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
        service: bool = False,
    ) -> None:
        """Write the record of one item change (nothing when the item did not change)."""
        if old == new or (old is None and new is None):
            return
        event = "INSERT" if old is None else ("REMOVE" if new is None else "MODIFY")
        view = stream["view"]
        record: dict[str, Any] = {"id": uuid.uuid4().hex, "event": event, "t": ctx.clock.now(), "view": view, "Keys": key}
        size = item_size(key)
        if new is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            record["NewImage"] = new
            size += item_size(new)
        if old is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            record["OldImage"] = old
            size += item_size(old)
        record["size"] = size
        if service:
            record["service"] = True
        seq = self._next_seq(ctx, txn, table, stream["label"])
        txn.put(keys.stream_prefix(ctx.account, ctx.region, table, stream["label"]) + (seq,), keys.dump(record))

    def trim(self, ctx: Ctx, table: str, label: str) -> None:
        """Delete the stream's records older than the retention period."""
        horizon = int((ctx.clock.now() - RETENTION_SECONDS) * 1_000_000)
        prefix = keys.stream_prefix(ctx.account, ctx.region, table, label)
        old = [key for key, _ in ctx.store.scan(prefix=prefix, end=prefix + (horizon,), limit=10000)]
        if old:
            with ctx.store.transaction() as txn:
                for key in old:
                    txn.delete(key)

    def bounds(self, ctx: Ctx, table: str, label: str) -> tuple[int | None, int | None]:
        """The first and last sequence numbers held for a stream (None when it holds nothing)."""
        prefix = keys.stream_prefix(ctx.account, ctx.region, table, label)
        first = next(iter(ctx.store.scan(prefix=prefix, limit=1)), None)
        last = next(iter(ctx.store.scan(prefix=prefix, reverse=True, limit=1)), None)
        return (int(first[0][-1]) if first else None, int(last[0][-1]) if last else None)

    def records(
        self, ctx: Ctx, table: str, label: str, after: int, limit: int
    ) -> list[tuple[int, dict[str, Any]]]:
        """Up to ``limit`` (seq, record) pairs with seq > ``after``, oldest first, in wire form."""
        self.trim(ctx, table, label)
        prefix = keys.stream_prefix(ctx.account, ctx.region, table, label)
        out = []
        for key, raw in ctx.store.scan(prefix=prefix, start=prefix + (after, None), limit=limit):
            seq = int(key[-1])
            if seq <= after:
                continue
            record = keys.load(raw)
            if b'"B":' in raw or b'"BS":' in raw:
                for part in ("Keys", "NewImage", "OldImage"):
                    if part in record:
                        keys.restore_binary(record[part])
            out.append((seq, record))
        return out


def wire_record(ctx: Ctx, seq: int, record: dict[str, Any]) -> dict[str, Any]:
    """A stored record as the Streams API's ``Record`` shape."""
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": datetime.fromtimestamp(int(record["t"]), UTC),
        "Keys": record["Keys"],
        "SequenceNumber": sequence_text(seq),
        "SizeBytes": record["size"],
        "StreamViewType": record["view"],
    }
    if "NewImage" in record:
        body["NewImage"] = record["NewImage"]
    if "OldImage" in record:
        body["OldImage"] = record["OldImage"]
    out: dict[str, Any] = {
        "eventID": record["id"],
        "eventName": record["event"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": ctx.region,
        "dynamodb": body,
    }
    if record.get("service"):
        out["userIdentity"] = dict(SERVICE_IDENTITY)
    return out
