"""KMS grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant.

Grants are recorded and listed; like key policies they are not enforced. A grant token is an
opaque string from which RetireGrant finds the grant again.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from fogbank.context import Ctx
from fogbank.errors import InvalidInput
from fogbank.services.kms import keys
from fogbank.services.kms import store as kstore
from fogbank.services.kms.cipher import dry_run
from fogbank.services.kms.errors import (
    InvalidGrantTokenException,
    NotFoundException,
    invalid_state,
)
from fogbank.services.kms.lifecycle import page

MAX_GRANTS_PER_KEY = 50000


def _token(account: str, region: str, key_id: str, grant_id: str) -> str:
    payload = json.dumps({"a": account, "r": region, "k": key_id, "g": grant_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(os.urandom(16) + payload).decode().rstrip("=")


def _untoken(token: str) -> dict[str, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw[16:])
        return {k: str(data[k]) for k in ("a", "r", "k", "g")}
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise InvalidGrantTokenException("Grant token is invalid.") from exc


def _entry(record: dict[str, Any], grant: dict[str, Any]) -> dict[str, Any]:
    entry = {k: v for k, v in grant.items() if k not in ("CreationDate",) and v is not None}
    entry["KeyId"] = keys.arn(record) if record else entry.get("KeyId")
    entry["CreationDate"] = keys.when(grant["CreationDate"])
    return entry


def create_grant(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Record a grant on a key; the same Name and parameters give back the same grant."""
    record = keys.resolve(ctx, request["KeyId"])
    if record["state"] == "PendingDeletion":
        raise invalid_state(keys.arn(record), record["state"])
    if not request.get("GranteePrincipal") and not request.get("GranteeServicePrincipal"):
        raise InvalidInput("1 validation error detected: Value null at 'granteePrincipal' failed to satisfy constraint: Member must not be null")
    fields = {
        "Name": request.get("Name"),
        "GranteePrincipal": request.get("GranteePrincipal"),
        "RetiringPrincipal": request.get("RetiringPrincipal"),
        "Operations": list(request["Operations"]),
        "Constraints": request.get("Constraints"),
        "GranteeServicePrincipal": request.get("GranteeServicePrincipal"),
        "RetiringServicePrincipal": request.get("RetiringServicePrincipal"),
    }
    dry_run(request)
    prefix = kstore.grants_prefix(ctx.account, ctx.region, record["id"])
    with ctx.store.transaction() as txn:
        if fields["Name"]:
            for _, raw in txn.scan(prefix=prefix):
                grant = kstore.load(raw)
                if all(grant.get(k) == v for k, v in fields.items()):
                    return {"GrantToken": _token(ctx.account, ctx.region, record["id"], grant["GrantId"]), "GrantId": grant["GrantId"]}
        grant_id = os.urandom(32).hex()
        grant = {
            **fields,
            "KeyId": record["id"],
            "GrantId": grant_id,
            "IssuingAccount": f"arn:aws:iam::{ctx.account}:root",
            "CreationDate": ctx.clock.now(),
        }
        txn.put(kstore.grant_key(ctx.account, ctx.region, record["id"], grant_id), kstore.dump(grant))
    return {"GrantToken": _token(ctx.account, ctx.region, record["id"], grant_id), "GrantId": grant_id}


def list_grants(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """A key's grants, optionally only one GrantId or GranteePrincipal."""
    record = keys.resolve(ctx, request["KeyId"])
    entries = []
    for _, raw in ctx.store.scan(prefix=kstore.grants_prefix(ctx.account, ctx.region, record["id"])):
        grant = kstore.load(raw)
        if request.get("GrantId") and grant["GrantId"] != request["GrantId"]:
            continue
        if request.get("GranteePrincipal") and grant["GranteePrincipal"] != request["GranteePrincipal"]:
            continue
        entries.append(_entry(record, grant))
    chosen, extra = page(entries, request, lambda e: e["GrantId"], default_limit=50)
    return {"Grants": chosen, **extra}


def list_retirable_grants(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Every grant of the account and Region that names RetiringPrincipal."""
    entries = []
    for _, raw in ctx.store.scan(prefix=kstore.grants_prefix(ctx.account, ctx.region)):
        grant = kstore.load(raw)
        if grant.get("RetiringPrincipal") == request["RetiringPrincipal"]:
            entry = _entry({}, grant)
            entry["KeyId"] = keys.key_arn(ctx.region, ctx.account, grant["KeyId"])
            entries.append(entry)
    chosen, extra = page(entries, request, lambda e: e["GrantId"], default_limit=50)
    return {"Grants": chosen, **extra}


def _delete(ctx: Ctx, account: str, region: str, key_id: str, grant_id: str) -> None:
    if not ctx.store.delete(kstore.grant_key(account, region, key_id, grant_id)):
        raise NotFoundException(f"Grant ID {grant_id} not found")


def retire_grant(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Retire a grant named by its token, or by KeyId and GrantId."""
    if request.get("GrantToken"):
        found = _untoken(request["GrantToken"])
        _delete(ctx, found["a"], found["r"], found["k"], found["g"])
        return {}
    if not request.get("KeyId") or not request.get("GrantId"):
        raise InvalidInput("Either GrantToken, or both KeyId and GrantId must be specified.")
    record = keys.resolve(ctx, request["KeyId"])
    _delete(ctx, record["account"], record["region"], record["id"], request["GrantId"])
    return {}


def revoke_grant(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """Revoke a grant of a key."""
    record = keys.resolve(ctx, request["KeyId"])
    _delete(ctx, record["account"], record["region"], record["id"], request["GrantId"])
    return {}
