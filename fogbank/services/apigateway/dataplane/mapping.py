"""Non-proxy mapping: request parameters and templates on the way in, integration response
selection, response parameters and templates on the way out."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.apigateway.dataplane import failures
from fogbank.services.apigateway.dataplane.call import Call
from fogbank.services.apigateway.vtl import TemplateError, jsonpath, render

DEFAULT_CONTENT_TYPE = "application/json"


@dataclass
class IntegrationOutput:
    """What an integration answered, before the integration response maps it."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    error_message: str | None = None


def params_of(call: Call) -> dict[str, dict[str, str]]:
    """The method request parameters as ``$input.params()`` has them."""
    return {"path": dict(call.path_params), "querystring": call.query(), "header": call.event_headers()}


def _walk(node: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def request_value(call: Call, source: str) -> str | None:
    """A method request value named as in ``requestParameters`` (``method.request.header.x``,
    ``'static'``, ``context.requestId``, ``stageVariables.x``)."""
    if source.startswith("'") and source.endswith("'") and len(source) >= 2:
        return source[1:-1]
    for prefix, kind in (("method.request.header.", "header"), ("method.request.multivalueheader.", "header"),
                         ("method.request.querystring.", "query"), ("method.request.multivaluequerystring.", "query"),
                         ("method.request.path.", "path")):
        if source.startswith(prefix):
            name = source[len(prefix):]
            if kind == "header":
                return (",".join(call.header_values(name)) if "multivalue" in prefix else call.header(name))
            if kind == "query":
                values = call.query_multi().get(name)
                return None if not values else (",".join(values) if "multivalue" in prefix else values[-1])
            return call.path_params.get(name)
    if source == "method.request.body":
        return call.req.body.decode("utf-8", "replace")
    if source.startswith("method.request.body."):
        return _json_text(call.req.body, "$." + source[len("method.request.body."):])
    if source.startswith("stageVariables."):
        return call.stage_variables.get(source[len("stageVariables."):])
    if source.startswith("context."):
        value = _walk(call.context(), source[len("context."):])
        return None if value is None else str(value)
    return None


def _json_text(body: bytes, path: str) -> str | None:
    try:
        value = jsonpath.evaluate(json.loads(body or b"null"), path)
    except (ValueError, jsonpath.PathError):
        return None
    if value is jsonpath.MISSING:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def integration_parameters(call: Call, integration: dict[str, Any]) -> dict[str, dict[str, str]]:
    """``integration.request.{header,querystring,path}.x`` values mapped from the method request."""
    mapped: dict[str, dict[str, str]] = {"header": {}, "querystring": {}, "path": {}}
    for target, source in (integration.get("requestParameters") or {}).items():
        m = re.match(r"^integration\.request\.(header|querystring|path|multivaluequerystring|multivalueheader)\.(.+)$", target)
        if not m:
            continue
        value = request_value(call, source)
        if value is not None:
            kind = m.group(1).replace("multivalue", "")
            mapped[kind][m.group(2)] = value
    return mapped


def request_body(call: Call, integration: dict[str, Any]) -> bytes:
    """The integration request body: the template for the content type, or the body passed through."""
    templates = integration.get("requestTemplates") or {}
    content_type = call.headers.get("content-type", "").split(";", 1)[0].strip().lower() or DEFAULT_CONTENT_TYPE
    template = templates.get(content_type)
    if template is None:
        behaviour = integration.get("passthroughBehavior") or "WHEN_NO_MATCH"
        if behaviour == "NEVER" or (behaviour == "WHEN_NO_TEMPLATES" and templates):
            raise failures.unsupported_media_type()
        return call.req.body
    try:
        return render(template, body=call.req.body.decode("utf-8", "replace"), params=params_of(call),
                      context=call.context(), stage_variables=call.stage_variables).encode()
    except TemplateError:
        raise failures.configuration_error() from None


def select_response(integration: dict[str, Any], output: IntegrationOutput) -> dict[str, Any]:
    """The integration response whose selection pattern matches the Lambda error message (empty
    for a successful function) or, for other integrations, the status code; else the default
    one (no pattern)."""
    responses = list((integration.get("integrationResponses") or {}).values())
    subject = output.error_message if output.error_message is not None else str(output.status)
    default = None
    for response in responses:
        pattern = response.get("selectionPattern")
        if not pattern:
            default = default or response
            continue
        try:
            # as in Java's regex (which API Gateway uses), '.' stops at a line break
            if re.fullmatch(pattern, subject):
                return response
        except re.error:
            continue
    if default is None:
        raise failures.configuration_error()
    return default


def response_headers(call: Call, response: dict[str, Any], output: IntegrationOutput) -> list[tuple[str, str]]:
    """``method.response.header.x`` values mapped from the integration response (or static)."""
    headers = []
    for target, source in (response.get("responseParameters") or {}).items():
        if not target.startswith("method.response.header."):
            continue
        value: str | None
        if source.startswith("integration.response.header."):
            wanted = source[len("integration.response.header."):].lower()
            value = next((v for k, v in output.headers.items() if k.lower() == wanted), None)
        elif source == "integration.response.body":
            value = output.body.decode("utf-8", "replace")
        elif source.startswith("integration.response.body."):
            value = _json_text(output.body, "$." + source[len("integration.response.body."):])
        else:
            value = request_value(call, source)
        if value is not None:
            headers.append((target[len("method.response.header."):], value))
    return headers


def response_body(call: Call, response: dict[str, Any], output: IntegrationOutput) -> tuple[bytes, str]:
    """The method response body and its content type: the response template (JSON first) or passthrough."""
    templates = response.get("responseTemplates") or {}
    accept = call.headers.get("accept", "").split(",", 1)[0].split(";", 1)[0].strip().lower()
    content_type = accept if accept in templates else (DEFAULT_CONTENT_TYPE if DEFAULT_CONTENT_TYPE in templates else next(iter(templates), DEFAULT_CONTENT_TYPE))
    template = templates.get(content_type)
    if not template:
        return output.body, content_type
    try:
        text = render(template, body=output.body.decode("utf-8", "replace"), params=params_of(call),
                      context=call.context(), stage_variables=call.stage_variables)
    except TemplateError:
        raise failures.configuration_error() from None
    return text.encode(), content_type
