"""Who the caller of STS is, and the temporary credentials STS issues.

A caller is described by a small record (kind, ARN, account, tags, MFA state) built from its
access key; from it come the ``Principal`` element that trust policies match and the request
context (``aws:PrincipalArn``, ``aws:PrincipalTag/...``, ``aws:MultiFactorAuthPresent`` ...)
their conditions read. Issued credentials are ASIA keys recorded with ``fogbank.auth.principals``
so that every later request made with them resolves to the session, until it expires.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fogbank.auth import principals
from fogbank.auth.policy import MalformedPolicy, parse
from fogbank.auth.policy.evaluate import Caller
from fogbank.context import Ctx
from fogbank.services.iam import directory, ids
from fogbank.services.sts.errors import (
    MalformedPolicyDocumentException,
    PackedPolicyTooLargeException,
    ValidationError,
)

MAX_SESSION_TAGS = 50
# what session policies and tags may take up together, in characters of their packed form
PACKED_LIMIT = 2048


SERVICE_PRINCIPAL = "service_principal"


def caller(ctx: Ctx) -> dict[str, Any]:
    """The record of the caller (raises ExpiredToken when its session is over).

    A service acting for itself (Lambda fetching its execution role's credentials, EC2 its
    instance profile's) calls with ``ctx.extras["service_principal"]`` set, e.g.
    ``"lambda.amazonaws.com"``; trust policies then see that service as the principal.
    """
    service = ctx.extras.get(SERVICE_PRINCIPAL)
    if service:
        return {"kind": "service", "service": service, "account": ctx.account,
                "arn": f"arn:aws:iam::{ctx.account}:root", "user_id": service}
    session = principals.session_of(ctx)
    principal = ctx.principal
    if session is not None:
        return session
    if principal is None:
        return {"kind": "root", "account": ctx.account, "arn": f"arn:aws:iam::{ctx.account}:root",
                "user_id": ctx.account}
    kind = "user" if ":user/" in principal.arn else "root"
    return {"kind": kind, "account": principal.account, "arn": principal.arn, "user_id": principal.user_id}


def policy_caller(record: dict[str, Any]) -> Caller:
    """The caller as a trust or resource policy's ``Principal`` element sees it."""
    arns = [record["arn"]]
    if record.get("role_arn"):
        arns.append(record["role_arn"])
    if record["kind"] == "service":
        return Caller(service=record["service"])
    return Caller(account=record["account"], arns=tuple(arns), direct=(record["arn"],))


def principal_tags(ctx: Ctx, record: dict[str, Any]) -> dict[str, str]:
    """The caller's principal tags: a user's tags, or a session's tags over its role's."""
    if record["kind"] == "user" and record.get("user_name"):
        user = directory.user(ctx, record["account"], record["user_name"])
        return {t["Key"]: t["Value"] for t in (user or {}).get("Tags") or []}
    return {**(record.get("role_tags") or {}), **(record.get("tags") or {})}


def request_context(ctx: Ctx, record: dict[str, Any]) -> dict[str, Any]:
    """The global condition keys of a request made by ``record``'s caller."""
    now = ctx.clock.now()
    kinds = {"root": "Account", "user": "User", "assumed-role": "AssumedRole", "federated-user": "FederatedUser"}
    context: dict[str, Any] = {
        "aws:PrincipalArn": record.get("role_arn") if record["kind"] == "assumed-role" else record["arn"],
        "aws:PrincipalAccount": record["account"],
        "aws:PrincipalType": kinds.get(record["kind"], "Account"),
        "aws:userid": record["user_id"],
        "aws:CurrentTime": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now)),
        "aws:RequestedRegion": ctx.region,
        "aws:SecureTransport": "false",
    }
    if record["kind"] == "service":
        for key in ("aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType", "aws:userid"):
            context.pop(key)
        context.update({"aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": record["service"]})
        return context
    context["aws:PrincipalIsAWSService"] = "false"
    if record["kind"] == "user":
        context["aws:username"] = record.get("user_name") or record["arn"].rsplit("/", 1)[1]
    if record.get("issued") is not None:
        context["aws:MultiFactorAuthPresent"] = "true" if record.get("mfa") else "false"
        context["aws:TokenIssueTime"] = datetime.fromtimestamp(record["issued"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if record.get("mfa") and record.get("mfa_time") is not None:
            context["aws:MultiFactorAuthAge"] = str(int(now - record["mfa_time"]))
    if record.get("source_identity"):
        context["aws:SourceIdentity"] = record["source_identity"]
    for key, value in principal_tags(ctx, record).items():
        context[f"aws:PrincipalTag/{key}"] = value
    return context


def check_session_policy(policy: str | None, policy_arns: list[dict[str, str]] | None,
                         tags: list[dict[str, str]] | None) -> int | None:
    """Validate session policies and tags; returns PackedPolicySize (percent) when any was given."""
    if policy is not None:
        try:
            parse(policy)
        except MalformedPolicy as exc:
            raise MalformedPolicyDocumentException(exc.message) from None
    for item in policy_arns or []:
        arn = item.get("arn", "")
        if not arn.startswith("arn:") or ":policy/" not in arn:
            raise ValidationError(f"{arn} is invalid")
    if policy is None and not policy_arns and not tags:
        return None
    packed = len("".join((policy or "").split())) + sum(len(p["arn"]) for p in policy_arns or []) \
        + sum(len(t["Key"]) + len(t["Value"]) for t in tags or [])
    percent = -(-packed * 100 // PACKED_LIMIT)
    if percent > 100:
        raise PackedPolicyTooLargeException(
            f"Packed policy consumes {percent}% of allotted space, please use smaller policy and tags.")
    return percent


def session_tags(tags: list[dict[str, str]] | None, transitive: list[str] | None,
                 inherited: dict[str, str], inherited_transitive: list[str]) -> tuple[dict[str, str], list[str]]:
    """The tags of a new session: transitive tags of the caller's session plus the request's."""
    tags = tags or []
    keys = [t["Key"].lower() for t in tags]
    if len(keys) != len(set(keys)):
        raise ValidationError("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    if len(tags) > MAX_SESSION_TAGS:
        raise ValidationError(f"1 validation error detected: Value at 'tags' failed to satisfy constraint: "
                              f"Member must have length less than or equal to {MAX_SESSION_TAGS}")
    for key in transitive or []:
        if key.lower() not in keys:
            raise ValidationError("The specified transitive tag key must be included in the requested tags.")
    out = {k: v for k, v in inherited.items() if k in inherited_transitive}
    for tag in tags:
        if any(k.lower() == tag["Key"].lower() for k in out):
            raise ValidationError("One or more session tags cannot be overridden because they are transitive.")
        out[tag["Key"]] = tag["Value"]
    return out, [*[k for k in inherited_transitive if k in out], *(transitive or [])]


def issue(ctx: Ctx, record: dict[str, Any], duration: int) -> dict[str, Any]:
    """New temporary credentials for ``record`` (an ASIA key, secret and token) lasting ``duration`` s."""
    now = ctx.clock.now()
    key_id = ids.access_key_id(ids.TEMPORARY, record["account"])
    secret = ids.secret_access_key()
    token = ids.session_token()
    stored = {**record, "secret": secret, "session_token": token, "status": "Active", "issued": now,
              "expires": now + duration}
    principals.issue(ctx.store, key_id, stored)
    return {"AccessKeyId": key_id, "SecretAccessKey": secret, "SessionToken": token,
            "Expiration": datetime.fromtimestamp(int(now + duration), UTC)}
