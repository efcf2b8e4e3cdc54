"""KMS keys: records, how a KeyId names one, and the changes fogbank's clock makes to them.

A key record is a JSON dict (see ``store.py``). Time-driven changes happen when a key is next
touched (read by any operation or listed): a key whose deletion date has passed is deleted with
its aliases and grants; automatic rotation adds one key material version per elapsed rotation
period while the key is enabled; imported material whose ValidTo has passed is removed and the
key becomes PendingImport.
"""

from __future__ import annotations

import functools
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.kms import crypto, policy
from fogbank.services.kms import store as kstore
from fogbank.services.kms.errors import (
    alias_not_found,
    disabled,
    invalid_key_id,
    invalid_state,
    key_not_found,
    wrong_usage,
)

DAY = 86400
DEFAULT_ROTATION_DAYS = 365

_KEY_ID = re.compile(r"^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)/(.+)$")


def key_arn(region: str, account: str, key_id: str) -> str:
    """The ARN of a key."""
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def alias_arn(region: str, account: str, name: str) -> str:
    """The ARN of an alias (``name`` starts with ``alias/``)."""
    return f"arn:aws:kms:{region}:{account}:{name}"


def new_key_id(multi_region: bool) -> str:
    """A fresh key id: a UUID, or ``mrk-`` and 32 hex digits for a multi-Region key."""
    return "mrk-" + uuid.uuid4().hex if multi_region else str(uuid.uuid4())


def when(epoch: float | None) -> datetime | None:
    """A stored epoch time as boto3 returns timestamps."""
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def new_record(
    ctx: Ctx,
    key_id: str,
    *,
    spec: str,
    usage: str,
    description: str,
    origin: str,
    manager: str,
    policy_text: str,
    tags: list[dict[str, str]],
    multi_region: bool,
) -> dict[str, Any]:
    """A new key record in ``ctx``'s account and Region, with fresh material unless EXTERNAL."""
    now = ctx.clock.now()
    record: dict[str, Any] = {
        "id": key_id,
        "account": ctx.account,
        "region": ctx.region,
        "created": now,
        "description": description,
        "usage": usage,
        "spec": spec,
        "origin": origin,
        "manager": manager,
        "state": "Enabled",
        "deletion_date": None,
        "pending_window": None,
        "policy": policy_text,
        "tags": tags,
        "multi_region": multi_region,
        "primary_region": ctx.region if multi_region else None,
        "replicas": [],
        "materials": [],
        "current": None,
        "public": None,
        "rotation": {"enabled": False, "period": None, "next": None, "on_demand_started": None},
        "import": None,
    }
    if origin == "EXTERNAL":
        record["state"] = "PendingImport"
    else:
        add_material(record, crypto.generate_material(spec), now, rotation_type=None)
    return record


def add_material(
    record: dict[str, Any], secret: bytes, at: float, *, rotation_type: str | None, material_id: str | None = None
) -> str:
    """Add a key material version and make it current. Returns its id."""
    mid = material_id or crypto.new_material_id()
    record["materials"].append(
        {"id": mid, "secret": kstore.b64(secret), "created": at, "rotation_type": rotation_type, "valid_to": None}
    )
    record["current"] = mid
    if record["spec"] not in ("SYMMETRIC_DEFAULT", *crypto.HMAC_BYTES):
        record["public"] = kstore.b64(crypto.public_der(secret))
    return mid


def arn(record: dict[str, Any]) -> str:
    """The ARN of a key record."""
    return key_arn(record["region"], record["account"], record["id"])


def secret(record: dict[str, Any], material_id: str | None = None) -> bytes | None:
    """The key material version ``material_id`` (default: current), or None when it is gone."""
    wanted = material_id or record["current"]
    for material in record["materials"]:
        if material["id"] == wanted and material.get("secret"):
            return kstore.unb64(material["secret"])
    return None


# -- the clock ----------------------------------------------------------------------------


def _due(record: dict[str, Any], now: float) -> bool:
    """Whether ``settle`` would change anything at ``now``."""
    if record["state"] == "PendingDeletion" and record["deletion_date"] is not None and now >= record["deletion_date"]:
        return True
    imported = record.get("import")
    if imported and imported.get("valid_to") is not None and now >= imported["valid_to"]:
        return True
    rotation = record["rotation"]
    return bool(rotation["enabled"] and rotation["next"] is not None and record["state"] == "Enabled" and now >= rotation["next"])


def settle(record: dict[str, Any], now: float) -> str:
    """Apply what the clock has made due: ``"deleted"``, ``"changed"`` or ``"same"``."""
    if record["state"] == "PendingDeletion" and record["deletion_date"] is not None and now >= record["deletion_date"]:
        return "deleted"
    changed = False
    imported = record.get("import")
    if imported and imported.get("valid_to") is not None and now >= imported["valid_to"] and record["state"] != "PendingImport":
        for material in record["materials"]:
            material["secret"] = None
        imported["valid_to"] = None
        if record["state"] != "PendingDeletion":
            record["state"] = "PendingImport"
        changed = True
    rotation = record["rotation"]
    if rotation["enabled"] and rotation["next"] is not None and record["state"] == "Enabled":
        period = rotation["period"] * DAY
        while now >= rotation["next"]:
            add_material(record, crypto.generate_material(record["spec"]), rotation["next"], rotation_type="AUTOMATIC")
            rotation["next"] += period
            changed = True
    return "changed" if changed else "same"


# -- naming a key ----------------------------------------------------------------------------


def parse_key_id(ctx: Ctx, key_id: str) -> tuple[str, str, str, str]:
    """``(kind, account, region, name)`` of a KeyId: kind ``key`` (name = id) or ``alias``."""
    match = _ARN.match(key_id)
    if match:
        region, account, kind, name = match.groups()
        if kind == "alias":
            name = "alias/" + name
        return kind, account, region, name
    if key_id.startswith("alias/"):
        return "alias", ctx.account, ctx.region, key_id
    if _KEY_ID.match(key_id):
        return "key", ctx.account, ctx.region, key_id
    raise invalid_key_id(key_id)


def load(ctx: Ctx, account: str, region: str, key_id: str) -> dict[str, Any] | None:
    """The record of a key after the clock's changes, or None when it does not exist."""
    # most reads find nothing due: settle a copy first and write only when the clock changed something
    record = kstore.load(ctx.store.get(kstore.key_key(account, region, key_id)))
    if record is None:
        return None
    if record["state"] == "PendingReplicaDeletion" and record["replicas"]:
        for replica_region in list(record["replicas"]):
            # a replica past its deletion date leaves its primary's list (and may start its countdown)
            load(ctx, account, replica_region, key_id)
        record = kstore.load(ctx.store.get(kstore.key_key(account, region, key_id)))
        if record is None:
            return None
    if not _due(record, ctx.clock.now()):
        return record
    with ctx.store.transaction() as txn:
        record = kstore.load(txn.get(kstore.key_key(account, region, key_id)))
        if record is None:
            return None
        outcome = settle(record, ctx.clock.now())
        if outcome == "deleted":
            remove(txn, record)
            return None
        if outcome == "changed":
            txn.put(kstore.key_key(account, region, key_id), kstore.dump(record))
    return record


def remove(txn: Any, record: dict[str, Any]) -> None:
    """Delete a key with its aliases, grants and import parameters (inside a transaction)."""
    account, region, key_id = record["account"], record["region"], record["id"]
    txn.delete(kstore.key_key(account, region, key_id))
    txn.delete(kstore.import_key(account, region, key_id))
    txn.delete_prefix(kstore.grants_prefix(account, region, key_id))
    for akey, raw in list(txn.scan(prefix=kstore.aliases_prefix(account, region))):
        if kstore.load(raw)["target"] == key_id:
            txn.delete(akey)
    if record["multi_region"] and record["primary_region"] != region:
        primary = kstore.load(txn.get(kstore.key_key(account, record["primary_region"], key_id)))
        if primary is not None and region in primary["replicas"]:
            primary["replicas"].remove(region)
            if primary["state"] == "PendingReplicaDeletion" and not primary["replicas"]:
                # the primary's own waiting period begins when its last replica is deleted
                gone_at = record["deletion_date"] if record["deletion_date"] is not None else primary["created"]
                primary["state"] = "PendingDeletion"
                primary["deletion_date"] = gone_at + primary["pending_window"] * DAY
            txn.put(kstore.key_key(account, record["primary_region"], key_id), kstore.dump(primary))


def save(ctx: Ctx, record: dict[str, Any]) -> None:
    """Write a key record back."""
    ctx.store.put(kstore.key_key(record["account"], record["region"], record["id"]), kstore.dump(record))


def resolve(ctx: Ctx, key_id: str) -> dict[str, Any]:
    """The key a KeyId (id, ARN, alias name or alias ARN) names; ``NotFoundException`` otherwise.

    ``alias/aws/<service>`` names an AWS managed key, made on first use as AWS does.
    """
    kind, account, region, name = parse_key_id(ctx, key_id)
    if kind == "alias":
        if region != ctx.region:
            raise alias_not_found(alias_arn(region, account, name))
        alias = kstore.load(ctx.store.get(kstore.alias_key(account, region, name)))
        if alias is None:
            if name.startswith("alias/aws/") and account == ctx.account:
                return ensure_managed(ctx, name)
            raise alias_not_found(alias_arn(region, account, name))
        name = alias["target"]
    record = load(ctx, account, region, name) if region == ctx.region else None
    if record is None:
        raise key_not_found(key_arn(region, account, name))
    return record


def usable(record: dict[str, Any], operation: str, usage: str | None = None) -> None:
    """Raise unless the key is enabled and (when ``usage`` is given) has that key usage."""
    state = record["state"]
    if state == "Disabled":
        raise disabled(arn(record))
    if state != "Enabled":
        raise invalid_state(arn(record), state)
    if usage is not None and record["usage"] != usage:
        raise wrong_usage(arn(record), record["usage"], operation)


def all_materials(ctx: Ctx, record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every material version a key can decrypt with, by id (a replica adds its primary's)."""
    found = {m["id"]: m for m in record["materials"]}
    if record["multi_region"] and record["primary_region"] != record["region"]:
        primary = load(ctx, record["account"], record["primary_region"], record["id"])
        if primary is not None:
            for material in primary["materials"]:
                found.setdefault(material["id"], material)
    return found


def current_material(ctx: Ctx, record: dict[str, Any]) -> tuple[str, bytes]:
    """The id and secret a key encrypts with now (a replica follows its primary's rotations)."""
    if record["multi_region"] and record["primary_region"] != record["region"]:
        primary = load(ctx, record["account"], record["primary_region"], record["id"])
        if primary is not None and primary["current"]:
            found = secret(primary)
            if found is not None:
                return primary["current"], found
    found = secret(record)
    if found is None:
        raise invalid_state(arn(record), "PendingImport")
    return record["current"], found


def metadata(ctx: Ctx, record: dict[str, Any]) -> dict[str, Any]:
    """The KeyMetadata DescribeKey answers for a record."""
    meta: dict[str, Any] = {
        "AWSAccountId": record["account"],
        "KeyId": record["id"],
        "Arn": arn(record),
        "CreationDate": when(record["created"]),
        "Enabled": record["state"] == "Enabled",
        "Description": record["description"],
        "KeyUsage": record["usage"],
        "KeyState": record["state"],
        "Origin": record["origin"],
        "KeyManager": record["manager"],
        "CustomerMasterKeySpec": record["spec"],
        "KeySpec": record["spec"],
        "MultiRegion": record["multi_region"],
        **crypto.algorithms_for(record["spec"], record["usage"]),
    }
    if record["state"] == "PendingDeletion":
        meta["DeletionDate"] = when(record["deletion_date"])
        meta["PendingDeletionWindowInDays"] = record["pending_window"]
    if record["state"] == "PendingReplicaDeletion":
        meta["PendingDeletionWindowInDays"] = record["pending_window"]
    if record["current"] and record["spec"] == "SYMMETRIC_DEFAULT" and record["state"] != "PendingImport":
        meta["CurrentKeyMaterialId"] = record["current"]
    if record["origin"] == "EXTERNAL":
        imported = record.get("import") or {}
        meta["ExpirationModel"] = imported.get("expiration_model") or "KEY_MATERIAL_EXPIRES"
        if imported.get("valid_to") is not None:
            meta["ValidTo"] = when(imported["valid_to"])
    if record["multi_region"]:
        meta["MultiRegionConfiguration"] = multi_region_configuration(ctx, record)
    return meta


def multi_region_configuration(ctx: Ctx, record: dict[str, Any]) -> dict[str, Any]:
    """The MultiRegionConfiguration of a multi-Region key (primary or replica)."""
    account, key_id = record["account"], record["id"]
    primary_region = record["primary_region"]
    primary = record if primary_region == record["region"] else load(ctx, account, primary_region, key_id)
    replicas = primary["replicas"] if primary is not None else []
    return {
        "MultiRegionKeyType": "PRIMARY" if primary_region == record["region"] else "REPLICA",
        "PrimaryKey": {"Arn": key_arn(primary_region, account, key_id), "Region": primary_region},
        "ReplicaKeys": [{"Arn": key_arn(r, account, key_id), "Region": r} for r in replicas],
    }


def create(
    ctx: Ctx,
    *,
    spec: str = "SYMMETRIC_DEFAULT",
    usage: str = "ENCRYPT_DECRYPT",
    description: str = "",
    origin: str = "AWS_KMS",
    manager: str = "CUSTOMER",
    policy_text: str | None = None,
    tags: list[dict[str, str]] | None = None,
    multi_region: bool = False,
) -> dict[str, Any]:
    """Create and store a key in ``ctx``'s account and Region."""
    key_id = new_key_id(multi_region)
    record = new_record(
        ctx,
        key_id,
        spec=spec,
        usage=usage,
        description=description,
        origin=origin,
        manager=manager,
        policy_text=policy_text or policy.default_policy(ctx.account),
        tags=tags or [],
        multi_region=multi_region,
    )
    save(ctx, record)
    return record


def ensure_managed(ctx: Ctx, alias_name: str) -> dict[str, Any]:
    """The AWS managed key behind ``alias/aws/<service>``, created (with its alias) on first use."""
    service = alias_name.removeprefix("alias/aws/")
    with ctx.store.transaction() as txn:
        alias_key = kstore.alias_key(ctx.account, ctx.region, alias_name)
        existing = kstore.load(txn.get(alias_key))
        if existing is None:
            now = ctx.clock.now()
            record = new_record(
                ctx,
                new_key_id(False),
                spec="SYMMETRIC_DEFAULT",
                usage="ENCRYPT_DECRYPT",
                description=f"Default key that protects my {service.upper()} data when no other key is defined",
                origin="AWS_KMS",
                manager="AWS",
                policy_text=policy.managed_policy(ctx.account, ctx.region, service),
                tags=[],
                multi_region=False,
            )
            # AWS managed keys rotate every year, and nobody can turn that off
            record["rotation"] = {"enabled": True, "period": DEFAULT_ROTATION_DAYS, "next": now + DEFAULT_ROTATION_DAYS * DAY, "on_demand_started": None}
            txn.put(kstore.key_key(ctx.account, ctx.region, record["id"]), kstore.dump(record))
            txn.put(alias_key, kstore.dump({"target": record["id"], "created": now, "updated": now}))
            return record
        target = existing["target"]
    record = load(ctx, ctx.account, ctx.region, target)
    if record is None:
        raise key_not_found(key_arn(ctx.region, ctx.account, target))
    return record


@functools.lru_cache(maxsize=256)
def _access_facts(raw: bytes) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    record = kstore.load(raw) or {}
    return record.get("policy"), tuple((t["TagKey"], t["TagValue"]) for t in record.get("tags") or [])


def access_facts(reader: Any, account: str, region: str, key_id: str) -> tuple[str | None, dict[str, str]] | None:
    """A key's policy and tags, straight from the store (IAM enforcement reads them on every
    request to the key: one read, no decoding while the record is unchanged); None when no key."""
    raw = reader.get(kstore.key_key(account, region, key_id))
    if raw is None:
        return None
    policy_text, tags = _access_facts(bytes(raw))
    return policy_text, dict(tags)


def grants_of(reader: Any, account: str, region: str, key_id: str) -> list[dict[str, Any]]:
    """Every grant on a key, as stored (GranteePrincipal, Operations, Constraints ...)."""
    return [kstore.load(raw) for _, raw in reader.scan(prefix=kstore.grants_prefix(account, region, key_id))]
