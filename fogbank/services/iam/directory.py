"""What STS asks of IAM: roles and their trust policies, users, MFA code checks, identity
providers and recording a role's last use. STS and IAM are one identity system in AWS, so STS
reads IAM's records through these functions rather than through IAM's API."""

from __future__ import annotations

from typing import Any

from fogbank.auth.policy import PolicySet
from fogbank.auth.policy.cache import parsed
from fogbank.context import Ctx
from fogbank.services.iam import store
from fogbank.services.iam.mfa import STEP, WINDOW, totp


def role_by_arn(ctx: Ctx, arn: str) -> dict[str, Any] | None:
    """The role named by ``arn`` (``arn:aws:iam::ACCOUNT:role/path/name``), in its own account."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    record = store.load(ctx.store, parts[4], "role", parts[5].rsplit("/", 1)[1])
    return record


def role_account(arn: str) -> str:
    """The account of a role ARN."""
    return arn.split(":")[4]


def user(ctx: Ctx, account: str, name: str) -> dict[str, Any] | None:
    """An IAM user record."""
    return store.load(ctx.store, account, "user", name)


def mfa_device(ctx: Ctx, account: str, serial: str) -> dict[str, Any] | None:
    """An MFA device by serial number (ARN)."""
    return store.load(ctx.store, account, "mfa", serial)


def check_mfa_code(ctx: Ctx, account: str, serial: str, user_name: str | None, code: str) -> str:
    """"ok" when ``code`` is the current code of the user's device ``serial`` (and is not being
    reused), "no-device" when the device is not that user's, "bad-code" otherwise."""
    with ctx.store.transaction() as txn:
        device = store.load(txn, account, "mfa", serial)
        if device is None or not device.get("UserName") or \
                (user_name is not None and device["UserName"].lower() != user_name.lower()):
            return "no-device"
        current = int(ctx.clock.now() // STEP)
        for step in range(current - WINDOW, current + WINDOW + 1):
            if step > device.get("_last_step", -1) and totp(device["_seed"], step) == code:
                device["_last_step"] = step
                store.save(txn, account, "mfa", serial, device)
                return "ok"
    return "bad-code"


def oidc_provider(ctx: Ctx, account: str, issuer: str) -> dict[str, Any] | None:
    """The OIDC provider whose URL is ``issuer`` (with or without https://)."""
    host = issuer.removeprefix("https://")
    return store.load(ctx.store, account, "oidc", f"arn:aws:iam::{account}:oidc-provider/{host}")


def saml_provider(ctx: Ctx, arn: str) -> dict[str, Any] | None:
    """The SAML provider with this ARN."""
    parts = arn.split(":")
    if len(parts) != 6:
        return None
    return store.load(ctx.store, parts[4], "saml", arn)


def record_role_use(ctx: Ctx, role: dict[str, Any]) -> None:
    """Note when and in which region a role was last assumed (GetRole's RoleLastUsed)."""
    account = role_account(role["Arn"])
    with ctx.store.transaction() as txn:
        current = store.load(txn, account, "role", role["RoleName"])
        if current is None:
            return
        current["RoleLastUsed"] = {"LastUsedDate": ctx.clock.now(), "Region": ctx.region}
        store.save(txn, account, "role", current["RoleName"], current)


def _document(reader: Any, account: str, arn: str) -> tuple[str, str] | None:
    from fogbank.services.iam.policies import find_policy

    policy = find_policy(reader, account, arn)
    if policy is None:
        return None
    return policy["PolicyName"], policy["_versions"][policy["DefaultVersionId"]]["Document"]


def _entity_documents(reader: Any, account: str, kind: str, record: dict[str, Any]) -> list[tuple[str, str]]:
    docs = list(record["_inline"].items())
    for arn in record["_attached"]:
        found = _document(reader, account, arn)
        if found is not None:
            docs.append(found)
    return docs


def policies_for(ctx: Ctx, caller: dict[str, Any]) -> PolicySet | None:
    """Every policy in force for a caller (an issued-key record as ``principals`` keeps it):
    identity policies, permissions boundary and session policies. None for an account's root,
    whom no identity policy limits. What IAM enforcement evaluates each request against."""
    return policies_of(ctx.store, caller)


def principal_tags_of(reader: Any, caller: dict[str, Any]) -> dict[str, str]:
    """A caller's principal tags: an IAM user's tags, or a session's tags over its role's."""
    if caller.get("kind") == "user" and caller.get("user_name"):
        record = store.load(reader, caller["account"], "user", caller["user_name"])
        return {t["Key"]: t["Value"] for t in (record or {}).get("Tags") or []}
    return {**(caller.get("role_tags") or {}), **(caller.get("tags") or {})}


def policies_of(reader: Any, caller: dict[str, Any]) -> PolicySet | None:
    """``policies_for`` on a store or transaction (``reader``)."""
    kind, account = caller.get("kind"), caller["account"]
    if kind == "root" or kind is None:
        return None
    identity: list[tuple[str, str]] = []
    boundary_arn = None
    sessions: list[tuple[str, str]] | None = None
    if kind in ("user", "federated-user"):
        user_arn = caller.get("caller_arn") or caller["arn"]
        user = store.load(reader, account, "user", caller.get("user_name") or user_arn.rsplit("/", 1)[-1]) \
            if ":user/" in user_arn else None
        if user is not None:
            identity.extend(_entity_documents(reader, account, "user", user))
            for group_name in user["_groups"]:
                group = store.load(reader, account, "group", group_name)
                if group is not None:
                    identity.extend(_entity_documents(reader, account, "group", group))
            boundary_arn = (user.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        elif kind == "federated-user":
            identity.append(("root", '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*",'
                                     '"Resource":"*"}}'))
    elif kind == "assumed-role":
        role = store.load(reader, account, "role", caller["role_name"])
        if role is not None:
            identity.extend(_entity_documents(reader, account, "role", role))
            boundary_arn = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if kind in ("assumed-role", "federated-user"):
        given = [(f"session-{i}", doc) for i, doc in enumerate(caller.get("session_policies") or [])]
        given += [found for arn in caller.get("policy_arns") or []
                  for found in [_document(reader, account, arn)] if found is not None]
        if given or kind == "federated-user":
            sessions = given
    boundaries = None
    if boundary_arn:
        found = _document(reader, account, boundary_arn)
        boundaries = [(found[0], parsed(found[1]))] if found else []
    return PolicySet(identity=[(name, parsed(doc)) for name, doc in identity], boundaries=boundaries,
                     sessions=None if sessions is None else [(name, parsed(doc)) for name, doc in sessions])
