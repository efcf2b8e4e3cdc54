"""Buckets: names, the global namespace, records and the bucket-level operations.

A bucket record (``store.bucket_key``) is a dict: ``account``, ``region``, ``created`` (epoch
seconds), ``versioning`` (None until first configured, then ``Enabled``/``Suspended``) and
``cfg``, the stored configurations by name (``cors``, ``policy``, ``lifecycle`` ...).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import store as keys
from fogbank.services.s3.errors import (
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraintException,
    InvalidBucketName,
    InvalidLocationConstraint,
    NoSuchBucket,
)

_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def valid_name(name: str) -> bool:
    """Whether ``name`` follows S3's general-purpose bucket naming rules."""
    if not _NAME.match(name) or ".." in name or ".-" in name or "-." in name:
        return False
    if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False


@dataclass
class Bucket:
    """A bucket record and its name."""

    name: str
    record: dict[str, Any]

    @property
    def account(self) -> str:
        return self.record["account"]

    @property
    def region(self) -> str:
        return self.record["region"]

    @property
    def versioning(self) -> str | None:
        """None (never versioned), ``Enabled`` or ``Suspended``."""
        return self.record.get("versioning")

    def cfg(self, name: str) -> Any:
        """A stored configuration, or None."""
        return self.record.get("cfg", {}).get(name)


def load(ctx: Ctx, name: str) -> Bucket:
    """The bucket called ``name``; raises ``NoSuchBucket``."""
    raw = ctx.store.get(keys.bucket_key(name))
    if raw is None:
        raise NoSuchBucket(BucketName=name)
    return Bucket(name, keys.loads(raw))


def save(ctx: Ctx, bucket: Bucket) -> None:
    """Write a bucket record back."""
    ctx.store.put(keys.bucket_key(bucket.name), keys.dumps(bucket.record))


def set_cfg(ctx: Ctx, name: str, cfg: str, value: Any) -> Bucket:
    """Store (or, with None, remove) one configuration of a bucket atomically."""
    with ctx.store.transaction() as txn:
        raw = txn.get(keys.bucket_key(name))
        if raw is None:
            raise NoSuchBucket(BucketName=name)
        record = keys.loads(raw)
        configs = record.setdefault("cfg", {})
        if value is None:
            configs.pop(cfg, None)
        else:
            configs[cfg] = value
        txn.put(keys.bucket_key(name), keys.dumps(record))
    return Bucket(name, record)


def _location(region: str) -> str | None:
    return None if region == "us-east-1" else region


class BucketOperations:
    """Create, head, list, locate and delete buckets."""

    def create_bucket(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateBucket: claims the name globally; LocationConstraint must match the region."""
        name = request["Bucket"]
        if not valid_name(name):
            raise InvalidBucketName(BucketName=name)
        config = request.get("CreateBucketConfiguration") or {}
        constraint = config.get("LocationConstraint")
        region = ctx.region
        if constraint in (None, ""):
            if region != "us-east-1":
                raise IllegalLocationConstraintException()
        elif constraint == "EU" and region == "eu-west-1":
            pass
        elif constraint == "us-east-1":
            raise InvalidLocationConstraint(LocationConstraint=constraint)
        elif constraint != region:
            raise IllegalLocationConstraintException(
                f"The {constraint} location constraint is incompatible for the region specific endpoint this request was sent to."
            )
        with ctx.store.transaction() as txn:
            raw = txn.get(keys.bucket_key(name))
            if raw is not None:
                owner = keys.loads(raw)["account"]
                if owner != ctx.account:
                    raise BucketAlreadyExists(BucketName=name)
                if region != "us-east-1":
                    raise BucketAlreadyOwnedByYou(BucketName=name)
                # us-east-1 answers a repeated create of one's own bucket with success
                return {"Location": f"/{name}"}
            record: dict[str, Any] = {"account": ctx.account, "region": region, "created": ctx.clock.now(), "cfg": {}}
            if constraint == "EU":
                record["constraint"] = "EU"  # the legacy name is what GetBucketLocation answers
            acl = request.get("ACL")
            if acl:
                record["acl"] = acl
            if request.get("ObjectOwnership"):
                record["cfg"]["ownership"] = {"Rules": [{"ObjectOwnership": request["ObjectOwnership"]}]}
            if request.get("ObjectLockEnabledForBucket"):
                record["versioning"] = "Enabled"
                record["cfg"]["object_lock"] = {"ObjectLockEnabled": "Enabled"}
            txn.put(keys.bucket_key(name), keys.dumps(record))
        if region == "us-east-1":
            return {"Location": f"/{name}"}
        return {"Location": f"http://{name}.s3.{region}.amazonaws.com/"}

    def head_bucket(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """HeadBucket: 404 without a body when the bucket does not exist."""
        bucket = load(ctx, request["Bucket"])
        return {"BucketRegion": bucket.region, "AccessPointAlias": False}

    def get_bucket_location(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetBucketLocation: empty for us-east-1, else the region."""
        bucket = load(ctx, request["Bucket"])
        return {"LocationConstraint": bucket.record.get("constraint") or _location(bucket.region)}

    def list_buckets(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListBuckets: the caller's buckets by name, with their regions (prefix, region filter, pages)."""
        prefix = request.get("Prefix") or ""
        region_filter = request.get("BucketRegion")
        start_after = request.get("ContinuationToken") or ""
        limit = request.get("MaxBuckets") or 10000
        out: list[dict[str, Any]] = []
        token = None
        for key, raw in ctx.store.scan(keys.buckets_prefix()):
            name = key[-1]
            if not name.startswith(prefix) or (start_after and name <= start_after):
                continue
            record = keys.loads(raw)
            if record["account"] != ctx.account or (region_filter and record["region"] != region_filter):
                continue
            if len(out) >= limit:
                token = out[-1]["Name"]
                break
            out.append({
                "Name": name,
                "CreationDate": datetime.fromtimestamp(record["created"], UTC),
                "BucketRegion": record["region"],
            })
        result: dict[str, Any] = {"Buckets": out, "Owner": owner(ctx.account)}
        if prefix:
            result["Prefix"] = prefix
        if token:
            result["ContinuationToken"] = token
        return result

    def delete_bucket(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteBucket: refused while objects, versions or uploads remain."""
        name = request["Bucket"]
        bucket = load(ctx, name)
        for prefix in (
            keys.objects_prefix(bucket.account, bucket.region, name),
            keys.versions_prefix(bucket.account, bucket.region, name),
            keys.uploads_prefix(bucket.account, bucket.region, name),
        ):
            if next(iter(ctx.store.scan(prefix, limit=1)), None) is not None:
                raise BucketNotEmpty(BucketName=name)
        ctx.store.delete(keys.bucket_key(name))
        return {}


def owner(account: str) -> dict[str, str]:
    """The Owner element S3 reports for an account."""
    return {"DisplayName": f"fogbank-{account}", "ID": canonical_id(account)}


def canonical_id(account: str) -> str:
    """A stable 64-hex-digit canonical user id for an account."""
    return hashlib.sha256(f"fogbank-canonical-{account}".encode()).hexdigest()
