"""Reading and writing secret records: lookup by SecretId (name, full or partial ARN), the
deletion schedule on fogbank's clock, version stages, and the encrypted values of versions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.secretsmanager import crypto, names, store
from fogbank.services.secretsmanager.errors import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceExistsException,
    ResourceNotFoundException,
)

CURRENT, PREVIOUS, PENDING = "AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"
MAX_VERSIONS = 100
MAX_STAGES_PER_VERSION = 20
NOT_FOUND = "Secrets Manager can't find the specified secret."
MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion."


def when(t: float | None) -> datetime | None:
    """A stored epoch time as the aware datetime boto3 gives its users."""
    return None if t is None else datetime.fromtimestamp(t, UTC)


def purge(ctx: Ctx, name: str) -> None:
    with ctx.store.transaction() as txn:
        txn.delete(store.secret_key(ctx.account, ctx.region, name))
        txn.delete_prefix(store.values_prefix(ctx.account, ctx.region, name))


def by_name(ctx: Ctx, name: str) -> dict[str, Any] | None:
    """The record of ``name``, or None; a secret whose recovery window has ended is gone."""
    record = store.load(ctx.store.get(store.secret_key(ctx.account, ctx.region, name)))
    if record is not None and record.get("delete_at") is not None and record["delete_at"] <= ctx.clock.now():
        purge(ctx, name)
        return None
    return record


def find(ctx: Ctx, secret_id: str) -> dict[str, Any] | None:
    """The record a SecretId (name, full ARN or partial ARN) names, or None."""
    for name, arn in names.candidates(secret_id):
        record = by_name(ctx, name)
        if record is None:
            continue
        if arn is not None and record["arn"] != arn:
            continue
        if name != secret_id and not names.arn_matches(secret_id, record["arn"]):
            continue
        return record
    return None


def require(ctx: Ctx, secret_id: str, allow_deleted: bool = False) -> dict[str, Any]:
    """The record a SecretId names; ResourceNotFound if none, InvalidRequest if being deleted."""
    record = find(ctx, secret_id)
    if record is None:
        raise ResourceNotFoundException(NOT_FOUND)
    if record.get("deleted") is not None and not allow_deleted:
        raise InvalidRequestException(MARKED_FOR_DELETION)
    return record


def save(ctx: Ctx, record: dict[str, Any]) -> None:
    """Write a record back."""
    ctx.store.put(store.secret_key(ctx.account, ctx.region, record["name"]), store.dump(record))


def stage_owner(record: dict[str, Any], stage: str) -> str | None:
    """The version id that carries ``stage``, if any."""
    for vid, version in record["versions"].items():
        if stage in version["stages"]:
            return vid
    return None


def version_for(record: dict[str, Any], version_id: str | None, stage: str | None) -> str:
    """The version id a (VersionId, VersionStage) pair selects; AWSCURRENT by default."""
    if version_id is not None:
        version = record["versions"].get(version_id)
        if version is None or not version.get("has_value"):
            raise ResourceNotFoundException(
                f"Secrets Manager can't find the specified secret value for VersionId: {version_id}"
            )
        if stage is not None and stage not in version["stages"]:
            raise InvalidRequestException(
                "You provided a VersionStage that is not associated to the provided VersionId."
            )
        return version_id
    stage = stage or CURRENT
    owner = stage_owner(record, stage)
    if owner is None or not record["versions"][owner].get("has_value"):
        raise ResourceNotFoundException(
            f"Secrets Manager can't find the specified secret value for staging label: {stage}"
        )
    return owner


def stored_value(ctx: Ctx, name: str, version_id: str) -> dict[str, Any]:
    """The stored (encrypted) value of one version."""
    raw = store.load(ctx.store.get(store.value_key(ctx.account, ctx.region, name, version_id)))
    if raw is None:
        raise ResourceNotFoundException(
            f"Secrets Manager can't find the specified secret value for VersionId: {version_id}"
        )
    return raw


def reveal(ctx: Ctx, record: dict[str, Any], version_id: str) -> dict[str, Any]:
    """``{"SecretString": ...}`` or ``{"SecretBinary": ...}`` of one version, decrypted."""
    stored = stored_value(ctx, record["name"], version_id)
    plain = crypto.decrypt(ctx, record["arn"], stored)
    return {"SecretBinary": plain} if stored.get("binary") else {"SecretString": plain.decode()}


def value_of(request: dict[str, Any]) -> tuple[bytes, bool] | None:
    """``(bytes, is_binary)`` of the SecretString or SecretBinary a request carries, or None."""
    has_string, has_binary = "SecretString" in request, "SecretBinary" in request
    if has_string and has_binary:
        raise InvalidParameterException(
            "You can't specify both a binary secret value and a string secret value in the same secret."
        )
    if has_string:
        return request["SecretString"].encode(), False
    if has_binary:
        blob = request["SecretBinary"]
        return (blob.encode() if isinstance(blob, str) else bytes(blob)), True
    return None


def _move_stage(record: dict[str, Any], stage: str, target: str) -> None:
    """Attach ``stage`` to ``target`` alone; AWSCURRENT leaves AWSPREVIOUS on its old owner."""
    old = stage_owner(record, stage)
    if old == target:
        return
    if old is not None:
        record["versions"][old]["stages"].remove(stage)
    record["versions"][target]["stages"].append(stage)
    if stage == CURRENT and old is not None:
        previous = stage_owner(record, PREVIOUS)
        if previous is not None:
            record["versions"][previous]["stages"].remove(PREVIOUS)
        record["versions"][old]["stages"].append(PREVIOUS)


def set_stages(record: dict[str, Any], target: str, stages: list[str]) -> None:
    """Give version ``target`` each of ``stages``, taking them from the versions that had them."""
    if len(set(stages) | set(record["versions"][target]["stages"])) > MAX_STAGES_PER_VERSION:
        raise InvalidParameterException(
            f"A version can have at most {MAX_STAGES_PER_VERSION} staging labels."
        )
    for stage in dict.fromkeys(stages):
        _move_stage(record, stage, target)


def add_version(ctx: Ctx, record: dict[str, Any], version_id: str | None,
                value: tuple[bytes, bool], stages: list[str] | None) -> tuple[str, bool]:
    """Store a new version of ``record`` (not saved yet) holding ``value``; returns
    ``(version id, created)``. A token that names an existing version with the same value is
    an idempotent retry (``created`` False); with another value it is refused."""
    version_id = version_id or str(uuid.uuid4())
    plaintext, binary = value
    existing = record["versions"].get(version_id)
    if existing is not None and existing.get("has_value"):
        current = reveal(ctx, record, version_id)
        same = current.get("SecretBinary") == plaintext if binary else (
            current.get("SecretString", "").encode() == plaintext and "SecretString" in current)
        if not same:
            raise ResourceExistsException("You can't modify an existing version, you can only create a new version.")
        return version_id, False
    blob, key_arn = crypto.encrypt(ctx, record["arn"], record.get("kms_key_id"), plaintext)
    stored = {"blob": blob, "binary": binary, "empty": not plaintext}
    ctx.store.put(store.value_key(ctx.account, ctx.region, record["name"], version_id), store.dump(stored))
    now = ctx.clock.now()
    if existing is None:
        record["versions"][version_id] = {"stages": [], "created": now}
    record["versions"][version_id].update(has_value=True, kms=[key_arn])
    set_stages(record, version_id, stages if stages is not None else [CURRENT])
    record["last_changed"] = now
    _drop_old_versions(ctx, record)
    return version_id, True


def _drop_old_versions(ctx: Ctx, record: dict[str, Any]) -> None:
    """Past MAX_VERSIONS versions, the oldest ones without a staging label are removed."""
    excess = len(record["versions"]) - MAX_VERSIONS
    if excess <= 0:
        return
    for vid in [v for v, version in record["versions"].items() if not version["stages"]][:excess]:
        del record["versions"][vid]
        ctx.store.delete(store.value_key(ctx.account, ctx.region, record["name"], vid))


def new_record(ctx: Ctx, name: str, request: dict[str, Any]) -> dict[str, Any]:
    """The metadata of a new secret (no versions yet)."""
    now = ctx.clock.now()
    return {
        "name": name,
        "arn": names.new_arn(ctx.region, ctx.account, name),
        "description": request.get("Description"),
        "kms_key_id": request.get("KmsKeyId"),
        "tags": list(request.get("Tags") or []),
        "created": now,
        "last_changed": now,
        "last_accessed": None,
        "deleted": None,
        "delete_at": None,
        "rotation": {},
        "policy": None,
        "versions": {},
    }


def check_not_taken(ctx: Ctx, name: str) -> dict[str, Any] | None:
    """The existing secret of ``name`` (for an idempotent retry), refusing one being deleted."""
    record = by_name(ctx, name)
    if record is not None and record.get("deleted") is not None:
        raise InvalidRequestException(
            "You can't create this secret because a secret with this name is already scheduled for deletion."
        )
    return record


def version_stages(record: dict[str, Any]) -> dict[str, list[str]]:
    """VersionIdsToStages: every version that carries at least one staging label."""
    return {vid: list(v["stages"]) for vid, v in record["versions"].items() if v["stages"]}
