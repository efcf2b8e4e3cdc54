"""Who API Gateway calls a Lambda function as, and whether it may.

With a credentials role (an integration's ``credentials``, an authorizer's
``authorizerCredentials``) API Gateway assumes the role as ``apigateway.amazonaws.com`` (so the
role's trust policy decides) and invokes the function as that role session: under
``--enforce-iam`` the call is authorised as the session (``fogbank.auth.internal``), its identity
policies or the function's policy allowing, and a role that cannot be assumed fails the call;
without enforcement such a role is passed over (as a Lambda execution role is) with a warning.
Sessions are kept until shortly before they expire.

Without one, API Gateway invokes the function as itself, which the function's resource policy
must allow for the principal ``apigateway.amazonaws.com`` (``lambda add-permission`` with a
``SourceArn`` of ``arn:aws:execute-api:region:account:api/stage/METHOD/resource-path`` for an
integration, ``arn:aws:execute-api:region:account:api/authorizers/id`` for an authorizer). That
check is made only under ``--enforce-iam`` (report mode logs what it would refuse), as every other
IAM decision in fogbank. A refusal is the integration's 500 "Internal server error" (AWS's
execution log says "Invalid permissions on Lambda function").
"""

from __future__ import annotations

import logging
from typing import Any

from fogbank.auth.actions import Target
from fogbank.auth.actions.lambda_ import function_arn
from fogbank.auth.internal import RUNS_AS_ROLE, SERVICE_PRINCIPAL
from fogbank.auth.policy import PolicySet, Request, evaluate
from fogbank.auth.policy.evaluate import Caller
from fogbank.auth.resources import resource_policy
from fogbank.context import Ctx, Principal
from fogbank.errors import ServiceError
from fogbank.services.apigateway.dataplane.state import RuntimeState

log = logging.getLogger("fogbank.apigateway")

SERVICE = "apigateway.amazonaws.com"
SESSION_NAME = "BackplaneAssumeRoleSession"  # the session name AWS's CloudTrail shows for API Gateway
SESSION_SECONDS = 3600
RENEW_BEFORE = 300


class NotPermitted(Exception):
    """API Gateway may not invoke the function (or may not assume the credentials role)."""


def _session(ctx: Ctx, state: RuntimeState, role_arn: str) -> Principal:
    """A session of ``role_arn`` assumed as API Gateway, reused while it has time left."""
    key = ("role-session", ctx.account, role_arn)
    cached = state.session(key, ctx.clock.now() + RENEW_BEFORE)
    if cached is not None:
        return cached
    as_service = ctx.derive(extras={**ctx.extras, SERVICE_PRINCIPAL: SERVICE}, principal=None)
    try:
        answer = as_service.call("sts", "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME,
                                                       "DurationSeconds": SESSION_SECONDS})
    except ServiceError as err:
        log.warning("API Gateway cannot assume %s: %s %s", role_arn, err.code, err.message)
        raise NotPermitted(f"API Gateway does not have permission to assume the provided role {role_arn}") from None
    credentials, user = answer["Credentials"], answer["AssumedRoleUser"]
    principal = Principal(access_key_id=credentials["AccessKeyId"], account=user["Arn"].split(":")[4],
                          arn=user["Arn"], user_id=user["AssumedRoleId"], session_token=credentials["SessionToken"])
    state.keep_session(key, principal, credentials["Expiration"].timestamp())
    return principal


def as_role(ctx: Ctx, state: RuntimeState, role_arn: str) -> Ctx:
    """The context to invoke with as a session of ``role_arn`` (NotPermitted when its trust
    policy does not let API Gateway assume it)."""
    principal = _session(ctx, state, role_arn)
    return ctx.derive(principal=principal, extras={**ctx.extras, RUNS_AS_ROLE: role_arn})


def check_service_access(ctx: Ctx, function: str, source_arns: list[str]) -> None:
    """Under ``--enforce-iam``, raise NotPermitted unless the function's policy lets
    ``apigateway.amazonaws.com`` invoke it from one of ``source_arns`` (no explicit deny)."""
    if not ctx.config.enforce_iam:
        return
    resource = function_arn(ctx, function)
    owner = resource.split(":")[4]
    policies, _ = resource_policy(ctx, Target("lambda:InvokeFunction", resource, owner, {}, ("lambda", resource)))
    allowed = False
    for source in source_arns:
        context: dict[str, Any] = {"aws:SourceArn": source, "aws:SourceAccount": ctx.account,
                                   "aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": SERVICE}
        decision = evaluate(PolicySet(identity=None, resource=policies),
                            Request("lambda:InvokeFunction", resource, context, Caller(service=SERVICE), owner))
        if decision.allowed:
            allowed = True
            break
    if allowed:
        return
    if ctx.config.iam_report:
        log.warning("IAM would deny: principal=%s action=lambda:InvokeFunction resource=%s (source %s)", SERVICE,
                    resource, source_arns[0] if source_arns else "-")
        return
    log.warning("Execution failed due to configuration error: Invalid permissions on Lambda function %s "
                "(no function policy lets %s invoke it from %s)", resource, SERVICE, ", ".join(source_arns))
    raise NotPermitted("Invalid permissions on Lambda function")


def invoker(ctx: Ctx, state: RuntimeState, credentials: str | None, function: str, source_arns: list[str]) -> Ctx:
    """The context to invoke ``function`` with: as the credentials role's session when there is
    one, else as API Gateway itself once its access is checked. Raises NotPermitted."""
    if credentials and ":role/" in credentials:
        try:
            return as_role(ctx, state, credentials)
        except NotPermitted:
            if ctx.config.enforce_iam and not ctx.config.iam_report:
                raise
            # without enforcement, as for a Lambda execution role, a role that cannot be assumed
            # (missing, or not trusting API Gateway) does not stop the call: it is made as API Gateway
            return ctx
    check_service_access(ctx, function, source_arns)
    return ctx
