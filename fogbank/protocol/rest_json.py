"""The ``rest-json`` protocol: Lambda, API Gateway, X-Ray, Cognito Sync, ...

The HTTP bindings (URI, query string, headers, status, payload) are ``rest.py``'s; this module
adds the JSON body codec and AWS's rest-json errors: the code in ``x-amzn-ErrorType`` and a JSON
body with ``message`` (and ``Message`` where the error shape has that member), error members that
the model binds to headers (Lambda's ``Retry-After``) sent as headers.
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.errors import ServiceError
from fogbank.protocol import json_, json_shapes, rest
from fogbank.protocol.base import HttpRequest, HttpResponse

JSON_TYPE = "application/json"


def parse_request(op: Any, req: HttpRequest, path_params: dict[str, str]) -> dict[str, Any]:
    """The operation's input from the URI, query string, headers and JSON body."""
    return rest.parse_request(op, req, path_params, json_.decode_json)


def _has_header(resp: HttpResponse, lname: str) -> bool:
    return any(k.lower() == lname for k, _ in resp.headers)


def serialize_response(op: Any, output: dict[str, Any] | None, request_id: str) -> HttpResponse:
    """The operation's output over status, headers and a JSON (or raw payload) body."""
    resp = rest.serialize_response(op, output, json_.encode_json)
    if resp.body and not _has_header(resp, "content-type"):
        shape = op.output_shape
        raw = shape is not None and rest.bindings(shape).payload_kind in (rest.BLOB, rest.TEXT)
        resp.headers.append(("Content-Type", "application/octet-stream" if raw else JSON_TYPE))
    resp.headers.append(("x-amzn-RequestId", request_id))
    return resp


def _no_body(shape: Any, value: Any) -> bytes:
    return b""


def serialize_error(service: Any, error: ServiceError, request_id: str, op: Any = None) -> HttpResponse:
    """An error with ``x-amzn-ErrorType``, its header-bound members as headers, the rest as JSON."""
    shape = json_.error_shape(service, error.code)
    fields = error.fields
    if shape is not None:
        # Header-bound members travel as headers, as the model says; the rest stay in the body.
        resp = rest.serialize_shape(shape, fields, _no_body, status=error.status)
        members = rest.bindings(shape).body_members
        fields = {k: v for k, v in fields.items() if k in members}
    else:
        resp = HttpResponse(error.status)
    body = json_.error_body(shape, fields, error.message, json_shapes.JSON)
    resp.body = json.dumps(body, separators=(",", ":"), default=str).encode("utf-8")
    resp.headers.append(("Content-Type", JSON_TYPE))
    resp.headers.append(("x-amzn-RequestId", request_id))
    resp.headers.append(("x-amzn-ErrorType", error.code))
    resp.headers.extend(error.headers.items())
    return resp
