"""S3's key layout in the store.

Bucket names are global (one namespace across accounts and regions), so a bucket's record is
found by name alone; everything inside a bucket lives under its owner's account and region:

  ("s3", "bucket", name)                              -> bucket record: account, region, created,
                                                         versioning, configs (cors, policy, ...)
  ("s3", account, region, "obj", bucket, key)        -> the current version of a key (its record)
  ("s3", account, region, "ver", bucket, key, -seq)  -> every version of a key, newest first, in
                                                         buckets that are or were versioned
  ("s3", account, region, "upload", bucket, key, upload_id) -> a multipart upload in progress
  ("s3", account, region, "part", upload_id, part_number)   -> one uploaded part
  ("s3", account, region, "repl", due_ms, seq)       -> a version waiting to be replicated
  ("s3", account, region, "master")                  -> the SSE-S3 master key (wraps data keys)

Object keys are strings in the store, compared by code point (= S3's UTF-8 byte order); they
never become file names: object bytes are blobs with random ids (``ctx.blobs``). Values are
compact JSON.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

SERVICE = "s3"

_SEPARATORS = (",", ":")


def _default(value: Any) -> Any:
    # configurations carry timestamps (lifecycle dates) and, rarely, bytes
    if isinstance(value, datetime):
        return {"$dt": value.timestamp()}
    if isinstance(value, bytes | bytearray):
        return {"$b": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot store {type(value).__name__}")


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$dt" in obj:
            return datetime.fromtimestamp(obj["$dt"], UTC)
        if "$b" in obj:
            return base64.b64decode(obj["$b"])
    return obj


def dumps(value: Any) -> bytes:
    """A record as stored (datetimes and bytes tagged so that ``loads`` restores them)."""
    return json.dumps(value, separators=_SEPARATORS, ensure_ascii=False, default=_default).encode("utf-8")


def loads(raw: bytes) -> Any:
    """A stored record."""
    return json.loads(raw, object_hook=_hook)


def bucket_key(name: str) -> tuple:
    """Where a bucket's record lives (global: bucket names are unique across accounts)."""
    return (SERVICE, "bucket", name)


def buckets_prefix() -> tuple:
    """The prefix of every bucket record."""
    return (SERVICE, "bucket")


def object_key(account: str, region: str, bucket: str, key: str) -> tuple:
    """The current version of ``key``."""
    return (SERVICE, account, region, "obj", bucket, key)


def objects_prefix(account: str, region: str, bucket: str) -> tuple:
    """The prefix of a bucket's current objects."""
    return (SERVICE, account, region, "obj", bucket)


def version_key(account: str, region: str, bucket: str, key: str, seq: int) -> tuple:
    """One version of ``key``; negated ``seq`` so that the newest version comes first."""
    return (SERVICE, account, region, "ver", bucket, key, -seq)


def versions_prefix(account: str, region: str, bucket: str, key: str | None = None) -> tuple:
    """The prefix of a bucket's versions (or of one key's)."""
    base = (SERVICE, account, region, "ver", bucket)
    return base if key is None else base + (key,)


def upload_key(account: str, region: str, bucket: str, key: str, upload_id: str) -> tuple:
    """A multipart upload's record."""
    return (SERVICE, account, region, "upload", bucket, key, upload_id)


def uploads_prefix(account: str, region: str, bucket: str) -> tuple:
    """The prefix of a bucket's multipart uploads, by key then upload id."""
    return (SERVICE, account, region, "upload", bucket)


def part_key(account: str, region: str, upload_id: str, number: int) -> tuple:
    """One uploaded part."""
    return (SERVICE, account, region, "part", upload_id, number)


def parts_prefix(account: str, region: str, upload_id: str) -> tuple:
    """The prefix of an upload's parts, in part-number order."""
    return (SERVICE, account, region, "part", upload_id)


def replication_key(account: str, region: str, due_ms: int, seq: int) -> tuple:
    """A pending replication task."""
    return (SERVICE, account, region, "repl", due_ms, seq)


def replication_prefix(account: str, region: str) -> tuple:
    """The prefix of an account and region's pending replication tasks, earliest first."""
    return (SERVICE, account, region, "repl")


def master_key(account: str, region: str) -> tuple:
    """Where the SSE-S3 master key of an account and region is kept."""
    return (SERVICE, account, region, "master")
