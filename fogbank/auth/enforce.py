"""IAM enforcement: every request is authorised before its provider runs (``--enforce-iam``).

For each action/resource pair the operation asks (``fogbank.auth.actions``) the caller's identity
policies, permissions boundary and session policies (from ``fogbank.services.iam.directory``)
are combined with the resource's own policy (S3 bucket policy, SQS queue policy, KMS key policy
and grants, Lambda function policy, a role's trust policy) by AWS's evaluation logic:

* an explicit ``Deny`` in any of them denies;
* within one account, a resource policy that names the caller (user, role or session ARN)
  allows on its own; otherwise an identity policy must allow, within the boundary and session
  policies in force. A resource policy that names only the account (its root or id) delegates to
  the account's identity policies and so grants nothing alone;
* across accounts both the caller's identity policies and the resource policy must allow;
* a KMS key is usable only through its key policy: either it names the caller, or it delegates to
  the account and an identity policy allows too; a grant for the operation also allows;
* an account's root user is allowed everything in its own account (a resource policy's explicit
  deny still applies); anonymous callers only get what a resource policy grants to ``*``.

Denials raise the service's own error with AWS's message; with ``--log-level debug`` each denial
logs the principal, action, resource and the deciding statement. In report mode
(``FOGBANK_ENFORCE_IAM=report``) nothing is denied and would-be denials are logged as warnings.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fogbank.auth import actions
from fogbank.auth.policy import MalformedPolicy, Policy, PolicySet, parse
from fogbank.auth.policy.evaluate import Caller, Request, statement_applies
from fogbank.auth.verify import ANONYMOUS_ARN, Authenticated
from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.protocol.base import HttpRequest

log = logging.getLogger("fogbank.auth")

# (code, status) of an IAM denial per protocol family (S3 answers its own AccessDenied)
_DENIED = {"query": ("AccessDenied", 403), "ec2": ("UnauthorizedOperation", 403), "rest-xml": ("AccessDenied", 403),
           "json": ("AccessDeniedException", 400), "rest-json": ("AccessDeniedException", 403),
           "smithy-rpc-v2-cbor": ("AccessDeniedException", 400)}
_SERVICE_DENIED = {"sqs": ("AccessDenied", 403)}


@dataclass
class Verdict:
    """The outcome for one action on one resource, with the reason AWS's message gives."""

    allowed: bool
    reason: str = ""
    deciding: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=512)
def _parse(text: str, kind: str) -> Policy | None:
    try:
        return parse(text, kind)
    except MalformedPolicy:
        return None


def _hits(policies: Sequence[tuple[str, Policy]], request: Request, effect: str, with_principal: bool) -> list[str]:
    out = []
    for policy_id, policy in policies:
        for statement in policy.statements:
            if statement.effect == effect and statement_applies(statement, policy, request, with_principal):
                out.append(f"{policy_id}#{statement.sid or statement.index}")
    return out


def _resource_policies(ctx: Ctx, target: actions.Target) -> list[tuple[str, Policy]]:
    """The resource policy that applies to ``target`` (empty when it has none)."""
    if target.policy is None:
        return []
    kind, name = target.policy
    text = _policy_text(ctx, kind, name, target.owner)
    if not text:
        return []
    policy = _parse(text if isinstance(text, str) else json.dumps(text), "trust" if kind == "iam-trust" else "resource")
    return [(f"{kind}-policy", policy)] if policy is not None else []


def _policy_text(ctx: Ctx, kind: str, name: str, owner: str | None) -> str | None:
    try:
        if kind == "s3":
            from fogbank.services.s3 import buckets

            return buckets.load(ctx, name).cfg("policy")
        if kind == "iam-trust":
            from fogbank.services.iam import directory

            role = directory.role_by_arn(ctx, name)
            return role["AssumeRolePolicyDocument"] if role else None
        parts = name.split(":")
        there = ctx.derive(account=owner or ctx.account, region=parts[3] if len(parts) > 3 and parts[3] else ctx.region)
        if kind == "sqs":
            found = there.call("sqs", "GetQueueAttributes", {"QueueUrl": name, "AttributeNames": ["Policy"]})
            return (found.get("Attributes") or {}).get("Policy")
        if kind == "kms":
            return there.call("kms", "GetKeyPolicy", {"KeyId": name, "PolicyName": "default"}).get("Policy")
        if kind == "lambda":
            return there.call("lambda", "GetPolicy", {"FunctionName": name}).get("Policy")
    except ServiceError:
        return None
    return None


def _granted(ctx: Ctx, target: actions.Target, caller_arns: Sequence[str]) -> bool:
    """Whether a KMS grant on the key gives the caller this operation."""
    operation = target.action.split(":", 1)[1]
    parts = target.resource.split(":")
    if len(parts) < 6:
        return False
    there = ctx.derive(account=parts[4], region=parts[3])
    try:
        grants = there.call("kms", "ListGrants", {"KeyId": target.resource}).get("Grants") or []
    except ServiceError:
        return False
    for grant in grants:
        if grant.get("GranteePrincipal") in caller_arns and operation in (grant.get("Operations") or []):
            constraints = grant.get("Constraints") or {}
            wanted = {k.split(":", 2)[2]: v for k, v in target.context.items() if k.startswith("kms:EncryptionContext:")}
            if "EncryptionContextEquals" in constraints and constraints["EncryptionContextEquals"] != wanted:
                continue
            subset = constraints.get("EncryptionContextSubset") or {}
            if any(wanted.get(k) != v for k, v in subset.items()):
                continue
            return True
    return False


def decide(identity: PolicySet | None, resource: Sequence[tuple[str, Policy]], request: Request, *,
           caller_account: str, caller_arns: Sequence[str], root: bool, anonymous: bool,
           owner: str | None, key_policy: bool = False, granted: bool = False) -> Verdict:
    """AWS's decision for one request (see the module docstring for the rules)."""
    action = request.action
    precise = Caller(account=caller_account if root else "", arns=tuple(caller_arns))
    broad = Caller(account=caller_account, arns=tuple(caller_arns))
    as_precise = Request(action, request.resource, request.context, precise)
    as_broad = Request(action, request.resource, request.context, broad)
    as_account = Request(action, request.resource, request.context, Caller(account=caller_account))
    identity_sets = identity or PolicySet()
    # explicit denies first, wherever they are
    for policies, with_principal, where in ((identity_sets.identity, False, "an identity-based policy"),
                                            (resource, True, "a resource-based policy"),
                                            (identity_sets.boundaries or (), False, "a permissions boundary"),
                                            (identity_sets.sessions or (), False, "a session policy")):
        denied = _hits(policies, as_broad, "Deny", with_principal)
        if denied and not (root and where != "a resource-based policy"):
            return Verdict(False, f"with an explicit deny in {where}", denied)
    direct = _hits(resource, as_precise, "Allow", True)
    delegated = [] if anonymous else _hits(resource, as_account, "Allow", True)
    cross = owner is not None and owner != caller_account
    if anonymous:
        if direct:
            return Verdict(True, deciding=direct)
        return Verdict(False, "because no resource-based policy allows the " + action + " action")
    if root:
        if not cross:
            return Verdict(True, deciding=["root"])
        if direct or delegated:
            return Verdict(True, deciding=direct or delegated)
        return Verdict(False, "because no resource-based policy allows the " + action + " action")
    if direct and not cross:
        return Verdict(True, deciding=direct)
    allowed_by_identity = _hits(identity_sets.identity, as_broad, "Allow", False)
    if granted:
        return Verdict(True, deciding=["kms-grant"])
    if not allowed_by_identity:
        return Verdict(False, "because no identity-based policy allows the " + action + " action")
    if identity_sets.boundaries is not None and not _hits(identity_sets.boundaries, as_broad, "Allow", False):
        return Verdict(False, "because no permissions boundary allows the " + action + " action")
    if identity_sets.sessions is not None and not _hits(identity_sets.sessions, as_broad, "Allow", False):
        return Verdict(False, "because no session policy allows the " + action + " action")
    if cross or key_policy:
        if direct or delegated:
            return Verdict(True, deciding=allowed_by_identity + (direct or delegated))
        return Verdict(False, "because no resource-based policy allows the " + action + " action")
    return Verdict(True, deciding=allowed_by_identity)


def denial(service: str, protocol: str, caller_arn: str, action: str, resource: str, reason: str) -> ServiceError:
    """The error ``service`` answers a denied request with, in AWS's words."""
    if service == "s3":
        from fogbank.services.s3.errors import AccessDenied

        return AccessDenied()
    code, status = _SERVICE_DENIED.get(service) or _DENIED.get(protocol, _DENIED["query"])
    message = f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} {reason}"
    return ServiceError(message, code=code, status=status)


def _caller_record(authn: Authenticated) -> dict[str, Any]:
    principal = authn.principal
    if authn.record is not None:
        return authn.record
    return {"kind": "root", "account": principal.account, "arn": principal.arn, "user_id": principal.user_id}


def admit(ctx: Ctx, authn: Authenticated, protocol: str, params: dict[str, Any], req: HttpRequest | None = None) -> None:
    """Raise the service's access-denied error unless IAM allows the request (no-op when not enforcing)."""
    if not ctx.config.enforce_iam or actions.free(ctx.service, ctx.operation):
        return
    targets = actions.targets(ctx, ctx.service, ctx.operation, params)
    if not targets:
        return
    from fogbank.services.iam import directory
    from fogbank.services.sts import sessions

    anonymous = authn.anonymous
    record = _caller_record(authn)
    root = not anonymous and record.get("kind") in ("root", None)
    caller_arn = record["arn"]
    arns = [caller_arn] + ([record["role_arn"]] if record.get("role_arn") else [])
    identity = None if (root or anonymous) else directory.policies_for(ctx, record)
    base = {} if anonymous else sessions.request_context(ctx, record)
    base["aws:SecureTransport"] = "false"
    if req is not None and protocol == "rest-xml":
        base["s3:authType"] = "REST-QUERY-STRING" if "X-Amz-Signature" in req.query else "REST-HEADER"
        base["s3:signatureversion"] = "AWS4-HMAC-SHA256"
    for target in targets:
        context = {**base, **target.context, "aws:ResourceAccount": target.owner or ctx.account}
        request = Request(target.action, target.resource, context)
        resource = _resource_policies(ctx, target)
        is_key = target.policy is not None and target.policy[0] == "kms"
        granted = is_key and not root and not anonymous and _granted(ctx, target, arns)
        verdict = decide(identity, resource, request, caller_account="" if anonymous else record["account"],
                         caller_arns=arns, root=root, anonymous=anonymous, owner=target.owner,
                         key_policy=is_key, granted=granted)
        if verdict.allowed:
            continue
        shown = "anonymous" if caller_arn == ANONYMOUS_ARN else caller_arn
        if ctx.config.iam_report:
            log.warning("IAM would deny: principal=%s action=%s resource=%s %s (deciding: %s)", shown,
                        target.action, target.resource, verdict.reason, ", ".join(verdict.deciding) or "none")
            continue
        log.debug("IAM denied: principal=%s action=%s resource=%s %s (deciding: %s)", shown, target.action,
                  target.resource, verdict.reason, ", ".join(verdict.deciding) or "none")
        raise denial(ctx.service, protocol, shown, target.action, target.resource, verdict.reason)
