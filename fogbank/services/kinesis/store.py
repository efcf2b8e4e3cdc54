"""Kinesis's key layout in the store. Every key starts with ("kinesis", account, region).

  (..., "stream", name)                 -> stream record (ARN, status, mode, retention, shards, tags)
  (..., "next", name, shard_id)         -> the shard's next sequence counter (decimal text)
  (..., "rec", name, shard_id, seq)     -> one data record; seq is the 56-digit sequence number
                                           as text, fixed width, so key order is sequence order
                                           and reads are range scans from an iterator's position

Record values are JSON: {"d": base64 data, "k": partition key, "t": arrival ms}.
"""

from __future__ import annotations

# records are stored in the shared JSON form
from fogbank.store.records import dump as dump
from fogbank.store.records import load as load

SERVICE = "kinesis"



def stream_key(account: str, region: str, name: str) -> tuple:
    """Where a stream's record lives."""
    return (SERVICE, account, region, "stream", name)


def streams_prefix(account: str, region: str) -> tuple:
    """The prefix of all stream records of an account and region."""
    return (SERVICE, account, region, "stream")


def counter_key(account: str, region: str, name: str, shard_id: str) -> tuple:
    """A shard's next sequence counter."""
    return (SERVICE, account, region, "next", name, shard_id)


def record_key(account: str, region: str, name: str, shard_id: str, seq: str) -> tuple:
    """Where one data record lives."""
    return (SERVICE, account, region, "rec", name, shard_id, seq)


def shard_prefix(account: str, region: str, name: str, shard_id: str) -> tuple:
    """The prefix of a shard's records, in sequence order."""
    return (SERVICE, account, region, "rec", name, shard_id)


def per_stream_prefixes(account: str, region: str, name: str) -> list[tuple]:
    """Every prefix holding a stream's records and counters."""
    return [(SERVICE, account, region, kind, name) for kind in ("next", "rec")]
