"""KMS key lifecycle: create, describe, list, enable/disable, scheduled deletion, descriptions,
tags and key policies.

Rotation, multi-Region replication and imported key material are in ``rotation``,
``replication`` and ``importing``.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.errors import InvalidInput
from fogbank.services.kms import crypto, keys, policy
from fogbank.services.kms import store as kstore
from fogbank.services.kms.errors import (
    AccessDeniedException,
    InvalidMarkerException,
    KMSInvalidStateException,
    NotFoundException,
    TagException,
    UnsupportedOperationException,
    invalid_state,
)

MAX_TAGS = 50
MIN_WINDOW, MAX_WINDOW, DEFAULT_WINDOW = 7, 30, 30
#: the states of a key whose deletion is scheduled
PENDING = ("PendingDeletion", "PendingReplicaDeletion")
SUPPORTED_ORIGINS = ("AWS_KMS", "EXTERNAL")


def customer_managed(record: dict[str, Any], operation: str) -> None:
    """Refuse a change to an AWS managed key, which only AWS may change."""
    if record["manager"] == "AWS":
        raise AccessDeniedException(
            f"User is not authorized to perform: kms:{operation} on resource: {keys.arn(record)} "
            "because the resource is an AWS managed key"
        )


def check_tags(tags: list[dict[str, str]], existing: list[dict[str, str]] | None = None) -> list[dict[str, str]]:
    """Merge ``tags`` into ``existing`` (same key: new value), enforcing KMS's tag rules."""
    merged = {t["TagKey"]: t["TagValue"] for t in existing or []}
    for tag in tags:
        if tag["TagKey"].lower().startswith("aws:"):
            raise TagException("Tags beginning with aws: are reserved.")
        merged[tag["TagKey"]] = tag["TagValue"]
    if len(merged) > MAX_TAGS:
        raise TagException(f"Too many tags: a key can have at most {MAX_TAGS} tags.")
    return [{"TagKey": k, "TagValue": v} for k, v in merged.items()]


def page(items: list[Any], request: dict[str, Any], marker_of: Any, default_limit: int = 100) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``items`` by Limit/Marker (the marker is the first item's ``marker_of``)."""
    limit = request.get("Limit") or default_limit
    start = 0
    marker = request.get("Marker")
    if marker is not None:
        positions = [i for i, item in enumerate(items) if marker_of(item) == marker]
        if not positions:
            raise InvalidMarkerException("Invalid marker")
        start = positions[0]
    chosen = items[start : start + limit]
    rest = items[start + limit :]
    extra: dict[str, Any] = {"Truncated": bool(rest)}
    if rest:
        extra["NextMarker"] = marker_of(rest[0])
    return chosen, extra


def create_key(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Create a key of any supported spec and usage, with fresh material unless EXTERNAL."""
    if request.get("KeySpec") and request.get("CustomerMasterKeySpec"):
        raise InvalidInput(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
            "CustomerMasterKeySpec parameter is deprecated. Use KeySpec instead"
        )
    spec = request.get("KeySpec") or request.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    if spec not in crypto.USAGES:
        raise UnsupportedOperationException(f"KeySpec {spec} is not supported by fogbank.")
    usage = request.get("KeyUsage") or "ENCRYPT_DECRYPT"
    if usage not in crypto.USAGES[spec]:
        raise InvalidInput(f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    origin = request.get("Origin") or "AWS_KMS"
    if origin not in SUPPORTED_ORIGINS or request.get("CustomKeyStoreId") or request.get("XksKeyId"):
        raise UnsupportedOperationException(f"Origin {origin} (custom key stores) is not supported by fogbank.")
    text = request.get("Policy")
    if text is not None:
        policy.check(text)
    record = keys.create(
        ctx,
        spec=spec,
        usage=usage,
        description=request.get("Description", ""),
        origin=origin,
        policy_text=text,
        tags=check_tags(request.get("Tags", [])),
        multi_region=bool(request.get("MultiRegion")),
    )
    return {"KeyMetadata": keys.metadata(ctx, record)}


def describe_key(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """A key's metadata (an ``alias/aws/<service>`` key is created on first use)."""
    return {"KeyMetadata": keys.metadata(ctx, keys.resolve(ctx, request["KeyId"]))}


def live_keys(ctx: Ctx) -> list[dict[str, Any]]:
    """Every key of the caller's account and Region, after the clock's changes, in id order."""
    ids = [key[-1] for key, _ in ctx.store.scan(prefix=kstore.keys_prefix(ctx.account, ctx.region))]
    found = []
    for key_id in ids:
        record = keys.load(ctx, ctx.account, ctx.region, key_id)
        if record is not None:
            found.append(record)
    return found


def list_keys(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """The keys of the account and Region (including those pending deletion)."""
    entries = [{"KeyId": r["id"], "KeyArn": keys.arn(r)} for r in live_keys(ctx)]
    chosen, extra = page(entries, request, lambda e: e["KeyId"])
    return {"Keys": chosen, **extra}


def update(ctx: Ctx, key_id: str, change: Any) -> dict[str, Any]:
    """Apply ``change(record)`` to a key and store it atomically; returns the record."""
    record = keys.resolve(ctx, key_id)
    with ctx.store.transaction() as txn:
        fresh = kstore.load(txn.get(kstore.key_key(record["account"], record["region"], record["id"]))) or record
        change(fresh)
        txn.put(kstore.key_key(fresh["account"], fresh["region"], fresh["id"]), kstore.dump(fresh))
    return fresh


def enable_key(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Enable a disabled key."""

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "EnableKey")
        if record["state"] not in ("Enabled", "Disabled"):
            raise invalid_state(keys.arn(record), record["state"])
        record["state"] = "Enabled"
        rotation = record["rotation"]
        if rotation["enabled"] and rotation["next"] is not None:
            # a rotation missed while disabled happens once, now
            rotation["next"] = max(rotation["next"], ctx.clock.now())

    update(ctx, request["KeyId"], change)
    return {}


def disable_key(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Disable a key: it refuses cryptographic use until enabled again."""

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "DisableKey")
        if record["state"] not in ("Enabled", "Disabled"):
            raise invalid_state(keys.arn(record), record["state"])
        record["state"] = "Disabled"

    update(ctx, request["KeyId"], change)
    return {}


def schedule_key_deletion(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Schedule deletion after a 7-30 day waiting period, on fogbank's clock."""
    window = request.get("PendingWindowInDays", DEFAULT_WINDOW)
    if window < MIN_WINDOW:
        raise InvalidInput(
            f"1 validation error detected: Value '{window}' at 'pendingWindowInDays' failed to satisfy "
            f"constraint: Member must have value greater than or equal to {MIN_WINDOW}"
        )
    if window > MAX_WINDOW:
        raise InvalidInput(
            f"1 validation error detected: Value '{window}' at 'pendingWindowInDays' failed to satisfy "
            f"constraint: Member must have value less than or equal to {MAX_WINDOW}"
        )

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "ScheduleKeyDeletion")
        if record["state"] in PENDING:
            raise invalid_state(keys.arn(record), record["state"])
        record["pending_window"] = window
        if record["multi_region"] and record["primary_region"] == record["region"] and record["replicas"]:
            # a primary outlives its replicas: its waiting period starts when the last one is deleted
            record["state"] = "PendingReplicaDeletion"
            record["deletion_date"] = None
            return
        record["state"] = "PendingDeletion"
        record["deletion_date"] = ctx.clock.now() + window * keys.DAY

    record = update(ctx, request["KeyId"], change)
    answer = {"KeyId": keys.arn(record), "KeyState": record["state"], "PendingWindowInDays": window}
    if record["deletion_date"] is not None:
        answer["DeletionDate"] = keys.when(record["deletion_date"])
    return answer


def cancel_key_deletion(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Cancel a scheduled deletion; the key comes back Disabled, as in AWS."""

    def change(record: dict[str, Any]) -> None:
        if record["state"] not in PENDING:
            raise KMSInvalidStateException(f"{keys.arn(record)} is not pending deletion.")
        has_material = record["origin"] != "EXTERNAL" or keys.secret(record) is not None
        record["state"] = "Disabled" if has_material else "PendingImport"
        record["deletion_date"] = None
        record["pending_window"] = None

    record = update(ctx, request["KeyId"], change)
    return {"KeyId": keys.arn(record)}


def update_key_description(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Change a key's description."""

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "UpdateKeyDescription")
        if record["state"] == "PendingDeletion":
            raise invalid_state(keys.arn(record), record["state"])
        record["description"] = request["Description"]

    update(ctx, request["KeyId"], change)
    return {}


def tag_resource(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Add or replace tags on a customer managed key."""

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "TagResource")
        if record["state"] == "PendingDeletion":
            raise invalid_state(keys.arn(record), record["state"])
        record["tags"] = check_tags(request["Tags"], record["tags"])

    update(ctx, request["KeyId"], change)
    return {}


def untag_resource(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Remove tags from a key by tag key."""
    gone = set(request["TagKeys"])

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "UntagResource")
        if record["state"] == "PendingDeletion":
            raise invalid_state(keys.arn(record), record["state"])
        record["tags"] = [t for t in record["tags"] if t["TagKey"] not in gone]

    update(ctx, request["KeyId"], change)
    return {}


def list_resource_tags(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """A key's tags."""
    record = keys.resolve(ctx, request["KeyId"])
    chosen, extra = page(list(record["tags"]), request, lambda t: t["TagKey"], default_limit=50)
    return {"Tags": chosen, **extra}


def _policy_name(request: dict[str, Any]) -> str:
    name = request.get("PolicyName") or policy.POLICY_NAME
    if name != policy.POLICY_NAME:
        raise NotFoundException("No such policy exists")
    return name


def get_key_policy(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """A key's policy document (``default`` is the only policy name)."""
    name = _policy_name(request)
    record = keys.resolve(ctx, request["KeyId"])
    return {"Policy": record["policy"], "PolicyName": name}


def put_key_policy(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Replace a key's policy document."""
    _policy_name(request)
    policy.check(request["Policy"])

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "PutKeyPolicy")
        if record["state"] == "PendingDeletion":
            raise invalid_state(keys.arn(record), record["state"])
        record["policy"] = request["Policy"]

    update(ctx, request["KeyId"], change)
    return {}


def list_key_policies(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """The names of a key's policies: always just ``default``."""
    keys.resolve(ctx, request["KeyId"])
    return {"PolicyNames": [policy.POLICY_NAME], "Truncated": False}
