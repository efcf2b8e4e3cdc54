"""The life of one request to a deployed stage, in order: stage and snapshot -> resource and
method -> authorizer (or the signer of an AWS_IAM method) -> IAM and the API's resource policy ->
API key and usage plan -> stage throttle -> request validation -> integration (within its
timeout) -> method response; any refusal is a gateway response."""

from __future__ import annotations

import logging
import secrets
import time
import traceback
import uuid
from typing import Any
from urllib.parse import unquote

from fogbank.context import Ctx
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.services.apigateway import store
from fogbank.services.apigateway.dataplane import (
    authorizers,
    failures,
    iam,
    integrations,
    limits,
    metrics,
    routing,
    validation,
)
from fogbank.services.apigateway.dataplane.call import Call
from fogbank.services.apigateway.dataplane.state import RuntimeState

log = logging.getLogger("fogbank.apigateway")


def trace_id(now: float) -> str:
    """A new X-Ray trace id."""
    return f"Root=1-{int(now):08x}-{secrets.token_hex(12)}"


def locate(app: Any, api_id: str) -> tuple[str, str, dict[str, Any]] | None:
    """(account, region, document) of an API id, or None."""
    index = store.load(app.store.get(store.api_index_key(api_id)))
    if index is None:
        return None
    doc = store.load(app.store.get(store.api_key(index["account"], index["region"], api_id)))
    return None if doc is None else (index["account"], index["region"], doc)


async def serve(app: Any, state: RuntimeState, req: HttpRequest, api_id: str, stage_name: str, path: str) -> HttpResponse:
    """Answer a request for ``path`` on a stage of an API."""
    request_id = str(uuid.uuid4())
    found = locate(app, api_id)
    stage = found[2]["stages"].get(stage_name) if found else None
    if found is None or stage is None or found[2]["api"].get("disableExecuteApiEndpoint"):
        return failures.respond(failures.missing_token(), {}, {}, {}, req.headers, request_id)
    account, region, doc = found
    deployment = doc["deployments"].get(stage["deploymentId"]) or {}
    snapshot = deployment.get("_snapshot") or {"resources": {}, "authorizers": {}, "validators": {}, "models": {},
                                                 "gatewayResponses": {}, "api": {}}
    ctx: Ctx = app.background_ctx("apigateway", account, region)
    call = Call(req=req, api_id=api_id, stage_name=stage_name, path=unquote(path) or "/", account=account,
                region=region, request_id=request_id, now=ctx.clock.now(), host=req.host.split(":", 1)[0],
                stage=stage, snapshot=snapshot)
    trace = req.headers.get("x-amzn-trace-id") or trace_id(call.now)
    req.headers["x-amzn-trace-id"] = trace
    try:
        response = await _pipeline(ctx, call, state)
    except failures.GatewayError as err:
        response = failures.respond(err, snapshot.get("gatewayResponses") or {}, call.context(),
                                    call.stage_variables, req.headers, request_id)
    except Exception:
        log.error("API Gateway failed on %s %s:\n%s", req.method, req.path, traceback.format_exc())
        response = failures.respond(failures.configuration_error(), snapshot.get("gatewayResponses") or {},
                                    call.context(), call.stage_variables, req.headers, request_id)
    metrics.request(ctx, call, doc["api"].get("name") or api_id, response.status)
    response.set_header("x-amzn-RequestId", request_id)
    response.set_header("x-amz-apigw-id", request_id[:8] + "=")
    response.set_header("X-Amzn-Trace-Id", trace)
    log.debug("%s %s %s/%s -> %d (%.1f ms)", req.method, call.path, api_id, stage_name, response.status,
              (time.perf_counter() - call.started) * 1000)
    return response


async def _pipeline(ctx: Ctx, call: Call, state: RuntimeState) -> HttpResponse:
    found = routing.match(call.snapshot["resources"], call.path, call.req.method)
    if found is None:
        raise failures.missing_token()
    call.resource, call.method, call.path_params = found.resource, found.method, found.path_params
    if "methodIntegration" not in call.method:
        raise failures.configuration_error()
    auth = call.method.get("authorizationType")
    if auth == "AWS_IAM":
        iam.authenticate(ctx, call)
    elif auth in ("CUSTOM", "COGNITO_USER_POOLS"):
        await authorizers.authorize(ctx, call, state)
    iam.authorize(ctx, call, signed=auth == "AWS_IAM")
    if call.method.get("apiKeyRequired"):
        limits.check_api_key(ctx, call, state)
    limits.check_stage_throttle(call, state)
    validation.validate(call)
    return await integrations.run(ctx, call, state)
