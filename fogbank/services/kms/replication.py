"""Multi-Region keys: ReplicateKey and UpdatePrimaryRegion.

A replica has the primary's key id (``mrk-...``), spec, usage and key material, so each decrypts
what the other encrypted; the primary's record lists its replicas' Regions.
"""

from __future__ import annotations

import copy
from typing import Any

from fogbank.context import Ctx
from fogbank.services.kms import keys, policy
from fogbank.services.kms import store as kstore
from fogbank.services.kms.errors import AlreadyExistsException, UnsupportedOperationException, invalid_state
from fogbank.services.kms.lifecycle import check_tags


def _primary(ctx: Ctx, key_id: str) -> dict[str, Any]:
    record = keys.resolve(ctx, key_id)
    arn = keys.arn(record)
    if not record["multi_region"]:
        raise UnsupportedOperationException(f"{arn} is not a multi-Region key.")
    if record["primary_region"] != record["region"]:
        raise UnsupportedOperationException(f"{arn} is not a multi-Region primary key.")
    if record["state"] in ("PendingDeletion", "PendingReplicaDeletion"):
        raise invalid_state(arn, record["state"])
    return record


def replicate_key(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Make a replica of a multi-Region primary key in another Region."""
    primary = _primary(ctx, request["KeyId"])
    region = request["ReplicaRegion"]
    replica_ctx = ctx.derive(region=region)
    if region == primary["region"] or keys.load(replica_ctx, ctx.account, region, primary["id"]) is not None:
        raise AlreadyExistsException(f"Key '{keys.key_arn(region, ctx.account, primary['id'])}' already exists")
    text = request.get("Policy")
    if text is not None:
        policy.check(text)
    replica = copy.deepcopy(primary)
    replica.update(
        region=region,
        created=ctx.clock.now(),
        description=request.get("Description", primary["description"]),
        policy=text or policy.default_policy(ctx.account),
        tags=check_tags(request.get("Tags", [])),
        replicas=[],
        deletion_date=None,
        pending_window=None,
    )
    if primary["origin"] == "EXTERNAL":
        # imported material is imported into each replica by its owner
        replica["materials"] = []
        replica["current"] = None
        replica["import"] = {"fingerprint": (primary.get("import") or {}).get("fingerprint")}
        replica["state"] = "PendingImport"
    with ctx.store.transaction() as txn:
        primary_key = kstore.key_key(ctx.account, primary["region"], primary["id"])
        fresh = kstore.load(txn.get(primary_key)) or primary
        fresh["replicas"] = sorted({*fresh["replicas"], region})
        txn.put(primary_key, kstore.dump(fresh))
        txn.put(kstore.key_key(ctx.account, region, primary["id"]), kstore.dump(replica))
    return {
        "ReplicaKeyMetadata": keys.metadata(replica_ctx, replica),
        "ReplicaPolicy": replica["policy"],
        "ReplicaTags": replica["tags"],
    }


def update_primary_region(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Make one of a primary key's replicas the primary (the old primary becomes a replica)."""
    primary = _primary(ctx, request["KeyId"])
    region = request["PrimaryRegion"]
    if region not in primary["replicas"]:
        raise UnsupportedOperationException(
            f"{keys.arn(primary)} has no replica in {region}; the new primary Region must hold a replica."
        )
    with ctx.store.transaction() as txn:
        new_key = kstore.key_key(ctx.account, region, primary["id"])
        new = kstore.load(txn.get(new_key))
        if new is None:
            raise invalid_state(keys.key_arn(region, ctx.account, primary["id"]), "Unavailable")
        known = {m["id"] for m in new["materials"]}
        new["materials"] += [dict(m) for m in primary["materials"] if m["id"] not in known]
        new["current"] = primary["current"]
        new["rotation"] = dict(primary["rotation"])
        new["replicas"] = sorted((set(primary["replicas"]) - {region}) | {primary["region"]})
        for record in (primary, new):
            record["primary_region"] = region
        primary["replicas"] = []
        txn.put(new_key, kstore.dump(new))
        txn.put(kstore.key_key(ctx.account, primary["region"], primary["id"]), kstore.dump(primary))
        for other in new["replicas"]:
            other_key = kstore.key_key(ctx.account, other, primary["id"])
            sibling = kstore.load(txn.get(other_key))
            if sibling is not None and other != primary["region"]:
                sibling["primary_region"] = region
                txn.put(other_key, kstore.dump(sibling))
    return {}

