"""Lambda's key layout on fogbank's store (values are JSON).

    ("lambda", account, region, "function", name)             -> function record: "config" (the
        $LATEST FunctionConfiguration as boto3 returns it), "code" (blob id, sha, size), "tags",
        "policy" (statements), "concurrency", "url", "invoke_configs" (by qualifier),
        "provisioned" (by qualifier), "next_version"
    ("lambda", account, region, "version", name, number)      -> {"config": ..., "code": ...}
    ("lambda", account, region, "alias", name, alias)         -> AliasConfiguration
    ("lambda", account, region, "layer", name, number)        -> layer version record
    ("lambda", account, region, "layer-counter", name)        -> {"next": number} (never reused)
    ("lambda", account, region, "url", url_id)                -> {"function", "qualifier"}
    ("lambda", account, region, "esm", uuid)                  -> EventSourceMappingConfiguration
    ("lambda", account, region, "esm-position", uuid)         -> a stream mapping's checkpoint:
        {"shard", "after"} (the sequence number of the last record handled, None: the oldest)
    ("lambda", account, region, "event", due_ms, request_id)         -> a queued asynchronous invocation

Zips live in the blob store (their ids in the records); unpacked trees are caches beside them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fogbank.context import Ctx

SERVICE = "lambda"


def key(ctx: Ctx, kind: str, *rest: Any) -> tuple:
    """A key of this account and region."""
    return (SERVICE, ctx.account, ctx.region, kind, *rest)


def get(ctx: Ctx, kind: str, *rest: Any) -> dict[str, Any] | None:
    """The record under a key, decoded, or None."""
    raw = ctx.store.get(key(ctx, kind, *rest))
    return json.loads(raw) if raw is not None else None


def put(ctx: Ctx, record: dict[str, Any], kind: str, *rest: Any) -> None:
    """Store a record."""
    ctx.store.put(key(ctx, kind, *rest), encode(record))


def delete(ctx: Ctx, kind: str, *rest: Any) -> bool:
    """Remove a record; True if it existed."""
    return ctx.store.delete(key(ctx, kind, *rest))


def scan(ctx: Ctx, kind: str, *prefix: Any) -> Iterator[tuple[tuple, dict[str, Any]]]:
    """(key, record) for every record of a kind (under an optional prefix), in key order."""
    for k, raw in ctx.store.scan(prefix=key(ctx, kind, *prefix)):
        yield k, json.loads(raw)


def encode(record: dict[str, Any]) -> bytes:
    """A record as stored."""
    return json.dumps(record, separators=(",", ":")).encode()


def last(ctx: Ctx, kind: str, *prefix: Any) -> dict[str, Any] | None:
    """The record with the highest key of a kind (under a prefix), or None."""
    for _k, raw in ctx.store.scan(prefix=key(ctx, kind, *prefix), reverse=True, limit=1):
        return json.loads(raw)
    return None
