"""Key rotation: automatic rotation on fogbank's clock (applied in ``keys.settle``), on-demand
rotation, and the rotation status and history. Old material versions stay, so every ciphertext
made before a rotation still decrypts.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Ctx
from fogbank.services.kms import crypto, keys
from fogbank.services.kms.errors import LimitExceededException, UnsupportedOperationException, invalid_state
from fogbank.services.kms.lifecycle import customer_managed, page, update

MAX_ON_DEMAND = 10


def _rotatable(record: dict[str, Any], operation: str) -> None:
    """Refuse keys that cannot rotate: asymmetric, HMAC, imported, replicas, unusable states."""
    arn = keys.arn(record)
    if record["spec"] != "SYMMETRIC_DEFAULT":
        raise UnsupportedOperationException(f"{arn} key spec {record['spec']} does not support key rotation.")
    if record["origin"] != "AWS_KMS":
        raise UnsupportedOperationException(f"{arn} origin is {record['origin']} which is not valid for this operation.")
    if record["multi_region"] and record["primary_region"] != record["region"]:
        raise UnsupportedOperationException(f"{arn} is a replica key. Rotation is managed on its primary key.")
    keys.usable(record, operation)


def enable_key_rotation(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Turn on automatic rotation every RotationPeriodInDays (90-2560, default 365)."""
    period = request.get("RotationPeriodInDays") or keys.DEFAULT_ROTATION_DAYS

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "EnableKeyRotation")
        _rotatable(record, "EnableKeyRotation")
        rotation = record["rotation"]
        now = ctx.clock.now()
        if rotation["enabled"] and rotation["next"] is not None:
            base = rotation["next"] - rotation["period"] * keys.DAY
            rotation["next"] = max(base + period * keys.DAY, now)
        else:
            rotation["next"] = now + period * keys.DAY
        rotation["enabled"] = True
        rotation["period"] = period

    update(ctx, request["KeyId"], change)
    return {}


def disable_key_rotation(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Turn off automatic rotation."""

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "DisableKeyRotation")
        _rotatable(record, "DisableKeyRotation")
        record["rotation"].update(enabled=False, next=None, period=None)

    update(ctx, request["KeyId"], change)
    return {}


def _rotation_source(ctx: Ctx, record: dict[str, Any]) -> dict[str, Any]:
    """The record whose rotation settings apply: a replica shares its primary's."""
    if record["multi_region"] and record["primary_region"] != record["region"]:
        primary = keys.load(ctx, record["account"], record["primary_region"], record["id"])
        if primary is not None:
            return primary
    return record


def get_key_rotation_status(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Whether automatic rotation is on, its period and the next rotation date."""
    record = keys.resolve(ctx, request["KeyId"])
    if record["spec"] != "SYMMETRIC_DEFAULT":
        raise UnsupportedOperationException(f"{keys.arn(record)} key spec {record['spec']} does not support key rotation.")
    if record["state"] == "PendingDeletion":
        raise invalid_state(keys.arn(record), record["state"])
    rotation = _rotation_source(ctx, record)["rotation"]
    out: dict[str, Any] = {"KeyRotationEnabled": bool(rotation["enabled"]), "KeyId": keys.arn(record)}
    if rotation["enabled"]:
        out["RotationPeriodInDays"] = rotation["period"]
        out["NextRotationDate"] = keys.when(rotation["next"])
    return out


def rotate_key_on_demand(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Rotate now (at most 10 times per key), whatever the automatic rotation settings."""

    def change(record: dict[str, Any]) -> None:
        customer_managed(record, "RotateKeyOnDemand")
        _rotatable(record, "RotateKeyOnDemand")
        done = sum(1 for m in record["materials"] if m["rotation_type"] == "ON_DEMAND")
        if done >= MAX_ON_DEMAND:
            raise LimitExceededException(
                "The on-demand rotations limit has been reached for the given keyId. "
                f"No more on-demand rotations can be performed for this key: {keys.arn(record)}"
            )
        keys.add_material(record, crypto.generate_material(record["spec"]), ctx.clock.now(), rotation_type="ON_DEMAND")

    record = update(ctx, request["KeyId"], change)
    return {"KeyId": keys.arn(record)}


def list_key_rotations(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """The key's rotations (or, with ALL_KEY_MATERIAL, every material version), oldest first."""
    record = keys.resolve(ctx, request["KeyId"])
    if record["spec"] != "SYMMETRIC_DEFAULT":
        raise UnsupportedOperationException(f"{keys.arn(record)} key spec {record['spec']} does not support key rotation.")
    source = _rotation_source(ctx, record)
    include_all = request.get("IncludeKeyMaterial") == "ALL_KEY_MATERIAL"
    entries = []
    for material in source["materials"]:
        if material["rotation_type"] is None and not include_all:
            continue
        entry: dict[str, Any] = {
            "KeyId": record["id"],
            "KeyMaterialId": material["id"],
            "KeyMaterialState": "CURRENT" if material["id"] == source["current"] else "NON_CURRENT",
            "RotationDate": keys.when(material["created"]),
        }
        if material["rotation_type"]:
            entry["RotationType"] = material["rotation_type"]
        if record["origin"] == "EXTERNAL":
            entry["ImportState"] = "IMPORTED" if material.get("secret") else "PENDING_IMPORT"
        entries.append(entry)
    chosen, extra = page(entries, request, lambda e: e["KeyMaterialId"])
    return {"Rotations": chosen, **extra}

