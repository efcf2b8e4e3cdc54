"""Data records: routing a partition key to a shard, sequence numbers, shard iterators and reads.

A record goes to the shard whose hash key range holds the MD5 of its partition key read as a
128-bit big-endian integer (or its ExplicitHashKey). Shard iterators are opaque tokens naming the
stream, shard, the first sequence number to read and when they were issued; they expire five
minutes after issue on fogbank's clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.kinesis import store, streams
from fogbank.services.kinesis.errors import ExpiredIteratorException, InvalidArgumentException

MAX_RECORD_BYTES = 1024 * 1024
ITERATOR_LIFETIME_MS = 300_000
MAX_GET_LIMIT = 10_000
MAX_GET_BYTES = 10 * 1024 * 1024


def hash_key(partition_key: str, explicit: str | None) -> int:
    """The 128-bit hash key a record is routed by."""
    if explicit is not None:
        if not explicit.isdigit() or int(explicit) >= streams.HASH_SPACE:
            raise InvalidArgumentException(
                "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
                f"Specified value was {explicit}")
        return int(explicit)
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8")).digest(), "big")


def check_size(entry: dict[str, Any]) -> None:
    """Refuse a record whose data and partition key exceed 1 MiB."""
    size = len(entry.get("Data", b"")) + len(entry.get("PartitionKey", "").encode("utf-8"))
    if size > MAX_RECORD_BYTES:
        raise InvalidArgumentException(
            f"Record size {size} bytes exceeds the maximum record size of {MAX_RECORD_BYTES} bytes.")


def append(ctx: Ctx, stream: dict[str, Any], entries: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Store records in one transaction; each result names its ShardId and SequenceNumber."""
    routed = [(streams.shard_for_hash(stream, hash_key(e["PartitionKey"], e.get("ExplicitHashKey"))), e)
              for e in entries]
    now_ms = ctx.clock.now_ms()
    results: list[dict[str, str]] = []
    name = stream["name"]
    with ctx.store.transaction() as txn:
        counters: dict[str, int] = {}
        for shard, entry in routed:
            sid = shard["id"]
            if sid not in counters:
                raw = txn.get(store.counter_key(ctx.account, ctx.region, name, sid))
                counters[sid] = int(raw) if raw is not None else 0
            counters[sid] += 1
            seq = streams.sequence_number(stream, shard["idx"], counters[sid])
            value = {"d": base64.b64encode(entry["Data"]).decode("ascii"), "k": entry["PartitionKey"], "t": now_ms}
            txn.put(store.record_key(ctx.account, ctx.region, name, sid, seq), store.dump(value))
            results.append({"ShardId": sid, "SequenceNumber": seq})
        for shard in {shard["id"]: shard for shard, _ in routed}.values():
            trim(ctx, stream, shard["id"], txn)
        for sid, counter in counters.items():
            txn.put(store.counter_key(ctx.account, ctx.region, name, sid), str(counter).encode("ascii"))
    return results


def trim(ctx: Ctx, stream: dict[str, Any], sid: str, txn: Any) -> int:
    """Remove a shard's records past the retention period (the oldest come first); returns how many."""
    oldest_ms = ctx.clock.now_ms() - stream["retention"] * 3600 * 1000
    gone = 0
    for key, raw in txn.scan(prefix=store.shard_prefix(ctx.account, ctx.region, stream["name"], sid)):
        if store.load(raw)["t"] >= oldest_ms:
            break
        txn.delete(key)
        gone += 1
    return gone


def _next_position(ctx: Ctx, stream: dict[str, Any], shard: dict[str, Any]) -> str:
    """The sequence number the shard's next record will get (where LATEST starts)."""
    raw = ctx.store.get(store.counter_key(ctx.account, ctx.region, stream["name"], shard["id"]))
    return streams.sequence_number(stream, shard["idx"], (int(raw) if raw is not None else 0) + 1)


def _checked_sequence(ctx: Ctx, shard: dict[str, Any], seq: str | None, kind: str) -> int:
    if not seq:
        raise InvalidArgumentException(f"StartingSequenceNumber must be provided for ShardIteratorType {kind}.")
    idx = streams.shard_of_sequence(seq)
    if idx is None:
        raise InvalidArgumentException(
            f"StartingSequenceNumber {seq} used in GetShardIterator on shard {shard['id']} is invalid.")
    if idx != shard["idx"]:
        raise InvalidArgumentException(
            f"Invalid StartingSequenceNumber. It encodes {streams.shard_id(idx)}, while it was used in a call "
            f"to a shard with {shard['id']}")
    return int(seq)


def start_position(ctx: Ctx, stream: dict[str, Any], shard: dict[str, Any], request: dict[str, Any]) -> str:
    """The first sequence number an iterator of the requested type reads from."""
    kind = request["ShardIteratorType"]
    if kind == "TRIM_HORIZON":
        return shard["seq"]
    if kind == "LATEST":
        return _next_position(ctx, stream, shard)
    if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        number = _checked_sequence(ctx, shard, request.get("StartingSequenceNumber"), kind)
        return f"{number + (kind == 'AFTER_SEQUENCE_NUMBER'):0{streams.SEQ_DIGITS}d}"
    if kind == "AT_TIMESTAMP":
        stamp = request.get("Timestamp")
        if stamp is None:
            raise InvalidArgumentException("Timestamp must be provided for ShardIteratorType AT_TIMESTAMP.")
        when_ms = int(stamp.timestamp() * 1000) if isinstance(stamp, datetime) else int(float(stamp) * 1000)
        if when_ms > ctx.clock.now_ms():
            raise InvalidArgumentException(
                f"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. "
                f"timestampInMillis: {when_ms}, currentTimestampInMillis: {ctx.clock.now_ms()}")
        prefix = store.shard_prefix(ctx.account, ctx.region, stream["name"], shard["id"])
        for key, value in ctx.store.scan(prefix=prefix):
            if store.load(value)["t"] >= when_ms:
                return key[-1]
        return _next_position(ctx, stream, shard)
    raise InvalidArgumentException(f"Invalid ShardIteratorType {kind}.")


def make_iterator(ctx: Ctx, stream: dict[str, Any], sid: str, position: str) -> str:
    """An opaque shard iterator that starts at ``position``."""
    body = {"a": ctx.account, "r": ctx.region, "n": stream["name"], "c": stream["base"], "s": sid,
            "p": position, "i": ctx.clock.now_ms()}
    return base64.b64encode(json.dumps(body, separators=(",", ":")).encode("utf-8")).decode("ascii")


def read_iterator(ctx: Ctx, token: str) -> dict[str, Any]:
    """A shard iterator's contents; InvalidArgumentException or ExpiredIteratorException."""
    try:
        body = json.loads(base64.b64decode(token.encode("ascii"), validate=True))
        if not isinstance(body, dict) or not {"a", "r", "n", "c", "s", "p", "i"} <= body.keys():
            raise ValueError
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidArgumentException("Invalid ShardIterator.") from None
    if body["a"] != ctx.account or body["r"] != ctx.region:
        raise InvalidArgumentException("Invalid ShardIterator.")
    now_ms = ctx.clock.now_ms()
    if now_ms - body["i"] > ITERATOR_LIFETIME_MS:
        raise ExpiredIteratorException(
            f"Iterator expired. The iterator was created at time {_fmt(body['i'])} while right now it is "
            f"{_fmt(now_ms)} which is further in the future than the tolerated delay of "
            f"{ITERATOR_LIFETIME_MS} milliseconds.")
    return body


def _fmt(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def read(ctx: Ctx, stream: dict[str, Any], sid: str, position: str, limit: int) -> dict[str, Any]:
    """Up to ``limit`` records from ``position`` on, skipping those past the retention period."""
    now_ms = ctx.clock.now_ms()
    oldest_ms = now_ms - stream["retention"] * 3600 * 1000
    prefix = store.shard_prefix(ctx.account, ctx.region, stream["name"], sid)
    out: list[dict[str, Any]] = []
    size = 0
    next_position = position
    behind = 0
    more = False
    for key, raw in ctx.store.scan(prefix=prefix, start=prefix + (position,)):
        value = store.load(raw)
        if value["t"] < oldest_ms:
            next_position = _after(key[-1])
            continue
        data = base64.b64decode(value["d"])
        if len(out) >= limit or (out and size + len(data) > MAX_GET_BYTES):
            behind = max(0, now_ms - value["t"])
            more = True
            break
        size += len(data)
        out.append({"SequenceNumber": key[-1], "ApproximateArrivalTimestamp": datetime.fromtimestamp(
            value["t"] / 1000, UTC), "Data": data, "PartitionKey": value["k"]})
        next_position = _after(key[-1])
    return {"Records": out, "NextPosition": next_position, "MillisBehindLatest": behind, "More": more}


def _after(seq: str) -> str:
    return f"{int(seq) + 1:0{streams.SEQ_DIGITS}d}"
