"""KMS: key ARNs (aliases resolved to their key, as KMS authorises on the key), alias ARNs for
alias management, and the ``kms:`` condition keys (EncryptionContext, CallerAccount, ViaService,
KeySpec/KeyUsage, GrantOperations, algorithms). The key policy is the resource policy."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, Target, arn, request_tags
from fogbank.context import Ctx
from fogbank.errors import ServiceError


def key_arn(ctx: Ctx, key_id: str) -> str:
    """The ARN of the key ``key_id`` names (id, ARN, alias name or alias ARN)."""
    if key_id.startswith("arn:") and ":key/" in key_id:
        return key_id
    if "alias/" in key_id:
        from fogbank.services.kms import keys

        try:
            return keys.arn(keys.resolve(ctx, key_id))
        except (ServiceError, KeyError):
            return arn("kms", ctx.region, ctx.account, key_id.split(":")[-1])
    return arn("kms", ctx.region, ctx.account, f"key/{key_id}")


def alias_arn(ctx: Ctx, name: str) -> str:
    """The ARN of an alias."""
    return name if name.startswith("arn:") else arn("kms", ctx.region, ctx.account, name)


def _key(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    resource = key_arn(ctx, value)
    return [(resource, resource.split(":")[4], ("kms", resource))]


def _alias_ops(ctx: Ctx, request: dict[str, Any]) -> list[Target]:
    out = [Target("kms:" + request["_op"], alias_arn(ctx, request["AliasName"]))]
    if request.get("TargetKeyId"):
        resource = key_arn(ctx, request["TargetKeyId"])
        out.append(Target("kms:" + request["_op"], resource, resource.split(":")[4], policy=("kms", resource)))
    return out


def _alias(operation: str):
    return lambda ctx, request: _alias_ops(ctx, {**request, "_op": operation})


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"kms:CallerAccount": ctx.principal.account if ctx.principal else ctx.account}
    via = ctx.extras.get("via_service")
    if via:
        out["kms:ViaService"] = f"{via}.{ctx.region}.amazonaws.com"
    context = request.get("EncryptionContext") or request.get("SourceEncryptionContext")
    if isinstance(context, dict):
        for k, v in context.items():
            out[f"kms:EncryptionContext:{k}"] = v
        out["kms:EncryptionContextKeys"] = list(context)
    for member, key in (("KeySpec", "kms:KeySpec"), ("KeyUsage", "kms:KeyUsage"), ("Origin", "kms:KeyOrigin"),
                        ("EncryptionAlgorithm", "kms:EncryptionAlgorithm"), ("SigningAlgorithm", "kms:SigningAlgorithm"),
                        ("GranteePrincipal", "kms:GranteePrincipal"), ("RetiringPrincipal", "kms:RetiringPrincipal"),
                        ("MultiRegion", "kms:MultiRegion"), ("BypassPolicyLockoutSafetyCheck",
                                                             "kms:BypassPolicyLockoutSafetyCheck")):
        if request.get(member) is not None:
            value = request[member]
            out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    if request.get("Operations"):
        out["kms:GrantOperations"] = list(request["Operations"])
    out.update(request_tags(request))
    return out


TABLES = {"kms": Table(
    prefix="kms",
    members=(("KeyId", _key), ("DestinationKeyId", _key), ("SourceKeyId", _key)),
    special={"CreateAlias": _alias("CreateAlias"), "UpdateAlias": _alias("UpdateAlias"),
             "DeleteAlias": _alias("DeleteAlias")},
    global_ops=frozenset({"CreateKey", "ListKeys", "ListAliases", "GenerateRandom", "ListRetirableGrants",
                          "CreateCustomKeyStore", "DescribeCustomKeyStores"}),
    filters=frozenset({"RetiringPrincipal"}),
    context=_context,
)}
