"""The ``smithy-rpc-v2-cbor`` protocol: CloudWatch's first protocol, spoken by current SDKs.

A request is ``POST /service/<ServiceName>/operation/<Operation>`` with ``smithy-protocol:
rpc-v2-cbor`` and the whole input as a CBOR map; timestamps are tag 1 epoch seconds, blobs byte
strings. Responses carry the same header and ``Content-Type: application/cbor``; errors put
``__type`` and ``message`` in the CBOR body and, for ``awsQueryCompatible`` services, the
query-era code in ``x-amzn-query-error`` (as the ``json`` protocol does).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import cbor2

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import json_, json_shapes
from fogbank.protocol.base import HttpRequest, HttpResponse

CONTENT_TYPE = "application/cbor"
PROTOCOL_HEADER = ("smithy-protocol", "rpc-v2-cbor")


def _bad(message: str) -> BadRequest:
    return BadRequest(message, code="SerializationException")


def _dumps(value: Any) -> bytes:
    return cbor2.dumps(value, datetime_as_timestamp=True, timezone=UTC)


def parse_request(op: Any, req: HttpRequest, path_params: dict[str, str]) -> dict[str, Any]:
    """The operation's input from a CBOR body (an empty body is an empty input)."""
    shape = op.input_shape
    body = req.body
    if shape is None or not body:
        return {}
    try:
        value = cbor2.loads(body)
    except Exception:  # cbor2 raises many kinds on hostile input; every one means a bad body
        raise _bad("Request body is not valid CBOR") from None
    if value is None:
        return {}
    try:
        return json_shapes.decoder(shape, json_shapes.CBOR)(value)
    except json_shapes.ShapeError as exc:
        raise _bad(str(exc)) from None
    except RecursionError:
        raise _bad("Request body is nested too deeply") from None


def serialize_response(op: Any, output: dict[str, Any] | None, request_id: str) -> HttpResponse:
    """The operation's output as a CBOR map (an empty map when it has no members)."""
    shape = op.output_shape
    value = json_shapes.encoder(shape, json_shapes.CBOR)(output or {}) if shape is not None else {}
    return HttpResponse(
        200,
        [PROTOCOL_HEADER, ("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", request_id)],
        _dumps(value),
    )


def serialize_error(service: Any, error: ServiceError, request_id: str, op: Any = None) -> HttpResponse:
    """An error as a CBOR map with ``__type`` and ``message``, plus the query-compatibility header."""
    type_name, query_code = json_.error_type_and_query_code(service, error)
    body: dict[str, Any] = {"__type": type_name}
    shape = json_.error_shape(service, type_name)
    body.update(json_.error_body(shape, error.fields, error.message, json_shapes.CBOR))
    headers = [PROTOCOL_HEADER, ("Content-Type", CONTENT_TYPE), ("x-amzn-RequestId", request_id)]
    if query_code:
        headers.append(("x-amzn-query-error", json_.query_error_header(error, query_code)))
    headers.extend(error.headers.items())
    try:
        payload = _dumps(body)
    except (cbor2.CBOREncodeError, TypeError, ValueError):
        # Unmodelled fields that CBOR cannot carry are dropped rather than losing the error.
        payload = _dumps({"__type": type_name, "message": error.message})
    return HttpResponse(error.status, headers, payload)
