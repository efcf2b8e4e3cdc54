"""Lambda (TOKEN and REQUEST) and Cognito user pool authorizers, with results cached for their TTL."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from fogbank.context import Ctx
from fogbank.services.apigateway.dataplane import failures, lambdas, permissions, policy
from fogbank.services.apigateway.dataplane.call import Call
from fogbank.services.apigateway.dataplane.state import RuntimeState

log = logging.getLogger("fogbank.apigateway")


def _identity_value(call: Call, source: str) -> str | None:
    source = source.strip()
    for prefix, kind in (("method.request.header.", "header"), ("method.request.multivalueheader.", "header"),
                         ("method.request.querystring.", "query"), ("method.request.multivaluequerystring.", "query")):
        if source.startswith(prefix):
            name = source[len(prefix):]
            if kind == "header":
                return (",".join(call.header_values(name)) if "multivalue" in prefix else call.header(name)) or None
            values = call.query_multi().get(name)
            return ",".join(values) if values else None
    if source.startswith("stageVariables."):
        return call.stage_variables.get(source[len("stageVariables."):]) or None
    if source.startswith("context."):
        node: Any = call.context()
        for part in source[len("context."):].split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return None if node in (None, "") else str(node)
    return None


def _identity(call: Call, authorizer: dict[str, Any]) -> list[str] | None:
    """The identity source values, or None when one is missing (401)."""
    sources = [s for s in (authorizer.get("identitySource") or "").split(",") if s.strip()]
    values = []
    for source in sources:
        value = _identity_value(call, source)
        if value is None:
            return None
        values.append(value)
    return values


def _event(call: Call, authorizer: dict[str, Any], token: str | None) -> dict[str, Any]:
    if authorizer["type"] == "TOKEN":
        return {"type": "TOKEN", "authorizationToken": token, "methodArn": call.method_arn()}
    query = call.query_multi()
    multi = call.event_header_lists()
    return {
        "type": "REQUEST", "methodArn": call.method_arn(), "resource": call.resource["path"], "path": call.path,
        "httpMethod": call.req.method, "headers": {k: v[-1] for k, v in multi.items()},
        "multiValueHeaders": multi,
        "queryStringParameters": {k: v[-1] for k, v in query.items()},
        "multiValueQueryStringParameters": query, "pathParameters": call.path_params,
        "stageVariables": call.stage_variables, "requestContext": call.context(),
    }


def _context_value(value: Any) -> str:
    """A context value as API Gateway passes it on: stringified (``1`` -> ``"1"``, ``true`` ->
    ``"true"``); objects and arrays in an authorizer's context are refused."""
    if isinstance(value, dict | list):
        raise ValueError("authorizer context values must be strings, numbers or booleans")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


async def authorize(ctx: Ctx, call: Call, state: RuntimeState) -> None:
    """Run the method's authorizer; sets ``call.authorizer`` or raises a GatewayError."""
    authorizer = call.snapshot["authorizers"].get(call.method.get("authorizerId") or "")
    if authorizer is None:
        raise failures.authorizer_failure("Internal server error")
    values = _identity(call, authorizer)
    ttl = authorizer.get("authorizerResultTtlInSeconds", 300)
    if values is None or (authorizer["type"] != "REQUEST" and not values):
        raise failures.unauthorized()
    token = values[0] if values else None
    expression = authorizer.get("identityValidationExpression")
    if authorizer["type"] == "TOKEN" and expression and not re.fullmatch(expression, token or ""):
        raise failures.unauthorized()
    if authorizer["type"] == "COGNITO_USER_POOLS":
        call.authorizer = await _cognito(ctx, call, authorizer, token or "")
        return
    cache_key = (call.api_id, call.stage_name, authorizer["id"], tuple(values))
    result = state.cached(cache_key, call.now) if ttl > 0 else None
    latency = 0  # a cached result took no time
    if result is None:
        began = time.perf_counter()
        result = await _ask_lambda(ctx, call, state, authorizer, token)
        latency = int((time.perf_counter() - began) * 1000)
        if ttl > 0:
            state.remember(cache_key, result, call.now + ttl)
    decision = policy.decide(result["policyDocument"], call.method_arn())
    if decision != "Allow":
        raise failures.access_denied(explicit=decision == "Deny")
    call.authorizer = {"principalId": result["principalId"], **(result.get("context") or {}),
                       "integrationLatency": latency}
    if result.get("usageIdentifierKey") is not None:
        call.usage_key = str(result["usageIdentifierKey"])


async def _ask_lambda(ctx: Ctx, call: Call, state: RuntimeState, authorizer: dict[str, Any],
                      token: str | None) -> dict[str, Any]:
    source = f"arn:aws:execute-api:{call.region}:{call.account}:{call.api_id}/authorizers/{authorizer['id']}"
    try:
        function = lambdas.function_arn(authorizer["authorizerUri"], call.stage_variables)
        invoker = permissions.invoker(ctx, state, authorizer.get("authorizerCredentials"), function, [source])
        answer = await lambdas.invoke(invoker, function, _event(call, authorizer, token))
    except (lambdas.LambdaUnavailable, permissions.NotPermitted):
        raise failures.authorizer_failure() from None
    try:
        result = answer.json()
    except ValueError:
        raise failures.authorizer_failure() from None
    if answer.failed:
        message = result.get("errorMessage") if isinstance(result, dict) else None
        if message == "Unauthorized":
            raise failures.unauthorized()
        log.warning("authorizer %s failed: %s", authorizer["id"], message)
        raise failures.authorizer_failure()
    if not isinstance(result, dict) or "principalId" not in result or not policy.valid(result.get("policyDocument")):
        log.warning("authorizer %s answered an invalid policy: %s", authorizer["id"], json.dumps(result)[:200])
        raise failures.authorizer_failure()
    try:
        context = {k: _context_value(v) for k, v in (result.get("context") or {}).items()}
    except ValueError:
        raise failures.authorizer_failure() from None
    return {"principalId": result["principalId"], "policyDocument": result["policyDocument"], "context": context,
            "usageIdentifierKey": result.get("usageIdentifierKey")}


async def _cognito(ctx: Ctx, call: Call, authorizer: dict[str, Any], token: str) -> dict[str, Any]:
    """Validate a user pool's JWT. The hook for fogbank's Cognito: until it exists, every token fails
    as a configuration error (500), since no pool can vouch for it."""
    from fogbank.server.providers import load_provider

    if load_provider("cognito-idp") is None:
        log.warning("COGNITO_USER_POOLS authorizer %s: fogbank has no Cognito yet", authorizer["id"])
        raise failures.authorizer_failure()
    raise failures.authorizer_failure()  # pragma: no cover - wired once Cognito offers JWT validation
