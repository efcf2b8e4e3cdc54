"""The versions of a key: writing a new version, deleting one, finding the current or a given one.

A bucket that was never versioned keeps only ``obj`` records (version id ``null``). From the
first PutBucketVersioning on, every version is also a ``ver`` record (newest first) and ``obj``
mirrors the newest version unless that is a delete marker. Under ``Suspended`` new writes take
the ``null`` version id, replacing any earlier ``null`` version.

An object record is a dict: ``key``, ``vid``, ``seq`` (µs, orders versions), ``mtime``, ``size``,
``etag`` (quoted), ``segs`` (see ``payload``), ``ct`` content type, ``hdr`` (the other content
headers), ``meta``, ``tags``, ``sums`` (checksums by algorithm), ``ctype`` (checksum type),
``sse``, ``sc`` (storage class), ``restore``, ``parts`` (part sizes of a multipart object),
``dm`` (a delete marker), ``repl`` (replication status).
"""

from __future__ import annotations

import secrets
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import payload
from fogbank.services.s3 import store as keys
from fogbank.services.s3.buckets import Bucket
from fogbank.services.s3.errors import MethodNotAllowed, NoSuchKey, NoSuchVersion

NULL = "null"


def new_version_id() -> str:
    """An opaque version id of S3's length."""
    return secrets.token_urlsafe(24)


def _loc(bucket: Bucket) -> tuple[str, str]:
    return bucket.account, bucket.region


def _seq(txn: Any, bucket: Bucket, key: str, now: float) -> int:
    seq = int(now * 1_000_000)
    newest = next(iter(txn.scan(keys.versions_prefix(*_loc(bucket), bucket.name, key), limit=1)), None)
    if newest is not None:
        seq = max(seq, -newest[0][-1] + 1)
    return seq


def put(ctx: Ctx, bucket: Bucket, key: str, record: dict[str, Any], version_id: str | None = None) -> dict[str, Any]:
    """Make ``record`` the newest version of ``key`` (a delete marker when ``record['dm']``).

    Sets ``vid`` (``version_id`` when given: replicas keep their source's id) and ``seq`` on the
    record, removes the blobs of any version it replaces, and returns the record.
    """
    account, region = _loc(bucket)
    okey = keys.object_key(account, region, bucket.name, key)
    replaced: list[list[Any]] = []
    record["key"] = key
    with ctx.store.transaction() as txn:
        if bucket.versioning is None:
            record["vid"] = NULL
            record["seq"] = int(record.get("mtime", ctx.clock.now()) * 1_000_000)
            old = txn.get(okey)
            if old is not None:
                replaced.append(keys.loads(old).get("segs") or [])
            if record.get("dm"):
                txn.delete(okey)
            else:
                txn.put(okey, keys.dumps(record))
        else:
            seq = _seq(txn, bucket, key, record.get("mtime", ctx.clock.now()))
            record["seq"] = seq
            if version_id is not None and version_id != NULL:
                record["vid"] = version_id
            elif bucket.versioning == "Enabled":
                record["vid"] = new_version_id()
            else:
                record["vid"] = NULL
                for vkey, raw in txn.scan(keys.versions_prefix(account, region, bucket.name, key)):
                    old_rec = keys.loads(raw)
                    if old_rec["vid"] == NULL:
                        txn.delete(vkey)
                        replaced.append(old_rec.get("segs") or [])
                        break
            txn.put(keys.version_key(account, region, bucket.name, key, seq), keys.dumps(record))
            if record.get("dm"):
                txn.delete(okey)
            else:
                txn.put(okey, keys.dumps(record))
    for segs in replaced:
        payload.delete(ctx, segs)
    return record


def update(ctx: Ctx, bucket: Bucket, record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Change fields of an existing version in place (tags, restore state, replication status)."""
    account, region = _loc(bucket)
    key = record["key"]
    okey = keys.object_key(account, region, bucket.name, key)
    vkey = keys.version_key(account, region, bucket.name, key, record["seq"])
    with ctx.store.transaction() as txn:
        current = txn.get(okey)
        versioned = txn.get(vkey)
        fresh = keys.loads(versioned or current or b"null")
        if fresh is None or fresh.get("vid") != record["vid"]:
            return record
        for name, value in changes.items():
            if value is None:
                fresh.pop(name, None)
            else:
                fresh[name] = value
        data = keys.dumps(fresh)
        if versioned is not None:
            txn.put(vkey, data)
        if current is not None and keys.loads(current).get("vid") == record["vid"]:
            txn.put(okey, data)
    return fresh


def current(ctx: Ctx, bucket: Bucket, key: str) -> dict[str, Any] | None:
    """The current version of ``key`` (None when absent or deleted)."""
    raw = ctx.store.get(keys.object_key(*_loc(bucket), bucket.name, key))
    return keys.loads(raw) if raw is not None else None


def find(ctx: Ctx, bucket: Bucket, key: str, version_id: str | None) -> dict[str, Any]:
    """The version asked for (the current one without ``version_id``); raises S3's errors.

    A delete marker as the current version is ``NoSuchKey`` with ``x-amz-delete-marker``; a
    delete marker asked for by id is ``MethodNotAllowed`` (405), as S3 answers GET and HEAD.
    """
    if version_id is None:
        record = current(ctx, bucket, key)
        if record is not None:
            return record
        if bucket.versioning is not None:
            newest = next(iter(ctx.store.scan(keys.versions_prefix(*_loc(bucket), bucket.name, key), limit=1)), None)
            if newest is not None:
                marker = keys.loads(newest[1])
                if marker.get("dm"):
                    raise NoSuchKey(Key=key, headers={"x-amz-delete-marker": "true", "x-amz-version-id": marker["vid"]})
        raise NoSuchKey(Key=key)
    record = by_id(ctx, bucket, key, version_id)
    if record is None:
        raise NoSuchVersion(Key=key, VersionId=version_id)
    if record.get("dm"):
        raise MethodNotAllowed(
            headers={"x-amz-delete-marker": "true", "x-amz-version-id": version_id, "Allow": "DELETE"},
            Method="GET", ResourceType="DeleteMarker",
        )
    return record


def by_id(ctx: Ctx, bucket: Bucket, key: str, version_id: str) -> dict[str, Any] | None:
    """One version by id (delete markers included), or None."""
    if bucket.versioning is None:
        record = current(ctx, bucket, key)
        return record if record is not None and version_id == NULL else None
    for _, raw in ctx.store.scan(keys.versions_prefix(*_loc(bucket), bucket.name, key)):
        record = keys.loads(raw)
        if record["vid"] == version_id:
            return record
    return None


def remove(ctx: Ctx, bucket: Bucket, key: str, version_id: str) -> dict[str, Any] | None:
    """Delete one version for good (and its blobs); the newest remaining one becomes current.

    Returns the removed record, or None when there was no such version.
    """
    account, region = _loc(bucket)
    okey = keys.object_key(account, region, bucket.name, key)
    removed: dict[str, Any] | None = None
    with ctx.store.transaction() as txn:
        if bucket.versioning is None:
            raw = txn.get(okey)
            if raw is None or version_id != NULL:
                return None
            removed = keys.loads(raw)
            txn.delete(okey)
        else:
            prefix = keys.versions_prefix(account, region, bucket.name, key)
            for vkey, raw in txn.scan(prefix):
                record = keys.loads(raw)
                if record["vid"] == version_id:
                    removed = record
                    txn.delete(vkey)
                    break
            if removed is None:
                return None
            newest = next(iter(txn.scan(prefix, limit=1)), None)
            if newest is None or keys.loads(newest[1]).get("dm"):
                txn.delete(okey)
            else:
                txn.put(okey, newest[1])
    payload.delete(ctx, removed.get("segs"))
    return removed


def start_versioning(ctx: Ctx, bucket: Bucket) -> None:
    """First versioning configuration: every existing object becomes its ``null`` version."""
    account, region = _loc(bucket)
    with ctx.store.transaction() as txn:
        for _, raw in txn.scan(keys.objects_prefix(account, region, bucket.name)):
            record = keys.loads(raw)
            txn.put(keys.version_key(account, region, bucket.name, record["key"], record["seq"]), raw)
