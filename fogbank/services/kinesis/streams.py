"""Streams: their records in the store, how a request names one, and their shards' hash ranges.

A stream record holds its shards as a list of ``{"id", "idx", "start", "end", "seq"}``: the
128-bit hash key range split evenly (the last shard takes the remainder, as AWS does) and the
shard's starting sequence number.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.kinesis import store
from fogbank.services.kinesis.errors import InvalidArgumentException, ResourceNotFoundException

HASH_SPACE = 2**128
ON_DEMAND_SHARDS = 4
DEFAULT_RETENTION_HOURS = 24
MAX_RETENTION_HOURS = 8760
SEQ_DIGITS = 56


def stream_arn(ctx: Ctx, name: str) -> str:
    """The ARN of a stream of the caller's account and region."""
    return f"arn:aws:kinesis:{ctx.region}:{ctx.account}:stream/{name}"


def sequence_number(stream: dict[str, Any], shard_idx: int, counter: int) -> str:
    """The 56-digit sequence number of a shard's ``counter``-th record.

    Fixed width, so text order is numeric order; the shard's index is part of it so that a
    number used on the wrong shard can be refused.
    """
    return f"49{stream['base'] % 10**14:014d}{shard_idx:08d}{counter:032d}"


def shard_of_sequence(seq: str) -> int | None:
    """The shard index a sequence number encodes, or None when it is not one of fogbank's."""
    if len(seq) != SEQ_DIGITS or not seq.isdigit():
        return None
    return int(seq[16:24])


def shard_id(idx: int) -> str:
    """AWS's shard id for a shard index."""
    return f"shardId-{idx:012d}"


def new_stream(ctx: Ctx, name: str, shard_count: int, mode: str, tags: dict[str, str]) -> dict[str, Any]:
    """A fresh stream record with ``shard_count`` shards over the whole hash key space."""
    now = ctx.clock.now()
    stream: dict[str, Any] = {
        "name": name, "arn": stream_arn(ctx, name), "status": "CREATING", "created": now,
        "retention": DEFAULT_RETENTION_HOURS, "mode": mode, "tags": tags, "base": int(now * 1000),
        "encryption": "NONE", "key": None, "metrics": [],
    }
    width = HASH_SPACE // shard_count
    shards = []
    for idx in range(shard_count):
        end = HASH_SPACE - 1 if idx == shard_count - 1 else (idx + 1) * width - 1
        shards.append({"id": shard_id(idx), "idx": idx, "start": idx * width, "end": end,
                       "seq": sequence_number(stream, idx, 0)})
    stream["shards"] = shards
    return stream


def not_found(ctx: Ctx, name: str, account: str | None = None) -> ResourceNotFoundException:
    """AWS's answer for a stream that does not exist."""
    return ResourceNotFoundException(f"Stream {name} under account {account or ctx.account} not found.")


def name_of(ctx: Ctx, request: dict[str, Any]) -> str:
    """The stream a request names by ``StreamName`` or ``StreamARN``."""
    name = request.get("StreamName")
    arn = request.get("StreamARN")
    if name and arn:
        if arn.rsplit("/", 1)[-1] != name:
            raise InvalidArgumentException("StreamName and StreamARN must refer to the same stream.")
        return name
    if name:
        return name
    if arn:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "kinesis" or not parts[5].startswith("stream/"):
            raise InvalidArgumentException(f"Invalid StreamARN {arn}.")
        stream = parts[5][len("stream/"):]
        if parts[4] != ctx.account or parts[3] != ctx.region:
            raise not_found(ctx, stream, parts[4])
        return stream
    raise InvalidArgumentException("Either StreamName or StreamARN should be provided.")


def load(ctx: Ctx, name: str, reader: Any = None) -> dict[str, Any]:
    """A stream's record (read through ``reader``, a transaction, when given); ResourceNotFoundException
    when there is none."""
    data = (reader or ctx.store).get(store.stream_key(ctx.account, ctx.region, name))
    if data is None:
        raise not_found(ctx, name)
    return store.load(data)


def save(ctx: Ctx, stream: dict[str, Any], writer: Any = None) -> None:
    """Write a stream's record (through ``writer``, a transaction, when given)."""
    (writer or ctx.store).put(store.stream_key(ctx.account, ctx.region, stream["name"]), store.dump(stream))


def shard(ctx: Ctx, stream: dict[str, Any], sid: str) -> dict[str, Any]:
    """One shard of a stream; ResourceNotFoundException when it has no such shard."""
    for candidate in stream["shards"]:
        if candidate["id"] == sid:
            return candidate
    raise ResourceNotFoundException(
        f"Could not find shard {sid} in stream {stream['name']} under account {ctx.account}.")


def shard_for_hash(stream: dict[str, Any], hash_key: int) -> dict[str, Any]:
    """The open shard whose hash key range holds ``hash_key``."""
    for candidate in stream["shards"]:
        if "closed" not in candidate and candidate["start"] <= hash_key <= candidate["end"]:
            return candidate
    raise InvalidArgumentException(f"No shard holds hash key {hash_key}.")


def shard_shape(shard_record: dict[str, Any]) -> dict[str, Any]:
    """A shard as DescribeStream and ListShards answer it."""
    out: dict[str, Any] = {
        "ShardId": shard_record["id"],
        "HashKeyRange": {"StartingHashKey": str(shard_record["start"]),
                         "EndingHashKey": str(shard_record["end"])},
        "SequenceNumberRange": {"StartingSequenceNumber": shard_record["seq"]},
    }
    if shard_record.get("parent"):
        out["ParentShardId"] = shard_record["parent"]
    if shard_record.get("adjacent"):
        out["AdjacentParentShardId"] = shard_record["adjacent"]
    if shard_record.get("closed"):
        out["SequenceNumberRange"]["EndingSequenceNumber"] = shard_record["closed"]
    return out


def created_at(stream: dict[str, Any]) -> datetime:
    """When the stream was created."""
    return datetime.fromtimestamp(stream["created"], UTC)


def summary_shape(stream: dict[str, Any]) -> dict[str, Any]:
    """A stream as ListStreams' StreamSummaries answer it."""
    return {"StreamName": stream["name"], "StreamARN": stream["arn"], "StreamStatus": stream["status"],
            "StreamModeDetails": {"StreamMode": stream["mode"]}, "StreamCreationTimestamp": created_at(stream)}


def encryption_fields(stream: dict[str, Any]) -> dict[str, Any]:
    """EncryptionType, and KeyId when the stream is encrypted."""
    out: dict[str, Any] = {"EncryptionType": stream["encryption"]}
    if stream.get("key"):
        out["KeyId"] = stream["key"]
    return out
