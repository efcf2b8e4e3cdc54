"""IAM on the data plane: ``AWS_IAM`` methods and the REST API's resource policy.

An ``AWS_IAM`` method needs a SigV4-signed request (service ``execute-api``): unsigned, API
Gateway answers 403 "Missing Authentication Token"; with ``--verify-signatures`` the signature is
checked as every fogbank request's is (``fogbank.auth.verify``) and a bad one answers 403 with
AWS's message. The signer becomes ``$context.identity`` (``userArn``, ``caller``, ``accessKey`` ...).

Under ``--enforce-iam`` the request is then authorised as ``execute-api:Invoke`` on
``arn:aws:execute-api:region:account:api/stage/METHOD/path`` (the request's path) by AWS's
evaluation logic: the signer's identity policies (with boundaries and session policies) and the
API's resource policy (its ``policy`` as deployed; ``execute-api:/...`` resources stand for the
API's own ARN), an explicit deny anywhere winning, both needed across accounts. A method that is
not ``AWS_IAM`` is checked against the resource policy alone, as the anonymous caller, when the
API has one. Denials answer 403 ``{"Message": "User: ... is not authorized to perform:
execute-api:Invoke on resource: ..."}`` with the account in the resource ARN masked, as AWS sends
it. Without enforcement no policy is evaluated (report mode logs what would be denied).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from fogbank.auth import identity, principals
from fogbank.auth import verify as auth_verify
from fogbank.auth.enforce import decide
from fogbank.auth.policy import Policy, PolicySet, Request
from fogbank.auth.policy.cache import parsed_or_none
from fogbank.auth.policy.evaluate import Caller
from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.services.apigateway.dataplane import failures
from fogbank.services.apigateway.dataplane.call import Call

log = logging.getLogger("fogbank.apigateway")

ACTION = "execute-api:Invoke"
_SHORTHAND = '"execute-api:/'
# the error type and gateway response of each authentication failure fogbank.auth reports
_FAILURES = {
    "InvalidSignatureException": "INVALID_SIGNATURE",
    "IncompleteSignatureException": "INVALID_SIGNATURE",
    "UnrecognizedClientException": "INVALID_SIGNATURE",
    "ExpiredTokenException": "EXPIRED_TOKEN",
}


def authenticate(ctx: Ctx, call: Call) -> None:
    """Find the signer of an ``AWS_IAM`` method's request (sets ``call.caller``/``call.caller_record``)
    or raise the gateway's 403."""
    req = call.req
    key = auth_verify.access_key_of(req)
    if not key:
        raise failures.missing_token()
    try:
        if ctx.config.verify_signatures:
            authn = auth_verify.authenticate(req, "execute-api", "rest-json", ctx.config, ctx.store, ctx.clock)
            principal, record = authn.principal, authn.record
        else:
            record = principals.lookup(ctx.store, key) if not (len(key) == 12 and key.isdigit()) else None
            principal = principals.resolve(key, ctx.config, ctx.store, ctx.clock, "rest-json", record=record)
    except ServiceError as err:
        if err.code.startswith("MissingAuthenticationToken"):
            raise failures.missing_token() from None
        raise failures.GatewayError(_FAILURES.get(err.code, "INVALID_SIGNATURE"), 403, err.message, err.code) from None
    call.caller = principal
    call.caller_record = record


def _resource_policy(call: Call) -> list[tuple[str, Policy]]:
    text = (call.snapshot.get("api") or {}).get("policy")
    if not text:
        return []
    if not isinstance(text, str):
        text = json.dumps(text)
    # AWS expands "execute-api:/stage/METHOD/path" to the API's ARN when the policy is saved
    text = text.replace(_SHORTHAND, f'"arn:aws:execute-api:{call.region}:{call.account}:{call.api_id}/')
    policy = parsed_or_none(text, "resource")
    if policy is None:
        log.warning("API %s has a resource policy fogbank cannot parse; it is ignored", call.api_id)
        return []
    return [("api-policy", policy)]


def masked(arn: str) -> str:
    """An ARN with all but the last four digits of its account hidden, as API Gateway's messages show it."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and len(parts[4]) == 12:
        parts[4] = "*" * 8 + parts[4][-4:]
    return ":".join(parts)


def authorize(ctx: Ctx, call: Call, signed: bool) -> None:
    """Under ``--enforce-iam``, raise the gateway's 403 unless ``execute-api:Invoke`` is allowed
    (``signed``: the method is ``AWS_IAM`` and ``call.caller`` signed it)."""
    if not ctx.config.enforce_iam:
        return
    resource_policy = _resource_policy(call)
    if not signed and not resource_policy:
        return
    resource = call.method_arn()
    now = ctx.clock.now()
    if signed and call.caller is not None:
        caller = identity.facts(ctx.store, call.caller_record, call.caller.access_key_id, call.caller.account,
                                call.caller.user_id)
        context = identity.request_context(caller, now, call.region)
        policies = PolicySet(identity=caller.policies.identity, resource=resource_policy,
                             boundaries=caller.policies.boundaries, sessions=caller.policies.sessions)
        who = Caller(account=caller.account, arns=caller.arns, direct=(caller.arn,))
        shown, owner = caller.arn, call.account
    else:
        context = {"aws:CurrentTime": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "aws:EpochTime": str(int(now)), "aws:RequestedRegion": call.region}
        policies = PolicySet(identity=[], resource=resource_policy)
        who, shown, owner = Caller(), "anonymous", None
    context.update({"aws:SourceIp": call.req.peer, "aws:SecureTransport": "false", "aws:ResourceAccount": call.account})
    verdict = decide(policies, Request(ACTION, resource, context, who, owner))
    if verdict.allowed:
        return
    explicit = verdict.reason.startswith("with an explicit deny")
    message = f"User: {shown} is not authorized to perform: {ACTION} on resource: {masked(resource)}" \
        + (" with an explicit deny" if explicit else "")
    if ctx.config.iam_report:
        log.warning("IAM would deny: %s (deciding: %s)", message, ", ".join(verdict.deciding) or "none")
        return
    log.debug("IAM denied: %s (deciding: %s)", message, ", ".join(verdict.deciding) or "none")
    raise failures.GatewayError("ACCESS_DENIED", 403, message, "AccessDeniedException",
                                json.dumps({"Message": message}, separators=(",", ":")).encode())
