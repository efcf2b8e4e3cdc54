"""Calling a method's integration: MOCK, AWS_PROXY and AWS (Lambda), HTTP_PROXY and HTTP, each
bounded by the integration's timeout on fogbank's clock."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from fogbank.context import Ctx
from fogbank.protocol.base import HttpResponse
from fogbank.services.apigateway.dataplane import failures, lambdas, mapping, permissions
from fogbank.services.apigateway.dataplane.call import Call
from fogbank.services.apigateway.dataplane.mapping import IntegrationOutput
from fogbank.services.apigateway.dataplane.state import RuntimeState

log = logging.getLogger("fogbank.apigateway")

PROXY_RESPONSE_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "content-length", "host", "te", "trailer"}


async def run(ctx: Ctx, call: Call, state: RuntimeState) -> HttpResponse:
    """The method response for ``call``, through its integration, within the integration timeout."""
    integration = call.method["methodIntegration"]
    timeout = (integration.get("timeoutInMillis") or 29000) / 1000.0
    began = time.perf_counter()
    work = asyncio.ensure_future(_dispatch(ctx, call, integration, state))
    deadline = asyncio.ensure_future(ctx.clock.sleep_until(ctx.clock.now() + timeout))
    done, _ = await asyncio.wait({work, deadline}, return_when=asyncio.FIRST_COMPLETED)
    if work not in done:
        work.cancel()
        raise failures.timed_out()
    deadline.cancel()
    call.integration_ms = (time.perf_counter() - began) * 1000.0
    return work.result()


async def _dispatch(ctx: Ctx, call: Call, integration: dict[str, Any], state: RuntimeState) -> HttpResponse:
    kind = integration["type"]
    if kind == "AWS_PROXY":
        return await _lambda_proxy(ctx, call, integration, state)
    if kind == "HTTP_PROXY":
        return await _http_proxy(call, integration)
    if kind == "MOCK":
        output = _mock(call, integration)
    elif kind == "HTTP":
        output = await _http(call, integration)
    elif kind == "AWS":
        output = await _aws(ctx, call, integration, state)
    else:
        raise failures.configuration_error()
    return _method_response(call, integration, output)


# --- Lambda proxy ------------------------------------------------------------------------------

def proxy_event(call: Call) -> dict[str, Any]:
    """The payload format 1.0 event of a REST API Lambda proxy integration."""
    multi = call.event_header_lists()
    query = call.query_multi()
    body, encoded = call.body_for_event()
    return {
        "resource": call.resource["path"],
        "path": call.path,
        "httpMethod": call.req.method,
        "headers": {k: v[-1] for k, v in multi.items()} or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": dict(call.path_params) or None,
        "stageVariables": dict(call.stage_variables) or None,
        "requestContext": call.context(),
        "body": body,
        "isBase64Encoded": encoded,
    }


def proxy_response(call: Call, payload: Any) -> HttpResponse:
    """The HTTP response a Lambda proxy answer describes; 502 when it is malformed."""
    if not isinstance(payload, dict) or set(payload) - PROXY_RESPONSE_KEYS:
        raise failures.internal_error()
    status = payload.get("statusCode", 200)
    try:
        status = int(status)
    except (TypeError, ValueError):
        raise failures.internal_error() from None
    if not 100 <= status <= 599:
        raise failures.internal_error()
    body = payload.get("body")
    if body is not None and not isinstance(body, str):
        raise failures.internal_error()
    headers: list[tuple[str, str]] = []
    single = payload.get("headers") or {}
    multi = payload.get("multiValueHeaders") or {}
    if not isinstance(single, dict) or not isinstance(multi, dict):
        raise failures.internal_error()
    for name, values in multi.items():
        if not isinstance(values, list):
            raise failures.internal_error()
        headers.extend((name, _scalar(v)) for v in values)
    for name, value in single.items():
        if not any(h.lower() == name.lower() for h, _ in headers):
            headers.append((name, _scalar(value)))
    raw = (body or "").encode()
    if payload.get("isBase64Encoded") and body:
        accept = call.headers.get("accept", "")
        if any(call.is_binary(t) for t in accept.split(",")):
            try:
                raw = base64.b64decode(body)
            except ValueError:
                raise failures.internal_error() from None
    if not any(h.lower() == "content-type" for h, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return HttpResponse(status, headers, raw)


def _scalar(value: Any) -> str:
    if isinstance(value, dict | list):
        raise failures.internal_error()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def _invoke(ctx: Ctx, call: Call, integration: dict[str, Any], state: RuntimeState, function: str,
                  event: Any) -> lambdas.LambdaResult:
    """Invoke the integration's function as its credentials role or as API Gateway (500 when
    that is not permitted or the function cannot be invoked)."""
    try:
        invoker = permissions.invoker(ctx, state, integration.get("credentials"), function, call.source_arns())
        return await lambdas.invoke(invoker, function, event)
    except (lambdas.LambdaUnavailable, permissions.NotPermitted):
        raise failures.configuration_error() from None


async def _lambda_proxy(ctx: Ctx, call: Call, integration: dict[str, Any], state: RuntimeState) -> HttpResponse:
    try:
        function = lambdas.function_arn(integration.get("uri", ""), call.stage_variables)
    except lambdas.LambdaUnavailable:
        raise failures.configuration_error() from None
    answer = await _invoke(ctx, call, integration, state, function, proxy_event(call))
    if answer.failed:
        raise failures.internal_error()
    try:
        payload = answer.json()
    except ValueError:
        raise failures.internal_error() from None
    return proxy_response(call, payload)


# --- Lambda (non-proxy) ------------------------------------------------------------------------

async def _aws(ctx: Ctx, call: Call, integration: dict[str, Any], state: RuntimeState) -> IntegrationOutput:
    uri = integration.get("uri", "")
    if ":lambda:path/" not in uri:
        log.warning("API Gateway AWS integrations support Lambda only in fogbank: %s", uri)
        raise failures.configuration_error()
    body = mapping.request_body(call, integration)
    try:
        event = json.loads(body) if body.strip() else {}
    except ValueError:
        raise failures.configuration_error() from None
    try:
        function = lambdas.function_arn(uri, call.stage_variables)
    except lambdas.LambdaUnavailable:
        raise failures.configuration_error() from None
    answer = await _invoke(ctx, call, integration, state, function, event)
    # the selection patterns of a Lambda integration match its error message, which a successful
    # call does not have: it gets the default response unless a pattern matches the empty string
    error_message = ""
    if answer.failed:
        try:
            error_message = str((answer.json() or {}).get("errorMessage", ""))
        except (ValueError, AttributeError):
            error_message = ""
    return IntegrationOutput(200, answer.payload, {"Content-Type": "application/json"}, error_message)


# --- MOCK ----------------------------------------------------------------------------------------

def _mock(call: Call, integration: dict[str, Any]) -> IntegrationOutput:
    body = mapping.request_body(call, integration)
    status = 200
    if body.strip():
        try:
            status = int(json.loads(body).get("statusCode", 200))
        except (ValueError, AttributeError, TypeError):
            raise failures.configuration_error() from None
    return IntegrationOutput(status, b"")


# --- HTTP ----------------------------------------------------------------------------------------

def _target_url(call: Call, integration: dict[str, Any], path_values: dict[str, str], query: list[tuple[str, str]]) -> str:
    uri = lambdas.substitute(integration.get("uri", ""), call.stage_variables)
    for name, value in path_values.items():
        uri = uri.replace("{" + name + "}", quote(value, safe="/"))
    parts = urlsplit(uri)
    existing = parts.query
    extra = urlencode(query)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(p for p in (existing, extra) if p), ""))


def _fetch(url: str, method: str, headers: dict[str, str], body: bytes | None, timeout: float) -> IntegrationOutput:
    req = urllib.request.Request(url, data=body if method not in ("GET", "HEAD") else None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return IntegrationOutput(resp.status, resp.read(), dict(resp.headers.items()))
    except urllib.error.HTTPError as err:
        return IntegrationOutput(err.code, err.read(), dict(err.headers.items()))


async def _call_http(url: str, method: str, headers: dict[str, str], body: bytes | None, timeout: float) -> IntegrationOutput:
    try:
        return await asyncio.to_thread(_fetch, url, method, headers, body, timeout)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        if "timed out" in str(exc):
            raise failures.timed_out() from None
        log.warning("API Gateway HTTP integration to %s failed: %s", url, exc)
        raise failures.integration_failure() from None


async def _http_proxy(call: Call, integration: dict[str, Any]) -> HttpResponse:
    mapped = mapping.integration_parameters(call, integration)
    path_values = {**call.path_params, **mapped["path"]}
    query = [(k, v) for k, values in call.query_multi().items() for v in values]
    query += list(mapped["querystring"].items())
    url = _target_url(call, integration, path_values, query)
    headers = {k: v for k, v in call.headers.items() if k not in _HOP_BY_HOP}
    headers.update(mapped["header"])
    method = integration.get("httpMethod") or call.req.method
    if method == "ANY":
        method = call.req.method
    output = await _call_http(url, method, headers, call.req.body or None, (integration.get("timeoutInMillis") or 29000) / 1000)
    out_headers = [(k, v) for k, v in output.headers.items() if k.lower() not in _HOP_BY_HOP]
    return HttpResponse(output.status, out_headers, output.body)


async def _http(call: Call, integration: dict[str, Any]) -> IntegrationOutput:
    mapped = mapping.integration_parameters(call, integration)
    body = mapping.request_body(call, integration)
    url = _target_url(call, integration, mapped["path"], list(mapped["querystring"].items()))
    headers = dict(mapped["header"])
    headers.setdefault("Content-Type", call.headers.get("content-type", "application/json"))
    method = integration.get("httpMethod") or call.req.method
    if method == "ANY":
        method = call.req.method
    return await _call_http(url, method, headers, body or None, (integration.get("timeoutInMillis") or 29000) / 1000)


# --- the method response ---------------------------------------------------------------------------

def _method_response(call: Call, integration: dict[str, Any], output: IntegrationOutput) -> HttpResponse:
    response = mapping.select_response(integration, output)
    body, content_type = mapping.response_body(call, response, output)
    headers = [("Content-Type", content_type)]
    for name, value in mapping.response_headers(call, response, output):
        if name.lower() == "content-type":
            headers[0] = (name, value)
        else:
            headers.append((name, value))
    return HttpResponse(int(response["statusCode"]), headers, body)
