"""The ``json`` protocol (awsJson 1.0 and 1.1): DynamoDB, SQS, KMS, Logs, SSM, Kinesis, ECS, ...

A request is ``POST /`` with ``X-Amz-Target: <prefix>.<Operation>`` and the whole input as a JSON
body; a response is the whole output as a JSON body. Errors carry ``__type`` and ``message``;
services whose model is ``awsQueryCompatible`` (SQS, CloudWatch) also send
``x-amzn-query-error: <query code>;Sender|Receiver`` so clients recover the query-era codes.

The query code of an error is, in order: ``error.query_code`` when the raiser set that attribute,
else the ``error.code`` trait of the model's error shape named ``error.code`` (for SQS, whose
model lacks them, the extras overlay that ``query_compat`` reads). An error raised
with the query code itself as ``code`` is recognised too and answered under its shape's name.
The helpers for error shapes live here and are shared with ``rest_json`` and ``cbor``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import json_shapes, query_compat
from fogbank.protocol.base import HttpRequest, HttpResponse

_SEPARATORS = (",", ":")
# Bound once: json.loads/json.dumps rebuild these objects, and sniff the encoding, on every call.
_decode_text = json.JSONDecoder().decode
_encode_text = json.JSONEncoder(separators=_SEPARATORS).encode


# --- error shapes (shared with rest_json and cbor) ------------------------------------------


@lru_cache(maxsize=256)
def _error_shapes(service: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Error shapes by name, and shape names by their query-era code."""
    by_name: dict[str, Any] = {}
    by_query_code: dict[str, str] = {}
    extra = _overlay_query_codes(service)
    for shape in service.error_shapes:
        by_name[shape.name] = shape
        code = shape.metadata.get("error", {}).get("code") or extra.get(shape.name)
        if code and code != shape.name:
            by_query_code.setdefault(code, shape.name)
    return by_name, by_query_code


def _overlay_query_codes(service: Any) -> dict[str, str]:
    # SQS moved to JSON before models could carry query codes; the extras overlay keeps them.
    if "awsQueryCompatible" not in service.metadata:
        return {}
    patch = query_compat.overlay(service.service_name) or {}
    return {name: err["code"] for name, err in patch.get("errors", {}).items() if err.get("code")}


def _query_code(service: Any, shape: Any) -> str | None:
    code = shape.metadata.get("error", {}).get("code")
    return code or _overlay_query_codes(service).get(shape.name)


def error_shape(service: Any, code: str) -> Any:
    """The model's error shape for ``code`` (its name or its query-era code), or None."""
    by_name, by_query_code = _error_shapes(service)
    found = by_name.get(code)
    if found is None and code in by_query_code:
        found = by_name[by_query_code[code]]
    return found


def error_type_and_query_code(service: Any, error: ServiceError) -> tuple[str, str | None]:
    """The error's ``__type`` and, for ``awsQueryCompatible`` services, its query-era code."""
    code = error.code
    if "awsQueryCompatible" not in service.metadata:
        return code, None
    by_name, by_query_code = _error_shapes(service)
    name = code if code in by_name else by_query_code.get(code, code)
    query_code = getattr(error, "query_code", None)
    if not query_code:
        shape = by_name.get(name)
        query_code = (_query_code(service, shape) if shape is not None else None) or name
    return name, query_code


def query_error_header(error: ServiceError, query_code: str) -> str:
    """The ``x-amzn-query-error`` value: the query code and who is at fault."""
    return f"{query_code};{'Sender' if error.sender_fault else 'Receiver'}"


def error_body(shape: Any, fields: dict[str, Any], message: str, dialect: str) -> dict[str, Any]:
    """An error's modelled ``fields`` on the wire, plus ``message`` (and ``Message`` where the
    error ``shape`` has that member); ``shape`` None sends the fields as they are."""
    body: dict[str, Any] = {}
    if fields:
        if shape is not None:
            body.update(json_shapes.encoder(shape, dialect)(fields))
        else:
            body.update(fields)
    if message or "message" not in body:
        body["message"] = message
    if shape is not None and "Message" in shape.members and "Message" not in body:
        body["Message"] = message
    return body


# --- the protocol ---------------------------------------------------------------------------


def _bad(message: str) -> BadRequest:
    return BadRequest(message, code="SerializationException")


def decode_json(shape: Any, body: bytes) -> Any:
    """A JSON body decoded into ``shape``'s Python value; ``BadRequest`` when it does not fit."""
    try:
        value = _decode_text(body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise _bad("Request body is not valid JSON") from None
    if value is None and shape.type_name == "structure":
        return {}
    try:
        return json_shapes.decoder(shape)(value)
    except json_shapes.ShapeError as exc:
        raise _bad(str(exc)) from None
    except RecursionError:
        raise _bad("Request body is nested too deeply") from None


def encode_json(shape: Any, value: Any) -> bytes:
    """``value`` of ``shape`` as a compact JSON body."""
    return _encode_text(json_shapes.encoder(shape)(value)).encode("utf-8")


@lru_cache(maxsize=256)
def _content_type(service: Any) -> str:
    return f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"


def parse_request(op: Any, req: HttpRequest, path_params: dict[str, str]) -> dict[str, Any]:
    """The operation's input from a JSON body (an empty body is an empty input)."""
    shape = op.input_shape
    body = req.body
    if shape is None or not body or body.isspace():
        return {}
    return decode_json(shape, body)


def serialize_response(op: Any, output: dict[str, Any] | None, request_id: str) -> HttpResponse:
    """The operation's output as a JSON body."""
    shape = op.output_shape
    body = encode_json(shape, output or {}) if shape is not None else b"{}"
    return HttpResponse(
        200,
        [("Content-Type", _content_type(op.service_model)), ("x-amzn-RequestId", request_id)],
        body,
    )


def serialize_error(service: Any, error: ServiceError, request_id: str, op: Any = None) -> HttpResponse:
    """An error as AWS's JSON protocol sends it: ``__type`` and ``message`` in the body."""
    type_name, query_code = error_type_and_query_code(service, error)
    body = {"__type": type_name}
    body.update(error_body(error_shape(service, type_name), error.fields, error.message, json_shapes.JSON))
    headers = [("Content-Type", _content_type(service)), ("x-amzn-RequestId", request_id)]
    if query_code:
        headers.append(("x-amzn-query-error", query_error_header(error, query_code)))
    headers.extend(error.headers.items())
    return HttpResponse(error.status, headers, json.dumps(body, separators=_SEPARATORS, default=str).encode("utf-8"))
