"""IAM enforcement of calls one service makes to another (``ctx.call``), as AWS authorises them.

Most such calls are made *for the caller* and AWS authorises them with the caller's identity,
telling the policies which service asked (``kms:ViaService``, ``aws:CalledVia``): S3 or SSM
encrypting with KMS, Lambda reading a function's code from S3, CloudFormation creating resources.
A few are made by a service *as itself* (a service principal such as ``lambda.amazonaws.com``):
Lambda assuming a function's execution role, S3 delivering event notifications, CloudWatch and
CloudWatch Logs invoking their targets, API Gateway invoking a function. Those are not
authorised as the caller; Lambda's role assumption is made as ``lambda.amazonaws.com``, so the
role's trust policy decides it. Background work (no caller: pollers, timers) is not authorised.

A service that runs a call as a role it assumed (an API Gateway AWS integration with a
credentials role) derives its context with that role session as ``principal`` and
``extras[RUNS_AS_ROLE]`` set to the role's ARN: the call is then authorised as that session.
"""

from __future__ import annotations

from typing import Any

from fogbank.auth import enforce, principals
from fogbank.auth.verify import Authenticated
from fogbank.context import Ctx

SERVICE_PRINCIPAL = "service_principal"  # the ctx.extras key STS reads (fogbank.services.sts.sessions)
RUNS_AS_ROLE = "runs_as_role"

# (calling service, called service, operation or "*") -> the service principal AWS makes it as
AS_SERVICE: dict[tuple[str, str, str], str] = {
    ("lambda", "sts", "AssumeRole"): "lambda.amazonaws.com",
    ("lambda", "logs", "*"): "lambda.amazonaws.com",
    ("s3", "sqs", "*"): "s3.amazonaws.com",
    ("s3", "sns", "*"): "s3.amazonaws.com",
    ("s3", "lambda", "*"): "s3.amazonaws.com",
    ("logs", "lambda", "*"): "logs.amazonaws.com",
    ("logs", "cloudwatch", "*"): "logs.amazonaws.com",
    ("cloudwatch", "lambda", "*"): "lambda.alarms.cloudwatch.amazonaws.com",
    ("cloudwatch", "sns", "*"): "cloudwatch.amazonaws.com",
    ("apigateway", "lambda", "*"): "apigateway.amazonaws.com",
}


def as_service(calling: str, service: str, operation: str) -> str | None:
    """The service principal AWS makes ``calling``'s call of ``service.operation`` as, if any."""
    return AS_SERVICE.get((calling, service, operation)) or AS_SERVICE.get((calling, service, "*"))


def _protocol(service: str) -> str:
    from fogbank.spec.loader import service_model

    return service_model(service).metadata.get("protocol", "query")


def admit(caller: Ctx, inner: Ctx, params: dict[str, Any]) -> Ctx:
    """Authorise ``inner`` (the called operation's context, derived from ``caller``'s) when IAM
    is enforced; returns the context to run it with. Raises the called service's access-denied
    error when the caller may not make the call."""
    if not caller.config.enforce_iam or caller.principal is None or caller.extras.get(SERVICE_PRINCIPAL):
        return inner
    calling = caller.service
    if not calling or calling == inner.service:
        return inner
    service_principal = None if caller.extras.get(RUNS_AS_ROLE) else as_service(calling, inner.service, inner.operation)
    if service_principal is not None:
        if (calling, inner.service, inner.operation) == ("lambda", "sts", "AssumeRole"):
            return inner.derive(extras={**caller.extras, SERVICE_PRINCIPAL: service_principal})
        return inner
    inner = inner.derive(extras={**caller.extras, "via_service": calling})
    principal = caller.principal
    record = None
    if principal.access_key_id and not (len(principal.access_key_id) == 12 and principal.access_key_id.isdigit()):
        record = principals.lookup(caller.store, principal.access_key_id)
    enforce.admit(inner, Authenticated(principal, record), _protocol(inner.service), params)
    return inner
