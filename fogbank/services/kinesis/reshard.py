"""Resharding: splitting, merging and uniformly rescaling a stream's shards.

A parent shard is closed (it gets an EndingSequenceNumber after its last record and takes no
more writes) and its children cover its hash key range. Closed shards stay readable until their
records expire; GetRecords then hands out their ChildShards instead of a next iterator.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.kinesis import store, streams
from fogbank.services.kinesis.errors import InvalidArgumentException, LimitExceededException


def open_shards(stream: dict[str, Any]) -> list[dict[str, Any]]:
    """The shards that take writes, in hash key order."""
    return sorted((s for s in stream["shards"] if "closed" not in s), key=lambda s: s["start"])


def _close(ctx: Ctx, stream: dict[str, Any], shard: dict[str, Any], txn: Any) -> None:
    raw = txn.get(store.counter_key(ctx.account, ctx.region, stream["name"], shard["id"]))
    shard["closed"] = streams.sequence_number(stream, shard["idx"], int(raw) if raw is not None else 0)


def _child(stream: dict[str, Any], start: int, end: int, parent: str, adjacent: str | None = None) -> dict[str, Any]:
    idx = max(s["idx"] for s in stream["shards"]) + 1
    shard = {"id": streams.shard_id(idx), "idx": idx, "start": start, "end": end,
             "seq": streams.sequence_number(stream, idx, 0), "parent": parent}
    if adjacent is not None:
        shard["adjacent"] = adjacent
    stream["shards"].append(shard)
    return shard


def _open_shard(ctx: Ctx, stream: dict[str, Any], sid: str) -> dict[str, Any]:
    shard = streams.shard(ctx, stream, sid)
    if "closed" in shard:
        raise InvalidArgumentException(
            f"Shard {sid} in stream {stream['name']} under account {ctx.account} has already been merged or "
            "split, and thus is not eligible for merging or splitting.")
    return shard


def split(ctx: Ctx, stream: dict[str, Any], sid: str, new_start: str, txn: Any) -> None:
    """Split a shard in two at ``new_start``."""
    shard = _open_shard(ctx, stream, sid)
    if not new_start.isdigit() or not shard["start"] < int(new_start) <= shard["end"]:
        raise InvalidArgumentException(
            f"NewStartingHashKey {new_start} used in SplitShard() on shard {sid} in stream {stream['name']} "
            f"under account {ctx.account} is not both greater than one plus the shard's StartingHashKey "
            f"{shard['start']} and less than the shard's EndingHashKey {shard['end']}.")
    _close(ctx, stream, shard, txn)
    _child(stream, shard["start"], int(new_start) - 1, sid)
    _child(stream, int(new_start), shard["end"], sid)


def merge(ctx: Ctx, stream: dict[str, Any], sid: str, adjacent_id: str, txn: Any) -> None:
    """Merge two shards with adjacent hash key ranges into one."""
    shard = _open_shard(ctx, stream, sid)
    other = _open_shard(ctx, stream, adjacent_id)
    if shard["end"] + 1 != other["start"] and other["end"] + 1 != shard["start"]:
        raise InvalidArgumentException(
            f"Shards {sid} and {adjacent_id} in stream {stream['name']} under account {ctx.account} are not "
            "an adjacent pair of shards eligible for merging")
    _close(ctx, stream, shard, txn)
    _close(ctx, stream, other, txn)
    _child(stream, min(shard["start"], other["start"]), max(shard["end"], other["end"]), sid, adjacent_id)


def rescale(ctx: Ctx, stream: dict[str, Any], target: int, txn: Any) -> int:
    """Replace the open shards by ``target`` even ones; returns how many were open before."""
    current = open_shards(stream)
    if target > 2 * len(current) or target * 2 < len(current):
        raise LimitExceededException(
            f"UpdateShardCount cannot scale the shard count of stream {stream['name']} under account "
            f"{ctx.account} from {len(current)} to {target}: the target must be between half and double the "
            "current count.")
    width = streams.HASH_SPACE // target
    for shard in current:
        _close(ctx, stream, shard, txn)
    for i in range(target):
        start = i * width
        end = streams.HASH_SPACE - 1 if i == target - 1 else (i + 1) * width - 1
        parent = next(s for s in current if s["start"] <= start <= s["end"])
        _child(stream, start, end, parent["id"])
    return len(current)


def children(stream: dict[str, Any], sid: str) -> list[dict[str, Any]]:
    """A closed shard's children as GetRecords' ChildShards answer them."""
    out = []
    for shard in stream["shards"]:
        parents = [p for p in (shard.get("parent"), shard.get("adjacent")) if p]
        if sid in parents:
            out.append({"ShardId": shard["id"], "ParentShards": parents,
                        "HashKeyRange": {"StartingHashKey": str(shard["start"]), "EndingHashKey": str(shard["end"])}})
    return out
