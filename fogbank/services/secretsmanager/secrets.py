"""The secret operations: create, read, new values, updates, staging labels, describe, delete
on a recovery window of fogbank's clock, restore, and tags."""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.secretsmanager import names, records, store
from fogbank.services.secretsmanager.errors import (
    InvalidParameterException,
    InvalidRequestException,
    LimitExceededException,
    ResourceExistsException,
)
from fogbank.services.secretsmanager.records import CURRENT, when

DAY = 86400.0
MAX_TAGS = 50


def create(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """CreateSecret: a new secret, with a first version when a value is given."""
    name = request["Name"]
    names.check_name(name)
    value = records.value_of(request)
    token = request.get("ClientRequestToken")
    _check_tags(request.get("Tags") or [])
    existing = records.check_not_taken(ctx, name)
    if existing is not None:
        # a retry with the same token and the same value answers as the first call did
        if token and token in existing["versions"] and value is not None:
            records.add_version(ctx, existing, token, value, [CURRENT])
            return {"ARN": existing["arn"], "Name": name, "VersionId": token}
        raise ResourceExistsException(f"The operation failed because the secret {name} already exists.")
    record = records.new_record(ctx, name, request)
    out: dict[str, Any] = {"ARN": record["arn"], "Name": name}
    if value is not None:
        out["VersionId"], _ = records.add_version(ctx, record, token, value, [CURRENT])
    records.save(ctx, record)
    return out


def get_value(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """GetSecretValue by VersionId and/or VersionStage (AWSCURRENT by default)."""
    record = records.require(ctx, request["SecretId"])
    return read_value(ctx, record, request.get("VersionId"), request.get("VersionStage"))


def read_value(ctx: Ctx, record: dict[str, Any], version_id: str | None, stage: str | None) -> dict[str, Any]:
    """One version's value as GetSecretValue answers it; notes the access (day granularity)."""
    vid = records.version_for(record, version_id, stage)
    out = {"ARN": record["arn"], "Name": record["name"], "VersionId": vid}
    out.update(records.reveal(ctx, record, vid))
    version = record["versions"][vid]
    out["VersionStages"] = list(version["stages"])
    out["CreatedDate"] = when(version["created"])
    today = ctx.clock.now() // DAY * DAY
    if record.get("last_accessed") != today:
        record["last_accessed"] = today
        records.save(ctx, record)
    return out


def put_value(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """PutSecretValue: a new version, AWSCURRENT unless VersionStages says otherwise."""
    record = records.require(ctx, request["SecretId"])
    value = records.value_of(request)
    if value is None:
        raise InvalidRequestException("You must provide either SecretString or SecretBinary.")
    stages = request.get("VersionStages")
    vid, _ = records.add_version(ctx, record, request.get("ClientRequestToken"), value, stages)
    records.save(ctx, record)
    return {"ARN": record["arn"], "Name": record["name"], "VersionId": vid,
            "VersionStages": list(record["versions"][vid]["stages"])}


def update(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateSecret: description, KMS key, and (optionally) a new AWSCURRENT value."""
    record = records.require(ctx, request["SecretId"])
    value = records.value_of(request)
    if "Description" in request:
        record["description"] = request["Description"]
    if "KmsKeyId" in request:
        record["kms_key_id"] = request["KmsKeyId"] or None
    out: dict[str, Any] = {"ARN": record["arn"], "Name": record["name"]}
    if value is not None:
        out["VersionId"], _ = records.add_version(ctx, record, request.get("ClientRequestToken"), value, [CURRENT])
    record["last_changed"] = ctx.clock.now()
    records.save(ctx, record)
    return out


def update_stage(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateSecretVersionStage: move (or remove) one staging label."""
    record = records.require(ctx, request["SecretId"])
    stage = request["VersionStage"]
    move_to, remove_from = request.get("MoveToVersionId"), request.get("RemoveFromVersionId")
    owner = records.stage_owner(record, stage)
    for vid in (move_to, remove_from):
        if vid is not None and vid not in record["versions"]:
            raise InvalidParameterException(f"The version {vid} does not exist for this secret.")
    if remove_from is not None and owner != remove_from:
        raise InvalidParameterException(
            f"The staging label {stage} is currently not attached to version {remove_from}, "
            "so you can't remove it."
        )
    if move_to is not None and owner is not None and owner != move_to and remove_from is None:
        raise InvalidParameterException(
            f"The parameter RemoveFromVersionId can't be empty. Staging label {stage} is currently attached "
            f"to version {owner}, so you must explicitly reference that version in RemoveFromVersionId."
        )
    if move_to is None:
        if stage == CURRENT:
            raise InvalidParameterException(
                "You can only move staging label AWSCURRENT to a different secret version. It can't be "
                "completely removed."
            )
        if owner is not None:
            record["versions"][owner]["stages"].remove(stage)
    else:
        records.set_stages(record, move_to, [stage])
    record["last_changed"] = ctx.clock.now()
    records.save(ctx, record)
    return {"ARN": record["arn"], "Name": record["name"]}


def describe(ctx: Ctx, record: dict[str, Any], versions_key: str = "VersionIdsToStages") -> dict[str, Any]:
    """The DescribeSecret answer of a record (ListSecrets uses it with SecretVersionsToStages)."""
    rotation = record.get("rotation") or {}
    out: dict[str, Any] = {
        "ARN": record["arn"],
        "Name": record["name"],
        "RotationEnabled": bool(rotation.get("enabled")),
        "LastChangedDate": when(record["last_changed"]),
        "CreatedDate": when(record["created"]),
    }
    optional = {
        "Description": record.get("description"),
        "KmsKeyId": record.get("kms_key_id"),
        "RotationLambdaARN": rotation.get("lambda"),
        "RotationRules": rotation.get("rules"),
        "LastRotatedDate": when(rotation.get("last_rotated")),
        "NextRotationDate": when(rotation.get("next")) if rotation.get("enabled") else None,
        "LastAccessedDate": when(record.get("last_accessed")),
        "DeletedDate": when(record.get("deleted")),
        "Tags": list(record["tags"]) if record["tags"] else None,
    }
    out.update({k: v for k, v in optional.items() if v is not None})
    stages = records.version_stages(record)
    if stages:
        out[versions_key] = stages
    return out


def delete(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteSecret: schedule deletion after a recovery window, or delete now when forced."""
    window = request.get("RecoveryWindowInDays")
    force = bool(request.get("ForceDeleteWithoutRecovery"))
    if force and window is not None:
        raise InvalidParameterException(
            "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
        )
    if window is not None and not 7 <= window <= 30:
        raise InvalidParameterException("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
    record = records.require(ctx, request["SecretId"], allow_deleted=force)
    if record.get("deleted") is not None and not force:
        raise InvalidRequestException(records.MARKED_FOR_DELETION)
    now = ctx.clock.now()
    if force:
        records.purge(ctx, record["name"])
        return {"ARN": record["arn"], "Name": record["name"], "DeletionDate": when(now)}
    record["deleted"] = now
    record["delete_at"] = now + (window if window is not None else 30) * DAY
    record["last_changed"] = now
    records.save(ctx, record)
    return {"ARN": record["arn"], "Name": record["name"], "DeletionDate": when(record["delete_at"])}


def restore(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """RestoreSecret: cancel a scheduled deletion."""
    record = records.require(ctx, request["SecretId"], allow_deleted=True)
    if record.get("deleted") is not None:
        record["deleted"] = record["delete_at"] = None
        record["last_changed"] = ctx.clock.now()
        records.save(ctx, record)
    return {"ARN": record["arn"], "Name": record["name"]}


def _check_tags(tags: list[dict[str, str]]) -> None:
    if len(tags) > MAX_TAGS:
        raise LimitExceededException(f"Number of tags exceeds the limit of {MAX_TAGS}.")
    for tag in tags:
        if tag.get("Key", "").lower().startswith("aws:"):
            raise InvalidParameterException("Invalid tag key: the prefix aws: is reserved for AWS use.")


def tag(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """TagResource: add or overwrite tags."""
    record = records.require(ctx, request["SecretId"])
    merged = {t["Key"]: t.get("Value", "") for t in record["tags"]}
    _check_tags(request["Tags"])
    merged.update({t["Key"]: t.get("Value", "") for t in request["Tags"]})
    _check_tags([{"Key": k} for k in merged])
    record["tags"] = [{"Key": k, "Value": v} for k, v in merged.items()]
    record["last_changed"] = ctx.clock.now()
    records.save(ctx, record)
    return {}


def untag(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """UntagResource: remove tags by key."""
    record = records.require(ctx, request["SecretId"])
    drop = set(request["TagKeys"])
    record["tags"] = [t for t in record["tags"] if t["Key"] not in drop]
    record["last_changed"] = ctx.clock.now()
    records.save(ctx, record)
    return {}


def all_records(ctx: Ctx) -> list[dict[str, Any]]:
    """Every secret of the account and Region (those past their recovery window are purged)."""
    out = []
    now = ctx.clock.now()
    for _, raw in list(ctx.store.scan(prefix=store.secrets_prefix(ctx.account, ctx.region))):
        record = store.load(raw)
        if record is None:
            continue
        if record.get("delete_at") is not None and record["delete_at"] <= now:
            records.purge(ctx, record["name"])
            continue
        out.append(record)
    return out
