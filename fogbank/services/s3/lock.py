"""Object Lock: the bucket's lock configuration and default retention, per-version retention
(GOVERNANCE, COMPLIANCE) and legal holds, and the refusal to delete or overwrite protection
that has not ended, judged on fogbank's clock.

A version's lock is kept in its record as ``lock``: ``mode``, ``until`` (epoch seconds) and
``hold`` (``ON``/``OFF``). Deleting a key without a version id only adds a delete marker, which
Object Lock allows; deleting a locked version is refused with ``AccessDenied``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.s3 import buckets, versions
from fogbank.services.s3.buckets import Bucket
from fogbank.services.s3.errors import (
    AccessDenied,
    InvalidBucketState,
    InvalidRequest,
    MalformedXML,
    NoSuchObjectLockConfiguration,
    NoSuchVersion,
    ObjectLockConfigurationNotFoundError,
)

MODES = ("GOVERNANCE", "COMPLIANCE")
DAY = 86400


def enabled(bucket: Bucket) -> bool:
    """Whether the bucket has Object Lock enabled."""
    return (bucket.cfg("object_lock") or {}).get("ObjectLockEnabled") == "Enabled"


def _require(bucket: Bucket) -> None:
    if not enabled(bucket):
        raise InvalidRequest("Bucket is missing Object Lock Configuration")


def for_new_object(ctx: Ctx, bucket: Bucket, request: dict[str, Any]) -> dict[str, Any] | None:
    """The ``lock`` of a new version: the request's, else the bucket's default retention."""
    mode = request.get("ObjectLockMode")
    until = request.get("ObjectLockRetainUntilDate")
    hold = request.get("ObjectLockLegalHoldStatus")
    if mode is None and until is None and hold is None:
        if not enabled(bucket):
            return None
        rule = ((bucket.cfg("object_lock") or {}).get("Rule") or {}).get("DefaultRetention")
        if not rule:
            return None
        days = rule.get("Days") or (rule.get("Years") or 0) * 365
        return {"mode": rule["Mode"], "until": ctx.clock.now() + days * DAY}
    _require(bucket)
    if (mode is None) != (until is None):
        raise InvalidRequest("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
    lock: dict[str, Any] = {}
    if mode is not None:
        if mode not in MODES:
            raise InvalidRequest("Unknown wormMode directive.")
        if until.timestamp() <= ctx.clock.now():
            raise InvalidRequest("The retain until date must be in the future!")
        lock.update(mode=mode, until=until.timestamp())
    if hold is not None:
        lock["hold"] = hold
    return lock


def check_removal(ctx: Ctx, record: dict[str, Any], bypass: bool) -> None:
    """Refuse to delete a version under retention or legal hold."""
    lock = record.get("lock") or {}
    if lock.get("hold") == "ON":
        raise AccessDenied("Access Denied because object protected by object lock.")
    if lock.get("mode") and lock.get("until", 0) > ctx.clock.now():
        if lock["mode"] == "COMPLIANCE" or not bypass:
            raise AccessDenied("Access Denied because object protected by object lock.")


def response_fields(record: dict[str, Any]) -> dict[str, Any]:
    """ObjectLock* members of GetObject/HeadObject."""
    lock = record.get("lock") or {}
    out: dict[str, Any] = {}
    if lock.get("mode"):
        out["ObjectLockMode"] = lock["mode"]
        out["ObjectLockRetainUntilDate"] = datetime.fromtimestamp(lock["until"], UTC)
    if lock.get("hold"):
        out["ObjectLockLegalHoldStatus"] = lock["hold"]
    return out


def _version(ctx: Ctx, request: dict[str, Any]) -> tuple[Bucket, dict[str, Any]]:
    bucket = buckets.load(ctx, request["Bucket"])
    _require(bucket)
    version_id = request.get("VersionId")
    if version_id is None:
        return bucket, versions.find(ctx, bucket, request["Key"], None)
    record = versions.by_id(ctx, bucket, request["Key"], version_id)
    if record is None:
        raise NoSuchVersion(Key=request["Key"], VersionId=version_id)
    return bucket, record


class LockOperations:
    """Object Lock configuration, retention and legal holds."""

    def put_object_lock_configuration(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutObjectLockConfiguration: needs versioning; a default retention of Days or Years."""
        bucket = buckets.load(ctx, request["Bucket"])
        config = request.get("ObjectLockConfiguration") or {}
        if config.get("ObjectLockEnabled") != "Enabled":
            raise MalformedXML()
        if bucket.versioning != "Enabled":
            raise InvalidBucketState("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
        retention = (config.get("Rule") or {}).get("DefaultRetention")
        if retention is not None:
            if retention.get("Mode") not in MODES or (retention.get("Days") is None) == (retention.get("Years") is None):
                raise MalformedXML()
            if (retention.get("Days") or retention.get("Years") or 0) <= 0:
                raise InvalidRequest("Default retention period must be a positive integer value")
        buckets.set_cfg(ctx, bucket.name, "object_lock", config)
        return {}

    def get_object_lock_configuration(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetObjectLockConfiguration."""
        bucket = buckets.load(ctx, request["Bucket"])
        config = bucket.cfg("object_lock")
        if not config:
            raise ObjectLockConfigurationNotFoundError(BucketName=bucket.name)
        return {"ObjectLockConfiguration": config}

    def put_object_retention(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutObjectRetention: COMPLIANCE can only be extended; GOVERNANCE changes need the bypass."""
        bucket, record = _version(ctx, request)
        retention = request.get("Retention") or {}
        mode, until = retention.get("Mode"), retention.get("RetainUntilDate")
        if mode is not None and mode not in MODES:
            raise MalformedXML()
        current = record.get("lock") or {}
        active = current.get("mode") and current.get("until", 0) > ctx.clock.now()
        new_until = until.timestamp() if until is not None else None
        if active:
            shortening = new_until is None or new_until < current["until"] or mode != current["mode"]
            if shortening and (current["mode"] == "COMPLIANCE" or not request.get("BypassGovernanceRetention")):
                raise AccessDenied("Access Denied because object protected by object lock.")
        lock = {k: v for k, v in current.items() if k == "hold"}
        if mode is not None and new_until is not None:
            if new_until <= ctx.clock.now():
                raise InvalidRequest("The retain until date must be in the future!")
            lock.update(mode=mode, until=new_until)
        versions.update(ctx, bucket, record, lock=lock or None)
        return {}

    def get_object_retention(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetObjectRetention."""
        _, record = _version(ctx, request)
        lock = record.get("lock") or {}
        if not lock.get("mode"):
            raise NoSuchObjectLockConfiguration()
        return {"Retention": {"Mode": lock["mode"], "RetainUntilDate": datetime.fromtimestamp(lock["until"], UTC)}}

    def put_object_legal_hold(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutObjectLegalHold: ON or OFF."""
        bucket, record = _version(ctx, request)
        status = (request.get("LegalHold") or {}).get("Status")
        if status not in ("ON", "OFF"):
            raise MalformedXML()
        versions.update(ctx, bucket, record, lock={**(record.get("lock") or {}), "hold": status})
        return {}

    def get_object_legal_hold(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetObjectLegalHold."""
        _, record = _version(ctx, request)
        hold = (record.get("lock") or {}).get("hold")
        if hold is None:
            raise NoSuchObjectLockConfiguration()
        return {"LegalHold": {"Status": hold}}

