"""Secrets Manager: secret ARNs (a name is resolved to the secret's full ARN, random suffix
included, so that policies written against ``secret:name-*`` match); ``secretsmanager:Name``,
``secretsmanager:SecretId``, ``secretsmanager:VersionStage`` and ``secretsmanager:KmsKeyId``."""

from __future__ import annotations

from typing import Any

from fogbank.auth.actions import Table, arn, request_tags
from fogbank.context import Ctx


def secret_arn(ctx: Ctx, secret_id: str) -> str:
    """The ARN a SecretId names (the full ARN of an existing secret when it can be found)."""
    from fogbank.services.secretsmanager import records

    found = records.find(ctx, secret_id)
    if found is not None:
        return found["arn"]
    return secret_id if secret_id.startswith("arn:") else arn("secretsmanager", ctx.region, ctx.account, f"secret:{secret_id}")


def _secret(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(secret_arn(ctx, value), None, None)]


def _secrets(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(secret_arn(ctx, v), None, None) for v in value]


def _new(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(arn("secretsmanager", ctx.region, ctx.account, f"secret:{value}"), None, None)]


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out = request_tags(request)
    for member, key in (("Name", "secretsmanager:Name"), ("SecretId", "secretsmanager:SecretId"),
                        ("VersionStage", "secretsmanager:VersionStage"), ("KmsKeyId", "secretsmanager:KmsKeyId")):
        if request.get(member):
            out[key] = request[member]
    return out


TABLES = {"secretsmanager": Table(
    prefix="secretsmanager",
    members=(("SecretId", _secret), ("SecretIdList", _secrets), ("Name", _new)),
    global_ops=frozenset({"ListSecrets", "GetRandomPassword"}),
    filters=frozenset({"Filters", "IncludePlannedDeletion", "SortOrder", "SortBy"}),
    context=_context,
)}
