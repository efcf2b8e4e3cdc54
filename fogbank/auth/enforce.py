"""IAM enforcement: every request is authorised before its provider runs (``--enforce-iam``).

For each action/resource pair the operation asks (``fogbank.auth.actions``) the caller's identity
policies, permissions boundary and session policies (from ``fogbank.services.iam.directory``)
are combined with the resource's own policy (S3 bucket policy, SQS queue policy, KMS key policy
and grants, Lambda function policy, a role's trust policy) by AWS's evaluation logic:

* an explicit ``Deny`` in any of them denies;
* within one account, a resource policy that names the caller (user, role or session ARN)
  allows on its own; otherwise an identity policy must allow, within the boundary and session
  policies in force. A resource policy that names only the account (its root or id) delegates to
  the account's identity policies and so grants nothing alone (``fogbank.auth.policy.evaluate``);
* across accounts both the caller's identity policies and the resource policy must allow;
* a KMS key is usable only through its key policy: either it names the caller, or it delegates to
  the account and an identity policy allows too; a grant for the operation also allows;
* an account's root user is allowed everything in its own account (a resource policy's explicit
  deny still applies, and a KMS key only as far as its key policy names the account or the root
  user, as in AWS); anonymous callers only get what a resource policy grants to ``*``.

The request context carries the caller's global keys (``fogbank.auth.identity``, cached per IAM
generation), ``aws:SourceIp`` (the client's address; a service's call for
its caller keeps ``ctx.extras["source_ip"]``, else 127.0.0.1), ``aws:SecureTransport`` (false:
fogbank speaks plain HTTP), ``aws:ResourceAccount``, ``aws:ResourceTag/*`` (SQS, Lambda, KMS and
IAM roles from their records; DynamoDB and SSM only when a policy in force tests the key),
``kms:ViaService`` and ``aws:CalledVia`` for calls a service makes for its caller
(``ctx.extras["via_service"]``), and the operation's own keys (``fogbank.auth.actions``).

Denials raise the service's own error with AWS's message; with ``--log-level debug`` each denial
logs the principal, action, resource and the deciding statement. In report mode
(``FOGBANK_ENFORCE_IAM=report``) nothing is denied and would-be denials are logged as warnings.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fogbank.auth import actions, identity, resources
from fogbank.auth.policy import Policy, PolicySet
from fogbank.auth.policy.evaluate import EXPLICIT_DENY, Caller, Request, evaluate
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
_WHERE = {"IAM Policy": "an identity-based policy", "Resource Policy": "a resource-based policy",
          "Permissions Boundary Policy": "a permissions boundary", "Session Policy": "a session policy"}
_LACKING = {"identity": "identity-based policy", "resource": "resource-based policy",
            "boundary": "permissions boundary", "session": "session policy"}
SOURCE_IP = "127.0.0.1"
_RESOURCE_TAG = "aws:resourcetag/"


@dataclass
class Verdict:
    """The outcome for one action on one resource, with the reason AWS's message gives."""

    allowed: bool
    reason: str = ""
    deciding: list[str] = field(default_factory=list)


def decide(policies: PolicySet, request: Request, granted: bool = False) -> Verdict:
    """AWS's decision for one request (see the module docstring), with the reason its message gives."""
    decision = evaluate(policies, request)
    deciding = [f"{m.policy_id}#{m.statement.sid or m.statement.index}" for m in decision.matched]
    if decision.allowed:
        return Verdict(True, deciding=deciding)
    if decision.decision == EXPLICIT_DENY:
        return Verdict(False, "with an explicit deny in " + _WHERE.get(decision.matched[0].policy_type,
                                                                      "a resource-based policy"), deciding)
    if granted:
        return Verdict(True, deciding=["kms-grant"])
    lacking = _LACKING.get(decision.missing or "identity", "identity-based policy")
    return Verdict(False, f"because no {lacking} allows the {request.action} action")


def _needs_resource_tags(caller: identity.CallerFacts | None, resource: Sequence[tuple[str, Policy]]) -> bool:
    keys = [k for _, p in resource for k in p.condition_keys]
    if caller is not None:
        keys.extend(caller.condition_keys())
    return any(k.startswith(_RESOURCE_TAG) for k in keys)


def denial(service: str, protocol: str, caller_arn: str, action: str, resource: str, reason: str) -> ServiceError:
    """The error ``service`` answers a denied request with, in AWS's words."""
    if service == "s3":
        from fogbank.services.s3.errors import AccessDenied

        return AccessDenied()
    code, status = _SERVICE_DENIED.get(service) or _DENIED.get(protocol, _DENIED["query"])
    message = f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} {reason}"
    return ServiceError(message, code=code, status=status)


def admit(ctx: Ctx, authn: Authenticated, protocol: str, params: dict[str, Any], req: HttpRequest | None = None) -> None:
    """Raise the service's access-denied error unless IAM allows the request (no-op when not enforcing)."""
    if not ctx.config.enforce_iam or actions.free(ctx.service, ctx.operation):
        return
    targets = actions.targets(ctx, ctx.service, ctx.operation, params)
    if not targets:
        return
    principal = authn.principal
    anonymous = authn.anonymous
    now = ctx.clock.now()
    if anonymous:
        caller = None
        policies = PolicySet(identity=[])
        who = Caller()
        base = identity.request_context(identity.CallerFacts("anonymous", "", ANONYMOUS_ARN, (), policies, {}),
                                        now, ctx.region)
    else:
        caller = identity.facts(ctx.store, authn.record, principal.access_key_id, principal.account, principal.user_id)
        policies = caller.policies
        who = Caller(account=caller.account, arns=caller.arns, direct=(caller.arn,))
        base = identity.request_context(caller, now, ctx.region)
    base["aws:SecureTransport"] = "false"
    # Calls a service makes for its caller carry no HTTP request of their own.
    base["aws:SourceIp"] = req.peer if req is not None else ctx.extras.get("source_ip", SOURCE_IP)
    via = ctx.extras.get("via_service")
    if via:
        base["aws:CalledVia"] = [f"{via}.amazonaws.com"]
        base["aws:CalledViaFirst"] = base["aws:CalledViaLast"] = f"{via}.amazonaws.com"
    if req is not None and protocol == "rest-xml":
        base["s3:authType"] = "REST-QUERY-STRING" if "X-Amz-Signature" in req.query else "REST-HEADER"
        base["s3:signatureversion"] = "AWS4-HMAC-SHA256"
    for target in targets:
        context = {**base, **target.context, "aws:ResourceAccount": target.owner or ctx.account}
        resource, tags = resources.resource_policy(ctx, target)
        if tags is None and target.resource != "*" and _needs_resource_tags(caller, resource):
            tags = resources.fetched_tags(ctx, target)
        for key, value in (tags or {}).items():
            context[f"aws:ResourceTag/{key}"] = value
        is_key = target.policy is not None and target.policy[0] == "kms"
        request = Request(target.action, target.resource, context, who,
                          None if anonymous or target.owner is None else target.owner)
        verdict = decide(PolicySet(identity=policies.identity, resource=resource, boundaries=policies.boundaries,
                                   sessions=policies.sessions, key_policy=is_key), request)
        if not verdict.allowed and is_key and not anonymous and caller is not None and caller.kind != "root" \
                and verdict.reason.startswith("because") and resources.granted(ctx, target, caller.arns):
            verdict = Verdict(True, deciding=["kms-grant"])
        if verdict.allowed:
            continue
        shown = "anonymous" if principal.arn == ANONYMOUS_ARN else principal.arn
        if ctx.config.iam_report:
            log.warning("IAM would deny: principal=%s action=%s resource=%s %s (deciding: %s)", shown,
                        target.action, target.resource, verdict.reason, ", ".join(verdict.deciding) or "none")
            continue
        log.debug("IAM denied: principal=%s action=%s resource=%s %s (deciding: %s)", shown, target.action,
                  target.resource, verdict.reason, ", ".join(verdict.deciding) or "none")
        raise denial(ctx.service, protocol, shown, target.action, target.resource, verdict.reason)
